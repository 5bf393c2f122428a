package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPortsAndTargetAddresses(t *testing.T) {
	c := newCLI(t)
	out := c.ok("port", "list")
	assert.Regexp(t, `(?m)^PORT\s+PROTOCOL\s+MODE\s+LINK\s+ADDRESS\s+LABEL$`, out)
	assert.Regexp(t, `(?m)^0:3:1\s+NVME\s+TARGET\s+READY\s+10\.0\.0\.21\s`, out)
	assert.Equal(t, "10.0.0.11\n10.0.1.12\n", c.ok("port", "targets", "iscsi", "-o", "name"), "1:2:1 is VLAN-tagged: its own address is 0.0.0.0")
	assert.Equal(t, "10.0.0.21\n", c.ok("port", "targets", "nvme", "-o", "name"), "only the ready NVMe port")
	c.fails(exitInvalid, "port", "targets", "fc")
}

// port targets exits 3 when the array has no ready target port of the
// protocol, as its help says (TargetAddresses answers an empty list).
func TestPortTargetsNoneExitsNotFound(t *testing.T) {
	c := newCLI(t)
	c.srv.SetPorts(nil)
	o := c.fails(exitNotFound, "port", "targets", "iscsi")
	assert.Equal(t, "alletractl: the array has no ready iscsi target port\n", o.stderr)
	c.fails(exitNotFound, "port", "targets", "nvme", "-o", "json")
}
