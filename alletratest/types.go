package alletratest

import (
	"maps"
	"slices"
	"time"

	alletra "github.com/openalletra/go-alletra"
)

// The state types below are a test's view of the simulated array. They use
// go-alletra's enum types for the WSAPI enumerations so that a test can
// compare them with what the client returned; the simulator's wire encoding
// stays its own.

// VolumeState is a test's view of a volume or snapshot.
type VolumeState struct {
	ID               int
	UUID             string
	Name             string
	CPG              string // user CPG
	SnapCPG          string // snapshot CPG, empty when unset
	SizeMiB          int64  // virtual size, rounded up to the array's granularity
	ProvisioningType alletra.ProvisioningType
	CopyType         alletra.CopyType
	CopyOf           string // parent of a snapshot or physical copy, empty for a base volume
	ReadOnly         bool
	WWN              string
	NGUID            string
	Comment          string
	Content          string    // the token that stands in for the volume's data; see Server.WriteContent
	UsedMiB          int64     // what GET reports as totalUsedMiB; follows Server.WriteContent
	Compressed       bool      // compressionState 1: created with compression or reduce
	Created          time.Time // on the server's Clock
	Expiration       time.Time // zero when unset
	Retention        time.Time // zero when unset
}

func volumeState(v simVolumeState) VolumeState {
	return VolumeState{
		ID: v.ID, UUID: v.UUID, Name: v.Name, CPG: v.CPG, SnapCPG: v.SnapCPG, SizeMiB: v.SizeMiB,
		ProvisioningType: alletra.ProvisioningType(v.ProvisioningType), CopyType: alletra.CopyType(v.CopyType),
		CopyOf: v.CopyOf, ReadOnly: v.ReadOnly, WWN: v.WWN, NGUID: v.NGUID, Comment: v.Comment,
		Content: v.Content, UsedMiB: v.UsedMiB, Compressed: v.Compressed, Created: v.Created,
		Expiration: v.Expiration, Retention: v.Retention,
	}
}

// VolumeSetState is a test's view of a volume set.
type VolumeSetState struct {
	ID      int
	Name    string
	Comment string
	Members []string // volume names, in the order they were added
	// FlashCachePolicy is 1 (enabled) or 2 (disabled, the default), as GET
	// /volumesets reports it.
	FlashCachePolicy int
	// Priority is the last priority a PUT /volumesets set (1 high to 3 low),
	// 0 if none; the array's answers do not show it.
	Priority alletra.TaskPriority
}

func volumeSetState(s simVolumeSetState) VolumeSetState {
	return VolumeSetState{ID: s.ID, Name: s.Name, Comment: s.Comment, Members: slices.Clone(s.Members),
		FlashCachePolicy: s.FlashCachePolicy, Priority: alletra.TaskPriority(s.Priority)}
}

// HostState is a test's view of a host and its initiators.
type HostState struct {
	ID            int
	Name          string
	Persona       alletra.HostPersona
	ISCSINames    []string // iSCSI initiator names
	FCWWNs        []string // Fibre Channel initiator WWNs
	NQN           string   // NVMe host NQN, empty for SCSI hosts
	TransportType alletra.TransportType
	Comment       string
	Domain        string // empty when the host is in no domain; see WithDomains
}

func hostState(h simHostState) HostState {
	return HostState{
		ID: h.ID, Name: h.Name, Persona: alletra.HostPersona(h.Persona), ISCSINames: slices.Clone(h.ISCSINames),
		FCWWNs: slices.Clone(h.FCWWNs), NQN: h.NQN, TransportType: alletra.TransportType(h.TransportType),
		Comment: h.Comment, Domain: h.Domain,
	}
}

// VLUNState is a test's view of a vLUN record: a template (Active false)
// or one active path.
type VLUNState struct {
	VolumeName   string
	LUN          int
	Hostname     string
	Active       bool
	PortPos      string // "n:s:p", empty for host templates
	RemoteName   string // the initiator of an active path
	SubsystemNQN string // NVMe subsystem of an active NVMe path
	Type         alletra.VLUNType
}

func vlunState(l simVLUNState) VLUNState {
	return VLUNState{
		VolumeName: l.VolumeName, LUN: l.LUN, Hostname: l.Hostname, Active: l.Active, PortPos: l.PortPos,
		RemoteName: l.RemoteName, SubsystemNQN: l.SubsystemNQN, Type: alletra.VLUNType(l.Type),
	}
}

// TaskState is a test's view of an asynchronous task (a promote or a
// physical copy).
type TaskState struct {
	ID       int
	Type     alletra.TaskType
	Name     string
	Status   alletra.TaskStatus
	Priority alletra.TaskPriority
	User     string    // who started it
	Source   string    // source volume (the snapshot for a promote)
	Dest     string    // destination volume (the parent for a promote)
	Start    time.Time // on the server's Clock
	Finish   time.Time // zero while active
}

