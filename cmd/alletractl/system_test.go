package main

import (
	"encoding/json"
	"testing"

	"github.com/openalletra/go-alletra/alletratest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSystemGet(t *testing.T) {
	c := newCLI(t, alletratest.WithBuild(40100000))
	var s systemView
	require.NoError(t, json.Unmarshal([]byte(c.ok("system", "get", "-o", "json")), &s))
	require.NotNil(t, s.WSAPI)
	assert.Equal(t, 40100000, s.WSAPI.Build)
	assert.NotEmpty(t, s.Model)
	assert.Regexp(t, `(?m)^WSAPI\s+\d+\.\d+\.\d+ \(build 40100000\)$`, c.ok("system", "get"))
}
