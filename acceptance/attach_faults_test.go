package acceptance_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// stepTransport numbers the requests a client sends after login (step 1,
// 2, ...) and, before the step it is armed for, runs a hook: here, to
// inject a simulator fault for exactly that request. after runs hooks
// once the answer of a matching request is back.
type stepTransport struct {
	base   http.RoundTripper
	mu     sync.Mutex
	n      int
	at     int    // the step to run before on; 0: none
	before func() // run before step at
	log    []string
}

func (s *stepTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == "/api/v1/credentials" || strings.HasPrefix(req.URL.Path, "/api/v1/credentials/") {
		return s.base.RoundTrip(req)
	}
	s.mu.Lock()
	s.n++
	s.log = append(s.log, req.Method+" "+req.URL.Path)
	hook := s.before
	run := s.n == s.at && hook != nil
	s.mu.Unlock()
	if run {
		hook()
	}
	return s.base.RoundTrip(req)
}

func (s *stepTransport) CloseIdleConnections() {
	if ci, ok := s.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func stepClient(t *testing.T, srv *alletratest.Server, st *stepTransport) *alletra.Client {
	t.Helper()
	st.base = srv.HTTPClient().Transport
	return flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: st}))
}

// templates returns the vLUN templates on the array as "volume,lun,host".
func templates(srv *alletratest.Server) []string {
	var out []string
	for _, l := range srv.VLUNs() {
		if !l.Active {
			out = append(out, fmt.Sprintf("%s,%d,%s", l.VolumeName, l.LUN, l.Hostname))
		}
	}
	return out
}

func hostNames(srv *alletratest.Server) []string {
	var out []string
	for _, h := range srv.Hosts() {
		out = append(out, h.Name)
	}
	return out
}

// The faults a step of Map or Unmap meets: refused with a 500, carried out
// but its answer lost, lost before the array, and (all) every request from
// that step on refused, so that an undo fails too.
var attachFaults = []struct {
	name  string
	fault alletratest.Fault
}{
	{"500", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 500, Code: 1, Times: 1}},
	{"commit-then-drop", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop, Times: 1}},
	{"drop-before-commit", alletratest.Fault{Kind: alletratest.FaultDropBeforeCommit, Times: 1}},
	{"500-from-here-on", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 500, Code: 1, Times: -1}},
}

// inject arms st to inject f into step k: route "*" matches the next
// request whatever it is, which is step k (f.Times -1: every one from step k
// on, until ClearFaults).
func inject(t *testing.T, srv *alletratest.Server, st *stepTransport, k int, f alletratest.Fault) {
	st.at = k
	st.before = func() { require.NoError(t, srv.InjectFault("", "*", f)) }
}

// Map with a fault injected into each of its steps, of each kind: it
// either succeeds with the export and host on the array, or fails leaving
// nothing of its own, or returns a *MapError that names exactly what is
// left. Never a Mapping with an error.
func TestVLUNsMapFaultAfterEveryStep(t *testing.T) {
	t.Parallel()
	req := &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1, Targets: true, SubsystemNQN: true}

	// A clean run, to count the steps.
	srv := alletratest.NewTestServer(t)
	st := &stepTransport{}
	c := stepClient(t, srv, st)
	ctx := flowCtx(t)
	newVolume(t, ctx, c, "c-A")
	st.n, st.log = 0, nil
	_, err := c.VLUNs.Map(ctx, req)
	require.NoError(t, err)
	steps := st.log
	require.Equal(t, []string{"GET /api/v1/ports", "GET /api/v1/hosts", "POST /api/v1/hosts", "GET /api/v1/vluns",
		"POST /api/v1/vluns", "GET /api/v1/vluns"}, steps)
	closeFlow(t, srv, c)

	for k := 1; k <= len(steps); k++ {
		for _, fc := range attachFaults {
			t.Run(fmt.Sprintf("step %d %s %s", k, steps[k-1], fc.name), func(t *testing.T) {
				t.Parallel()
				srv := alletratest.NewTestServer(t)
				st := &stepTransport{}
				c := stepClient(t, srv, st)
				ctx := flowCtx(t)
				newVolume(t, ctx, c, "c-A")
				st.n = 0
				inject(t, srv, st, k, fc.fault)
				m, err := c.VLUNs.Map(ctx, req)
				srv.ClearFaults()
				t.Logf("Map: %v", err)
				var me *alletra.MapError
				switch {
				case err == nil:
					require.NotNil(t, m)
					assert.Equal(t, []string{"node1-nvme-tcp"}, hostNames(srv))
					assert.Equal(t, []string{fmt.Sprintf("c-A,%d,node1-nvme-tcp", m.VLUN.LUN)}, templates(srv))
				case errors.As(err, &me):
					assert.Nil(t, m, "never a result with an error")
					var wantHosts, wantVLUNs []string
					if me.Host != "" {
						wantHosts = []string{me.Host}
					}
					if me.VLUN != nil {
						wantVLUNs = []string{me.VLUN.String()}
					}
					assert.Equal(t, wantHosts, hostNames(srv), "the hosts left are the ones named: %v", err)
					assert.Equal(t, wantVLUNs, templates(srv), "the exports left are the ones named: %v", err)
					assert.True(t, me.Host != "" || me.VLUN != nil)
				default:
					assert.Nil(t, m, "never a result with an error")
					assert.Empty(t, hostNames(srv), "nothing left: %v", err)
					assert.Empty(t, templates(srv), "nothing left: %v", err)
				}
				closeFlow(t, srv, c)
			})
		}
	}
}

