package alletra

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVLUNEnumsString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "EMPTY", VLUNTypeEmpty.String())
	assert.Equal(t, "PORT", VLUNTypePort.String())
	assert.Equal(t, "HOST", VLUNTypeHost.String())
	assert.Equal(t, "MATCHED_SET", VLUNTypeMatchedSet.String())
	assert.Equal(t, "HOST_SET", VLUNTypeHostSet.String())
	assert.Equal(t, "6", VLUNType(6).String())
	assert.Equal(t, "ROUND_ROBIN", MultipathingRoundRobin.String())
	assert.Equal(t, "READ_SECTOR0", FailedPathReadSector0.String())
}

func TestVLUNIDString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "c-web02,3,esx01", VLUNID{Volume: "c-web02", LUN: 3, Host: "esx01"}.String())
	assert.Equal(t, "v,1,h,0:2:1", VLUNID{Volume: "v", LUN: 1, Host: "h", Port: &PortPos{0, 2, 1}}.String())
	assert.Equal(t, "v,1,,0:2:1", VLUNID{Volume: "v", LUN: 1, Port: &PortPos{0, 2, 1}}.String())
	assert.Equal(t, "/vluns/set:vs,0,set:hs", VLUNID{Volume: "set:vs", Host: "set:hs"}.path())
	v := VLUN{VolumeName: "c-web02", LUN: 3, HostName: "esx01"}
	assert.Equal(t, VLUNID{Volume: "c-web02", LUN: 3, Host: "esx01"}, v.ID())
}

func TestParseVLUNLocation(t *testing.T) {
	t.Parallel()
	port := &PortPos{0, 2, 1}
	good := map[string]VLUNID{
		"/api/v1/vluns/c-web01,5,node1-iscsi":                   {Volume: "c-web01", LUN: 5, Host: "node1-iscsi"},
		"api/v1/vluns/c-web01,5,node1-iscsi":                    {Volume: "c-web01", LUN: 5, Host: "node1-iscsi"},
		"/gw/api/v1/vluns/c-web01,0,node1-iscsi/":               {Volume: "c-web01", LUN: 0, Host: "node1-iscsi"},
		"https://array:8080/api/v1/vluns/v,16383,h":             {Volume: "v", LUN: 16383, Host: "h"},
		"/api/v1/vluns/v,1,h,0:2:1":                             {Volume: "v", LUN: 1, Host: "h", Port: port},
		"/api/v1/vluns/v,1,,0:2:1":                              {Volume: "v", LUN: 1, Port: port},
		"/api/v1/vluns/v,1,h,":                                  {Volume: "v", LUN: 1, Host: "h"},
		"/api/v1/vluns/set:vs,2,set:hs":                         {Volume: "set:vs", LUN: 2, Host: "set:hs"},
		"/api/v1/vluns/v,007,h?x=1":                             {Volume: "v", LUN: 7, Host: "h"},
		"/api/v1/vluns/c-5a2504b06a6c48498ee7ddb0b674fd14,1,n1": {Volume: "c-5a2504b06a6c48498ee7ddb0b674fd14", LUN: 1, Host: "n1"},
	}
	for in, want := range good {
		got, err := parseVLUNLocation(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{
		"", "/", "/api/v1/volumes/v", "/api/v1/vluns/", "/api/v1/vluns/v", "/api/v1/vluns/v,1",
		"/api/v1/vluns/v,1,h,0:2:1,x", "/api/v1/vluns/,1,h", "/api/v1/vluns/v,,h", "/api/v1/vluns/v,-1,h",
		"/api/v1/vluns/v,16384,h", "/api/v1/vluns/v,123456,h", "/api/v1/vluns/v,1x,h", "/api/v1/vluns/v,1,",
		"/api/v1/vluns/v,1,h,0:2", "/api/v1/vluns/v,1,,", "/api/v1/vluns/v,1,h/extra", "/api/v1/vluns/v w,1,h",
		"/api/v1/vluns/v,1,h h",
	} {
		_, err := parseVLUNLocation(in)
		assert.Error(t, err, "%q", in)
	}
}

func FuzzParseVLUNLocation(f *testing.F) {
	for _, s := range []string{
		"/api/v1/vluns/c-web01,5,node1-iscsi", "/api/v1/vluns/v,1,,0:2:1", "/api/v1/vluns/v,1,h,0:2:1",
		"vluns/,,,", "/vluns//vluns/a,1,b", "https://x/api/v1/vluns/set:a,0,set:b?q#f", "/api/v1/vluns/v,99999999999999999999,h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseVLUNLocation(s)
		if err != nil {
			return
		}
		if id.Volume == "" || id.LUN < 0 || id.LUN > MaxLUN || (id.Host == "" && id.Port == nil) {
			t.Fatalf("parseVLUNLocation(%q) = %+v: invalid id accepted", s, id)
		}
		again, err := parseVLUNLocation("/api/v1/vluns/" + id.String())
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", id.String(), s, err)
		}
		if again.Volume != id.Volume || again.LUN != id.LUN || again.Host != id.Host ||
			(again.Port == nil) != (id.Port == nil) || (id.Port != nil && *again.Port != *id.Port) {
			t.Fatalf("round trip of %q: %+v != %+v", s, again, id)
		}
	})
}

