package acceptance_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// requestLog collects the simulator's request log ("METHOD path" per
// answered request), logins and logouts left out unless logins is set.
type requestLog struct {
	logins bool
	mu     sync.Mutex
	reqs   []string
}

func (l *requestLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *requestLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *requestLog) WithGroup(string) slog.Handler            { return l }
func (l *requestLog) Handle(_ context.Context, r slog.Record) error {
	var method, path string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		}
		return true
	})
	if !l.logins && strings.HasPrefix(path, "/api/v1/credentials") {
		return nil
	}
	l.mu.Lock()
	l.reqs = append(l.reqs, method+" "+path)
	l.mu.Unlock()
	return nil
}

// take returns the requests logged since the last take.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.reqs
	l.reqs = nil
	return out
}

// lxdNode is one LXD server of the replay: its host name and NQN.
type lxdNode struct{ host, nqn string }

// lxdStart replays the array side of LXD's start of a container on
// NVMe/TCP (MountVolume → getMappedDevPath(vol, true) → mapVolume): ensure
// the host, export the volume, read the target addresses (alletra.target
// unset), then read the volume for its NGUID to find the device. LXD finds
// the subsystem NQN by NVMe discovery, so it is not asked for.
func lxdStart(ctx context.Context, c *alletra.Client, vol string, n lxdNode) (*alletra.Mapping, error) {
	m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: vol, Host: n.host, Initiator: n.nqn, Targets: true})
	if err != nil {
		return nil, err
	}
	if len(alletra.TargetIPs(m.Targets)) == 0 {
		return nil, alletra.ErrNotFound // LXD: "No usable target found"
	}
	// ... nvme discover / nvme connect to the addresses ...
	if _, err := c.Volumes.Get(ctx, vol); err != nil { // the NGUID: nvme-eui.<nguid>
		return nil, err
	}
	return m, nil
}

// lxdStop replays the array side of LXD's stop (unmapVolume), in LXD's
// order: the export goes, the device is found (the volume's NGUID) and
// waited away; when the host has nothing else mapped, the target is found
// again (GET /ports, alletra.target unset), the node disconnects, and the
// host goes unless something uses it by then.
func lxdStop(ctx context.Context, c *alletra.Client, vol string, n lxdNode) (hostDeleted bool, err error) {
	u, err := c.VLUNs.Unmap(ctx, vol, n.nqn)
	if err != nil {
		return false, err
	}
	if _, err := c.Volumes.Get(ctx, vol); err != nil { // the device to wait away
		return false, err
	}
	if !u.HostUnused {
		return false, nil
	}
	if _, err := c.Ports.TargetIPs(ctx, "nvme/tcp"); err != nil { // for the disconnect
		return false, err
	}
	// ... nvme disconnect ...
	return c.Hosts.DeleteIfUnused(ctx, u.Host)
}

// LXD's own client, read from canonical/lxd's driver_alletra_volumes.go
// (mapVolume, unmapVolume, getMappedDevPath, getTarget) with
// alletra.target unset, on NVMe/TCP:
//
//	start: GetCurrentHost, CreateHost, ConnectHostToVolume (GET /vluns,
//	       POST /vluns), GetTargetAddrs (GET /ports), GetVolume = 6
//	       (5 when the host exists: no CreateHost)
//	stop:  GetCurrentHost, DisconnectHostFromVolume (GET /vluns, DELETE),
//	       GetVolume, GetVLUNsForHost, and for the last volume
//	       GetTargetAddrs and DeleteHost = 7 (5 otherwise)
//
// The SDK before this budget sent 8 for start (the host read back after
// its create, the vLUN list read again for the NVMe subsystem NQN).
const (
	lxdStartNewHost = 6
	lxdStartHost    = 5
	lxdStopLast     = 7
	lxdStopShared   = 5
)

