package alletra

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func getConcurrently(t *testing.T, c *Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			v, err := c.Volumes.Get(context.Background(), "vol1")
			if err == nil && v.Name != "vol1" {
				err = fmt.Errorf("got %q", v.Name)
			}
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

func TestSessionColdConcurrentCallersLoginOnce(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithMaxInFlight(64))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", jsonResponder(http.StatusOK, map[string]any{"name": "vol1", "sizeMiB": 1024}))
	getConcurrently(t, c, 64)
	assert.EqualValues(t, 1, m.logins.Load(), "64 cold callers must share one login")
	assert.Equal(t, 64, m.calls(t, http.MethodGet, testAPI+"/volumes/vol1"))
}

// (The re-login after the array forgot the key, Close, and a retry after a
// re-login are behaviour: see acceptance/sessions_test.go on the simulator.)

func TestSessionReplayedOnlyOnce(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var gets atomic.Int32
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", func(*http.Request) (*http.Response, error) {
		gets.Add(1)
		return httpmock.NewStringResponse(http.StatusForbidden, `{"code":6,"desc":"invalid session key"}`), nil
	})
	_, err := c.Volumes.Get(context.Background(), "vol1")
	require.ErrorIs(t, err, ErrSessionExpired)
	assert.EqualValues(t, 2, gets.Load(), "one replay after one re-login, then the error")
	assert.EqualValues(t, 2, m.logins.Load())
}

func TestSessionStaleFailureKeepsFreshKey(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	logins, n := sequence(httpmock.NewStringResponder(http.StatusCreated, `{"key":"key-1-secretsecret"}`),
		httpmock.NewStringResponder(http.StatusCreated, `{"key":"key-2-secretsecret"}`))
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", logins)
	ctx := context.Background()
	ep := c.sess.enter()
	defer c.sess.leave(ep)
	ref1, err := c.key(ctx, ep, nil)
	require.NoError(t, err)
	c.sess.invalidate(ref1)
	ref2, err := c.key(ctx, ep, ref1.slot)
	require.NoError(t, err)
	require.NotEqual(t, ref1.gen, ref2.gen)
	c.sess.invalidate(ref1) // a late failure of the old key
	assert.Equal(t, "key-2-secretsecret", ref2.key)
	assert.Equal(t, ref2.key, c.sess.current(ref1.slot).key, "a stale failure must not discard the fresh key")
	assert.EqualValues(t, 2, n.Load())
}

func TestCloseToleratesForgottenOrBusyKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		code   ErrorCode
		ok     bool
	}{
		{"forgotten key", http.StatusForbidden, CodeInvalidSessionKey, true},
		{"key in use", http.StatusConflict, CodeInUse, true},
		{"server error", http.StatusInternalServerError, CodeInternalServerError, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, WithRetry(0, 0, 0))
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v", jsonResponder(200, map[string]any{"name": "v"}))
			m.RegisterResponder(http.MethodDelete, testAPI+"/credentials/"+testKey, errorResponder(tc.status, tc.code, "x"))
			_, err := c.Volumes.Get(context.Background(), "v")
			require.NoError(t, err)
			err = c.Close(context.Background())
			if tc.ok {
				assert.NoError(t, err)
			} else {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.NotContains(t, err.Error(), testKey, "the logout path holds the key")
			}
		})
	}
}

func TestLoginFailureIsTypedAndNotRetried(t *testing.T) {
	t.Parallel()
	m := newStrictTransport(t)
	var logins atomic.Int32
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", func(*http.Request) (*http.Response, error) {
		logins.Add(1)
		return httpmock.NewStringResponse(http.StatusForbidden, `{"code":5,"desc":"invalid user or password"}`), nil
	})
	c, err := NewClient(testEndpoint, testUser, "wrong", WithHTTPClient(&http.Client{Transport: m}), WithRetry(5, 0, 0))
	require.NoError(t, err)
	for range 3 {
		_, err = c.Volumes.Get(context.Background(), "vol1")
		require.ErrorIs(t, err, ErrAuthentication)
		var refused *LoginRefusedError
		require.ErrorAs(t, err, &refused)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "the array's refusal is still there")
		assert.Equal(t, CodeInvalidUserPassword, apiErr.Code)
	}
	assert.EqualValues(t, 1, logins.Load(), "one refused login, then the back-off: never a loop")
	assert.NotContains(t, err.Error(), "wrong")
}

