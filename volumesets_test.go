package alletra

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetActionString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "MEM_ADD", SetActionMemAdd.String())
	assert.Equal(t, "MEM_REMOVE", SetActionMemRemove.String())
	assert.Equal(t, "RESYNC_PHYSICAL_COPY", SetActionResyncPhysicalCopy.String())
	assert.Equal(t, "STOP_PHYSICAL_COPY", SetActionStopPhysicalCopy.String())
	assert.Equal(t, "PROMOTE_VIRTUAL_COPY", SetActionPromoteVirtualCopy.String())
	assert.Equal(t, "STOP_PROMOTE_VIRTUAL_COPY", SetActionStopPromoteVirtualCopy.String())
	assert.Equal(t, "7", SetAction(7).String())
	assert.Equal(t, 1, int(SetActionMemAdd))
	assert.Equal(t, 6, int(SetActionStopPromoteVirtualCopy))
}

func TestVolumeSetsGet(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/nope", errorResponder(http.StatusNotFound, CodeNonExistentSet, "set does not exist"))

	v, err := c.VolumeSets.Get(context.Background(), "pool1")
	require.NoError(t, err)
	assert.Equal(t, &VolumeSet{ID: 12, UUID: "3c8e4f71-5b2a-4d09-a6e3-7f1b9c0d2e48", Name: "pool1",
		Comment: "Created and managed by LXD", SetMembers: []string{"c-web01", "c-web02"}, FlashCachePolicy: 2}, v)
	assert.True(t, v.Has("c-web02"))
	assert.False(t, v.Has("c-web03"))

	_, err = c.VolumeSets.Get(context.Background(), "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNonExistentSet, apiErr.Code)

	n := m.GetTotalCallCount()
	for _, bad := range []string{"", "a b", "-x", "p/1", "../x"} {
		_, err = c.VolumeSets.Get(context.Background(), bad)
		assert.ErrorIs(t, err, ErrInvalidInput, "%q", bad)
	}
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestVolumeSetsList(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets", goldenResponder(t, http.StatusOK, "volumesets.json"))
	sets, err := c.VolumeSets.List(context.Background())
	require.NoError(t, err)
	require.Len(t, sets, 2)
	assert.Equal(t, "pool1", sets[0].Name)
	assert.Equal(t, []string{"c-web01", "c-web02"}, sets[0].SetMembers)
	assert.Equal(t, "pool2", sets[1].Name)
	assert.Empty(t, sets[1].SetMembers)
	assert.Equal(t, 13, sets[1].ID)

	c, m = newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	_, err = c.VolumeSets.List(context.Background())
	assert.ErrorIs(t, err, ErrPermission)
}

func TestVolumeSetsCreate(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var body map[string]any
	m.RegisterResponder(http.MethodPost, testAPI+"/volumesets", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		resp := httpmock.NewStringResponse(http.StatusCreated, "")
		resp.Header.Set("Location", "/api/v1/volumesets/pool1")
		return resp, nil
	})
	err := c.VolumeSets.Create(context.Background(), &VolumeSetCreateRequest{Name: "pool1", Comment: "Created and managed by LXD"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"name": "pool1", "comment": "Created and managed by LXD"}, body)

	req := &VolumeSetCreateRequest{Name: "pool2", Domain: "UNIT_TEST", SetMembers: []string{"v1", "v2", "v1"}}
	require.NoError(t, c.VolumeSets.Create(context.Background(), req))
	assert.Equal(t, map[string]any{"name": "pool2", "domain": "UNIT_TEST", "setmembers": []any{"v1", "v2"}}, body)
	assert.Equal(t, []string{"v1", "v2", "v1"}, req.SetMembers, "the caller's request is not modified")
}

func TestVolumeSetsCreateErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodPost, testAPI+"/volumesets", errorResponder(http.StatusConflict, CodeExistentSet, "set exists"))
	// No responder for GET /volumesets/pool1: a first-attempt conflict is
	// never reconciled (the set may be someone else's), and a read would fail
	// the test on the strict transport.
	err := c.VolumeSets.Create(context.Background(), &VolumeSetCreateRequest{Name: "pool1", Comment: "Created and managed by LXD"})
	assert.ErrorIs(t, err, ErrAlreadyExists)

	n := m.GetTotalCallCount()
	long := make([]byte, 512)
	for i := range long {
		long[i] = 'x'
	}
	for _, req := range []*VolumeSetCreateRequest{
		nil,
		{},
		{Name: "bad name"},
		{Name: "ok", Domain: "bad domain"},
		{Name: "ok", Comment: string(long)},
		{Name: "ok", SetMembers: []string{"v1", "bad/member"}},
	} {
		err := c.VolumeSets.Create(context.Background(), req)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve, "%+v", req)
	}
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestVolumeSetsCreateReconcile(t *testing.T) {
	t.Parallel()
	// The first attempt was committed but its answer lost; the retry meets 101.
	c, m := newMock(t)
	lostThenExists, _ := sequence(httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		errorResponder(http.StatusConflict, CodeExistentSet, "set exists")) // carried out, answer lost
	m.RegisterResponder(http.MethodPost, testAPI+"/volumesets", lostThenExists)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
	err := c.VolumeSets.Create(context.Background(), &VolumeSetCreateRequest{Name: "pool1", Comment: "Created and managed by LXD",
		SetMembers: []string{"c-web01"}})
	require.NoError(t, err)
	assert.Equal(t, 2, m.calls(t, http.MethodPost, testAPI+"/volumesets"))
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumesets/pool1"))

	for _, req := range []*VolumeSetCreateRequest{
		{Name: "pool1", Comment: "another comment"},
		{Name: "pool1", Comment: "Created and managed by LXD", Domain: "OTHER"},
		{Name: "pool1", Comment: "Created and managed by LXD", SetMembers: []string{"c-web09"}},
	} {
		c, m := newMock(t)
		lostThenExists, _ := sequence(httpmock.NewErrorResponder(errors.New("connection reset by peer")),
			errorResponder(http.StatusConflict, CodeExistentSet, "set exists")) // carried out, answer lost
		m.RegisterResponder(http.MethodPost, testAPI+"/volumesets", lostThenExists)
		m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
		err := c.VolumeSets.Create(context.Background(), req)
		assert.ErrorIs(t, err, ErrAlreadyExists, "%+v", req)
	}
}

