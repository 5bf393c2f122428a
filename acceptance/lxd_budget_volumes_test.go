package acceptance_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// Request budgets of LXD's volume flows (canonical/lxd's alletra driver), counted
// with the simulator's request log: what LXD's own client sends is the
// most the SDK may send for the same flow.
//
// LXD's SetVolumeQuota on a filesystem volume (driver_alletra_volumes.go):
// GetVolume (GET), GrowVolume (PUT, the delta), then getMappedDevPath: map
// (GET /hosts, POST /hosts, GET /vluns?query, POST /vluns, GET /ports) and
// GetVolume for the NGUID, resize the file system, and the clean-up unmap
// (GET /hosts, GET /vluns, DELETE /vluns, GET /vluns, DELETE /hosts).
// That is 15 requests.
const (
	lxdResizeBudget = 15
	lxdCreateBudget = 2 // POST /volumes, PUT /volumesets/{pool}
	lxdDeleteBudget = 2 // PUT /volumesets/{pool} (remove), DELETE /volumes/{name}?cascade=true
)

// budgetMap and budgetUnmap are the map and clean-up unmap of LXD's resize
// (getMappedDevPath, its revert hook), with the SDK's composite calls.
func budgetMap(t *testing.T, ctx context.Context, c *alletra.Client, vol string) {
	t.Helper()
	_, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: vol, Host: "node1-nvme-tcp", Initiator: mapNQN1, Targets: true})
	require.NoError(t, err)
}

func budgetUnmap(t *testing.T, ctx context.Context, c *alletra.Client, vol string) {
	t.Helper()
	_, err := c.VLUNs.Unmap(ctx, vol, mapNQN1)
	require.NoError(t, err)
}

// budgetArray is a logged-in client on a simulator with LXD's pool.
func budgetArray(t *testing.T) (*alletratest.Server, *alletra.Client, context.Context) {
	t.Helper()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	require.NoError(t, createPool(ctx, c, flowPool)) // and the login
	return srv, c, ctx
}

// volumeRequests counts the requests on /api/v1/volumes/{name}.
func volumeRequests(srv *alletratest.Server) map[string]int {
	return map[string]int{
		"GET": srv.Requests(http.MethodGet, "/api/v1/volumes/{name}"),
		"PUT": srv.Requests(http.MethodPut, "/api/v1/volumes/{name}"),
	}
}

func TestLXDBudgetCreateAndDeleteInSet(t *testing.T) {
	t.Parallel()
	srv, c, ctx := budgetArray(t)
	vol := flowVol(t, 200, false)
	n := roundTrips(t, srv, func() {
		require.NoError(t, c.Volumes.CreateInSet(ctx, flowPool,
			&alletra.VolumeCreateRequest{Name: vol, CPG: flowCPG, SizeBytes: 10 << 30})) // LXD's default 10GiB
	})
	assert.LessOrEqual(t, n, lxdCreateBudget, "create in the pool")
	t.Logf("create in a set: %d requests (LXD %d)", n, lxdCreateBudget)
	require.NoError(t, c.Snapshots.Create(ctx, vol, &alletra.SnapshotCreateRequest{Name: flowVol(t, 201, true)}))
	n = roundTrips(t, srv, func() { require.NoError(t, c.Volumes.DeleteFromSet(ctx, flowPool, vol)) })
	assert.LessOrEqual(t, n, lxdDeleteBudget, "leave the pool, delete with the snapshot")
	t.Logf("delete from a set with a snapshot: %d requests (LXD %d)", n, lxdDeleteBudget)
	assert.Empty(t, srv.Volumes())
	closeFlow(t, srv, c)
}

