// Command snapshots takes snapshots of a volume, lists them, restores one
// and deletes everything again.
//
//	go run ./examples/snapshots
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
		fmt.Fprintln(os.Stderr, "snapshots:", err)
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

	b := make([]byte, 4)
	_, _ = rand.Read(b)
	vol := "goalletra-ex-" + hex.EncodeToString(b) // unique on a shared array
	snaps := []string{vol + ".s1", vol + ".s2"}
	deleteOrder := []string{snaps[1], snaps[0], vol} // snapshots before their parent

	// Undo in reverse whatever exists at the end (after a failure), snapshots first.
	defer func() {
		cctx, ccancel := context.WithTimeout(context.Background(), time.Minute)
		defer ccancel()
		for _, name := range deleteOrder {
			if err := c.Volumes.Delete(cctx, name); err != nil && !errors.Is(err, alletra.ErrNotFound) {
				fmt.Fprintf(os.Stderr, "snapshots: cleanup of %s: %v\n", name, err)
			}
		}
	}()

	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: vol, CPG: cmp.Or(os.Getenv("ALLETRA_CPG"), "SSD_r6"), SizeMiB: 1024}); err != nil {
		return err
	}
	fmt.Println("created volume", vol)
	write(sim, vol, "version 1")

	for i, s := range snaps {
		if err := c.Snapshots.Create(ctx, vol, &alletra.SnapshotCreateRequest{Name: s, Comment: "example"}); err != nil {
			return err
		}
		fmt.Println("took snapshot", s)
		write(sim, vol, fmt.Sprintf("version %d", i+2))
	}

	// Snapshots.List asks for copyOf==vol and keeps only virtual copies: a
	// physical copy running from vol has the same copyOf.
	list, err := c.Snapshots.List(ctx, vol)
	if err != nil {
		return err
	}
	fmt.Printf("snapshots of %s:\n", vol)
	for _, s := range list {
		fmt.Printf("  %-28s %-13s %5d MiB  read-only=%t\n", s.Name, s.CopyType, s.SizeMiB, s.ReadOnly)
	}

	// Restore s1: the volume's data becomes the snapshot's again. (A volume
	// that is exported must be unmapped first: the array refuses with ErrExported.)
	if err := c.Snapshots.Restore(ctx, snaps[0]); err != nil {
		return err
	}
	fmt.Println("restored", snaps[0], "onto", vol)
	if sim != nil {
		data, _ := sim.Content(vol)
		fmt.Printf("  the simulator's volume now holds %q\n", data)
	}

	// Delete the snapshots first: a volume with snapshots cannot be
	// deleted (ErrInUse).
	for _, name := range deleteOrder {
		if err := c.Volumes.Delete(ctx, name); err != nil {
			return err
		}
	}
	fmt.Println("deleted the snapshots and the volume")
	return nil
}

// write stands in for data written to vol: on the simulator it sets the
// volume's content token, which snapshots, restores and copies carry.
func write(sim *alletratest.Server, vol, data string) {
	if sim != nil {
		_ = sim.WriteContent(vol, data)
	}
}
