package alletra_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// cascadeFixture makes c-A with snapshots sc-1 and sc-2, and sc-1 with a
// snapshot of its own, sc-11.
func cascadeFixture(t *testing.T, ctx context.Context, c *alletra.Client) {
	t.Helper()
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-A", CPG: flowCPG, SizeMiB: 1024}))
	for _, s := range []struct{ parent, name string }{{"c-A", "sc-1"}, {"c-A", "sc-2"}, {"sc-1", "sc-11"}} {
		require.NoError(t, c.Snapshots.Create(ctx, s.parent, &alletra.SnapshotCreateRequest{Name: s.name}))
	}
}

// totalRequests sums the simulator's request counters.
func totalRequests(srv *alletratest.Server) int {
	n := 0
	for _, v := range srv.Stats().Requests {
		n += v
	}
	return n
}

func TestVolumesDeleteCascade(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		opts     []alletratest.Option
		fault    bool // the array refuses cascade=true with a 400
		requests int
	}{
		{"array accepts cascade", nil, false, 1},
		// DELETE (409/32), GET snapshots of c-A, DELETE sc-1 (409/32), GET
		// snapshots of sc-1, DELETE sc-11, DELETE sc-1, DELETE sc-2, DELETE c-A.
		{"array ignores cascade", []alletratest.Option{alletratest.WithoutCascade()}, false, 8},
		// The same after the refused DELETE, which starts with a plain DELETE of c-A.
		{"array refuses cascade", nil, true, 9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := alletratest.NewTestServer(t, tc.opts...)
			c := flowClient(t, srv)
			ctx := flowCtx(t)
			cascadeFixture(t, ctx, c)
			if tc.fault {
				srv.InjectFault(http.MethodDelete, "/api/v1/volumes/{name}", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 400})
			}
			srv.ResetStats()
			require.NoError(t, c.Volumes.DeleteCascade(ctx, "c-A"))
			assert.Equal(t, tc.requests, totalRequests(srv), "round trips")
			assert.Empty(t, srv.Volumes(), "the volume and all its snapshots are gone")

			// Idempotent like Delete: a second call finds nothing.
			require.ErrorIs(t, c.Volumes.DeleteCascade(ctx, "c-A"), alletra.ErrNotFound)
			closeFlow(t, srv, c)
		})
	}
}

func TestVolumesDeleteCascadeRefusedWhileExported(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]alletratest.Option{nil, {alletratest.WithoutCascade()}} {
		srv := alletratest.NewTestServer(t, opts...)
		c := flowClient(t, srv)
		ctx := flowCtx(t)
		cascadeFixture(t, ctx, c)
		_, _, err := c.Hosts.EnsureByInitiator(ctx, "node1-iscsi", "iqn.1993-08.org.debian:01:node1")
		require.NoError(t, err)
		_, err = c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: "sc-2", HostName: "node1-iscsi", AutoLUN: true})
		require.NoError(t, err)
		err = c.Volumes.DeleteCascade(ctx, "c-A")
		require.ErrorIs(t, err, alletra.ErrInUse, "an exported snapshot stops the delete")
		_, ok := srv.Volume("c-A")
		assert.True(t, ok, "the parent is kept")
		closeFlow(t, srv, c)
	}
}
