package alletra

import "time"

// SetClock makes c's login back-off read the time from now: a hook for the
// package's external tests (package alletra_test), which run on the
// simulator.
func SetClock(c *Client, now func() time.Time) {
	c.sess.mu.Lock()
	defer c.sess.mu.Unlock()
	c.sess.now = now
}
