package alletra

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
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
	_, err = NewClient("https://array", "u", "p", WithHTTPClient(&http.Client{Transport: newStrictTransport(t)}), WithInsecureSkipVerify())
	require.ErrorIs(t, err, ErrInvalidInput, "TLS options need an *http.Transport")
}

func TestNewClientDoesNoIO(t *testing.T) {
	t.Parallel()
	m := newStrictTransport(t) // any request fails the test
	_, err := NewClient(testEndpoint, testUser, testPassword, WithHTTPClient(&http.Client{Transport: m}))
	require.NoError(t, err)
	assert.Zero(t, m.GetTotalCallCount(), "the strict transport counts unmatched requests too")
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

	// One go-retryablehttp client, built with the Client, sends through the Client's own HTTP client.
	assert.Same(t, c.hc, c.rc.HTTPClient)
}
