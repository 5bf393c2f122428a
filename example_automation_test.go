package alletra_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func ExampleQoSService_Create() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	if err := c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: "gold"}); err != nil {
		log.Fatal(err)
	}
	iops := int64(5000)
	target := alletra.VolumeSetQoS("gold")
	if err := c.QoS.Create(ctx, target, &alletra.QoSRuleSpec{IOMaxLimit: &iops, Priority: alletra.QoSPriorityHigh}); err != nil {
		log.Fatal(err)
	}
	rule, err := c.QoS.Get(ctx, target)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(target, rule.IOMaxLimit, rule.Priority, rule.Enabled)

	// The array keeps a volume set that a rule targets.
	err = c.VolumeSets.Delete(ctx, "gold")
	fmt.Println(errors.Is(err, alletra.ErrQoSTarget))
	if err := c.QoS.Delete(ctx, target); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.VolumeSets.Delete(ctx, "gold"))
	// Output:
	// vvset:gold 5000 HIGH true
	// true
	// <nil>
}

func ExampleHostSetsService_AddMembers() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	for i, h := range []string{"web1", "web2"} {
		iqn := fmt.Sprintf("iqn.2024-01.example:web%d", i+1)
		if err := c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: h, ISCSINames: []string{iqn}}); err != nil {
			log.Fatal(err)
		}
	}
	if err := c.HostSets.Create(ctx, &alletra.HostSetCreateRequest{Name: "web", SetMembers: []string{"web1"}}); err != nil {
		log.Fatal(err)
	}
	// web1 is already a member: the call is still a success.
	if err := c.HostSets.AddMembers(ctx, "web", "web1", "web2"); err != nil {
		log.Fatal(err)
	}
	sets, err := c.HostSets.FindForHost(ctx, "web2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sets[0].Name, sets[0].SetMembers)
	// Output:
	// web [web1 web2]
}
