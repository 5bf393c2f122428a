package acceptance_test

import (
	"crypto/tls"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// A retry chain that fails must not close the idle connections every other
// call shares.
func TestFailedRetryChainKeepsThePool(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	c := flowClient(t, srv, alletra.WithRetry(2, 0, 0))
	ctx := flowCtx(t)
	_, err := c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	require.NoError(t, srv.InjectFault("GET", "/api/v1/volumes/{name}",
		alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: alletra.CodeSystemBusy, Times: 3}))
	_, err = c.Volumes.Get(ctx, "vol1")
	require.ErrorIs(t, err, alletra.ErrBusy)
	_, err = c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Stats().Connections, "one keep-alive connection for everything")
	closeFlow(t, srv, c)
}

// 64 goroutines on one default client open no more connections than the
// in-flight bound (16): the slot is held until the body is read, and the
// transport opens at most that many.
func TestConnectionsWithinInFlightBound(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(),
		alletra.WithTLSConfig(&tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}))
	require.NoError(t, err)
	ctx := flowCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Go(func() {
			for range 30 {
				if _, err := c.Volumes.Get(ctx, "vol1"); err != nil {
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
	// At most the in-flight bound open at once. The total accepted may pass
	// it by a few: under CPU starvation net/http drops a keep-alive
	// connection whose request write it has not seen confirmed within 50 ms
	// of the answer (transport.go, maxWriteWaitBeforeConnReuse) and dials
	// anew; 1,920 requests without reuse would open hundreds.
	st := srv.Stats()
	assert.LessOrEqual(t, st.MaxOpenConnections, alletra.DefaultMaxInFlight, "connections open at once")
	assert.LessOrEqual(t, st.Connections, 2*alletra.DefaultMaxInFlight, "connections are reused")
	closeFlow(t, srv, c)
}