func TestLoginSessionLimitIsTyped(t *testing.T) {
	t.Parallel()
	m := newStrictTransport(t)
	var logins atomic.Int32
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", func(*http.Request) (*http.Response, error) {
		logins.Add(1)
		return httpmock.NewStringResponse(http.StatusServiceUnavailable, `{"desc":"Maximum number of WSAPI connections reached"}`), nil
	})
	c, err := NewClient(testEndpoint, testUser, testPassword, WithHTTPClient(&http.Client{Transport: m}), WithRetry(5, 0, 0))
	require.NoError(t, err)
	_, err = c.Volumes.Get(context.Background(), "vol1")
	require.ErrorIs(t, err, ErrSessionLimit)
	assert.EqualValues(t, 1, logins.Load())
}

func TestLoginWaitersRetryWhenLeaderCancelled(t *testing.T) {
	t.Parallel()
	m := newStrictTransport(t)
	release := make(chan struct{})
	entered := make(chan struct{})
	var logins atomic.Int32
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", func(req *http.Request) (*http.Response, error) {
		if logins.Add(1) == 1 {
			close(entered)
			<-req.Context().Done() // the first login hangs until its caller gives up
			close(release)
			return nil, req.Context().Err()
		}
		return httpmock.NewStringResponse(http.StatusCreated, `{"key":"k2-secret"}`), nil
	})
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v", jsonResponder(200, map[string]any{"name": "v"}))
	c, err := NewClient(testEndpoint, testUser, testPassword, WithHTTPClient(&http.Client{Transport: m}), WithRetry(0, 0, 0))
	require.NoError(t, err)

	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() {
		_, err := c.Volumes.Get(leaderCtx, "v")
		leaderDone <- err
	}()
	<-entered // the leader's login is in flight
	require.NotNil(t, c.loginInFlight())
	waiter := make(chan error, 1)
	go func() {
		_, err := c.Volumes.Get(context.Background(), "v")
		waiter <- err
	}()
	// Cancel the leader only once the waiter is parked on its login.
	for parked := false; !parked; {
		c.sess.mu.Lock()
		l := c.sess.cur.keys[0].login
		parked = l != nil && l.waiters == 1
		c.sess.mu.Unlock()
		if !parked {
			select {
			case err := <-waiter:
				t.Fatalf("the waiter ended before the leader's login: %v", err)
			case <-time.After(time.Millisecond):
			}
		}
	}
	cancel()
	<-release
	require.ErrorIs(t, <-leaderDone, context.Canceled)
	require.NoError(t, <-waiter, "a waiter must not inherit the leader's cancellation")
}

// loginInFlight returns the login in flight of the first key slot.
func (c *Client) loginInFlight() *loginCall {
	c.sess.mu.Lock()
	defer c.sess.mu.Unlock()
	if len(c.sess.cur.keys) == 0 {
		return nil
	}
	return c.sess.cur.keys[0].login
}

func TestCloseWaitsForLoginInFlight(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	entered, release := make(chan struct{}), make(chan struct{})
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", func(*http.Request) (*http.Response, error) {
		close(entered)
		<-release
		return httpmock.NewStringResponse(http.StatusCreated, `{"key":"`+testKey+`"}`), nil
	})
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", jsonResponder(http.StatusOK, map[string]any{"name": "vol1"}))
	loggedIn := make(chan error, 1)
	go func() { _, err := c.Volumes.Get(context.Background(), "vol1"); loggedIn <- err }()
	<-entered
	closed := make(chan error, 1)
	go func() { closed <- c.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a login was in flight: its key would be left behind", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-loggedIn)
	require.NoError(t, <-closed)
	assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/credentials/"+testKey),
		"the key of the login Close waited for was logged out")
}

func TestCloseRetriesAKeyInUse(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v", jsonResponder(200, map[string]any{"name": "v"}))
	r, n := sequence(errorResponder(http.StatusConflict, CodeInUse, "resource in use"), jsonResponder(200, nil))
	m.RegisterResponder(http.MethodDelete, testAPI+"/credentials/"+testKey, r)
	_, err := c.Volumes.Get(context.Background(), "v")
	require.NoError(t, err)
	require.NoError(t, c.Close(context.Background()))
	assert.EqualValues(t, 2, n.Load(), "a busy key is logged out once the other request is done")
}

