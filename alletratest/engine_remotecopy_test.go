package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linkedTC returns clients of two linked engines, with a periodic group
// "g" from a to b holding volume "v" (secondary auto-created).
func linkedTC(t *testing.T) (a, b *tc) {
	t.Helper()
	a, b = newTC(t, simConfig{}), newTC(t, simConfig{})
	linkEngines(a.srv.Engine, b.srv.Engine, "arr-a", "arr-b")
	a.volume("v", 1024)
	a.ok(200, "POST", "/remotecopygroups", map[string]any{"name": "g",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 2, "userCPG": defaultCPG}}})
	a.ok(200, "PUT", "/remotecopygroups/g", map[string]any{"action": 1, "volumeName": "v", "volumeAutoCreation": true})
	return a, b
}

func TestRemoteCopyWire(t *testing.T) {
	t.Parallel()
	a, b := linkedTC(t)
	assert.Equal(t, "arr-a", a.ok(200, "GET", "/system", nil).json(t)["name"])
	ts := a.ok(200, "GET", "/remotecopytargets", nil).members(t)
	require.Len(t, ts, 1)
	assert.Equal(t, "arr-b", ts[0]["name"])

	g := a.ok(200, "GET", "/remotecopygroups/g", nil).json(t)
	assert.EqualValues(t, 1, g["role"])
	target := g["targets"].([]any)[0].(map[string]any)
	assert.Equal(t, "arr-b", target["target"])
	assert.NotContains(t, target, "state", "a group never started has no state")
	vol := g["volumes"].([]any)[0].(map[string]any)
	assert.Equal(t, "v", vol["localVolumeName"])
	remote := vol["remoteVolumes"].([]any)[0].(map[string]any)
	assert.Equal(t, "v", remote["remoteVolumeName"])
	assert.NotContains(t, remote, "syncStatus", "not synchronized: no number is known")
	assert.EqualValues(t, 2, b.ok(200, "GET", "/remotecopygroups/g", nil).json(t)["role"])
	assert.Len(t, a.ok(200, "GET", "/remotecopygroups/g/volumes", nil).members(t), 1)
	a.ok(200, "GET", "/remotecopygroups/g/volumes/v", nil)

	a.fails(404, codeNonExistentRCGroup, "GET", "/remotecopygroups/nope", nil)
	a.fails(409, codeExistentRCGroup, "POST", "/remotecopygroups", map[string]any{"name": "g",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 2}}})
	a.fails(403, codeRCInvalidTarget, "POST", "/remotecopygroups", map[string]any{"name": "h",
		"targets": []any{map[string]any{"targetName": "other", "mode": 2}}})
	a.fails(400, codeBadEnumValue, "POST", "/remotecopygroups", map[string]any{"name": "h",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 9}}})
	a.fails(400, codeInvalidInput, "POST", "/remotecopygroups", map[string]any{"name": "h",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 2, "snapCPG": defaultCPG}}})
	a.refused(409, "PUT", "/remotecopygroups/g", map[string]any{"action": 1, "volumeName": "v", "volumeAutoCreation": true})
	a.refused(403, "PUT", "/remotecopygroups/g", map[string]any{"action": 5})
	b.refused(403, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})

	a.ok(200, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})
	a.fails(403, codeRCGroupStarted, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})
	a.fails(400, codeOther, "PUT", "/volumes/v", map[string]any{"action": 3, "sizeMiB": 1024})
	a.fails(403, codeRCGroupStarted, "DELETE", "/remotecopygroups/g", nil)
	r := a.ok(200, "PUT", "/remotecopygroups/g", map[string]any{"action": 5})
	id := a.taskID(r)
	task := a.ok(200, "GET", "/tasks/"+itoa(id), nil).json(t)
	assert.EqualValues(t, taskTypeRemoteCopySync, task["type"])
	assert.EqualValues(t, taskDone, task["status"])
	g = a.ok(200, "GET", "/remotecopygroups/g", nil).json(t)
	assert.EqualValues(t, 3, g["targets"].([]any)[0].(map[string]any)["state"])
	assert.EqualValues(t, 3, g["volumes"].([]any)[0].(map[string]any)["remoteVolumes"].([]any)[0].(map[string]any)["syncStatus"])

	a.srv.Engine.SetRemoteCopyLinkDown(true)
	id = a.taskID(a.ok(200, "PUT", "/remotecopygroups/g", map[string]any{"action": 5}))
	assert.EqualValues(t, taskFailed, a.ok(200, "GET", "/tasks/"+itoa(id), nil).json(t)["status"])
	assert.EqualValues(t, 5, a.ok(200, "GET", "/remotecopygroups/g", nil).json(t)["targets"].([]any)[0].(map[string]any)["state"])
	a.refused(403, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})
	a.srv.Engine.SetRemoteCopyLinkDown(false)

	a.fails(501, codeUnsupportedOperation, "POST", "/remotecopygroups/g", map[string]any{"action": 8})
	a.fails(400, codeBadEnumValue, "POST", "/remotecopygroups/g", map[string]any{"action": 2})
	a.refused(403, "POST", "/remotecopygroups/g", map[string]any{"action": 7})
	a.fails(400, codeParamConflict, "DELETE", "/remotecopygroups/g/volumes/v?keepSnap=true&removeSecondaryVolume=true", nil)
	a.ok(200, "DELETE", "/remotecopygroups/g/volumes/v?removeSecondaryVolume=true", nil)
	b.ok(404, "GET", "/volumes/v", nil)
	a.ok(200, "DELETE", "/remotecopygroups/g?keepSnap=false", nil)
	b.fails(404, codeNonExistentRCGroup, "GET", "/remotecopygroups/g", nil)
}

func TestRemoteCopyUnlinkedEngine(t *testing.T) {
	t.Parallel()
	a := newTC(t, simConfig{})
	assert.Equal(t, "alletra-sim", a.ok(200, "GET", "/system", nil).json(t)["name"])
	assert.Empty(t, a.ok(200, "GET", "/remotecopytargets", nil).members(t))
	assert.Empty(t, a.ok(200, "GET", "/remotecopygroups", nil).members(t))
	a.ok(200, "GET", "/remotecopy", nil)
	a.refused(403, "POST", "/remotecopygroups", map[string]any{"name": "g",
		"targets": []any{map[string]any{"targetName": "x", "mode": 1}}})
}

// A secondary volume is read-only until a failover: a grow is refused, as
// docs/wsapi-evidence.md says (RCOPY_GROUP_TARGET_VOL_IS_RO), also while the
// group is stopped or was never started; its size stays the primary's.
func TestRemoteCopySecondaryGrowRefused(t *testing.T) {
	t.Parallel()
	_, b := linkedTC(t)
	b.refused(403, "PUT", "/volumes/v", map[string]any{"action": 3, "sizeMiB": 1024})
	assert.EqualValues(t, 1024, b.ok(200, "GET", "/volumes/v", nil).json(t)["sizeMiB"])
}
