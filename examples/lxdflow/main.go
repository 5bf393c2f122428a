// Command lxdflow runs LXD's whole storage flow with go-alletra: pool,
// NVMe host, volume, map, snapshot, restore, copy with snapshots, resize,
// unmap and delete, printing each step's WSAPI round trips and time next to
// what LXD's in-tree client needs for the same step.
//
//	go run ./examples/lxdflow
//
// Without environment it runs on the in-process simulator (package
// alletratest), configured to accept LXD's 34–37-character names, and then
// shows the compact names that fit a classic 31-character array. With
// ALLETRA_URL, ALLETRA_USER and ALLETRA_PASSWORD it runs on that array:
//
//	ALLETRA_CPG       the CPG for the volumes (default SSD_r6)
//	ALLETRA_INSECURE  1 to skip certificate verification
//	ALLETRA_CA        a PEM file with the CA (or self-signed certificate) of the array
//	ALLETRA_MODE      nvme/tcp (default) or iscsi, LXD's alletra.mode
//	ALLETRA_NAMES     lxd for LXD's own names; by default compact ones (31-character arrays)
//
// On a real array every name is fresh (random UUIDs, "goalletra-lx-<hex>"
// for the pool and host) and everything created is removed again, also when
// a step fails. The command exits 1 on any failure.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/naming"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lxdflow:", err)
		os.Exit(1)
	}
}

func run() (err error) {
	t, err := connect()
	if err != nil {
		return err
	}
	defer t.close()
	f := newFlow(t)
	fmt.Printf("LXD's storage flow with go-alletra on %s\npool %s, host %s (%s %s)\n\n", t.where, f.pool, f.hostName, t.mode, f.initiator)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	defer func() { // after a failure, remove what is left; then log out
		err = errors.Join(err, f.undo.run(2*time.Minute))
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		if cerr := t.client.Close(cctx); cerr != nil {
			fmt.Fprintln(os.Stderr, "lxdflow: logout:", cerr)
		}
	}()

	r := &runner{ctx: ctx, counter: t.counter}
	start := time.Now()
	f.run(r)
	r.table(time.Since(start))
	if t.sim != nil { // the simulator's own counters agree with the RoundTripper's
		n := 0
		for _, v := range t.sim.Stats().Requests {
			n += v
		}
		left := len(t.sim.Volumes()) + len(t.sim.VolumeSets()) + len(t.sim.Hosts()) + len(t.sim.VLUNs())
		fmt.Printf("(the simulator counted %d requests; %d objects are left on it)\n", n, left)
	}
	if r.err != nil {
		return r.err
	}
	if t.sim != nil {
		return compactDemo(ctx)
	}
	return nil
}

