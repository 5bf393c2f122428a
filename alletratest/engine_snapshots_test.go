package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// python-3parclient's promoteVirtualCopy: an online promote is the way to
// promote while the parent is exported; an offline one is refused with 403
// INV_OPERATION_VV_EXPORTED; priority does not apply to an online promote
// (409 INV_OPERATION_PARAM_CONFLICT). Neither symbol has a public number.
func TestPromoteWhileExported(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("c-A", 1024)
	require.NoError(t, c.srv.Engine.WriteContent("c-A", "OLD"))
	snap(c, "c-A", "sc-S")
	require.NoError(t, c.srv.Engine.WriteContent("c-A", "NEW"))
	c.iscsiHost("h", iqn1)
	c.export("c-A", "h")

	c.refused(403, "PUT", "/volumes/sc-S", map[string]any{"action": 4})
	c.refused(403, "PUT", "/volumes/sc-S", map[string]any{"action": 4, "online": false})
	c.refused(409, "PUT", "/volumes/sc-S", map[string]any{"action": 4, "online": true, "priority": 1})
	content, _ := c.srv.Engine.Content("c-A")
	assert.Equal(t, "NEW", content, "refusals change nothing")

	c.taskID(c.ok(200, "PUT", "/volumes/sc-S", map[string]any{"action": 4, "online": true}))
	content, _ = c.srv.Engine.Content("c-A")
	assert.Equal(t, "OLD", content)
}

// PARENT_SIZE_HAS_INCREASED is documented as a 409 without a number.
func TestPromoteParentGrownHasNoCode(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("c-A", 1024)
	snap(c, "c-A", "sc-S")
	c.ok(200, "PUT", "/volumes/c-A", map[string]any{"action": 3, "sizeMiB": 256})
	c.refused(409, "PUT", "/volumes/sc-S", map[string]any{"action": 4})
}
