package acceptance_test

// Acceptance flows 15-18 : resize, discovery, the error matrix
// and the idempotent delete path.

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/naming"
)

// Flow 15. Adaptation: sizes are rounded up to 256 MiB, never down, so
// "1536 MiB ± 100 bytes" is a no-op only for the minus side: 1536 MiB - 100
// bytes rounds to 1536 MiB, while 1536 MiB + 100 bytes rounds to 1792 MiB (a
// grow, as it must be to hold the bytes asked for).
func TestFlowResize(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t, alletratest.WithMaxVolumeSizeMiB(4096))
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))
	a := flowVol(t, 15, false)
	mustVolume(t, ctx, c, srv, flowPool, a, 1024, "A")
	puts := func() int { return srv.Requests("PUT", "/api/v1/volumes/{name}") }
	size := func() int64 {
		st, ok := srv.Volume(a)
		require.True(t, ok)
		return st.SizeMiB
	}

	// (1) Grow 1024 → 1536: a delta of 512.
	delta, err := alletra.GrowDeltaMiB(1024, 1536)
	require.NoError(t, err)
	assert.EqualValues(t, 512, delta)
	got, err := c.Volumes.ResizeTo(ctx, a, 1536)
	require.NoError(t, err)
	assert.EqualValues(t, 1536, got, "the size the array reports")
	assert.EqualValues(t, 1536, size())
	assert.Equal(t, 1, puts())

	// (2) Resize to 1024: CannotShrink, with no call.
	_, err = c.Volumes.ResizeTo(ctx, a, 1024)
	require.ErrorIs(t, err, alletra.ErrCannotShrink)
	var ve *alletra.ValidationError
	assert.ErrorAs(t, err, &ve)
	_, err = alletra.GrowDeltaMiB(1536, 1024)
	require.ErrorIs(t, err, alletra.ErrCannotShrink)
	assert.Equal(t, 1, puts(), "no grow was sent")
	assert.EqualValues(t, 1536, size())

	// (3) Resize to 1536 MiB - 100 bytes: rounded to 1536, a no-op.
	target, err := alletra.VolumeSizeMiB(1536*alletra.MiB - 100)
	require.NoError(t, err)
	assert.EqualValues(t, 1536, target)
	got, err = c.Volumes.ResizeTo(ctx, a, target)
	require.NoError(t, err)
	assert.EqualValues(t, 1536, got)
	assert.Equal(t, 1, puts(), "no grow was sent")
	assert.EqualValues(t, 1536, size())
	over, err := alletra.VolumeSizeMiB(1536*alletra.MiB + 100)
	require.NoError(t, err)
	assert.EqualValues(t, 1792, over, "never rounded down")

	// (4) Grow by 100 MiB: the array rounds the amount to 256, and the SDK
	// reports the new size.
	require.NoError(t, c.Volumes.Grow(ctx, a, 100))
	assert.EqualValues(t, 1792, size())
	v, err := c.Volumes.Get(ctx, a)
	require.NoError(t, err)
	assert.EqualValues(t, 1792, v.SizeMiB)
	assert.Equal(t, 2, puts())

	// A grow beyond the array's maximum: TooLarge (400/28), size unchanged.
	err = c.Volumes.Grow(ctx, a, 4096)
	require.ErrorIs(t, err, alletra.ErrTooLarge)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, alletra.CodeTooLarge, apiErr.Code)
	assert.EqualValues(t, 1792, size())
	assert.Equal(t, 3, puts(), "a grow is never retried")
	content, _ := srv.Content(a)
	assert.Equal(t, "A", content)
	closeFlow(t, srv, c)
}

