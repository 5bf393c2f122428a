package alletratest

import (
	"time"

	"github.com/openalletra/go-alletra/internal/sim"
)

// Clock tells the simulator the time: session idle expiry and task progress
// are measured on it. Fault delays use real timers.
type Clock = sim.Clock

// ManualClock is a Clock that moves only when Advance or Set is called.
type ManualClock = sim.ManualClock

// NewManualClock returns a ManualClock reading start.
func NewManualClock(start time.Time) *ManualClock { return sim.NewManualClock(start) }

// VolumeState is a test's view of a volume or snapshot: name, size, CPG,
// provisioning and copy types, parent (CopyOf), WWN, NGUID and the content
// token that stands in for the volume's data.
type VolumeState = sim.VolumeState

// VolumeSetState is a test's view of a volume set.
type VolumeSetState = sim.VolumeSetState

// HostState is a test's view of a host and its initiators.
type HostState = sim.HostState

// VLUNState is a test's view of a vLUN record: a template (Active false) or
// one active path.
type VLUNState = sim.VLUNState

// TaskState is a test's view of an asynchronous task.
type TaskState = sim.TaskState

// PortState describes an array port; see SetPorts and DefaultPorts.
type PortState = sim.PortState

// ISCSIVlanState is a VLAN-tagged portal of an iSCSI port.
type ISCSIVlanState = sim.ISCSIVlanState

// DefaultPorts returns the ports a new Server has: 0:1:1 FC, 0:2:1 and
// 1:2:1 iSCSI (1:2:1 VLAN-tagged, portal 10.0.1.12), 0:3:1 NVMe/TCP ready
// (10.0.0.21) and 1:3:1 NVMe/TCP down (10.0.0.22).
func DefaultPorts() []PortState { return sim.DefaultPorts() }

// Stats are the request counters of a Server.
type Stats = sim.Stats

// FaultKind says how an injected fault disturbs a request.
type FaultKind = sim.FaultKind

// Fault describes an injected fault: Kind, the Status and WSAPI Code to
// answer, how many matching requests it disturbs (Times: 0 means 1, -1
// means forever) and the Delay for FaultDelay.
type Fault = sim.Fault

// Fault kinds; see InjectFault.
const (
	// FaultStatus answers Status with {"code":Code,...}; state is untouched.
	FaultStatus = sim.FaultStatus
	// FaultCommitThenDrop performs the operation, then aborts the
	// connection without a response.
	FaultCommitThenDrop = sim.FaultCommitThenDrop
	// FaultDropBeforeCommit aborts the connection without doing anything.
	FaultDropBeforeCommit = sim.FaultDropBeforeCommit
	// FaultDelay waits Delay (even if the client gives up), then processes
	// the request normally.
	FaultDelay = sim.FaultDelay
	// FaultHTMLBody answers Status (default 500) with an HTML page.
	FaultHTMLBody = sim.FaultHTMLBody
	// FaultTruncateList sends the first part of the body chunked, then
	// aborts without the terminating chunk.
	FaultTruncateList = sim.FaultTruncateList
)
