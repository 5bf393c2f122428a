package acceptance_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

const (
	mapNQN1 = "nqn.2014-08.org.nvmexpress:uuid:0e1f2a3b-0000-4000-8000-000000000001"
	mapNQN2 = "nqn.2014-08.org.nvmexpress:uuid:0e1f2a3b-0000-4000-8000-000000000002"
	mapIQN  = "iqn.1993-08.org.debian:01:node3"
)

func newVolume(t *testing.T, ctx context.Context, c *alletra.Client, name string) {
	t.Helper()
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: flowCPG, SizeMiB: 1024}))
}

func TestVLUNsMapReturnsWhatTheNodeNeeds(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	newVolume(t, ctx, c, "c-A")

	m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1,
		Targets: true, SubsystemNQN: true})
	require.NoError(t, err)
	assert.True(t, m.HostCreated)
	assert.Equal(t, "node1-nvme-tcp", m.Host.Name)
	assert.False(t, m.VLUN.Existed)
	assert.True(t, strings.HasPrefix(m.VLUN.SubsystemNQN, "nqn."), "the NVMe target NQN, asked for: %q", m.VLUN.SubsystemNQN)
	require.NotEmpty(t, m.Targets)
	for _, a := range m.Targets {
		assert.Equal(t, alletra.ProtocolNVMe, a.Protocol)
	}
	lun := m.VLUN.LUN

	// Again: the same export, nothing created.
	posts := srv.Requests(http.MethodPost, "/api/v1/vluns")
	m, err = c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1})
	require.NoError(t, err)
	assert.False(t, m.HostCreated)
	assert.True(t, m.VLUN.Existed)
	assert.Equal(t, lun, m.VLUN.LUN)
	assert.NotEmpty(t, m.VLUN.SubsystemNQN)
	assert.Nil(t, m.Targets, "not asked for")
	assert.Equal(t, posts, srv.Requests(http.MethodPost, "/api/v1/vluns"))

	// iSCSI: target names and portals come with the mapping.
	m, err = c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node3-iscsi", Initiator: mapIQN, Targets: true})
	require.NoError(t, err)
	require.NotEmpty(t, m.Targets)
	for _, a := range m.Targets {
		assert.Equal(t, alletra.ProtocolISCSI, a.Protocol)
		assert.NotEmpty(t, a.TargetName)
	}
	h, ok := srv.Host("node3-iscsi")
	require.True(t, ok)
	assert.Equal(t, []string{mapIQN}, h.ISCSINames)
	closeFlow(t, srv, c)
}

func TestVLUNsUnmapThenDeleteIfUnused(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	newVolume(t, ctx, c, "c-A")
	newVolume(t, ctx, c, "c-B")
	for _, r := range []alletra.MapRequest{
		{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1},
		{Volume: "c-B", Host: "node1-nvme-tcp", Initiator: mapNQN1},
		{Volume: "c-A", Host: "node2-nvme-tcp", Initiator: mapNQN2},
	} {
		_, err := c.VLUNs.Map(ctx, &r)
		require.NoError(t, err)
	}

	// node1 still has c-B: its host is in use.
	u, err := c.VLUNs.Unmap(ctx, "c-A", mapNQN1)
	require.NoError(t, err)
	assert.Equal(t, &alletra.Unmapping{Host: "node1-nvme-tcp", Removed: 1}, u)
	assert.Len(t, vlunsOf(srv, "c-A"), 2, "node2's export (template and active record) is untouched")
	deleted, err := c.Hosts.DeleteIfUnused(ctx, "node1-nvme-tcp")
	require.NoError(t, err, "in use is no error")
	assert.False(t, deleted, "the array refuses: c-B is exported to it")
	_, ok := srv.Host("node1-nvme-tcp")
	assert.True(t, ok)

	// node1's last volume: Unmap leaves the host for the node's disconnect,
	// then the host goes.
	u, err = c.VLUNs.Unmap(ctx, "c-B", mapNQN1)
	require.NoError(t, err)
	assert.Equal(t, &alletra.Unmapping{Host: "node1-nvme-tcp", Removed: 1, HostUnused: true}, u)
	_, ok = srv.Host("node1-nvme-tcp")
	assert.True(t, ok, "the host is still there while the node disconnects")
	deleted, err = c.Hosts.DeleteIfUnused(ctx, u.Host)
	require.NoError(t, err)
	assert.True(t, deleted)
	_, ok = srv.Host("node1-nvme-tcp")
	assert.False(t, ok)
	_, ok = srv.Host("node2-nvme-tcp")
	assert.True(t, ok)

	// Idempotent: nothing to do is no error.
	u, err = c.VLUNs.Unmap(ctx, "c-B", mapNQN1)
	require.NoError(t, err)
	assert.Equal(t, &alletra.Unmapping{}, u)
	deleted, err = c.Hosts.DeleteIfUnused(ctx, "node1-nvme-tcp")
	require.NoError(t, err)
	assert.False(t, deleted, "already gone")
	closeFlow(t, srv, c)
}

