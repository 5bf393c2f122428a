package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostSets(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.iscsiHost("h1", iqn1)
	c.iscsiHost("h2", iqn2)
	r := c.ok(201, "POST", "/hostsets", map[string]any{"name": "cluster", "comment": "web", "setmembers": []string{"h1", "h1"}})
	assert.Equal(t, "/api/v1/hostsets/cluster", r.header.Get("Location"))
	c.fails(409, codeExistentSet, "POST", "/hostsets", map[string]any{"name": "cluster"})
	c.fails(404, codeNonExistentHost, "POST", "/hostsets", map[string]any{"name": "x", "setmembers": []string{"nope"}})
	c.fails(400, codeMissingRequired, "POST", "/hostsets", map[string]any{"comment": "x"})
	c.fails(400, codeInvalidInput, "POST", "/hostsets", map[string]any{"name": "x", "bogus": 1})

	c.ok(200, "PUT", "/hostsets/cluster", map[string]any{"action": 1, "setmembers": []string{"h2"}})
	// MEMBER_IN_SET, as for volume sets (the same modify actions; named.go).
	c.fails(409, 104, "PUT", "/hostsets/cluster", map[string]any{"action": 1, "setmembers": []string{"h2"}})
	c.fails(404, codeNonExistentHost, "PUT", "/hostsets/cluster", map[string]any{"action": 1, "setmembers": []string{"zz"}})
	c.fails(400, codeBadEnumValue, "PUT", "/hostsets/cluster", map[string]any{"action": 3, "setmembers": []string{"h2"}})
	c.fails(400, codeMissingRequired, "PUT", "/hostsets/cluster", map[string]any{"action": 2})
	c.fails(404, codeNonExistentSet, "PUT", "/hostsets/nope", map[string]any{"action": 2, "setmembers": []string{"h2"}})
	got := c.ok(200, "GET", "/hostsets/cluster", nil).json(t)
	assert.Equal(t, []any{"h1", "h2"}, got["setmembers"])
	assert.Equal(t, "web", got["comment"])
	require.Len(t, c.ok(200, "GET", "/hostsets"+qs(`setmembers==h2`), nil).members(t), 1)
	require.Len(t, c.ok(200, "GET", "/hostsets", nil).members(t), 1)

	c.fails(409, PlaceholderCode, "DELETE", "/hosts/h2", nil) // HOST_IN_SET
	c.ok(200, "PUT", "/hostsets/cluster", map[string]any{"action": 2, "setmembers": []string{"h2"}})
	c.fails(404, PlaceholderCode, "PUT", "/hostsets/cluster", map[string]any{"action": 2, "setmembers": []string{"h2"}})
	c.ok(200, "DELETE", "/hosts/h2", nil)

	// A vLUN to the set exports the volume to every member; the set cannot go while exported.
	c.iscsiHost("h3", "iqn.1993-08.org.debian:01:0000000000b3")
	c.ok(200, "PUT", "/hostsets/cluster", map[string]any{"action": 1, "setmembers": []string{"h3"}})
	c.volume("v1", 256)
	loc := c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "v1", "hostname": "set:cluster", "lun": 0, "autoLun": true}).header.Get("Location")
	assert.Equal(t, "/api/v1/vluns/v1,0,set:cluster", loc)
	c.fails(409, codeExistentLUN, "POST", "/vluns", map[string]any{"volumeName": "v1", "hostname": "set:cluster", "lun": 0})
	c.fails(404, codeNonExistentSet, "POST", "/vluns", map[string]any{"volumeName": "v1", "hostname": "set:nope", "lun": 0})
	all := c.ok(200, "GET", "/vluns", nil).members(t)
	require.Len(t, all, 3) // template + one active record per member path
	for _, l := range all {
		assert.EqualValues(t, vlunTypeHostSet, l["type"])
	}
	c.fails(409, codeExportedVLUN, "DELETE", "/hostsets/cluster", nil)
	c.ok(200, "PUT", "/hostsets/cluster", map[string]any{"newName": "c2", "comment": "renamed"})
	c.fails(404, codeNonExistentHost, "DELETE", "/vluns/v1,0,set:cluster", nil) // no such set any more
	c.ok(200, "DELETE", "/vluns/v1,0,set:c2", nil)                              // the export followed the rename
	assert.Empty(t, c.ok(200, "GET", "/vluns", nil).members(t))
	st, ok := c.srv.Engine.HostSet("c2")
	require.True(t, ok)
	assert.Equal(t, "renamed", st.Comment)
	c.ok(200, "DELETE", "/hostsets/c2", nil)
	c.fails(404, codeNonExistentSet, "DELETE", "/hostsets/c2", nil)
	c.fails(404, codeNonExistentSet, "GET", "/hostsets/c2", nil)
	_, ok = c.srv.Engine.HostSet("c2")
	assert.False(t, ok)
}

// Host set names in GET and PUT paths are checked before the lookup (HPE's
// mock): an illegal character 400/69, too long 400/57.
func TestHostSetNameInPath(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{MaxNameLength: defaultMaxNameLength})
	long := "s2345678901234567890123456789012"
	c.fails(400, codeIllegalChar, "GET", "/hostsets/bad%25name", nil)
	c.fails(400, codeExceedsLength, "GET", "/hostsets/"+long, nil)
	c.fails(400, codeIllegalChar, "PUT", "/hostsets/bad!name", map[string]any{"comment": "x"})
	c.fails(400, codeExceedsLength, "PUT", "/hostsets/"+long, map[string]any{"comment": "x"})
	c.fails(404, codeNonExistentSet, "GET", "/hostsets/nope", nil)
}