// vlunRoutes is a scripted /vluns endpoint: GET answers lists[i] for the
// i-th GET (the last repeats), POST answers posts[i] likewise; bodies and
// queries are recorded.
type vlunRoutes struct {
	mu      sync.Mutex
	queries []string
	posts   []map[string]any
}

func newVLUNRoutes(t *testing.T, m *mockArray, lists []httpmock.Responder, posts []httpmock.Responder) *vlunRoutes {
	r := &vlunRoutes{}
	m.RegisterResponder(http.MethodGet, testAPI+"/vluns", func(req *http.Request) (*http.Response, error) {
		r.mu.Lock()
		r.queries = append(r.queries, req.URL.Query().Get("query"))
		i := min(len(r.queries), len(lists)) - 1
		r.mu.Unlock()
		return lists[i](req)
	})
	if posts != nil {
		m.RegisterResponder(http.MethodPost, testAPI+"/vluns", func(req *http.Request) (*http.Response, error) {
			body := decodeBody(t, req)
			r.mu.Lock()
			r.posts = append(r.posts, body)
			i := min(len(r.posts), len(posts)) - 1
			r.mu.Unlock()
			return posts[i](req)
		})
	}
	return r
}

func emptyVLUNs(*http.Request) (*http.Response, error) {
	return httpmock.NewJsonResponse(http.StatusOK, map[string]any{"total": 0, "members": []any{}})
}

func vlunList(members ...map[string]any) httpmock.Responder {
	return jsonResponder(http.StatusOK, map[string]any{"total": len(members), "members": members})
}

