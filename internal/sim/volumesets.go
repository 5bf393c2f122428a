package sim

import (
	"net/http"
	"net/url"
	"slices"
)

type volumeSet struct {
	id         int
	uuid, name string
	comment    string
	domain     string
	members    []string
}

// VolumeSetState is a test's view of one volume set.
type VolumeSetState struct {
	ID      int
	Name    string
	Comment string
	Members []string
}

type volumeSetJSON struct {
	ID               int      `json:"id"`
	UUID             string   `json:"uuid"`
	Name             string   `json:"name"`
	Domain           string   `json:"domain"`
	Comment          string   `json:"comment"`
	SetMembers       []string `json:"setmembers"`
	QoSEnabled       bool     `json:"qosEnabled"`
	FlashCachePolicy int      `json:"flashCachePolicy"`
}

func (s *volumeSet) wire() volumeSetJSON {
	return volumeSetJSON{ID: s.id, UUID: s.uuid, Name: s.name, Domain: s.domain, Comment: s.comment,
		SetMembers: append([]string{}, s.members...), FlashCachePolicy: 2}
}

func (s *volumeSet) state() VolumeSetState {
	return VolumeSetState{ID: s.id, Name: s.name, Comment: s.comment, Members: append([]string{}, s.members...)}
}

type setCreateBody struct {
	Name       *string  `json:"name"`
	Comment    *string  `json:"comment"`
	Domain     *string  `json:"domain"`
	SetMembers []string `json:"setmembers"`
}

// createSet handles POST /volumesets.
func (e *Engine) createSet(req *request) response {
	var b setCreateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.Name == nil {
		return errResponse(missing("name"))
	}
	if err := e.validName("name", *b.Name); err != nil {
		return errResponse(err)
	}
	if err := checkComment(b.Comment); err != nil {
		return errResponse(err)
	}
	e.lock()
	defer e.unlock()
	if e.sets[*b.Name] != nil {
		return errResponse(errConflict(CodeExistentSet, "set exists"))
	}
	s := &volumeSet{id: e.newID(), uuid: newUUID(), name: *b.Name}
	for _, m := range b.SetMembers {
		if e.volumes[m] == nil {
			return errResponse(errNoVolume(m))
		}
		if !slices.Contains(s.members, m) {
			s.members = append(s.members, m)
		}
	}
	if b.Comment != nil {
		s.comment = *b.Comment
	}
	if b.Domain != nil {
		s.domain = *b.Domain
	}
	e.sets[s.name] = s
	return response{status: http.StatusCreated, location: "/api/v1/volumesets/" + url.PathEscape(s.name)}
}

// getSet handles GET /volumesets/{name}.
func (e *Engine) getSet(req *request) response {
	e.lock()
	defer e.unlock()
	s := e.sets[req.params[0]]
	if s == nil {
		return errResponse(errNoSet(req.params[0]))
	}
	return okJSON(s.wire())
}

var setQuerySchema = &Schema{Fields: map[string]bool{"name": true, "setmembers": true, "id": true, "uuid": true}}

// listSets handles GET /volumesets[?query="..."].
func (e *Engine) listSets(req *request) response {
	q, aerr := queryFrom(req, setQuerySchema)
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	out := []volumeSetJSON{}
	for _, s := range sortedKeys(e.sets, func(s *volumeSet) int { return s.id }) {
		r := Record{Fields: map[string][]string{"name": {s.name}, "setmembers": s.members, "id": {itoa(s.id)}, "uuid": {s.uuid}}}
		if q.Match(r) {
			out = append(out, s.wire())
		}
	}
	return listResponse(out)
}

type setModifyBody struct {
	Action           *int     `json:"action"`
	SetMembers       []string `json:"setmembers"`
	NewName          *string  `json:"newName"`
	Comment          *string  `json:"comment"`
	FlashCachePolicy *int     `json:"flashCachePolicy"`
	Priority         *int     `json:"priority"`
}

// modifySet handles PUT /volumesets/{name}: add or remove members, rename.
func (e *Engine) modifySet(req *request) response {
	var b setModifyBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.NewName != nil {
		if b.SetMembers != nil {
			return errResponse(withRef(errBadRequest(CodeParamConflict, "invalid input: parameters conflict"), "newName,setmembers"))
		}
		if err := e.validName("newName", *b.NewName); err != nil {
			return errResponse(err)
		}
	}
	if err := checkComment(b.Comment); err != nil {
		return errResponse(err)
	}
	if b.Action != nil && *b.Action != 1 && *b.Action != 2 {
		if *b.Action >= 3 && *b.Action <= 6 {
			return errResponse(apiErr(http.StatusNotImplemented, CodeUnsupportedOperation, "set action %d is not simulated", *b.Action))
		}
		return errResponse(withRef(errBadRequest(CodeBadEnumValue, "invalid input: bad enum value"), "action"))
	}
	if b.Action != nil && len(b.SetMembers) == 0 {
		return errResponse(missing("setmembers"))
	}
	name := req.params[0]
	e.lock()
	defer e.unlock()
	s := e.sets[name]
	if s == nil {
		return errResponse(errNoSet(name))
	}
	if b.NewName != nil && *b.NewName != name && e.sets[*b.NewName] != nil {
		return errResponse(errConflict(CodeExistentSet, "set exists"))
	}
	if b.Action != nil {
		if aerr := e.changeMembers(s, *b.Action, b.SetMembers); aerr != nil {
			return errResponse(aerr)
		}
	}
	if b.Comment != nil {
		s.comment = *b.Comment
	}
	if b.NewName != nil && *b.NewName != name {
		delete(e.sets, name)
		s.name = *b.NewName
		e.sets[s.name] = s
		e.renameQoSTarget(name, s.name) // qos.go
	}
	return response{status: http.StatusOK}
}

// changeMembers validates the whole request before changing anything.
func (e *Engine) changeMembers(s *volumeSet, action int, names []string) *APIError {
	for i, m := range names {
		if slices.Contains(names[:i], m) {
			return withRef(errBadRequest(CodeInvalidInput, "invalid input: duplicate member %s", m), "setmembers")
		}
		in := slices.Contains(s.members, m)
		switch {
		case action == 1 && in:
			return errConflict(CodeMemberInSet, "volume %s is already a member of set %s", m, s.name)
		case action == 1 && e.volumes[m] == nil:
			return errNoVolume(m)
		case action == 2 && !in:
			return errNotFound(CodeMemberNotInSet, "volume %s is not a member of set %s", m, s.name)
		}
	}
	if action == 1 {
		s.members = append(s.members, names...)
	} else {
		s.members = slices.DeleteFunc(s.members, func(m string) bool { return slices.Contains(names, m) })
	}
	return nil
}

// deleteSet handles DELETE /volumesets/{name}.
func (e *Engine) deleteSet(req *request) response {
	name := req.params[0]
	e.lock()
	defer e.unlock()
	if e.sets[name] == nil {
		return errResponse(errNoSet(name))
	}
	if e.exported("set:" + name) {
		return errResponse(errConflict(CodeExportedVLUN, "set %s is exported", name))
	}
	if aerr := e.qosBlocksSetDelete(name); aerr != nil { // qos.go
		return errResponse(aerr)
	}
	delete(e.sets, name)
	return response{status: http.StatusOK}
}
