package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// HPE's mock applies flashCachePolicy on PUT /volumesets/<name> and shows it
// in GET (1 enabled, 2 disabled); priority is a taskPriority (1-3).
func TestVolumeSetFlashCachePolicyAndPriority(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "pool1"})
	assert.EqualValues(t, 2, c.ok(200, "GET", "/volumesets/pool1", nil).json(t)["flashCachePolicy"])
	c.ok(200, "PUT", "/volumesets/pool1", map[string]any{"flashCachePolicy": 1})
	assert.EqualValues(t, 1, c.ok(200, "GET", "/volumesets/pool1", nil).json(t)["flashCachePolicy"])
	assert.EqualValues(t, 1, c.ok(200, "GET", "/volumesets", nil).members(t)[0]["flashCachePolicy"])
	c.fails(400, codeBadEnumValue, "PUT", "/volumesets/pool1", map[string]any{"flashCachePolicy": 3})
	c.fails(400, codeExceedsRange, "PUT", "/volumesets/pool1", map[string]any{"priority": 4})
	c.ok(200, "PUT", "/volumesets/pool1", map[string]any{"priority": 3})
	assert.EqualValues(t, 1, c.ok(200, "GET", "/volumesets/pool1", nil).json(t)["flashCachePolicy"])
}

// MEMBER_NOT_IN_SET is documented as a 404 without a number; MEMBER_IN_SET
// as a 409 that a third-party client reads as code 104.
func TestVolumeSetMemberErrors(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("a", 256)
	c.volume("b", 256)
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "pool1", "setmembers": []string{"a"}})
	c.fails(409, 104, "PUT", "/volumesets/pool1", map[string]any{"action": 1, "setmembers": []string{"b", "a"}})
	c.refused(404, "PUT", "/volumesets/pool1", map[string]any{"action": 2, "setmembers": []string{"b"}})
	c.refused(400, "GET", "/volumesets"+qs(`bogus==a`), nil)
}

func TestVolumeSetStateShowsPolicyAndPriority(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "pool1"})
	st, _ := c.srv.Engine.VolumeSet("pool1")
	assert.Equal(t, flashCacheDisabled, st.FlashCachePolicy)
	assert.Zero(t, st.Priority)
	c.ok(200, "PUT", "/volumesets/pool1", map[string]any{"flashCachePolicy": 1, "priority": 3})
	st, _ = c.srv.Engine.VolumeSet("pool1")
	assert.Equal(t, flashCacheEnabled, st.FlashCachePolicy)
	assert.EqualValues(t, 3, st.Priority)
}