func TestVLUNsList(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	// The mock ignores the query: the client-side check must filter.
	r := newVLUNRoutes(t, m, []httpmock.Responder{goldenResponder(t, http.StatusOK, "vluns.json")}, nil)
	ctx := context.Background()

	all, err := c.VLUNs.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, all, 3, "templates only")
	for _, v := range all {
		assert.False(t, v.Active)
	}

	vs, err := c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-web01"})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, VLUN{LUN: 0, VolumeName: "c-web01", HostName: "node1-iscsi", VolumeWWN: "60002AC0000000000000101F00021F4B",
		Type: VLUNTypeHost, Multipathing: MultipathingUnknown, FailedPathPol: FailedPathUnknown}, vs[0])

	vs, err = c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-web01", IncludeActive: true})
	require.NoError(t, err)
	require.Len(t, vs, 2)
	assert.True(t, vs[1].Active)
	assert.Equal(t, "iqn.1993-08.org.debian:01:6b2f4c9a1e3d", vs[1].RemoteName)
	assert.Equal(t, &PortPos{0, 2, 1}, vs[1].PortPos)

	vs, err = c.VLUNs.List(ctx, &VLUNListOptions{HostName: "esx01"})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, 3, vs[0].LUN)

	vs, err = c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-web02", HostName: "esx01"})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, VLUNID{Volume: "c-web02", LUN: 3, Host: "esx01"}, vs[0].ID())

	// The NVMe template gets Subsystem_NQN from its active record.
	vs, err = c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-web02", HostName: "node1-nvme-tcp"})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.False(t, vs[0].Active)
	assert.Equal(t, 1, vs[0].LUN)
	assert.Equal(t, "nqn.2020-07.com.hpe:4b1e2f0a-9c3d-4e5f-8a6b-7c8d9e0f1a2b", vs[0].SubsystemNQN)

	vs, err = c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-none"})
	require.NoError(t, err)
	assert.Empty(t, vs)

	assert.Equal(t, []string{"", `"volumeName==c-web01"`, `"volumeName==c-web01"`, `"hostname==esx01"`,
		`"volumeName==c-web02"`, `"volumeName==c-web02"`, `"volumeName==c-none"`}, r.queries)

	n := m.GetTotalCallCount()
	_, err = c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "bad name"})
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = c.VLUNs.List(ctx, &VLUNListOptions{HostName: "h\"OR hostname==x"})
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestVLUNsListOldArray(t *testing.T) {
	t.Parallel()
	// An array without vLUN queries refuses the query: the list is read whole and filtered here.
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{
		errorResponder(http.StatusBadRequest, 0, "bad query"),
		goldenResponder(t, http.StatusOK, "vluns.json"),
	}, nil)
	vs, err := c.VLUNs.List(context.Background(), &VLUNListOptions{HostName: "esx01"})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, "esx01", vs[0].HostName)
	assert.Equal(t, []string{`"hostname==esx01"`, ""}, r.queries)

	c, m = newMock(t)
	newVLUNRoutes(t, m, []httpmock.Responder{errorResponder(http.StatusForbidden, CodePermissionDenied, "no")}, nil)
	_, err = c.VLUNs.List(context.Background(), &VLUNListOptions{HostName: "esx01"})
	assert.ErrorIs(t, err, ErrPermission)
}

func TestVLUNsCreateAutoLUN(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs},
		[]httpmock.Responder{respondCreatedAt("/api/v1/vluns/c-web01,5,node1-iscsi")})
	v, err := c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	require.NoError(t, err)
	assert.Equal(t, &VLUN{LUN: 5, VolumeName: "c-web01", HostName: "node1-iscsi", Type: VLUNTypeHost}, v)
	assert.False(t, v.Existed)
	require.Len(t, r.posts, 1)
	assert.Equal(t, map[string]any{"volumeName": "c-web01", "hostname": "node1-iscsi", "lun": float64(0), "autoLun": true}, r.posts[0])
	assert.Equal(t, []string{`"volumeName==c-web01"`}, r.queries, "one check before, nothing after: the LUN comes from Location")
}

func TestVLUNsCreateBody(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs}, []httpmock.Responder{
		respondCreatedAt("/api/v1/vluns/v1,12,h1,1:2:3"),
		respondCreatedAt("/api/v1/vluns/v1,4,,1:2:3"),
		respondCreatedAt("/api/v1/vluns/v1,7,h1"),
		respondCreatedAt("/api/v1/vluns/set:vs,0,set:hs"),
	})
	ctx := context.Background()
	v, err := c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "v1", HostName: "h1", LUN: 10, AutoLUN: true, MaxAutoLUN: 20,
		PortPos: &PortPos{1, 2, 3}, NoVCN: true, OverrideLowerPriority: true})
	require.NoError(t, err)
	assert.Equal(t, &VLUN{LUN: 12, VolumeName: "v1", HostName: "h1", PortPos: &PortPos{1, 2, 3}, Type: VLUNTypeMatchedSet}, v)

	v, err = c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "v1", LUN: 4, PortPos: &PortPos{1, 2, 3}})
	require.NoError(t, err)
	assert.Equal(t, VLUNTypePort, v.Type)
	assert.Equal(t, "", v.HostName)

	v, err = c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "v1", HostName: "h1", LUN: 7})
	require.NoError(t, err)
	assert.Equal(t, 7, v.LUN)

	v, err = c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "set:vs", HostName: "set:hs"})
	require.NoError(t, err)
	assert.Equal(t, VLUNTypeHostSet, v.Type)

	require.Len(t, r.posts, 4)
	assert.Equal(t, map[string]any{"volumeName": "v1", "hostname": "h1", "lun": float64(10), "autoLun": true, "maxAutoLun": float64(20),
		"portPos": map[string]any{"node": float64(1), "slot": float64(2), "cardPort": float64(3)}, "noVcn": true,
		"overrideLowerPriority": true}, r.posts[0])
	assert.Equal(t, map[string]any{"volumeName": "v1", "lun": float64(4),
		"portPos": map[string]any{"node": float64(1), "slot": float64(2), "cardPort": float64(3)}}, r.posts[1])
	assert.Equal(t, map[string]any{"volumeName": "v1", "hostname": "h1", "lun": float64(7)}, r.posts[2])
	assert.Equal(t, map[string]any{"volumeName": "set:vs", "hostname": "set:hs", "lun": float64(0)}, r.posts[3])
}

