package acceptance_test

// Acceptance flows 6-9 : hosts, exports and unexports.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/naming"
)

const (
	flowNQN      = "nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0031-3210-8052-b4c04f4a3132"
	flowOtherNQN = "nqn.2014-08.org.nvmexpress:uuid:0000aaaa-0031-3210-8052-b4c04f4a3132"
	flowIQN      = "iqn.1993-08.org.debian:01:node1"
	flowIQN2     = "iqn.1993-08.org.debian:01:node2"
)

// Flow 6.
func TestFlowHostEnsureAndMap(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))
	vol := flowVol(t, 6, false)
	mustVolume(t, ctx, c, srv, flowPool, vol, 1024, "")

	// (1) FindHostByQN: nothing yet.
	_, err := c.Hosts.FindByInitiator(ctx, flowNQN)
	require.ErrorIs(t, err, alletra.ErrNotFound)

	// (2) CreateHost("node1-nvme-tcp", NVMe, nqn).
	hostName := naming.HostName("node1", "nvme/tcp")
	require.Equal(t, "node1-nvme-tcp", hostName)
	h, err := ensureHost(ctx, c, hostName, flowNQN)
	require.NoError(t, err)
	assert.Equal(t, hostName, h.Name)
	require.Len(t, h.NVMETCPPaths, 1)
	assert.Equal(t, flowNQN, h.NVMETCPPaths[0].NQN)
	hs, ok := srv.Host(hostName)
	require.True(t, ok)
	assert.Equal(t, flowNQN, hs.NQN)
	assert.Equal(t, alletra.TransportTCP, hs.TransportType)
	assert.Empty(t, hs.ISCSINames)
	found, err := c.Hosts.FindByInitiator(ctx, flowNQN)
	require.NoError(t, err)
	assert.Equal(t, hostName, found.Name)

	// (3) Export with autoLun: a template plus one active record per path.
	v, err := export(ctx, c, vol, hostName)
	require.NoError(t, err)
	assert.False(t, v.Existed)
	assert.GreaterOrEqual(t, v.LUN, 1, "NVMe namespaces start at 1")
	recs := vlunsOf(srv, vol)
	require.Len(t, recs, 2)
	assert.False(t, recs[0].Active, "the template")
	assert.Equal(t, hostName, recs[0].Hostname)
	assert.Equal(t, v.LUN, recs[0].LUN)
	assert.True(t, recs[1].Active, "the active record of the path")
	assert.Equal(t, flowNQN, recs[1].RemoteName)
	assert.Equal(t, v.LUN, recs[1].LUN)
	assert.NotEmpty(t, recs[0].SubsystemNQN)
	assert.Equal(t, 1, srv.Requests("POST", "/api/v1/vluns"))

	// (4) Export again: "existed", same LUN, no duplicate.
	again, err := export(ctx, c, vol, hostName)
	require.NoError(t, err)
	assert.True(t, again.Existed)
	assert.Equal(t, v.LUN, again.LUN)
	assert.Equal(t, recs, vlunsOf(srv, vol), "no new vLUN record")
	assert.Equal(t, 1, srv.Requests("POST", "/api/v1/vluns"), "the existing export was found before any POST")

	// The same in iSCSI mode, where the array itself would silently add a
	// duplicate vLUN.
	iscsiHost := naming.HostName("node1", "iscsi")
	_, err = ensureHost(ctx, c, iscsiHost, flowIQN)
	require.NoError(t, err)
	hs, _ = srv.Host(iscsiHost)
	assert.Equal(t, []string{flowIQN}, hs.ISCSINames)
	vol2 := flowVol(t, 60, false)
	mustVolume(t, ctx, c, srv, flowPool, vol2, 1024, "")
	v, err = export(ctx, c, vol2, iscsiHost)
	require.NoError(t, err)
	assert.False(t, v.Existed)
	recs = vlunsOf(srv, vol2)
	require.Len(t, recs, 2)
	assert.Equal(t, flowIQN, recs[1].RemoteName)
	again, err = export(ctx, c, vol2, iscsiHost)
	require.NoError(t, err)
	assert.True(t, again.Existed)
	assert.Equal(t, v.LUN, again.LUN)
	assert.Equal(t, recs, vlunsOf(srv, vol2), "no duplicate iSCSI vLUN")
	assert.Equal(t, 2, srv.Requests("POST", "/api/v1/vluns"))
	closeFlow(t, srv, c)
}

