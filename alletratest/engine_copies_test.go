package alletratest

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// python-3parclient's copyVolume: provisioning members are for online
// copies only; an offline copy with any of them is refused (400, number not
// public).
func TestPhysicalCopyOfflineProvisioningRefused(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("src", 256)
	c.volume("dst", 256)
	for _, member := range []string{"tpvv", "tdvv", "reduce", "compression"} {
		for _, v := range []bool{true, false} {
			r := c.do("POST", "/volumes/src", map[string]any{"action": "createPhysicalCopy",
				"parameters": map[string]any{"destVolume": "dst", member: v}})
			assert.Equal(t, 400, r.status, "%s=%v: %s", member, v, r.body)
			assert.Equal(t, member, r.json(t)["ref"])
		}
	}
	assert.Empty(t, c.srv.Engine.Tasks())
	// Online, the same members are accepted.
	c.ok(200, "POST", "/volumes/src", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "dst2", "online": true, "destCPG": defaultCPG, "tpvv": true}})
}

// python-3parclient's copyVolume: an exported destination is refused with
// 403 INV_OPERATION_VV_EXPORTED, a symbol without a public number.
func TestPhysicalCopyIntoExportedDestination(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("src", 256)
	c.volume("dst", 256)
	c.iscsiHost("h", iqn1)
	c.export("dst", "h")
	c.refused(403, "POST", "/volumes/src", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "dst"}})
	assert.Empty(t, c.srv.Engine.Tasks())
}

// COPY_PARENT_TOO_BIG is documented as a 409 without a number.
func TestPhysicalCopyParentTooBigHasNoCode(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("src", 1024)
	c.volume("small", 256)
	c.refused(409, "POST", "/volumes/src", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "small"}})
}

// HPE's python client finds a running online copy in GET /tasks by the
// destination volume's name (stopOnlinePhysicalCopy, _findTask).
func TestPhysicalCopyTaskNamedAfterDestination(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, TaskDuration: time.Hour, SessionIdleTimeout: 2 * time.Hour})
	c.volume("src", 256)
	c.volume("src2", 256)
	c.volume("dst", 256)
	off := c.taskID(pcopy(c, "src", "dst"))
	on := c.taskID(c.ok(200, "POST", "/volumes/src2", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "dst-online", "online": true, "destCPG": defaultCPG, "tpvv": true}}))
	tasks := c.ok(200, "GET", "/tasks", nil).members(t)
	require.Len(t, tasks, 2)
	assert.Equal(t, "dst", tasks[0]["name"])
	assert.EqualValues(t, taskTypeVVCopy, tasks[0]["type"])
	assert.Equal(t, "dst-online", tasks[1]["name"])
	assert.EqualValues(t, taskTypeOnlineCopy, tasks[1]["type"])
	assert.Equal(t, "dst", c.ok(200, "GET", "/tasks/"+strconv.Itoa(off), nil).json(t)["name"])
	assert.Equal(t, "dst-online", c.ok(200, "GET", "/tasks/"+strconv.Itoa(on), nil).json(t)["name"])
}

// Stopping a physical copy that is not running: HPE's python client names
// NON_EXISTENT_VVCOPY (404, "physical copy not found") without a number.
func TestStopPhysicalCopy(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, TaskDuration: time.Hour, SessionIdleTimeout: 2 * time.Hour})
	c.volume("src", 256)
	c.volume("dst", 256)
	c.refused(404, "PUT", "/volumes/dst", map[string]any{"action": 1})
	c.taskID(pcopy(c, "src", "dst"))
	c.ok(200, "PUT", "/volumes/dst", map[string]any{"action": 1})
	assert.EqualValues(t, taskCancelled, c.srv.Engine.Tasks()[0].Status)
	d, _ := c.srv.Engine.Volume("dst")
	assert.EqualValues(t, copyBase, d.CopyType)
	c.fails(404, codeNonExistentVolume, "PUT", "/volumes/nope", map[string]any{"action": 1})
}