func TestVLUNsCreateExisting(t *testing.T) {
	t.Parallel()
	// The volume is already exported to this host (iSCSI would silently duplicate): nothing is posted.
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{goldenResponder(t, http.StatusOK, "vluns.json")},
		[]httpmock.Responder{respondCreatedAt("/api/v1/vluns/c-web02,1,node1-iscsi")})
	v, err := c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	require.NoError(t, err)
	assert.True(t, v.Existed)
	assert.False(t, v.Active)
	assert.Equal(t, 0, v.LUN)
	assert.Equal(t, "60002AC0000000000000101F00021F4B", v.VolumeWWN)
	assert.Empty(t, r.posts)

	// Another host's export of the same volume does not count.
	v, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web02", HostName: "node1-iscsi", AutoLUN: true})
	require.NoError(t, err)
	assert.False(t, v.Existed)
	assert.Equal(t, 1, v.LUN)
	assert.Len(t, r.posts, 1)

	// A port-specific request only matches a template on that port.
	c, m = newMock(t)
	r = newVLUNRoutes(t, m, []httpmock.Responder{vlunList(
		map[string]any{"lun": 2, "volumeName": "v", "hostname": "h", "portPos": map[string]int{"node": 0, "slot": 2, "cardPort": 1}, "type": 4, "active": false},
		map[string]any{"lun": 4, "volumeName": "v", "portPos": map[string]int{"node": 1, "slot": 2, "cardPort": 1}, "type": 2, "active": false},
	)}, []httpmock.Responder{respondCreatedAt("/api/v1/vluns/v,3,h,1:2:1")})
	v, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "v", HostName: "h", PortPos: &PortPos{0, 2, 1}})
	require.NoError(t, err)
	assert.True(t, v.Existed)
	assert.Equal(t, 2, v.LUN)
	v, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "v", PortPos: &PortPos{1, 2, 1}, LUN: 4})
	require.NoError(t, err)
	assert.True(t, v.Existed, "port-only template")
	assert.Equal(t, 4, v.LUN)
	v, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "v", HostName: "h", PortPos: &PortPos{1, 2, 1}, LUN: 3})
	require.NoError(t, err)
	assert.False(t, v.Existed)
	assert.Len(t, r.posts, 1)
}

func TestVLUNsCreateAlreadyExportedRace(t *testing.T) {
	t.Parallel()
	// Another client exported the volume between the check and the POST: code 29.
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs, vlunList(
		map[string]any{"lun": 1, "volumeName": "c-web02", "hostname": "node1-nvme-tcp", "type": 3, "active": false},
	)}, []httpmock.Responder{errorResponder(http.StatusBadRequest, CodeOther, "already exported")})
	v, err := c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web02", HostName: "node1-nvme-tcp", AutoLUN: true})
	require.NoError(t, err)
	assert.True(t, v.Existed)
	assert.Equal(t, 1, v.LUN)
	assert.Len(t, r.posts, 1)
	assert.Len(t, r.queries, 2)

	// 29 but the re-list finds nothing for this host: 29 is OTHER, not
	// "exported"; the error is returned unclassified.
	c, m = newMock(t)
	newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs},
		[]httpmock.Responder{errorResponder(http.StatusBadRequest, CodeOther, "other")})
	_, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web02", HostName: "node1-nvme-tcp", AutoLUN: true})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeOther, apiErr.Code)
	assert.NotErrorIs(t, err, ErrExported)
	assert.NotErrorIs(t, err, ErrInUse)
	assert.NotErrorIs(t, err, ErrInvalidInput)
}

