package alletra

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryBusyGetThreeAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		busy httpmock.Responder
	}{
		{"503", errorResponder(http.StatusServiceUnavailable, 0, "busy")},
		{"code 270", errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "System is too busy")},
		{"code 270 under 409", errorResponder(http.StatusConflict, CodeSystemBusy, "busy")},
		{"502", httpmock.NewStringResponder(http.StatusBadGateway, "<html>bad gateway</html>")},
		{"connection reset", httpmock.NewErrorResponder(errors.New("connection reset by peer"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			r, n := sequence(tc.busy, tc.busy, jsonResponder(200, map[string]any{"name": "vol1", "sizeMiB": 512}))
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", r)
			v, err := c.Volumes.Get(context.Background(), "vol1")
			require.NoError(t, err)
			assert.EqualValues(t, 512, v.SizeMiB)
			assert.EqualValues(t, 3, n.Load())
		})
	}
}

func TestRetryExhaustedKeepsTypedErrorWithAttempts(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithRetry(2, 0, 0))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy"))
	_, err := c.Volumes.Get(context.Background(), "vol1")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.Equal(t, CodeSystemBusy, apiErr.Code)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.ErrorIs(t, err, ErrBusy)
}

func TestGrowIsNeverRepeated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    httpmock.Responder
	}{
		{"503", errorResponder(http.StatusServiceUnavailable, 0, "busy")},
		{"270", errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy")},
		{"connection lost", httpmock.NewErrorResponder(errors.New("EOF"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			var puts atomic.Int32
			m.RegisterResponder(http.MethodPut, testAPI+"/volumes/vol1", func(req *http.Request) (*http.Response, error) {
				puts.Add(1)
				return tc.r(req)
			})
			err := c.Volumes.Grow(context.Background(), "vol1", 512)
			require.Error(t, err)
			assert.EqualValues(t, 1, puts.Load(), "a grow is a delta: never sent twice")
		})
	}
}

func TestGrowRetriedAfterDialError(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	r, n := sequence(httpmock.NewErrorResponder(dialErr), jsonResponder(200, nil))
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/vol1", r)
	require.NoError(t, c.Volumes.Grow(context.Background(), "vol1", 256))
	assert.EqualValues(t, 2, n.Load(), "a request that never reached the array may be sent again")
}

func TestCreateCommittedButAnswerLostSucceedsOnce(t *testing.T) {
	t.Parallel()
	// The first POST was carried out but its answer lost; the retry meets
	// "exists", and the read finds the volume as asked (1000 MiB rounded up).
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPost, testAPI+"/volumes",
		httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		errorResponder(http.StatusConflict, CodeExistentVolume, "volume exists"))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/c-a", jsonResponder(http.StatusOK,
		map[string]any{"name": "c-a", "userCPG": "SSD_r6", "sizeMiB": 1024, "provisioningType": 2, "copyType": 1}))
	err := c.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "c-a", CPG: "SSD_r6", SizeMiB: 1000})
	require.NoError(t, err)
	require.Len(t, *bodies, 2)
	assert.Equal(t, (*bodies)[0], (*bodies)[1], "the same create, sent again")
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes/c-a"))
}

func TestCreateOverDifferentVolumeIsAlreadyExists(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		retried bool
	}{{"first attempt", false}, {"after a lost answer", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			conflict := errorResponder(http.StatusConflict, CodeExistentVolume, "volume exists")
			r := conflict
			if tc.retried {
				r, _ = sequence(httpmock.NewErrorResponder(errors.New("EOF")), conflict)
			}
			m.RegisterResponder(http.MethodPost, testAPI+"/volumes", r)
			// A first-attempt conflict is someone else's volume: no
			// responder for the read, which would fail the test.
			if tc.retried {
				m.RegisterResponder(http.MethodGet, testAPI+"/volumes/c-a",
					jsonResponder(200, map[string]any{"name": "c-a", "userCPG": "SSD_r6", "sizeMiB": 4096, "copyType": 1}))
			}
			err := c.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "c-a", CPG: "SSD_r6", SizeMiB: 1024})
			require.ErrorIs(t, err, ErrAlreadyExists)
			if tc.retried {
				assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes/c-a"), "a retried create is reconciled")
			}
		})
	}
}