// Unmap, then DeleteIfUnused, with a fault injected into each step: an
// error either leaves the array as it was or is an *UnmapError whose
// Removed exports are gone and whose Left exports are there; on success the
// export is gone, and the host too once DeleteIfUnused says so.
func TestVLUNsUnmapFaultAfterEveryStep(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*alletratest.Server, *stepTransport, *alletra.Client, context.Context) {
		srv := alletratest.NewTestServer(t)
		st := &stepTransport{}
		c := stepClient(t, srv, st)
		ctx := flowCtx(t)
		newVolume(t, ctx, c, "c-A")
		_, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1})
		require.NoError(t, err)
		st.n, st.log = 0, nil
		return srv, st, c, ctx
	}
	unmap := func(ctx context.Context, c *alletra.Client) (*alletra.Unmapping, bool, error) {
		u, err := c.VLUNs.Unmap(ctx, "c-A", mapNQN1)
		if err != nil || !u.HostUnused {
			return u, false, err
		}
		// ... the node disconnects here ...
		deleted, err := c.Hosts.DeleteIfUnused(ctx, u.Host)
		return u, deleted, err
	}

	srv, st, c, ctx := setup(t)
	_, deleted, err := unmap(ctx, c)
	require.NoError(t, err)
	require.True(t, deleted)
	steps := st.log
	require.Equal(t, []string{"GET /api/v1/hosts", "GET /api/v1/vluns", "DELETE /api/v1/vluns/c-A,1,node1-nvme-tcp",
		"DELETE /api/v1/hosts/node1-nvme-tcp"}, steps)
	closeFlow(t, srv, c)

	for k := 1; k <= len(steps); k++ {
		for _, fc := range attachFaults {
			t.Run(fmt.Sprintf("step %d %s %s", k, steps[k-1], fc.name), func(t *testing.T) {
				t.Parallel()
				srv, st, c, ctx := setup(t)
				before := templates(srv)
				inject(t, srv, st, k, fc.fault)
				u, deleted, err := unmap(ctx, c)
				srv.ClearFaults()
				t.Logf("Unmap: %+v, %v, %v", u, deleted, err)
				var ue *alletra.UnmapError
				switch {
				case err == nil:
					assert.Empty(t, templates(srv), "the export is gone")
					_, there := srv.Host("node1-nvme-tcp")
					assert.Equal(t, !deleted, there, "the host is gone exactly when DeleteIfUnused says so")
				case u != nil && k <= 3:
					t.Fatalf("an Unmapping with an error: %+v, %v", u, err)
				case errors.As(err, &ue):
					for _, id := range ue.Removed {
						assert.NotContains(t, templates(srv), id.String())
					}
					for _, id := range ue.Left {
						assert.Contains(t, templates(srv), id.String())
					}
				case k == 4:
					// DeleteIfUnused failed: the exports are gone, the host is
					// there, and deleting it again finishes the job.
					assert.Empty(t, templates(srv))
					deleted, err := c.Hosts.DeleteIfUnused(ctx, "node1-nvme-tcp")
					require.NoError(t, err)
					_, there := srv.Host("node1-nvme-tcp")
					assert.Equal(t, !deleted, there)
					assert.False(t, there)
				default:
					assert.Equal(t, before, templates(srv), "nothing changed: %v", err)
				}
				closeFlow(t, srv, c)
			})
		}
	}
}

// issue 20: a concurrent unmap deletes the host right after Map's create
// (where Ensure used to read it back): Map starts over, makes the host
// again and exports; nothing is left twice.
func TestVLUNsMapHostDeletedAfterItsCreate(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	other := flowClient(t, srv)
	ctx := flowCtx(t)
	tr := &hookTransport{base: srv.HTTPClient().Transport, after: true,
		match: func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/api/v1/hosts" },
		hook: func() {
			deleted, err := other.Hosts.DeleteIfUnused(ctx, "node1-nvme-tcp")
			require.NoError(t, err)
			require.True(t, deleted)
		}}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	newVolume(t, ctx, c, "c-A")
	m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1})
	require.NoError(t, err)
	require.NotNil(t, m)
	assert.True(t, m.HostCreated)
	assert.Equal(t, []string{"node1-nvme-tcp"}, hostNames(srv))
	assert.Equal(t, []string{"c-A,1,node1-nvme-tcp"}, templates(srv))

	// Ensure alone: the host it made is gone right after, which is no
	// error of Ensure's (it does not read the host back).
	tr.rearm()
	u, err := c.VLUNs.Unmap(ctx, "c-A", mapNQN1)
	require.NoError(t, err)
	_, err = c.Hosts.DeleteIfUnused(ctx, u.Host)
	require.NoError(t, err)
	h, created, err := c.Hosts.EnsureByInitiator(ctx, "node1-nvme-tcp", mapNQN1)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, "node1-nvme-tcp", h.Name)
	assert.Empty(t, hostNames(srv), "deleted by the concurrent clean-up")
	closeFlow(t, srv, c, other)
}