// TestLXDBudgetMapUnmap replays LXD's start and stop on the simulator and
// counts the requests in its request log: never more than LXD's own
// client sends, and the host clean-up still race-safe.
func TestLXDBudgetMapUnmap(t *testing.T) {
	t.Parallel()
	log := &requestLog{}
	srv := alletratest.NewTestServer(t, alletratest.WithRequestLog(slog.New(log)))
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	newVolume(t, ctx, c, "c-A")
	newVolume(t, ctx, c, "c-B")
	node := lxdNode{"node1-nvme-tcp", mapNQN1}
	log.take()

	// First start: the host is made.
	m, err := lxdStart(ctx, c, "c-A", node)
	require.NoError(t, err)
	assert.True(t, m.HostCreated)
	start := log.take()
	assert.Equal(t, []string{"GET /api/v1/ports", "GET /api/v1/hosts", "POST /api/v1/hosts",
		"GET /api/v1/vluns?query=%22volumeName%3D%3Dc-A%22", "POST /api/v1/vluns", "GET /api/v1/volumes/c-A"}, start)
	assert.LessOrEqual(t, len(start), lxdStartNewHost)

	// A second container on the same node: the host is found.
	_, err = lxdStart(ctx, c, "c-B", node)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(log.take()), lxdStartHost)

	// Stop the first: the host keeps c-B.
	deleted, err := lxdStop(ctx, c, "c-A", node)
	require.NoError(t, err)
	assert.False(t, deleted)
	stop := log.take()
	assert.LessOrEqual(t, len(stop), lxdStopShared, "%v", stop)
	_, ok := srv.Host(node.host)
	assert.True(t, ok)

	// Stop the last: the host goes after the node's disconnect.
	deleted, err = lxdStop(ctx, c, "c-B", node)
	require.NoError(t, err)
	assert.True(t, deleted)
	stop = log.take()
	assert.Equal(t, []string{"GET /api/v1/hosts", "GET /api/v1/vluns?query=%22hostname%3D%3Dnode1-nvme-tcp%22",
		"DELETE /api/v1/vluns/c-B,2,node1-nvme-tcp", "GET /api/v1/volumes/c-B", "GET /api/v1/ports",
		"DELETE /api/v1/hosts/node1-nvme-tcp"}, stop)
	assert.LessOrEqual(t, len(stop), lxdStopLast)
	assert.Empty(t, srv.Hosts())
	assert.Empty(t, srv.VLUNs())
	t.Logf("start %d (LXD %d), stop of the last volume %d (LXD %d)", len(start), lxdStartNewHost, len(stop), lxdStopLast)
	closeFlow(t, srv, c)
}

// The host clean-up within the budget is still race-safe: another node's
// Map — here a vLUN another client exports to this host — lands while this
// node disconnects (after Unmap said the host was unused): the host is kept
// and the new export works; and a Map that meets the host deleted under it
// makes it again.
func TestLXDBudgetHostCleanUpStaysRaceSafe(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	other := flowClient(t, srv)
	ctx := flowCtx(t)
	node := lxdNode{"node1-nvme-tcp", mapNQN1}
	// The other client exports c-B to this node's host just before the
	// host's delete is sent.
	tr := &hookTransport{base: srv.HTTPClient().Transport,
		match: func(r *http.Request) bool {
			return r.Method == http.MethodDelete && r.URL.Path == "/api/v1/hosts/"+node.host
		},
		hook: func() {
			_, err := other.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: "c-B", HostName: node.host, AutoLUN: true})
			require.NoError(t, err)
		}}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	newVolume(t, ctx, c, "c-A")
	newVolume(t, ctx, c, "c-B")
	_, err := lxdStart(ctx, c, "c-A", node)
	require.NoError(t, err)
	deleted, err := lxdStop(ctx, c, "c-A", node)
	require.NoError(t, err)
	assert.False(t, deleted, "in use again: kept")
	_, ok := srv.Host(node.host)
	require.True(t, ok)
	assert.Len(t, vlunsOf(srv, "c-B"), 2, "the concurrent export (template and active record) stands")

	// Now the host goes while a start runs: the start makes it again.
	tr2 := &hookTransport{base: srv.HTTPClient().Transport,
		match: func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/api/v1/vluns" },
		hook: func() {
			require.NoError(t, other.VLUNs.Delete(ctx, alletra.VLUNID{Volume: "c-B", LUN: 1, Host: node.host}))
			deleted, err := other.Hosts.DeleteIfUnused(ctx, node.host)
			require.NoError(t, err)
			require.True(t, deleted)
		}}
	c2 := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr2}))
	m, err := lxdStart(ctx, c2, "c-A", node)
	require.NoError(t, err)
	assert.True(t, m.HostCreated, "made again")
	assert.Equal(t, []string{"c-A,1,node1-nvme-tcp"}, templates(srv))
	closeFlow(t, srv, c, c2, other)
}
