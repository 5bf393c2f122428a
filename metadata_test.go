package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumesSetMetadata(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	post := expectCall(t, m, http.MethodPost, testAPI+"/volumes/v1/objectKeyValues", "", obj{"key": "owner", "value": "lxd"}, okEmpty(201))
	require.NoError(t, c.Volumes.SetMetadata(ctx, "v1", "owner", "lxd"))
	assert.EqualValues(t, 1, post.Load())

	// The key exists (409/181): the value is updated with a PUT.
	c, m = newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/volumes/v1/objectKeyValues", "", obj{"key": "owner", "value": "lxd"},
		errorResponder(409, CodeExistentObjectKey, "key exists"))
	put := expectCall(t, m, http.MethodPut, testAPI+"/volumes/v1/objectKeyValues/owner", "", obj{"value": "lxd"}, okEmpty(200))
	require.NoError(t, c.Volumes.SetMetadata(ctx, "v1", "owner", "lxd"))
	assert.EqualValues(t, 1, put.Load())

	// A key with characters that need escaping stays one path segment.
	c, m = newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/volumes/v1/objectKeyValues", "", obj{"key": "a/b c", "value": ""},
		errorResponder(409, CodeExistentObjectKey, "key exists"))
	expectCall(t, m, http.MethodPut, testAPI+"/volumes/v1/objectKeyValues/a%2Fb%20c", "", obj{"value": ""}, okEmpty(200))
	require.NoError(t, c.Volumes.SetMetadata(ctx, "v1", "a/b c", ""))

	c, m = newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/volumes/nope/objectKeyValues", "", obj{"key": "k", "value": "v"},
		errorResponder(404, CodeNonExistentVolume, "no volume"))
	assert.ErrorIs(t, c.Volumes.SetMetadata(ctx, "nope", "k", "v"), ErrNotFound)

	n := m.GetTotalCallCount()
	assert.ErrorIs(t, c.Volumes.SetMetadata(ctx, "a b", "k", "v"), ErrInvalidInput)
	assert.ErrorIs(t, c.Volumes.SetMetadata(ctx, "v1", "", "v"), ErrInvalidInput)
	assert.ErrorIs(t, c.Volumes.SetMetadata(ctx, "v1", "..", "v"), ErrInvalidInput)
	_, err := c.Volumes.GetMetadata(ctx, "v1", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = c.Volumes.GetMetadata(ctx, "", "k")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = c.Volumes.ListMetadata(ctx, "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.ErrorIs(t, c.Volumes.DeleteMetadata(ctx, "v1", ""), ErrInvalidInput)
	assert.ErrorIs(t, c.Volumes.DeleteMetadata(ctx, "", "k"), ErrInvalidInput)
	_, err = c.Volumes.FindByMetadata(ctx, "", "v", nil)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount(), "bad input is refused before any I/O")
}

func TestVolumesGetListDeleteMetadata(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/volumes/v1/objectKeyValues/owner", "", nil,
		jsonText(200, `{"key":"owner","value":"lxd","creationTimeSec":1700000000,"creationTime8601":"2023-11-14T22:13:20Z"}`))
	expectCall(t, m, http.MethodGet, testAPI+"/volumes/v1/objectKeyValues/none", "", nil,
		errorResponder(404, CodeNonExistentObjectKey, "no key"))
	expectCall(t, m, http.MethodGet, testAPI+"/volumes/v1/objectKeyValues", "", nil,
		jsonText(200, `{"total":2,"members":[{"key":"owner","value":"lxd"},{"key":"tier","value":"gold","date_added":"x"}]}`))
	expectCall(t, m, http.MethodDelete, testAPI+"/volumes/v1/objectKeyValues/owner", "", nil, okEmpty(200))
	expectCall(t, m, http.MethodDelete, testAPI+"/volumes/v1/objectKeyValues/none", "", nil, errorResponder(404, CodeNonExistentObjectKey, "no key"))

	md, err := c.Volumes.GetMetadata(ctx, "v1", "owner")
	require.NoError(t, err)
	assert.Equal(t, &Metadata{Key: "owner", Value: "lxd", CreationTimeSec: 1700000000, CreationTime8601: "2023-11-14T22:13:20Z"}, md)
	_, err = c.Volumes.GetMetadata(ctx, "v1", "none")
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "180 NON_EXISTENT_OBJECT_KEY", apiErr.Code.String())

	all, err := c.Volumes.ListMetadata(ctx, "v1")
	require.NoError(t, err)
	assert.Equal(t, []Metadata{{Key: "owner", Value: "lxd"}, {Key: "tier", Value: "gold"}}, all)
	require.NoError(t, c.Volumes.DeleteMetadata(ctx, "v1", "owner"))
	assert.ErrorIs(t, c.Volumes.DeleteMetadata(ctx, "v1", "none"), ErrNotFound)
}

func TestVolumesFindByMetadata(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/volumes", `query=%22userCPG%3D%3DSSD_r6%22`, nil,
		jsonText(200, `{"total":3,"members":[{"name":"a"},{"name":"b"},{"name":"c"}]}`))
	expectCall(t, m, http.MethodGet, testAPI+"/volumes/a/objectKeyValues/owner", "", nil, jsonText(200, `{"key":"owner","value":"lxd"}`))
	expectCall(t, m, http.MethodGet, testAPI+"/volumes/b/objectKeyValues/owner", "", nil, errorResponder(404, CodeNonExistentObjectKey, "no key"))
	expectCall(t, m, http.MethodGet, testAPI+"/volumes/c/objectKeyValues/owner", "", nil, jsonText(200, `{"key":"owner","value":"cinder"}`))
	vols, err := c.Volumes.FindByMetadata(ctx, "owner", "lxd", &VolumeListOptions{Query: Eq("userCPG", "SSD_r6")})
	require.NoError(t, err)
	require.Len(t, vols, 1)
	assert.Equal(t, "a", vols[0].Name)

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/volumes", "", nil, jsonText(200, `{"total":1,"members":[{"name":"a"}]}`))
	expectCall(t, m, http.MethodGet, testAPI+"/volumes/a/objectKeyValues/owner", "", nil, errorResponder(403, CodePermissionDenied, "no"))
	_, err = c.Volumes.FindByMetadata(ctx, "owner", "lxd", nil)
	assert.ErrorIs(t, err, ErrPermission)

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/volumes", "", nil, errorResponder(403, CodePermissionDenied, "no"))
	_, err = c.Volumes.FindByMetadata(ctx, "owner", "lxd", nil)
	assert.ErrorIs(t, err, ErrPermission)
}
