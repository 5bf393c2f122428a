package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// GET /capacity answers what HPE's python client reads (PY-mock's shape):
// total, allocated, free and failed MiB, overall and per device type,
// agreeing with GET /system.
func TestCapacity(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("a", 1024)
	got := c.ok(200, "GET", "/capacity", nil).json(t)
	sys := c.ok(200, "GET", "/system", nil).json(t)
	for _, k := range []string{"allCapacity", "FCCapacity", "NLCapacity", "SSDCapacity"} {
		m, ok := got[k].(map[string]any)
		require.True(t, ok, k)
		for _, f := range []string{"totalMiB", "freeMiB", "failedCapacityMiB", "freeInitializedMiB",
			"freeUninitializedMiB", "unavailableCapacityMiB"} {
			assert.Contains(t, m, f, k)
		}
		alloc := m["allocated"].(map[string]any)
		assert.Contains(t, alloc, "totalAllocatedMiB", k)
		assert.Contains(t, alloc["volumes"], "CPGUserMiB", k)
		assert.Contains(t, alloc["system"], "spareMiB", k)
	}
	all := got["allCapacity"].(map[string]any)
	assert.Equal(t, sys["totalCapacityMiB"], all["totalMiB"])
	assert.Equal(t, sys["freeCapacityMiB"], all["freeMiB"])
	assert.Equal(t, sys["allocatedCapacityMiB"], all["allocated"].(map[string]any)["totalAllocatedMiB"])
	assert.EqualValues(t, 1024, all["allocated"].(map[string]any)["totalAllocatedMiB"])
	assert.Equal(t, all, got["SSDCapacity"], "an all-flash array")
	assert.EqualValues(t, 0, got["NLCapacity"].(map[string]any)["totalMiB"])

	float := newTC(t, simConfig{FloatCapacities: true})
	r := float.ok(200, "GET", "/capacity", nil)
	assert.Contains(t, string(r.body), `"totalMiB":62914560.0`)
}
