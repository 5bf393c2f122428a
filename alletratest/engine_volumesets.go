package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"net/http"
	"net/url"
	"slices"
)

// Flash cache policies of a volume set (WSAPI flashCachePolicy).
const (
	flashCacheEnabled  = 1
	flashCacheDisabled = 2
)

// volumeSet is a volume set as the engine keeps it: its public state
// (FlashCachePolicy 1 enabled, 2 disabled; Priority the taskPriority of the
// last modify that set one, 0 if none) and what the wire shows besides.
type volumeSet struct {
	VolumeSetState
	uuid   string
	domain string
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
	return volumeSetJSON{ID: s.ID, UUID: s.uuid, Name: s.Name, Domain: s.domain, Comment: s.Comment,
		SetMembers: append([]string{}, s.Members...), FlashCachePolicy: s.FlashCachePolicy}
}

// state returns a copy of the set's public state with its own member slice.
func (s *volumeSet) state() VolumeSetState {
	st := s.VolumeSetState
	st.Members = append([]string{}, s.Members...)
	return st
}

type setCreateBody struct {
	Name       *string  `json:"name"`
	Comment    *string  `json:"comment"`
	Domain     *string  `json:"domain"`
	SetMembers []string `json:"setmembers"`
}

// newSet is a set that POST /volumesets or POST /hostsets makes.
type newSet struct {
	id                          int
	uuid, name, comment, domain string
	members                     []string
}

// createSetOf handles the POST of a set collection ("volumesets" or
// "hostsets"): both take the same body and answer alike (guide 1.3.1
// pp. 86-89). exists tells whether a set has the name, member checks one
// member (nil when it exists), and add stores the new set. Callers do not
// hold e.mu: exists, member and add run under it.
func (e *engine) createSetOf(req *request, collection string, exists func(name string) bool,
	member func(name string) *apiError, add func(newSet)) response {
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
	if exists(*b.Name) {
		return errResponse(errConflict(codeExistentSet, "set exists"))
	}
	s := newSet{name: *b.Name}
	for _, m := range b.SetMembers {
		if err := member(m); err != nil {
			return errResponse(err)
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
	s.id, s.uuid = e.newID(), newUUID()
	add(s)
	return response{status: http.StatusCreated, location: "/api/v1/" + collection + "/" + url.PathEscape(s.name)}
}

// createSet handles POST /volumesets.
func (e *engine) createSet(req *request) response {
	return e.createSetOf(req, "volumesets", func(name string) bool { return e.sets[name] != nil },
		func(m string) *apiError {
			if e.volumes[m] == nil {
				return errNoVolume(m)
			}
			return nil
		},
		func(b newSet) {
			e.sets[b.name] = &volumeSet{VolumeSetState: VolumeSetState{ID: b.id, Name: b.name, Comment: b.comment,
				Members: b.members, FlashCachePolicy: flashCacheDisabled}, uuid: b.uuid, domain: b.domain}
		})
}

// getSet handles GET /volumesets/{name}.
func (e *engine) getSet(req *request) response {
	e.lock()
	defer e.unlock()
	s := e.sets[req.params[0]]
	if s == nil {
		return errResponse(errNoSet(req.params[0]))
	}
	return okJSON(s.wire())
}

var setQuerySchema = &schema{Fields: map[string]bool{"name": true, "setmembers": true, "id": true, "uuid": true}}

// listSets handles GET /volumesets[?query="..."].
func (e *engine) listSets(req *request) response {
	q, aerr := e.queryFrom(req, setQuerySchema)
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	out := []volumeSetJSON{}
	for _, s := range sortedKeys(e.sets, func(s *volumeSet) int { return s.ID }) {
		r := record{Fields: map[string][]string{"name": {s.Name}, "setmembers": s.Members, "id": {itoa(s.ID)}, "uuid": {s.uuid}}}
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

// modifySet handles PUT /volumesets/{name}: add or remove members, rename,
// comment, flash cache policy and priority.
func (e *engine) modifySet(req *request) response {
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
	// flashCachePolicy 1 enabled / 2 disabled and priority 1-3 (guide 1.3.1,
	// modify volume set; HPE's mock applies flashCachePolicy and shows it in
	// GET). No source shows priority in a set's GET answer, so it is kept in
	// the simulator's state only.
	if b.FlashCachePolicy != nil && *b.FlashCachePolicy != flashCacheEnabled && *b.FlashCachePolicy != flashCacheDisabled {
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "flashCachePolicy"))
	}
	if b.Priority != nil && (*b.Priority < 1 || *b.Priority > 3) {
		return errResponse(withRef(errBadRequest(codeExceedsRange, "invalid input: priority out of range"), "priority"))
	}
	if b.Action != nil && *b.Action != 1 && *b.Action != 2 {
		if *b.Action >= 3 && *b.Action <= 6 {
			return errResponse(apiErr(http.StatusNotImplemented, codeUnsupportedOperation, "set action %d is not simulated", *b.Action))
		}
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "action"))
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
		return errResponse(errConflict(codeExistentSet, "set exists"))
	}
	if b.Action != nil {
		if aerr := e.changeMembers(s.Name, &s.Members, *b.Action, b.SetMembers, "volume", func(m string) *apiError {
			if e.volumes[m] == nil {
				return errNoVolume(m)
			}
			return nil
		}); aerr != nil {
			return errResponse(aerr)
		}
	}
	if b.Comment != nil {
		s.Comment = *b.Comment
	}
	if b.FlashCachePolicy != nil {
		s.FlashCachePolicy = *b.FlashCachePolicy
	}
	if b.Priority != nil {
		s.Priority = alletra.TaskPriority(*b.Priority)
	}
	if b.NewName != nil && *b.NewName != name {
		delete(e.sets, name)
		s.Name = *b.NewName
		e.sets[s.Name] = s
		e.renameQoSTarget(name, s.Name) // qos.go
	}
	return response{status: http.StatusOK}
}

