package alletra

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumesListAll(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var rawQuery = "unset"
	gold := goldenResponder(t, http.StatusOK, "volumes.json")
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
		rawQuery = req.URL.RawQuery
		return gold(req)
	})
	vols, err := c.Volumes.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, rawQuery, "no query parameter without options")
	require.Len(t, vols, 3)
	assert.Equal(t, "c-web01", vols[0].Name)
	assert.Equal(t, CopyBase, vols[0].CopyType)
	assert.Equal(t, ProvisioningThin, vols[0].ProvisioningType)
	assert.Equal(t, int64(512), vols[0].SnapshotSpace.ReservedMiB)
	assert.Equal(t, "sc-web01-snap0", vols[1].Name)
	assert.Equal(t, CopyVirtualCopy, vols[1].CopyType)
	assert.Equal(t, ProvisioningSnapshot, vols[1].ProvisioningType)
	assert.Equal(t, "c-web01", vols[1].CopyOf)
	assert.Equal(t, CopyPhysicalCopy, vols[2].CopyType)

	// Empty options encode nothing either.
	_, err = c.Volumes.List(context.Background(), &VolumeListOptions{})
	require.NoError(t, err)
	assert.Empty(t, rawQuery)
}

func TestVolumesListQuery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		q        Query
		decoded  string
		rawQuery string
	}{
		{"wwn", Eq("wwn", "60002AC0000000000000101F00021F4B"),
			`"wwn==60002AC0000000000000101F00021F4B"`, "query=%22wwn%3D%3D60002AC0000000000000101F00021F4B%22"},
		{"cpg", Eq("userCPG", "SSD_r6"), `"userCPG==SSD_r6"`, "query=%22userCPG%3D%3DSSD_r6%22"},
		{"or uses %20 for spaces", Or(Eq("wwn", "AA"), Eq("wwn", "BB")),
			`"wwn==AA OR wwn==BB"`, "query=%22wwn%3D%3DAA%20OR%20wwn%3D%3DBB%22"},
		{"value with a quote is escaped", Eq("comment", `a"b c`),
			`"comment=="a\"b c""`, "query=%22comment%3D%3D%22a%5C%22b%20c%22%22"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			var decoded, raw string
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
				decoded, raw = req.URL.Query().Get("query"), req.URL.RawQuery
				return httpmock.NewStringResponse(http.StatusOK, `{"total":0,"members":[]}`), nil
			})
			vols, err := c.Volumes.List(context.Background(), &VolumeListOptions{Query: tc.q})
			require.NoError(t, err)
			assert.Empty(t, vols)
			assert.Equal(t, tc.decoded, decoded)
			assert.Equal(t, tc.rawQuery, raw)
		})
	}
}

func TestVolumesListErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var n atomic.Int32
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) <= 2 {
			return errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy")(req)
		}
		return httpmock.NewStringResponse(http.StatusOK, `{"total":1,"members":[{"name":"v"}]}`), nil
	})
	vols, err := c.Volumes.List(context.Background(), nil)
	require.NoError(t, err, "a list is retried when busy")
	assert.Len(t, vols, 1)
	assert.Equal(t, int32(3), n.Load())

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodGet, testAPI+"/volumes", httpmock.NewStringResponder(http.StatusOK, `{"total":3,"members":[{"name":"v"}`))
	_, err = c2.Volumes.List(context.Background(), nil)
	assert.ErrorIs(t, err, ErrBadResponse, "a truncated stream is an error, not a short list")
}