// LXD's resize with the SDK: the driver reads the volume (its no-op and
// shrink checks, and the NGUID for the device path, which a grow does not
// change), hands the size to Resize, and needs no size read back (it waits
// for the device to reach its own target).
func TestLXDBudgetResize(t *testing.T) {
	t.Parallel()
	srv, c, ctx := budgetArray(t)
	vol := flowVol(t, 210, false)
	require.NoError(t, createVolume(ctx, c, flowPool, vol, 1024))

	before := volumeRequests(srv)
	n := roundTrips(t, srv, func() {
		v, err := c.Volumes.Get(ctx, vol) // LXD's GetVolume
		require.NoError(t, err)
		r, err := c.Volumes.ResizeBytes(ctx, vol, 1536<<20, &alletra.ResizeOptions{CurrentMiB: v.SizeMiB})
		require.NoError(t, err)
		require.True(t, r.Grown)
		require.Len(t, v.NGUID, 32, "the device path's NGUID comes from the same read")
		budgetMap(t, ctx, c, vol)
		budgetUnmap(t, ctx, c, vol)
	})
	after := volumeRequests(srv)
	assert.Equal(t, 1, after["GET"]-before["GET"], "one read of the volume: the caller's")
	assert.Equal(t, 1, after["PUT"]-before["PUT"], "one grow")
	assert.LessOrEqual(t, n, lxdResizeBudget, "LXD's resize")
	t.Logf("resize (read, grow, map, unmap): %d requests (LXD %d)", n, lxdResizeBudget)
	st, _ := srv.Volume(vol)
	assert.EqualValues(t, 1536, st.SizeMiB)
	closeFlow(t, srv, c)
}

// The safety checks stay on at that cost. Rounding: a target inside the
// volume's 256 MiB step sends nothing; one past it grows by whole steps.
func TestLXDBudgetResizeRounds(t *testing.T) {
	t.Parallel()
	srv, c, ctx := budgetArray(t)
	vol := flowVol(t, 220, false)
	require.NoError(t, createVolume(ctx, c, flowPool, vol, 1280))
	n := roundTrips(t, srv, func() {
		r, err := c.Volumes.ResizeBytes(ctx, vol, 1100<<20, &alletra.ResizeOptions{CurrentMiB: 1280})
		require.NoError(t, err)
		assert.Equal(t, alletra.ResizeResult{FromMiB: 1280, SizeMiB: 1280}, r)
	})
	assert.Zero(t, n, "nothing to grow, nothing sent")
	n = roundTrips(t, srv, func() {
		r, err := c.Volumes.ResizeBytes(ctx, vol, 1300<<20, &alletra.ResizeOptions{CurrentMiB: 1280})
		require.NoError(t, err)
		assert.EqualValues(t, 256, r.ByMiB, "1300 MiB rounds to 1536: a grow of 256")
	})
	assert.Equal(t, 1, n)
	st, _ := srv.Volume(vol)
	assert.EqualValues(t, 1536, st.SizeMiB)
	closeFlow(t, srv, c)
}

// No shrink: refused before any request.
func TestLXDBudgetResizeNoShrink(t *testing.T) {
	t.Parallel()
	srv, c, ctx := budgetArray(t)
	vol := flowVol(t, 230, false)
	require.NoError(t, createVolume(ctx, c, flowPool, vol, 2048))
	n := roundTrips(t, srv, func() {
		_, err := c.Volumes.ResizeBytes(ctx, vol, 1<<30, &alletra.ResizeOptions{CurrentMiB: 2048})
		require.ErrorIs(t, err, alletra.ErrCannotShrink)
	})
	assert.Zero(t, n)
	st, _ := srv.Volume(vol)
	assert.EqualValues(t, 2048, st.SizeMiB)
	closeFlow(t, srv, c)
}

// Not-found precision: a volume deleted after the caller's read is
// ErrNotFound from the grow itself (404, code 23), not an unknown outcome;
// without the caller's size, from the read.
func TestLXDBudgetResizeNotFound(t *testing.T) {
	t.Parallel()
	srv, c, ctx := budgetArray(t)
	vol := flowVol(t, 240, false)
	require.NoError(t, createVolume(ctx, c, flowPool, vol, 1024))
	v, err := c.Volumes.Get(ctx, vol)
	require.NoError(t, err)
	require.NoError(t, c.Volumes.DeleteFromSet(ctx, flowPool, vol)) // another node deletes it
	n := roundTrips(t, srv, func() {
		_, err := c.Volumes.Resize(ctx, vol, 2048, &alletra.ResizeOptions{CurrentMiB: v.SizeMiB})
		require.ErrorIs(t, err, alletra.ErrNotFound)
		assert.NotErrorIs(t, err, alletra.ErrGrowPending)
		var apiErr *alletra.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, alletra.CodeNonExistentVolume, apiErr.Code)
	})
	assert.Equal(t, 1, n, "the grow, answered 404")
	n = roundTrips(t, srv, func() {
		_, err := c.Volumes.Resize(ctx, vol, 2048, nil)
		require.ErrorIs(t, err, alletra.ErrNotFound)
	})
	assert.Equal(t, 1, n, "the read, answered 404")
	closeFlow(t, srv, c)
}
