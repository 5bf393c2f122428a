package alletratest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTuneVolume(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, TaskDuration: time.Minute, CPGs: []string{defaultCPG, "FC_r6"}})
	c.volume("v1", 256)
	r := c.ok(200, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": "FC_r6", "conversionOperation": 2})
	id := c.taskID(r)
	v, _ := c.srv.Engine.Volume("v1")
	assert.Equal(t, "FC_r6", v.CPG)
	assert.EqualValues(t, provFull, v.ProvisioningType)
	task := c.ok(200, "GET", "/tasks/"+itoa(id), nil).json(t)
	assert.EqualValues(t, taskTypeConvertVV, task["type"])
	assert.EqualValues(t, taskActive, task["status"])
	c.fails(409, codeTuneInProgress, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 2, "snapCPG": "FC_r6"})
	c.fails(409, codeTuneInProgress, "DELETE", "/volumes/v1", nil)
	clk.Advance(time.Minute)
	assert.EqualValues(t, taskDone, c.ok(200, "GET", "/tasks/"+itoa(id), nil).json(t)["status"])

	r = c.ok(200, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 2, "snapCPG": "FC_r6"})
	assert.EqualValues(t, taskTypeMoveRegions, c.ok(200, "GET", "/tasks/"+itoa(c.taskID(r)), nil).json(t)["type"])
	v, _ = c.srv.Engine.Volume("v1")
	assert.Equal(t, "FC_r6", v.SnapCPG)
	clk.Advance(time.Minute)

	c.fails(400, codeMissingRequired, "PUT", "/volumes/v1", map[string]any{"action": 6})
	c.fails(400, codeMissingRequired, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1})
	c.fails(400, codeMissingRequired, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 2})
	c.fails(400, codeParamConflict, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 2, "snapCPG": "FC_r6", "userCPG": "FC_r6"})
	c.fails(400, codeBadEnumValue, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 3})
	c.fails(400, codeBadEnumValue, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": "FC_r6", "conversionOperation": 5})
	c.fails(400, codeInvalidInput, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": "FC_r6", "bogus": 1})
	c.fails(400, codeIllegalChar, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": "FC_r6", "keepVV": "a b"})
	c.fails(404, codeNonExistentCPG, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": "nope"})
	c.fails(404, codeNonExistentVolume, "PUT", "/volumes/nope", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": "FC_r6"})
	c.volume("keep", 256)
	c.fails(409, codeExistentVolume, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": "FC_r6", "keepVV": "keep"})
}

func TestResyncCopy(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, TaskDuration: time.Minute})
	c.volume("src", 256)
	c.volume("dst", 256)
	c.volume("other", 256)
	require.NoError(t, c.srv.Engine.WriteContent("src", "one"))
	copyBody := func(save bool) map[string]any {
		return map[string]any{"action": "createPhysicalCopy", "parameters": map[string]any{"destVolume": "dst", "saveSnapshot": save}}
	}
	c.ok(200, "POST", "/volumes/src", copyBody(true))
	// A resync while the offline copy runs: INV_OPERATION_VV_PCOPY_IN_PROGRESS, a named 409 with no public number.
	c.fails(409, PlaceholderCode, "PUT", "/volumes/dst", map[string]any{"action": 2})
	clk.Advance(time.Minute)
	require.NoError(t, c.srv.Engine.WriteContent("src", "two"))
	r := c.ok(200, "PUT", "/volumes/dst", map[string]any{"action": 2})
	task := c.ok(200, "GET", "/tasks/"+itoa(c.taskID(r)), nil).json(t)
	assert.EqualValues(t, taskTypePhysCopyResync, task["type"])
	got, err := c.srv.Engine.Content("dst")
	require.NoError(t, err)
	assert.Equal(t, "two", got)
	clk.Advance(time.Minute)

	c.fails(404, PlaceholderCode, "PUT", "/volumes/other", map[string]any{"action": 2}) // NON_EXISTENT_VVCOPY
	c.fails(404, codeNonExistentVolume, "PUT", "/volumes/nope", map[string]any{"action": 2})
	c.fails(400, codeInvalidInput, "PUT", "/volumes/dst", map[string]any{"action": 2, "bogus": true})
	// A copy without a saved snapshot cannot be resynchronised.
	c.ok(200, "POST", "/volumes/src", copyBody(false))
	clk.Advance(time.Minute)
	c.fails(404, PlaceholderCode, "PUT", "/volumes/dst", map[string]any{"action": 2})
}

// A tune to conversion 4 (DECO: dedup + compression) leaves the volume
// compressed and deduplicated, as a create with reduce does.
func TestTuneToDECOCompresses(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("v1", 256)
	c.taskID(c.ok(200, "PUT", "/volumes/v1", map[string]any{"action": 6, "tuneOperation": 1, "userCPG": defaultCPG, "conversionOperation": 4}))
	got := c.ok(200, "GET", "/volumes/v1", nil).json(t)
	assert.EqualValues(t, 1, got["compressionState"])
	assert.EqualValues(t, 1, got["deduplicationState"])
	assert.EqualValues(t, provTDVV, got["provisioningType"])
	c.ok(201, "POST", "/volumes", map[string]any{"name": "r", "cpg": defaultCPG, "sizeMiB": 256, "reduce": true})
	reduced := c.ok(200, "GET", "/volumes/r", nil).json(t)
	for _, k := range []string{"compressionState", "deduplicationState", "provisioningType"} {
		assert.Equal(t, reduced[k], got[k], k)
	}
}
