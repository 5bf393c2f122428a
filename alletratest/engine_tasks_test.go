package alletratest

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func snap(c *tc, parent, name string) {
	c.t.Helper()
	r := c.ok(201, "POST", "/volumes/"+parent, map[string]any{"action": "createSnapshot", "parameters": map[string]any{"name": name, "readOnly": true}})
	assert.Equal(c.t, "/api/v1/volumes/"+name, r.header.Get("Location"))
}

func pcopy(c *tc, src, dest string) resp {
	c.t.Helper()
	return c.do("POST", "/volumes/"+src, map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": dest, "saveSnapshot": false, "priority": 1}})
}

func TestSnapshotsAndInstantTasks(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("c-A", 1024)
	require.NoError(t, c.srv.Engine.WriteContent("c-A", "S1"))
	snap(c, "c-A", "sc-S1")
	require.NoError(t, c.srv.Engine.WriteContent("c-A", "A"))
	snap(c, "c-A", "sc-S2")
	c.fails(409, codeExistentVolume, "POST", "/volumes/c-A", map[string]any{"action": "createSnapshot", "parameters": map[string]any{"name": "sc-S1"}})
	c.fails(404, codeNonExistentVolume, "POST", "/volumes/nope", map[string]any{"action": "createSnapshot", "parameters": map[string]any{"name": "x"}})
	c.fails(400, codeMissingRequired, "POST", "/volumes/c-A", map[string]any{"action": "createSnapshot", "parameters": map[string]any{}})

	s, _ := c.srv.Engine.Volume("sc-S1")
	assert.EqualValues(t, copyVirtual, s.CopyType)
	assert.EqualValues(t, provSnap, s.ProvisioningType)
	assert.Equal(t, "c-A", s.CopyOf)
	assert.True(t, s.ReadOnly)
	assert.EqualValues(t, 1024, s.SizeMiB)
	assert.Equal(t, "S1", s.Content)

	// An offline physical copy into a pre-created volume (task duration 0).
	c.volume("c-X", 1024)
	r := pcopy(c, "c-A", "c-X")
	require.Equal(t, 200, r.status, string(r.body))
	assert.Equal(t, "/api/v1/volumes/c-X", r.header.Get("Location"))
	id := c.taskID(r)
	task := c.ok(200, "GET", "/tasks/"+strconv.Itoa(id)+"?view=excludeDetail", nil).json(t)
	assert.EqualValues(t, taskDone, task["status"])
	assert.EqualValues(t, taskTypeVVCopy, task["type"])
	x, _ := c.srv.Engine.Volume("c-X")
	assert.Equal(t, "A", x.Content)
	assert.EqualValues(t, copyBase, x.CopyType)

	snaps := c.ok(200, "GET", "/volumes"+qs(`copyOf==c-A AND copyType==3`), nil).members(t)
	require.Len(t, snaps, 2)
	assert.Equal(t, "sc-S1", snaps[0]["name"])

	// Promote restores the snapshot's content onto the parent.
	r = c.ok(200, "PUT", "/volumes/sc-S1", map[string]any{"action": 4})
	c.taskID(r)
	content, _ := c.srv.Engine.Content("c-A")
	assert.Equal(t, "S1", content)
	_, ok := c.srv.Engine.Volume("sc-S1")
	assert.True(t, ok, "the snapshot survives a promote")

	c.volume("small", 256)
	c.refused(409, "POST", "/volumes/c-A", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "small"}})
	r = pcopy(c, "c-A", "nope")
	assert.Equal(t, codeNonExistentVolume, r.code(t))
	c.refused(400, "POST", "/volumes/c-A", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "c-X", "destCPG": "SSD_r6"}})
}

func TestPromoteRefusals(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("c-A", 1024)
	snap(c, "c-A", "sc-S")
	c.iscsiHost("h", iqn1)
	loc := c.export("c-A", "h")
	c.refused(403, "PUT", "/volumes/sc-S", map[string]any{"action": 4})
	c.ok(200, "DELETE", loc[len("/api/v1"):], nil)
	c.ok(200, "PUT", "/volumes/c-A", map[string]any{"action": 3, "sizeMiB": 256})
	c.refused(409, "PUT", "/volumes/sc-S", map[string]any{"action": 4})
	c.fails(403, codeUnsupportedVVType, "PUT", "/volumes/c-A", map[string]any{"action": 4})
}

