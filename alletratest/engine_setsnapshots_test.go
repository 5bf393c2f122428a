package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumeSetSnapshot(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("a", 256)
	c.volume("b", 512)
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "pool1", "setmembers": []string{"a", "b"}})
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "bk"})
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "empty"})
	snap := func(params map[string]any) map[string]any {
		return map[string]any{"action": "createSnapshot", "parameters": params}
	}
	c.ok(201, "POST", "/volumesets/pool1", snap(map[string]any{"name": "@vvname@-s@count@", "readOnly": true,
		"expirationHours": 48, "retentionHours": 24, "comment": "nightly", "addToSet": "bk"}))
	sa, ok := c.srv.Engine.Volume("a-s0")
	require.True(t, ok)
	assert.Equal(t, "a", sa.CopyOf)
	assert.True(t, sa.ReadOnly)
	assert.Equal(t, "nightly", sa.Comment)
	assert.False(t, sa.Expiration.IsZero())
	sb, ok := c.srv.Engine.Volume("b-s1")
	require.True(t, ok)
	assert.EqualValues(t, 512, sb.SizeMiB)
	bk, _ := c.srv.Engine.VolumeSet("bk")
	assert.Equal(t, []string{"a-s0", "b-s1"}, bk.Members)

	c.fails(409, codeExistentVolume, "POST", "/volumesets/pool1", snap(map[string]any{"name": "@vvname@-s@count@"}))
	c.fails(400, PlaceholderCode, "POST", "/volumesets/pool1", snap(map[string]any{"name": "same"})) // INV_INPUT_DUP_NAME
	c.fails(400, codeIllegalChar, "POST", "/volumesets/pool1", snap(map[string]any{"name": "@y@"}))  // unknown pattern
	c.fails(404, codeNonExistentSet, "POST", "/volumesets/none", snap(map[string]any{"name": "x@count@"}))
	c.fails(404, PlaceholderCode, "POST", "/volumesets/empty", snap(map[string]any{"name": "x@count@"})) // EMPTY_SET
	c.fails(404, codeNonExistentSet, "POST", "/volumesets/pool1", snap(map[string]any{"name": "z@count@", "addToSet": "none"}))
	c.fails(409, codeExistentID, "POST", "/volumesets/pool1", snap(map[string]any{"name": "z@count@", "id": 900}))
	c.fails(400, codeMissingRequired, "POST", "/volumesets/pool1", snap(map[string]any{"readOnly": true}))
	c.fails(400, codeMissingRequired, "POST", "/volumesets/pool1", map[string]any{"action": "createSnapshot"})
	c.fails(400, codeMissingRequired, "POST", "/volumesets/pool1", map[string]any{"parameters": map[string]any{}})
	c.fails(400, codeInvalidInput, "POST", "/volumesets/pool1", map[string]any{"action": "nope", "parameters": map[string]any{}})
	c.fails(501, codeUnsupportedOperation, "POST", "/volumesets/pool1", map[string]any{"action": "createPhysicalCopy", "parameters": map[string]any{}})
	_, ok = c.srv.Engine.Volume("z0")
	assert.False(t, ok, "a refused request creates nothing")
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "solo", "setmembers": []string{"a"}})
	c.ok(201, "POST", "/volumesets/solo", snap(map[string]any{"name": "plain", "id": 900}))
	p, ok := c.srv.Engine.Volume("plain")
	require.True(t, ok)
	assert.Equal(t, 900, p.ID)
}
