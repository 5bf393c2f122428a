package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// VLUN types (WSAPI).
const (
	vlunTypeHost       = 3
	vlunTypeMatchedSet = 4
)

// vlun is a vLUN record as the engine keeps it: its public state (PortPos
// stays empty here; state derives it from portPos), the group that links a
// template with its active records, and the port position as the wire shows
// it.
type vlun struct {
	VLUNState
	group   int
	portPos *portPosJSON
}

// state returns a copy of the record's public state with PortPos as "n:s:p".
func (l *vlun) state() VLUNState {
	s := l.VLUNState
	if l.portPos != nil {
		s.PortPos = fmt.Sprintf("%d:%d:%d", l.portPos.Node, l.portPos.Slot, l.portPos.CardPort)
	}
	return s
}

type vlunJSON struct {
	LUN                int          `json:"lun"`
	VolumeName         string       `json:"volumeName"`
	Hostname           string       `json:"hostname"`
	RemoteName         string       `json:"remoteName,omitempty"`
	PortPos            *portPosJSON `json:"portPos,omitempty"`
	VolumeWWN          string       `json:"volumeWWN"`
	Type               int          `json:"type"`
	Multipathing       int          `json:"multipathing"`
	FailedPathPol      int          `json:"failedPathPol"`
	FailedPathInterval int          `json:"failedPathInterval"`
	HostDeviceName     *string      `json:"hostDeviceName,omitempty"`
	Active             bool         `json:"active"`
	SubsystemNQN       string       `json:"Subsystem_NQN,omitempty"`
}

func (e *engine) vlunWire(l *vlun) vlunJSON {
	j := vlunJSON{LUN: l.LUN, VolumeName: l.VolumeName, Hostname: l.Hostname, RemoteName: l.RemoteName,
		PortPos: l.portPos, Type: int(l.Type), Multipathing: 1, FailedPathPol: 1, Active: l.Active, SubsystemNQN: l.SubsystemNQN}
	if v := e.volumes[l.VolumeName]; v != nil {
		j.VolumeWWN = wwnFor(v.ID)
	}
	if l.Active {
		empty := ""
		j.HostDeviceName = &empty
	}
	return j
}

func (l *vlun) record(e *engine) record {
	j := e.vlunWire(l)
	return record{Fields: map[string][]string{
		"volumeName": {l.VolumeName}, "hostname": {l.Hostname}, "lun": {itoa(l.LUN)},
		"active": {strconv.FormatBool(l.Active)}, "type": {itoa(int(l.Type))}, "volumeWWN": {j.VolumeWWN},
		"remoteName": {l.RemoteName},
	}}
}

var vlunQuerySchema = &schema{Fields: map[string]bool{
	"volumeName": true, "hostname": true, "lun": true, "active": true, "type": true, "volumeWWN": true, "remoteName": true,
}}

func vlunLocation(vol string, lun int, host string, pos *portPosJSON) string {
	loc := "/api/v1/vluns/" + url.PathEscape(vol) + "," + itoa(lun) + "," + url.PathEscape(host)
	if pos != nil {
		loc += fmt.Sprintf(",%d:%d:%d", pos.Node, pos.Slot, pos.CardPort)
	}
	return loc
}

type portPosBody struct {
	Node     *int `json:"node"`
	Slot     *int `json:"slot"`
	CardPort *int `json:"cardPort"`
}

type vlunCreateBody struct {
	VolumeName            *string         `json:"volumeName"`
	LUN                   *int            `json:"lun"`
	Hostname              *string         `json:"hostname"`
	PortPos               json.RawMessage `json:"portPos"`
	NoVcn                 *bool           `json:"noVcn"`
	OverrideLowerPriority *bool           `json:"overrideLowerPriority"`
	AutoLun               *bool           `json:"autoLun"`
	MaxAutoLun            *int            `json:"maxAutoLun"`
}

