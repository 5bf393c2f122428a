package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/naming"
)

// flow holds the names of one run and the operations LXD's driver composes
// from client calls, written with go-alletra.
type flow struct {
	t         *target
	c         *alletra.Client
	undo      *cleanup
	pool      string // LXD's pool name = the volume set
	hostName  string // naming.HostName(server, mode)
	initiator string // the NVMe host NQN or the iSCSI IQN
	vol, snap string // a container's block volume and one of its snapshots
	dest      string // the copy ...
	destSnap  string // ... and its snapshot
	sizeMiB   int64  // vol's size as the array has it
}

func newFlow(t *target) *flow {
	server := "goalletra-lx-" + randHex(4) // LXD's server name; unique on a shared array
	f := &flow{t: t, c: t.client, undo: &cleanup{}, pool: server, hostName: naming.HostName(server, t.mode)}
	if t.mode == "iscsi" {
		f.initiator = "iqn.2004-10.com.ubuntu:01:" + randHex(6)
	} else { // LXD: nqn.2014-08.org.nvmexpress:uuid:<LXD server UUID>
		f.initiator = "nqn.2014-08.org.nvmexpress:uuid:" + newUUID()
	}
	f.vol = f.name(false)
	f.snap = f.name(true) // a snapshot is named after its own UUID
	f.dest = f.name(false)
	f.destSnap = f.name(true)
	return f
}

// name names a new container block volume (or snapshot) with a fresh UUID.
func (f *flow) name(snapshot bool) string {
	v := naming.Volume{Type: naming.Container, Content: naming.Block, UUID: newUUID(), Snapshot: snapshot}
	scheme := naming.LXD
	if f.t.compact {
		scheme = naming.Compact
	}
	name, err := scheme(v)
	if err != nil {
		panic(err) // valid constants and a fresh UUID: cannot happen
	}
	return name
}

func (f *flow) kind() string {
	if f.t.mode == "iscsi" {
		return "IQN"
	}
	return "NQN"
}

func (f *flow) protocol() alletra.PortProtocol {
	if f.t.mode == "iscsi" {
		return alletra.ProtocolISCSI
	}
	return alletra.ProtocolNVMe
}

// ensureHost finds this server's host by its initiator, or creates it.
func (f *flow) ensureHost(ctx context.Context) (string, error) {
	h, err := f.c.Hosts.FindByInitiator(ctx, f.initiator)
	if err == nil {
		f.hostName = h.Name
		return "found " + h.Name, nil
	}
	if !errors.Is(err, alletra.ErrNotFound) {
		return "", err
	}
	req := &alletra.HostCreateRequest{Name: f.hostName, Descriptors: &alletra.HostDescriptors{Comment: "go-alletra lxdflow example"}}
	if f.t.mode == "iscsi" {
		req.ISCSINames = []string{f.initiator}
	} else {
		req.NQN, req.TransportType = f.initiator, alletra.TransportTCP
	}
	if err := f.c.Hosts.Create(ctx, req); err != nil {
		return "", err
	}
	name := f.hostName
	f.undo.push("host "+name, func(ctx context.Context) error { return f.c.Hosts.Delete(ctx, name) })
	return "not found, created " + name, nil
}

// createVolume creates a volume of at least bytes in the pool.
func (f *flow) createVolume(ctx context.Context, name string, bytes int64) (string, error) {
	sizeMiB, err := alletra.VolumeSizeMiB(bytes)
	if err != nil {
		return "", err
	}
	if err := f.c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: f.t.cpg, SizeMiB: sizeMiB}); err != nil {
		return "", err
	}
	f.undo.push("volume "+name, func(ctx context.Context) error {
		if err := f.c.VolumeSets.RemoveMembers(ctx, f.pool, name); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return err
		}
		return f.c.Volumes.Delete(ctx, name)
	})
	if err := f.c.VolumeSets.AddMembers(ctx, f.pool, name); err != nil {
		return "", err
	}
	if name == f.vol {
		f.sizeMiB = sizeMiB
		f.write(name, "data before the snapshot")
	}
	return fmt.Sprintf("%s (%d chars), %d bytes → %d MiB (LXD sends %d)", name, len(name), bytes, sizeMiB, bytes>>20), nil
}

// mapVolume is LXD's mapVolume: ensure the host, export the volume once
// (autoLun), and find the target addresses.
func (f *flow) mapVolume(ctx context.Context) (string, error) {
	host, err := f.ensureHost(ctx)
	if err != nil {
		return "", err
	}
	v, err := f.c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: f.vol, HostName: f.hostName, AutoLUN: true})
	if err != nil {
		return "", err
	}
	f.undo.push("vLUN "+v.ID().String(), func(ctx context.Context) error {
		return f.c.VLUNs.Delete(ctx, v.VolumeName, v.LUN, v.HostName, v.PortPos)
	})
	addrs, err := f.c.Ports.TargetAddresses(ctx, f.protocol())
	if err != nil {
		return "", err
	}
	ips := make([]string, len(addrs))
	for i, a := range addrs {
		ips[i] = a.IP
	}
	return fmt.Sprintf("host %s, LUN %d, %s targets %s", host, v.LUN, f.protocol(), strings.Join(ips, ",")), nil
}

