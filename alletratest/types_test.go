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

// The state views hand out their own slices: changing a returned host's
// initiators or a set's members does not change the array. The engine keeps
// these types embedded in its records, so a view without its copies would
// share the array's memory.
func TestStatesAreCopies(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	e := c.srv.Engine
	c.iscsiHost("h1", iqn1)
	c.ok(201, "POST", "/hosts", map[string]any{"name": "h2", "FCWWNs": []string{"10000090FA1B2C3D"}})
	c.volume("v1", 1024)
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "vs", "setmembers": []string{"v1"}})
	c.ok(201, "POST", "/hostsets", map[string]any{"name": "hs", "setmembers": []string{"h1"}})

	h1, _ := e.Host("h1")
	h1.ISCSINames[0] = "changed"
	h2, _ := e.Host("h2")
	h2.FCWWNs[0] = "changed"
	e.Hosts()[0].ISCSINames[0] = "changed"
	vs, _ := e.VolumeSet("vs")
	vs.Members[0] = "changed"
	e.VolumeSets()[0].Members[0] = "changed"
	hs, _ := e.HostSet("hs")
	hs.Members[0] = "changed"

	h1, _ = e.Host("h1")
	assert.Equal(t, []string{iqn1}, h1.ISCSINames)
	h2, _ = e.Host("h2")
	assert.Equal(t, []string{"10000090FA1B2C3D"}, h2.FCWWNs)
	vs, _ = e.VolumeSet("vs")
	assert.Equal(t, []string{"v1"}, vs.Members)
	hs, _ = e.HostSet("hs")
	assert.Equal(t, []string{"h1"}, hs.Members)
}
