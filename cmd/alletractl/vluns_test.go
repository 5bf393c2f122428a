package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportIsIdempotentAndUnexportKeepsTheHostUnlessAsked(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("volume", "create", "vol2", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("host", "ensure", "node1", "--iscsi", "iqn.1993-08.org.debian:01:node1")

	var first, again exportedVLUN
	require.NoError(t, json.Unmarshal([]byte(c.ok("vlun", "export", "vol1", "--host", "node1", "-o", "json")), &first))
	assert.True(t, first.Created)
	require.NoError(t, json.Unmarshal([]byte(c.ok("vlun", "export", "vol1", "--host", "node1", "-o", "json")), &again))
	assert.False(t, again.Created)
	assert.Equal(t, first.LUN, again.LUN)
	c.ok("vlun", "export", "vol2", "--host", "node1", "--lun", "7")
	assert.Regexp(t, `(?m)^vol2\s+7\s+node1\s+-\s+HOST\s+no$`, c.ok("vlun", "list", "--volume", "vol2"))
	assert.Equal(t, "vol1,0,node1\nvol2,7,node1\n", c.ok("vlun", "list", "--host", "node1", "-o", "name"))
	c.fails(exitNotFound, "vlun", "export", "nope", "--host", "node1")
	c.fails(exitInUse, "host", "delete", "node1") // still exported

	// the host keeps vol2's export, so it stays
	var un unexportView
	require.NoError(t, json.Unmarshal([]byte(c.ok("vlun", "unexport", "vol1", "--host", "node1", "-o", "json")), &un))
	assert.Equal(t, unexportView{Volume: "vol1", Host: "node1", Unexported: true}, un)
	c.fails(exitNotFound, "vlun", "unexport", "vol1", "--host", "node1")

	// the last export goes; the host stays unless asked (issue 22: no destructive default)
	require.NoError(t, json.Unmarshal([]byte(c.ok("vlun", "unexport", "vol2", "--host", "node1", "-o", "json")), &un))
	assert.Equal(t, unexportView{Volume: "vol2", Host: "node1", Unexported: true}, un)
	_, ok := c.srv.Host("node1")
	assert.True(t, ok, "vlun unexport deleted a host the user did not name")
	out := c.ok("vlun", "unexport", "vol2", "--host", "node1", "--missing-ok")
	assert.Contains(t, out, "was not exported")
	assert.NotContains(t, out, "deleted")
	_, ok = c.srv.Host("node1")
	assert.True(t, ok, "vlun unexport --missing-ok deleted a host")

	// --delete-host-if-unused removes it once nothing is exported to it,
	// also on a second run (after a crash between the two steps)
	c.ok("vlun", "export", "vol1", "--host", "node1")
	c.ok("vlun", "export", "vol2", "--host", "node1")
	require.NoError(t, json.Unmarshal([]byte(c.ok("vlun", "unexport", "vol1", "--host", "node1",
		"--delete-host-if-unused", "-o", "json")), &un))
	assert.Equal(t, unexportView{Volume: "vol1", Host: "node1", Unexported: true}, un) // vol2 still exported
	require.NoError(t, json.Unmarshal([]byte(c.ok("vlun", "unexport", "vol2", "--host", "node1",
		"--delete-host-if-unused", "-o", "json")), &un))
	assert.Equal(t, unexportView{Volume: "vol2", Host: "node1", Unexported: true, HostDeleted: true}, un)
	_, ok = c.srv.Host("node1")
	assert.False(t, ok)
	assert.Contains(t, c.ok("vlun", "unexport", "vol2", "--host", "node1", "--missing-ok", "--delete-host-if-unused"),
		"was not exported")

	// --keep-host, the old opt-out, is still accepted (and changes nothing)
	c.ok("host", "ensure", "node2", "--iscsi", "iqn.1993-08.org.debian:01:node2")
	c.ok("vlun", "export", "vol1", "--host", "node2")
	o := c.run("vlun", "unexport", "vol1", "--host", "node2", "--keep-host")
	require.Equal(t, 0, o.code, o.stderr)
	_, ok = c.srv.Host("node2")
	assert.True(t, ok)
}