// unmapVolume is LXD's unmap: delete this host's vLUN of the volume, and the
// host itself when nothing else is mapped to it.
func (f *flow) unmapVolume(ctx context.Context) (string, error) {
	h, err := f.c.Hosts.FindByInitiator(ctx, f.initiator)
	if errors.Is(err, alletra.ErrNotFound) {
		return "no host, nothing mapped", nil
	} else if err != nil {
		return "", err
	}
	vluns, err := f.c.VLUNs.List(ctx, &alletra.VLUNListOptions{VolumeName: f.vol, HostName: h.Name})
	if err != nil {
		return "", err
	}
	for _, v := range vluns { // this host's templates only: never another host's LUN
		if err := f.c.VLUNs.Delete(ctx, v.VolumeName, v.LUN, v.HostName, v.PortPos); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return "", err
		}
		f.undo.drop("vLUN " + v.ID().String())
	}
	left, err := f.c.VLUNs.List(ctx, &alletra.VLUNListOptions{HostName: h.Name})
	if err != nil {
		return "", err
	}
	if len(left) > 0 {
		return fmt.Sprintf("%d vLUN(s) removed; host %s keeps %d", len(vluns), h.Name, len(left)), nil
	}
	if err := f.c.Hosts.Delete(ctx, h.Name); err != nil && !errors.Is(err, alletra.ErrNotFound) {
		return "", err
	}
	f.undo.drop("host " + h.Name)
	return fmt.Sprintf("%d vLUN(s) removed; host %s had nothing else mapped: deleted", len(vluns), h.Name), nil
}

// copyWithSnapshots is LXD's CreateVolumeFromCopy: an empty destination at
// least as large as the source; each snapshot copied into it and snapshotted
// there, in order; then the source volume itself.
func (f *flow) copyWithSnapshots(ctx context.Context) (string, error) {
	src, err := f.c.Volumes.Get(ctx, f.vol)
	if err != nil {
		return "", err
	}
	if _, err := f.createVolume(ctx, f.dest, src.SizeMiB*alletra.MiB); err != nil {
		return "", err
	}
	if _, err := f.c.Snapshots.Copy(ctx, f.snap, f.dest, nil); err != nil {
		return "", err
	}
	if err := f.c.Snapshots.Create(ctx, f.dest, &alletra.SnapshotCreateRequest{Name: f.destSnap}); err != nil {
		return "", err
	}
	f.undo.push("snapshot "+f.destSnap, func(ctx context.Context) error { return f.c.Snapshots.Delete(ctx, f.destSnap) })
	if _, err := f.c.Snapshots.Copy(ctx, f.vol, f.dest, nil); err != nil {
		return "", err
	}
	if _, err := f.check("", f.destSnap, f.snap); err != nil {
		return "", err
	}
	return f.check(f.dest+" with snapshot "+f.destSnap, f.dest, f.vol)
}

// deleteAll deletes snapshots first (the array refuses to delete a volume
// with snapshots), takes the volumes out of the pool in one request, then
// deletes the volumes and the pool.
func (f *flow) deleteAll(ctx context.Context) (string, error) {
	for _, s := range []string{f.destSnap, f.snap} {
		if err := f.c.Snapshots.Delete(ctx, s); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return "", err
		}
		f.undo.drop("snapshot " + s)
	}
	if err := f.c.VolumeSets.RemoveMembers(ctx, f.pool, f.vol, f.dest); err != nil {
		return "", err
	}
	for _, v := range []string{f.dest, f.vol} {
		if err := f.c.Volumes.Delete(ctx, v); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return "", err
		}
		f.undo.drop("volume " + v)
	}
	if err := f.c.VolumeSets.Delete(ctx, f.pool); err != nil {
		return "", err
	}
	f.undo.drop("volume set " + f.pool)
	return "2 snapshots, 2 volumes, the pool", nil
}

// write stands in for data written to a volume: on the simulator it sets the
// volume's content token, so restores and copies can be checked.
func (f *flow) write(volume, token string) {
	if f.t.sim != nil {
		_ = f.t.sim.WriteContent(volume, token)
	}
}

// check verifies on the simulator that volume holds the data of want.
func (f *flow) check(detail, volume, want string) (string, error) {
	if f.t.sim == nil {
		return detail, nil
	}
	got, err1 := f.t.sim.Content(volume)
	exp, err2 := f.t.sim.Content(want)
	if err := errors.Join(err1, err2); err != nil {
		return "", err
	}
	if got != exp {
		return "", fmt.Errorf("%s holds %q, want %q (the data of %s)", volume, got, exp, want)
	}
	return detail + " (data checked)", nil
}

// newClassicSimulator starts a simulator with the documented 31-character limit.
func newClassicSimulator() *alletratest.Server { return alletratest.NewServer() }