func TestVLUNsCreateLocationFallback(t *testing.T) {
	t.Parallel()
	for _, loc := range []string{"", "/api/v1/vluns/garbage", "/api/v1/vluns/other,9,node1-iscsi"} {
		c, m := newMock(t)
		r := newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs, vlunList(
			map[string]any{"lun": 6, "volumeName": "c-web01", "hostname": "node1-iscsi", "type": 3, "active": false, "volumeWWN": "60002AC0"},
		)}, []httpmock.Responder{respondCreatedAt(loc)})
		v, err := c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
		require.NoError(t, err, loc)
		assert.Equal(t, 6, v.LUN, loc)
		assert.False(t, v.Existed, loc)
		assert.Equal(t, "60002AC0", v.VolumeWWN)
		assert.Len(t, r.queries, 2, loc)
	}

	// Percent-encoded Location: the core unescapes it.
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs}, []httpmock.Responder{respondCreatedAt("/api/v1/vluns/c%2Dweb01%2C8%2Cnode1-iscsi")})
	v, err := c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	require.NoError(t, err)
	assert.Equal(t, 8, v.LUN)
	assert.Len(t, r.queries, 1)

	// No Location and not listed: a bad response.
	c, m = newMock(t)
	newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs}, []httpmock.Responder{respondCreatedAt("")})
	_, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestVLUNsCreateBusyAndLostAnswer(t *testing.T) {
	t.Parallel()
	// 503/270: refused, so not carried out: sent again without a check.
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs}, []httpmock.Responder{
		errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy"),
		respondCreatedAt("/api/v1/vluns/c-web01,2,node1-iscsi"),
	})
	v, err := c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	require.NoError(t, err)
	assert.Equal(t, 2, v.LUN)
	assert.Len(t, r.posts, 2)
	assert.Len(t, r.queries, 1, "the check before the first POST only")

	// The answer is lost after the array made the vLUN: the check finds it and nothing is duplicated.
	c, m = newMock(t)
	r = newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs, vlunList(
		map[string]any{"lun": 0, "volumeName": "c-web01", "hostname": "node1-iscsi", "type": 3, "active": false},
	)}, []httpmock.Responder{httpmock.NewErrorResponder(errors.New("connection reset by peer"))})
	v, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	require.NoError(t, err)
	assert.Equal(t, 0, v.LUN)
	assert.False(t, v.Existed, "made by this call's first attempt")
	assert.Len(t, r.posts, 1, "the POST is never resent blindly")

	// Busy every time: gives up after the client's retry count with ErrBusy.
	c, m = newMock(t)
	r = newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs},
		[]httpmock.Responder{errorResponder(http.StatusConflict, CodeSystemBusy, "busy")})
	_, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	assert.ErrorIs(t, err, ErrBusy)
	assert.Len(t, r.posts, 4, "1 + 3 retries (newMock sets WithRetry(3, ...))")

	// Errors that say the request was refused are not retried.
	c, m = newMock(t)
	r = newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs},
		[]httpmock.Responder{errorResponder(http.StatusNotFound, CodeNonExistentHost, "no host")})
	_, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Len(t, r.posts, 1)

	// The pre-check fails: nothing is posted.
	c, m = newMock(t)
	// No POST responder: a POST would fail the test on the strict transport.
	r = newVLUNRoutes(t, m, []httpmock.Responder{errorResponder(http.StatusForbidden, CodePermissionDenied, "no")}, nil)
	_, err = c.VLUNs.Create(context.Background(), &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	assert.ErrorIs(t, err, ErrPermission)
	assert.Len(t, r.queries, 1)
}

