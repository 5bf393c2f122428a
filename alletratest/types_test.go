package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	alletra "github.com/openalletra/go-alletra"
)

// The default ports report go-alletra's enum values, VLAN portals included.
func TestDefaultPortsEnums(t *testing.T) {
	t.Parallel()
	ports := DefaultPorts()
	assert.Equal(t, alletra.ProtocolISCSI, ports[2].Protocol)
	assert.Equal(t, alletra.LinkReady, ports[2].LinkState)
	assert.Equal(t, alletra.PortModeTarget, ports[2].Mode)
	assert.Equal(t, alletra.PortTypeISCSI, ports[2].Type)
	assert.Equal(t, "10.0.1.12", ports[2].ISCSIVlans[0].IPAddr)
	assert.Equal(t, "1:2:1", ports[2].Pos())
}

// SetPorts and Ports copy the ports, VLAN lists included: neither the
// caller's slice nor the one returned shares memory with the array's.
func TestPortsAreCopies(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithPlainHTTP())
	defer srv.Close()
	in := DefaultPorts()
	srv.SetPorts(in)
	in[2].ISCSIVlans[0].IPAddr = "192.0.2.1"
	out := srv.Ports()
	assert.Equal(t, "10.0.1.12", out[2].ISCSIVlans[0].IPAddr)
	out[2].ISCSIVlans[0].IPAddr = "192.0.2.2"
	assert.Equal(t, "10.0.1.12", srv.Ports()[2].ISCSIVlans[0].IPAddr)
}

// Every fault kind has its name.
func TestFaultKindNames(t *testing.T) {
	t.Parallel()
	for k, name := range faultKinds {
		assert.Equal(t, name, k.String())
	}
	assert.Len(t, faultKinds, 6)
	assert.Equal(t, "FaultKind(9)", FaultKind(9).String())
}
