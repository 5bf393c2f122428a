package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVLUNsISCSI(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("vol 1"[:3], 256)
	c.volume("v2", 256)
	c.iscsiHost("hostA", iqn1)
	assert.Equal(t, "/api/v1/vluns/vol,0,hostA", c.export("vol", "hostA"))
	// The documented quirk: a second export to an iSCSI host makes a second VLUN.
	assert.Equal(t, "/api/v1/vluns/vol,1,hostA", c.export("vol", "hostA"))
	assert.Equal(t, "/api/v1/vluns/v2,2,hostA", c.export("v2", "hostA"))

	recs := c.srv.Engine.VLUNs()
	require.Len(t, recs, 6)
	assert.False(t, recs[0].Active)
	assert.Empty(t, recs[0].PortPos)
	assert.EqualValues(t, vlunTypeHost, recs[0].Type)
	assert.True(t, recs[1].Active)
	assert.Equal(t, "0:2:1", recs[1].PortPos)
	assert.Equal(t, iqn1, recs[1].RemoteName)

	c.fails(409, codeExistentLUN, "POST", "/vluns", map[string]any{"volumeName": "v2", "hostname": "hostA", "lun": 1})
	c.fails(400, codeTooLarge, "POST", "/vluns", map[string]any{"volumeName": "v2", "hostname": "hostA", "lun": 16384})
	c.fails(404, codeNonExistentVolume, "POST", "/vluns", map[string]any{"volumeName": "zz", "hostname": "hostA", "lun": 5})
	c.fails(404, codeNonExistentHost, "POST", "/vluns", map[string]any{"volumeName": "v2", "hostname": "zz", "lun": 5})
	c.fails(400, codeMissingRequired, "POST", "/vluns", map[string]any{"volumeName": "v2", "hostname": "hostA"})
	r := c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "v2", "hostname": "hostA", "lun": 7})
	assert.Equal(t, "/api/v1/vluns/v2,7,hostA", r.header.Get("Location"))

	got := c.ok(200, "GET", "/vluns/vol,1,hostA", nil).members(t)
	assert.Len(t, got, 2)
	got = c.ok(200, "GET", "/vluns/vol,1,hostA,0:2:1", nil).members(t)
	require.Len(t, got, 1)
	assert.Equal(t, true, got[0]["active"])
	c.fails(404, codeNonExistentVLUN, "GET", "/vluns/vol,9,hostA", nil)

	q := c.ok(200, "GET", "/vluns"+qs(`volumeName==v2`), nil).members(t)
	assert.Len(t, q, 4)
	q = c.ok(200, "GET", "/vluns"+qs(`volumeName EQ v2 AND lun EQ 7`), nil).members(t)
	assert.Len(t, q, 2)
	q = c.ok(200, "GET", "/vluns"+qs20(`hostname==hostA AND active==false`), nil).members(t)
	assert.Len(t, q, 4)

	c.ok(200, "DELETE", "/vluns/vol,1,hostA", nil)
	c.fails(404, codeNonExistentVLUN, "DELETE", "/vluns/vol,1,hostA", nil)
	c.fails(404, codeNonExistentHost, "DELETE", "/vluns/vol,0,nohost", nil)
	assert.Len(t, c.srv.Engine.VLUNs(), 6)
}

func TestVLUNsNVMe(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("a", 256)
	c.volume("b", 256)
	c.volume("c", 256)
	c.nvmeHost("n1", nqn1)
	assert.Equal(t, "/api/v1/vluns/a,1,n1", c.export("a", "n1"), "NVMe LUNs start at 1")
	c.fails(400, codeOther, "POST", "/vluns", map[string]any{"volumeName": "a", "hostname": "n1", "lun": 0, "autoLun": true})
	c.fails(400, codeExceedsRange, "POST", "/vluns", map[string]any{"volumeName": "b", "hostname": "n1", "lun": 0})
	c.fails(400, codeExceedsRange, "POST", "/vluns", map[string]any{"volumeName": "b", "hostname": "n1", "lun": 257})
	c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "b", "hostname": "n1", "lun": 0, "autoLun": true, "maxAutoLun": 2})
	c.refused(409, "POST", "/vluns", map[string]any{"volumeName": "c", "hostname": "n1", "lun": 0, "autoLun": true, "maxAutoLun": 2})

	recs := c.ok(200, "GET", "/vluns"+qs(`volumeName==a`), nil).members(t)
	require.Len(t, recs, 2)
	for _, r := range recs {
		assert.Contains(t, r["Subsystem_NQN"], "nqn.2020-07.com.hpe:")
	}
	assert.Equal(t, map[string]any{"node": 0.0, "slot": 3.0, "cardPort": 1.0}, recs[1]["portPos"])
	assert.Equal(t, nqn1, recs[1]["remoteName"])
}

