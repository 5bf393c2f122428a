package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linkedTC returns clients of two linked engines, with a periodic group
// "g" from a to b holding volume "v" (secondary auto-created).
func linkedTC(t *testing.T) (a, b *tc) {
	t.Helper()
	a, b = newTC(t, Config{}), newTC(t, Config{})
	Link(a.srv.Engine, b.srv.Engine, "arr-a", "arr-b")
	a.volume("v", 1024)
	a.ok(200, "POST", "/remotecopygroups", map[string]any{"name": "g",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 2, "userCPG": DefaultCPG}}})
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

	a.fails(404, CodeNonExistentRCGroup, "GET", "/remotecopygroups/nope", nil)
	a.fails(409, CodeExistentRCGroup, "POST", "/remotecopygroups", map[string]any{"name": "g",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 2}}})
	a.fails(403, CodeRCInvalidTarget, "POST", "/remotecopygroups", map[string]any{"name": "h",
		"targets": []any{map[string]any{"targetName": "other", "mode": 2}}})
	a.fails(400, CodeBadEnumValue, "POST", "/remotecopygroups", map[string]any{"name": "h",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 9}}})
	a.fails(400, CodeInvalidInput, "POST", "/remotecopygroups", map[string]any{"name": "h",
		"targets": []any{map[string]any{"targetName": "arr-b", "mode": 2, "snapCPG": DefaultCPG}}})
	a.refused(409, "PUT", "/remotecopygroups/g", map[string]any{"action": 1, "volumeName": "v", "volumeAutoCreation": true})
	a.refused(403, "PUT", "/remotecopygroups/g", map[string]any{"action": 5})
	b.refused(403, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})

	a.ok(200, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})
	a.fails(403, CodeRCGroupStarted, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})
	a.fails(400, CodeOther, "PUT", "/volumes/v", map[string]any{"action": 3, "sizeMiB": 1024})
	a.fails(403, CodeRCGroupStarted, "DELETE", "/remotecopygroups/g", nil)
	r := a.ok(200, "PUT", "/remotecopygroups/g", map[string]any{"action": 5})
	id := a.taskID(r)
	task := a.ok(200, "GET", "/tasks/"+itoa(id), nil).json(t)
	assert.EqualValues(t, TaskTypeRemoteCopySync, task["type"])
	assert.EqualValues(t, TaskDone, task["status"])
	g = a.ok(200, "GET", "/remotecopygroups/g", nil).json(t)
	assert.EqualValues(t, 3, g["targets"].([]any)[0].(map[string]any)["state"])
	assert.EqualValues(t, 3, g["volumes"].([]any)[0].(map[string]any)["remoteVolumes"].([]any)[0].(map[string]any)["syncStatus"])

	a.srv.Engine.SetRemoteCopyLinkDown(true)
	id = a.taskID(a.ok(200, "PUT", "/remotecopygroups/g", map[string]any{"action": 5}))
	assert.EqualValues(t, TaskFailed, a.ok(200, "GET", "/tasks/"+itoa(id), nil).json(t)["status"])
	assert.EqualValues(t, 5, a.ok(200, "GET", "/remotecopygroups/g", nil).json(t)["targets"].([]any)[0].(map[string]any)["state"])
	a.refused(403, "PUT", "/remotecopygroups/g", map[string]any{"action": 3})
	a.srv.Engine.SetRemoteCopyLinkDown(false)

	a.fails(501, CodeUnsupportedOperation, "POST", "/remotecopygroups/g", map[string]any{"action": 8})
	a.fails(400, CodeBadEnumValue, "POST", "/remotecopygroups/g", map[string]any{"action": 2})
	a.refused(403, "POST", "/remotecopygroups/g", map[string]any{"action": 7})
	a.fails(400, CodeParamConflict, "DELETE", "/remotecopygroups/g/volumes/v?keepSnap=true&removeSecondaryVolume=true", nil)
	a.ok(200, "DELETE", "/remotecopygroups/g/volumes/v?removeSecondaryVolume=true", nil)
	b.ok(404, "GET", "/volumes/v", nil)
	a.ok(200, "DELETE", "/remotecopygroups/g?keepSnap=false", nil)
	b.fails(404, CodeNonExistentRCGroup, "GET", "/remotecopygroups/g", nil)
}

func TestRemoteCopyUnlinkedEngine(t *testing.T) {
	t.Parallel()
	a := newTC(t, Config{})
	assert.Equal(t, "alletra-sim", a.ok(200, "GET", "/system", nil).json(t)["name"])
	assert.Empty(t, a.ok(200, "GET", "/remotecopytargets", nil).members(t))
	assert.Empty(t, a.ok(200, "GET", "/remotecopygroups", nil).members(t))
	a.ok(200, "GET", "/remotecopy", nil)
	a.refused(403, "POST", "/remotecopygroups", map[string]any{"name": "g",
		"targets": []any{map[string]any{"targetName": "x", "mode": 1}}})
}
