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

type vlun struct {
	group      int // links a template with its active records
	volumeName string
	hostname   string
	lun        int
	active     bool
	portPos    *portPosJSON
	remoteName string
	subsysNQN  string
	typ        int
}

func (l *vlun) state() VLUNState {
	s := VLUNState{VolumeName: l.volumeName, LUN: l.lun, Hostname: l.hostname, Active: l.active,
		RemoteName: l.remoteName, SubsystemNQN: l.subsysNQN, Type: alletra.VLUNType(l.typ)}
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
	j := vlunJSON{LUN: l.lun, VolumeName: l.volumeName, Hostname: l.hostname, RemoteName: l.remoteName,
		PortPos: l.portPos, Type: l.typ, Multipathing: 1, FailedPathPol: 1, Active: l.active, SubsystemNQN: l.subsysNQN}
	if v := e.volumes[l.volumeName]; v != nil {
		j.VolumeWWN = wwnFor(v.ID)
	}
	if l.active {
		empty := ""
		j.HostDeviceName = &empty
	}
	return j
}

func (l *vlun) record(e *engine) record {
	j := e.vlunWire(l)
	return record{Fields: map[string][]string{
		"volumeName": {l.volumeName}, "hostname": {l.hostname}, "lun": {itoa(l.lun)},
		"active": {strconv.FormatBool(l.active)}, "type": {itoa(l.typ)}, "volumeWWN": {j.VolumeWWN},
		"remoteName": {l.remoteName},
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
	if nvme && slices.ContainsFunc(e.vluns, func(l *vlun) bool { return l.volumeName == v.Name && l.hostname == h.Name }) {
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
		if l.hostname == hostname && !l.active {
			used[l.lun] = true
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
	e.vluns = append(e.vluns, &vlun{group: group, volumeName: vol, hostname: h.Name, lun: lun, portPos: port, subsysNQN: nqn, typ: typ})
	pos := port
	if pos == nil {
		pos = e.firstReadyPort(proto)
	}
	if pos == nil {
		return
	}
	for _, id := range h.initiators() {
		p := *pos
		e.vluns = append(e.vluns, &vlun{group: group, volumeName: vol, hostname: h.Name, lun: lun, active: true,
			portPos: &p, remoteName: id, subsysNQN: nqn, typ: typ})
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
		if l.volumeName == id.vol && l.lun == id.lun && (id.host == "" || l.hostname == id.host) {
			found = true
			if id.matches(l) {
				return true
			}
		}
	}
	return !found
}

func (id vlunID) matches(l *vlun) bool {
	if l.volumeName != id.vol || l.lun != id.lun || (id.host != "" && l.hostname != id.host) {
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
			if !l.active {
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
