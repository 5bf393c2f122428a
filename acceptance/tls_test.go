package acceptance_test

import (
	"crypto/tls"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// The simulator serves TLS with a self-signed certificate: the client
// refuses it by default, trusts it through WithTLSConfig, and skips the
// check only when asked to.
func TestTLSVerifiedByDefault(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	ctx := flowCtx(t)

	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(), alletra.WithRetry(3, 0, 0))
	require.NoError(t, err)
	_, err = c.System.Get(ctx)
	require.Error(t, err, "a self-signed certificate must fail by default")
	var te *alletra.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 1, te.Attempts, "certificate errors are not retried")
	require.NoError(t, c.Close(ctx))
	assert.Zero(t, srv.Stats().Logins)

	c, err = alletra.NewClient(srv.URL, srv.Username(), srv.Password(),
		alletra.WithTLSConfig(&tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}))
	require.NoError(t, err)
	_, err = c.System.Get(ctx)
	require.NoError(t, err, "the array's CA makes it work")
	require.NoError(t, c.Close(ctx))

	c, err = alletra.NewClient(srv.URL, srv.Username(), srv.Password(), alletra.WithInsecureSkipVerify())
	require.NoError(t, err)
	_, err = c.System.Get(ctx)
	require.NoError(t, err, "explicit opt-in skips verification")
	closeFlow(t, srv, c)
}
