package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/internal/sim"
)

// The assigned codes are the simulator's and the client's.
func TestAssignedCodes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		public      alletra.ErrorCode
		sim         int
		client      alletra.ErrorCode
		description string
	}{
		{CodeVVExported, sim.CodeVVExported, alletra.CodeVolumeExported, "VVExported"},
		{CodeParentSizeHasIncreased, sim.CodeParentSizeHasIncreased, alletra.CodeParentSizeIncreased, "ParentSizeHasIncreased"},
		{CodeCopyParentTooBig, sim.CodeCopyParentTooBig, alletra.CodeCopyParentTooBig, "CopyParentTooBig"},
		{CodeMemberInSet, sim.CodeMemberInSet, alletra.CodeMemberInSet, "MemberInSet"},
		{CodeMemberNotInSet, sim.CodeMemberNotInSet, alletra.CodeMemberNotInSet, "MemberNotInSet"},
		{CodeInvalidQueryString, sim.CodeInvalidQueryString, alletra.CodeInvalidQueryString, "InvalidQueryString"},
		{CodeAutoLUNUnavailable, sim.CodeAutoLUNUnavailable, alletra.CodeAutoLUNUnavailable, "AutoLUNUnavailable"},
		{CodeNonActiveTask, sim.CodeNonActiveTask, alletra.CodeNonActiveTask, "NonActiveTask"},
	} {
		assert.EqualValues(t, c.sim, c.public, c.description)
		assert.Equal(t, c.client, c.public, c.description)
	}
}

// Ports survive the conversion both ways, VLAN portals included.
func TestPortStateRoundTrip(t *testing.T) {
	t.Parallel()
	want := sim.DefaultPorts()
	var got []sim.PortState
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
