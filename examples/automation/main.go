// Command automation shows the calls an automation script needs beyond
// LXD's: a host set exported as a whole, a QoS rule on a volume set (and
// why the set cannot be deleted while it has one), volume metadata, a
// snapshot of every volume of a set at once, and a performance sample.
//
//	go run ./examples/automation
//
// It runs on an in-process simulator, or on the array named by ALLETRA_URL,
// ALLETRA_USER and ALLETRA_PASSWORD (optional: ALLETRA_CPG, ALLETRA_INSECURE=1,
// ALLETRA_CA), where it uses fresh names and removes what it created.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "automation:", err)
		os.Exit(1)
	}
}

func run() error {
	c, sim, err := alletratest.Connect()
	if err != nil {
		return err
	}
	if sim != nil {
		defer sim.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	defer func() { _ = c.Close(context.Background()) }()

	cpg := cmp.Or(os.Getenv("ALLETRA_CPG"), "SSD_r6")
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	p := "gaex-" + hex.EncodeToString(b) // unique on a shared array
	hosts := []string{p + "-h1", p + "-h2"}
	vols := []string{p + "-v1", p + "-v2"}
	hostSet, volSet := p+"-hs", p+"-vs"
	undo := newCleanup()
	defer undo.run()

	// Two hosts in a host set; one export of a volume to the set reaches both.
	for i, h := range hosts {
		iqn := fmt.Sprintf("iqn.2024-01.example:%s-%d", p, i)
		if err := c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: h, ISCSINames: []string{iqn}}); err != nil {
			return err
		}
		undo.add(func(ctx context.Context) error { return c.Hosts.Delete(ctx, h) })
	}
	if err := c.HostSets.Create(ctx, &alletra.HostSetCreateRequest{Name: hostSet, Comment: "web tier", SetMembers: hosts[:1]}); err != nil {
		return err
	}
	undo.add(func(ctx context.Context) error { return c.HostSets.Delete(ctx, hostSet) })
	if err := c.HostSets.AddMembers(ctx, hostSet, hosts...); err != nil { // h1 is already there: still nil
		return err
	}
	for _, v := range vols {
		if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: v, CPG: cpg, SizeMiB: 1024}); err != nil {
			return err
		}
		undo.add(func(ctx context.Context) error { return deleteWithSnapshots(ctx, c, v) })
	}
	vl, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: vols[0], HostName: "set:" + hostSet, AutoLUN: true})
	if err != nil {
		return err
	}
	undo.add(func(ctx context.Context) error { return c.VLUNs.DeleteForHost(ctx, vols[0], "set:"+hostSet) })
	fmt.Printf("exported %s to host set %s (%s) as LUN %d\n", vols[0], hostSet, vl.Type, vl.LUN)

	// A QoS rule caps the volumes of a volume set.
	if err := c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: volSet, SetMembers: vols}); err != nil {
		return err
	}
	undo.add(func(ctx context.Context) error { return c.VolumeSets.Delete(ctx, volSet) })
	iops, kb := int64(5000), int64(200*1024)
	target := alletra.VolumeSetQoS(volSet)
	if err := c.QoS.Create(ctx, target, &alletra.QoSRuleSpec{IOMaxLimit: &iops, BwMaxLimitKB: &kb}); err != nil {
		return err
	}
	undo.add(func(ctx context.Context) error { return c.QoS.Delete(ctx, target) })
	rule, err := c.QoS.Get(ctx, target)
	if err != nil {
		return err
	}
	fmt.Printf("QoS rule %s: at most %d IO/s and %d KB/s, enabled=%t\n", target, rule.IOMaxLimit, rule.BwMaxLimitKB, rule.Enabled)
	if err := c.VolumeSets.Delete(ctx, volSet); errors.Is(err, alletra.ErrQoSTarget) {
		fmt.Println("deleting the volume set is refused while the rule exists (ErrQoSTarget)")
	} else if err != nil {
		return err
	}

	// Metadata: the bookkeeping Cinder and HPE's tools keep on volumes.
	for _, v := range vols {
		if err := c.Volumes.SetMetadata(ctx, v, "owner", "automation"); err != nil {
			return err
		}
	}
	owned, err := c.Volumes.FindByMetadata(ctx, "owner", "automation", &alletra.VolumeListOptions{Query: alletra.Eq("userCPG", cpg)})
	if err != nil {
		return err
	}
	fmt.Printf("%d volumes have owner=automation\n", len(owned))

	// One call snapshots every volume of the set.
	if err := c.VolumeSets.CreateSnapshot(ctx, volSet, &alletra.VolumeSetSnapshotRequest{Name: "@vvname@.bk", ReadOnly: true, ExpirationHours: 24}); err != nil {
		return err
	}
	for _, v := range vols {
		snaps, err := c.Snapshots.List(ctx, v)
		if err != nil {
			return err
		}
		for _, s := range snaps {
			fmt.Printf("snapshot %s of %s, read-only=%t\n", s.Name, v, s.ReadOnly)
		}
	}

	// The latest performance sample of the CPG, as an exporter reads it.
	samples, err := c.System.ReportSamples(ctx, alletra.AtTime, alletra.ReportCPGPerformance, &alletra.ReportOptions{
		Resolution: alletra.ResolutionHiRes, Filter: map[string]string{"name": cpg}})
	if err != nil {
		fmt.Println("no performance sample:", err) // System Reporter may be unlicensed on a real array
	} else if len(samples) > 0 && samples[0].IO != nil {
		fmt.Printf("CPG %s: %.0f IO/s\n", cpg, samples[0].IO.Total)
	}
	return undo.run()
}

// deleteWithSnapshots deletes a volume's snapshots and then the volume.
func deleteWithSnapshots(ctx context.Context, c *alletra.Client, vol string) error {
	snaps, err := c.Snapshots.List(ctx, vol)
	if err != nil {
		return err
	}
	for _, s := range snaps {
		if err := c.Volumes.Delete(ctx, s.Name); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return err
		}
	}
	return c.Volumes.Delete(ctx, vol)
}

// cleanup undoes, in reverse order and once, what the example created.
type cleanup struct{ steps []func(context.Context) error }

func newCleanup() *cleanup { return &cleanup{} }

func (c *cleanup) add(f func(context.Context) error) { c.steps = append(c.steps, f) }

func (c *cleanup) run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var first error
	for i := len(c.steps) - 1; i >= 0; i-- {
		if err := c.steps[i](ctx); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			fmt.Fprintln(os.Stderr, "automation: cleanup:", err)
			if first == nil {
				first = err
			}
		}
	}
	c.steps = nil
	return first
}
