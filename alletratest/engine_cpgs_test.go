package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCPGCreateDelete(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	body := map[string]any{"name": "FC_r5", "growthIncrementMiB": 8192, "growthLimitMiB": 1 << 20,
		"LDLayout": map[string]any{"RAIDType": 3, "setSize": 4, "HA": 2, "chunkletPosPref": 1,
			"diskPatterns": []map[string]any{{"diskType": 1}}}}
	r := c.ok(201, "POST", "/cpgs", body)
	assert.Equal(t, "/api/v1/cpgs/FC_r5", r.header.Get("Location"))
	c.fails(409, codeExistentCPG, "POST", "/cpgs", body)
	c.fails(400, codeMissingRequired, "POST", "/cpgs", map[string]any{})
	c.fails(400, codeBadEnumValue, "POST", "/cpgs", map[string]any{"name": "x", "LDLayout": map[string]any{"RAIDType": 5}})
	c.fails(400, codeBadEnumValue, "POST", "/cpgs", map[string]any{"name": "x", "LDLayout": map[string]any{"HA": 4}})
	c.fails(400, codeBadEnumValue, "POST", "/cpgs", map[string]any{"name": "x", "LDLayout": map[string]any{"diskPatterns": []map[string]any{{"diskType": 9}}}})
	c.fails(400, codeInvalidInput, "POST", "/cpgs", map[string]any{"name": "x", "LDLayout": map[string]any{"raid": 1}})
	c.fails(400, codeBelowRange, "POST", "/cpgs", map[string]any{"name": "x", "growthLimitMiB": -1})
	c.fails(400, codeBelowRange, "POST", "/cpgs", map[string]any{"name": "x", "LDLayout": map[string]any{"setSize": 0}})
	assert.Equal(t, "FC_r5", c.ok(200, "GET", "/cpgs/FC_r5", nil).json(t)["name"])

	c.ok(201, "POST", "/volumes", map[string]any{"name": "v1", "cpg": "FC_r5", "sizeMiB": 256, "tpvv": true})
	c.fails(409, codeInUse, "DELETE", "/cpgs/FC_r5", nil)
	c.ok(200, "DELETE", "/volumes/v1", nil)
	c.ok(200, "DELETE", "/cpgs/FC_r5", nil)
	c.fails(404, codeNonExistentCPG, "DELETE", "/cpgs/FC_r5", nil)
	c.fails(404, codeNonExistentCPG, "GET", "/cpgs/FC_r5", nil)
}

// POST /cpgs checks its domain as HPE's mock does (404/38 for one the array
// lacks, after the string itself is checked) and keeps it.
func TestCPGDomain(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{Domains: []string{"UNIT_TEST_DOMAIN"}})
	c.fails(404, codeNonExistentDomain, "POST", "/cpgs", map[string]any{"name": "x", "domain": "BAD_DOMAIN"})
	c.fails(400, codeEmptyString, "POST", "/cpgs", map[string]any{"name": "x", "domain": ""})
	c.fails(400, codeExceedsLength, "POST", "/cpgs", map[string]any{"name": "x", "domain": "D234567890123456789012345678901x"})
	c.fails(400, codeIllegalChar, "POST", "/cpgs", map[string]any{"name": "x", "domain": "BAD@DOMAIN"})
	c.fails(404, codeNonExistentCPG, "GET", "/cpgs/x", nil)
	c.ok(201, "POST", "/cpgs", map[string]any{"name": "CPG1_UNIT_TEST", "domain": "UNIT_TEST_DOMAIN"})
	assert.Equal(t, "UNIT_TEST_DOMAIN", c.ok(200, "GET", "/cpgs/CPG1_UNIT_TEST", nil).json(t)["domain"])
	assert.Empty(t, c.ok(200, "GET", "/cpgs/"+defaultCPG, nil).json(t)["domain"])
}