func TestVolumesGet(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/c-web01", goldenResponder(t, http.StatusOK, "volume.json"))
	v, err := c.Volumes.Get(context.Background(), "c-web01")
	require.NoError(t, err)
	tru, fals := true, false
	assert.Equal(t, &Volume{
		ID: 4127, UUID: "6f1d2c3b-8a4e-4b7f-9c21-0d5e7a9b3c14", Name: "c-web01",
		ProvisioningType: ProvisioningThin, CopyType: CopyBase, BaseID: 4127, State: 1,
		SizeMiB: 10240, TotalUsedMiB: 1536,
		AdminSpace:    Space{ReservedMiB: 256, RawReservedMiB: 768, UsedMiB: 23, FreeMiB: 233},
		SnapshotSpace: Space{},
		UserSpace:     Space{ReservedMiB: 1536, RawReservedMiB: 4608, UsedMiB: 1400, FreeMiB: 136},
		WWN:           "60002AC0000000000000101F00021F4B", NGUID: "00021F4B0000101F2AC0000000000000",
		UserCPG: "SSD_r6", SnapCPG: "SSD_r6", Comment: "Created and managed by LXD",
		Policies:         &VolumePolicies{StaleSS: &tru, OneHost: &fals, ZeroDetect: &tru, System: &fals, Caching: &tru, HostDIF: 3},
		CreationTime8601: "2025-03-14T09:26:53+01:00", CreationTimeSec: 1741940813,
		ExpirationTime: "2025-03-21T09:26:53+01:00",
	}, v)
	assert.Len(t, v.NGUID, 32)
}

func TestVolumesGetErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/gone", goldenResponder(t, http.StatusNotFound, "error_not_found_volume.json"))
	_, err := c.Volumes.Get(context.Background(), "gone")
	require.ErrorIs(t, err, ErrNotFound)
	assert.True(t, IsNotFound(err))
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNonExistentVolume, apiErr.Code)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes/gone"), "not found is not retried")

	before := m.GetTotalCallCount()
	for _, bad := range []string{"", "a b", "a/b", "-a", "é"} {
		_, err := c.Volumes.Get(context.Background(), bad)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
		assert.Equal(t, "name", ve.Field)
	}
	assert.Equal(t, before, m.GetTotalCallCount())
}

// createMock registers POST /volumes, recording the decoded body, and GET
// /api with the given build (0: no version responder).
func createMock(t *testing.T, build int, post httpmock.Responder) (*Client, *mockArray, *[]map[string]any) {
	t.Helper()
	c, m := newMock(t)
	bodies := new([]map[string]any)
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
		*bodies = append(*bodies, decodeBody(t, req))
		return post(req)
	})
	if build != 0 {
		m.RegisterResponder(http.MethodGet, testEndpoint+"/api", jsonResponder(http.StatusOK,
			map[string]int{"major": 1, "minor": 10, "revision": 0, "build": build}))
	}
	return c, m, bodies
}

func TestVolumesCreateThinByDefault(t *testing.T) {
	t.Parallel()
	// No version lookup without snapCPG: createMock(t, 0, ...) registers no
	// GET /api, so a lookup fails the test.
	c, _, bodies := createMock(t, 0, respondCreatedAt("/api/v1/volumes/x"))
	req := &VolumeCreateRequest{Name: "c-5a2504b06a6c48498ee7ddb0b674fd14", CPG: "SSD_r6", SizeMiB: 1024}
	require.NoError(t, c.Volumes.Create(context.Background(), req))
	require.Len(t, *bodies, 1)
	assert.Equal(t, map[string]any{
		"name": "c-5a2504b06a6c48498ee7ddb0b674fd14", "cpg": "SSD_r6", "sizeMiB": float64(1024), "tpvv": true,
	}, (*bodies)[0])
	assert.Nil(t, req.TPVV, "the caller's request is not modified")
}

func TestVolumesCreateReduce(t *testing.T) {
	t.Parallel()
	c, _, bodies := createMock(t, 0, respondCreatedAt("/api/v1/volumes/x"))
	reduce := true
	require.NoError(t, c.Volumes.Create(context.Background(), &VolumeCreateRequest{
		Name: "v1", CPG: "SSD_r6", SizeMiB: 2048, Reduce: &reduce, Comment: "c", ID: 9, ExpirationHours: 5,
	}))
	b := (*bodies)[0]
	assert.Equal(t, true, b["reduce"])
	assert.NotContains(t, b, "tpvv", "reduce replaces the thin default")
	assert.Equal(t, "c", b["comment"])
	assert.Equal(t, float64(9), b["id"])
	assert.Equal(t, float64(5), b["expirationHours"])
}