// changeMembers applies a membership change (action 1 add, 2 remove) to
// the members of a volume set or host set, validating the whole request
// before changing anything. what names the members ("volume", "host");
// unknown answers the error for a member that does not exist, or nil.
// MEMBER_IN_SET (409) and MEMBER_NOT_IN_SET (404) are the set codes of the
// WSAPI guide (p. 88) for both kinds of set; see named.go for their numbers.
func (e *engine) changeMembers(set string, members *[]string, action int, names []string, what string,
	unknown func(string) *apiError) *apiError {
	for i, m := range names {
		if slices.Contains(names[:i], m) {
			return withRef(errBadRequest(codeInvalidInput, "invalid input: duplicate member %s", m), "setmembers")
		}
		in := slices.Contains(*members, m)
		switch {
		case action == 1 && in:
			return e.named(errMemberInSet, "%s %s is already a member of set %s", what, m, set)
		case action == 1:
			if aerr := unknown(m); aerr != nil {
				return aerr
			}
		case action == 2 && !in:
			return e.named(errMemberNotInSet, "%s %s is not a member of set %s", what, m, set)
		}
	}
	if action == 1 {
		*members = append(*members, names...)
	} else {
		*members = slices.DeleteFunc(*members, func(m string) bool { return slices.Contains(names, m) })
	}
	return nil
}

// deleteSet handles DELETE /volumesets/{name}.
func (e *engine) deleteSet(req *request) response {
	name := req.params[0]
	e.lock()
	defer e.unlock()
	if e.sets[name] == nil {
		return errResponse(errNoSet(name))
	}
	if e.exported("set:" + name) {
		return errResponse(errConflict(codeExportedVLUN, "set %s is exported", name))
	}
	if aerr := e.qosBlocksSetDelete(name); aerr != nil { // qos.go
		return errResponse(aerr)
	}
	delete(e.sets, name)
	return response{status: http.StatusOK}
}
