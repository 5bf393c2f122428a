package acceptance_test

import (
	"context"
	"crypto/tls"
	"fmt"
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

func TestSharedClientsOnePerIdentity(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	hc := srv.HTTPClient()
	var shared alletra.SharedClients
	ctx := context.Background()
	config := func(endpoint, password string, opts ...alletra.Option) alletra.SharedConfig {
		t.Helper()
		cfg, err := alletra.NewSharedConfig(endpoint, srv.Username(), password, append([]alletra.Option{alletra.WithHTTPClient(hc)}, opts...)...)
		require.NoError(t, err)
		return cfg
	}
	// Checked once, where the caller checks its configuration ...
	cfgA := config(srv.URL, srv.Password())
	cfgB := config(srv.URL+"/api/v1/", srv.Password())
	cfgOther := config(srv.URL, "another-password")
	cfgInsecure := config(srv.URL, srv.Password(), alletra.WithInsecureSkipVerify())
	ca := &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}
	cfgCA := config(srv.URL, srv.Password(), alletra.WithTLSConfig(ca))
	cfgCA2 := config(srv.URL, srv.Password(), alletra.WithTLSConfig(ca.Clone()))

	// ... then every use site acquires without an error to check.
	a, releaseA := shared.Acquire(cfgA)
	b, releaseB := shared.Acquire(cfgB)
	assert.Same(t, a, b, "the same endpoint (normalised), credentials and TLS share one Client")
	a2, releaseA2 := shared.Acquire(cfgA)
	assert.Same(t, a, a2, "the same config again: the same Client")
	other, releaseOther := shared.Acquire(cfgOther)
	assert.NotSame(t, a, other, "other credentials, another Client")
	insecure, releaseInsecure := shared.Acquire(cfgInsecure)
	assert.NotSame(t, a, insecure, "other TLS settings, another Client")
	withCA, releaseCA := shared.Acquire(cfgCA)
	withCA2, releaseCA2 := shared.Acquire(cfgCA2)
	assert.Same(t, withCA, withCA2, "equal TLS configs share")
	assert.NotSame(t, a, withCA)
	assert.Equal(t, 4, shared.Len())

	// No secret shows when the values or a Client are printed or logged.
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", cfgOther, "shared", &shared)
	for _, s := range []string{
		fmt.Sprintf("%v", &shared), fmt.Sprintf("%+v", &shared), fmt.Sprintf("%#v", &shared), fmt.Sprint(a),
		fmt.Sprintf("%v", cfgOther), fmt.Sprintf("%+v", cfgOther), fmt.Sprintf("%#v", cfgOther), cfgA.String(),
		fmt.Sprintf("%v", []alletra.SharedConfig{cfgA, cfgOther}), logged.String(),
	} {
		assert.NotContains(t, s, srv.Password())
		assert.NotContains(t, s, "another-password")
	}
	assert.Contains(t, cfgA.String(), srv.Username())

	_, err := a.Volumes.List(ctx, nil)
	require.NoError(t, err)
	_, err = b.System.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Stats().Logins, "one session for both users")

	require.NoError(t, releaseA(ctx))
	require.NoError(t, releaseA(ctx), "a second release does nothing")
	require.NoError(t, releaseA2(ctx))
	assert.Equal(t, 1, srv.Sessions(), "b still uses the Client")
	require.NoError(t, releaseB(ctx))
	assert.Equal(t, 0, srv.Sessions(), "the last release logs out")
	assert.Equal(t, 1, srv.Stats().Logouts)
	for _, r := range []func(context.Context) error{releaseOther, releaseInsecure, releaseCA, releaseCA2} {
		require.NoError(t, r(ctx))
	}
	assert.Zero(t, shared.Len())

	// After the last release, the next user gets a new Client.
	c, release := shared.Acquire(cfgA)
	assert.NotSame(t, a, c)
	require.NoError(t, release(ctx))
}

func TestSharedClientsConcurrentUsers(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	var shared alletra.SharedClients
	cfg, err := alletra.NewSharedConfig(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, release := shared.Acquire(cfg)
			_, err := c.Volumes.List(ctx, nil)
			assert.NoError(t, err)
			assert.NoError(t, release(ctx))
		}()
	}
	wg.Wait()
	assert.Zero(t, shared.Len())
	assert.Zero(t, srv.Sessions(), "every session logged out at the end")
}

// Every error NewClient would give comes from NewSharedConfig, before any
// client exists.
func TestNewSharedConfigRefusesBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		endpoint, user, password string
		opts                     []alletra.Option
	}{
		{"", "u", "p", nil},
		{"ftp://array", "u", "p", nil},
		{"https://array", "", "p", nil},
		{"https://array", "u", "", nil},
		{"https://array", "u", "p", []alletra.Option{nil}},
		{"https://array", "u", "p", []alletra.Option{alletra.WithHTTPClient(nil)}},
		{"https://array", "u", "p", []alletra.Option{alletra.WithSessions(0)}},
		// A transport TLS options cannot reach: NewClient's own refusal.
		{"https://array", "u", "p", []alletra.Option{alletra.WithHTTPClient(&http.Client{Transport: roundTripFunc(nil)}), alletra.WithInsecureSkipVerify()}},
	} {
		cfg, err := alletra.NewSharedConfig(tc.endpoint, tc.user, tc.password, tc.opts...)
		require.ErrorIs(t, err, alletra.ErrInvalidInput, "%+v", tc)
		assert.Equal(t, alletra.SharedConfig{}, cfg)
	}
	var shared alletra.SharedClients
	assert.PanicsWithValue(t, "alletra: SharedClients.Acquire: SharedConfig not made by NewSharedConfig",
		func() { shared.Acquire(alletra.SharedConfig{}) }, "the zero SharedConfig is a programming error")
	assert.Zero(t, shared.Len())
}

// roundTripFunc is an http.RoundTripper that is not an *http.Transport.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A SharedConfig keeps what it checked: a caller that changes its
// *http.Client or *tls.Config afterwards (here into a transport TLS options
// cannot reach, which NewClient refuses) neither breaks Acquire nor changes
// the clients it gives.
func TestSharedConfigFrozenAtCheck(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	hc := srv.HTTPClient()
	ca := &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}
	cfg, err := alletra.NewSharedConfig(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(hc), alletra.WithTLSConfig(ca))
	require.NoError(t, err)

	hc.Transport = roundTripFunc(func(*http.Request) (*http.Response, error) { panic("the caller's changed transport was used") })
	ca.RootCAs = nil
	ca.InsecureSkipVerify = true
	_, err = alletra.NewClient(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(hc), alletra.WithTLSConfig(ca))
	require.ErrorIs(t, err, alletra.ErrInvalidInput, "NewClient refuses the changed HTTP client")

	var shared alletra.SharedClients
	c, release := shared.Acquire(cfg)
	_, err = c.System.Get(context.Background())
	require.NoError(t, err, "the client uses the transport and CA pool as they were checked")
	require.NoError(t, release(context.Background()))
}
