package alletratest

import (
	"maps"
	"sync"
)

type statsCounter struct {
	mu            sync.Mutex
	logins        int
	failedLogins  int
	logouts       int
	requests      map[string]int
	connections   int
	open          int // connections open now
	maxOpen       int
	inflight      int
	maxConcurrent int
}

func (s *statsCounter) add(f func(*statsCounter)) {
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

func (s *statsCounter) begin(key string) {
	s.mu.Lock()
	s.requests[key]++
	s.inflight++
	if s.inflight > s.maxConcurrent {
		s.maxConcurrent = s.inflight
	}
	s.mu.Unlock()
}

func (s *statsCounter) end() { s.add(func(s *statsCounter) { s.inflight-- }) }

// ConnOpened counts one accepted TCP connection.
func (e *engine) ConnOpened() {
	e.stats.add(func(s *statsCounter) {
		s.connections++
		s.open++
		s.maxOpen = max(s.maxOpen, s.open)
	})
}

// ConnClosed counts one connection closed (or hijacked).
func (e *engine) ConnClosed() { e.stats.add(func(s *statsCounter) { s.open-- }) }

// Stats returns a copy of the counters.
func (e *engine) Stats() Stats {
	live := e.Sessions()
	s := &e.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{
		Logins: s.logins, FailedLogins: s.failedLogins, Logouts: s.logouts, LiveSessions: live,
		Requests: maps.Clone(s.requests), Connections: s.connections, MaxOpenConnections: s.maxOpen, MaxConcurrent: s.maxConcurrent,
	}
}

// Requests returns how many requests matched "method route".
func (e *engine) Requests(method, route string) int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return e.stats.requests[method+" "+route]
}

// ResetStats zeroes the counters (MaxConcurrent and MaxOpenConnections
// restart from the requests in flight and the connections open now).
func (e *engine) ResetStats() {
	e.stats.add(func(s *statsCounter) {
		s.logins, s.failedLogins, s.logouts, s.connections = 0, 0, 0, 0
		s.requests = map[string]int{}
		s.maxConcurrent = s.inflight
		s.maxOpen = s.open
	})
}
