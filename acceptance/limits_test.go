package acceptance_test

import (
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// The array's hard limits answer 503 with a number the SDK has no constant
// for (the simulator's placeholder): the client sends such a create once,
// and the error matches ErrLimitReached, not ErrBusy (issue 19).
func TestHardLimitsAreSentOnceAndTyped(t *testing.T) {
	t.Parallel()
	log := &requestLog{}
	srv := alletratest.NewTestServer(t, alletratest.WithMaxVolumes(1), alletratest.WithMaxSnapshots(1),
		alletratest.WithRequestLog(slog.New(log)))
	c := flowClient(t, srv)
	ctx := flowCtx(t)

	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SizeMiB: 1024}))
	require.NoError(t, c.Snapshots.Create(ctx, "v1", &alletra.SnapshotCreateRequest{Name: "s1"}))
	log.take()

	err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "v2", CPG: "SSD_r6", SizeMiB: 1024})
	require.ErrorIs(t, err, alletra.ErrLimitReached, "VV_LIMIT_REACHED")
	assert.NotErrorIs(t, err, alletra.ErrBusy)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, []string{"POST /api/v1/volumes"}, log.take(), "a hard limit is not retried as load")

	err = c.Snapshots.Create(ctx, "v1", &alletra.SnapshotCreateRequest{Name: "s2"})
	require.ErrorIs(t, err, alletra.ErrLimitReached, "SNAPSHOT_LIMIT_REACHED")
	assert.NotErrorIs(t, err, alletra.ErrBusy)
	assert.Equal(t, []string{"POST /api/v1/volumes/v1"}, log.take())
	closeFlow(t, srv, c)
}
