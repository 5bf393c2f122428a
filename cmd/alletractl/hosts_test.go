package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostEnsureByInitiatorIsIdempotent(t *testing.T) {
	c := newCLI(t)
	iqn := "iqn.1993-08.org.debian:01:node1"

	var first, again ensuredHost
	require.NoError(t, json.Unmarshal([]byte(c.ok("host", "ensure", "node1", "--iscsi", iqn, "-o", "json")), &first))
	assert.True(t, first.Created)
	assert.Equal(t, []string{iqn}, first.ISCSINames)
	require.NoError(t, json.Unmarshal([]byte(c.ok("host", "ensure", "node1", "--iscsi", iqn, "-o", "json")), &again))
	assert.False(t, again.Created)
	assert.Equal(t, first.ID, again.ID)
	assert.Len(t, c.srv.Hosts(), 1)

	// another name for the same initiator finds the existing host
	assert.Equal(t, "node1\n", c.ok("host", "ensure", "other", "--iscsi", iqn, "-o", "name"))
	// the same name with another initiator is never taken over
	c.fails(exitExists, "host", "ensure", "node1", "--nqn", "nqn.2014-08.org.nvmexpress:uuid:0c8f1a2e-0000-4000-8000-000000000001")
	c.fails(exitInvalid, "host", "ensure", "node2") // no initiator
	c.fails(exitInvalid, "host", "ensure", "node2", "--iscsi", iqn, "--nqn", "nqn.x")
	c.fails(exitInvalid, "host", "ensure", "node2", "--iscsi", "not-an-iqn")

	assert.Equal(t, "node1\n", c.ok("host", "find", iqn, "-o", "name"))
	assert.Equal(t, "node1\n", c.ok("host", "list", "-o", "name"))
	assert.Regexp(t, `(?m)^node1\s+\d+\s+GENERIC_ALUA\s+`+iqn+`$`, c.ok("host", "get", "node1"))

	c.ok("host", "delete", "node1")
	c.fails(exitNotFound, "host", "get", "node1")
	c.fails(exitNotFound, "host", "delete", "node1")
	c.ok("host", "delete", "node1", "--missing-ok")
}
