package alletratest_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openalletra/go-alletra/alletratest"
)

var busy = alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: 270}

func TestInjectFaultRefusesWhatTheSimulatorDoesNotServe(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	cases := []struct {
		method, route string
		f             alletratest.Fault
		want          string
	}{
		{"GET", "/api/v1/volume", busy, "no route"},             // a typo of a template
		{"GET", "/api/v1/volume/vol1", busy, "no route"},        // a concrete path of no route
		{"GET", "/api/v1/volumes/vol1/extra", busy, "no route"}, // one segment too many
		{"GET", "/api/v2/volumes", busy, "no route"},
		{"GET", "volumes", busy, "no route"},
		{"GET", "", busy, "no route"},
		{"GET", "/api/v1/volumes?query=x", busy, "query"},
		{"DELETE", "/api/v1/tasks", busy, "not DELETE"}, // the route exists, the method does not
		{"PATCH", "/api/v1/volumes/vol1", busy, "not PATCH"},
		{"PATCH", "*", busy, "no route serves PATCH"},
		{"GET", "/api/v1/system", alletratest.Fault{}, "unknown fault kind"},
		{"GET", "/api/v1/system", alletratest.Fault{Kind: 99}, "unknown fault kind"},
		{"GET", "/api/v1/system", alletratest.Fault{Kind: alletratest.FaultStatus, Times: -2}, "Times"},
		{"GET", "/api/v1/system", alletratest.Fault{Kind: alletratest.FaultDelay}, "Delay"},
		{"GET", "/api/v1/system", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 42}, "status"},
	}
	for _, tc := range cases {
		err := srv.InjectFault(tc.method, tc.route, tc.f)
		if assert.Error(t, err, "%s %q %+v", tc.method, tc.route, tc.f) {
			assert.Contains(t, err.Error(), tc.want)
		}
	}
	assert.Empty(t, srv.PendingFaults(), "a refused fault is not queued")
}

// A concrete path stands for its template and the method is any case: the
// fault fires on the next GET of any volume.
func TestInjectFaultConcretePathAnyCase(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := newClient(t, srv)
	status, _, _ := c.call("POST", "/api/v1/volumes", map[string]any{"name": "vol2", "cpg": "SSD_r6", "sizeMiB": 256, "tpvv": true})
	require.Equal(t, 201, status)

	require.NoError(t, srv.InjectFault("get", "/api/v1/volumes/vol1", busy))
	pending := srv.PendingFaults()
	require.Len(t, pending, 1)
	assert.Equal(t, "GET", pending[0].Method)
	assert.Equal(t, "/api/v1/volumes/{name}", pending[0].Route)
	assert.Equal(t, "FaultStatus on GET /api/v1/volumes/{name} (fired 0 of 1)", pending[0].String())

	status, body, _ := c.call("GET", "/api/v1/volumes/vol2", nil)
	assert.Equal(t, 503, status)
	assert.JSONEq(t, `{"code":270,"desc":"injected fault"}`, string(body))
	assert.Empty(t, srv.PendingFaults())
	status, _, _ = c.call("GET", "/api/v1/volumes/vol2", nil)
	assert.Equal(t, 200, status)

	// Templates with escaped or nested parameters resolve too.
	require.NoError(t, srv.InjectFault("*", "/api/v1/ports/0:2:1/iSCSIVlans", busy))
	require.NoError(t, srv.InjectFault("Delete", "/api/v1/vluns/vol2%2C1%2Ch1", busy))
	pending = srv.PendingFaults()
	require.Len(t, pending, 2)
	assert.Equal(t, "", pending[0].Method)
	assert.Equal(t, "/api/v1/ports/{pos}/iSCSIVlans", pending[0].Route)
	assert.Equal(t, "/api/v1/vluns/{id}", pending[1].Route)
	srv.ClearFaults()
	assert.Empty(t, srv.PendingFaults())
}

func TestPendingFaults(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := newClient(t, srv)
	twice := busy
	twice.Times = 2
	forever := busy
	forever.Times = -1
	require.NoError(t, srv.InjectFault("GET", "/api/v1/system", twice))
	require.NoError(t, srv.InjectFault("GET", "/api/v1/cpgs", forever))

	c.call("GET", "/api/v1/system", nil)
	pending := srv.PendingFaults()
	require.Len(t, pending, 2)
	assert.Equal(t, 1, pending[0].Fired)
	assert.Equal(t, twice, pending[0].Fault)
	assert.Equal(t, "FaultStatus on GET /api/v1/system (fired 1 of 2)", pending[0].String())
	assert.Equal(t, "FaultStatus on GET /api/v1/cpgs (fired 0 of forever)", pending[1].String())

	c.call("GET", "/api/v1/system", nil)
	status, _, _ := c.call("GET", "/api/v1/cpgs", nil)
	assert.Equal(t, 503, status)
	assert.Empty(t, srv.PendingFaults(), "a forever fault that fired once is not pending")
	srv.ClearFaults()
}

// recordTB is a testing.TB whose cleanups and errors the test runs and reads.
type recordTB struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (r *recordTB) Helper()          {}
func (r *recordTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordTB) runCleanups() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestNewTestServerFailsOnFaultThatNeverFired(t *testing.T) {
	t.Parallel()
	rec := &recordTB{TB: t}
	srv := alletratest.NewTestServer(rec)
	require.NoError(t, srv.InjectFault("POST", "/api/v1/volumes", busy))
	rec.runCleanups()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "FaultStatus on POST /api/v1/volumes (fired 0 of 1)")

	rec = &recordTB{TB: t}
	srv = alletratest.NewTestServer(rec)
	require.NoError(t, srv.InjectFault("POST", "/api/v1/volumes", busy))
	srv.ClearFaults()
	rec.runCleanups()
	assert.Empty(t, rec.errors, "cleared faults are not reported")
}

// The list of routes in InjectFault's documentation is the router's.
func TestInjectFaultDocListsEveryRoute(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("faults.go")
	require.NoError(t, err)
	_, doc, found := strings.Cut(string(src), "// The routes the simulator serves:\n//\n")
	require.True(t, found)
	doc, _, found = strings.Cut(doc, "func (s *Server) InjectFault")
	require.True(t, found)

	var want strings.Builder
	for _, r := range alletratest.Routes() {
		fmt.Fprintf(&want, "//\t%-47s%s\n", r.Template, strings.Join(r.Methods, " "))
	}
	assert.Equal(t, want.String(), doc, "paste this list into InjectFault's doc comment")
	assert.Len(t, alletratest.Routes(), strings.Count(doc, "\n"))
}

func TestFaultKindString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "FaultTruncateList", alletratest.FaultTruncateList.String())
	assert.Equal(t, "FaultStatus", alletratest.FaultStatus.String())
	assert.Equal(t, "FaultKind(0)", alletratest.FaultKind(0).String())
}

// A delay holds the request, then it is answered normally.
func TestFaultDelay(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := newClient(t, srv)
	require.NoError(t, srv.InjectFault("GET", "/api/v1/system", alletratest.Fault{Kind: alletratest.FaultDelay, Delay: time.Millisecond}))
	status, _, _ := c.call("GET", "/api/v1/system", nil)
	assert.Equal(t, 200, status)
	assert.Empty(t, srv.PendingFaults())
}