func TestVLUNMultiHostUnexport(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("v", 256)
	c.iscsiHost("hostA", iqn1)
	c.iscsiHost("hostB", iqn2)
	c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "v", "hostname": "hostA", "lun": 1})
	c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "v", "hostname": "hostB", "lun": 3})
	c.ok(200, "DELETE", "/vluns/v,3,hostB", nil)
	for _, l := range c.srv.Engine.VLUNs() {
		assert.Equal(t, "hostA", l.Hostname)
	}
	c.fails(404, codeNonExistentVLUN, "DELETE", "/vluns/v,3,hostB", nil)
	c.fails(409, codeExportedVLUN, "DELETE", "/hosts/hostA", nil)
	c.ok(200, "DELETE", "/vluns/v,1,hostA", nil)
	assert.Empty(t, c.ok(200, "GET", "/vluns"+qs(`hostname==hostA`), nil).members(t))
	c.ok(200, "DELETE", "/hosts/hostA", nil)
}

// LXD's shipped client escapes the whole vLUN id, commas included.
func TestVLUNIDPercentEncoded(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("v1", 256)
	c.iscsiHost("host1", iqn1)
	c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "v1", "hostname": "host1", "lun": 1})
	got := c.ok(200, "GET", "/vluns/v1%2C1%2Chost1", nil).members(t)
	assert.Len(t, got, 2)
	c.ok(200, "DELETE", "/vluns/v1%2c1%2Chost1", nil)
	assert.Empty(t, c.srv.Engine.VLUNs())
	c.fails(404, codeNonExistentVLUN, "DELETE", "/vluns/v1%2C1%2Chost1", nil)
}

// LXD sees 400 with code 29 (OTHER) when it exports a volume to an NVMe
// host a second time.
func TestVLUNDuplicateNVMeExportIsOther(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("a", 256)
	c.nvmeHost("n1", nqn1)
	c.export("a", "n1")
	c.fails(400, codeOther, "POST", "/vluns", map[string]any{"volumeName": "a", "hostname": "n1", "lun": 0, "autoLun": true})
	assert.Len(t, c.srv.Engine.VLUNs(), 2, "nothing added")
}

// HPE's mock answers 400 INV_INPUT_PORT_SPECIFICATION for a vLUN delete
// naming a port the vLUN is not on.
func TestVLUNDeleteUnknownPort(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("v", 256)
	c.iscsiHost("h", iqn1)
	c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "v", "hostname": "h", "lun": 1})
	c.fails(400, codePortSpecification, "DELETE", "/vluns/v,1,h,9:9:9", nil)
	c.fails(400, codePortSpecification, "DELETE", "/vluns/v,1,h,1:2:1", nil)
	assert.Len(t, c.srv.Engine.VLUNs(), 2, "nothing removed")
	c.ok(200, "DELETE", "/vluns/v,1,h,0:2:1", nil)
	c.fails(400, codePortSpecification, "DELETE", "/vluns/v,7,h,9:9:9", nil)
	c.fails(404, codeNonExistentVLUN, "DELETE", "/vluns/v,7,h,0:2:1", nil)
}

// AUTO_LUN_ID_UNAVAILABLE is documented as a 409 without a number.
func TestVLUNAutoLUNUnavailableHasNoCode(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("a", 256)
	c.volume("b", 256)
	c.nvmeHost("n1", nqn1)
	c.ok(201, "POST", "/vluns", map[string]any{"volumeName": "a", "hostname": "n1", "lun": 1})
	c.refused(409, "POST", "/vluns", map[string]any{"volumeName": "b", "hostname": "n1", "lun": 0, "autoLun": true, "maxAutoLun": 1})
}