// run is the flow. Each step's comment names the WSAPI calls LXD's in-tree
// client makes for it: its cost, hard-coded from reading LXD's storage
// driver, not measured.
func (f *flow) run(r *runner) {
	c := f.c
	// LXD: POST /credentials once; it never checks the WSAPI version.
	r.step("log in, read the WSAPI version", lxdCost{trips: 1}, func(ctx context.Context) (string, error) {
		v, err := c.System.APIVersion(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("WSAPI %d.%d, build %d", v.Major, v.Minor, v.Build), nil
	})
	// LXD: POST /volumesets.
	r.step("create the pool (volume set)", lxdCost{trips: 1}, func(ctx context.Context) (string, error) {
		err := c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: f.pool, Comment: "Created and managed by LXD"})
		if err == nil {
			f.undo.push("volume set "+f.pool, func(ctx context.Context) error { return c.VolumeSets.Delete(ctx, f.pool) })
		}
		return f.pool, err
	})
	// LXD: GetCurrentHost (GET /hosts) + CreateHost (POST /hosts).
	r.step("find or create the host by "+f.kind(), lxdCost{trips: 2}, f.ensureHost)
	// LXD: POST /volumes + PUT /volumesets/{pool} (add).
	r.step("create a volume, add it to the pool", lxdCost{trips: 2}, func(ctx context.Context) (string, error) {
		return f.createVolume(ctx, f.vol, 1_000_000_000) // LXD's size=1GB
	})
	// LXD: GetCurrentHost + ConnectHostToVolume (GET /vluns?query, POST /vluns) + GetTargetAddrs (GET /ports).
	r.step("map: host, vLUN, target addresses", lxdCost{trips: 4}, f.mapVolume)
	// LXD: POST /volumes/{name} action createSnapshot.
	r.step("snapshot", lxdCost{trips: 1}, func(ctx context.Context) (string, error) {
		err := c.Snapshots.Create(ctx, f.vol, &alletra.SnapshotCreateRequest{Name: f.snap})
		if err != nil {
			return "", err
		}
		f.undo.push("snapshot "+f.snap, func(ctx context.Context) error { return c.Snapshots.Delete(ctx, f.snap) })
		f.write(f.vol, "data written after the snapshot")
		return f.snap, nil
	})
	// LXD: GetCurrentHost, GET /vluns?query (volume), DELETE /vluns/{id}, GET /vluns?query (host), DELETE /hosts/{name}.
	r.step("unmap before the restore", lxdCost{trips: 5}, f.unmapVolume)
	// LXD: PUT /volumes/{snap} action 4, then GET /tasks/{id} every 5 s.
	r.step("restore the snapshot", lxdCost{trips: 1, tasks: 1}, func(ctx context.Context) (string, error) {
		if err := c.Snapshots.Restore(ctx, f.snap); err != nil {
			return "", err
		}
		return f.check("promoted "+f.snap+" onto "+f.vol, f.vol, f.snap)
	})
	// LXD: as the first map, plus POST /hosts: the unmap removed the host.
	r.step("map again", lxdCost{trips: 5}, f.mapVolume)
	// LXD CreateVolumeFromCopy: GET src, POST dest + PUT set, per snapshot a
	// physical copy (POST + polls) and POST snapshot, then the volume's copy.
	r.step("copy with snapshots", lxdCost{trips: 6, tasks: 2}, f.copyWithSnapshots)
	// LXD SetVolumeQuota: GET /volumes/{name}, PUT action 3 with the delta.
	// go-alletra: the same two, Get then Resize with the size just read (no
	// read back: the host waits for the size it asked for).
	r.step("resize by 512 MiB", lxdCost{trips: 2}, func(ctx context.Context) (string, error) {
		v, err := c.Volumes.Get(ctx, f.vol)
		if err != nil {
			return "", err
		}
		target := (v.SizeMiB + 512) * alletra.MiB
		res, err := c.Volumes.ResizeBytes(ctx, f.vol, target, &alletra.ResizeOptions{CurrentMiB: v.SizeMiB})
		if err != nil {
			return "", err
		}
		f.sizeMiB = max(res.FromMiB+res.ByMiB, res.SizeMiB)
		return fmt.Sprintf("%d MiB → at least %d MiB, grown: %t (Resize sends the delta, %d)", res.FromMiB, f.sizeMiB, res.Grown, res.ByMiB), nil
	})
	r.step("unmap, remove the unused host", lxdCost{trips: 5}, f.unmapVolume)
	// LXD: DeleteVolumeSnapshot ×2 (DELETE), DeleteVolume ×2 (PUT set + DELETE), DeleteVolumeSet (DELETE).
	// go-alletra: one PUT set for both volumes, DeleteCascade ×2, DELETE set.
	r.step("delete everything", lxdCost{trips: 7}, f.deleteAll)
}

// compactDemo shows the other path: a classic array (the simulator's default
// 31-character limit) refuses LXD's names with code 57, and takes compact ones.
func compactDemo(ctx context.Context) error {
	srv := newClassicSimulator()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		return err
	}
	defer func() { _ = c.Close(ctx) }()
	vol := naming.Volume{Type: naming.Container, Content: naming.Block, UUID: newUUID()}
	long, _ := naming.LXD(vol)
	short, _ := naming.Compact(vol)
	fmt.Println("\nA classic array (names up to 31 characters):")
	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: long, CPG: "SSD_r6", SizeMiB: 256})
	var apiErr *alletra.APIError
	if !errors.Is(err, alletra.ErrNameTooLong) || !errors.As(err, &apiErr) {
		return fmt.Errorf("creating %s on a 31-character array: want ErrNameTooLong, got %v", long, err)
	}
	fmt.Printf("  naming.LXD     %s (%d chars): refused, HTTP %d code %d (errors.Is ErrNameTooLong)\n", long, len(long), apiErr.StatusCode, int(apiErr.Code))
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: short, CPG: "SSD_r6", SizeMiB: 256}); err != nil {
		return err
	}
	back, err := naming.Parse(short)
	if err != nil || back.UUID != vol.UUID {
		return fmt.Errorf("naming.Parse(%s) = %+v, %v; want UUID %s", short, back, err, vol.UUID)
	}
	fmt.Printf("  naming.Compact %s (%d chars): created; naming.Parse gives back %s %s %s\n", short, len(short), back.Type, back.Content, back.UUID)
	return c.Volumes.Delete(ctx, short)
}