func TestBackoffEndsPromptlyWithContext(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithRetry(5, time.Hour, time.Hour))
	entered := make(chan struct{}, 1)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", func(*http.Request) (*http.Response, error) {
		entered <- struct{}{}
		return httpmock.NewStringResponse(http.StatusServiceUnavailable, ""), nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Volumes.Get(ctx, "vol1")
		done <- err
	}()
	<-entered // the first attempt failed; the client now waits an hour
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(time.Minute):
		t.Fatal("the backoff did not end with the context")
	}
}

func TestBackoffBoundsAndRetryAfter(t *testing.T) {
	t.Parallel()
	for attempt := range 10 {
		d := backoff(100*time.Millisecond, 2*time.Second, attempt, nil)
		assert.GreaterOrEqual(t, d, 50*time.Millisecond)
		assert.LessOrEqual(t, d, 2*time.Second)
	}
	resp := &http.Response{Header: http.Header{"Retry-After": {"3"}}}
	assert.Equal(t, 3*time.Second, backoff(time.Millisecond, 10*time.Second, 0, resp))
	assert.Equal(t, 2*time.Second, backoff(time.Millisecond, 2*time.Second, 0, resp), "Retry-After is capped by maxWait")
	assert.Equal(t, time.Duration(0), backoff(0, 0, 3, nil))
}

func TestRetryStampsCurrentKey(t *testing.T) {
	t.Parallel()
	c, _ := newMock(t)
	c.sess.key, c.sess.gen = "new-key", 2
	req, err := http.NewRequest(http.MethodGet, testAPI+"/volumes/x", nil)
	require.NoError(t, err)
	req.Header.Set(sessionHeader, "old-key")
	orig := req.Header
	require.NoError(t, c.prepareRetry(req))
	assert.Equal(t, "new-key", req.Header.Get(sessionHeader))
	assert.Equal(t, "old-key", orig.Get(sessionHeader), "the previous attempt's headers are not mutated")
}

func TestReadErrorRetriedWhenIdempotent(t *testing.T) {
	t.Parallel()
	ok, err := (&Client{}).checkRetry(context.WithValue(context.Background(), ctxKey{}, &attemptInfo{safety: safeIdempotent}),
		nil, &net.OpError{Op: "read", Err: errors.New("reset")})
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestPrecheckBeforeRetryWithOneSlot(t *testing.T) {
	t.Parallel()
	// One in-flight slot: the precheck runs while the create holds it, and must not wait for another.
	c, m := newMock(t, WithMaxInFlight(1))
	r, posts := sequence(httpmock.NewErrorResponder(errors.New("connection reset by peer")), jsonResponder(201, nil))
	m.RegisterResponder(http.MethodPost, testAPI+"/things", r)
	m.RegisterResponder(http.MethodGet, testAPI+"/things/t1", jsonResponder(200, map[string]any{"name": "t1"}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	checks := 0
	resp, err := c.do(ctx, &call{method: http.MethodPost, path: "/things", body: map[string]string{"name": "t1"},
		safety: safeChecked, precheck: func(ctx context.Context) (bool, error) {
			checks++
			_, err := c.do(ctx, &call{method: http.MethodGet, path: "/things/t1", safety: safeIdempotent})
			return err == nil, err
		}})
	require.NoError(t, err)
	assert.True(t, resp.Prechecked)
	assert.Equal(t, 1, checks)
	assert.EqualValues(t, 1, posts.Load(), "found by the precheck: not sent again")
}

// timeoutErr is a net.Error that timed out, like http.Client's Timeout.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "Client.Timeout exceeded while awaiting headers" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestCheckedCreateNotRetriedAfterTimeout(t *testing.T) {
	t.Parallel()
	ctxFor := func(s safety) context.Context {
		return context.WithValue(context.Background(), ctxKey{}, &attemptInfo{safety: s})
	}
	gw := &http.Response{StatusCode: http.StatusGatewayTimeout, Body: http.NoBody}
	// The array may still be making the vLUN: a second POST would export it twice.
	ok, err := (&Client{}).checkRetry(ctxFor(safeChecked), nil, timeoutErr{})
	require.NoError(t, err)
	assert.False(t, ok, "timeout")
	ok, _ = (&Client{}).checkRetry(ctxFor(safeChecked), gw, nil)
	assert.False(t, ok, "504")
	// A refused connection never reached the array.
	ok, _ = (&Client{}).checkRetry(ctxFor(safeChecked), nil, &net.OpError{Op: "dial", Err: errors.New("refused")})
	assert.True(t, ok, "dial error")
	// Other kinds of requests keep retrying timeouts.
	for _, s := range []safety{safeIdempotent, safeReconcile} {
		ok, _ = (&Client{}).checkRetry(ctxFor(s), nil, timeoutErr{})
		assert.True(t, ok, "timeout, safety %d", s)
		ok, _ = (&Client{}).checkRetry(ctxFor(s), gw, nil)
		assert.True(t, ok, "504, safety %d", s)
	}
}

func TestDeleteWhoseAnswerWasLostSucceeds(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	r, n := sequence(httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		errorResponder(http.StatusNotFound, CodeNonExistentVolume, "volume does not exist"))
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/vol1", r)
	require.NoError(t, c.Volumes.Delete(context.Background(), "vol1"), "the first attempt deleted it")
	assert.EqualValues(t, 2, n.Load())

	c, m = newMock(t)
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/vol1", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no"))
	require.ErrorIs(t, c.Volumes.Delete(context.Background(), "vol1"), ErrNotFound, "a first-attempt 404 is reported")
}

