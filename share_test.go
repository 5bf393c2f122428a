package alletra_test

import (
	"context"
	"crypto/tls"
	"fmt"
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
	acquire := func(endpoint, password string, opts ...alletra.Option) (*alletra.Client, func(context.Context) error) {
		t.Helper()
		c, release, err := shared.Acquire(endpoint, srv.Username(), password, append([]alletra.Option{alletra.WithHTTPClient(hc)}, opts...)...)
		require.NoError(t, err)
		return c, release
	}
	a, releaseA := acquire(srv.URL, srv.Password())
	b, releaseB := acquire(srv.URL+"/api/v1/", srv.Password())
	assert.Same(t, a, b, "the same endpoint (normalised), credentials and TLS share one Client")
	other, releaseOther := acquire(srv.URL, "another-password")
	assert.NotSame(t, a, other, "other credentials, another Client")
	insecure, releaseInsecure := acquire(srv.URL, srv.Password(), alletra.WithInsecureSkipVerify())
	assert.NotSame(t, a, insecure, "other TLS settings, another Client")
	ca := &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}
	withCA, releaseCA := acquire(srv.URL, srv.Password(), alletra.WithTLSConfig(ca))
	withCA2, releaseCA2 := acquire(srv.URL, srv.Password(), alletra.WithTLSConfig(ca.Clone()))
	assert.Same(t, withCA, withCA2, "equal TLS configs share")
	assert.NotSame(t, a, withCA)
	assert.Equal(t, 4, shared.Len())

	// No secret shows when the value or a Client is printed.
	for _, s := range []string{fmt.Sprintf("%v", &shared), fmt.Sprintf("%+v", &shared), fmt.Sprintf("%#v", &shared), fmt.Sprint(a)} {
		assert.NotContains(t, s, srv.Password())
		assert.NotContains(t, s, "another-password")
	}

	_, err := a.Volumes.List(ctx, nil)
	require.NoError(t, err)
	_, err = b.System.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Stats().Logins, "one session for both users")

	require.NoError(t, releaseA(ctx))
	require.NoError(t, releaseA(ctx), "a second release does nothing")
	assert.Equal(t, 1, srv.Sessions(), "b still uses the Client")
	require.NoError(t, releaseB(ctx))
	assert.Equal(t, 0, srv.Sessions(), "the last release logs out")
	assert.Equal(t, 1, srv.Stats().Logouts)
	for _, r := range []func(context.Context) error{releaseOther, releaseInsecure, releaseCA, releaseCA2} {
		require.NoError(t, r(ctx))
	}
	assert.Zero(t, shared.Len())

	// After the last release, the next user gets a new Client.
	c, release := acquire(srv.URL, srv.Password())
	assert.NotSame(t, a, c)
	require.NoError(t, release(ctx))
}

func TestSharedClientsConcurrentUsers(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	hc := srv.HTTPClient()
	var shared alletra.SharedClients
	ctx := context.Background()
	var wg sync.WaitGroup
	clients := make([]*alletra.Client, 16)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, release, err := shared.Acquire(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(hc))
			if !assert.NoError(t, err) {
				return
			}
			clients[i] = c
			_, err = c.Volumes.List(ctx, nil)
			assert.NoError(t, err)
			assert.NoError(t, release(ctx))
		}()
	}
	wg.Wait()
	assert.Zero(t, shared.Len())
	assert.Zero(t, srv.Sessions(), "every session logged out at the end")
}

func TestSharedClientsRefusesBadInput(t *testing.T) {
	t.Parallel()
	var shared alletra.SharedClients
	for _, tc := range []struct {
		endpoint, user, password string
		opts                     []alletra.Option
	}{
		{"", "u", "p", nil},
		{"https://array", "", "p", nil},
		{"https://array", "u", "", nil},
		{"https://array", "u", "p", []alletra.Option{nil}},
		{"https://array", "u", "p", []alletra.Option{alletra.WithHTTPClient(nil)}},
	} {
		_, _, err := shared.Acquire(tc.endpoint, tc.user, tc.password, tc.opts...)
		require.ErrorIs(t, err, alletra.ErrInvalidInput)
	}
	assert.Zero(t, shared.Len())
}