func TestVLUNsCreateContextCancelled(t *testing.T) {
	t.Parallel()
	// The context ends while Create waits to send again (10 s backoff).
	c, m := newMock(t, WithRetry(5, 10*time.Second, 10*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r := newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs},
		[]httpmock.Responder{errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy")})
	start := time.Now()
	_, err := c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a wait between attempts ends with the context, as for every call")
	assert.Len(t, r.posts, 1)

	// The context is cancelled while the POST is in flight.
	c, m = newMock(t)
	ctx, cancel = context.WithCancel(context.Background())
	newVLUNRoutes(t, m, []httpmock.Responder{emptyVLUNs}, []httpmock.Responder{func(req *http.Request) (*http.Response, error) {
		cancel()
		return errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy")(req)
	}})
	_, err = c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "c-web01", HostName: "node1-iscsi", AutoLUN: true})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestVLUNsCreateValidation(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	for _, req := range []*VLUNCreateRequest{
		nil,
		{},
		{HostName: "h"},
		{VolumeName: "v"},
		{VolumeName: "bad name", HostName: "h"},
		{VolumeName: "v", HostName: "bad,host"},
		{VolumeName: "v", HostName: "set:"},
		{VolumeName: "v", HostName: "h", LUN: -1},
		{VolumeName: "v", HostName: "h", LUN: MaxLUN + 1},
		{VolumeName: "v", HostName: "h", MaxAutoLUN: 10},
		{VolumeName: "v", HostName: "h", AutoLUN: true, LUN: 10, MaxAutoLUN: 5},
		{VolumeName: "v", HostName: "h", AutoLUN: true, MaxAutoLUN: MaxLUN + 1},
		{VolumeName: "v", PortPos: &PortPos{-1, 0, 0}},
		{VolumeName: "v", PortPos: &PortPos{0, 2, 1}, OverrideLowerPriority: true},
	} {
		_, err := c.VLUNs.Create(context.Background(), req)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve, "%+v", req)
	}
	assert.Zero(t, m.GetTotalCallCount())
}

func TestVLUNsDelete(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var mu sync.Mutex
	var paths []string
	m.RegisterResponder(http.MethodDelete, `=~^`+strings.ReplaceAll(testAPI, ".", `\.`)+`/vluns/`, func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		paths = append(paths, req.URL.EscapedPath())
		mu.Unlock()
		if strings.Contains(req.URL.Path, "gone") {
			return errorResponder(http.StatusNotFound, CodeNonExistentVLUN, "no vlun")(req)
		}
		return respondOKEmpty(req)
	})
	ctx := context.Background()
	require.NoError(t, c.VLUNs.Delete(ctx, VLUNID{Volume: "c-web02", LUN: 3, Host: "esx01"}))
	require.NoError(t, c.VLUNs.Delete(ctx, VLUNID{Volume: "v", LUN: 1, Host: "h", Port: &PortPos{0, 2, 1}}))
	require.NoError(t, c.VLUNs.Delete(ctx, VLUNID{Volume: "v", LUN: 16383, Port: &PortPos{1, 2, 1}}))
	require.NoError(t, c.VLUNs.Delete(ctx, VLUNID{Volume: "set:vs", LUN: 0, Host: "set:hs"}))
	err := c.VLUNs.Delete(ctx, VLUNID{Volume: "gone", LUN: 1, Host: "h"})
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNonExistentVLUN, apiErr.Code)
	assert.Equal(t, []string{
		"/gw/api/v1/vluns/c-web02,3,esx01",
		"/gw/api/v1/vluns/v,1,h,0:2:1",
		"/gw/api/v1/vluns/v,16383,,1:2:1",
		"/gw/api/v1/vluns/set:vs,0,set:hs",
		"/gw/api/v1/vluns/gone,1,h",
	}, paths)

	n := m.GetTotalCallCount()
	for _, tc := range []struct {
		vol  string
		lun  int
		host string
		port *PortPos
	}{
		{"", 1, "h", nil}, {"v", -1, "h", nil}, {"v", 16384, "h", nil}, {"v", 1, "", nil},
		{"v/..", 1, "h", nil}, {"v", 1, "h,x", nil}, {"v", 1, "h", &PortPos{0, -2, 1}}, {"v", 1, "h", &PortPos{10000, 0, 1}},
	} {
		err := c.VLUNs.Delete(ctx, VLUNID{Volume: tc.vol, LUN: tc.lun, Host: tc.host, Port: tc.port})
		assert.ErrorIs(t, err, ErrInvalidInput, "%+v", tc)
	}
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestVLUNJSONKeepsWireNamesAndDropsExisted(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(VLUN{VolumeName: "c-web02", LUN: 1, HostName: "node1-nvme-tcp", SubsystemNQN: "nqn.2020-07.com.hpe:x", Existed: true})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Subsystem_NQN":"nqn.2020-07.com.hpe:x"`)
	assert.NotContains(t, string(b), "Existed", "Existed is the SDK's, never the array's")
}

