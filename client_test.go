package alletra

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndpointNormalisation(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://array:8080":                   "https://array:8080/api/v1",
		"https://array:8080/":                  "https://array:8080/api/v1",
		"https://array:8080/api/v1":            "https://array:8080/api/v1",
		"https://array:8080/api/v1/":           "https://array:8080/api/v1",
		"https://array":                        "https://array/api/v1",
		"http://array:8008":                    "http://array:8008/api/v1",
		"https://gw.example/storage/a1":        "https://gw.example/storage/a1/api/v1",
		"https://gw.example/storage/a1/api/v1": "https://gw.example/storage/a1/api/v1",
		"https://[fd00::1]:8080":               "https://[fd00::1]:8080/api/v1",
		"https://10.0.0.5/api/v1":              "https://10.0.0.5/api/v1",
	} {
		c, err := NewClient(in, "u", "p")
		require.NoError(t, err, in)
		assert.Equal(t, want, c.Endpoint(), in)
	}
	for _, bad := range []string{
		"", "array:8080", "//array", "ftp://array", "https://", "https://array:80x0",
		"https://user:pw@array", "https://array/api/v1?x=1", "https://array/#frag",
		"https://array/api", "https://array/api/v2", "https://array/../x", "array",
	} {
		_, err := NewClient(bad, "u", "p")
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
		assert.Equal(t, "endpoint", ve.Field, bad)
	}
}

func TestNewClientRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]Option{
		"nil http client":   WithHTTPClient(nil),
		"nil tls":           WithTLSConfig(nil),
		"nil logger":        WithLogger(nil),
		"negative retries":  WithRetry(-1, 0, 0),
		"negative wait":     WithRetry(1, -time.Second, time.Second),
		"max below min":     WithRetry(1, time.Second, time.Millisecond),
		"zero timeout":      WithRequestTimeout(0),
		"zero in flight":    WithMaxInFlight(0),
		"negative in fl.":   WithMaxInFlight(-3),
		"zero polling":      WithTaskPolling(0, time.Second),
		"polling inverted":  WithTaskPolling(time.Second, time.Millisecond),
		"negative name len": WithMaxNameLength(-1),
		"zero body cap":     WithMaxResponseBytes(0),
		"header injection":  WithUserAgent("x\r\nX-Evil: 1"),
		"nil option":        nil,
	} {
		_, err := NewClient("https://array", "u", "p", opt)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
	}
	_, err := NewClient("https://admin:S3cret@array:80 80", "u", "p")
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.NotContains(t, err.Error(), "S3cret", "a bad endpoint is not echoed")
	_, err = NewClient("https://array", "", "p")
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = NewClient("https://array", "u", "")
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = NewClient("https://array", "u", "p", WithHTTPClient(&http.Client{Transport: httpmock.NewMockTransport()}), WithInsecureSkipVerify())
	require.ErrorIs(t, err, ErrInvalidInput, "TLS options need an *http.Transport")
}

func TestNewClientDoesNoIO(t *testing.T) {
	t.Parallel()
	m := httpmock.NewMockTransport()
	_, err := NewClient(testEndpoint, testUser, testPassword, WithHTTPClient(&http.Client{Transport: m}))
	require.NoError(t, err)
	assert.Zero(t, m.GetTotalCallCount())
}

func TestCallerHTTPClientIsNotMutated(t *testing.T) {
	t.Parallel()
	tr := &http.Transport{}
	hc := &http.Client{Transport: tr, Timeout: 0}
	c, err := NewClient("https://array", "u", "p", WithHTTPClient(hc), WithInsecureSkipVerify(), WithRequestTimeout(time.Second))
	require.NoError(t, err)
	assert.Same(t, tr, hc.Transport)
	// (Transport.Clone lets net/http fill in its HTTP/2 defaults, as first use would.)
	assert.True(t, tr.TLSClientConfig == nil || !tr.TLSClientConfig.InsecureSkipVerify)
	assert.Zero(t, hc.Timeout)
	assert.Nil(t, hc.CheckRedirect)
	assert.NotSame(t, hc, c.hc)
	assert.True(t, c.hc.Transport.(*http.Transport).TLSClientConfig.InsecureSkipVerify)
	assert.Equal(t, time.Second, c.hc.Timeout)
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithUserAgent("lxd/6.0"))
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "lxd/6.0 go-alletra/"+Version, req.Header.Get("User-Agent"))
		assert.Equal(t, "application/json", req.Header.Get("Accept"))
		assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
		assert.Equal(t, testKey, req.Header.Get("X-HP3PAR-WSAPI-SessionKey"))
		body := decodeBody(t, req)
		assert.Equal(t, map[string]any{"name": "v1", "cpg": "SSD_r6", "sizeMiB": float64(1024), "tpvv": true}, body)
		return httpmock.NewStringResponse(http.StatusCreated, ""), nil
	})
	require.NoError(t, c.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SizeMiB: 1024}))
	assert.Equal(t, 1, m.GetCallCountInfo()["POST "+testAPI+"/volumes"])
}