// A Map from another node lands between Unmap's report that the host has
// nothing left and the host's delete (while this node disconnects): the
// array refuses the delete, and DeleteIfUnused reports the host as still in
// use, without an error.
func TestVLUNsDeleteIfUnusedRacesAConcurrentMap(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	other, err := srv.Client()
	require.NoError(t, err)
	ctx := flowCtx(t)
	tr := &hookTransport{base: srv.HTTPClient().Transport,
		match: func(r *http.Request) bool {
			return r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/api/v1/hosts/")
		},
		hook: func() {
			_, err := other.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: "c-B", HostName: "node1-nvme-tcp", AutoLUN: true})
			require.NoError(t, err)
		}}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	newVolume(t, ctx, c, "c-A")
	newVolume(t, ctx, c, "c-B")
	_, err = c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1})
	require.NoError(t, err)

	u, err := c.VLUNs.Unmap(ctx, "c-A", mapNQN1)
	require.NoError(t, err)
	assert.Equal(t, &alletra.Unmapping{Host: "node1-nvme-tcp", Removed: 1, HostUnused: true}, u)
	deleted, err := c.Hosts.DeleteIfUnused(ctx, u.Host)
	require.NoError(t, err, "still in use is not an error")
	assert.False(t, deleted)
	_, ok := srv.Host("node1-nvme-tcp")
	assert.True(t, ok, "the host is kept for the new export")
	assert.NotEmpty(t, vlunsOf(srv, "c-B"))
	closeFlow(t, srv, c, other)
}

// The reverse race: an unmap deletes the host, now unused, between Map's
// ensure and its export. Map ensures the host again and exports.
func TestVLUNsMapRacesAConcurrentUnmap(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	other, err := srv.Client()
	require.NoError(t, err)
	ctx := flowCtx(t)
	tr := &hookTransport{base: srv.HTTPClient().Transport,
		match: func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/api/v1/vluns" },
		hook: func() {
			u, err := other.VLUNs.Unmap(ctx, "c-B", mapNQN1)
			require.NoError(t, err)
			require.True(t, u.HostUnused)
			deleted, err := other.Hosts.DeleteIfUnused(ctx, u.Host)
			require.NoError(t, err)
			require.True(t, deleted)
		}}
	c := flowClient(t, srv, alletra.WithHTTPClient(&http.Client{Transport: tr}))
	newVolume(t, ctx, c, "c-A")
	newVolume(t, ctx, c, "c-B")
	_, err = other.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-B", Host: "node1-nvme-tcp", Initiator: mapNQN1})
	require.NoError(t, err)

	m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1-nvme-tcp", Initiator: mapNQN1})
	require.NoError(t, err)
	assert.True(t, m.HostCreated, "made again after the concurrent unmap deleted it")
	require.Len(t, vlunsOf(srv, "c-A"), 2, "template and active record")
	closeFlow(t, srv, c, other)
}

// An export that fails leaves no host this call created behind.
func TestVLUNsMapUndoesTheHostOnFailure(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	ctx := flowCtx(t)
	_, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-missing", Host: "node1-nvme-tcp", Initiator: mapNQN1})
	require.ErrorIs(t, err, alletra.ErrNotFound)
	assert.Empty(t, srv.Hosts(), "the host made for the export is gone again")

	_, err = c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "c-A", Host: "node1", Initiator: "not-an-initiator"})
	require.ErrorIs(t, err, alletra.ErrInvalidInput)
	_, err = c.VLUNs.Map(ctx, nil)
	require.ErrorIs(t, err, alletra.ErrInvalidInput)
	_, err = c.VLUNs.Unmap(ctx, "c-A", "not-an-initiator")
	require.ErrorIs(t, err, alletra.ErrInvalidInput)
	closeFlow(t, srv, c)
}
