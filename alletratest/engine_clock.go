package alletratest

import "time"

// realClock is the wall clock, the default Clock.
type realClock struct{}

// Now returns time.Now().
func (realClock) Now() time.Time { return time.Now() }
