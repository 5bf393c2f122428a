package alletra_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// A restore refused because the parent grew: the way out Restore's doc
// gives (copy the snapshot into a new volume, swap the names) works, and the
// parent is untouched until the swap.
func TestSnapshotsRestoreAfterParentGrewByCopy(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-A", CPG: flowCPG, SizeMiB: 1024}))
	require.NoError(t, srv.WriteContent("c-A", "S"))
	require.NoError(t, c.Snapshots.Create(ctx, "c-A", &alletra.SnapshotCreateRequest{Name: "sc-S"}))
	require.NoError(t, srv.WriteContent("c-A", "A2"))
	_, err := c.Volumes.ResizeTo(ctx, "c-A", 2048)
	require.NoError(t, err)

	require.ErrorIs(t, c.Snapshots.Restore(ctx, "sc-S"), alletra.ErrParentGrown)

	snap, err := c.Volumes.Get(ctx, "sc-S")
	require.NoError(t, err)
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-A-restored", CPG: flowCPG, SizeMiB: snap.SizeMiB}))
	_, err = c.Snapshots.Copy(ctx, "sc-S", "c-A-restored", &alletra.PhysicalCopyOptions{SrcSizeMiB: snap.SizeMiB, DestSizeMiB: snap.SizeMiB})
	require.NoError(t, err)
	got, err := srv.Content("c-A-restored")
	require.NoError(t, err)
	assert.Equal(t, "S", got, "the snapshot's data")
	got, err = srv.Content("c-A")
	require.NoError(t, err)
	assert.Equal(t, "A2", got, "the parent is untouched")

	// Swap the names: the restored copy takes the parent's place.
	require.NoError(t, c.Volumes.Update(ctx, "c-A", &alletra.VolumeUpdateRequest{NewName: "c-A-old"}))
	require.NoError(t, c.Volumes.Update(ctx, "c-A-restored", &alletra.VolumeUpdateRequest{NewName: "c-A"}))
	got, err = srv.Content("c-A")
	require.NoError(t, err)
	assert.Equal(t, "S", got)
	closeFlow(t, srv, c)
}

// LXD's CreateVolumeFromCopy with one snapshot: the driver has read the
// source and made the destination, so it passes their sizes and Copy reads
// neither volume again (before, each copy read both: 4 GETs here).
func TestSnapshotsCopyChainReadsOnce(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-A", CPG: flowCPG, SizeMiB: 1024}))
	require.NoError(t, c.Snapshots.Create(ctx, "c-A", &alletra.SnapshotCreateRequest{Name: "sc-S1"}))

	gets := func() int { return srv.Requests("GET", "/api/v1/volumes/{name}") }
	before := gets()
	src, err := c.Volumes.Get(ctx, "c-A") // the driver's one read of the source
	require.NoError(t, err)
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-B", CPG: flowCPG, SizeMiB: src.SizeMiB}))
	known := &alletra.PhysicalCopyOptions{SrcSizeMiB: src.SizeMiB, DestSizeMiB: src.SizeMiB}
	_, err = c.Snapshots.Copy(ctx, "sc-S1", "c-B", known)
	require.NoError(t, err)
	require.NoError(t, c.Snapshots.Create(ctx, "c-B", &alletra.SnapshotCreateRequest{Name: "sc-D1"}))
	_, err = c.Snapshots.Copy(ctx, "c-A", "c-B", known)
	require.NoError(t, err)
	assert.Equal(t, 1, gets()-before, "only the driver's own read of the source")
	closeFlow(t, srv, c)
}
