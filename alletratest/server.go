package alletratest

import (
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
)

// SessionHeader is the WSAPI session key header.
const SessionHeader = "X-HP3PAR-WSAPI-SessionKey"

// Server is a running simulated array.
type Server struct {
	// URL is the array's base URL, e.g. https://127.0.0.1:40123, without
	// /api/v1.
	URL string

	s   *simServer
	e   *engine
	cfg simConfig
}

// NewServer starts a simulated array (TLS unless WithPlainHTTP). Call Close
// when done.
func NewServer(opts ...Option) *Server {
	var c config
	for _, o := range opts {
		o(&c)
	}
	s := newSimServer(c.sim)
	return &Server{URL: s.URL, s: s, e: s.Engine, cfg: s.Engine.Config()}
}

// NewTestServer is NewServer with a cleanup that closes the server and
// fails the test if an injected fault has not fired as often as asked (see
// PendingFaults; call ClearFaults to drop faults on purpose).
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	srv := NewServer(opts...)
	tb.Cleanup(func() {
		srv.Close()
		for _, p := range srv.PendingFaults() {
			tb.Errorf("alletratest: injected fault never fired as asked: %v", p)
		}
	})
	return srv
}

// Close shuts the server down, aborting requests still waiting on a fault
// delay or a session slot.
func (s *Server) Close() { s.s.Close() }

// CertPool returns a pool that trusts the server's self-signed certificate,
// or nil for plain HTTP.
func (s *Server) CertPool() *x509.CertPool { return s.s.CertPool() }

// Certificate returns the server's self-signed certificate, the one a
// client should trust, or nil for plain HTTP.
func (s *Server) Certificate() *x509.Certificate { return s.s.Certificate() }

// HTTPClient returns a new http.Client (with its own transport) that trusts
// the server's certificate. Close its idle connections when done.
func (s *Server) HTTPClient() *http.Client { return s.s.HTTPClient() }

// Username returns the accepted user name.
func (s *Server) Username() string { return s.cfg.User }

// Password returns the accepted password.
func (s *Server) Password() string { return s.cfg.Password }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats { return s.e.Stats() }

// Requests returns the number of requests for method and route, e.g.
// Requests("POST", "/api/v1/volumes"). As in InjectFault, the method is any
// case and a concrete path counts for its template: Requests("GET",
// "/api/v1/volumes/vol1") counts the GETs of every volume. A path the
// simulator does not serve counts the requests for exactly that path.
func (s *Server) Requests(method, route string) int {
	if rt, ok := routeOf(route); ok {
		route = rt.Template
	}
	return s.e.Requests(strings.ToUpper(method), route)
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() { s.e.ResetStats() }

// ExpireSessions makes the array forget every session key; the next use of
// a key gets 403 with code 6.
func (s *Server) ExpireSessions() { s.e.ExpireSessions() }

// Sessions returns the number of live session keys.
func (s *Server) Sessions() int { return s.e.Sessions() }

// Volume returns the named volume or snapshot.
func (s *Server) Volume(name string) (VolumeState, bool) { return s.e.Volume(name) }

// Volumes returns all volumes and snapshots in creation order.
func (s *Server) Volumes() []VolumeState { return s.e.Volumes() }

// VolumeSet returns the named volume set.
func (s *Server) VolumeSet(name string) (VolumeSetState, bool) { return s.e.VolumeSet(name) }

// VolumeSets returns all volume sets in creation order.
func (s *Server) VolumeSets() []VolumeSetState { return s.e.VolumeSets() }

// Host returns the named host.
func (s *Server) Host(name string) (HostState, bool) { return s.e.Host(name) }

// Hosts returns all hosts in creation order.
func (s *Server) Hosts() []HostState { return s.e.Hosts() }

// VLUNs returns all vLUN records (templates and active paths) in insertion
// order.
func (s *Server) VLUNs() []VLUNState { return s.e.VLUNs() }

// Tasks returns all tasks, oldest first, with their status brought up to
// date with the clock.
func (s *Server) Tasks() []TaskState { return s.e.Tasks() }

// WriteContent simulates writing data to a volume by setting its content
// token. Snapshots copy the token; promotes and physical copies move it.
func (s *Server) WriteContent(volume, token string) error { return s.e.WriteContent(volume, token) }

// Content returns a volume's content token.
func (s *Server) Content(volume string) (string, error) { return s.e.Content(volume) }

// SetPorts replaces the array's ports.
func (s *Server) SetPorts(ports []PortState) { s.e.SetPorts(ports) }

// Ports returns the array's ports.
func (s *Server) Ports() []PortState { return s.e.Ports() }

// StartTask starts a task of type typ named name that stays active for d
// on the server's Clock and changes nothing: a fixture for suites that
// expect the array to have tasks (HPE's python client's test_query_task
// lists them and reads the first). Use alletra.TaskTypeBackgroundTask when
// the type does not matter.
func (s *Server) StartTask(typ alletra.TaskType, name string, d time.Duration) TaskState {
	return s.e.StartTask(int(typ), name, d)
}

// SetTaskDuration sets the duration of tasks started from now on.
func (s *Server) SetTaskDuration(d time.Duration) { s.e.SetTaskDuration(d) }

// SetSpaceReport fixes the used and free MiB that the space reporter, the
// CPGs and the system report.
func (s *Server) SetSpaceReport(usedMiB, freeMiB int64) { s.e.SetSpaceReport(usedMiB, freeMiB) }

// FailNextTask makes the next task end with status alletra.TaskFailed,
// without its effect.
func (s *Server) FailNextTask() { s.e.FailNextTask() }
