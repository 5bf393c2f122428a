package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumeSetMembersAreIdempotent(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("volume", "create", "vol2", "--size", "1GiB", "--cpg", "SSD_r6")

	c.ok("volumeset", "create", "set1", "--member", "vol1")
	c.fails(exitExists, "volumeset", "create", "set1")
	var again createdVolumeSet
	require.NoError(t, json.Unmarshal([]byte(c.ok("volumeset", "create", "set1", "--member", "vol1", "--exists-ok", "-o", "json")), &again))
	assert.False(t, again.Created)
	c.fails(exitExists, "volumeset", "create", "set1", "--member", "vol2", "--exists-ok") // not a member

	c.ok("volumeset", "add", "set1", "vol2")
	c.ok("volumeset", "add", "set1", "vol2")
	assert.Regexp(t, `(?m)^set1\s+vol1,vol2\s+-$`, c.ok("volumeset", "get", "set1"))
	c.ok("volumeset", "remove", "set1", "vol1")
	c.ok("volumeset", "remove", "set1", "vol1")
	s, _ := c.srv.VolumeSet("set1")
	assert.Equal(t, []string{"vol2"}, s.Members)
	c.fails(exitNotFound, "volumeset", "add", "nope", "vol1")
	assert.Equal(t, "set1\n", c.ok("volumeset", "list", "-o", "name"))

	c.ok("volumeset", "delete", "set1")
	c.fails(exitNotFound, "volumeset", "get", "set1")
	c.ok("volumeset", "delete", "set1", "--missing-ok")
}
