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

// ensureHost finds this server's host by its initiator, or creates it: the
// SDK tells an IQN from an NQN itself.
func (f *flow) ensureHost(ctx context.Context) (string, error) {
	h, created, err := f.c.Hosts.EnsureByInitiator(ctx, f.hostName, f.initiator)
	if err != nil {
		return "", err
	}
	f.hostName = h.Name
	if !created {
		return "found " + h.Name, nil
	}
	f.pushHostUndo(h.Name)
	return "not found, created " + h.Name, nil
}

func (f *flow) pushHostUndo(name string) {
	f.undo.push("host "+name, func(ctx context.Context) error { return f.c.Hosts.Delete(ctx, name) })
}

// createVolume creates a volume of at least bytes in the pool: one call,
// Volumes.CreateInSet, which takes LXD's bytes (rounded up to 256 MiB) and
// deletes the volume again if it cannot join the pool.
func (f *flow) createVolume(ctx context.Context, name string, bytes int64) (string, error) {
	sizeMiB, err := alletra.VolumeSizeMiB(bytes) // for the report: what CreateInSet sends
	if err != nil {
		return "", err
	}
	if err := f.c.Volumes.CreateInSet(ctx, f.pool, &alletra.VolumeCreateRequest{Name: name, CPG: f.t.cpg, SizeBytes: bytes}); err != nil {
		return "", err
	}
	f.undo.push("volume "+name, func(ctx context.Context) error {
		return f.c.Volumes.DeleteFromSet(ctx, f.pool, name)
	})
	if name == f.vol {
		f.sizeMiB = sizeMiB
		f.write(name, "data before the snapshot")
	}
	return fmt.Sprintf("%s (%d chars), %d bytes → %d MiB (LXD sends %d)", name, len(name), bytes, sizeMiB, bytes>>20), nil
}

// mapVolume is LXD's mapVolume in one call: ensure the host, export the
// volume once (autoLun), and return the target addresses the node connects
// to. Map is all or nothing: on an error nothing of it is left (or a
// *alletra.MapError says what is), so the undo is registered only after
// success. LXD finds the NVMe subsystem by discovery, so the subsystem NQN
// (one more read) is not asked for.
func (f *flow) mapVolume(ctx context.Context) (string, error) {
	m, err := f.c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: f.vol, Host: f.hostName, Initiator: f.initiator, Targets: true})
	if err != nil {
		return "", err
	}
	if m.HostCreated {
		f.pushHostUndo(m.Host.Name)
	}
	v := m.VLUN
	f.undo.push("vLUN "+v.ID().String(), func(ctx context.Context) error { return f.c.VLUNs.Delete(ctx, v.ID()) })
	host := "found " + m.Host.Name
	if m.HostCreated {
		host = "created " + m.Host.Name
	}
	return fmt.Sprintf("host %s, LUN %d, %s targets %s", host, v.LUN, f.protocol(), strings.Join(alletra.TargetIPs(m.Targets), ",")), nil
}

// unmapVolume is LXD's unmap in LXD's order: delete this host's vLUN of the
// volume; when the host has nothing else mapped, disconnect the node (LXD's
// own step: nvme disconnect / iscsiadm --logout, which needs the host still
// there), then delete the host unless a concurrent map uses it by then.
func (f *flow) unmapVolume(ctx context.Context) (string, error) {
	u, err := f.c.VLUNs.Unmap(ctx, f.vol, f.initiator)
	if err != nil {
		return "", err
	}
	if u.Host == "" {
		return "no host, nothing mapped", nil
	}
	for _, k := range f.undo.keys {
		if strings.HasPrefix(k, "vLUN "+f.vol+",") {
			f.undo.drop(k)
		}
	}
	if !u.HostUnused {
		return fmt.Sprintf("%d vLUN(s) removed; host %s keeps its other exports", u.Removed, u.Host), nil
	}
	// ... here LXD disconnects the node from the targets ...
	deleted, err := f.c.Hosts.DeleteIfUnused(ctx, u.Host)
	if err != nil {
		return "", err
	}
	if !deleted {
		return fmt.Sprintf("%d vLUN(s) removed; host %s is in use again: kept", u.Removed, u.Host), nil
	}
	f.undo.drop("host " + u.Host)
	return fmt.Sprintf("%d vLUN(s) removed; node disconnected; host %s had nothing else mapped: deleted", u.Removed, u.Host), nil
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
	// The sizes are known here (the snapshot has its parent's size): Copy
	// checks them before any request (it reads no volume either way).
	known := &alletra.PhysicalCopyOptions{SrcSizeMiB: src.SizeMiB, DestSizeMiB: src.SizeMiB}
	if _, err := f.c.Snapshots.Copy(ctx, f.snap, f.dest, known); err != nil {
		return "", err
	}
	if err := f.c.Snapshots.Create(ctx, f.dest, &alletra.SnapshotCreateRequest{Name: f.destSnap}); err != nil {
		return "", err
	}
	f.undo.push("snapshot "+f.destSnap, func(ctx context.Context) error { return f.c.Snapshots.Delete(ctx, f.destSnap) })
	if _, err := f.c.Snapshots.Copy(ctx, f.vol, f.dest, known); err != nil {
		return "", err
	}
	if _, err := f.check("", f.destSnap, f.snap); err != nil {
		return "", err
	}
	return f.check(f.dest+" with snapshot "+f.destSnap, f.dest, f.vol)
}

// deleteAll takes the volumes out of the pool in one request, deletes each
// with its snapshot (Volumes.DeleteCascade: one request where the array
// accepts cascade=true), then the pool.
func (f *flow) deleteAll(ctx context.Context) (string, error) {
	if err := f.c.VolumeSets.RemoveMembers(ctx, f.pool, f.vol, f.dest); err != nil {
		return "", err
	}
	for _, v := range []struct{ vol, snap string }{{f.dest, f.destSnap}, {f.vol, f.snap}} {
		if err := f.c.Volumes.DeleteCascade(ctx, v.vol); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return "", err
		}
		f.undo.drop("snapshot " + v.snap)
		f.undo.drop("volume " + v.vol)
	}
	if err := f.c.VolumeSets.Delete(ctx, f.pool); err != nil {
		return "", err
	}
	f.undo.drop("volume set " + f.pool)
	return "2 volumes with their snapshots, the pool", nil
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

// newClassicSimulator starts a simulator with the documented 31-character
// limit of 3PAR, Primera and Alletra 9000 (the simulator's default build is
// an Alletra MP, which takes longer names).
func newClassicSimulator() *alletratest.Server {
	return alletratest.NewServer(alletratest.WithMaxNameLength(31))
}
