package alletratest

import (
	"net/http"
	"slices"
	"strings"
)

// Host sets: GET/POST /hostsets, GET/PUT/DELETE /hostsets/{name}, as the
// WSAPI 1.3.1 guide (pp. 86-89) and HPE's python client describe them: the
// same body and action enum as volume sets, members are host names, and a
// set that vLUNs target cannot be deleted (409 EXPORTED_VLUN).

// vlunTypeHostSet is the VLUN type of an export to a host set.
const vlunTypeHostSet = 5

// hostSet is a host set as the engine keeps it: its public state and what
// the wire shows besides.
type hostSet struct {
	HostSetState
	uuid   string
	domain string
}

type hostSetJSON struct {
	ID         int      `json:"id"`
	UUID       string   `json:"uuid"`
	Name       string   `json:"name"`
	Domain     string   `json:"domain"`
	Comment    string   `json:"comment"`
	SetMembers []string `json:"setmembers"`
}

func (s *hostSet) wire() hostSetJSON {
	return hostSetJSON{ID: s.ID, UUID: s.uuid, Name: s.Name, Domain: s.domain, Comment: s.Comment,
		SetMembers: append([]string{}, s.Members...)}
}

// HostSet returns a test's view of the host set called name.
func (e *engine) HostSet(name string) (HostSetState, bool) {
	e.lock()
	defer e.unlock()
	s := e.hostSets[name]
	if s == nil {
		return HostSetState{}, false
	}
	st := s.HostSetState
	st.Members = slices.Clone(s.Members)
	return st, true
}

// createHostSet handles POST /hostsets.
func (e *engine) createHostSet(req *request) response {
	return e.createSetOf(req, "hostsets", func(name string) bool { return e.hostSets[name] != nil },
		func(m string) *apiError {
			if e.hosts[m] == nil {
				return errNoHost(m)
			}
			return nil
		},
		func(b newSet) {
			if e.hostSets == nil {
				e.hostSets = map[string]*hostSet{}
			}
			e.hostSets[b.name] = &hostSet{HostSetState: HostSetState{ID: b.id, Name: b.name, Comment: b.comment,
				Members: b.members}, uuid: b.uuid, domain: b.domain}
		})
}

// getHostSet handles GET /hostsets/{name}.
func (e *engine) getHostSet(req *request) response {
	if err := e.setNameInPath(req.params[0]); err != nil {
		return errResponse(err)
	}
	e.lock()
	defer e.unlock()
	s := e.hostSets[req.params[0]]
	if s == nil {
		return errResponse(errNoSet(req.params[0]))
	}
	return okJSON(s.wire())
}

// listHostSets handles GET /hostsets[?query="..."].
func (e *engine) listHostSets(req *request) response {
	q, aerr := e.queryFrom(req, setQuerySchema)
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	out := []hostSetJSON{}
	for _, s := range sortedKeys(e.hostSets, func(s *hostSet) int { return s.ID }) {
		r := record{Fields: map[string][]string{"name": {s.Name}, "setmembers": s.Members, "id": {itoa(s.ID)}, "uuid": {s.uuid}}}
		if q.Match(r) {
			out = append(out, s.wire())
		}
	}
	return listResponse(out)
}

// modifyHostSet handles PUT /hostsets/{name}: add or remove members, rename,
// comment. Only actions 1 and 2 apply to host sets.
func (e *engine) modifyHostSet(req *request) response {
	if err := e.setNameInPath(req.params[0]); err != nil {
		return errResponse(err)
	}
	var b setModifyBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.NewName != nil {
		if b.SetMembers != nil {
			return errResponse(withRef(errBadRequest(codeParamConflict, "invalid input: parameters conflict"), "newName,setmembers"))
		}
		if err := e.validName("newName", *b.NewName); err != nil {
			return errResponse(err)
		}
	}
	if err := checkComment(b.Comment); err != nil {
		return errResponse(err)
	}
	if b.Action != nil && *b.Action != 1 && *b.Action != 2 {
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "action"))
	}
	if b.Action != nil && len(b.SetMembers) == 0 {
		return errResponse(missing("setmembers"))
	}
	name := req.params[0]
	e.lock()
	defer e.unlock()
	s := e.hostSets[name]
	if s == nil {
		return errResponse(errNoSet(name))
	}
	if b.NewName != nil && *b.NewName != name && e.hostSets[*b.NewName] != nil {
		return errResponse(errConflict(codeExistentSet, "set exists"))
	}
	if b.Action != nil {
		if aerr := e.changeMembers(s.Name, &s.Members, *b.Action, b.SetMembers, "host", func(m string) *apiError { // volumesets.go
			if e.hosts[m] == nil {
				return errNoHost(m)
			}
			return nil
		}); aerr != nil {
			return errResponse(aerr)
		}
	}
	if b.Comment != nil {
		s.Comment = *b.Comment
	}
	if b.NewName != nil && *b.NewName != name {
		delete(e.hostSets, name)
		s.Name = *b.NewName
		e.hostSets[s.Name] = s
		for _, l := range e.vluns { // the set's exports follow it
			if l.Hostname == "set:"+name {
				l.Hostname = "set:" + s.Name
			}
		}
	}
	return response{status: http.StatusOK}
}