// Flow 16.
func TestFlowDiscovery(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	srv.SetPorts([]alletratest.PortState{
		// A down iSCSI port, which must not be offered.
		{Node: 0, Slot: 2, CardPort: 2, Mode: 2, LinkState: 5, Type: 8, Protocol: 2, IPAddr: "10.0.0.99",
			ISCSIName: "iqn.2000-05.com.3pardata:20220002ac021f4b"},
		// A ready iSCSI port.
		{Node: 0, Slot: 2, CardPort: 1, Mode: 2, LinkState: 4, Type: 8, Protocol: 2, IPAddr: "10.0.0.11",
			ISCSIName: "iqn.2000-05.com.3pardata:20210002ac021f4b"},
		// A ready, VLAN-tagged iSCSI port with two VLAN portals.
		{Node: 1, Slot: 2, CardPort: 1, Mode: 2, LinkState: 4, Type: 8, Protocol: 2, IPAddr: "10.0.0.12",
			ISCSIName: "iqn.2000-05.com.3pardata:21210002ac021f4b", VLANTagged: true,
			ISCSIVlans: []alletratest.ISCSIVlanState{{IPAddr: "10.0.1.12", VlanTag: 100}, {IPAddr: "10.0.2.12", VlanTag: 200}}},
		// A ready NVMe/TCP port whose nodeWWN holds its IP, and a down one.
		{Node: 0, Slot: 3, CardPort: 1, Mode: 2, LinkState: 4, Type: 3, Protocol: 6, NodeWWN: "10.0.0.21"},
		{Node: 1, Slot: 3, CardPort: 1, Mode: 2, LinkState: 5, Type: 3, Protocol: 6, NodeWWN: "10.0.0.22"},
	})
	c := flowClient(t, srv)

	nvme, err := c.Ports.TargetAddresses(ctx, alletra.ProtocolNVMe)
	require.NoError(t, err)
	require.Len(t, nvme, 1)
	assert.Equal(t, "10.0.0.21", nvme[0].IP)
	assert.Equal(t, "0:3:1", nvme[0].PortPos.String())

	iscsi, err := c.Ports.TargetAddresses(ctx, alletra.ProtocolISCSI)
	require.NoError(t, err)
	type pair struct{ IP, IQN string }
	var got []pair
	for _, a := range iscsi {
		got = append(got, pair{a.IP, a.TargetName})
	}
	assert.ElementsMatch(t, []pair{
		{"10.0.0.11", "iqn.2000-05.com.3pardata:20210002ac021f4b"},
		{"10.0.1.12", "iqn.2000-05.com.3pardata:21210002ac021f4b"},
		{"10.0.2.12", "iqn.2000-05.com.3pardata:21210002ac021f4b"},
	}, got, "ready ports only, VLAN portals included, never a tagged port's 0.0.0.0")

	// The vLUN of an NVMe host carries the subsystem NQN.
	require.NoError(t, createPool(ctx, c, flowPool))
	vol := flowVol(t, 16, false)
	mustVolume(t, ctx, c, srv, flowPool, vol, 1024, "")
	hostName := naming.HostName("node1", "nvme/tcp")
	_, err = ensureHost(ctx, c, hostName, flowNQN)
	require.NoError(t, err)
	_, err = export(ctx, c, vol, hostName)
	require.NoError(t, err)
	vs, err := c.VLUNs.List(ctx, &alletra.VLUNListOptions{VolumeName: vol, HostName: hostName})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	recs := vlunsOf(srv, vol)
	require.NotEmpty(t, recs)
	assert.NotEmpty(t, recs[0].SubsystemNQN)
	assert.Equal(t, recs[0].SubsystemNQN, vs[0].SubsystemNQN)
	active := recs[len(recs)-1]
	assert.Equal(t, "0:3:1", active.PortPos, "the path is on the ready NVMe port")

	// The space report: used and free MiB; LXD's total is their sum.
	srv.SetSpaceReport(300_000, 700_000)
	rep, err := c.System.SpaceReport(ctx, flowCPG)
	require.NoError(t, err)
	assert.EqualValues(t, 300_000, rep.OverprovisionedUsedMiB)
	assert.EqualValues(t, 700_000, rep.OverprovisionedFreeMiB)
	assert.EqualValues(t, 1_000_000, rep.TotalMiB())
	closeFlow(t, srv, c)
}

