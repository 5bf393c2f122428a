package alletra

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// PortsService reads the array's ports and the target addresses hosts connect to (WSAPI /ports).
type PortsService service

// PortPos is the position of an array port: node, slot and card port,
// written "n:s:p" (WSAPI portPos {node, slot, cardPort}).
type PortPos struct {
	Node     int `json:"node"`
	Slot     int `json:"slot"`
	CardPort int `json:"cardPort"`
}

// String returns the position as "node:slot:cardPort", e.g. "0:2:1", the
// form WSAPI paths and vLUN ids use.
func (p PortPos) String() string {
	return strconv.Itoa(p.Node) + ":" + strconv.Itoa(p.Slot) + ":" + strconv.Itoa(p.CardPort)
}

// maxPortPosPart bounds each number of a port position; real arrays use one
// or two digits.
const maxPortPosPart = 9999

// ParsePortPos parses "node:slot:cardPort" (three unsigned decimal numbers
// of at most four digits each, no spaces or signs). Anything else gives a
// *ValidationError.
func ParsePortPos(s string) (PortPos, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return PortPos{}, invalid("portPos", fmt.Sprintf("%q is not node:slot:cardPort", s))
	}
	var n [3]int
	for i, part := range parts {
		if part == "" || len(part) > 4 {
			return PortPos{}, invalid("portPos", fmt.Sprintf("%q is not node:slot:cardPort", s))
		}
		for j := 0; j < len(part); j++ {
			if part[j] < '0' || part[j] > '9' {
				return PortPos{}, invalid("portPos", fmt.Sprintf("%q is not node:slot:cardPort", s))
			}
			n[i] = n[i]*10 + int(part[j]-'0')
		}
	}
	return PortPos{Node: n[0], Slot: n[1], CardPort: n[2]}, nil
}

// validate checks that every number of p is in range.
func (p PortPos) validate(field string) error {
	for _, v := range []int{p.Node, p.Slot, p.CardPort} {
		if v < 0 || v > maxPortPosPart {
			return invalid(field, fmt.Sprintf("port position %s out of range", p))
		}
	}
	return nil
}

// PortMode is a port's mode (WSAPI mode).
type PortMode int

// Port modes.
const (
	PortModeSuspended PortMode = 1
	PortModeTarget    PortMode = 2 // hosts connect to it
	PortModeInitiator PortMode = 3
	PortModePeer      PortMode = 4
)

// String returns the WSAPI name of the mode.
func (m PortMode) String() string {
	return enumName(int(m), "SUSPENDED", "TARGET", "INITIATOR", "PEER")
}

// LinkState is a port's link state (WSAPI linkState). Only LinkReady ports
// carry traffic.
type LinkState int

// Link states. 9 and 11–14 exist on some arrays but are not documented.
const (
	LinkConfigWait     LinkState = 1
	LinkALPAWait       LinkState = 2
	LinkLoginWait      LinkState = 3
	LinkReady          LinkState = 4
	LinkLossSync       LinkState = 5
	LinkErrorState     LinkState = 6
	LinkXXX            LinkState = 7
	LinkNonParticipate LinkState = 8
	LinkOffline        LinkState = 10
)

// String returns the WSAPI name of the link state.
func (s LinkState) String() string {
	if s == LinkOffline {
		return "OFFLINE"
	}
	return enumName(int(s), "CONFIG_WAIT", "ALPA_WAIT", "LOGIN_WAIT", "READY", "LOSS_SYNC",
		"ERROR_STATE", "XXX", "NONPARTICIPATE")
}

// PortProtocol is a port's protocol (WSAPI protocol).
type PortProtocol int

// Port protocols.
const (
	ProtocolFC    PortProtocol = 1
	ProtocolISCSI PortProtocol = 2
	ProtocolFCoE  PortProtocol = 3
	ProtocolIP    PortProtocol = 4 // remote copy over IP
	ProtocolSAS   PortProtocol = 5
	ProtocolNVMe  PortProtocol = 6 // NVMe over TCP (Alletra MP)
)

// String returns the WSAPI name of the protocol.
func (p PortProtocol) String() string {
	return enumName(int(p), "FC", "ISCSI", "FCOE", "IP", "SAS", "NVME")
}

// PortType is a port's connection type (WSAPI type, portConnType).
type PortType int

// Port connection types.
const (
	PortTypeHost  PortType = 1
	PortTypeDisk  PortType = 2
	PortTypeFree  PortType = 3
	PortTypeIPort PortType = 4
	PortTypeRCFC  PortType = 5
	PortTypePeer  PortType = 6
	PortTypeRCIP  PortType = 7
	PortTypeISCSI PortType = 8
	PortTypeCNA   PortType = 9
)

// String returns the WSAPI name of the connection type.
func (t PortType) String() string {
	return enumName(int(t), "HOST", "DISK", "FREE", "IPORT", "RCFC", "PEER", "RCIP", "ISCSI", "CNA")
}

