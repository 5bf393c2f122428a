package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTaskWaitAndGet(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("snapshot", "create", "s1", "--volume", "vol1")
	id := strings.TrimSpace(c.ok("snapshot", "restore", "s1", "-o", "name"))
	assert.Regexp(t, `(?m)^`+id+`\s+PROMOTE_SV\s+DONE\s`, c.ok("task", "wait", id))
	assert.Regexp(t, `(?m)^`+id+`\s+PROMOTE_SV\s+DONE\s`, c.ok("task", "get", id))
	assert.Equal(t, id+"\n", c.ok("task", "list", "-o", "name"))
	c.fails(exitNotFound, "task", "get", "999")
	c.fails(exitNotFound, "task", "wait", "999")
	c.fails(exitInvalid, "task", "get", "abc")
}
