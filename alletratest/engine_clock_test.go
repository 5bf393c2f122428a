package alletratest

import (
	"sync"
	"time"
)

// ManualClock is a Clock that moves only when told to, for the engine's
// tests (alletratest.ManualClock is the public one). It is safe for
// concurrent use.
type simManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a ManualClock reading start.
func newSimManualClock(start time.Time) *simManualClock { return &simManualClock{now: start} }

// Now returns the clock's current time.
func (c *simManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backwards if d is negative).
func (c *simManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *simManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}