func TestVolumesCreateSnapCPGByBuild(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		build   int
		hasSnap bool
	}{
		{"Alletra MP drops snapCPG", 100500031, false},
		{"WSAPI of 2023 drops snapCPG", 100000000, false},
		{"Primera keeps snapCPG", 40600052, true},
		{"3PAR keeps snapCPG", 30301215, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m, bodies := createMock(t, tc.build, respondCreatedAt("/api/v1/volumes/x"))
			req := &VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SnapCPG: "SSD_r6", SizeMiB: 256}
			require.NoError(t, c.Volumes.Create(context.Background(), req))
			assert.Equal(t, 1, m.calls(t, http.MethodGet, testEndpoint+"/api"))
			if tc.hasSnap {
				assert.Equal(t, "SSD_r6", (*bodies)[0]["snapCPG"])
			} else {
				assert.NotContains(t, (*bodies)[0], "snapCPG")
			}
			assert.Equal(t, "SSD_r6", req.SnapCPG, "the caller's request is not modified")
		})
	}
}

func TestVolumesCreateValidation(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	cases := map[string]struct {
		req   *VolumeCreateRequest
		field string
	}{
		"nil":            {nil, "req"},
		"no name":        {&VolumeCreateRequest{CPG: "c", SizeMiB: 1}, "Name"},
		"illegal name":   {&VolumeCreateRequest{Name: "a;b", CPG: "c", SizeMiB: 1}, "Name"},
		"no cpg":         {&VolumeCreateRequest{Name: "v", SizeMiB: 1}, "CPG"},
		"illegal cpg":    {&VolumeCreateRequest{Name: "v", CPG: "c c", SizeMiB: 1}, "CPG"},
		"zero size":      {&VolumeCreateRequest{Name: "v", CPG: "c"}, "SizeMiB"},
		"negative size":  {&VolumeCreateRequest{Name: "v", CPG: "c", SizeMiB: -256}, "SizeMiB"},
		"dash first":     {&VolumeCreateRequest{Name: "-v", CPG: "c", SizeMiB: 1}, "Name"},
		"slash in name":  {&VolumeCreateRequest{Name: "../v", CPG: "c", SizeMiB: 1}, "Name"},
		"unicode in cpg": {&VolumeCreateRequest{Name: "v", CPG: "ü", SizeMiB: 1}, "CPG"},
	}
	for name, tc := range cases {
		err := c.Volumes.Create(context.Background(), tc.req)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, tc.field, ve.Field, name)
		assert.ErrorIs(t, err, ErrInvalidInput, name)
	}
	assert.Zero(t, m.GetTotalCallCount(), "nothing is sent, not even a login")

	c2, m2 := newMock(t, WithMaxNameLength(31))
	err := c2.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "c-5a2504b06a6c48498ee7ddb0b674fd14", CPG: "c", SizeMiB: 1})
	assert.ErrorIs(t, err, ErrNameTooLong)
	assert.Zero(t, m2.GetTotalCallCount())
}

func TestVolumesCreateErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		status   int
		code     ErrorCode
		sentinel error
	}{
		{"exists on the first attempt", http.StatusConflict, CodeExistentVolume, ErrAlreadyExists},
		{"id taken", http.StatusConflict, CodeExistentID, ErrAlreadyExists},
		{"name too long", http.StatusBadRequest, CodeInvalidInputExceedsLength, ErrNameTooLong},
		{"too large", http.StatusBadRequest, CodeTooLarge, ErrTooLarge},
		{"cpg missing", http.StatusNotFound, CodeNonExistentCPG, ErrNotFound},
		{"one required", http.StatusBadRequest, CodeInvalidInputOneRequired, ErrInvalidInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// No responder for GET /volumes/v1: an 'exists' on the first
			// attempt is someone else's volume, never read to adopt it.
			c, _, bodies := createMock(t, 0, errorResponder(tc.status, tc.code, "refused"))
			err := c.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SizeMiB: 1024})
			require.ErrorIs(t, err, tc.sentinel)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Len(t, *bodies, 1)
		})
	}
}

