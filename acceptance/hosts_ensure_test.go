package acceptance_test

import (
	"context"
	"net/http"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

const ensureSimNQN = "nqn.2014-08.org.nvmexpress:uuid:6a1e1d3c-3d0b-4f5e-9c39-2bb2a1a7b0aa"

// hookTransport runs hook before the first request that match accepts.
// With fail, it then fails that request with a connection reset without
// sending it (the client cannot tell whether the array carried it out);
// otherwise it sends it on. With after, hook runs instead once that
// request's answer has come back. rearm makes it fire once more.
type hookTransport struct {
	base  http.RoundTripper
	match func(*http.Request) bool
	hook  func()
	fail  bool
	after bool
	mu    sync.Mutex
	fired bool
}

// fire reports whether req is the one to run the hook on, once.
func (h *hookTransport) fire(req *http.Request) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fired || !h.match(req) {
		return false
	}
	h.fired = true
	return true
}

func (h *hookTransport) rearm() {
	h.mu.Lock()
	h.fired = false
	h.mu.Unlock()
}

func (h *hookTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !h.fire(req) {
		return h.base.RoundTrip(req)
	}
	if h.after {
		resp, err := h.base.RoundTrip(req)
		if err == nil {
			h.hook()
		}
		return resp, err
	}
	h.hook()
	if h.fail {
		return nil, syscall.ECONNRESET
	}
	return h.base.RoundTrip(req)
}

func (h *hookTransport) CloseIdleConnections() {
	if ci, ok := h.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// A retry whose first attempt's outcome is unknown meets "already exists"
// because another caller made the same host meanwhile: this call must not
// claim it created the host (its undo would delete the other caller's host).
func TestHostsEnsureDoesNotClaimAnotherCallersHost(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	other, err := srv.Client()
	require.NoError(t, err)
	req := &alletra.HostCreateRequest{Name: "node1-nvme-tcp", NQN: ensureSimNQN}
	var otherCreated bool
	tr := &hookTransport{base: srv.HTTPClient().Transport, fail: true,
		match: func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/api/v1/hosts" },
		hook: func() {
			_, created, err := other.Hosts.Ensure(context.Background(), req)
			require.NoError(t, err)
			otherCreated = created
		}}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	h, created, err := c.Hosts.Ensure(context.Background(), req)
	require.NoError(t, err)
	require.True(t, otherCreated, "the other caller made the host")
	assert.False(t, created, "this call did not make the host")
	assert.Equal(t, "node1-nvme-tcp", h.Name)
	closeFlow(t, srv, c, other)
}

// A host Ensure creates is not read back: two requests, and the host
// returned is the one asked for.
func TestHostsEnsureDoesNotReadBack(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := context.Background()
	_, err := c.System.Get(ctx) // log in
	require.NoError(t, err)
	before := totalRequests(srv)
	h, created, err := c.Hosts.Ensure(ctx, &alletra.HostCreateRequest{Name: "node1-nvme-tcp", NQN: ensureSimNQN})
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, 2, totalRequests(srv)-before, "GET /hosts, POST /hosts")
	assert.Equal(t, "node1-nvme-tcp", h.Name)
	assert.True(t, h.HasInitiator(ensureSimNQN))
	_, exists := srv.Host("node1-nvme-tcp")
	assert.True(t, exists)
	closeFlow(t, srv, c)
}

// EnsureByInitiator classifies the initiator itself, as FindByInitiator
// does: the caller passes a name and an IQN, NQN or WWN.
func TestHostsEnsureByInitiatorClassifies(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := context.Background()
	cases := []struct {
		name, initiator string
		check           func(t *testing.T, h alletratest.HostState)
	}{
		{"n-iscsi", "iqn.1993-08.org.debian:01:abc", func(t *testing.T, h alletratest.HostState) {
			assert.Equal(t, []string{"iqn.1993-08.org.debian:01:abc"}, h.ISCSINames)
		}},
		{"n-nvme", ensureSimNQN, func(t *testing.T, h alletratest.HostState) {
			assert.Equal(t, ensureSimNQN, h.NQN)
		}},
		{"n-fc", "10:00:00:00:c9:a1:b2:c3", func(t *testing.T, h alletratest.HostState) {
			assert.Equal(t, []string{"10000000C9A1B2C3"}, h.FCWWNs)
		}},
	}
	for _, tc := range cases {
		h, created, err := c.Hosts.EnsureByInitiator(ctx, tc.name, tc.initiator)
		require.NoError(t, err, tc.initiator)
		assert.True(t, created)
		assert.Equal(t, tc.name, h.Name)
		st, ok := srv.Host(tc.name)
		require.True(t, ok)
		tc.check(t, st)

		// Again, under another name: the host that has the initiator.
		h, created, err = c.Hosts.EnsureByInitiator(ctx, "other-name", tc.initiator)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, tc.name, h.Name)
	}
	before := totalRequests(srv)
	for _, bad := range []string{"", "not-an-initiator", "iqn.bad", "nqn.x"} {
		_, _, err := c.Hosts.EnsureByInitiator(ctx, "n", bad)
		require.ErrorIs(t, err, alletra.ErrInvalidInput, bad)
	}
	assert.Equal(t, before, totalRequests(srv), "refused before any request")
	closeFlow(t, srv, c)
}
