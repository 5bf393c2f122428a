// Command inventory lists an array's volumes, hosts and vLUNs as tables, or
// with -json as one JSON document for scripts.
//
//	go run ./examples/inventory
//	go run ./examples/inventory -json | jq '.volumes[].name'
//
// It reads the array named by ALLETRA_URL, ALLETRA_USER and ALLETRA_PASSWORD
// (optional: ALLETRA_INSECURE=1, ALLETRA_CA) and changes nothing there.
// Without ALLETRA_URL it starts a simulator and first creates a few objects
// on it, so that the tables are not empty.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// inventory is the -json document.
type inventory struct {
	Volumes []alletra.Volume `json:"volumes"`
	Hosts   []alletra.Host   `json:"hosts"`
	VLUNs   []alletra.VLUN   `json:"vluns"`
}

func main() {
	asJSON := flag.Bool("json", false, "print one JSON document instead of tables")
	flag.Parse()
	if err := run(*asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "inventory:", err)
		os.Exit(1)
	}
}

func run(asJSON bool) error {
	c, sim, err := alletratest.Connect()
	if err != nil {
		return err
	}
	if sim != nil {
		defer sim.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	defer func() { _ = c.Close(context.Background()) }()

	if sim != nil {
		if err := seed(ctx, c); err != nil {
			return fmt.Errorf("seeding the simulator: %w", err)
		}
	}
	var inv inventory
	if inv.Volumes, err = c.Volumes.List(ctx, nil); err != nil {
		return err
	}
	if inv.Hosts, err = c.Hosts.List(ctx, nil); err != nil {
		return err
	}
	if inv.VLUNs, err = c.VLUNs.List(ctx, nil); err != nil { // templates: one per export
		return err
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(inv)
	}
	return printTables(os.Stdout, &inv)
}

func printTables(out io.Writer, inv *inventory) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "VOLUME\tSIZE MiB\tPROVISIONING\tCOPY\tCOPY OF\tCPG\tWWN\n")
	for _, v := range inv.Volumes {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", v.Name, v.SizeMiB, v.ProvisioningType, v.CopyType, dash(v.CopyOf), dash(v.UserCPG), dash(v.WWN))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "HOST\tPERSONA\tINITIATORS\n")
	for _, h := range inv.Hosts {
		var ids []string
		for _, p := range h.NVMETCPPaths {
			ids = append(ids, p.NQN)
		}
		for _, p := range h.ISCSIPaths {
			ids = append(ids, p.Name)
		}
		for _, p := range h.FCPaths {
			ids = append(ids, p.WWN)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", h.Name, h.Persona, dash(strings.Join(ids, ", ")))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "VLUN VOLUME\tLUN\tHOST\tTYPE\tPORT\n")
	for _, l := range inv.VLUNs {
		port := "-"
		if l.PortPos != nil {
			port = l.PortPos.String()
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\n", l.VolumeName, l.LUN, dash(l.HostName), l.Type, port)
	}
	return w.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// seed creates a pool of three volumes (one with a snapshot), an NVMe and
// an iSCSI host, and three exports on the simulator.
func seed(ctx context.Context, c *alletra.Client) error {
	vols := []string{"web-root", "db-data", "db-log"}
	for _, v := range vols {
		if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: v, CPG: "SSD_r6", SizeMiB: 10 * 1024}); err != nil {
			return err
		}
	}
	if err := c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: "pool1", SetMembers: vols}); err != nil {
		return err
	}
	if err := c.Snapshots.Create(ctx, "db-data", &alletra.SnapshotCreateRequest{Name: "db-data.nightly", ReadOnly: true}); err != nil {
		return err
	}
	hosts := []*alletra.HostCreateRequest{
		{Name: "node1-nvme-tcp", NQN: "nqn.2014-08.org.nvmexpress:uuid:6c3f2a9e-2d1b-4f4e-9a51-0c7d8e9f1a2b"},
		{Name: "node2-iscsi", ISCSINames: []string{"iqn.2004-10.com.ubuntu:01:8f2a1c3d4e5f"}, Persona: alletra.PersonaGenericALUA},
	}
	for _, h := range hosts {
		if err := c.Hosts.Create(ctx, h); err != nil {
			return err
		}
	}
	for _, e := range [][2]string{{"web-root", "node1-nvme-tcp"}, {"db-data", "node2-iscsi"}, {"db-log", "node2-iscsi"}} {
		if _, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: e[0], HostName: e[1], AutoLUN: true}); err != nil {
			return err
		}
	}
	return nil
}
