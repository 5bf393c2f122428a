package alletratest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func TestClientCreatesVolume(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	t.Cleanup(func() { _ = c.Close(ctx) })

	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1000}))
	v, err := c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	assert.Equal(t, "vol1", v.Name)
	assert.EqualValues(t, 1024, v.SizeMiB)

	st, ok := srv.Volume("vol1")
	require.True(t, ok)
	assert.Equal(t, st.WWN, v.WWN)
	assert.Equal(t, 1, srv.Stats().Logins)
	require.NoError(t, c.Close(ctx))
	assert.Equal(t, 0, srv.Sessions())
}

// Client retries with millisecond waits: four busy answers in a row cost
// milliseconds. With a default client's waits (at least 250 ms, 500 ms, 1 s
// and 2 s after jitter) the 3 s deadline would expire first.
func TestClientRetriesFast(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	require.NoError(t, srv.InjectFault("POST", "/api/v1/volumes",
		alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: alletra.CodeSystemBusy, Times: alletra.DefaultMaxRetries}))
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 256}))
	assert.Equal(t, alletra.DefaultMaxRetries+1, srv.Requests("POST", "/api/v1/volumes"))
}

// The caller's WithRetry replaces the test waits.
func TestClientCallerRetryWins(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client(alletra.WithRetry(0, time.Hour, time.Hour))
	require.NoError(t, err)
	ctx := context.Background()
	t.Cleanup(func() { _ = c.Close(ctx) })
	require.NoError(t, srv.InjectFault("POST", "/api/v1/volumes",
		alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: alletra.CodeSystemBusy}))
	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 256})
	assert.ErrorIs(t, err, alletra.ErrBusy)
	assert.Equal(t, 1, srv.Requests("POST", "/api/v1/volumes"), "no retry")
}
