package alletratest

import (
	"time"

	alletra "github.com/openalletra/go-alletra"
)

// The state types below are a test's view of the simulated array, made by
// the engine (engine*.go) straight from its records. They use go-alletra's
// enum types for the WSAPI enumerations so that a test can compare them with
// what the client returned; the simulator's wire encoding stays its own: its
// JSON structs carry plain numbers (TestEngineUsesOnlyClientEnums in
// engine_test.go keeps the engine to those enum types).

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
	// IPAddr is the port's address. GET /ports reports 0.0.0.0 for a
	// VLAN-tagged port whatever is set here (see UntaggedIPAddr), as arrays
	// do when no untagged address is configured (python-3parclient PR #33
	// and its port fixture): its portals are its VLAN addresses.
	IPAddr     string
	ISCSIName  string
	HWAddr     string
	VLANTagged bool // iSCSIPortInfo.vlan 1; the iSCSI portals are in ISCSIVlans
	// ISCSIVlans are the portals of a VLAN-tagged port, answered by
	// GET /ports/<n:s:p>/iSCSIVlans/ (never inline in GET /ports).
	ISCSIVlans []ISCSIVlanState
	// UntaggedIPAddr is a real untagged (trunk) address of a VLAN-tagged
	// port: GET /ports reports it as IPAddr instead of 0.0.0.0, and the VLAN
	// list repeats it first as an "untagged" entry, as `showport
	// -iscsivlans` shows on real arrays (Cinder commits 4482ec892 and
	// 255ccd6c6: Cinder exported twice to that portal and got 409/18). The
	// entry's vlanTag is 0: how the WSAPI writes "untagged" is not published
	// (inferred). See WithUntaggedVlanEntry.
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

// Stats are the request counters of a Server.
type Stats struct {
	Logins       int            // successful POST /api/v1/credentials
	FailedLogins int            // refused POST /api/v1/credentials (bad credentials, session limit)
	Logouts      int            // successful DELETE /api/v1/credentials/{key}
	LiveSessions int            // session keys alive now
	Requests     map[string]int // by "METHOD route", e.g. "POST /api/v1/volumes"; see Server.Requests
	Connections  int            // TCP connections accepted
	// MaxOpenConnections is the most TCP connections open at the same time.
	MaxOpenConnections int
	MaxConcurrent      int // most requests in flight at the same time
}