// Flow 7.
func TestFlowHostConflicts(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	hostName := naming.HostName("node1", "nvme/tcp")

	// The host name is taken by a host with another NQN: a conflict, and
	// nothing is deleted or changed.
	require.NoError(t, c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: hostName, NQN: flowOtherNQN}))
	_, err := ensureHost(ctx, c, hostName, flowNQN)
	require.ErrorIs(t, err, alletra.ErrConflict)
	hs, ok := srv.Host(hostName)
	require.True(t, ok, "the existing host is kept")
	assert.Equal(t, flowOtherNQN, hs.NQN)
	assert.Len(t, srv.Hosts(), 1)
	assert.Zero(t, srv.Requests("DELETE", "/api/v1/hosts/{name}"))
	assert.Zero(t, srv.Requests("PUT", "/api/v1/hosts/{name}"))

	// The NQN belongs to host "other": CreateHost surfaces EXISTENT_PATH
	// (409/73), and FindHostByQN returns "other".
	require.NoError(t, c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "other", NQN: flowNQN}))
	err = c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "node2-nvme-tcp", NQN: flowNQN})
	require.ErrorIs(t, err, alletra.ErrConflict)
	require.ErrorIs(t, err, alletra.ErrAlreadyExists)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 409, apiErr.StatusCode)
	assert.Equal(t, alletra.CodeExistentPath, apiErr.Code)
	_, ok = srv.Host("node2-nvme-tcp")
	assert.False(t, ok)
	found, err := c.Hosts.FindByInitiator(ctx, flowNQN)
	require.NoError(t, err)
	assert.Equal(t, "other", found.Name)
	h, err := ensureHost(ctx, c, "node2-nvme-tcp", flowNQN)
	require.NoError(t, err)
	assert.Equal(t, "other", h.Name, "LXD finds its host by initiator, whatever its name")
	assert.Len(t, srv.Hosts(), 2, "no host deleted")
	assert.Zero(t, srv.Requests("DELETE", "/api/v1/hosts/{name}"))
	closeFlow(t, srv, c)
}

// Flow 8.
func TestFlowMultiHostUnexport(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	tr := &flowTransport{}
	c := flowClientWith(t, srv, tr)
	require.NoError(t, createPool(ctx, c, flowPool))
	vol := flowVol(t, 8, false)
	mustVolume(t, ctx, c, srv, flowPool, vol, 1024, "")
	for _, h := range []struct{ name, iqn string }{{"hostA", flowIQN}, {"hostB", flowIQN2}} {
		_, err := ensureHost(ctx, c, h.name, h.iqn)
		require.NoError(t, err)
	}

	// hostA is exported first, so the array lists its records first.
	for _, e := range []struct {
		host string
		lun  int
	}{{"hostA", 1}, {"hostB", 3}} {
		v, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: vol, HostName: e.host, LUN: e.lun})
		require.NoError(t, err)
		assert.Equal(t, e.lun, v.LUN)
	}
	recs := vlunsOf(srv, vol)
	require.Len(t, recs, 4)
	assert.Equal(t, "hostA", recs[0].Hostname, "hostA's records come first (LXD's members[0])")

	// Unexport(vol, hostB): only hostB's vLUN goes, deleted by LUN 3.
	require.NoError(t, unexport(ctx, c, vol, "hostB"))
	assert.Equal(t, []string{"DELETE /api/v1/vluns/" + vol + ",3,hostB"}, tr.sent("DELETE /api/v1/vluns/"))
	recs = vlunsOf(srv, vol)
	require.Len(t, recs, 2, "hostA's template and active record remain")
	for _, r := range recs {
		assert.Equal(t, "hostA", r.Hostname)
		assert.Equal(t, 1, r.LUN)
	}

	// Again: NotFound, which callers may ignore; the array's own answer to
	// the DELETE is a typed NotFound too (404/19).
	err := unexport(ctx, c, vol, "hostB")
	require.ErrorIs(t, err, alletra.ErrNotFound)
	err = c.VLUNs.Delete(ctx, alletra.VLUNID{Volume: vol, LUN: 3, Host: "hostB"})
	require.ErrorIs(t, err, alletra.ErrNotFound)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, alletra.CodeNonExistentVLUN, apiErr.Code)
	assert.Len(t, vlunsOf(srv, vol), 2)
	closeFlow(t, srv, c)
}

// Flow 9.
func TestFlowUnmapDeletesHost(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))
	hostName := naming.HostName("node1", "nvme/tcp")
	_, err := ensureHost(ctx, c, hostName, flowNQN)
	require.NoError(t, err)
	vol1, vol2 := flowVol(t, 9, false), flowVol(t, 90, false)
	for _, v := range []string{vol1, vol2} {
		mustVolume(t, ctx, c, srv, flowPool, v, 1024, "")
		_, err := export(ctx, c, v, hostName)
		require.NoError(t, err)
	}

	// Unmap vol1: the host still has vol2, so LXD keeps it; deleting it
	// anyway is refused with InUse (409/26) and the host stays.
	require.NoError(t, unexport(ctx, c, vol1, hostName))
	left, err := c.VLUNs.List(ctx, &alletra.VLUNListOptions{HostName: hostName})
	require.NoError(t, err)
	require.Len(t, left, 1)
	assert.Equal(t, vol2, left[0].VolumeName)
	err = c.Hosts.Delete(ctx, hostName)
	require.ErrorIs(t, err, alletra.ErrInUse)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 409, apiErr.StatusCode)
	assert.Equal(t, alletra.CodeExportedVLUN, apiErr.Code)
	_, ok := srv.Host(hostName)
	assert.True(t, ok, "the host is kept")
	assert.Len(t, vlunsOf(srv, vol2), 2)

	// Unmap the last volume: no vLUN left for the host, so it is deleted.
	require.NoError(t, unexport(ctx, c, vol2, hostName))
	left, err = c.VLUNs.List(ctx, &alletra.VLUNListOptions{HostName: hostName, IncludeActive: true})
	require.NoError(t, err)
	assert.Empty(t, left)
	require.NoError(t, c.Hosts.Delete(ctx, hostName))
	_, ok = srv.Host(hostName)
	assert.False(t, ok)
	assert.Empty(t, srv.Hosts())
	assert.Empty(t, srv.VLUNs())
	closeFlow(t, srv, c)
}
