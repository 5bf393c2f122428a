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

// ISCSIVlanState is one VLAN-tagged iSCSI portal of a port.
type simISCSIVlanState struct {
	IPAddr  string
	VlanTag int
	Netmask string
	Gateway string
	MTU     int
}

// PortState describes one array port.
type simPortState struct {
	Node, Slot, CardPort int
	Mode                 int // 2 TARGET
	LinkState            int // 4 READY
	Type                 int // portConnType: 1 HOST, 8 ISCSI, ...
	Protocol             int // 1 FC, 2 iSCSI, 6 NVMe
	Label                string
	NodeWWN              string // holds the target IP for NVMe/TCP ports
	PortWWN              string
	// IPAddr is the port's address. GET /ports reports 0.0.0.0 for a
	// VLAN-tagged port whatever is set here, as arrays do when no untagged
	// address is configured (python-3parclient PR #33 and its port
	// fixture): its portals are its VLAN addresses.
	IPAddr string
	// UntaggedIPAddr is a real untagged (trunk) address of a VLAN-tagged
	// port. GET /ports reports it as the port's IPAddr, and the VLAN list
	// repeats it first as an "untagged" entry, as `showport -iscsivlans`
	// shows on real arrays (Cinder commits 4482ec892 and 255ccd6c6: Cinder
	// exported twice to that portal and got 409/18). The entry's vlanTag is
	// 0: how the WSAPI writes "untagged" is not published (inferred).
	UntaggedIPAddr string
	ISCSIName      string
	HWAddr         string
	VLANTagged     bool // iSCSIPortInfo.vlan == 1
	// ISCSIVlans are the portals of a VLAN-tagged port, answered by
	// GET /ports/<n:s:p>/iSCSIVlans/ (never inline in GET /ports).
	ISCSIVlans []simISCSIVlanState
}

// Pos returns the port position "n:s:p".
func (p simPortState) Pos() string { return fmt.Sprintf("%d:%d:%d", p.Node, p.Slot, p.CardPort) }

// unspecifiedIP is what a VLAN-tagged iSCSI port reports as its IPAddr.
const unspecifiedIP = "0.0.0.0"

// untaggedTrunkIP is the untagged address Config.UntaggedVlanEntry gives
// the default VLAN-tagged port 1:2:1.
const untaggedTrunkIP = "10.0.1.11"

// DefaultPorts returns the simulator's default ports: a ready FC port, two
// ready iSCSI ports (one VLAN-tagged, with portal 10.0.1.12 on VLAN 100), a
// ready and a down NVMe/TCP port.
func simDefaultPorts() []simPortState {
	return []simPortState{
		{Node: 0, Slot: 1, CardPort: 1, Mode: portModeTarget, LinkState: linkReady, Type: 1, Protocol: protocolFC,
			Label: "FC01", NodeWWN: "2FF70002AC021F4B", PortWWN: "20110002AC021F4B"},
		{Node: 0, Slot: 2, CardPort: 1, Mode: portModeTarget, LinkState: linkReady, Type: 8, Protocol: protocolISCSI,
			Label: "iSCSI01", IPAddr: "10.0.0.11", ISCSIName: "iqn.2000-05.com.3pardata:20210002ac021f4b", HWAddr: "98F2B3E01A21"},
		{Node: 1, Slot: 2, CardPort: 1, Mode: portModeTarget, LinkState: linkReady, Type: 8, Protocol: protocolISCSI,
			Label: "iSCSI11", IPAddr: unspecifiedIP, ISCSIName: "iqn.2000-05.com.3pardata:21210002ac021f4b", HWAddr: "98F2B3E01B21",
			VLANTagged: true, ISCSIVlans: []simISCSIVlanState{{IPAddr: "10.0.1.12", VlanTag: 100, Netmask: "255.255.255.0", Gateway: "10.0.1.1", MTU: 1500}}},
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

func vlansWire(p simPortState) []iscsiVlanJSON {
	out := []iscsiVlanJSON{}
	vlans := p.ISCSIVlans
	if p.UntaggedIPAddr != "" {
		vlans = append([]simISCSIVlanState{{IPAddr: p.UntaggedIPAddr, Netmask: "255.255.255.0", MTU: 1500}}, vlans...)
	}
	for _, v := range vlans {
		out = append(out, iscsiVlanJSON{IPAddr: v.IPAddr, Netmask: v.Netmask, Gateway: v.Gateway, VlanTag: v.VlanTag,
			MTU: v.MTU, ISNSAddr: "0.0.0.0", ISNSPort: 3205, TCPPort: 3260, SendTargetGroupTag: 1})
	}
	return out
}

func portWire(p simPortState) portJSON {
	j := portJSON{PortPos: portPosJSON{p.Node, p.Slot, p.CardPort}, Mode: p.Mode, LinkState: p.LinkState,
		Type: p.Type, Protocol: p.Protocol, Label: p.Label, NodeWWN: p.NodeWWN, PortWWN: p.PortWWN,
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
		if p.Protocol == protocol && p.LinkState == linkReady && p.Mode == portModeTarget {
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
	return slices.IndexFunc(e.ports, func(p simPortState) bool {
		return p.Node == pos.Node && p.Slot == pos.Slot && p.CardPort == pos.CardPort
	})
}

func (e *engine) findPort(s string) (simPortState, *apiError) {
	pos, ok := parsePortPos(s)
	if !ok {
		return simPortState{}, errBadRequest(codePortSpecification, "invalid port specification %q", s)
	}
	i := e.portIndex(pos)
	if i < 0 {
		return simPortState{}, errNotFound(codeNonExistentPort, "port does not exist: %s", s)
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
// collection envelope, Config.ISCSIVlansEnvelope.
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
func (e *engine) SetPorts(ports []simPortState) {
	e.mu.Lock()
	e.ports = slices.Clone(ports)
	e.mu.Unlock()
}

// Ports returns the array's ports.
func (e *engine) Ports() []simPortState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.ports)
}