// issue 20: the create answers "already exists" (code 16, or 73 for the
// initiator) but no host is there when looked at (a concurrent unmap
// deleted it): the host is gone, not a conflict. EnsureByInitiator creates
// it, Map succeeds, nothing leaks.
func TestHostsEnsureAlreadyExistsButGone(t *testing.T) {
	t.Parallel()
	for _, code := range []alletra.ErrorCode{alletra.CodeExistentHost, alletra.CodeExistentPath} {
		t.Run(code.String(), func(t *testing.T) {
			t.Parallel()
			srv := alletratest.NewTestServer(t)
			c := flowClient(t, srv)
			ctx := flowCtx(t)
			require.NoError(t, srv.InjectFault(http.MethodPost, "/api/v1/hosts", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 409, Code: code}))
			h, created, err := c.Hosts.EnsureByInitiator(ctx, "node1-nvme-tcp", mapNQN1)
			require.NoError(t, err, "no conflict for a host that does not exist")
			assert.True(t, created)
			assert.Equal(t, "node1-nvme-tcp", h.Name)
			st, ok := srv.Host("node1-nvme-tcp")
			require.True(t, ok)
			assert.Equal(t, mapNQN1, st.NQN)

			newVolume(t, ctx, c, "c-A")
			deleted, err := c.Hosts.DeleteIfUnused(ctx, "node1-nvme-tcp")
			require.NoError(t, err)
			require.True(t, deleted)
			require.NoError(t, srv.InjectFault(http.MethodPost, "/api/v1/hosts", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 409, Code: code}))
			m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1})
			require.NoError(t, err)
			assert.True(t, m.HostCreated)
			assert.Equal(t, []string{"node1-nvme-tcp"}, hostNames(srv))
			assert.Equal(t, []string{"c-A,1,node1-nvme-tcp"}, templates(srv))
			closeFlow(t, srv, c)
		})
	}
}

// A host that keeps vanishing is given up on after three attempts, with an
// error matching ErrNotFound (never ErrConflict), and nothing is left.
func TestHostsEnsureGivesUpOnAHostThatKeepsVanishing(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	require.NoError(t, srv.InjectFault(http.MethodPost, "/api/v1/hosts", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 409, Code: alletra.CodeExistentHost, Times: -1}))
	_, _, err := c.Hosts.EnsureByInitiator(ctx, "node1-nvme-tcp", mapNQN1)
	require.ErrorIs(t, err, alletra.ErrNotFound)
	assert.NotErrorIs(t, err, alletra.ErrConflict)
	srv.ClearFaults()
	assert.Equal(t, 3, srv.Requests(http.MethodPost, "/api/v1/hosts"), "bounded")
	assert.Empty(t, hostNames(srv))
	closeFlow(t, srv, c)
}

// A Map that fails after creating the host, while another caller exported
// something to that host meanwhile: the array keeps the host as in use, and
// the *MapError says the host is left (the caller is told, nothing else is).
func TestVLUNsMapFailureNamesAHostKeptInUse(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	other := flowClient(t, srv)
	ctx := flowCtx(t)
	tr := &hookTransport{base: srv.HTTPClient().Transport,
		match: func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/api/v1/vluns" },
		hook: func() {
			_, err := other.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: "c-B", HostName: "node1-nvme-tcp", AutoLUN: true})
			require.NoError(t, err)
			require.NoError(t, srv.InjectFault(http.MethodPost, "/api/v1/vluns", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 500, Code: 1}))
		}}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	newVolume(t, ctx, c, "c-A")
	newVolume(t, ctx, c, "c-B")
	m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1})
	assert.Nil(t, m)
	var me *alletra.MapError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "node1-nvme-tcp", me.Host, "kept, in use by the other export")
	assert.Nil(t, me.VLUN)
	assert.NoError(t, me.UndoErr)
	assert.Equal(t, []string{"node1-nvme-tcp"}, hostNames(srv))
	assert.Equal(t, []string{"c-B,1,node1-nvme-tcp"}, templates(srv))
	closeFlow(t, srv, c, other)
}
