package alletratest

import "sync"

type faultEntry struct {
	method, route string
	fault         Fault
	left          int // -1 = forever
	fired         int // requests disturbed so far
}

type faultQueue struct {
	mu      sync.Mutex
	entries []*faultEntry
}

// InjectFault queues f for requests matching method and route template
// ("" method or "*" route match anything). Faults are consumed in FIFO order.
func (e *engine) InjectFault(method, route string, f Fault) {
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
func (e *engine) takeFault(method, route string) (Fault, bool) {
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
	return Fault{}, false
}

// PendingFaults returns the queued faults that have not fully fired, in
// FIFO order.
func (e *engine) PendingFaults() []PendingFault {
	q := &e.faults
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []PendingFault
	for _, fe := range q.entries {
		if fe.left > 0 || fe.fired == 0 {
			out = append(out, PendingFault{Method: fe.method, Route: fe.route, Fault: fe.fault, Fired: fe.fired})
		}
	}
	return out
}
