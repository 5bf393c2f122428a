package alletratest

import (
	"strconv"
	"sync"
	"time"
)

// FaultKind says how an injected fault disturbs a request.
type simFaultKind int

// Fault kinds.
const (
	// FaultStatus answers Fault.Status with the JSON error {"code":Fault.Code}
	// without touching state.
	simFaultStatus simFaultKind = iota + 1
	// FaultCommitThenDrop performs the operation, then aborts the connection
	// without sending a response.
	simFaultCommitThenDrop
	// FaultDropBeforeCommit aborts the connection without doing anything.
	simFaultDropBeforeCommit
	// FaultDelay waits Fault.Delay (real time, even if the client gives up),
	// then processes the request normally.
	simFaultDelay
	// FaultHTMLBody answers Fault.Status (default 500) with an HTML page.
	simFaultHTMLBody
	// FaultTruncateList processes the request, writes the first part of the
	// body chunked, then aborts without the terminating chunk.
	simFaultTruncateList
)

// String returns the kind's name.
func (k simFaultKind) String() string {
	switch k {
	case simFaultStatus:
		return "FaultStatus"
	case simFaultCommitThenDrop:
		return "FaultCommitThenDrop"
	case simFaultDropBeforeCommit:
		return "FaultDropBeforeCommit"
	case simFaultDelay:
		return "FaultDelay"
	case simFaultHTMLBody:
		return "FaultHTMLBody"
	case simFaultTruncateList:
		return "FaultTruncateList"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault describes one injected fault.
type simFault struct {
	Kind   simFaultKind
	Status int           // HTTP status for FaultStatus and FaultHTMLBody
	Code   int           // WSAPI code for FaultStatus (0 omits the member)
	Times  int           // matching requests to disturb; 0 means 1, -1 means forever
	Delay  time.Duration // for FaultDelay
}

type faultEntry struct {
	method, route string
	fault         simFault
	left          int // -1 = forever
	fired         int // requests disturbed so far
}

type faultQueue struct {
	mu      sync.Mutex
	entries []*faultEntry
}

// InjectFault queues f for requests matching method and route template
// ("" method or "*" route match anything). Faults are consumed in FIFO order.
func (e *engine) InjectFault(method, route string, f simFault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	e.faults.mu.Lock()
	e.faults.entries = append(e.faults.entries, &faultEntry{method: method, route: route, fault: f, left: left})
	e.faults.mu.Unlock()
}

// ClearFaults drops every queued fault.
func (e *engine) ClearFaults() {
	e.faults.mu.Lock()
	e.faults.entries = nil
	e.faults.mu.Unlock()
}

// takeFault consumes the first fault matching the request, if any.
func (e *engine) takeFault(method, route string) (simFault, bool) {
	q := &e.faults
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, fe := range q.entries {
		if (fe.method == "" || fe.method == method) && (fe.route == "*" || fe.route == route) {
			fe.fired++
			if fe.left > 0 {
				fe.left--
				if fe.left == 0 {
					q.entries = append(q.entries[:i:i], q.entries[i+1:]...)
				}
			}
			return fe.fault, true
		}
	}
	return simFault{}, false
}

// PendingFault is a queued fault that has not disturbed as many requests as
// it was asked to (a forever fault: none yet).
type simPendingFault struct {
	Method, Route string
	Fault         simFault
	Fired         int // requests it disturbed so far
}

// PendingFaults returns the queued faults that have not fully fired, in
// FIFO order.
func (e *engine) PendingFaults() []simPendingFault {
	q := &e.faults
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []simPendingFault
	for _, fe := range q.entries {
		if fe.left > 0 || fe.fired == 0 {
			out = append(out, simPendingFault{Method: fe.method, Route: fe.route, Fault: fe.fault, Fired: fe.fired})
		}
	}
	return out
}