// ISCSIPortInfo is the iSCSI configuration of a port. VLAN is 1 when the
// port has VLAN-tagged addresses (see Port.ISCSIVlans), 2 when it has none.
type ISCSIPortInfo struct {
	VLAN     int    `json:"vlan"`
	MTU      int    `json:"mtu,omitempty"`
	Gateway  string `json:"gateway,omitempty"`
	Netmask  string `json:"netmask,omitempty"`
	ISNSAddr string `json:"iSNSAddr,omitempty"`
	ISNSPort int    `json:"iSNSPort,omitempty"`
	TCPPort  int    `json:"tcpPort,omitempty"`
}

// ISCSIVlan is one VLAN-tagged address of an iSCSI port.
type ISCSIVlan struct {
	IPAddr             string `json:"IPAddr"`
	Netmask            string `json:"netmask,omitempty"`
	Gateway            string `json:"gateway,omitempty"`
	VLANTag            int    `json:"vlanTag"`
	MTU                int    `json:"mtu,omitempty"`
	ISNSAddr           string `json:"iSNSAddr,omitempty"`
	ISNSPort           int    `json:"iSNSPort,omitempty"`
	TCPPort            int    `json:"tcpPort,omitempty"`
	SendTargetGroupTag int    `json:"sendTargetGroupTag,omitempty"`
}

// Port is an array port.
type Port struct {
	PortPos       PortPos        `json:"portPos"`
	Mode          PortMode       `json:"mode"` // 0 when the array omits it
	LinkState     LinkState      `json:"linkState"`
	Type          PortType       `json:"type"`
	Protocol      PortProtocol   `json:"protocol"`
	Label         string         `json:"label,omitempty"`
	NodeWWN       string         `json:"nodeWWN,omitempty"` // on NVMe/TCP ports: the target IP address
	PortWWN       string         `json:"portWWN,omitempty"`
	IPAddr        string         `json:"IPAddr,omitempty"`    // iSCSI and RCIP ports
	ISCSIName     string         `json:"iSCSIName,omitempty"` // iSCSI ports: the target name (IQN)
	HWAddr        string         `json:"HWAddr,omitempty"`
	FailoverState int            `json:"failoverState,omitempty"`
	PartnerPos    *PortPos       `json:"partnerPos,omitempty"`
	ISCSIPortInfo *ISCSIPortInfo `json:"iSCSIPortInfo,omitempty"`
	// ISCSIVlans are the VLAN addresses when the array lists them inline;
	// otherwise they are at GET /ports/<n:s:p>/iSCSIVlans/.
	ISCSIVlans []ISCSIVlan `json:"iSCSIVlans,omitempty"`
}

// TargetAddress is an address a host connects to.
type TargetAddress struct {
	Protocol PortProtocol // ProtocolISCSI or ProtocolNVMe
	// IP is the portal (iSCSI) or transport (NVMe/TCP) address; never empty
	// nor 0.0.0.0. A VLAN-tagged port reports IPAddr 0.0.0.0 only when it
	// has no untagged address; it may also carry a real one, which arrays
	// may repeat as an "untagged" VLAN entry.
	IP string
	// TargetName is the port's iSCSI target name (IQN). Each 3PAR-family
	// port has its own, so pair it with IP. Empty for NVMe: the subsystem
	// NQN is in VLUN.SubsystemNQN or comes from NVMe discovery.
	TargetName string
	PortPos    PortPos // the array port that serves IP
	// VLANTag is the VLAN of a VLAN-tagged iSCSI address; 0 otherwise, and
	// 0 when the same portal is also the port's own address.
	VLANTag int
}

