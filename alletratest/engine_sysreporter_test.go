package alletratest

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSystemReporter(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch.Add(7 * time.Minute))
	c := newTC(t, simConfig{Clock: clk, CPGs: []string{defaultCPG, "FC_r6"}})
	c.volume("v1", 1024)
	c.iscsiHost("h1", iqn1)
	c.export("v1", "h1")

	at := c.ok(200, "GET", "/systemreporter/attime/cpgstatistics/hires", nil).members(t)
	require.Len(t, at, 2, "one sample per CPG")
	assert.Equal(t, defaultCPG, at[0]["name"])
	assert.Equal(t, fmtTime8601(epoch.Add(5*time.Minute)), at[0]["sampleTime"], "aligned to the resolution")
	io := at[0]["IO"].(map[string]any)
	assert.Greater(t, io["total"], 0.0)
	assert.Contains(t, at[0], "serviceTimeMS")

	vs := c.ok(200, "GET", "/systemreporter/vstime/cpgstatistics/hourly;name:FC_r6", nil).members(t)
	require.Len(t, vs, 24)
	assert.NotContains(t, vs[0], "name", "summed, not grouped")
	grouped := c.ok(200, "GET", "/systemreporter/vstime/cpgspacedata/daily;groupby:name", nil).members(t)
	require.Len(t, grouped, 14)
	assert.EqualValues(t, 1024, grouped[0]["usedSpace"].(map[string]any)["userMiB"])
	assert.Contains(t, grouped[0], "capacityEfficiency")

	vol := c.ok(200, "GET", "/systemreporter/attime/volumespacedata/hires;userCPG:"+defaultCPG, nil).members(t)
	require.Len(t, vol, 1)
	assert.Equal(t, "v1", vol[0]["name"])
	assert.Contains(t, vol[0], "userSpaceFreeMiB")
	ports := c.ok(200, "GET", "/systemreporter/attime/portstatistics/hires;portPos:0:2:1", nil).members(t)
	require.Len(t, ports, 1)
	assert.EqualValues(t, 2, ports[0]["portPos"].(map[string]any)["slot"])
	vl := c.ok(200, "GET", "/systemreporter/attime/vlunstatistics/hires;volumeName:v1", nil).members(t)
	require.Len(t, vl, 1)
	assert.Equal(t, "h1", vl[0]["hostname"])

	// A time range on sampleTime.
	q := "?query=" + url.QueryEscape(`"sampleTime GE `+epoch.Add(-20*time.Minute).Format(time.RFC3339)+` AND sampleTime LE `+epoch.Format(time.RFC3339)+`"`)
	ranged := c.ok(200, "GET", "/systemreporter/vstime/cpgstatistics/hires"+q, nil).members(t)
	assert.Len(t, ranged, 5)

	c.fails(404, codeURINotFound, "GET", "/systemreporter/sometime/cpgstatistics/hires", nil)
	c.fails(404, codeURINotFound, "GET", "/systemreporter/attime/nostats/hires", nil)
	c.fails(404, codeURINotFound, "GET", "/systemreporter/attime/cpgstatistics/weekly", nil)
	c.fails(400, codeInvalidInput, "GET", "/systemreporter/attime/cpgstatistics/hires;bogus:1", nil)
	c.fails(400, codeInvalidInput, "GET", "/systemreporter/attime/cpgstatistics/hires;groupby:wwn", nil)
	c.fails(400, codeInvalidInput, "GET", "/systemreporter/attime/cpgstatistics/hires;name", nil)
	c.fails(501, codeUnsupportedOperation, "GET", "/systemreporter/attime/cpgstatistics/hires;summary:max", nil)
	c.fails(400, PlaceholderCode, "GET", "/systemreporter/attime/cpgstatistics/hires"+qs("sampleTime EQ 3"), nil)
	c.fails(400, PlaceholderCode, "GET", "/systemreporter/attime/cpgstatistics/hires?query=nope", nil)
	c.fails(400, PlaceholderCode, "GET", "/systemreporter/attime/cpgstatistics/hires?query=nope%22", nil)
}