// deleteHostSet handles DELETE /hostsets/{name}.
func (e *engine) deleteHostSet(req *request) response {
	name := req.params[0]
	e.lock()
	defer e.unlock()
	if e.hostSets[name] == nil {
		return errResponse(errNoSet(name))
	}
	if e.hostSetExported(name) {
		return errResponse(errConflict(codeExportedVLUN, "set %s is exported", name))
	}
	delete(e.hostSets, name)
	return response{status: http.StatusOK}
}

// hostSetExported reports whether vLUNs target the host set. Callers hold e.mu.
func (e *engine) hostSetExported(name string) bool {
	return slices.ContainsFunc(e.vluns, func(l *vlun) bool { return l.Hostname == "set:"+name })
}

// hostInAnySet reports whether a host set lists the host. Callers hold e.mu.
func (e *engine) hostInAnySet(name string) bool {
	for _, s := range e.hostSets {
		if slices.Contains(s.Members, name) {
			return true
		}
	}
	return false
}

// isHostSetTarget reports whether hostname names an existing host set
// ("set:<name>"). Callers hold e.mu.
func (e *engine) isHostSetTarget(hostname string) bool {
	name, ok := strings.CutPrefix(hostname, "set:")
	return ok && e.hostSets[name] != nil
}

// exportToHostSet creates a vLUN of v for every host of the set called set
// (hostname "set:<set>", G131-p101/102): one template for the set and an
// active record per member path, all of type HOST_SET. The LUN must be free
// on the set and on each member. Callers hold e.mu.
func (e *engine) exportToHostSet(v *volume, set string, lun int, auto bool, maxAuto *int, port *portPosJSON) response {
	s := e.hostSets[set]
	if s == nil {
		return errResponse(errNoSet(set))
	}
	target := "set:" + set
	free := func(n int) bool {
		for _, l := range e.vluns {
			if l.LUN == n && !l.Active && (l.Hostname == target || slices.Contains(s.Members, l.Hostname)) {
				return false
			}
		}
		return true
	}
	chosen := -1
	if !auto {
		if !free(lun) {
			return errResponse(errConflict(codeExistentLUN, "LUN %d already exists on host set %s", lun, set))
		}
		chosen = lun
	} else {
		hi := maxLUN
		if maxAuto != nil && *maxAuto > 0 && *maxAuto < hi {
			hi = *maxAuto
		}
		for n := lun; n <= hi && chosen < 0; n++ {
			if free(n) {
				chosen = n
			}
		}
		if chosen < 0 {
			return errResponse(errConflict(0, "no free LUN available")) // AUTO_LUN_ID_UNAVAILABLE: no public number
		}
	}
	group := e.newID()
	e.vluns = append(e.vluns, &vlun{VLUNState: VLUNState{VolumeName: v.Name, Hostname: target, LUN: chosen, Type: vlunTypeHostSet},
		group: group, portPos: port})
	for _, m := range s.Members {
		h := e.hosts[m]
		if h == nil {
			continue
		}
		pos := port
		if pos == nil {
			pos = e.firstReadyPort(h.protocol())
		}
		if pos == nil {
			continue
		}
		nqn := ""
		if h.protocol() == protocolNVMe {
			nqn = "nqn.2020-07.com.hpe:" + systemUUID
		}
		for _, id := range h.initiators() {
			p := *pos
			e.vluns = append(e.vluns, &vlun{VLUNState: VLUNState{VolumeName: v.Name, Hostname: h.Name, LUN: chosen, Active: true,
				RemoteName: id, SubsystemNQN: nqn, Type: vlunTypeHostSet}, group: group, portPos: &p})
		}
	}
	return response{status: http.StatusCreated, location: vlunLocation(v.Name, chosen, target, port)}
}

// setNameInPath checks a host set's name in a GET or PUT path before the set
// is looked up, as HPE's mock does: an illegal character 400/69, a name
// longer than the limit 400/57.
func (e *engine) setNameInPath(name string) *apiError {
	if err := illegalName(name); err != nil {
		return err
	}
	if len(name) > e.cfg.MaxNameLength {
		return errBadRequest(codeExceedsLength, "invalid input: string length exceeds limit")
	}
	return nil
}