// A create whose first answer was lost and whose retry meets "exists" is
// reconciled: the existing volume is ours when it matches the request.
func TestVolumesCreateReconcile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		existing map[string]any
		wantErr  error
	}{
		{"same spec (array rounded 1000 to 1024)", map[string]any{"name": "v1", "userCPG": "ssd_R6", "sizeMiB": 1024, "copyType": 1, "provisioningType": 2}, nil},
		{"other size", map[string]any{"name": "v1", "userCPG": "SSD_r6", "sizeMiB": 2048, "copyType": 1, "provisioningType": 2}, ErrAlreadyExists},
		{"other cpg", map[string]any{"name": "v1", "userCPG": "FC_r1", "sizeMiB": 1024, "copyType": 1, "provisioningType": 2}, ErrAlreadyExists},
		{"a snapshot", map[string]any{"name": "v1", "userCPG": "SSD_r6", "sizeMiB": 1024, "copyType": 3, "provisioningType": 3}, ErrAlreadyExists},
		{"fully provisioned", map[string]any{"name": "v1", "userCPG": "SSD_r6", "sizeMiB": 1024, "copyType": 1, "provisioningType": 1}, ErrAlreadyExists},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			c, m, bodies := createMock(t, 0, func(req *http.Request) (*http.Response, error) {
				if n.Add(1) == 1 {
					return errorResponder(http.StatusBadGateway, 0, "proxy lost the answer")(req)
				}
				return goldenResponder(t, http.StatusConflict, "error_volume_exists.json")(req)
			})
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v1", jsonResponder(http.StatusOK, tc.existing))
			err := c.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SizeMiB: 1000})
			if tc.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.wantErr)
			}
			assert.Len(t, *bodies, 2)
			assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes/v1"))
		})
	}
}

func TestVolumesDelete(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/v1", httpmock.NewStringResponder(http.StatusOK, ""))
	require.NoError(t, c.Volumes.Delete(context.Background(), "v1"))
	assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/volumes/v1"))

	cases := []struct {
		status    int
		code      ErrorCode
		sentinels []error
	}{
		{http.StatusNotFound, CodeNonExistentVolume, []error{ErrNotFound}},
		{http.StatusConflict, CodeHasChild, []error{ErrInUse}},
		{http.StatusConflict, CodeInUse, []error{ErrInUse}},
		{http.StatusConflict, CodeExportedVLUN, []error{ErrInUse, ErrExported}},
		{http.StatusConflict, CodeTuneInProgress, []error{ErrInUse, ErrBusy}},
	}
	for _, tc := range cases {
		c, m := newMock(t)
		m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/v1", errorResponder(tc.status, tc.code, "no"))
		if tc.code == CodeTuneInProgress { // 409/151 is confirmed by one read of the tasks: none copies v1
			m.RegisterResponder(http.MethodGet, testAPI+"/tasks", jsonResponder(http.StatusOK, map[string]any{"total": 0, "members": []any{}}))
		}
		err := c.Volumes.Delete(context.Background(), "v1")
		for _, s := range tc.sentinels {
			assert.ErrorIs(t, err, s, "code %d", tc.code)
		}
		assert.NotErrorIs(t, err, ErrAlreadyExists)
	}

	// A DELETE is idempotent: a busy array is retried.
	c3, m3 := newMock(t)
	var n atomic.Int32
	m3.RegisterResponder(http.MethodDelete, testAPI+"/volumes/v1", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			return errorResponder(http.StatusServiceUnavailable, 0, "busy")(req)
		}
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	})
	require.NoError(t, c3.Volumes.Delete(context.Background(), "v1"))
	assert.Equal(t, int32(2), n.Load())

	err := c3.Volumes.Delete(context.Background(), "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, int32(2), n.Load())
}