// A login the array answers with 503 code 270 (busy) is asked again with
// backoff, within the retry bound.
func TestBusyLoginRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	busy := errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "System is too busy")
	r, logins := sequence(busy, busy, func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusCreated, `{"key":"`+testKey+`"}`)
		return resp, nil
	})
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", r)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v", jsonResponder(200, map[string]any{"name": "v"}))
	_, err := c.Volumes.Get(context.Background(), "v")
	require.NoError(t, err)
	assert.EqualValues(t, 3, logins.Load(), "two busy answers, then the key")

	// Bounded: an array that stays busy gives ErrBusy after the retries (WithRetry(3, ...)).
	c, m = newMock(t)
	r, logins = sequence(busy)
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", r)
	_, err = c.Volumes.Get(context.Background(), "v")
	require.ErrorIs(t, err, ErrBusy)
	assert.EqualValues(t, 4, logins.Load())
}

// A refused login starts a back-off on the client's clock: no login until
// it ends, then one; each refusal in a row doubles it up to the maximum; a
// success, and Close, start afresh.
func TestLoginBackoffGrowsAndEnds(t *testing.T) {
	t.Parallel()
	m := newStrictTransport(t)
	var logins atomic.Int32
	var accept atomic.Bool
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", func(*http.Request) (*http.Response, error) {
		logins.Add(1)
		if accept.Load() {
			return httpmock.NewStringResponse(http.StatusCreated, `{"key":"`+testKey+`"}`), nil
		}
		return httpmock.NewStringResponse(http.StatusForbidden, `{"code":5,"desc":"invalid user or password"}`), nil
	})
	m.RegisterResponder(http.MethodDelete, testAPI+"/credentials/"+testKey, httpmock.NewStringResponder(http.StatusOK, ""))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", jsonResponder(200, map[string]any{"name": "vol1"}))
	c, err := NewClient(testEndpoint, testUser, testPassword, WithHTTPClient(&http.Client{Transport: m}),
		WithLoginBackoff(time.Minute, 3*time.Minute))
	require.NoError(t, err)
	now := time.Date(2026, 12, 8, 4, 0, 0, 0, time.UTC)
	c.sess.now = func() time.Time { return now }
	ctx := context.Background()

	get := func() *LoginRefusedError {
		t.Helper()
		_, err := c.Volumes.Get(ctx, "vol1")
		var refused *LoginRefusedError
		require.ErrorAs(t, err, &refused)
		require.ErrorIs(t, err, ErrAuthentication)
		return refused
	}
	r := get()
	assert.Equal(t, now.Add(time.Minute), r.RetryAt)
	assert.Contains(t, r.Error(), "2026-12-08T04:01:00Z", "the error says when the client tries again")
	now = now.Add(59 * time.Second)
	get()
	assert.EqualValues(t, 1, logins.Load(), "no login during the back-off")

	for _, wait := range []time.Duration{2 * time.Minute, 3 * time.Minute, 3 * time.Minute} {
		now = r.RetryAt
		r = get()
		assert.Equal(t, now.Add(wait), r.RetryAt, "the back-off grows with refusals in a row, up to the maximum")
	}
	assert.EqualValues(t, 4, logins.Load())

	require.NoError(t, c.Close(ctx))
	_, err = c.Volumes.Get(ctx, "vol1")
	require.ErrorIs(t, err, ErrAuthentication, "Close starts afresh: one login is sent at once")
	assert.EqualValues(t, 5, logins.Load())

	accept.Store(true)
	now = now.Add(time.Hour)
	_, err = c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	assert.Zero(t, c.sess.refusals, "a success ends the back-off")
	require.NoError(t, c.Close(ctx))
}

func TestWithLoginBackoffRefusesBadWaits(t *testing.T) {
	t.Parallel()
	for _, o := range []Option{WithLoginBackoff(0, time.Minute), WithLoginBackoff(time.Minute, 0), WithLoginBackoff(time.Hour, time.Minute)} {
		_, err := NewClient(testEndpoint, testUser, testPassword, o)
		assert.ErrorIs(t, err, ErrInvalidInput)
	}
}
