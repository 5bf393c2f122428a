package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	alletra "github.com/openalletra/go-alletra"
)

// Ports survive the conversion both ways, VLAN portals included.
func TestPortStateRoundTrip(t *testing.T) {
	t.Parallel()
	want := simDefaultPorts()
	var got []simPortState
	for _, p := range DefaultPorts() {
		got = append(got, p.sim())
	}
	assert.Equal(t, want, got)
	ports := DefaultPorts()
	assert.Equal(t, alletra.ProtocolISCSI, ports[2].Protocol)
	assert.Equal(t, alletra.LinkReady, ports[2].LinkState)
	assert.Equal(t, alletra.PortModeTarget, ports[2].Mode)
	assert.Equal(t, alletra.PortTypeISCSI, ports[2].Type)
	assert.Equal(t, "10.0.1.12", ports[2].ISCSIVlans[0].IPAddr)
}

// Every fault kind converts to the engine's kind of the same meaning.
func TestFaultKindsConvert(t *testing.T) {
	t.Parallel()
	for k, v := range faultKinds {
		assert.Equal(t, k.String(), v.sim.String())
	}
	assert.Len(t, faultKinds, 6)
}