func TestVolumesGrow(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var body map[string]any
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v1", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		resp := httpmock.NewStringResponse(http.StatusOK, "")
		resp.Header.Set("Location", "/api/v1/volumes/v1")
		return resp, nil
	})
	require.NoError(t, c.Volumes.Grow(context.Background(), "v1", 512))
	assert.Equal(t, map[string]any{"action": float64(3), "sizeMiB": float64(512)}, body)

	err := c.Volumes.Grow(context.Background(), "v1", -256)
	assert.ErrorIs(t, err, ErrCannotShrink)
	assert.ErrorIs(t, err, ErrInvalidInput)
	err = c.Volumes.Grow(context.Background(), "v1", 0)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.NotErrorIs(t, err, ErrCannotShrink, "growing by nothing is not a shrink")
	assert.ErrorIs(t, c.Volumes.Grow(context.Background(), "", 1), ErrInvalidInput)
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/v1"))
}

// A grow is a delta: an answer that may hide a committed grow is never
// followed by a second PUT.
func TestVolumesGrowNeverRepeated(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		status    int
		code      ErrorCode
		sentinels []error
	}{
		{"503", http.StatusServiceUnavailable, 0, []error{ErrBusy}},
		{"502", http.StatusBadGateway, 0, nil},
		{"270", http.StatusServiceUnavailable, CodeSystemBusy, []error{ErrBusy}},
		{"too large", http.StatusForbidden, CodeNewSizeExceedsCPGLimit, []error{ErrTooLarge}},
		{"bad grow size", http.StatusBadRequest, CodeInvalidGrowSize, []error{ErrInvalidInput}},
		{"not growable", http.StatusForbidden, CodeUnsupportedVolumeType, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v1", errorResponder(tc.status, tc.code, "no"))
			err := c.Volumes.Grow(context.Background(), "v1", 256)
			require.Error(t, err)
			for _, s := range tc.sentinels {
				assert.ErrorIs(t, err, s)
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/v1"), "exactly one PUT")
		})
	}
}

func TestVolumesResizeTo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		current   int64
		target    int64
		wantDelta int64 // 0: no PUT
		wantErr   error
	}{
		{"already there", 10240, 10240, 0, nil},
		{"rounds up to current", 10240, 10000, 0, nil}, // 10000 MiB rounds up to 10240
		{"smaller", 10240, 1024, 0, ErrCannotShrink},
		{"grow by rounded delta", 10240, 12000, 12032 - 10240, nil},
		{"grow by one unit", 1024, 1025, 256, nil},
		{"exact grow", 1024, 1536, 512, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v1", jsonResponder(http.StatusOK, map[string]any{"name": "v1", "sizeMiB": tc.current}))
			var body map[string]any
			if tc.wantDelta != 0 { // else no PUT responder: a PUT fails the test
				m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v1", func(req *http.Request) (*http.Response, error) {
					body = decodeBody(t, req)
					return httpmock.NewStringResponse(http.StatusOK, ""), nil
				})
			}
			size, err := c.Volumes.ResizeTo(context.Background(), "v1", tc.target)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "sizeMiB", ve.Field)
				assert.Zero(t, size)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.current, size, "the size the (static) mock reports")
			}
			gets := 1
			if tc.wantDelta != 0 {
				gets = 2 // the new size is read back
			}
			assert.Equal(t, gets, m.calls(t, http.MethodGet, testAPI+"/volumes/v1"))
			if tc.wantDelta == 0 {
				return
			}
			assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/v1"))
			assert.Equal(t, map[string]any{"action": float64(3), "sizeMiB": float64(tc.wantDelta)}, body)
		})
	}
}

func TestVolumesResizeToErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/gone", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no"))
	_, err := c.Volumes.ResizeTo(context.Background(), "gone", 1024)
	assert.ErrorIs(t, err, ErrNotFound)
	for _, size := range []int64{0, -1} {
		_, err := c.Volumes.ResizeTo(context.Background(), "v1", size)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "sizeMiB", ve.Field)
	}
	_, err = c.Volumes.ResizeTo(context.Background(), "a b", 1024)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, 2, m.GetTotalCallCount(), "login + GET gone")
}

func TestVolumesUpdate(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var bodies []map[string]any
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v1", func(req *http.Request) (*http.Response, error) {
		bodies = append(bodies, decodeBody(t, req))
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	})
	comment := ""
	require.NoError(t, c.Volumes.Update(context.Background(), "v1", &VolumeUpdateRequest{NewName: "v2", Comment: &comment, ExpirationHours: 12}))
	require.NoError(t, c.Volumes.Update(context.Background(), "v1", &VolumeUpdateRequest{RmExpTime: true}))
	require.Len(t, bodies, 2)
	assert.Equal(t, map[string]any{"newName": "v2", "comment": "", "expirationHours": float64(12)}, bodies[0],
		"an empty comment is sent to clear it")
	assert.Equal(t, map[string]any{"rmExpTime": true}, bodies[1])

	assert.ErrorIs(t, c.Volumes.Update(context.Background(), "v1", nil), ErrInvalidInput)
	err := c.Volumes.Update(context.Background(), "v1", &VolumeUpdateRequest{NewName: "bad name"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "NewName", ve.Field)
	assert.ErrorIs(t, c.Volumes.Update(context.Background(), "", &VolumeUpdateRequest{}), ErrInvalidInput)
	assert.Len(t, bodies, 2)
}

func TestVolumesUpdateErrorsAndRetry(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/gone", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no"))
	assert.ErrorIs(t, c.Volumes.Update(context.Background(), "gone", &VolumeUpdateRequest{NewName: "x"}), ErrNotFound)
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v1", errorResponder(http.StatusConflict, CodeExistentVolume, "name taken"))
	assert.ErrorIs(t, c.Volumes.Update(context.Background(), "v1", &VolumeUpdateRequest{NewName: "taken"}), ErrAlreadyExists)

	// An update is absolute, hence retried when busy.
	var n atomic.Int32
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v3", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			return errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy")(req)
		}
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	})
	require.NoError(t, c.Volumes.Update(context.Background(), "v3", &VolumeUpdateRequest{RetentionHours: 1}))
	assert.Equal(t, int32(2), n.Load())
}

func TestVolumesFindByWWN(t *testing.T) {
	t.Parallel()
	const wwn = "60002AC0000000000000101F00021F4B"
	cases := []struct {
		name  string
		input string
	}{
		{"canonical", wwn},
		{"lower case", "60002ac0000000000000101f00021f4b"},
		{"colons and spaces", " 60:00:2A:C0:00:00:00:00:00:00:10:1F:00:02:1F:4B "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			var query string
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
				query = req.URL.Query().Get("query")
				return jsonResponder(http.StatusOK, map[string]any{"total": 2, "members": []map[string]any{
					{"name": "other", "wwn": "60002AC0000000000000102000021F4B"},
					{"name": "c-web01", "wwn": "60002ac0000000000000101f00021f4b"},
				}})(req)
			})
			v, err := c.Volumes.FindByWWN(context.Background(), tc.input)
			require.NoError(t, err)
			assert.Equal(t, `"wwn==`+wwn+`"`, query)
			assert.Equal(t, "c-web01", v.Name, "the matching member, not the first")
		})
	}
}

