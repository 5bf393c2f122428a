package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openalletra/go-alletra/alletratest"
)

func TestRootOf(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "https://a:8080", rootOf("https://a:8080/api/v1"))
	assert.Equal(t, "https://a/gw", rootOf("https://a/gw/api/v1/"))
}

func TestRawClientSession(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	hc := srv.HTTPClient()
	defer hc.CloseIdleConnections()
	r := newRawClient(hc, srv.URL, srv.Username(), srv.Password())
	ctx := context.Background()
	require.NoError(t, r.login(ctx))
	assert.Equal(t, 1, srv.Sessions())
	err := r.do(ctx, "GET", "/api/v1/volumes/nope")
	var se *rawStatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, rawStatusError{404, 23}, *se)
	key := r.key
	require.NotEmpty(t, key)
	assert.NotContains(t, err.Error(), key)
	require.NoError(t, r.logout(ctx))
	assert.Zero(t, srv.Sessions())
	assert.Empty(t, r.key)
	require.NoError(t, r.logout(ctx), "no key: nothing to do")

	bad := newRawClient(hc, srv.URL, srv.Username(), "wrong")
	err = bad.login(ctx)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, rawStatusError{403, 5}, *se)
	assert.NotContains(t, err.Error(), "wrong")
}

func TestRawClientTransportErrorHidesTheURL(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewServer()
	hc := srv.HTTPClient()
	url := srv.URL
	srv.Close()
	r := &rawClient{hc: hc, root: url, key: "0-secret"}
	err := r.do(context.Background(), "DELETE", "/api/v1/credentials/0-secret")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "0-secret")
	assert.NotContains(t, err.Error(), url)
	hc.CloseIdleConnections()
}

func TestRawClientNeverFollowsARedirect(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	hc := redirect.Client()
	r := newRawClient(hc, redirect.URL, "u", "p")
	err := r.login(context.Background())
	require.Error(t, err)
	assert.Zero(t, elsewhere.Load(), "the password went to the redirect's target")
	hc.CloseIdleConnections()
}
