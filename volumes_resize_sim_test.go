package alletra_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout (test)" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// lateTransport makes the first grow (PUT with action 3) time out on the
// client's side while the array still works on it: the request is held and
// reaches the array only when release is called.
type lateTransport struct {
	base  http.RoundTripper
	mu    sync.Mutex
	held  *http.Request
	body  []byte
	grows int // grows that reached the transport
}

func (l *lateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(b))
		if bytes.Contains(b, []byte(`"action":3`)) {
			l.mu.Lock()
			l.grows++
			first := l.held == nil && l.grows == 1
			if first {
				l.held = req.Clone(context.Background())
				l.body = b
			}
			l.mu.Unlock()
			if first {
				return nil, timeoutErr{}
			}
		}
	}
	return l.base.RoundTrip(req)
}

func (l *lateTransport) release(t *testing.T) {
	l.mu.Lock()
	req, b := l.held, l.body
	l.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(b))
	resp, err := l.base.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func (l *lateTransport) CloseIdleConnections() {
	if ci, ok := l.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// A grow that timed out on the client's side while the array still works
// on it: calling ResizeTo again at once must not add the delta a second
// time (on the old code the volume ended at 2048 MiB).
func TestResizeToAgainAfterGrowTimedOut(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	tr := &lateTransport{base: srv.HTTPClient().Transport}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	ctx := context.Background()
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-grow", CPG: flowCPG, SizeMiB: 1024}))

	_, err := c.Volumes.ResizeTo(ctx, "c-grow", 1536)
	require.ErrorIs(t, err, alletra.ErrGrowPending, "the grow timed out")
	var pending *alletra.GrowPendingError
	require.ErrorAs(t, err, &pending)
	assert.EqualValues(t, 1024, pending.FromMiB)
	assert.EqualValues(t, 512, pending.ByMiB)
	var te *alletra.TransportError
	assert.ErrorAs(t, err, &te, "the timeout itself is kept")

	// The caller tries again at once: the size has not changed yet, so
	// ResizeTo refuses to add the delta again.
	_, err = c.Volumes.ResizeTo(ctx, "c-grow", 1536)
	require.ErrorIs(t, err, alletra.ErrGrowPending)
	tr.release(t) // the first grow lands late

	size, err := c.Volumes.ResizeTo(ctx, "c-grow", 1536)
	require.NoError(t, err)
	assert.EqualValues(t, 1536, size)
	v, ok := srv.Volume("c-grow")
	require.True(t, ok)
	assert.EqualValues(t, 1536, v.SizeMiB, "grown once, to the target")
	assert.Equal(t, 1, tr.grows, "one grow sent")

	// The guard is over: a further resize grows normally.
	size, err = c.Volumes.ResizeTo(ctx, "c-grow", 2048)
	require.NoError(t, err)
	assert.EqualValues(t, 2048, size)
	closeFlow(t, srv, c)
}

// A caller that checked the volume ends the guard with an explicit Grow.
func TestResizeToGuardEndsWithGrow(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	tr := &lateTransport{base: srv.HTTPClient().Transport}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	ctx := context.Background()
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-grow", CPG: flowCPG, SizeMiB: 1024}))
	_, err := c.Volumes.ResizeTo(ctx, "c-grow", 1536)
	require.ErrorIs(t, err, alletra.ErrGrowPending)
	// The held grow never reaches the array; the caller decides.
	require.NoError(t, c.Volumes.Grow(ctx, "c-grow", 512))
	size, err := c.Volumes.ResizeTo(ctx, "c-grow", 1536)
	require.NoError(t, err)
	assert.EqualValues(t, 1536, size)
	closeFlow(t, srv, c)
}
