package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// completions returns the candidates of cobra's hidden __complete command.
func completions(t *testing.T, c *cli, args ...string) []string {
	t.Helper()
	out := c.ok(append([]string{"__complete"}, args...)...)
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, ":") {
			names = append(names, line)
		}
	}
	return names
}

func TestShellCompletionOffersNamesFromTheArray(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("volume", "create", "web1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("host", "ensure", "node1", "--iscsi", "iqn.1993-08.org.debian:01:node1")

	assert.Equal(t, []string{"vol1", "web1"}, completions(t, c, "volume", "get", ""))
	assert.Equal(t, []string{"web1"}, completions(t, c, "volume", "delete", "w"))
	assert.Nil(t, completions(t, c, "volume", "get", "vol1", ""), "one name only")
	assert.Equal(t, []string{"node1"}, completions(t, c, "vlun", "export", "vol1", "--host", ""))
	assert.Equal(t, []string{"SSD_r6"}, completions(t, c, "volume", "create", "x", "--cpg", ""))
	assert.Equal(t, []string{"table", "json", "name"}, completions(t, c, "volume", "list", "-o", ""))

	// without an array there is nothing to offer, and no error
	bare := &cli{t: t, env: baseEnv(t)}
	assert.Nil(t, completions(t, bare, "volume", "get", ""))
}
