package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

const maxInitiatorLen = 223

type descriptors struct {
	Location *string `json:"location,omitempty"`
	IPAddr   *string `json:"IPAddr,omitempty"`
	OS       *string `json:"os,omitempty"`
	Model    *string `json:"model,omitempty"`
	Contact  *string `json:"contact,omitempty"`
	Comment  *string `json:"comment,omitempty"`
}

// host is a host as the engine keeps it: its public state (FCWWNs
// normalised to upper-case hex without colons; Comment stays empty here,
// desc.Comment holds it as the descriptors the array answers with) and its
// descriptors.
type host struct {
	HostState
	desc descriptors
}

// state returns a copy of the host's public state, with its own initiator
// slices and the comment from the descriptors.
func (h *host) state() HostState {
	s := h.HostState
	s.ISCSINames, s.FCWWNs = slices.Clone(h.ISCSINames), slices.Clone(h.FCWWNs)
	if h.desc.Comment != nil {
		s.Comment = *h.desc.Comment
	}
	return s
}

// protocol returns the port protocol the host's paths use (0 without paths).
func (h *host) protocol() int {
	switch {
	case h.NQN != "":
		return protocolNVMe
	case len(h.ISCSINames) > 0:
		return protocolISCSI
	case len(h.FCWWNs) > 0:
		return protocolFC
	}
	return 0
}

// initiators returns the host's path identities.
func (h *host) initiators() []string {
	if h.NQN != "" {
		return []string{h.NQN}
	}
	return append(slices.Clone(h.ISCSINames), h.FCWWNs...)
}

type portPosJSON struct {
	Node     int `json:"node"`
	Slot     int `json:"slot"`
	CardPort int `json:"cardPort"`
}

type fcPathJSON struct {
	WWN       string       `json:"wwn"`
	PortPos   *portPosJSON `json:"portPos,omitempty"`
	HostSpeed int          `json:"hostSpeed"`
}

type iscsiPathJSON struct {
	Name      string       `json:"name"`
	IPAddr    string       `json:"IPAddr"`
	PortPos   *portPosJSON `json:"portPos,omitempty"`
	HostSpeed int          `json:"hostSpeed"`
}

type nvmePathJSON struct {
	IP      string       `json:"IP"`
	PortPos *portPosJSON `json:"portPos,omitempty"`
	NQN     string       `json:"NQN"`
}

type hostJSON struct {
	ID           int             `json:"id"`
	Name         string          `json:"name"`
	Domain       string          `json:"domain"`
	Persona      int             `json:"persona"`
	Descriptors  descriptors     `json:"descriptors"`
	FCPaths      []fcPathJSON    `json:"FCPaths"`
	ISCSIPaths   []iscsiPathJSON `json:"iSCSIPaths"`
	NVMETCPPaths []nvmePathJSON  `json:"NVMETCPPaths"`
}

func (e *engine) hostWire(h *host) hostJSON {
	j := hostJSON{ID: h.ID, Name: h.Name, Domain: h.Domain, Persona: int(h.Persona), Descriptors: h.desc,
		FCPaths: []fcPathJSON{}, ISCSIPaths: []iscsiPathJSON{}, NVMETCPPaths: []nvmePathJSON{}}
	for _, w := range h.FCWWNs {
		j.FCPaths = append(j.FCPaths, fcPathJSON{WWN: w, PortPos: e.firstReadyPort(protocolFC)})
	}
	for _, n := range h.ISCSINames {
		j.ISCSIPaths = append(j.ISCSIPaths, iscsiPathJSON{Name: n, PortPos: e.firstReadyPort(protocolISCSI)})
	}
	if h.NQN != "" {
		j.NVMETCPPaths = append(j.NVMETCPPaths, nvmePathJSON{NQN: h.NQN, PortPos: e.firstReadyPort(protocolNVMe)})
	}
	return j
}

func (h *host) record() record {
	r := record{Fields: map[string][]string{"name": {h.Name}, "id": {itoa(h.ID)}}, Subs: map[string][]record{}}
	for _, n := range h.ISCSINames {
		r.Subs["iSCSIPaths"] = append(r.Subs["iSCSIPaths"], record{Fields: map[string][]string{"name": {n}, "IPAddr": {""}}})
	}
	for _, w := range h.FCWWNs {
		r.Subs["FCPaths"] = append(r.Subs["FCPaths"], record{Fields: map[string][]string{"wwn": {w}}})
	}
	if h.NQN != "" {
		r.Subs["NVMETCPPaths"] = append(r.Subs["NVMETCPPaths"], record{Fields: map[string][]string{"NQN": {h.NQN}, "IP": {""}}})
	}
	return r
}

var hostQuerySchema = &schema{
	Fields: map[string]bool{"name": true, "id": true},
	Subs: map[string]*schema{
		"iSCSIPaths":   {Fields: map[string]bool{"name": true, "IPAddr": true}},
		"FCPaths":      {Fields: map[string]bool{"wwn": true}},
		"NVMETCPPaths": {Fields: map[string]bool{"NQN": true, "IP": true}},
	},
}

func normWWN(w string) string { return strings.ToUpper(strings.ReplaceAll(w, ":", "")) }

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'F' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// checkInitiators validates and normalises iSCSI names or FC WWNs.
func checkInitiators(field string, in []string, fc bool) ([]string, *apiError) {
	out := make([]string, 0, len(in))
	for _, s := range in {
		switch {
		case s == "":
			return nil, withRef(errBadRequest(codeEmptyString, "invalid input: empty string"), field)
		case len(s) > maxInitiatorLen:
			return nil, withRef(errBadRequest(codeExceedsLength, "invalid input: string length exceeds limit"), field)
		}
		if fc {
			s = normWWN(s)
			if len(s) != 16 || !isHex(s) {
				return nil, withRef(errBadRequest(codeInvalidInput, "invalid input: bad WWN"), field)
			}
		}
		if slices.Contains(out, s) {
			return nil, withRef(errBadRequest(codeDuplicatePath, "invalid input: duplicate path"), field)
		}
		out = append(out, s)
	}
	return out, nil
}

