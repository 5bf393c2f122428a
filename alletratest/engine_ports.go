package alletratest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Port protocols, modes and link states (WSAPI).
const (
	protocolFC    = 1
	protocolISCSI = 2
	protocolNVMe  = 6

	portModeTarget = 2
	linkReady      = 4
	linkLossSync   = 5
)

// Pos returns the port position "n:s:p".
func (p PortState) Pos() string { return fmt.Sprintf("%d:%d:%d", p.Node, p.Slot, p.CardPort) }

// unspecifiedIP is what a VLAN-tagged iSCSI port reports as its IPAddr.
const unspecifiedIP = "0.0.0.0"

// untaggedTrunkIP is the untagged address simConfig.UntaggedVlanEntry gives
// the default VLAN-tagged port 1:2:1.
const untaggedTrunkIP = "10.0.1.11"

// DefaultPorts returns the ports a new Server has: 0:1:1 FC, 0:2:1 and
// 1:2:1 iSCSI (1:2:1 VLAN-tagged, portal 10.0.1.12 on VLAN 100; with
// WithUntaggedVlanEntry also 10.0.1.11, untagged), 0:3:1 NVMe/TCP ready
// (10.0.0.21) and 1:3:1 NVMe/TCP down (10.0.0.22).
func DefaultPorts() []PortState {
	return []PortState{
		{Node: 0, Slot: 1, CardPort: 1, Mode: portModeTarget, LinkState: linkReady, Type: 1, Protocol: protocolFC,
			Label: "FC01", NodeWWN: "2FF70002AC021F4B", PortWWN: "20110002AC021F4B"},
		{Node: 0, Slot: 2, CardPort: 1, Mode: portModeTarget, LinkState: linkReady, Type: 8, Protocol: protocolISCSI,
			Label: "iSCSI01", IPAddr: "10.0.0.11", ISCSIName: "iqn.2000-05.com.3pardata:20210002ac021f4b", HWAddr: "98F2B3E01A21"},
		{Node: 1, Slot: 2, CardPort: 1, Mode: portModeTarget, LinkState: linkReady, Type: 8, Protocol: protocolISCSI,
			Label: "iSCSI11", IPAddr: unspecifiedIP, ISCSIName: "iqn.2000-05.com.3pardata:21210002ac021f4b", HWAddr: "98F2B3E01B21",
			VLANTagged: true, ISCSIVlans: []ISCSIVlanState{{IPAddr: "10.0.1.12", VlanTag: 100, Netmask: "255.255.255.0", Gateway: "10.0.1.1", MTU: 1500}}},
		{Node: 0, Slot: 3, CardPort: 1, Mode: portModeTarget, LinkState: linkReady, Type: 3, Protocol: protocolNVMe,
			Label: "NVMe01", NodeWWN: "10.0.0.21", HWAddr: "98F2B3E01A31"},
		{Node: 1, Slot: 3, CardPort: 1, Mode: portModeTarget, LinkState: linkLossSync, Type: 3, Protocol: protocolNVMe,
			Label: "NVMe11", NodeWWN: "10.0.0.22", HWAddr: "98F2B3E01B31"},
	}
}

type iscsiPortInfoJSON struct {
	VLAN     int    `json:"vlan"`
	MTU      int    `json:"mtu"`
	Gateway  string `json:"gateway"`
	Netmask  string `json:"netmask"`
	ISNSAddr string `json:"iSNSAddr"`
	ISNSPort int    `json:"iSNSPort"`
	TCPPort  int    `json:"tcpPort"`
}

type iscsiVlanJSON struct {
	IPAddr             string `json:"IPAddr"`
	Netmask            string `json:"netmask"`
	Gateway            string `json:"gateway"`
	VlanTag            int    `json:"vlanTag"`
	MTU                int    `json:"mtu"`
	ISNSAddr           string `json:"iSNSAddr"`
	ISNSPort           int    `json:"iSNSPort"`
	TCPPort            int    `json:"tcpPort"`
	SendTargetGroupTag int    `json:"sendTargetGroupTag"`
}

type portJSON struct {
	PortPos       portPosJSON        `json:"portPos"`
	Mode          int                `json:"mode"`
	LinkState     int                `json:"linkState"`
	Type          int                `json:"type"`
	Protocol      int                `json:"protocol"`
	Label         string             `json:"label,omitempty"`
	NodeWWN       string             `json:"nodeWWN,omitempty"`
	PortWWN       string             `json:"portWWN,omitempty"`
	IPAddr        string             `json:"IPAddr,omitempty"`
	ISCSIName     string             `json:"iSCSIName,omitempty"`
	HWAddr        string             `json:"HWAddr,omitempty"`
	FailoverState int                `json:"failoverState"`
	ISCSIPortInfo *iscsiPortInfoJSON `json:"iSCSIPortInfo,omitempty"`
	Device        []string           `json:"device"`
}