func taskState(t simTaskState) TaskState {
	return TaskState{
		ID: t.ID, Type: alletra.TaskType(t.Type), Name: t.Name, Status: alletra.TaskStatus(t.Status),
		Priority: alletra.TaskPriority(t.Priority), User: t.User, Source: t.Source, Dest: t.Dest,
		Start: t.Start, Finish: t.Finish,
	}
}

// PortState describes an array port; see Server.SetPorts and DefaultPorts.
type PortState struct {
	Node, Slot, CardPort int // the position "n:s:p"
	Mode                 alletra.PortMode
	LinkState            alletra.LinkState
	Type                 alletra.PortType // the port's connection type
	Protocol             alletra.PortProtocol
	Label                string
	NodeWWN              string // for NVMe/TCP ports, the target IP address (as arrays report it)
	PortWWN              string
	IPAddr               string // GET /ports reports 0.0.0.0 for a VLAN-tagged port, whatever is set (see UntaggedIPAddr)
	ISCSIName            string
	HWAddr               string
	VLANTagged           bool // iSCSI portals are in ISCSIVlans
	ISCSIVlans           []ISCSIVlanState
	// UntaggedIPAddr is a real untagged (trunk) address of a VLAN-tagged
	// port: GET /ports reports it as IPAddr instead of 0.0.0.0, and the VLAN
	// list repeats it first as an "untagged" entry (vlanTag 0), as real
	// arrays do. See WithUntaggedVlanEntry.
	UntaggedIPAddr string
}

// ISCSIVlanState is a VLAN-tagged portal of an iSCSI port.
type ISCSIVlanState struct {
	IPAddr  string
	VlanTag int
	Netmask string
	Gateway string
	MTU     int
}

func portState(p simPortState) PortState {
	out := PortState{
		Node: p.Node, Slot: p.Slot, CardPort: p.CardPort, Mode: alletra.PortMode(p.Mode),
		LinkState: alletra.LinkState(p.LinkState), Type: alletra.PortType(p.Type),
		Protocol: alletra.PortProtocol(p.Protocol), Label: p.Label, NodeWWN: p.NodeWWN, PortWWN: p.PortWWN,
		IPAddr: p.IPAddr, ISCSIName: p.ISCSIName, HWAddr: p.HWAddr, VLANTagged: p.VLANTagged,
		UntaggedIPAddr: p.UntaggedIPAddr,
	}
	for _, v := range p.ISCSIVlans {
		out.ISCSIVlans = append(out.ISCSIVlans, ISCSIVlanState(v))
	}
	return out
}

func (p PortState) sim() simPortState {
	out := simPortState{
		Node: p.Node, Slot: p.Slot, CardPort: p.CardPort, Mode: int(p.Mode), LinkState: int(p.LinkState),
		Type: int(p.Type), Protocol: int(p.Protocol), Label: p.Label, NodeWWN: p.NodeWWN, PortWWN: p.PortWWN,
		IPAddr: p.IPAddr, ISCSIName: p.ISCSIName, HWAddr: p.HWAddr, VLANTagged: p.VLANTagged,
		UntaggedIPAddr: p.UntaggedIPAddr,
	}
	for _, v := range p.ISCSIVlans {
		out.ISCSIVlans = append(out.ISCSIVlans, simISCSIVlanState(v))
	}
	return out
}

// DefaultPorts returns the ports a new Server has: 0:1:1 FC, 0:2:1 and
// 1:2:1 iSCSI (1:2:1 VLAN-tagged, portal 10.0.1.12; with
// WithUntaggedVlanEntry also 10.0.1.11, untagged), 0:3:1 NVMe/TCP ready
// (10.0.0.21) and 1:3:1 NVMe/TCP down (10.0.0.22).
func DefaultPorts() []PortState { return convert(simDefaultPorts(), portState) }

// Stats are the request counters of a Server.
type Stats struct {
	Logins        int            // successful POST /api/v1/credentials
	FailedLogins  int            // refused POST /api/v1/credentials (bad credentials, session limit)
	Logouts       int            // successful DELETE /api/v1/credentials/{key}
	LiveSessions  int            // session keys alive now
	Requests      map[string]int // by "METHOD route", e.g. "POST /api/v1/volumes"; see Server.Requests
	Connections   int            // TCP connections accepted
	MaxConcurrent int            // most requests in flight at the same time
}

func stats(s simStats) Stats {
	return Stats{
		Logins: s.Logins, FailedLogins: s.FailedLogins, Logouts: s.Logouts, LiveSessions: s.LiveSessions,
		Requests: maps.Clone(s.Requests), Connections: s.Connections, MaxConcurrent: s.MaxConcurrent,
	}
}

func convert[S, T any](in []S, f func(S) T) []T {
	out := make([]T, 0, len(in))
	for _, s := range in {
		out = append(out, f(s))
	}
	return out
}