func TestSlowCopyOnManualClock(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, TaskDuration: 10 * time.Minute, SessionIdleTimeout: time.Hour})
	c.volume("src", 1024)
	c.volume("dst", 2048)
	require.NoError(t, c.srv.Engine.WriteContent("src", "TOKEN"))
	id := c.taskID(pcopy(c, "src", "dst"))

	d, _ := c.srv.Engine.Volume("dst")
	assert.EqualValues(t, copyPhysical, d.CopyType)
	assert.Equal(t, "src", d.CopyOf)
	task := c.ok(200, "GET", "/tasks/"+strconv.Itoa(id), nil).json(t)
	assert.EqualValues(t, taskActive, task["status"])
	assert.Equal(t, "-", task["finishTime"])

	// An offline copy in progress: a delete is 409/151 (as Cinder sees it
	// during a clone); a grow or another copy is
	// INV_OPERATION_VV_PCOPY_IN_PROGRESS, 409 without a public number.
	c.fails(409, codeTuneInProgress, "DELETE", "/volumes/dst", nil)
	c.fails(409, codeTuneInProgress, "DELETE", "/volumes/src", nil)
	c.refused(409, "PUT", "/volumes/dst", map[string]any{"action": 3, "sizeMiB": 256})
	r := c.refused(409, "POST", "/volumes/src", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "dst"}})
	assert.Contains(t, r.json(t)["desc"], "INV_OPERATION_VV_PCOPY_IN_PROGRESS")

	clk.Advance(9 * time.Minute)
	assert.EqualValues(t, taskActive, c.srv.Engine.Tasks()[0].Status)
	content, _ := c.srv.Engine.Content("dst")
	assert.Empty(t, content)
	clk.Advance(time.Minute)
	// Accessors settle tasks too.
	ts := c.srv.Engine.Tasks()
	assert.EqualValues(t, taskDone, ts[0].Status)
	assert.Equal(t, epoch.Add(10*time.Minute), ts[0].Finish)
	content, _ = c.srv.Engine.Content("dst")
	assert.Equal(t, "TOKEN", content)
	d, _ = c.srv.Engine.Volume("dst")
	assert.EqualValues(t, copyBase, d.CopyType)
	assert.Empty(t, d.CopyOf)
	c.ok(200, "DELETE", "/volumes/dst", nil)
}

func TestTaskCancelFailAndErrors(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, TaskDuration: time.Minute, SessionIdleTimeout: time.Hour})
	c.volume("src", 256)
	c.volume("dst", 256)
	require.NoError(t, c.srv.Engine.WriteContent("src", "X"))
	id := strconv.Itoa(c.taskID(pcopy(c, "src", "dst")))
	c.ok(200, "PUT", "/tasks/"+id, map[string]any{"action": 1})
	c.refused(400, "PUT", "/tasks/"+id, map[string]any{"action": 1})
	clk.Advance(time.Hour)
	task := c.ok(200, "GET", "/tasks/"+id, nil).json(t)
	assert.EqualValues(t, taskCancelled, task["status"])
	content, _ := c.srv.Engine.Content("dst")
	assert.Empty(t, content, "a cancelled copy has no effect")

	c.srv.Engine.FailNextTask()
	id2 := strconv.Itoa(c.taskID(pcopy(c, "src", "dst")))
	clk.Advance(time.Minute)
	task = c.ok(200, "GET", "/tasks/"+id2, nil).json(t)
	assert.EqualValues(t, taskFailed, task["status"])
	content, _ = c.srv.Engine.Content("dst")
	assert.Empty(t, content)

	c.srv.Engine.SetTaskDuration(0)
	id3 := strconv.Itoa(c.taskID(pcopy(c, "src", "dst")))
	assert.EqualValues(t, taskDone, c.ok(200, "GET", "/tasks/"+id3, nil).json(t)["status"])

	assert.Len(t, c.ok(200, "GET", "/tasks", nil).members(t), 3)
	c.fails(400, codeWrongType, "GET", "/tasks/abc", nil)
	c.fails(400, codeBelowRange, "GET", "/tasks/0", nil)
	c.fails(404, codeNonExistentTask, "GET", "/tasks/99", nil)
	c.fails(400, codeMissingRequired, "PUT", "/tasks/1", map[string]any{})
}

// NON_ACTIVE_TASK is documented as a 400 without a number.
func TestTaskCancelInactiveHasNoCode(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("src", 256)
	c.volume("dst", 256)
	id := strconv.Itoa(c.taskID(pcopy(c, "src", "dst")))
	c.refused(400, "PUT", "/tasks/"+id, map[string]any{"action": 1})
}

// A fixture task stays active for its time on the clock and changes nothing.
func TestStartTaskFixture(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, SessionIdleTimeout: 2 * time.Hour})
	ts := c.srv.Engine.StartTask(16, "background", time.Hour)
	got := c.ok(200, "GET", "/tasks/"+itoa(ts.ID), nil).json(t)
	assert.Equal(t, "background", got["name"])
	assert.EqualValues(t, taskActive, got["status"])
	clk.Advance(time.Hour)
	assert.EqualValues(t, taskDone, c.ok(200, "GET", "/tasks/"+itoa(ts.ID), nil).json(t)["status"])
	// Other tasks keep the configured duration (0: done at once).
	c.volume("v", 256)
	c.volume("w", 256)
	id := c.taskID(pcopy(c, "v", "w"))
	assert.EqualValues(t, taskDone, c.ok(200, "GET", "/tasks/"+itoa(id), nil).json(t)["status"])
}
