package alletratest

import "time"

// Clock tells the simulator the time. Session idle expiry and task progress
// are measured on it; fault delays are not (they use real timers).
type simClock interface {
	Now() time.Time
}

// RealClock is the wall clock. A clock that tests move by hand is
// alletratest.ManualClock (the engine's own tests have a copy in
// clock_test.go).
type realClock struct{}

// Now returns time.Now().
func (realClock) Now() time.Time { return time.Now() }
