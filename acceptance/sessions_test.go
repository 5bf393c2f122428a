package acceptance_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// getVol1Concurrently runs n Volumes.Get of vol1 at once and fails on any error.
func getVol1Concurrently(t *testing.T, c *alletra.Client, n int) {
	t.Helper()
	ctx := flowCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			_, err := c.Volumes.Get(ctx, "vol1")
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

// sessionServer is a simulator holding vol1, with its counters reset.
func sessionServer(t *testing.T) *alletratest.Server {
	t.Helper()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, c.Volumes.Create(flowCtx(t), &alletra.VolumeCreateRequest{Name: "vol1", CPG: flowCPG, SizeMiB: 1024}))
	closeFlow(t, srv, c)
	srv.ResetStats()
	return srv
}

func TestSessionsExpiredKeyReloginOnce(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	c := flowClient(t, srv, alletra.WithMaxInFlight(64))
	getVol1Concurrently(t, c, 1)
	srv.ExpireSessions()
	getVol1Concurrently(t, c, 64)
	assert.Equal(t, 2, srv.Stats().Logins, "one login, then exactly one re-login after expiry")
	gets := srv.Requests("GET", "/api/v1/volumes/{name}")
	assert.LessOrEqual(t, gets, 1+64+64, "each request replayed at most once")
	assert.GreaterOrEqual(t, gets, 1+64+1)
	closeFlow(t, srv, c)
}

func TestSessionsCloseLogsOutOnceAndClientLogsInAgain(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	c := flowClient(t, srv, alletra.WithMaxInFlight(8))
	ctx := flowCtx(t)
	getVol1Concurrently(t, c, 8)
	require.Equal(t, 1, srv.Sessions())
	require.NoError(t, c.Close(ctx))
	require.NoError(t, c.Close(ctx), "a second Close has nothing to do")
	assert.Equal(t, 1, srv.Stats().Logouts)
	assert.Equal(t, 0, srv.Sessions())

	getVol1Concurrently(t, c, 1)
	assert.Equal(t, 2, srv.Stats().Logins, "a closed client logs in again on its next call")
	closeFlow(t, srv, c)
	assert.Equal(t, 2, srv.Stats().Logouts)
}
