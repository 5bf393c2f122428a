package acceptance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// roundTrips runs step and returns how many requests the array served for it.
func roundTrips(t *testing.T, srv *alletratest.Server, step func()) int {
	t.Helper()
	before := totalRequests(srv)
	step()
	return totalRequests(srv) - before
}

// The sequence an LXD driver runs with the calls this SDK offers for it:
// pool, volume with two snapshots, map to two nodes, unmap one with its
// host clean-up, resize and learn the size to wait for, cascade delete.
// Every step's round trips are counted; the numbers are what the SDK
// promises and regressions show here.
func TestLXDSequenceRoundTrips(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	vol := flowVol(t, 100, false)
	snaps := []string{flowVol(t, 101, true), flowVol(t, 102, true)}
	nodes := []struct{ host, nqn string }{
		{"node1-nvme-tcp", mapNQN1},
		{"node2-nvme-tcp", mapNQN2},
	}
	trips := map[string]int{}

	trips["pool"] = roundTrips(t, srv, func() {
		require.NoError(t, createPool(ctx, c, flowPool)) // + the first login
	})
	trips["volume"] = roundTrips(t, srv, func() {
		require.NoError(t, createVolume(ctx, c, flowPool, vol, 1024))
	})
	trips["snapshots"] = roundTrips(t, srv, func() {
		for _, s := range snaps {
			require.NoError(t, c.Snapshots.Create(ctx, vol, &alletra.SnapshotCreateRequest{Name: s}))
		}
	})
	for i, n := range nodes {
		trips["map "+n.host] = roundTrips(t, srv, func() {
			m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: vol, Host: n.host, Initiator: n.nqn, Targets: i == 0, SubsystemNQN: true})
			require.NoError(t, err)
			assert.True(t, m.HostCreated)
			assert.NotEmpty(t, m.VLUN.SubsystemNQN, "the target NQN comes with the map")
		})
	}
	trips["unmap node2"] = roundTrips(t, srv, func() {
		u, err := c.VLUNs.Unmap(ctx, vol, nodes[1].nqn)
		require.NoError(t, err)
		assert.True(t, u.HostUnused, "node2 had nothing else mapped")
		deleted, err := c.Hosts.DeleteIfUnused(ctx, u.Host)
		require.NoError(t, err)
		assert.True(t, deleted)
	})
	_, ok := srv.Host(nodes[1].host)
	assert.False(t, ok)
	_, ok = srv.Host(nodes[0].host)
	assert.True(t, ok, "node1 keeps its host and export")

	var size int64
	trips["resize"] = roundTrips(t, srv, func() {
		var err error
		size, err = c.Volumes.ResizeTo(ctx, vol, 1500)
		require.NoError(t, err)
	})
	st, ok := srv.Volume(vol)
	require.True(t, ok)
	assert.EqualValues(t, 1536, size, "the size to wait for on the host")
	assert.Equal(t, st.SizeMiB, size, "what the array reports")

	trips["unmap node1"] = roundTrips(t, srv, func() {
		u, err := c.VLUNs.Unmap(ctx, vol, nodes[0].nqn)
		require.NoError(t, err)
		assert.True(t, u.HostUnused)
		deleted, err := c.Hosts.DeleteIfUnused(ctx, u.Host)
		require.NoError(t, err)
		assert.True(t, deleted)
	})
	trips["leave pool"] = roundTrips(t, srv, func() {
		require.NoError(t, c.VolumeSets.RemoveMembers(ctx, flowPool, vol))
	})
	trips["cascade delete"] = roundTrips(t, srv, func() {
		require.NoError(t, c.Volumes.DeleteCascade(ctx, vol))
	})
	assert.Empty(t, srv.Volumes(), "the volume and both snapshots are gone")
	assert.Empty(t, srv.Hosts())
	assert.Empty(t, srv.VLUNs())

	assert.LessOrEqual(t, trips["cascade delete"], 2, "cascade delete of a volume with two snapshots")
	assert.Equal(t, map[string]int{
		"pool":      2, // login + POST /volumesets
		"volume":    2, // POST /volumes, PUT /volumesets/{name}
		"snapshots": 2, // POST /volumes/{name} each
		// for node1 GET /ports, then GET /hosts, POST /hosts, GET /vluns,
		// POST /vluns, GET /vluns (the subsystem NQN, asked for).
		"map node1-nvme-tcp": 6,
		"map node2-nvme-tcp": 5,
		// GET /hosts, GET /vluns (host), DELETE /vluns/{id}, then
		// DeleteIfUnused: DELETE /hosts/{name}.
		"unmap node2":    4,
		"resize":         3, // GET, PUT (grow), GET (the size the array reports)
		"unmap node1":    4,
		"leave pool":     1,
		"cascade delete": 1,
	}, trips)
	closeFlow(t, srv, c)
}