func TestOnlyUnknownOutcomesAreReconciled(t *testing.T) {
	t.Parallel()
	expired := errorResponder(http.StatusForbidden, CodeInvalidSessionKey, "invalid session key")
	busy := errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy")
	for _, tc := range []struct {
		name  string
		first httpmock.Responder
	}{
		{"after a re-login", expired},
		{"after a refused (busy) attempt", busy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			r, _ := sequence(tc.first, errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no such volume"))
			m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/ghost", r)
			require.ErrorIs(t, c.Volumes.Delete(context.Background(), "ghost"), ErrNotFound,
				"no attempt of this call can have deleted it")

			r, _ = sequence(tc.first, errorResponder(http.StatusConflict, CodeExistentVolume, "volume exists"))
			m.RegisterResponder(http.MethodPost, testAPI+"/volumes", r)
			// No responder for GET /volumes/theirs: reading it to reconcile
			// fails the test on the strict transport.
			err := c.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "theirs", CPG: "SSD_r6", SizeMiB: 1024})
			require.ErrorIs(t, err, ErrAlreadyExists, "someone else's identical volume is not ours")
		})
	}
}

func TestLoginIsNotRepeatedAfterAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	m := newStrictTransport(t)
	r, n := sequence(httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		httpmock.NewStringResponder(http.StatusCreated, `{"key":"k"}`))
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", r)
	c, err := NewClient(testEndpoint, testUser, testPassword, WithHTTPClient(&http.Client{Transport: m}), WithRetry(3, 0, 0))
	require.NoError(t, err)
	_, err = c.Volumes.Get(context.Background(), "v")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.EqualValues(t, 1, n.Load(), "a login that may have been carried out is not repeated: it would orphan a session")
}

func TestRenameAndCancelWhoseAnswerWasLost(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	lost := httpmock.NewErrorResponder(errors.New("connection reset by peer"))
	r, puts := sequence(lost, errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no such volume"))
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/old", r)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/new", jsonResponder(200, map[string]any{"name": "new"}))
	require.NoError(t, c.Volumes.Update(context.Background(), "old", &VolumeUpdateRequest{NewName: "new"}))
	assert.EqualValues(t, 2, puts.Load())

	r, _ = sequence(lost, errorResponder(http.StatusBadRequest, 9999, "task is not active"))
	m.RegisterResponder(http.MethodPut, testAPI+"/tasks/9", r)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/9", jsonResponder(200, map[string]any{"id": 9, "status": 3}))
	require.NoError(t, c.Tasks.Cancel(context.Background(), 9))

	// Without a lost answer the errors stand.
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/gone", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no"))
	require.ErrorIs(t, c.Volumes.Update(context.Background(), "gone", &VolumeUpdateRequest{NewName: "new"}), ErrNotFound)
}

func TestLostRenameThatDidNotHappenIsNotFound(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	r, _ := sequence(httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no such volume"))
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/old", r)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/new", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no"))
	err := c.Volumes.Update(context.Background(), "old", &VolumeUpdateRequest{NewName: "new"})
	require.ErrorIs(t, err, ErrNotFound)
	assert.NotErrorIs(t, err, ErrConflict)
}
