package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPortsSystemAndSpace(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{CPGs: []string{"SSD_r6", "FC_r1"}})
	ports := c.ok(200, "GET", "/ports", nil).members(t)
	require.Len(t, ports, 5)
	var nvmeReady []any
	for _, p := range ports {
		if p["protocol"] == 6.0 && p["linkState"] == 4.0 {
			nvmeReady = append(nvmeReady, p["nodeWWN"])
		}
	}
	assert.Equal(t, []any{"10.0.0.21"}, nvmeReady)
	p := c.ok(200, "GET", "/ports/1:2:1", nil).json(t)
	assert.EqualValues(t, 1, p["iSCSIPortInfo"].(map[string]any)["vlan"])
	vl := newTC(t, simConfig{ISCSIVlansEnvelope: true}).ok(200, "GET", "/ports/1:2:1/iSCSIVlans/", nil).members(t)
	require.Len(t, vl, 1)
	assert.Equal(t, "10.0.1.12", vl[0]["IPAddr"])
	assert.EqualValues(t, 100, vl[0]["vlanTag"])
	c.fails(400, codePortSpecification, "GET", "/ports/x:1", nil)
	c.fails(404, codeNonExistentPort, "GET", "/ports/9:9:9", nil)

	c.srv.Engine.SetPorts([]PortState{{Node: 2, Slot: 2, CardPort: 2, Protocol: protocolISCSI, LinkState: linkReady, Mode: portModeTarget, IPAddr: "192.0.2.1"}})
	assert.Len(t, c.ok(200, "GET", "/ports", nil).members(t), 1)
	assert.Len(t, c.srv.Engine.Ports(), 1)

	sys := c.ok(200, "GET", "/system", nil).json(t)
	assert.Equal(t, "HPE Alletra MP B10000", sys["model"])

	c.volume("v", 1024)
	cpg := c.ok(200, "GET", "/cpgs/SSD_r6", nil).json(t)
	assert.EqualValues(t, 1, cpg["numTPVVs"])
	assert.Len(t, c.ok(200, "GET", "/cpgs", nil).members(t), 2)
	c.fails(404, codeNonExistentCPG, "GET", "/cpgs/nope", nil)
	c.fails(404, codeNonExistentCPG, "POST", "/spacereporter", map[string]any{"cpg": "nope"})
	sr := c.ok(200, "POST", "/spacereporter", map[string]any{"cpg": "SSD_r6"}).json(t)
	assert.EqualValues(t, 1024, sr["overprovisionedUsedMiB"])
	c.srv.Engine.SetSpaceReport(300, 700)
	sr = c.ok(200, "POST", "/spacereporter", map[string]any{"cpg": "FC_r1"}).json(t)
	assert.EqualValues(t, 300, sr["overprovisionedUsedMiB"])
	assert.EqualValues(t, 700, sr["overProvisionedFreeMiB"])

	c.login()
	cfg := c.ok(200, "GET", "/wsapiconfiguration", nil).json(t)
	assert.EqualValues(t, 2, cfg["sessionsInUse"])
	assert.EqualValues(t, defaultSessionLimit, cfg["systemResourceUsage"])
}

func TestPlainHTTP(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{PlainHTTP: true})
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, c.srv.URL)
	assert.Nil(t, c.srv.CertPool())
	c.ok(200, "GET", "/system", nil)
	tls := newTC(t, simConfig{})
	assert.Regexp(t, `^https://`, tls.srv.URL)
	assert.NotNil(t, tls.srv.CertPool())
}

// HPE's fixtures write capacities as integral floats; the option makes the
// simulator do the same for GET /system, CPG usage and the space report.
func TestFloatCapacities(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{FloatCapacities: true})
	c.volume("v", 1024)
	sys := string(c.ok(200, "GET", "/system", nil).body)
	assert.Regexp(t, `"totalCapacityMiB":\d+\.0[,}]`, sys)
	assert.Regexp(t, `"allocatedCapacityMiB":1024\.0[,}]`, sys)
	assert.Regexp(t, `"failedCapacityMiB":0\.0[,}]`, sys)
	assert.Regexp(t, `"usedMiB":1024\.0[,}]`, string(c.ok(200, "GET", "/cpgs/SSD_r6", nil).body))
	assert.Regexp(t, `"usableFreeMiB":\d+\.0[,}]`, string(c.ok(200, "POST", "/spacereporter", map[string]any{"cpg": "SSD_r6"}).body))
	assert.EqualValues(t, 1024, c.ok(200, "GET", "/system", nil).json(t)["allocatedCapacityMiB"])

	plain := newTC(t, simConfig{})
	assert.Regexp(t, `"totalCapacityMiB":\d+[,}]`, string(plain.ok(200, "GET", "/system", nil).body))
}

// The guide (1.3.1, table 121) and HPE's mock write httpState and
// httpsState as the strings "Enabled" / "Disabled".
func TestWSAPIConfigurationStates(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	cfg := c.ok(200, "GET", "/wsapiconfiguration", nil).json(t)
	assert.Equal(t, "Disabled", cfg["httpState"])
	assert.Equal(t, "Enabled", cfg["httpsState"])
	plain := newTC(t, simConfig{PlainHTTP: true}).ok(200, "GET", "/wsapiconfiguration", nil).json(t)
	assert.Equal(t, "Enabled", plain["httpState"])
	assert.Equal(t, "Disabled", plain["httpsState"])
}
