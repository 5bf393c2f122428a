package alletra

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
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

func TestContractTable(t *testing.T) {
	t.Parallel()
	reset := &net.OpError{Op: "read", Err: errors.New("reset")}
	dial := &net.OpError{Op: "dial", Err: errors.New("refused")}
	status := func(code int, body string) *http.Response {
		return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(body))}
	}
	cases := []struct {
		name string
		resp *http.Response
		err  error
		want failure
	}{
		{"dial", nil, dial, failDial},
		{"reset", nil, reset, failLost},
		{"timeout", nil, timeoutErr{}, failTimeout},
		{"cut-short body", nil, &badBodyError{io.ErrUnexpectedEOF}, failBadBody},
		{"wrong type in body", nil, &badBodyError{&json.UnmarshalTypeError{Value: "string"}}, failNone},
		{"bad JSON", nil, &badBodyError{&json.SyntaxError{}}, failNone},
		{"502", status(502, ""), nil, failLost},
		{"504", status(504, ""), nil, failTimeout},
		{"429", status(429, ""), nil, failRefused},
		{"503", status(503, ""), nil, failRefused},
		{"270", status(503, `{"code":270}`), nil, failRefused},
		{"409/34", status(409, `{"code":34}`), nil, failInUse},
		{"404", status(404, `{"code":23}`), nil, failNone},
		{"200", status(200, `{}`), nil, failNone},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, classify(&call{kind: CallRead}, tc.resp, tc.err), tc.name)
	}
	// On login a 503 without code 270 is the session table being full; with 270 the array is busy.
	assert.Equal(t, failNone, classify(&call{kind: callLogin}, status(503, `{"code":31}`), nil))
	assert.Equal(t, failRefused, classify(&call{kind: callLogin}, status(503, `{"code":270}`), nil))

	for kind, want := range map[CallKind][]failure{
		CallRead:          {failDial, failRefused, failLost, failTimeout, failBadBody},
		CallUpdate:        {failDial, failRefused, failLost, failTimeout},
		CallDelete:        {failDial, failRefused, failLost, failTimeout},
		CallCreate:        {failDial, failRefused, failLost, failTimeout},
		CallDelta:         {failDial},
		callCreateChecked: {failDial, failRefused},
		callLogin:         {failDial, failRefused},
		callLogout:        {failDial, failRefused, failLost, failTimeout, failInUse},
	} {
		for f := failNone; f <= failBadBody; f++ {
			assert.Equal(t, slices.Contains(want, f), retryContract[kind].allows(f), "kind %d failure %d", kind, f)
		}
	}
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
		kind: callCreateChecked, precheck: func(ctx context.Context) (bool, error) {
			checks++
			_, err := c.do(ctx, &call{method: http.MethodGet, path: "/things/t1", kind: CallRead})
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

// A vLUN create is sent again after a dial error or a clear refusal (503
// code 270, 429), never after a 502 or a reset once the request was
// written: the array may have made the vLUN and would make a second one.
func TestVLUNCreateResentOnlyWhenNotCarriedOut(t *testing.T) {
	t.Parallel()
	empty := jsonResponder(200, map[string]any{"total": 0, "members": []any{}})
	created := respondCreatedAt("/api/v1/vluns/v1,3,h1")
	for _, tc := range []struct {
		name   string
		first  httpmock.Responder
		posts  int
		wantOK bool
	}{
		{"dial error", httpmock.NewErrorResponder(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), 2, true},
		{"busy 503/270", errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy"), 2, true},
		{"429", errorResponder(http.StatusTooManyRequests, 0, "slow down"), 2, true},
		{"502", errorResponder(http.StatusBadGateway, 0, "bad gateway"), 1, false},
		{"reset after write", httpmock.NewErrorResponder(errors.New("read tcp: connection reset by peer")), 1, false},
	} {
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/vluns", empty)
		r, posts := sequence(tc.first, created)
		m.RegisterResponder(http.MethodPost, testAPI+"/vluns", r)
		v, err := c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "v1", HostName: "h1", AutoLUN: true})
		assert.EqualValues(t, tc.posts, posts.Load(), tc.name)
		if tc.wantOK {
			if assert.NoError(t, err, tc.name) {
				assert.Equal(t, 3, v.LUN, tc.name)
			}
		} else {
			assert.Error(t, err, tc.name)
		}
	}
}

// A read whose success body is cut short is read again: the decode runs
// inside the retry loop.
func TestTruncatedReadIsRetried(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	r, n := sequence(
		func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(200, `{"name":"vol1","sizeMi`), nil
		},
		jsonResponder(200, map[string]any{"name": "vol1", "sizeMiB": 1024}),
	)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", r)
	v, err := c.Volumes.Get(context.Background(), "vol1")
	require.NoError(t, err)
	assert.EqualValues(t, 1024, v.SizeMiB)
	assert.EqualValues(t, 2, n.Load())

	// A task poll too: a truncated poll must not end a wait while the task runs on.
	r, n = sequence(
		func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(200, `{"id":7,"sta`), nil
		},
		jsonResponder(200, map[string]any{"id": 7, "status": 1}),
	)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/7", r)
	task, err := c.Tasks.Get(context.Background(), 7)
	require.NoError(t, err)
	assert.Equal(t, TaskDone, task.Status)
	assert.EqualValues(t, 2, n.Load())
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// A certificate the client does not trust fails a read at once: the read's
// contract would resend it after a lost answer, so only the certificate
// classification (isPermanentTransportError) keeps it to one attempt. The
// login is answered in memory so that the read is the first request to meet
// the TLS server, whose CA the client does not know.
func TestCertificateErrorOnAReadIsNotRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("no request may pass the TLS handshake")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	t.Cleanup(srv.Close)
	tlsTransport := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}} // system roots only
	t.Cleanup(tlsTransport.CloseIdleConnections)
	var reads atomic.Int32
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/credentials") {
			resp := httpmock.NewStringResponse(http.StatusCreated, `{"key":"`+testKey+`"}`)
			resp.Request = req
			return resp, nil
		}
		reads.Add(1)
		return tlsTransport.RoundTrip(req)
	})
	c, err := NewClient(srv.URL, testUser, testPassword, WithHTTPClient(&http.Client{Transport: rt}),
		WithRetry(3, time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, err = c.Volumes.Get(context.Background(), "vol1")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	var unknownCA x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownCA, "%v", err)
	assert.Equal(t, 1, te.Attempts, "a certificate error is not retried")
	assert.EqualValues(t, 1, reads.Load())
}
