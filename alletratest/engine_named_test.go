package alletratest

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamedErrorsHaveDocumentedStatuses(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, namedErrors())
	for _, n := range namedErrors() {
		assert.Contains(t, []int{400, 403, 404, 409, 503}, n.Status(), n)
		want := PlaceholderCode
		if n == errMemberInSet {
			want = 104
		}
		assert.Equal(t, want, (&simConfig{}).namedCode(n), n)
	}
	assert.Zero(t, namedError("NOT_A_NAME").Status())
}

// A user who knows their array's numbers sets them; a test can set any
// number to check that a client does not depend on one.
func TestNamedErrorCodesOption(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{NamedErrorCodes: map[namedError]int{
		errVVExported: 7001, errNonActiveTask: 7002, errMemberInSet: 0, errMemberNotInSet: 7003,
		errCopyParentTooBig: 7004, errInvalidQueryString: 7005,
	}})
	c.volume("a", 1024)
	c.volume("small", 256)
	snap(c, "a", "sa")
	c.iscsiHost("h", iqn1)
	c.export("a", "h")
	r := c.fails(403, 7001, "PUT", "/volumes/sa", map[string]any{"action": 4})
	assert.Contains(t, r.json(t)["desc"], string(errVVExported))
	c.fails(409, 7004, "POST", "/volumes/a", map[string]any{"action": "createPhysicalCopy", "parameters": map[string]any{"destVolume": "small"}})
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "s", "setmembers": []string{"a"}})
	r = c.do("PUT", "/volumesets/s", map[string]any{"action": 1, "setmembers": []string{"a"}})
	assert.Equal(t, 409, r.status)
	assert.NotContains(t, r.json(t), "code", "configured 0: no code member")
	c.fails(404, 7003, "PUT", "/volumesets/s", map[string]any{"action": 2, "setmembers": []string{"small"}})
	c.fails(400, 7005, "GET", "/volumes"+qs(`nope==1`), nil)
}

func TestNamedErrorCodesOptionTask(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{NamedErrorCodes: map[namedError]int{errNonActiveTask: 7002}})
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
	c := newTC(t, simConfig{Clock: clk, TaskDuration: time.Hour, SessionIdleTimeout: 2 * time.Hour})
	c.volume("a", 256)
	c.ok(200, "POST", "/volumes/a", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "a-online", "online": true, "destCPG": defaultCPG, "tpvv": true}})
	c.fails(409, codeTuneInProgress, "DELETE", "/volumes/a-online", nil)

	c.volume("b", 256)
	snap(c, "b", "sb")
	c.taskID(c.ok(200, "PUT", "/volumes/sb", map[string]any{"action": 4}))
	r := c.refused(409, "PUT", "/volumes/b", map[string]any{"action": 3, "sizeMiB": 256})
	assert.Contains(t, r.json(t)["desc"], string(errPromoteInProgress))
	r = c.refused(409, "DELETE", "/volumes/sb", nil)
	assert.Contains(t, r.json(t)["desc"], string(errPromoteInProgress))
}

// Every array error carries a numeric code (guide 1.2 p. 16); one the public
// record gives no number for carries PlaceholderCode, far from every
// published number.
func TestErrorsWithoutNumberCarryPlaceholder(t *testing.T) {
	t.Parallel()
	assert.Greater(t, PlaceholderCode, 9999)
	c := newTC(t, simConfig{})
	c.volume("a", 256)
	r := c.do("PUT", "/volumes/a", map[string]any{"action": 2}) // NON_EXISTENT_VVCOPY
	assert.Equal(t, 404, r.status)
	assert.EqualValues(t, PlaceholderCode, r.json(t)["code"], string(r.body))
	c.iscsiHost("h", iqn1)
	c.ok(201, "POST", "/hostsets", map[string]any{"name": "hs", "setmembers": []string{"h"}})
	c.fails(409, PlaceholderCode, "DELETE", "/hosts/h", nil) // HOST_IN_SET
	c.fails(400, PlaceholderCode, "GET", "/systemreporter/attime/cpgstatistics/hires?query=nope", nil)
}

// The named 503 limits are hard limits a test can provoke.
func TestVolumeAndSnapshotLimits(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{MaxVolumes: 2, MaxSnapshots: 1, NamedErrorCodes: map[namedError]int{errSnapshotLimitReached: 7010}})
	c.volume("a", 256)
	c.volume("b", 256)
	r := c.fails(503, PlaceholderCode, "POST", "/volumes", map[string]any{"name": "c", "cpg": defaultCPG, "sizeMiB": 256, "tpvv": true})
	assert.Contains(t, r.json(t)["desc"], string(errVVLimitReached))
	c.fails(503, PlaceholderCode, "POST", "/volumes/a", map[string]any{"action": "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "c", "online": true, "destCPG": defaultCPG, "tpvv": true}})
	snap(c, "a", "sa")
	r = c.fails(503, 7010, "POST", "/volumes/b", map[string]any{"action": "createSnapshot", "parameters": map[string]any{"name": "sb"}})
	assert.Contains(t, r.json(t)["desc"], string(errSnapshotLimitReached))
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "s", "setmembers": []string{"b"}})
	c.fails(503, 7010, "POST", "/volumesets/s", map[string]any{"action": "createSnapshot", "parameters": map[string]any{"name": "x@count@"}})
	c.ok(200, "DELETE", "/volumes/sa", nil)
	snap(c, "b", "sb")
	for _, n := range []namedError{errVVLimitReached, errVVIDLimitReached, errSnapshotLimitReached, errCPGAllocationWarningReached} {
		assert.Equal(t, 503, n.Status(), n)
	}
}
