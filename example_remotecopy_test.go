package alletra_test

import (
	"context"
	"fmt"
	"log"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// A disaster-recovery runbook: replicate a volume, stop the group, fail
// over on the secondary array and read what it holds. Two simulated arrays
// linked as each other's remote copy target stand in for two real ones.
func ExampleRemoteCopyService_Failover() {
	ctx := context.Background()
	srvA, srvB := alletratest.NewServer(), alletratest.NewServer()
	defer srvA.Close()
	defer srvB.Close()
	alletratest.Link(srvA, srvB) // "alletra-sim-1" and "alletra-sim-2"
	a, err := srvA.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close(ctx)
	b, err := srvB.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close(ctx)

	if err := a.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "db", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		log.Fatal(err)
	}
	_ = srvA.WriteContent("db", "rows-1") // what a host wrote
	target := []alletra.RemoteCopyTargetSpec{{TargetName: "alletra-sim-2", Mode: alletra.RemoteCopyPeriodic}}
	if err := a.RemoteCopy.Create(ctx, "rcg", target, nil); err != nil {
		log.Fatal(err)
	}
	if err := a.RemoteCopy.AddVolume(ctx, "rcg", "db", nil, &alletra.RemoteCopyAddVolumeOptions{AutoCreate: true}); err != nil {
		log.Fatal(err)
	}
	if err := a.RemoteCopy.Start(ctx, "rcg", nil); err != nil {
		log.Fatal(err)
	}
	if _, err := a.RemoteCopy.SynchronizeAndWait(ctx, "rcg", nil); err != nil {
		log.Fatal(err)
	}

	// The disaster: stop replication, fail over on the secondary array.
	if err := a.RemoteCopy.Stop(ctx, "rcg", nil); err != nil {
		log.Fatal(err)
	}
	task, err := b.RemoteCopy.Failover(ctx, "rcg", nil) // returns as soon as the array accepted it
	if err != nil {
		log.Fatal(err)
	}
	if _, err := b.Tasks.Wait(ctx, task.ID); err != nil {
		log.Fatal(err)
	}
	g, err := b.RemoteCopy.Get(ctx, "rcg")
	if err != nil {
		log.Fatal(err)
	}
	content, _ := srvB.Content("db")
	fmt.Println("secondary array:", g.Role, g.State(), "reversed:", g.RoleReversed)
	fmt.Println("content:", content)
	// Output:
	// secondary array: PRIMARY STOPPED reversed: true
	// content: rows-1
}
