package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProtocolOf(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string]PortProtocol{"iscsi": ProtocolISCSI, " ISCSI ": ProtocolISCSI,
		"nvme": ProtocolNVMe, "nvme/tcp": ProtocolNVMe, "NVMe-TCP": ProtocolNVMe} {
		got, err := ProtocolOf(mode)
		require.NoError(t, err, mode)
		assert.Equal(t, want, got, mode)
	}
	for _, bad := range []string{"", "fc", "nvme/rdma", "iscsi2"} {
		_, err := ProtocolOf(bad)
		assert.ErrorIs(t, err, ErrInvalidInput, bad)
	}
}

func TestTargetIPsAndHostPort(t *testing.T) {
	t.Parallel()
	addrs := []TargetAddress{
		{Protocol: ProtocolISCSI, IP: "10.0.0.1", TargetName: "iqn.a", PortPos: PortPos{0, 2, 1}},
		{Protocol: ProtocolISCSI, IP: "10.0.0.1", TargetName: "iqn.a", PortPos: PortPos{0, 2, 1}, VLANTag: 100},
		{Protocol: ProtocolISCSI, IP: "fd00::2", TargetName: "iqn.b", PortPos: PortPos{1, 2, 1}},
	}
	assert.Equal(t, []string{"10.0.0.1", "fd00::2"}, TargetIPs(addrs))
	assert.Empty(t, TargetIPs(nil))
	assert.Equal(t, "10.0.0.1:3260", addrs[0].HostPort(3260))
	assert.Equal(t, "[fd00::2]:4420", addrs[2].HostPort(4420))
}

// Ports.TargetIPs is TargetAddresses for LXD's mode string, as plain IPs.
func TestPortsTargetIPs(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/ports", goldenResponder(t, http.StatusOK, "ports.json"))
	ctx := context.Background()
	want, err := c.Ports.TargetAddresses(ctx, ProtocolNVMe)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	ips, err := c.Ports.TargetIPs(ctx, "nvme/tcp")
	require.NoError(t, err)
	assert.Equal(t, TargetIPs(want), ips)

	n := m.GetTotalCallCount()
	_, err = c.Ports.TargetIPs(ctx, "fc")
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount(), "refused before any request")
}
