package acceptance_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// getVol1Concurrently runs n Volumes.Get of vol1 at once and fails on any error.
func getVol1Concurrently(t *testing.T, c *alletra.Client, n int) {
	t.Helper()
	ctx := flowCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			_, err := c.Volumes.Get(ctx, "vol1")
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// sessionServer is a simulator holding vol1, with its counters reset.
func sessionServer(t *testing.T) *alletratest.Server {
	t.Helper()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, c.Volumes.Create(flowCtx(t), &alletra.VolumeCreateRequest{Name: "vol1", CPG: flowCPG, SizeMiB: 1024}))
	closeFlow(t, srv, c)
	srv.ResetStats()
	return srv
}

func TestSessionsExpiredKeyReloginOnce(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	c := flowClient(t, srv, alletra.WithMaxInFlight(64))
	getVol1Concurrently(t, c, 1)
	srv.ExpireSessions()
	getVol1Concurrently(t, c, 64)
	assert.Equal(t, 2, srv.Stats().Logins, "one login, then exactly one re-login after expiry")
	gets := srv.Requests("GET", "/api/v1/volumes/{name}")
	assert.LessOrEqual(t, gets, 1+64+64, "each request replayed at most once")
	assert.GreaterOrEqual(t, gets, 1+64+1)
	closeFlow(t, srv, c)
}

func TestSessionsCloseLogsOutOnceAndClientLogsInAgain(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	c := flowClient(t, srv, alletra.WithMaxInFlight(8))
	ctx := flowCtx(t)
	getVol1Concurrently(t, c, 8)
	require.Equal(t, 1, srv.Sessions())
	require.NoError(t, c.Close(ctx))
	require.NoError(t, c.Close(ctx), "a second Close has nothing to do")
	assert.Equal(t, 1, srv.Stats().Logouts)
	assert.Equal(t, 0, srv.Sessions())

	getVol1Concurrently(t, c, 1)
	assert.Equal(t, 2, srv.Stats().Logins, "a closed client logs in again on its next call")
	closeFlow(t, srv, c)
	assert.Equal(t, 2, srv.Stats().Logouts)
}

// reloginTransport answers the first GET of /api/v1/volumes/a itself: while
// that attempt is "busy", the array forgets key-1, another caller logs in
// again (key-2), the array forgets key-2 too, and the attempt ends 503/270.
type reloginTransport struct {
	base  http.RoundTripper
	srv   *alletratest.Server
	other func() error

	mu    sync.Mutex
	sent  []string
	first bool
}

func (rt *reloginTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.URL.Path != "/api/v1/volumes/a" {
		return rt.base.RoundTrip(req)
	}
	rt.mu.Lock()
	rt.sent = append(rt.sent, req.Header.Get(alletratest.SessionHeader))
	first := !rt.first
	rt.first = true
	rt.mu.Unlock()
	if !first {
		return rt.base.RoundTrip(req)
	}
	rt.srv.ExpireSessions()
	if err := rt.other(); err != nil {
		return nil, err
	}
	rt.srv.ExpireSessions()
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"code":270,"desc":"busy"}`)), Request: req}, nil
}

func (rt *reloginTransport) CloseIdleConnections() {
	if ci, ok := rt.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// A retry that sends a key another goroutine obtained meanwhile must also
// take that key's generation: when the array rejects it, that key is
// invalidated and the one replay goes out with a fresh one.
func TestSessionsRetryAfterReloginInvalidatesTheKeyItSent(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	ctx := flowCtx(t)
	setup := flowClient(t, srv)
	require.NoError(t, setup.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "a", CPG: flowCPG, SizeMiB: 256}))
	closeFlow(t, srv, setup)
	srv.ResetStats()

	rt := &reloginTransport{base: srv.HTTPClient().Transport, srv: srv}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: rt}))
	rt.other = func() error { _, err := c.Volumes.Get(ctx, "vol1"); return err }
	getVol1Concurrently(t, c, 1) // key-1
	v, err := c.Volumes.Get(ctx, "a")
	require.NoError(t, err, "keys sent: %v", rt.sent)
	assert.Equal(t, "a", v.Name)
	require.Len(t, rt.sent, 3, "busy, rejected, replayed")
	assert.NotEqual(t, rt.sent[1], rt.sent[2], "the replay must not reuse the key just rejected")
	assert.Equal(t, 3, srv.Stats().Logins)
	closeFlow(t, srv, c)
}
