package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// HPE's python client reads GET /ports/<n:s:p>/iSCSIVlans/ as an object
// with an "iSCSIVlans" member and attaches it to the port itself: GET /ports
// carries no VLAN list, and a VLAN-tagged port without an untagged address
// reports IPAddr 0.0.0.0.
func TestPortVlansAnswerShape(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	body := c.ok(200, "GET", "/ports/1:2:1/iSCSIVlans/", nil).json(t)
	assert.NotContains(t, body, "members")
	vl, ok := body["iSCSIVlans"].([]any)
	require.True(t, ok, "%v", body)
	require.Len(t, vl, 1)
	assert.Equal(t, "10.0.1.12", vl[0].(map[string]any)["IPAddr"])
	assert.EqualValues(t, 100, vl[0].(map[string]any)["vlanTag"])

	ports := c.ok(200, "GET", "/ports", nil).members(t)
	tagged := ports[2]
	assert.Equal(t, map[string]any{"node": 1.0, "slot": 2.0, "cardPort": 1.0}, tagged["portPos"])
	assert.Equal(t, "0.0.0.0", tagged["IPAddr"])
	assert.NotContains(t, tagged, "iSCSIVlans")
	assert.Equal(t, "10.0.0.11", ports[1]["IPAddr"], "an untagged port keeps its address")
	assert.Equal(t, "0.0.0.0", c.ok(200, "GET", "/ports/1:2:1", nil).json(t)["IPAddr"])
}

// A VLAN-tagged port can also carry a real untagged address, which the
// array repeats as an "untagged" VLAN entry (Cinder 4482ec892, 255ccd6c6).
func TestPortUntaggedVlanEntry(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{UntaggedVlanEntry: true})
	ports := c.ok(200, "GET", "/ports", nil).members(t)
	assert.Equal(t, "10.0.1.11", ports[2]["IPAddr"])
	assert.EqualValues(t, 1, ports[2]["iSCSIPortInfo"].(map[string]any)["vlan"])
	vl := c.ok(200, "GET", "/ports/1:2:1/iSCSIVlans/", nil).json(t)["iSCSIVlans"].([]any)
	require.Len(t, vl, 2)
	assert.Equal(t, "10.0.1.11", vl[0].(map[string]any)["IPAddr"])
	assert.EqualValues(t, 0, vl[0].(map[string]any)["vlanTag"])
	assert.Equal(t, "10.0.1.12", vl[1].(map[string]any)["IPAddr"])
}
