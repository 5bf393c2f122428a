package sim

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamedErrorsHaveDocumentedStatuses(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, NamedErrors())
	for _, n := range NamedErrors() {
		assert.Contains(t, []int{400, 403, 404, 409, 503}, n.Status(), n)
		want := 0
		if n == ErrMemberInSet {
			want = 104
		}
		assert.Equal(t, want, (&Config{}).namedCode(n), n)
	}
	assert.Zero(t, NamedError("NOT_A_NAME").Status())
}

// A user who knows their array's numbers sets them; a test can set any
// number to check that a client does not depend on one.
func TestNamedErrorCodesOption(t *testing.T) {
	t.Parallel()
	c := newTC(t, Config{NamedErrorCodes: map[NamedError]int{
		ErrVVExported: 7001, ErrNonActiveTask: 7002, ErrMemberInSet: 0, ErrMemberNotInSet: 7003,
		ErrCopyParentTooBig: 7004, ErrInvalidQueryString: 7005,
	}})
	c.volume("a", 1024)
	c.volume("small", 256)
	snap(c, "a", "sa")
	c.iscsiHost("h", iqn1)
	c.export("a", "h")
	r := c.fails(403, 7001, "PUT", "/volumes/sa", map[string]any{"action": 4})
	assert.Contains(t, r.json(t)["desc"], string(ErrVVExported))
	c.fails(409, 7004, "POST", "/volumes/a", map[string]any{"action": "createPhysicalCopy", "parameters": map[string]any{"destVolume": "small"}})
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "s", "setmembers": []string{"a"}})
	c.refused(409, "PUT", "/volumesets/s", map[string]any{"action": 1, "setmembers": []string{"a"}})
	c.fails(404, 7003, "PUT", "/volumesets/s", map[string]any{"action": 2, "setmembers": []string{"small"}})
	c.fails(400, 7005, "GET", "/volumes"+qs(`nope==1`), nil)
}

func TestNamedErrorCodesOptionTask(t *testing.T) {
	t.Parallel()
	c := newTC(t, Config{NamedErrorCodes: map[NamedError]int{ErrNonActiveTask: 7002}})
	c.volume("src", 256)
	c.volume("dst", 256)
	id := strconv.Itoa(c.taskID(pcopy(c, "src", "dst")))
	c.fails(400, 7002, "PUT", "/tasks/"+id, map[string]any{"action": 1})
}

// Busy answers depend on what runs: an online copy gives 151 (seen by
// flowkit and Cinder), an offline copy and a promote their named 409s.
func TestBusyAnswersByTask(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, Config{Clock: clk, TaskDuration: time.Hour, SessionIdleTimeout: 2 * time.Hour})
	c.volume("a", 256)
	c.ok(200, "POST", "/volumes/a", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "a-online", "online": true, "destCPG": DefaultCPG, "tpvv": true}})
	c.fails(409, CodeTuneInProgress, "DELETE", "/volumes/a-online", nil)

	c.volume("b", 256)
	snap(c, "b", "sb")
	c.taskID(c.ok(200, "PUT", "/volumes/sb", map[string]any{"action": 4}))
	r := c.refused(409, "PUT", "/volumes/b", map[string]any{"action": 3, "sizeMiB": 256})
	assert.Contains(t, r.json(t)["desc"], string(ErrPromoteInProgress))
	r = c.refused(409, "DELETE", "/volumes/sb", nil)
	assert.Contains(t, r.json(t)["desc"], string(ErrPromoteInProgress))
}