func TestVolumesFindByWWNChecksClientSide(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	// An array that ignores the query answers with a volume of another WWN.
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", jsonResponder(http.StatusOK, map[string]any{
		"total": 1, "members": []map[string]any{{"name": "c-web01", "wwn": "60002AC0000000000000101F00021F4B"}}}))
	_, err := c.Volumes.FindByWWN(context.Background(), "60002AC0000000000000102200021F4B")
	require.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	assert.NotErrorAs(t, err, &apiErr, "a client-side miss is not an array error")

	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", jsonResponder(http.StatusOK, map[string]any{"total": 0, "members": []any{}}))
	_, err = c.Volumes.FindByWWN(context.Background(), "60002AC0000000000000102200021F4B")
	assert.ErrorIs(t, err, ErrNotFound)

	before := m.GetTotalCallCount()
	for _, bad := range []string{"", "  ", "::", "xyz", "60002AC0-0000", `60" OR name==x`} {
		_, err := c.Volumes.FindByWWN(context.Background(), bad)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
		assert.Equal(t, "wwn", ve.Field)
	}
	assert.Equal(t, before, m.GetTotalCallCount(), "invalid WWNs are refused before any request")
}

func TestVolumeEnumStrings(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "TPVV", ProvisioningThin.String())
	assert.Equal(t, "FULL", ProvisioningFull.String())
	assert.Equal(t, "DDS", ProvisioningDDS.String())
	assert.Equal(t, "0", ProvisioningType(0).String())
	assert.Equal(t, "VIRTUAL_COPY", CopyVirtualCopy.String())
	assert.Equal(t, "PHYSICAL_COPY", CopyPhysicalCopy.String())
	assert.Equal(t, "BASE", CopyBase.String())
	assert.Equal(t, "4", CopyType(4).String())
	assert.Equal(t, "GROW_VOLUME", VolumeActionGrow.String())
	assert.Equal(t, "PROMOTE_VIRTUAL_COPY", VolumeActionPromote.String())
	assert.Equal(t, "TUNE_VOLUME", VolumeActionTune.String())
}

func TestVolumesGetHPEStyleFloats(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/osv-db01", goldenResponder(t, http.StatusOK, "hpe/volume.json"))
	v, err := c.Volumes.Get(context.Background(), "osv-db01")
	require.NoError(t, err)
	assert.Equal(t, 3121, v.ID)
	assert.EqualValues(t, 10240, v.SizeMiB)
	assert.EqualValues(t, 2304, v.TotalUsedMiB)
	assert.Equal(t, Space{ReservedMiB: 2560, RawReservedMiB: 7680, UsedMiB: 2048, FreeMiB: 512}, v.UserSpace)
	assert.EqualValues(t, 256, v.SnapshotSpace.UsedMiB)
	assert.Equal(t, "FC_r6", v.UserCPG)
	assert.Equal(t, ProvisioningThin, v.ProvisioningType)
	assert.EqualValues(t, 1762103691, v.CreationTimeSec)
}

// A byte count where MiB is asked is refused before any I/O, with a hint.
func TestVolumesSizesLookingLikeBytes(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	const gib = 1 << 30 // one GiB in bytes: 1 PiB if read as MiB
	_, resizeErr := c.Volumes.ResizeTo(ctx, "v", 20*gib)
	for field, err := range map[string]error{
		"SizeMiB": c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeMiB: gib}),
		"byMiB":   c.Volumes.Grow(ctx, "v", 10*gib),
		"sizeMiB": resizeErr,
	} {
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.Equal(t, field, ve.Field)
		assert.Contains(t, err.Error(), "sizes are in MiB; use VolumeSizeMiB", field)
		assert.ErrorIs(t, err, ErrTooLarge, field)
		assert.ErrorIs(t, err, ErrInvalidInput, field)
	}
	assert.Zero(t, m.GetTotalCallCount(), "refused before any I/O")

	// The smallest byte count of a real volume (256 MiB = 2^28 bytes) is
	// refused; everything below goes to the array (issue 19: 16 TiB was
	// refused, and 20 TiB), whose 400/28 states its own limit.
	err := c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeMiB: 256 << 20})
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Zero(t, m.GetTotalCallCount())
	bodies := recordBodies(t, m, http.MethodPost, testAPI+"/volumes", respondCreatedAt(""))
	for _, mib := range []int64{16 << 20, 20 << 20, 1<<28 - 1} {
		require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeMiB: mib}))
		assert.EqualValues(t, mib, (*bodies)[len(*bodies)-1]["sizeMiB"])
	}

	// WithMaxSizeMiB moves the guard.
	c, m = newMock(t, WithMaxSizeMiB(16<<20))
	err = c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeMiB: 20 << 20})
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Zero(t, m.GetTotalCallCount())
}

