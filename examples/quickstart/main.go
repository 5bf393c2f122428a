// Command quickstart creates a volume, exports it to an NVMe/TCP host, takes
// a snapshot, grows the volume and deletes it all again (also after a
// failure). It runs on an in-memory simulated array (package alletratest)
// unless ALLETRA_URL names a real one (with ALLETRA_USER, ALLETRA_PASSWORD;
// optional: ALLETRA_CPG, ALLETRA_CA: a PEM file with the array's CA).
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var c *alletra.Client
	var err error
	if url := os.Getenv("ALLETRA_URL"); url != "" {
		var opts []alletra.Option
		if ca := os.Getenv("ALLETRA_CA"); ca != "" { // the array's own CA: verified, no ALLETRA_INSECURE
			opts = append(opts, alletra.WithCAFile(ca))
		} else if os.Getenv("ALLETRA_INSECURE") == "1" {
			opts = append(opts, alletra.WithInsecureSkipVerify())
		}
		c, err = alletra.NewClient(url, os.Getenv("ALLETRA_USER"), os.Getenv("ALLETRA_PASSWORD"), opts...)
	} else {
		srv := alletratest.NewServer() // an in-memory array
		defer srv.Close()
		c, err = srv.Client() // trusts the simulator's certificate
	}
	if err == nil {
		err = errors.Join(run(ctx, c), c.Close(ctx)) // run, then log out
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c *alletra.Client) (err error) {
	vol := "goalletra-qs-" + rand.Text()[:8]
	snap, host := vol+".s", vol+"-h"
	defer func() { // delete in order; what does not exist is fine
		for _, del := range []error{c.VLUNs.DeleteForHost(ctx, vol, host), c.Hosts.Delete(ctx, host),
			c.Snapshots.Delete(ctx, snap), c.Volumes.Delete(ctx, vol)} {
			if del != nil && !errors.Is(del, alletra.ErrNotFound) {
				err = errors.Join(err, del)
			}
		}
		fmt.Println("removed volume, snapshot, host and vLUN:", err == nil)
	}()
	req := &alletra.VolumeCreateRequest{Name: vol, CPG: cmp.Or(os.Getenv("ALLETRA_CPG"), "SSD_r6"), SizeMiB: 1024}
	if err := c.Volumes.Create(ctx, req); err != nil { // the first call logs in
		return err
	}
	fmt.Printf("created %s; creating it again: ErrAlreadyExists %v\n", vol, errors.Is(c.Volumes.Create(ctx, req), alletra.ErrAlreadyExists))
	if err := c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: host, NQN: "nqn.2014-08.com.example:" + vol}); err != nil {
		return err
	}
	l, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: vol, HostName: host, AutoLUN: true})
	if err != nil {
		return err
	}
	if err := c.Snapshots.Create(ctx, vol, &alletra.SnapshotCreateRequest{Name: snap}); err != nil {
		return err
	}
	if err := c.Volumes.Grow(ctx, vol, 1024); err != nil {
		return err
	}
	fmt.Printf("exported to host %s as LUN %d; took snapshot %s; grew the volume by 1 GiB\n", host, l.LUN, snap)
	return nil
}
