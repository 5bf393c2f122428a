package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSimFlagNeedsNoArray(t *testing.T) {
	c := &cli{t: t, env: baseEnv(t)} // no ALLETRA_* at all
	var v createdVolume
	require.NoError(t, json.Unmarshal([]byte(c.ok("--sim", "volume", "create", "vol1", "--size", "10GiB", "--cpg", "SSD_r6", "-o", "json")), &v))
	assert.True(t, v.Created)
	assert.EqualValues(t, 10240, v.SizeMiB)
	// every --sim run has its own, empty array
	c.fails(exitNotFound, "--sim", "volume", "get", "vol1")
	assert.Contains(t, c.ok("--sim", "system", "get"), "Model")
}