// createVLUN handles POST /vluns.
func (e *engine) createVLUN(req *request) response {
	var b vlunCreateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	var pp portPosBody
	if err := decodeNested(b.PortPos, "portPos", &pp); err != nil {
		return errResponse(err)
	}
	switch {
	case b.VolumeName == nil:
		return errResponse(missing("volumeName"))
	case b.LUN == nil:
		return errResponse(missing("lun"))
	case b.Hostname == nil:
		return errResponse(missing("hostname"))
	case *b.LUN > maxLUN:
		return errResponse(withRef(errBadRequest(codeTooLarge, "LUN too large"), "lun"))
	case *b.LUN < 0:
		return errResponse(withRef(errBadRequest(codeExceedsRange, "LUN out of range"), "lun"))
	case b.MaxAutoLun != nil && (*b.MaxAutoLun < 0 || *b.MaxAutoLun > maxLUN):
		return errResponse(withRef(errBadRequest(codeExceedsRange, "maxAutoLun out of range"), "maxAutoLun"))
	}
	e.lock()
	defer e.unlock()
	var port *portPosJSON
	if len(b.PortPos) > 0 && string(b.PortPos) != "null" {
		if pp.Node == nil || pp.Slot == nil || pp.CardPort == nil {
			return errResponse(withRef(errBadRequest(codePortSpecification, "invalid port specification"), "portPos"))
		}
		p, aerr := e.findPort(fmt.Sprintf("%d:%d:%d", *pp.Node, *pp.Slot, *pp.CardPort))
		if aerr != nil {
			return errResponse(aerr)
		}
		port = &portPosJSON{p.Node, p.Slot, p.CardPort}
	}
	v := e.volumes[*b.VolumeName]
	if v == nil {
		return errResponse(errNoVolume(*b.VolumeName))
	}
	if set, ok := strings.CutPrefix(*b.Hostname, "set:"); ok {
		return e.exportToHostSet(v, set, *b.LUN, isTrue(b.AutoLun), b.MaxAutoLun, port) // hostsets.go
	}
	h := e.hosts[*b.Hostname]
	if h == nil {
		return errResponse(errNoHost(*b.Hostname))
	}
	nvme := h.protocol() == protocolNVMe
	if nvme && slices.ContainsFunc(e.vluns, func(l *vlun) bool { return l.VolumeName == v.Name && l.Hostname == h.Name }) {
		// LXD's driver (commit f4d1931d8e) sees 400 with code 29, OTHER, when
		// it exports a volume a second time to an NVMe/TCP host, and treats
		// it as "already exported"; iSCSI and FC hosts silently get a second
		// vLUN.
		return errResponse(errBadRequest(codeOther, "volume %s is already exported to host %s", v.Name, h.Name))
	}
	lun, aerr := e.chooseLUN(h.Name, *b.LUN, isTrue(b.AutoLun), b.MaxAutoLun, nvme)
	if aerr != nil {
		return errResponse(aerr)
	}
	e.addVLUNs(v.Name, h, lun, port)
	return response{status: http.StatusCreated, location: vlunLocation(v.Name, lun, h.Name, port)}
}

// chooseLUN picks or checks a LUN for a host. Callers hold e.mu.
func (e *engine) chooseLUN(hostname string, lun int, auto bool, maxAuto *int, nvme bool) (int, *apiError) {
	used := map[int]bool{}
	for _, l := range e.vluns {
		if l.Hostname == hostname && !l.Active {
			used[l.LUN] = true
		}
	}
	lo, hi := 0, maxLUN
	if nvme {
		lo, hi = 1, maxNVMeLUN
	}
	if !auto {
		if lun < lo || lun > hi {
			return 0, withRef(errBadRequest(codeExceedsRange, "LUN out of range for this host"), "lun")
		}
		if used[lun] {
			return 0, errConflict(codeExistentLUN, "LUN %d already exists on host %s", lun, hostname)
		}
		return lun, nil
	}
	if maxAuto != nil && *maxAuto > 0 && *maxAuto < hi {
		hi = *maxAuto
	}
	for n := max(lun, lo); n <= hi; n++ {
		if !used[n] {
			return n, nil
		}
	}
	return 0, e.named(errAutoLUNUnavailable, "no free LUN available for host %s", hostname)
}

// addVLUNs records a template plus one active record per host path.
func (e *engine) addVLUNs(vol string, h *host, lun int, port *portPosJSON) {
	group := e.newID()
	typ := vlunTypeHost
	if port != nil {
		typ = vlunTypeMatchedSet
	}
	nqn := ""
	proto := h.protocol()
	if proto == protocolNVMe {
		nqn = "nqn.2020-07.com.hpe:" + systemUUID
	}
	e.vluns = append(e.vluns, &vlun{VLUNState: VLUNState{VolumeName: vol, Hostname: h.Name, LUN: lun, SubsystemNQN: nqn, Type: alletra.VLUNType(typ)},
		group: group, portPos: port})
	pos := port
	if pos == nil {
		pos = e.firstReadyPort(proto)
	}
	if pos == nil {
		return
	}
	for _, id := range h.initiators() {
		p := *pos
		e.vluns = append(e.vluns, &vlun{VLUNState: VLUNState{VolumeName: vol, Hostname: h.Name, LUN: lun, Active: true,
			RemoteName: id, SubsystemNQN: nqn, Type: alletra.VLUNType(typ)}, group: group, portPos: &p})
	}
}

