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

// Issue 18: LXD's "create a volume in its pool" and "take it out of its pool
// and delete it with its snapshots" are one call each, two requests each.
func TestVolumesCreateInSetAndDeleteFromSet(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	require.NoError(t, createPool(ctx, c, flowPool))

	n := roundTrips(t, srv, func() {
		require.NoError(t, c.Volumes.CreateInSet(ctx, flowPool,
			&alletra.VolumeCreateRequest{Name: "c-set", CPG: flowCPG, SizeBytes: 1_000_000_000}))
	})
	assert.Equal(t, 2, n, "POST /volumes, PUT /volumesets/{name}")
	v, ok := srv.Volume("c-set")
	require.True(t, ok)
	assert.EqualValues(t, 1024, v.SizeMiB, "1 GB in bytes, rounded up to 256 MiB")
	set, ok := srv.VolumeSet(flowPool)
	require.True(t, ok)
	assert.Equal(t, []string{"c-set"}, set.Members)

	// Someone else's volume of that name: nothing changes.
	err := c.Volumes.CreateInSet(ctx, flowPool, &alletra.VolumeCreateRequest{Name: "c-set", CPG: flowCPG, SizeMiB: 4096})
	require.ErrorIs(t, err, alletra.ErrAlreadyExists)
	v, _ = srv.Volume("c-set")
	assert.EqualValues(t, 1024, v.SizeMiB)

	for _, s := range []string{"sc-set1", "sc-set2"} {
		require.NoError(t, c.Snapshots.Create(ctx, "c-set", &alletra.SnapshotCreateRequest{Name: s}))
	}
	// Why the order matters: the array refuses to delete a volume in a set.
	err = c.Volumes.Delete(ctx, "c-set")
	require.ErrorIs(t, err, alletra.ErrInUse)

	n = roundTrips(t, srv, func() { require.NoError(t, c.Volumes.DeleteFromSet(ctx, flowPool, "c-set")) })
	assert.Equal(t, 2, n, "PUT /volumesets/{name}, DELETE /volumes/{name}?cascade=true")
	assert.Empty(t, srv.Volumes(), "the volume and its snapshots are gone")
	set, _ = srv.VolumeSet(flowPool)
	assert.Empty(t, set.Members)

	// Tearing down again: the volume is not found, the set is fine.
	err = c.Volumes.DeleteFromSet(ctx, flowPool, "c-set")
	require.ErrorIs(t, err, alletra.ErrNotFound)
	// A volume in no set, or a set that is gone, is deleted all the same.
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-free", CPG: flowCPG, SizeMiB: 256}))
	require.NoError(t, c.Volumes.DeleteFromSet(ctx, "no-such-set", "c-free"))
	assert.Empty(t, srv.Volumes())
	closeFlow(t, srv, c)
}

// All or nothing: when the volume cannot join its set, it is deleted again;
// when that fails too, a *VolumeLeftError names what is left.
func TestVolumesCreateInSetUndoes(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)

	err := c.Volumes.CreateInSet(ctx, "no-such-set", &alletra.VolumeCreateRequest{Name: "c-undo", CPG: flowCPG, SizeMiB: 256})
	require.ErrorIs(t, err, alletra.ErrNotFound, "the set does not exist")
	var left *alletra.VolumeLeftError
	assert.NotErrorAs(t, err, &left)
	assert.Empty(t, srv.Volumes(), "the volume was deleted again")

	require.NoError(t, srv.InjectFault(http.MethodDelete, "/api/v1/volumes/{name}",
		alletratest.Fault{Kind: alletratest.FaultStatus, Status: http.StatusForbidden, Code: alletra.CodePermissionDenied}))
	err = c.Volumes.CreateInSet(ctx, "no-such-set", &alletra.VolumeCreateRequest{Name: "c-undo", CPG: flowCPG, SizeMiB: 256})
	require.ErrorAs(t, err, &left)
	assert.Equal(t, "c-undo", left.Volume)
	assert.ErrorIs(t, err, alletra.ErrNotFound, "the add's failure")
	_, ok := srv.Volume("c-undo")
	assert.True(t, ok, "left on the array, as the error says")
	srv.ClearFaults()
	require.NoError(t, c.Volumes.Delete(context.Background(), "c-undo"))
	closeFlow(t, srv, c)
}
