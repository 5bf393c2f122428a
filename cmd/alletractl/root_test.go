package main

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHelpListsTheCommands(t *testing.T) {
	c := &cli{t: t, env: baseEnv(t)}
	out := c.ok("--help")
	for _, cmd := range []string{"volume", "snapshot", "volumeset", "host", "vlun", "port", "cpg", "task",
		"system", "version", "completion", "exit-codes"} {
		assert.Regexp(t, `(?m)^\s+(alletractl )?`+cmd+`\s`, out)
	}
	vol := c.ok("volume", "--help")
	for _, sub := range []string{"create", "get", "list", "delete", "grow", "resize"} {
		assert.Regexp(t, `(?m)^\s+`+sub+`\s`, vol)
	}
	assert.Contains(t, c.ok("volume", "create", "--help"), "create NAME --size SIZE --cpg CPG")
	assert.Contains(t, c.ok("completion", "bash"), "bash completion")
	assert.Equal(t, "alletractl version (devel)\n", c.ok("--version"))
}

func TestRunInProcessClassifiesCobraErrorsAsUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, stdin: &bytes.Buffer{},
		isTerm: func(io.Writer) bool { return false }}
	assert.Equal(t, exitInvalid, run(context.Background(), []string{"nosuchcommand"}, e))
	assert.Contains(t, stderr.String(), "unknown command")
	assert.Equal(t, exitOK, run(context.Background(), []string{"help", "exit-codes"}, e))
	assert.Contains(t, stdout.String(), " 9  interrupted")
}