// listVLUNs handles GET /vluns[?query="..."].
func (e *engine) listVLUNs(req *request) response {
	q, aerr := e.queryFrom(req, vlunQuerySchema)
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	out := []vlunJSON{}
	for _, l := range e.vluns {
		if q.Match(l.record(e)) {
			out = append(out, e.vlunWire(l))
		}
	}
	return listResponse(out)
}

type vlunID struct {
	vol, host string
	lun       int
	port      *portPosJSON
}

// parseVLUNID parses an unescaped vLUN id "vol,lun[,host][,n:s:p]". The id
// is split after unescaping: LXD's shipped client escapes the whole id with
// url.PathEscape, so its commas arrive as %2C, and names cannot contain
// commas.
func parseVLUNID(raw string) (vlunID, *apiError) {
	parts := strings.Split(raw, ",")
	if len(parts) < 2 || len(parts) > 4 {
		return vlunID{}, errBadRequest(codeMissingRequired, "invalid VLUN id %q", raw)
	}
	var id vlunID
	id.vol = parts[0]
	lun, err := strconv.Atoi(parts[1])
	if err != nil {
		return vlunID{}, errBadRequest(codeWrongType, "invalid LUN in VLUN id %q", raw)
	}
	id.lun = lun
	if len(parts) > 2 {
		id.host = parts[2]
	}
	if len(parts) == 4 {
		pos, ok := parsePortPos(parts[3])
		if !ok {
			return vlunID{}, errBadRequest(codePortSpecification, "invalid port specification %q", parts[3])
		}
		id.port = &pos
	}
	return id, nil
}

// vlunOnPort reports whether a vLUN record with id's volume, LUN and host is
// on id's port, or no such record exists at all (then the answer is 404).
// Callers hold e.mu.
func (e *engine) vlunOnPort(id vlunID) bool {
	found := false
	for _, l := range e.vluns {
		if l.VolumeName == id.vol && l.LUN == id.lun && (id.host == "" || l.Hostname == id.host) {
			found = true
			if id.matches(l) {
				return true
			}
		}
	}
	return !found
}

func (id vlunID) matches(l *vlun) bool {
	if l.VolumeName != id.vol || l.LUN != id.lun || (id.host != "" && l.Hostname != id.host) {
		return false
	}
	return id.port == nil || (l.portPos != nil && *l.portPos == *id.port)
}

// getVLUN handles GET /vluns/{vol,lun,host[,n:s:p]}.
func (e *engine) getVLUN(req *request) response {
	id, aerr := parseVLUNID(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	out := []vlunJSON{}
	for _, l := range e.vluns {
		if id.matches(l) {
			out = append(out, e.vlunWire(l))
		}
	}
	if len(out) == 0 {
		return errResponse(errNotFound(codeNonExistentVLUN, "VLUN does not exist"))
	}
	return listResponse(out)
}

// deleteVLUN handles DELETE /vluns/{vol,lun,host[,n:s:p]}. Deleting a
// template removes its active records too.
func (e *engine) deleteVLUN(req *request) response {
	id, aerr := parseVLUNID(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	if id.host != "" && e.hosts[id.host] == nil && !e.isHostSetTarget(id.host) {
		return errResponse(errNoHost(id.host))
	}
	if id.port != nil && (e.portIndex(*id.port) < 0 || !e.vlunOnPort(id)) {
		// HPE's mock answers a port the vLUN is not on with 400
		// INV_INPUT_PORT_SPECIFICATION; a port the array does not have is
		// answered the same way.
		return errResponse(errBadRequest(codePortSpecification, "the vLUN is not on port %d:%d:%d",
			id.port.Node, id.port.Slot, id.port.CardPort))
	}
	groups := map[int]bool{}
	hit := map[*vlun]bool{}
	for _, l := range e.vluns {
		if id.matches(l) {
			hit[l] = true
			if !l.Active {
				groups[l.group] = true
			}
		}
	}
	if len(hit) == 0 {
		return errResponse(errNotFound(codeNonExistentVLUN, "VLUN does not exist"))
	}
	e.vluns = slices.DeleteFunc(e.vluns, func(l *vlun) bool { return hit[l] || groups[l.group] })
	return response{status: http.StatusOK}
}