func vlansWire(p PortState) []iscsiVlanJSON {
	out := []iscsiVlanJSON{}
	vlans := p.ISCSIVlans
	if p.UntaggedIPAddr != "" {
		vlans = append([]ISCSIVlanState{{IPAddr: p.UntaggedIPAddr, Netmask: "255.255.255.0", MTU: 1500}}, vlans...)
	}
	for _, v := range vlans {
		out = append(out, iscsiVlanJSON{IPAddr: v.IPAddr, Netmask: v.Netmask, Gateway: v.Gateway, VlanTag: v.VlanTag,
			MTU: v.MTU, ISNSAddr: "0.0.0.0", ISNSPort: 3205, TCPPort: 3260, SendTargetGroupTag: 1})
	}
	return out
}

func portWire(p PortState) portJSON {
	j := portJSON{PortPos: portPosJSON{p.Node, p.Slot, p.CardPort}, Mode: int(p.Mode), LinkState: int(p.LinkState),
		Type: int(p.Type), Protocol: int(p.Protocol), Label: p.Label, NodeWWN: p.NodeWWN, PortWWN: p.PortWWN,
		IPAddr: p.IPAddr, ISCSIName: p.ISCSIName, HWAddr: p.HWAddr, FailoverState: 1, Device: []string{}}
	if p.Protocol == protocolISCSI {
		vlan := 2
		if p.VLANTagged {
			vlan = 1
			j.IPAddr = unspecifiedIP
			if p.UntaggedIPAddr != "" {
				j.IPAddr = p.UntaggedIPAddr
			}
		}
		j.ISCSIPortInfo = &iscsiPortInfoJSON{VLAN: vlan, MTU: 1500, Gateway: "10.0.0.1", Netmask: "255.255.255.0",
			ISNSAddr: "0.0.0.0", ISNSPort: 3205, TCPPort: 3260}
	}
	return j
}

// firstReadyPort returns the position of the first ready target port of a
// protocol, or nil. Callers hold e.mu.
func (e *engine) firstReadyPort(protocol int) *portPosJSON {
	for _, p := range e.ports {
		if int(p.Protocol) == protocol && p.LinkState == linkReady && p.Mode == portModeTarget {
			return &portPosJSON{p.Node, p.Slot, p.CardPort}
		}
	}
	return nil
}

// parsePortPos parses "n:s:p".
func parsePortPos(s string) (portPosJSON, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return portPosJSON{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return portPosJSON{}, false
		}
		n[i] = v
	}
	return portPosJSON{n[0], n[1], n[2]}, true
}

// portIndex returns the index of the port at pos, or -1. Callers hold e.mu.
func (e *engine) portIndex(pos portPosJSON) int {
	return slices.IndexFunc(e.ports, func(p PortState) bool {
		return p.Node == pos.Node && p.Slot == pos.Slot && p.CardPort == pos.CardPort
	})
}

func (e *engine) findPort(s string) (PortState, *apiError) {
	pos, ok := parsePortPos(s)
	if !ok {
		return PortState{}, errBadRequest(codePortSpecification, "invalid port specification %q", s)
	}
	i := e.portIndex(pos)
	if i < 0 {
		return PortState{}, errNotFound(codeNonExistentPort, "port does not exist: %s", s)
	}
	return e.ports[i], nil
}

// listPorts handles GET /ports.
func (e *engine) listPorts(_ *request) response {
	e.lock()
	defer e.unlock()
	out := make([]portJSON, 0, len(e.ports))
	for _, p := range e.ports {
		out = append(out, portWire(p))
	}
	return listResponse(out)
}

// getPort handles GET /ports/{n:s:p}.
func (e *engine) getPort(req *request) response {
	e.lock()
	defer e.unlock()
	p, aerr := e.findPort(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	return okJSON(portWire(p))
}

type portVlansJSON struct {
	ISCSIVlans []iscsiVlanJSON `json:"iSCSIVlans"`
}

// listPortVlans handles GET /ports/{n:s:p}/iSCSIVlans. HPE's sources differ
// on the answer's shape: the python client (2023) reads an object with an
// "iSCSIVlans" member, the default here; the PowerShell toolkit reads the
// collection envelope, simConfig.ISCSIVlansEnvelope.
func (e *engine) listPortVlans(req *request) response {
	e.lock()
	defer e.unlock()
	p, aerr := e.findPort(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	if e.cfg.ISCSIVlansEnvelope {
		return listResponse(vlansWire(p))
	}
	return okJSON(portVlansJSON{ISCSIVlans: vlansWire(p)})
}

// SetPorts replaces the array's ports.
func (e *engine) SetPorts(ports []PortState) {
	e.mu.Lock()
	e.ports = clonePorts(ports)
	e.mu.Unlock()
}

// Ports returns the array's ports.
func (e *engine) Ports() []PortState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return clonePorts(e.ports)
}

// clonePorts copies ports, their VLAN lists included, so that a caller's
// slice and the array's never share memory.
func clonePorts(ports []PortState) []PortState {
	out := slices.Clone(ports)
	for i := range out {
		out[i].ISCSIVlans = slices.Clone(out[i].ISCSIVlans)
	}
	return out
}