// SizeBytes is sent as VolumeSizeMiB(SizeBytes); one of the two sizes.
func TestVolumesCreateSizeBytes(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	for field, req := range map[string]*VolumeCreateRequest{
		"SizeBytes": {Name: "v", CPG: "SSD_r6", SizeMiB: 1024, SizeBytes: 1 << 30},
		"SizeMiB":   {Name: "v", CPG: "SSD_r6"},
	} {
		var ve *ValidationError
		require.ErrorAs(t, c.Volumes.Create(ctx, req), &ve, field)
		assert.Equal(t, field, ve.Field)
	}
	var ve *ValidationError
	require.ErrorAs(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeBytes: -1}), &ve)
	assert.Equal(t, "SizeBytes", ve.Field)
	assert.Zero(t, m.GetTotalCallCount())

	bodies := recordBodies(t, m, http.MethodPost, testAPI+"/volumes", respondCreatedAt(""))
	req := &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeBytes: 1_000_000_000}
	require.NoError(t, c.Volumes.Create(ctx, req))
	assert.EqualValues(t, 1024, (*bodies)[0]["sizeMiB"], "1 GB rounded up to 256 MiB")
	assert.NotContains(t, (*bodies)[0], "SizeBytes")
	assert.EqualValues(t, 1_000_000_000, req.SizeBytes, "the caller's request is not modified")
	assert.Zero(t, req.SizeMiB)
}

// DeleteFromSet leaves the set before the delete; a set that does not
// exist does not stop it, any other refusal does.
func TestVolumesDeleteFromSet(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	leave := expectCall(t, m, http.MethodPut, testAPI+"/volumesets/pool1", "", obj{"action": 2, "setmembers": []string{"v1"}}, okEmpty(http.StatusOK))
	del := expectCall(t, m, http.MethodDelete, testAPI+"/volumes/v1", "cascade=true", nil, okEmpty(http.StatusOK))
	require.NoError(t, c.Volumes.DeleteFromSet(ctx, "pool1", "v1"))
	assert.EqualValues(t, 1, leave.Load())
	assert.EqualValues(t, 1, del.Load())

	m.RegisterResponder(http.MethodPut, testAPI+"/volumesets/gone", errorResponder(http.StatusNotFound, CodeNonExistentSet, "no set"))
	require.NoError(t, c.Volumes.DeleteFromSet(ctx, "gone", "v1"))
	assert.EqualValues(t, 2, del.Load())

	m.RegisterResponder(http.MethodPut, testAPI+"/volumesets/locked", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	err := c.Volumes.DeleteFromSet(ctx, "locked", "v1")
	require.ErrorIs(t, err, ErrPermission)
	assert.EqualValues(t, 2, del.Load(), "not deleted while (maybe) in the set")

	for _, args := range [][2]string{{"", "v1"}, {"pool1", ""}} {
		assert.ErrorIs(t, c.Volumes.DeleteFromSet(ctx, args[0], args[1]), ErrInvalidInput)
	}
	assert.ErrorIs(t, c.Volumes.CreateInSet(ctx, "", &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeMiB: 256}), ErrInvalidInput)
}
