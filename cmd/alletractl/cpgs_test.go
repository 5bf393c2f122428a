package main

import (
	"encoding/json"
	"testing"

	"github.com/openalletra/go-alletra/alletratest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPGsAndSpaceReport(t *testing.T) {
	c := newCLI(t, alletratest.WithCPG("SSD_r6", "FC_r1"))
	c.srv.SetSpaceReport(1024, 4096)
	assert.Equal(t, "SSD_r6\nFC_r1\n", c.ok("cpg", "list", "-o", "name"))
	assert.Regexp(t, `(?m)^SSD_r6\s+0\s+`, c.ok("cpg", "get", "SSD_r6"))
	c.fails(exitNotFound, "cpg", "get", "nope")

	var rep spaceReportView
	require.NoError(t, json.Unmarshal([]byte(c.ok("cpg", "space", "SSD_r6", "-o", "json")), &rep))
	assert.Equal(t, "SSD_r6", rep.CPG)
	assert.EqualValues(t, 5120, rep.TotalMiB)
	assert.Regexp(t, `(?m)^Total \(over-provisioned used \+ free\)\s+5 GiB$`, c.ok("cpg", "space", "SSD_r6"))
}
