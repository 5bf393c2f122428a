package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hostSetJSON = `{"id":7,"uuid":"u-7","name":"cluster","domain":"","comment":"web","setmembers":["h1","h2"]}`

func TestHostSetsGetListFind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets/cluster", "", nil, jsonText(200, hostSetJSON))
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets/nope", "", nil, errorResponder(404, CodeNonExistentSet, "no set"))
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets", "", nil,
		jsonText(200, `{"total":2,"members":[`+hostSetJSON+`,{"id":8,"name":"other","setmembers":["h3"]}]}`))

	h, err := c.HostSets.Get(ctx, "cluster")
	require.NoError(t, err)
	assert.Equal(t, &HostSet{ID: 7, UUID: "u-7", Name: "cluster", Comment: "web", SetMembers: []string{"h1", "h2"}}, h)
	assert.True(t, h.Has("h2"))
	assert.False(t, h.Has("h3"))
	_, err = c.HostSets.Get(ctx, "nope")
	assert.ErrorIs(t, err, ErrNotFound)

	sets, err := c.HostSets.List(ctx)
	require.NoError(t, err)
	require.Len(t, sets, 2)
	found, err := c.HostSets.FindForHost(ctx, "h3")
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, "other", found[0].Name)
	found, err = c.HostSets.FindForHost(ctx, "h9")
	require.NoError(t, err)
	assert.Empty(t, found)

	n := m.GetTotalCallCount()
	for _, bad := range []string{"", "a b", "-x", "../x"} {
		_, err = c.HostSets.Get(ctx, bad)
		assert.ErrorIs(t, err, ErrInvalidInput, "%q", bad)
		_, err = c.HostSets.FindForHost(ctx, bad)
		assert.ErrorIs(t, err, ErrInvalidInput, "%q", bad)
		assert.ErrorIs(t, c.HostSets.Delete(ctx, bad), ErrInvalidInput)
		assert.ErrorIs(t, c.HostSets.AddMembers(ctx, "cluster", bad), ErrInvalidInput)
		assert.ErrorIs(t, c.HostSets.RemoveMembers(ctx, bad, "h1"), ErrInvalidInput)
	}
	assert.ErrorIs(t, c.HostSets.AddMembers(ctx, "cluster"), ErrInvalidInput)
	assert.ErrorIs(t, c.HostSets.Create(ctx, nil), ErrInvalidInput)
	assert.ErrorIs(t, c.HostSets.Create(ctx, &HostSetCreateRequest{Name: "x", Domain: "a b"}), ErrInvalidInput)
	assert.ErrorIs(t, c.HostSets.Create(ctx, &HostSetCreateRequest{Name: "x", Comment: string(make([]byte, 512))}), ErrInvalidInput)
	assert.ErrorIs(t, c.HostSets.Create(ctx, &HostSetCreateRequest{Name: "x", SetMembers: []string{"a b"}}), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount(), "bad input is refused before any I/O")

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets", "", nil, errorResponder(403, CodePermissionDenied, "no"))
	_, err = c.HostSets.FindForHost(ctx, "h1")
	assert.ErrorIs(t, err, ErrPermission)
}

func TestHostSetsCreateDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/hostsets", "", obj{"name": "cluster", "comment": "web", "setmembers": []string{"h1", "h2"}},
		respondCreatedAt("/api/v1/hostsets/cluster"))
	require.NoError(t, c.HostSets.Create(ctx, &HostSetCreateRequest{Name: "cluster", Comment: "web", SetMembers: []string{"h1", "h2", "h1"}}))

	// A lost answer, then "already exists": the set is read and counts as created when it is the one asked for.
	c, m = newMock(t)
	post, calls := sequence(okEmpty(http.StatusBadGateway), errorResponder(409, CodeExistentSet, "exists"))
	expectCall(t, m, http.MethodPost, testAPI+"/hostsets", "", obj{"name": "cluster", "comment": "web"}, post)
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets/cluster", "", nil, jsonText(200, hostSetJSON))
	require.NoError(t, c.HostSets.Create(ctx, &HostSetCreateRequest{Name: "cluster", Comment: "web"}))
	assert.EqualValues(t, 2, calls.Load())

	// Someone else's set of that name is a conflict.
	c, m = newMock(t)
	post, _ = sequence(okEmpty(http.StatusBadGateway), errorResponder(409, CodeExistentSet, "exists"))
	expectCall(t, m, http.MethodPost, testAPI+"/hostsets", "", obj{"name": "cluster", "comment": "db"}, post)
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets/cluster", "", nil, jsonText(200, hostSetJSON))
	err := c.HostSets.Create(ctx, &HostSetCreateRequest{Name: "cluster", Comment: "db"})
	assert.ErrorIs(t, err, ErrAlreadyExists)
	assert.ErrorIs(t, err, ErrConflict)

	c, m = newMock(t)
	expectCall(t, m, http.MethodDelete, testAPI+"/hostsets/cluster", "", nil, okEmpty(200))
	expectCall(t, m, http.MethodDelete, testAPI+"/hostsets/busy", "", nil, errorResponder(409, CodeExportedVLUN, "exported"))
	require.NoError(t, c.HostSets.Delete(ctx, "cluster"))
	err = c.HostSets.Delete(ctx, "busy")
	assert.ErrorIs(t, err, ErrInUse)
	assert.ErrorIs(t, err, ErrExported)
}

func TestHostSetsMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/hostsets/cluster", "", obj{"action": 1, "setmembers": []string{"h3"}}, okEmpty(200))
	require.NoError(t, c.HostSets.AddMembers(ctx, "cluster", "h3", "h3"))

	// The batch is refused because h1 is already there (a 409 without a
	// public code): the set is read and only h3 is sent again.
	c, m = newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/hostsets/cluster",
		errorResponder(409, 0, "member in set"), okEmpty(200))
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets/cluster", "", nil, jsonText(200, hostSetJSON))
	require.NoError(t, c.HostSets.AddMembers(ctx, "cluster", "h1", "h3"))
	require.Len(t, *bodies, 2)
	assert.Equal(t, []any{"h3"}, (*bodies)[1]["setmembers"])

	// Everything already there: nil after one write.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/hostsets/cluster", errorResponder(409, 0, "member in set"))
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets/cluster", "", nil, jsonText(200, hostSetJSON))
	require.NoError(t, c.HostSets.AddMembers(ctx, "cluster", "h1", "h2"))
	assert.Len(t, *bodies, 1)

	// Removing hosts that are not members (404 without a public code).
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/hostsets/cluster", errorResponder(404, 0, "not a member"), okEmpty(200))
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets/cluster", "", nil, jsonText(200, hostSetJSON))
	require.NoError(t, c.HostSets.RemoveMembers(ctx, "cluster", "h2", "h9"))
	require.Len(t, *bodies, 2)
	assert.Equal(t, obj{"action": float64(2), "setmembers": []any{"h2", "h9"}}, (*bodies)[0])
	assert.Equal(t, []any{"h2"}, (*bodies)[1]["setmembers"])

	// A missing set is not a membership question.
	c, m = newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/hostsets/nope", "", obj{"action": 2, "setmembers": []string{"h1"}},
		errorResponder(404, CodeNonExistentSet, "no set"))
	err := c.HostSets.RemoveMembers(ctx, "nope", "h1")
	assert.ErrorIs(t, err, ErrNotFound)
}

// TestHostDeleteInHostSet: a host delete refused because a host set lists
// the host (HOST_IN_SET: 409, no trusted number) is confirmed and classified.
func TestHostDeleteInHostSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodDelete, testAPI+"/hosts/h1", "", nil, errorResponder(409, 77, "host is a member of a set"))
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets", "", nil, jsonText(200, `{"total":1,"members":[`+hostSetJSON+`]}`))
	err := c.Hosts.Delete(ctx, "h1")
	assert.ErrorIs(t, err, ErrInHostSet)
	assert.ErrorIs(t, err, ErrInUse)
	assert.Contains(t, err.Error(), "cluster")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.EqualValues(t, 77, apiErr.Code)

	c, m = newMock(t)
	expectCall(t, m, http.MethodDelete, testAPI+"/hosts/h9", "", nil, errorResponder(409, 0, "other"))
	expectCall(t, m, http.MethodGet, testAPI+"/hostsets", "", nil, jsonText(200, `{"total":1,"members":[`+hostSetJSON+`]}`))
	assert.NotErrorIs(t, c.Hosts.Delete(ctx, "h9"), ErrInHostSet)

	c, m = newMock(t)
	expectCall(t, m, http.MethodDelete, testAPI+"/hosts/h1", "", nil, errorResponder(409, CodeExportedVLUN, "exported"))
	err = c.Hosts.Delete(ctx, "h1")
	assert.ErrorIs(t, err, ErrExported)
	assert.NotErrorIs(t, err, ErrInHostSet)
}