func TestVLUNsDeleteForHostUsesThisHostsLUN(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/vluns", goldenResponder(t, 200, "vluns.json"))
	m.RegisterResponder(http.MethodDelete, testAPI+"/vluns/c-web02,3,esx01", jsonResponder(200, nil))
	require.NoError(t, c.VLUNs.DeleteForHost(context.Background(), "c-web02", "esx01"))
	// LUN 3 is esx01's, not the first record's LUN 1: only that DELETE has
	// a responder, any other fails the test.
	assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/vluns/c-web02,3,esx01"))
}

func TestVLUNsDeleteForHostNotExported(t *testing.T) {
	t.Parallel()
	// No DELETE responder: another host's vLUN is never touched, and any
	// DELETE fails the test.
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/vluns", goldenResponder(t, 200, "vluns.json"))
	err := c.VLUNs.DeleteForHost(context.Background(), "c-web01", "esx01")
	require.ErrorIs(t, err, ErrNotFound)

	err = c.VLUNs.DeleteForHost(context.Background(), "c-web01", "a/b")
	require.ErrorIs(t, err, ErrInvalidInput)
}

// All selects as List does, one vLUN at a time, from the same query.
func TestVLUNsAll(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	// The mock ignores the query: the client-side check must filter.
	r := newVLUNRoutes(t, m, []httpmock.Responder{goldenResponder(t, http.StatusOK, "vluns.json")}, nil)
	ctx := context.Background()
	collect := func(opts *VLUNListOptions) []VLUN {
		var out []VLUN
		for v, err := range c.VLUNs.All(ctx, opts) {
			require.NoError(t, err)
			out = append(out, v)
		}
		return out
	}
	for _, opts := range []*VLUNListOptions{nil, {VolumeName: "c-web01"}, {VolumeName: "c-web01", IncludeActive: true},
		{HostName: "esx01"}, {VolumeName: "c-web02", HostName: "esx01"}} {
		want, err := c.VLUNs.List(ctx, opts)
		require.NoError(t, err)
		got := collect(opts)
		require.Len(t, got, len(want), "%+v", opts)
		for i := range got {
			want[i].SubsystemNQN = got[i].SubsystemNQN // List copies it from active records; All does not
			assert.Equal(t, want[i], got[i], "%+v", opts)
		}
	}
	assert.Contains(t, r.queries, `"volumeName==c-web01"`)
	assert.Contains(t, r.queries, `"hostname==esx01"`)

	// Stopping early is no error; an invalid option is yielded before any request.
	n := 0
	for range c.VLUNs.All(ctx, nil) {
		n++
		break
	}
	assert.Equal(t, 1, n)
	before := len(r.queries)
	for _, err := range c.VLUNs.All(ctx, &VLUNListOptions{HostName: "a/b"}) {
		assert.ErrorIs(t, err, ErrInvalidInput)
	}
	assert.Equal(t, before, len(r.queries))
}

// An array too old for vLUN queries: All lists whole after the 400, as List does.
func TestVLUNsAllOldArray(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	r := newVLUNRoutes(t, m, []httpmock.Responder{
		errorResponder(http.StatusBadRequest, 0, "bad query"),
		goldenResponder(t, http.StatusOK, "vluns.json"),
	}, nil)
	var got []VLUN
	for v, err := range c.VLUNs.All(context.Background(), &VLUNListOptions{HostName: "esx01"}) {
		require.NoError(t, err)
		got = append(got, v)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "esx01", got[0].HostName)
	assert.Equal(t, []string{`"hostname==esx01"`, ""}, r.queries)

	c, m = newMock(t)
	newVLUNRoutes(t, m, []httpmock.Responder{errorResponder(http.StatusForbidden, CodePermissionDenied, "no")}, nil)
	errs := 0
	for v, err := range c.VLUNs.All(context.Background(), nil) {
		assert.Zero(t, v)
		assert.ErrorIs(t, err, ErrPermission)
		errs++
	}
	assert.Equal(t, 1, errs)
}
