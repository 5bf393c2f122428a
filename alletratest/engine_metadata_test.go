package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadata(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{MaxNameLength: defaultMaxNameLength})
	c.volume("v1", 256)
	c.ok(201, "POST", "/volumes/v1/objectKeyValues", map[string]any{"key": "owner", "value": "cinder"})
	c.fails(409, codeExistentObjectKey, "POST", "/volumes/v1/objectKeyValues", map[string]any{"key": "owner", "value": "x"})
	c.fails(404, codeNonExistentVolume, "POST", "/volumes/nope/objectKeyValues", map[string]any{"key": "k", "value": "v"})
	c.fails(400, codeMissingRequired, "POST", "/volumes/v1/objectKeyValues", map[string]any{"key": "k"})
	c.fails(400, codeIllegalChar, "POST", "/volumes/v1/objectKeyValues", map[string]any{"key": "a@b", "value": "v"})
	c.fails(400, codeExceedsLength, "POST", "/volumes/v1/objectKeyValues", map[string]any{"key": "k", "value": "0123456789012345678901234567890123"})

	got := c.ok(200, "GET", "/volumes/v1/objectKeyValues/owner", nil).json(t)
	assert.Equal(t, "cinder", got["value"])
	assert.NotEmpty(t, got["creationTime8601"])
	c.ok(200, "PUT", "/volumes/v1/objectKeyValues/owner", map[string]any{"value": "lxd"})
	c.fails(404, codeNonExistentObjectKey, "PUT", "/volumes/v1/objectKeyValues/none", map[string]any{"value": "x"})
	c.fails(400, codeMissingRequired, "PUT", "/volumes/v1/objectKeyValues/owner", map[string]any{})
	c.ok(201, "POST", "/volumes/v1/objectKeyValues", map[string]any{"key": "tier", "value": "gold"})
	m := c.ok(200, "GET", "/volumes/v1/objectKeyValues", nil).members(t)
	require.Len(t, m, 2)
	assert.Equal(t, "lxd", m[0]["value"])

	// Metadata follows a rename and goes with the volume.
	c.ok(200, "PUT", "/volumes/v1", map[string]any{"newName": "v2"})
	assert.Equal(t, map[string]string{"owner": "lxd", "tier": "gold"}, c.srv.Engine.Metadata("v2"))
	c.ok(200, "DELETE", "/volumes/v2/objectKeyValues/tier", nil)
	c.fails(404, codeNonExistentObjectKey, "DELETE", "/volumes/v2/objectKeyValues/tier", nil)
	c.fails(404, codeNonExistentObjectKey, "GET", "/volumes/v2/objectKeyValues/tier", nil)
	c.fails(404, codeNonExistentVolume, "GET", "/volumes/v1/objectKeyValues", nil)
	c.ok(200, "DELETE", "/volumes/v2", nil)
	c.volume("v2", 256)
	assert.Empty(t, c.srv.Engine.Metadata("v2"), "a new volume of the same name starts without metadata")
	assert.Nil(t, c.srv.Engine.Metadata("nope"))
}

// A metadata DELETE checks its key as GET and PUT do.
func TestMetadataDeleteIllegalKey(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("v1", 256)
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		c.fails(400, codeIllegalChar, m, "/volumes/v1/objectKeyValues/a@b", map[string]any{"value": "x"})
	}
}