// List returns all ports of the array.
//
// WSAPI: GET /api/v1/ports. Idempotent; retried.
func (s *PortsService) List(ctx context.Context) ([]Port, error) {
	var out collection[Port]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/ports", out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// iscsiVlansAnswer is the answer of GET /ports/<n:s:p>/iSCSIVlans/. HPE's
// sources disagree on its shape: python-3parclient reads an "iSCSIVlans"
// member, HPE's PowerShell toolkit the "members" of a collection. Both are
// read.
type iscsiVlansAnswer struct {
	Members    []ISCSIVlan `json:"members"`
	ISCSIVlans []ISCSIVlan `json:"iSCSIVlans"`
}

// iscsiVlans returns the VLAN addresses of the iSCSI port at pos.
//
// WSAPI: GET /api/v1/ports/<n:s:p>/iSCSIVlans/.
func (s *PortsService) iscsiVlans(ctx context.Context, pos PortPos) ([]ISCSIVlan, error) {
	var out iscsiVlansAnswer
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/ports/%s/iSCSIVlans/", pos.String()),
		out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return append(out.Members, out.ISCSIVlans...), nil
}

// TargetAddresses returns the addresses hosts connect to for protocol,
// taken from the ports that are ready (linkState 4) and in target mode
// (mode 2, or no mode reported):
//
//   - ProtocolISCSI: one (IP, target IQN, port) per port address, plus one
//     per VLAN address of VLAN-tagged ports (iSCSIPortInfo.vlan == 1), read
//     inline or, when the port object has no list, from
//     GET /ports/<n:s:p>/iSCSIVlans/;
//   - ProtocolNVMe: the IP address the array carries in nodeWWN; a value
//     that is not an IP address is skipped.
//
// Each portal is returned once: addresses are de-duplicated by (IP, target
// name, port position) whatever the VLAN tag, the first one read (the
// port's own address before its VLAN list) kept. A VLAN-tagged port can
// carry a real untagged address that the array repeats as an "untagged"
// VLAN entry, and exporting twice to one portal fails on the array (409,
// LUN exists).
//
// Unparsable or unspecified IP addresses are skipped. Other protocols give
// a *ValidationError before any request. No ready port is an empty result
// and no error: the caller decides (LXD's driver fails the map then).
//
// Each iSCSI address comes with its own port's target name, which differs
// per port on 3PAR-family arrays: a connector that takes one target name
// and a list of portals should be called once per distinct TargetName with
// that name's addresses.
//
// WSAPI: GET /api/v1/ports (and the VLAN lists as needed). Idempotent; retried.
func (s *PortsService) TargetAddresses(ctx context.Context, protocol PortProtocol) ([]TargetAddress, error) {
	if protocol != ProtocolISCSI && protocol != ProtocolNVMe {
		return nil, invalid("protocol", fmt.Sprintf("target addresses are available for ISCSI and NVME ports, not %s", protocol))
	}
	ports, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []TargetAddress
	// portal is what makes two addresses the same target: the VLAN tag
	// does not.
	type portal struct {
		ip, targetName string
		pos            PortPos
	}
	seen := map[portal]bool{}
	add := func(a TargetAddress) {
		ip, err := netip.ParseAddr(strings.TrimSpace(a.IP))
		if err != nil || ip.IsUnspecified() {
			return
		}
		a.IP = ip.String()
		k := portal{a.IP, a.TargetName, a.PortPos}
		if !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	for _, p := range ports {
		if p.Protocol != protocol || p.LinkState != LinkReady || (p.Mode != 0 && p.Mode != PortModeTarget) {
			continue
		}
		if protocol == ProtocolNVMe {
			add(TargetAddress{Protocol: protocol, IP: p.NodeWWN, PortPos: p.PortPos})
			continue
		}
		add(TargetAddress{Protocol: protocol, IP: p.IPAddr, TargetName: p.ISCSIName, PortPos: p.PortPos})
		if p.ISCSIPortInfo == nil || p.ISCSIPortInfo.VLAN != 1 {
			continue
		}
		vlans := p.ISCSIVlans
		if len(vlans) == 0 {
			if vlans, err = s.iscsiVlans(ctx, p.PortPos); err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
		}
		for _, v := range vlans {
			add(TargetAddress{Protocol: protocol, IP: v.IPAddr, TargetName: p.ISCSIName, PortPos: p.PortPos, VLANTag: v.VLANTag})
		}
	}
	return out, nil
}

// --- m-map: plain target addresses, in a connector's vocabulary.

// ProtocolOf returns the port protocol of a connection mode as LXD's
// driver and other callers spell it: "iscsi" gives ProtocolISCSI; "nvme",
// "nvme/tcp" and "nvme-tcp" give ProtocolNVMe (case and surrounding spaces
// do not matter). Anything else gives a *ValidationError.
func ProtocolOf(mode string) (PortProtocol, error) {
	switch strings.ToLower(strings.TrimSpace(mode)) {
	case "iscsi":
		return ProtocolISCSI, nil
	case "nvme", "nvme/tcp", "nvme-tcp":
		return ProtocolNVMe, nil
	}
	return 0, invalid("mode", fmt.Sprintf("%q is not a connection mode (iscsi, nvme/tcp)", mode))
}

// TargetIPs returns the distinct IP addresses of addrs, in their order:
// the plain addresses a connector takes (iscsiadm -p, nvme discover -a)
// when it adds the port itself. Use HostPort for "ip:port" strings.
func TargetIPs(addrs []TargetAddress) []string {
	out := make([]string, 0, len(addrs))
	seen := make(map[string]bool, len(addrs))
	for _, a := range addrs {
		if a.IP != "" && !seen[a.IP] {
			seen[a.IP] = true
			out = append(out, a.IP)
		}
	}
	return out
}

// HostPort returns the address as "ip:port" ("[ip]:port" for IPv6), for a
// connector that wants the port in the address. The port is the caller's:
// the array's answer has none (iSCSI listens on 3260 unless configured
// otherwise, NVMe/TCP on 4420 for I/O and 8009 for discovery).
func (a TargetAddress) HostPort(port int) string {
	return net.JoinHostPort(a.IP, strconv.Itoa(port))
}

// TargetIPs is TargetAddresses for a connection mode string (see
// ProtocolOf), returned as plain IP addresses (see TargetIPs): what LXD's
// driver reads when no target is configured. An unknown mode gives a
// *ValidationError before any request.
//
// WSAPI: as TargetAddresses.
func (s *PortsService) TargetIPs(ctx context.Context, mode string) ([]string, error) {
	protocol, err := ProtocolOf(mode)
	if err != nil {
		return nil, err
	}
	addrs, err := s.TargetAddresses(ctx, protocol)
	if err != nil {
		return nil, err
	}
	return TargetIPs(addrs), nil
}