// allSentinels are the sentinels an *APIError can match.
var allSentinels = []error{alletra.ErrNotFound, alletra.ErrEndpoint, alletra.ErrAlreadyExists, alletra.ErrInUse,
	alletra.ErrExported, alletra.ErrNameTooLong, alletra.ErrBusy, alletra.ErrInvalidInput, alletra.ErrSessionExpired,
	alletra.ErrAuthentication, alletra.ErrSessionLimit, alletra.ErrPermission, alletra.ErrTooLarge,
	alletra.ErrNoSpace, alletra.ErrCannotShrink, alletra.ErrParentGrown, alletra.ErrConflict}

// Flow 17. The array's desc for every injected error is "injected fault",
// not the real text: the typed predicates rely on (status, code) only.
func TestFlowErrorMatrix(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))
	vol := flowVol(t, 17, false)
	mustVolume(t, ctx, c, srv, flowPool, vol, 1024, "")
	const route = "/api/v1/volumes/{name}"

	for _, tc := range []struct {
		status int
		code   alletra.ErrorCode
		want   []error
	}{
		{403, alletra.CodeInvalidUserPassword, []error{alletra.ErrAuthentication}},
		{400, alletra.CodeInvalidInput, []error{alletra.ErrInvalidInput}},
		{403, alletra.CodePermissionDenied, []error{alletra.ErrPermission}},
		{409, alletra.CodeExistentHost, []error{alletra.ErrAlreadyExists}},
		{404, alletra.CodeNonExistentHost, []error{alletra.ErrNotFound}},
		{404, alletra.CodeNonExistentVLUN, []error{alletra.ErrNotFound}},
		{409, alletra.CodeExistentVolume, []error{alletra.ErrAlreadyExists}},
		{404, alletra.CodeNonExistentVolume, []error{alletra.ErrNotFound}},
		{409, alletra.CodeExportedVLUN, []error{alletra.ErrInUse, alletra.ErrExported}},
		{400, alletra.CodeTooLarge, []error{alletra.ErrTooLarge}},
		{400, alletra.CodeNoSpace, []error{alletra.ErrNoSpace}},
		{400, alletra.CodeOther, nil},
		{404, alletra.CodeResourceNotFound, []error{alletra.ErrEndpoint}},
		{404, 0, []error{alletra.ErrNotFound}},
		{409, alletra.CodeHasChild, []error{alletra.ErrInUse}},
		{409, alletra.CodeInUse, []error{alletra.ErrInUse}},
		{409, alletra.CodeHasReadOnlyChild, []error{alletra.ErrInUse}},
		{400, alletra.CodeInvalidInputExceedsLength, []error{alletra.ErrNameTooLong, alletra.ErrInvalidInput}},
		{400, alletra.CodeInvalidInputIllegalChar, []error{alletra.ErrInvalidInput}},
		{409, alletra.CodeExistentPath, []error{alletra.ErrAlreadyExists, alletra.ErrConflict}},
		{409, alletra.CodeExistentSet, []error{alletra.ErrAlreadyExists}},
		{404, alletra.CodeNonExistentSet, []error{alletra.ErrNotFound}},
		{404, alletra.CodeNonExistentTask, []error{alletra.ErrNotFound}},
		{409, alletra.CodeTuneInProgress, []error{alletra.ErrInUse, alletra.ErrBusy}},
		{403, 0, nil},
		{409, 0, nil},
		{400, 0, []error{alletra.ErrInvalidInput}}, // a GET: INV_QUERY_STRING
		{500, alletra.CodeInternalServerError, nil},
	} {
		t.Run(fmt.Sprintf("%d-%d", tc.status, tc.code), func(t *testing.T) {
			before := srv.Requests("GET", route)
			srv.InjectFault("GET", route, alletratest.Fault{Kind: alletratest.FaultStatus, Status: tc.status, Code: tc.code})
			_, err := c.Volumes.Get(ctx, vol)
			require.Error(t, err)
			for _, s := range allSentinels {
				assert.Equal(t, slices.Contains(tc.want, s), errors.Is(err, s), "%v", s)
			}
			var apiErr *alletra.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, "injected fault", apiErr.Description)
			assert.Equal(t, 1, srv.Requests("GET", route)-before, "not retried")
		})
	}

	// An expired key (403/6) twice: one re-login and replay, then the
	// typed error. The array really forgets the key first: a fault alone
	// would leave the old key alive there, which no real array does after
	// answering code 6.
	logins := srv.Stats().Logins
	srv.ExpireSessions()
	srv.InjectFault("GET", route, alletratest.Fault{Kind: alletratest.FaultStatus, Status: 403, Code: alletra.CodeInvalidSessionKey, Times: 2})
	_, err := c.Volumes.Get(ctx, vol)
	require.ErrorIs(t, err, alletra.ErrSessionExpired)
	assert.Equal(t, 1, srv.Stats().Logins-logins)

	// 503/270 past the retries: ErrBusy after 1+3 attempts.
	before := srv.Requests("GET", route)
	srv.InjectFault("GET", route, alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: alletra.CodeSystemBusy, Times: 4})
	_, err = c.Volumes.Get(ctx, vol)
	require.ErrorIs(t, err, alletra.ErrBusy)
	assert.NotErrorIs(t, err, alletra.ErrSessionLimit)
	assert.Equal(t, 4, srv.Requests("GET", route)-before)

	// A 502 HTML page from a proxy (retried, then reported) and a 500 with a
	// non-JSON body: the status and the raw body are kept.
	before = srv.Requests("GET", route)
	srv.InjectFault("GET", route, alletratest.Fault{Kind: alletratest.FaultHTMLBody, Status: 502, Times: 4})
	_, err = c.Volumes.Get(ctx, vol)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Zero(t, apiErr.Code)
	assert.Contains(t, apiErr.Description, "Bad Gateway")
	assert.Equal(t, 4, srv.Requests("GET", route)-before)
	before = srv.Requests("GET", route)
	srv.InjectFault("GET", route, alletratest.Fault{Kind: alletratest.FaultHTMLBody, Status: 500})
	_, err = c.Volumes.Get(ctx, vol)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Contains(t, apiErr.Description, "<html>")
	assert.Equal(t, 1, srv.Requests("GET", route)-before, "a 500 is not retried")

	// 503/270 twice, then 200: retried transparently for GET, PUT and DELETE.
	busy := func(method, route string) {
		srv.InjectFault(method, route, alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: alletra.CodeSystemBusy, Times: 2})
	}
	before = srv.Requests("GET", route)
	busy("GET", route)
	v, err := c.Volumes.Get(ctx, vol)
	require.NoError(t, err)
	assert.Equal(t, vol, v.Name)
	assert.Equal(t, 3, srv.Requests("GET", route)-before)

	comment := "busy twice"
	before = srv.Requests("PUT", route)
	busy("PUT", route)
	require.NoError(t, c.Volumes.Update(ctx, vol, &alletra.VolumeUpdateRequest{Comment: &comment}))
	assert.Equal(t, 3, srv.Requests("PUT", route)-before)
	st, _ := srv.Volume(vol)
	assert.Equal(t, comment, st.Comment)

	require.NoError(t, c.VolumeSets.RemoveMembers(ctx, flowPool, vol))
	before = srv.Requests("DELETE", route)
	busy("DELETE", route)
	require.NoError(t, c.Volumes.Delete(ctx, vol))
	assert.Equal(t, 3, srv.Requests("DELETE", route)-before)
	_, ok := srv.Volume(vol)
	assert.False(t, ok)

	// POST: a create is retried because it reconciles; a physical copy
	// (never repeated blindly) is not.
	before = srv.Requests("POST", "/api/v1/volumes")
	busy("POST", "/api/v1/volumes")
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: vol, CPG: flowCPG, SizeMiB: 1024}))
	assert.Equal(t, 3, srv.Requests("POST", "/api/v1/volumes")-before)
	assert.Len(t, srv.Volumes(), 1)
	dest := flowVol(t, 170, false)
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: dest, CPG: flowCPG, SizeMiB: 1024}))
	before = srv.Requests("POST", route)
	busy("POST", route)
	_, err = c.Snapshots.Copy(ctx, vol, dest, nil)
	require.ErrorIs(t, err, alletra.ErrBusy)
	assert.Equal(t, 1, srv.Requests("POST", route)-before, "a copy is sent once")
	assert.Empty(t, srv.Tasks())
	srv.ClearFaults()
	closeFlow(t, srv, c)
}