func TestVolumeSetsDelete(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumesets/pool1", func(req *http.Request) (*http.Response, error) {
		assert.Zero(t, req.ContentLength, "DELETE sends no body")
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	})
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumesets/gone", errorResponder(http.StatusNotFound, CodeNonExistentSet, "set does not exist"))
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumesets/exported", errorResponder(http.StatusConflict, CodeExportedVLUN, "exported"))
	require.NoError(t, c.VolumeSets.Delete(context.Background(), "pool1"))
	assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/volumesets/pool1"))
	assert.ErrorIs(t, c.VolumeSets.Delete(context.Background(), "gone"), ErrNotFound)
	err := c.VolumeSets.Delete(context.Background(), "exported")
	assert.ErrorIs(t, err, ErrInUse)
	assert.ErrorIs(t, err, ErrExported)

	n := m.GetTotalCallCount()
	assert.ErrorIs(t, c.VolumeSets.Delete(context.Background(), ""), ErrInvalidInput)
	assert.ErrorIs(t, c.VolumeSets.Delete(context.Background(), "a,b"), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())
}

func respondOKEmpty(req *http.Request) (*http.Response, error) {
	return httpmock.NewStringResponse(http.StatusOK, ""), nil
}

func TestVolumeSetsAddMembers(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", respondOKEmpty)
	require.NoError(t, c.VolumeSets.AddMembers(context.Background(), "pool1", "c-web03", "c-web04", "c-web03"))
	require.Len(t, *bodies, 1)
	assert.Equal(t, map[string]any{"action": float64(1), "setmembers": []any{"c-web03", "c-web04"}}, (*bodies)[0])
}

func TestVolumeSetsAddMembersAlreadyMember(t *testing.T) {
	t.Parallel()
	for _, answer := range []httpmock.Responder{
		errorResponder(http.StatusConflict, CodeMemberInSet, "member in set"),
		errorResponder(http.StatusConflict, 0, "conflict"),    // no code
		errorResponder(http.StatusConflict, 9999, "conflict"), // an arbitrary number: MEMBER_IN_SET's is not reliably published
	} {
		// c-web01 is a member (golden set): only c-web03 is sent again.
		c, m := newMock(t)
		bodies := recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", answer, respondOKEmpty)
		m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
		require.NoError(t, c.VolumeSets.AddMembers(context.Background(), "pool1", "c-web01", "c-web03"))
		require.Len(t, *bodies, 2)
		assert.Equal(t, []any{"c-web01", "c-web03"}, (*bodies)[0]["setmembers"])
		assert.Equal(t, map[string]any{"action": float64(1), "setmembers": []any{"c-web03"}}, (*bodies)[1])
	}

	// Everything already there: no second PUT.
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", errorResponder(http.StatusConflict, CodeMemberInSet, "member in set"))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
	require.NoError(t, c.VolumeSets.AddMembers(context.Background(), "pool1", "c-web02", "c-web01"))
	assert.Len(t, *bodies, 1)

	// A 409 about something else (nothing of the batch is there): returned after one read, no resend.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", errorResponder(http.StatusConflict, CodeInUse, "in a domain set"))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
	err := c.VolumeSets.AddMembers(context.Background(), "pool1", "c-web07")
	assert.ErrorIs(t, err, ErrInUse)
	assert.Len(t, *bodies, 1)

	// A 409 without a known code, which the read shows is not about
	// membership: no longer "already exists".
	for _, code := range []ErrorCode{0, 9999} {
		c, m = newMock(t)
		bodies = recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", errorResponder(http.StatusConflict, code, "refused"))
		m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
		err = c.VolumeSets.AddMembers(context.Background(), "pool1", "c-web07")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
		assert.NotErrorIs(t, err, ErrAlreadyExists)
		assert.Len(t, *bodies, 1)
	}

	// The resend fails as well: its error is returned, and nothing more is sent.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", errorResponder(http.StatusConflict, CodeMemberInSet, "member in set"))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
	err = c.VolumeSets.AddMembers(context.Background(), "pool1", "c-web01", "c-web08")
	assert.ErrorIs(t, err, ErrAlreadyExists)
	assert.Len(t, *bodies, 2)
	assert.Equal(t, 2, m.calls(t, http.MethodGet, testAPI+"/volumesets/pool1"))
}

func TestVolumeSetsAddMembersErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"gone", errorResponder(http.StatusNotFound, CodeNonExistentSet, "no set"))
	recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no volume"))
	err := c.VolumeSets.AddMembers(context.Background(), "gone", "v1")
	assert.ErrorIs(t, err, ErrNotFound)
	err = c.VolumeSets.AddMembers(context.Background(), "pool1", "v1")
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNonExistentVolume, apiErr.Code)
	// A missing volume is not a membership question: no responder for GET
	// /volumesets/pool1, so a read fails the test even where AddMembers'
	// convergence would swallow the read's error.

	n := m.GetTotalCallCount()
	for _, tc := range []struct {
		set   string
		names []string
	}{{"pool1", nil}, {"", []string{"v1"}}, {"pool1", []string{"v1", ""}}, {"pool1", []string{"v 1"}}} {
		err := c.VolumeSets.AddMembers(context.Background(), tc.set, tc.names...)
		assert.ErrorIs(t, err, ErrInvalidInput, "%+v", tc)
		err = c.VolumeSets.RemoveMembers(context.Background(), tc.set, tc.names...)
		assert.ErrorIs(t, err, ErrInvalidInput, "%+v", tc)
	}
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestVolumeSetsRemoveMembers(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", respondOKEmpty)
	require.NoError(t, c.VolumeSets.RemoveMembers(context.Background(), "pool1", "c-web01"))
	require.Len(t, *bodies, 1)
	assert.Equal(t, map[string]any{"action": float64(2), "setmembers": []any{"c-web01"}}, (*bodies)[0])

	for _, answer := range []httpmock.Responder{
		errorResponder(http.StatusNotFound, 0, "not a member"),    // MEMBER_NOT_IN_SET has no published number
		errorResponder(http.StatusNotFound, 9999, "not a member"), // nor does the client depend on one
		errorResponder(http.StatusNotFound, CodeNonExistentVolume, "volume gone"),
	} {
		// c-web09 is not a member: only c-web02 is sent again.
		c, m := newMock(t)
		bodies := recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", answer, respondOKEmpty)
		m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
		require.NoError(t, c.VolumeSets.RemoveMembers(context.Background(), "pool1", "c-web09", "c-web02"))
		require.Len(t, *bodies, 2)
		assert.Equal(t, map[string]any{"action": float64(2), "setmembers": []any{"c-web02"}}, (*bodies)[1])
	}

	// None of them is a member: done after the read.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", errorResponder(http.StatusNotFound, 9999, "not a member"))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", goldenResponder(t, http.StatusOK, "volumeset.json"))
	require.NoError(t, c.VolumeSets.RemoveMembers(context.Background(), "pool1", "c-web09"))
	assert.Len(t, *bodies, 1)

	// The set itself is missing: ErrNotFound without a read.
	c, m = newMock(t)
	recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"gone", errorResponder(http.StatusNotFound, CodeNonExistentSet, "no set"))
	err := c.VolumeSets.RemoveMembers(context.Background(), "gone", "v1")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 2, m.GetTotalCallCount(), "login + PUT")

	// The read fails: the PUT's error is returned.
	c, m = newMock(t)
	recordBodies(t, m, http.MethodPut, testAPI+"/volumesets/"+"pool1", errorResponder(http.StatusNotFound, 9999, "not a member"))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumesets/pool1", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	err = c.VolumeSets.RemoveMembers(context.Background(), "pool1", "c-web01")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, ErrorCode(9999), apiErr.Code)
	assert.False(t, errors.Is(err, ErrPermission))
}
