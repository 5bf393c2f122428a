package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQoS(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "gold"})
	r := c.ok(201, "POST", "/qos", map[string]any{"name": "gold", "type": 1, "ioMaxLimit": 5000, "bwMaxLimitKB": 102400, "priority": 3})
	assert.Empty(t, r.header.Get("Location"), "HPE's mock answers 201 without a Location")
	c.fails(400, codeExistentQoSRule, "POST", "/qos", map[string]any{"name": "gold", "type": 1})
	c.fails(404, codeInvalidQoSTargetObj, "POST", "/qos", map[string]any{"name": "nope", "type": 1})
	c.fails(400, codeBadEnumValue, "POST", "/qos", map[string]any{"name": "gold", "type": 3})
	c.fails(400, codeMissingRequired, "POST", "/qos", map[string]any{"name": "gold"})
	c.fails(400, codeInvalidInput, "POST", "/qos", map[string]any{"name": "gold", "type": 1, "ioMax": 1})
	c.fails(400, codeBelowRange, "POST", "/qos", map[string]any{"name": "x", "type": 1, "ioMaxLimit": -1})
	c.fails(400, PlaceholderCode, "POST", "/qos", map[string]any{"name": "x", "type": 1, "ioMinGoal": 10, "ioMaxLimit": 5})

	got := c.ok(200, "GET", "/qos/vvset:gold", nil).json(t)
	assert.Equal(t, "gold", got["name"])
	assert.EqualValues(t, 1, got["type"])
	assert.EqualValues(t, 5000, got["ioMaxLimit"])
	assert.Equal(t, true, got["enable"])

	c.ok(200, "PUT", "/qos/vvset:gold", map[string]any{"enable": false, "ioMaxLimit": 6000})
	st, ok := c.srv.Engine.QoSRule("vvset:gold")
	require.True(t, ok)
	assert.False(t, st.Enabled)
	assert.EqualValues(t, 6000, st.IOMaxLimit)
	assert.EqualValues(t, 102400, st.BwMaxLimitKB, "members not sent are kept")
	c.fails(400, PlaceholderCode, "PUT", "/qos/vvset:gold", map[string]any{"ioMinGoal": 7000})

	// A volume set that a rule targets cannot be deleted (VVSET_QOS_TARGET).
	c.fails(409, PlaceholderCode, "DELETE", "/volumesets/gold", nil)
	c.ok(200, "PUT", "/volumesets/gold", map[string]any{"newName": "gold2"})
	c.ok(200, "GET", "/qos/vvset:gold2", nil)

	c.ok(201, "POST", "/qos", map[string]any{"name": "all_others", "type": 2, "ioMaxLimit": 100})
	c.fails(400, codeExistentQoSRule, "POST", "/qos", map[string]any{"name": "sys:all_others", "type": 2})
	c.fails(404, codeInvalidQoSTargetObj, "POST", "/qos", map[string]any{"name": "everything", "type": 2})
	require.Len(t, c.ok(200, "GET", "/qos", nil).members(t), 2)

	c.fails(404, codeInvalidQoSTargetObj, "GET", "/qos/host:x", nil)
	c.fails(404, codeInvalidQoSTargetObj, "GET", "/qos/vvset:nope", nil)
	c.ok(200, "DELETE", "/qos/sys:all_others", nil)
	c.fails(404, codeNonExistentQoSRule, "DELETE", "/qos/sys:all_others", nil)
	c.ok(200, "DELETE", "/qos/vvset:gold2", nil)
	c.fails(404, codeNonExistentQoSRule, "GET", "/qos/vvset:gold2", nil)
	c.fails(404, codeNonExistentQoSRule, "PUT", "/qos/vvset:gold2", map[string]any{"enable": true})
	c.ok(200, "DELETE", "/volumesets/gold2", nil)
	_, ok = c.srv.Engine.QoSRule("vvset:gold2")
	assert.False(t, ok)
}