// pathOwner returns the host owning an initiator. Callers hold e.mu.
func (e *engine) pathOwner(id string) *host {
	for _, h := range e.hosts {
		for _, x := range h.initiators() {
			if strings.EqualFold(x, id) {
				return h
			}
		}
	}
	return nil
}

type hostCreateBody struct {
	Name          *string         `json:"name"`
	ISCSINames    []string        `json:"iSCSINames"`
	FCWWNs        []string        `json:"FCWWNs"`
	NQN           *string         `json:"NQN"`
	TransportType *int            `json:"transportType"`
	Persona       *int            `json:"persona"`
	Domain        *string         `json:"domain"`
	ForceTearDown *bool           `json:"forceTearDown"`
	Port          json.RawMessage `json:"port"`
	ID            *int            `json:"id"`
	Descriptors   json.RawMessage `json:"descriptors"`
}

// createHost handles POST /hosts.
func (e *engine) createHost(req *request) response {
	var b hostCreateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	var d descriptors
	if err := decodeNested(b.Descriptors, "descriptors", &d); err != nil {
		return errResponse(err)
	}
	if b.Name == nil {
		return errResponse(missing("name"))
	}
	if err := e.validHostName("name", *b.Name); err != nil {
		return errResponse(err)
	}
	if err := validDomain(b.Domain); err != nil {
		return errResponse(err)
	}
	kinds := 0
	for _, present := range []bool{b.ISCSINames != nil, b.FCWWNs != nil, b.NQN != nil} {
		if present {
			kinds++
		}
	}
	if kinds > 1 {
		return errResponse(withRef(errBadRequest(codeParamConflict, "invalid input: parameters conflict"), "iSCSINames,FCWWNs,NQN"))
	}
	if b.Persona != nil && (*b.Persona < 1 || *b.Persona > 11) {
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "persona"))
	}
	iscsi, aerr := checkInitiators("iSCSINames", b.ISCSINames, false)
	if aerr != nil {
		return errResponse(aerr)
	}
	fc, aerr := checkInitiators("FCWWNs", b.FCWWNs, true)
	if aerr != nil {
		return errResponse(aerr)
	}
	var nqn []string
	if b.NQN != nil {
		if nqn, aerr = checkInitiators("NQN", []string{*b.NQN}, false); aerr != nil {
			return errResponse(aerr)
		}
	}
	e.lock()
	defer e.unlock()
	if e.hosts[*b.Name] != nil {
		return errResponse(errConflict(codeExistentHost, "host exists"))
	}
	if err := e.domainExists(b.Domain); err != nil {
		return errResponse(err)
	}
	for _, id := range slices.Concat(iscsi, fc, nqn) {
		if o := e.pathOwner(id); o != nil {
			return errResponse(errConflict(codeExistentPath, "path %s is already owned by host %s", id, o.Name))
		}
	}
	h := &host{HostState: HostState{ID: e.newID(), Name: *b.Name, Persona: 2, ISCSINames: iscsi, FCWWNs: fc}, desc: d}
	if b.ID != nil {
		h.ID = *b.ID
	}
	if b.Persona != nil {
		h.Persona = alletra.HostPersona(*b.Persona)
	}
	if len(nqn) == 1 {
		h.NQN = nqn[0]
		h.TransportType = 2
	}
	if b.TransportType != nil {
		h.TransportType = alletra.TransportType(*b.TransportType)
	}
	if b.Domain != nil {
		h.Domain = *b.Domain
	}
	e.hosts[h.Name] = h
	return response{status: http.StatusCreated, location: "/api/v1/hosts/" + url.PathEscape(h.Name)}
}

// getHost handles GET /hosts/{name}. A name with an illegal character is
// 400 INV_INPUT_ILLEGAL_CHAR (69), as HPE's mock answers it.
func (e *engine) getHost(req *request) response {
	if aerr := illegalName(req.params[0]); aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	h := e.hosts[req.params[0]]
	if h == nil {
		return errResponse(errNoHost(req.params[0]))
	}
	return okJSON(e.hostWire(h))
}

// listHosts handles GET /hosts[?query="..."].
func (e *engine) listHosts(req *request) response {
	q, aerr := e.queryFrom(req, hostQuerySchema)
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	out := []hostJSON{}
	for _, h := range e.sortedHosts() {
		if q.Match(h.record()) {
			out = append(out, e.hostWire(h))
		}
	}
	return listResponse(out)
}

func (e *engine) sortedHosts() []*host {
	return sortedKeys(e.hosts, func(h *host) int { return h.ID })
}

// deleteHost handles DELETE /hosts/{name}.
func (e *engine) deleteHost(req *request) response {
	name := req.params[0]
	e.lock()
	defer e.unlock()
	if e.hosts[name] == nil {
		return errResponse(errNoHost(name))
	}
	if slices.ContainsFunc(e.vluns, func(l *vlun) bool { return l.Hostname == name }) {
		return errResponse(errConflict(codeExportedVLUN, "host %s has exported volumes", name))
	}
	if e.hostInAnySet(name) { // HOST_IN_SET: 409 (HPE's ruby SDK), no trusted number
		return errResponse(e.named(errHostInSet, "host %s is a member of a host set", name))
	}
	delete(e.hosts, name)
	return response{status: http.StatusOK}
}
