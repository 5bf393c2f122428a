package alletratest

import (
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Option configures a Server.
type Option func(*config)

type config struct{ sim simConfig }

// WithPlainHTTP serves plain HTTP instead of TLS.
func WithPlainHTTP() Option { return func(c *config) { c.sim.PlainHTTP = true } }

// WithCredentials sets the accepted user name and password (default
// "3paradm" / "3pardata").
func WithCredentials(user, password string) Option {
	return func(c *config) { c.sim.User, c.sim.Password = user, password }
}

// WithMaxNameLength sets the longest accepted volume, snapshot, host, set
// and CPG name. Longer names get 400 with code 57. By default it follows the
// build: 31 (the guides' name31) below build 100000000, and 63 for volume,
// snapshot, set and CPG names from it (the Alletra MP builds, where LXD's
// 34–37-character names are accepted; the real limit is not published),
// host names keeping 31 (an Alletra MP refused a longer one:
// hpe-storage/csi-driver#460).
func WithMaxNameLength(n int) Option { return func(c *config) { c.sim.MaxNameLength = n } }

// WithMaxVolumeSizeMiB sets the largest volume size (default 16 TiB,
// 16777216 MiB). Larger creates and grows get 400 with code 28.
func WithMaxVolumeSizeMiB(n int64) Option { return func(c *config) { c.sim.MaxVolumeSizeMiB = n } }

// WithSessionLimit sets how many session keys may be alive at once (default
// 36). Beyond it, POST /credentials gets 503 with code 31 (SVC_UNAVAIL).
func WithSessionLimit(n int) Option { return func(c *config) { c.sim.SessionLimit = n } }

// WithSessionIdleTimeout sets how long an unused key lives (default 15
// minutes), measured on the server's Clock.
func WithSessionIdleTimeout(d time.Duration) Option {
	return func(c *config) { c.sim.SessionIdleTimeout = d }
}

// WithClock sets the clock for session expiry and task progress (default
// the wall clock). Use a ManualClock to control time.
func WithClock(clk Clock) Option { return func(c *config) { c.sim.Clock = clk } }

// WithTaskDuration sets how long promote and physical-copy tasks run on the
// Clock (default 0: done at once, but still reported as a task).
func WithTaskDuration(d time.Duration) Option { return func(c *config) { c.sim.TaskDuration = d } }

// WithBuild sets the WSAPI build the array reports (default 100500031,
// Alletra MP with WSAPI 1.15). From build 100500000 GET /api needs a
// session key; from 40000000 volumes must be thin or reduced; from
// 100000000 snapCPG is refused and names may be longer than 31 (see
// WithMaxNameLength).
func WithBuild(build int64) Option { return func(c *config) { c.sim.Build = build } }

// WithCPG sets the CPGs that exist (default "SSD_r6").
func WithCPG(names ...string) Option {
	return func(c *config) { c.sim.CPGs = append([]string(nil), names...) }
}

// WithSerializedSessions makes the array serialise requests that share a
// session key, as real arrays do.
func WithSerializedSessions() Option { return func(c *config) { c.sim.SerializedSessions = true } }

// WithGzip gzips responses when the client sends Accept-Encoding: gzip.
func WithGzip() Option { return func(c *config) { c.sim.Gzip = true } }

// WithoutCascade makes the array ignore ?cascade=true on volume deletes, as
// an array without that undocumented parameter may: deleting a volume that
// has snapshots then gets 409 with code 32, as a plain delete does.
func WithoutCascade() Option { return func(c *config) { c.sim.IgnoreCascade = true } }

// WithListener serves on l (for example a fixed address, as cmd/alletrasim
// does) instead of a new loopback port. The server closes l. With TLS, the
// certificate is valid for 127.0.0.1, ::1 and example.com only.
func WithListener(l net.Listener) Option { return func(c *config) { c.sim.Listener = l } }

// WithRequestLog logs each request at level Info on l when it is answered:
// method, path, status and duration. Session keys (in the path of a logout)
// are redacted; headers and bodies, which hold keys and passwords, are never
// logged.
func WithRequestLog(l *slog.Logger) Option {
	return func(c *config) {
		c.sim.Wrap = func(h http.Handler) http.Handler { return requestLog(l, h) }
	}
}
