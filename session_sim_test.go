package alletra_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// refusedLogins counts the logins the simulator refused, from its request log.
type refusedLogins struct{ n atomic.Int32 }

func (h *refusedLogins) Enabled(context.Context, slog.Level) bool { return true }
func (h *refusedLogins) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *refusedLogins) WithGroup(string) slog.Handler            { return h }
func (h *refusedLogins) Handle(_ context.Context, r slog.Record) error {
	var method, path string
	var status int64
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		case "status":
			status = a.Value.Int64()
		}
		return true
	})
	if method == http.MethodPost && path == "/api/v1/credentials" && status == http.StatusForbidden {
		h.n.Add(1)
	}
	return nil
}

// 64 calls with a wrong password (32 at once, then 32 in a row, 8 keys
// allowed) send one refused login and all report ErrAuthentication; after
// the back-off one more login is sent, and the back-off grows.
func TestWrongPasswordSendsOneLogin(t *testing.T) {
	t.Parallel()
	log := &refusedLogins{}
	srv := alletratest.NewTestServer(t, alletratest.WithRequestLog(slog.New(log)))
	var mu sync.Mutex
	now := time.Date(2026, 12, 8, 4, 0, 0, 0, time.UTC)
	c, err := alletra.NewClient(srv.URL, srv.Username(), "not-the-password",
		alletra.WithHTTPClient(srv.HTTPClient()), alletra.WithSessions(8),
		alletra.WithRetry(alletra.DefaultMaxRetries, time.Millisecond, time.Millisecond),
		alletra.WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
	require.NoError(t, err)
	ctx := context.Background()

	errs := make(chan error, 64)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 32 {
		wg.Go(func() {
			<-start
			_, err := c.Volumes.Get(ctx, "vol1")
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	for range 32 {
		_, err := c.Volumes.Get(ctx, "vol1")
		errs <- err
	}
	close(errs)
	var last *alletra.LoginRefusedError
	for err := range errs {
		require.ErrorIs(t, err, alletra.ErrAuthentication)
		require.ErrorAs(t, err, &last)
	}
	assert.EqualValues(t, 1, log.n.Load(), "one refused login for 64 calls")
	assert.Equal(t, now.Add(alletra.DefaultLoginBackoff), last.RetryAt)

	mu.Lock()
	now = last.RetryAt
	mu.Unlock()
	_, err = c.Volumes.Get(ctx, "vol1")
	require.ErrorAs(t, err, &last)
	assert.EqualValues(t, 2, log.n.Load(), "after the back-off, one more login")
	assert.Equal(t, now.Add(2*alletra.DefaultLoginBackoff), last.RetryAt, "the back-off grows")
	_, err = c.Volumes.Get(ctx, "vol1")
	require.ErrorIs(t, err, alletra.ErrAuthentication)
	assert.EqualValues(t, 2, log.n.Load())
	require.NoError(t, c.Close(ctx))
}

// A volume create the array refuses with a hard limit (503 with the
// simulator's unpublished number for VV_LIMIT_REACHED) is sent once and
// matches ErrLimitReached, not ErrBusy.
func TestVolumeLimitIsNotRetried(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, srv.InjectFault(http.MethodPost, "/api/v1/volumes",
		alletratest.Fault{Kind: alletratest.FaultStatus, Status: http.StatusServiceUnavailable, Code: 99999}))
	srv.ResetStats()
	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SizeMiB: 1024})
	require.ErrorIs(t, err, alletra.ErrLimitReached)
	assert.NotErrorIs(t, err, alletra.ErrBusy)
	assert.Equal(t, 1, srv.Requests(http.MethodPost, "/api/v1/volumes"), "a hard limit is not retried as load")
	require.NoError(t, c.Close(ctx))
}
