package acceptance_test

import (
	"context"
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

// holdFirstAnswer passes requests to the simulator, but holds the answer
// to the first GET until a logout went through.
type holdFirstAnswer struct {
	rt         http.RoundTripper
	gets       atomic.Int32
	answered   chan struct{} // closed when the first GET is answered (and held)
	loggedOut  chan struct{} // closed when the first logout is done
	logoutOnce sync.Once
}

func (h *holdFirstAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.rt.RoundTrip(req)
	switch {
	case req.Method == http.MethodDelete:
		h.logoutOnce.Do(func() { close(h.loggedOut) })
	case req.Method == http.MethodGet && h.gets.Add(1) == 1:
		close(h.answered)
		<-h.loggedOut
	}
	return resp, err
}

// Close while a call waits out a busy answer: the call must not log in
// again after Close, so no session is left on the array.
func TestCloseWithCallInBackoffLeavesNoSession(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	srv.InjectFault(http.MethodGet, "/api/v1/volumes/{name}", alletratest.Fault{Kind: alletratest.FaultStatus,
		Status: http.StatusServiceUnavailable, Code: alletra.CodeSystemBusy, Times: 1})
	// Close waits this long for the call, then gives up and logs out.
	closeCtx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	h := &holdFirstAnswer{rt: srv.HTTPClient().Transport, answered: make(chan struct{}), loggedOut: make(chan struct{})}
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(),
		alletra.WithHTTPClient(&http.Client{Transport: h}), alletra.WithRetry(3, time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	got := make(chan error, 1)
	go func() {
		_, err := c.Volumes.Get(context.Background(), "nope")
		got <- err
	}()
	<-h.answered // the busy answer is held until Close has logged out
	closeErr := c.Close(closeCtx)
	err = <-got
	assert.Equal(t, 0, srv.Sessions(), "no session left after Close (call: %v, Close: %v)", err, closeErr)
	assert.Equal(t, 1, srv.Stats().Logins, "no login after Close")
	assert.ErrorIs(t, err, alletra.ErrClosed, "the call still in flight when Close's context ended")
}

// slowArray is a simulator that serialises the requests of one key and
// answers each after delay, as real arrays do under load.
func slowArray(t *testing.T, delay time.Duration, opts ...alletratest.Option) *alletratest.Server {
	t.Helper()
	srv := alletratest.NewTestServer(t, append([]alletratest.Option{alletratest.WithSerializedSessions()}, opts...)...)
	srv.InjectFault("", "*", alletratest.Fault{Kind: alletratest.FaultDelay, Delay: delay, Times: -1})
	return srv
}

// getsConcurrently runs n goroutines, each getting vol1 per times.
func getsConcurrently(t *testing.T, c *alletra.Client, n, times int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n*times)
	for range n {
		wg.Go(func() {
			for range times {
				_, err := c.Volumes.Get(context.Background(), "vol1")
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func poolClient(t *testing.T, srv *alletratest.Server, opts ...alletra.Option) *alletra.Client {
	t.Helper()
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(), append([]alletra.Option{
		alletra.WithHTTPClient(srv.HTTPClient()), alletra.WithRetry(3, time.Millisecond, 5*time.Millisecond),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestSessionsLoggedInLazilyAndAllLoggedOut(t *testing.T) {
	t.Parallel()
	srv := slowArray(t, 2*time.Millisecond)
	c := poolClient(t, srv, alletra.WithSessions(4))
	require.NoError(t, c.Volumes.Create(context.Background(), &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 256}))

	getsConcurrently(t, c, 1, 5)
	assert.Equal(t, 1, srv.Stats().Logins, "one caller at a time needs one key")

	getsConcurrently(t, c, 16, 5)
	st := srv.Stats()
	assert.LessOrEqual(t, st.Logins, 4, "never more keys than WithSessions")
	assert.Greater(t, st.Logins, 1, "concurrency logs in more keys")
	assert.Equal(t, st.Logins, st.LiveSessions)

	require.NoError(t, c.Close(context.Background()))
	st = srv.Stats()
	assert.Equal(t, 0, st.LiveSessions, "Close logs out every key")
	assert.Equal(t, st.Logins, st.Logouts)

	getsConcurrently(t, c, 1, 1)
	assert.Equal(t, 1, srv.Sessions(), "a call after Close logs in again")
	require.NoError(t, c.Close(context.Background()))
}

func TestSessionsSpreadRequestsOverKeys(t *testing.T) {
	t.Parallel()
	srv := slowArray(t, 5*time.Millisecond)
	c := poolClient(t, srv, alletra.WithSessions(4), alletra.WithMaxInFlight(4))
	require.NoError(t, c.Volumes.Create(context.Background(), &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 256}))
	srv.ResetStats()
	getsConcurrently(t, c, 8, 5)
	// With one key the array would serialise: never more than one request at a time.
	assert.Greater(t, srv.Stats().MaxConcurrent, 1, "requests of different keys run at once")
	require.NoError(t, c.Close(context.Background()))
}

func TestSessionsShrinkWhenArrayHasNoSessionFree(t *testing.T) {
	t.Parallel()
	srv := slowArray(t, 2*time.Millisecond, alletratest.WithSessionLimit(2))
	c := poolClient(t, srv, alletra.WithSessions(6))
	require.NoError(t, c.Volumes.Create(context.Background(), &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 256}))
	getsConcurrently(t, c, 16, 5)
	st := srv.Stats()
	assert.Equal(t, 2, st.Logins, "the keys the array allows")
	assert.GreaterOrEqual(t, st.FailedLogins, 1, "the array said no more")
	require.NoError(t, c.Close(context.Background()))
	assert.Equal(t, 0, srv.Sessions())

	// The code the array gives for it (503 code 31) shrinks the pool too.
	srv = alletratest.NewTestServer(t, alletratest.WithSerializedSessions())
	srv.InjectFault(http.MethodGet, "/api/v1/volumes/{name}", alletratest.Fault{Kind: alletratest.FaultDelay,
		Delay: 2 * time.Millisecond, Times: -1})
	c = poolClient(t, srv, alletra.WithSessions(4))
	require.NoError(t, c.Volumes.Create(context.Background(), &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 256}))
	srv.InjectFault(http.MethodPost, "/api/v1/credentials", alletratest.Fault{Kind: alletratest.FaultStatus,
		Status: http.StatusServiceUnavailable, Code: 31, Times: -1})
	getsConcurrently(t, c, 16, 5)
	assert.Equal(t, 1, srv.Stats().Logins)
	require.NoError(t, c.Close(context.Background()))
}

func TestSessionsEachKeyLogsInAgainOnItsOwnExpiry(t *testing.T) {
	t.Parallel()
	srv := slowArray(t, 2*time.Millisecond)
	c := poolClient(t, srv, alletra.WithSessions(3))
	require.NoError(t, c.Volumes.Create(context.Background(), &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 256}))
	getsConcurrently(t, c, 12, 3)
	keys := srv.Stats().Logins
	srv.ExpireSessions()
	getsConcurrently(t, c, 12, 3)
	st := srv.Stats()
	assert.LessOrEqual(t, st.Logins, 2*3, "at most one re-login per key")
	assert.GreaterOrEqual(t, st.Logins, keys+1)
	require.NoError(t, c.Close(context.Background()))
	assert.Equal(t, 0, srv.Sessions())
}

func TestWithSessionsRejectsBadValues(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, -1} {
		_, err := alletra.NewClient("https://array", "u", "p", alletra.WithSessions(n))
		require.ErrorIs(t, err, alletra.ErrInvalidInput, "%d", n)
	}
}