// Flow 17, wire variations: a "application/json; charset=utf-8" answer
// and gzip-encoded answers decode like plain ones, errors included.
func TestFlowErrorMatrixEncodings(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t, alletratest.WithGzip())
	tr := &flowTransport{contentType: "application/json; charset=utf-8", askGzip: true}
	c := flowClientWith(t, srv, tr)
	require.NoError(t, createPool(ctx, c, flowPool))
	vol := flowVol(t, 171, false)
	mustVolume(t, ctx, c, srv, flowPool, vol, 1024, "")

	v, err := c.Volumes.Get(ctx, vol)
	require.NoError(t, err)
	assert.Equal(t, vol, v.Name)
	assert.EqualValues(t, 1024, v.SizeMiB)
	vols, err := c.Volumes.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, vols, 1)
	_, err = c.Volumes.Get(ctx, flowVol(t, 172, false))
	require.ErrorIs(t, err, alletra.ErrNotFound)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, alletra.CodeNonExistentVolume, apiErr.Code)
	tr.mu.Lock()
	gzipped := tr.gzipped
	tr.mu.Unlock()
	assert.Positive(t, gzipped, "the array gzipped its answers")
	closeFlow(t, srv, c)
}

// Flow 18.
func TestFlowIdempotentDelete(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))
	hostName := naming.HostName("node1", "nvme/tcp")
	_, err := ensureHost(ctx, c, hostName, flowNQN)
	require.NoError(t, err)
	vol, snap, keep := flowVol(t, 18, false), flowVol(t, 180, true), flowVol(t, 181, false)
	mustVolume(t, ctx, c, srv, flowPool, vol, 1024, "V")
	mustVolume(t, ctx, c, srv, flowPool, keep, 1024, "K")
	require.NoError(t, c.Snapshots.Create(ctx, vol, &alletra.SnapshotCreateRequest{Name: snap}))
	_, err = export(ctx, c, vol, hostName)
	require.NoError(t, err)
	_, err = export(ctx, c, keep, hostName)
	require.NoError(t, err)

	// The whole path, twice: Unexport (ignore NotFound), RemoveFromSet
	// (ignore not-member), delete with snapshots (ignore NotFound).
	deletePath := func() error {
		if err := unexport(ctx, c, vol, hostName); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return err
		}
		if err := c.VolumeSets.RemoveMembers(ctx, flowPool, vol); err != nil && !errors.Is(err, alletra.ErrNotFound) {
			return err
		}
		return deleteVolume(ctx, c, flowPool, vol)
	}
	for run := 1; run <= 2; run++ {
		require.NoError(t, deletePath(), "run %d", run)
		for _, gone := range []string{vol, snap} {
			_, ok := srv.Volume(gone)
			assert.False(t, ok, "run %d: %s", run, gone)
		}
		assert.Empty(t, vlunsOf(srv, vol), "run %d", run)
		set, _ := srv.VolumeSet(flowPool)
		assert.Equal(t, []string{keep}, set.Members, "run %d", run)
		for _, l := range srv.VLUNs() {
			assert.Equal(t, keep, l.VolumeName, "run %d: only the other volume stays exported", run)
		}
		assert.NotEmpty(t, vlunsOf(srv, keep))
		_, ok := srv.Host(hostName)
		assert.True(t, ok)
	}
	// The second run found nothing to do and sent no failing write.
	assert.Equal(t, 1, srv.Requests("DELETE", "/api/v1/vluns/{id}"))
	closeFlow(t, srv, c)
}