func TestMaxInFlightBoundsConcurrency(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithMaxInFlight(3))
	var cur, peak, started atomic.Int32
	entered := make(chan struct{}, 20)
	gate := make(chan struct{})
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v", func(*http.Request) (*http.Response, error) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		entered <- struct{}{}
		<-gate
		cur.Add(-1)
		return httpmock.NewStringResponse(200, `{"name":"v"}`), nil
	})
	done := make(chan error, 20)
	for range 20 {
		go func() {
			started.Add(1)
			_, err := c.Volumes.Get(context.Background(), "v")
			done <- err
		}()
	}
	for range 3 {
		<-entered // the bound is reached
	}
	// Give the other 17, all started, a window to (wrongly) get in too.
	for started.Load() < 20 {
		<-time.After(time.Millisecond)
	}
	<-time.After(20 * time.Millisecond)
	assert.EqualValues(t, 3, cur.Load(), "no request beyond the bound reaches the array")
	close(gate)
	for range 20 {
		require.NoError(t, <-done)
	}
	assert.EqualValues(t, 3, peak.Load(), "the bound is reached and never exceeded")
}

// tlsArray is an httptest TLS server with a self-signed certificate that
// answers login and one volume.
func tlsArray(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/credentials":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"key":"tls-key-secret"}`)
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/volumes/vol1":
			_, _ = io.WriteString(w, `{"name":"vol1","sizeMiB":256}`)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestTLSVerifiedByDefault(t *testing.T) {
	t.Parallel()
	srv := tlsArray(t)
	ctx := context.Background()

	c, err := NewClient(srv.URL, "u", "p", WithRetry(3, 0, 0))
	require.NoError(t, err)
	_, err = c.Volumes.Get(ctx, "vol1")
	require.Error(t, err, "a self-signed certificate must fail by default")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 1, te.Attempts, "certificate errors are not retried")
	c.hc.CloseIdleConnections()

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c, err = NewClient(srv.URL, "u", "p", WithTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	require.NoError(t, err)
	_, err = c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err, "the array's CA makes it work")
	require.NoError(t, c.Close(ctx))

	c, err = NewClient(srv.URL, "u", "p", WithInsecureSkipVerify())
	require.NoError(t, err)
	_, err = c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err, "explicit opt-in skips verification")
	require.NoError(t, c.Close(ctx))
}

func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, m := newMock(t, WithLogger(logger))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", jsonResponder(200, map[string]any{"name": "vol1"}))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/missing", errorResponder(404, CodeNonExistentVolume, "no"))
	m.RegisterResponder(http.MethodDelete, testAPI+"/credentials/"+testKey,
		httpmock.NewErrorResponder(fmt.Errorf("dial tcp: lookup failed for %s", testAPI+"/credentials/"+testKey)))
	ctx := context.Background()
	_, err := c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	_, err = c.Volumes.Get(ctx, "missing")
	require.Error(t, err)
	closeErr := c.Close(ctx)
	require.Error(t, closeErr)

	out := buf.String()
	require.Contains(t, out, "/volumes/vol1", "the log has the requests")
	require.Contains(t, out, "/credentials/REDACTED")
	require.Contains(t, out, `"code":23`, "error answers are logged with their WSAPI code")
	for _, secret := range []string{testPassword, testKey} {
		assert.NotContains(t, out, secret)
		assert.NotContains(t, err.Error(), secret)
		assert.NotContains(t, closeErr.Error(), secret)
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(format, c), secret, format)
			assert.NotContains(t, fmt.Sprintf(format, c.creds), secret, format)
			assert.NotContains(t, fmt.Sprintf(format, c.sess), secret, format)
		}
		b, _ := json.Marshal(c)
		assert.NotContains(t, string(b), secret)
	}
	assert.False(t, strings.Contains(fmt.Sprint(credentialsRequest{User: "u", Password: testPassword}), testPassword))
}

// errTransport is an http.RoundTripper that is not an *http.Transport, as
// otelhttp and test set-ups install.
type errTransport struct{}

func (errTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("unused")
}

// Not parallel: it replaces the process-wide http.DefaultTransport.
func TestNewClientWithReplacedDefaultTransport(t *testing.T) {
	saved := http.DefaultTransport
	http.DefaultTransport = errTransport{}
	defer func() { http.DefaultTransport = saved }()
	assert.NotPanics(t, func() {
		c, err := NewClient("https://array:8080", "u", "p", WithInsecureSkipVerify())
		require.NoError(t, err)
		_, ok := c.hc.Transport.(*http.Transport)
		assert.True(t, ok, "the client builds its own transport")
	})
}

// countingArray is a TLS server answering login, logout, GET
// /volumes/vol1 (200) and GET /volumes/busy (503 code 270), counting the
// TCP connections it accepts.
func countingArray(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/credentials":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"key":"counting-key-secret"}`)
		case r.URL.Path == "/api/v1/volumes/busy":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"code":270,"desc":"busy"}`)
		case r.URL.Path == "/api/v1/volumes/vol1":
			_, _ = io.WriteString(w, `{"name":"vol1","sizeMiB":256}`)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// A retry chain that fails must not close the idle connections every other
// call shares.
func TestFailedRetryChainKeepsThePool(t *testing.T) {
	t.Parallel()
	srv, conns := countingArray(t)
	c, err := NewClient(srv.URL, "u", "p", WithHTTPClient(srv.Client()), WithRetry(2, 0, 0))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	_, err = c.Volumes.Get(ctx, "busy")
	require.ErrorIs(t, err, ErrBusy)
	_, err = c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	assert.EqualValues(t, 1, conns.Load(), "one keep-alive connection for everything")
}

// 64 goroutines on one default client open no more connections than the
// in-flight bound (16): the slot is held until the body is read, and the
// transport opens at most that many.
func TestConnectionsWithinInFlightBound(t *testing.T) {
	t.Parallel()
	srv, conns := countingArray(t)
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c, err := NewClient(srv.URL, "u", "p", WithTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Go(func() {
			for range 30 {
				if _, err := c.Volumes.Get(context.Background(), "vol1"); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, conns.Load(), int32(DefaultMaxInFlight), "new connections")
	require.NoError(t, c.Close(context.Background()))
}

func TestTransportBoundedByMaxInFlight(t *testing.T) {
	t.Parallel()
	c, err := NewClient("https://array", "u", "p", WithMaxInFlight(5))
	require.NoError(t, err)
	assert.Equal(t, 5, c.hc.Transport.(*http.Transport).MaxConnsPerHost, "the client's own transport")

	caller := &http.Transport{}
	c, err = NewClient("https://array", "u", "p", WithMaxInFlight(5), WithHTTPClient(&http.Client{Transport: caller}))
	require.NoError(t, err)
	assert.Equal(t, 5, c.hc.Transport.(*http.Transport).MaxConnsPerHost, "a clone of the caller's")
	assert.Zero(t, caller.MaxConnsPerHost, "the caller's transport is not modified")

	caller = &http.Transport{MaxConnsPerHost: 3}
	c, err = NewClient("https://array", "u", "p", WithHTTPClient(&http.Client{Transport: caller}))
	require.NoError(t, err)
	assert.Equal(t, 3, c.hc.Transport.(*http.Transport).MaxConnsPerHost, "the caller's own limit stands")

	// go-retryablehttp's client cannot close the pool's idle connections.
	_, closer := c.rhc.Transport.(interface{ CloseIdleConnections() })
	assert.False(t, closer)
}
