package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

type hostModifyBody struct {
	NewName              *string         `json:"newName"`
	PathOperation        *int            `json:"pathOperation"`
	ISCSINames           []string        `json:"iSCSINames"`
	FCWWNs               []string        `json:"FCWWNs"`
	ForcePathRemoval     *bool           `json:"forcePathRemoval"`
	Persona              *int            `json:"persona"`
	Descriptors          json.RawMessage `json:"descriptors"`
	ChapOperation        *int            `json:"chapOperation"`
	ChapOperationMode    *int            `json:"chapOperationMode"`
	ChapName             *string         `json:"chapName"`
	ChapSecret           *string         `json:"chapSecret"`
	ChapSecretHex        *bool           `json:"chapSecretHex"`
	ChapRemoveTargetOnly *bool           `json:"chapRemoveTargetOnly"`
}

// modifyHost handles PUT /hosts/{name}: rename, add or remove paths, persona.
func (e *engine) modifyHost(req *request) response {
	var b hostModifyBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	var d *descriptors
	if len(b.Descriptors) > 0 {
		d = &descriptors{}
		if err := decodeNested(b.Descriptors, "descriptors", d); err != nil {
			return errResponse(err)
		}
	}
	if b.NewName != nil {
		if err := e.validHostName("newName", *b.NewName); err != nil {
			return errResponse(err)
		}
	}
	hasPaths := b.ISCSINames != nil || b.FCWWNs != nil
	switch {
	case b.ISCSINames != nil && b.FCWWNs != nil:
		return errResponse(withRef(errBadRequest(codeParamConflict, "invalid input: parameters conflict"), "iSCSINames,FCWWNs"))
	case hasPaths && b.PathOperation == nil:
		return errResponse(withRef(errBadRequest(codeOneRequired, "pathOperation is required with paths"), "pathOperation"))
	case b.PathOperation != nil && *b.PathOperation != 1 && *b.PathOperation != 2:
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "pathOperation"))
	case b.PathOperation != nil && !hasPaths:
		return errResponse(missing("iSCSINames"))
	case isTrue(b.ForcePathRemoval) && (b.PathOperation == nil || *b.PathOperation != 2):
		return errResponse(withRef(errBadRequest(codeParamConflict, "invalid input: forcePathRemoval needs REMOVE"), "forcePathRemoval"))
	case b.Persona != nil && (*b.Persona < 1 || *b.Persona > 11):
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
	name := req.params[0]
	e.lock()
	defer e.unlock()
	h := e.hosts[name]
	if h == nil {
		return errResponse(errNoHost(name))
	}
	if b.NewName != nil && *b.NewName != name && e.hosts[*b.NewName] != nil {
		return errResponse(errConflict(codeExistentHost, "host exists"))
	}
	if b.PathOperation != nil {
		list := &h.ISCSINames
		ids := iscsi
		if b.FCWWNs != nil {
			list, ids = &h.FCWWNs, fc
		}
		if aerr := e.changePaths(h, list, ids, *b.PathOperation == 1); aerr != nil {
			return errResponse(aerr)
		}
	}
	if b.Persona != nil {
		h.Persona = alletra.HostPersona(*b.Persona)
	}
	if d != nil {
		h.desc = *d
	}
	if b.NewName != nil && *b.NewName != name {
		delete(e.hosts, name)
		h.Name = *b.NewName
		e.hosts[h.Name] = h
		for _, l := range e.vluns {
			if l.Hostname == name {
				l.Hostname = h.Name
			}
		}
	}
	return response{status: http.StatusOK}
}

// changePaths adds or removes ids on list after checking all of them.
func (e *engine) changePaths(h *host, list *[]string, ids []string, add bool) *apiError {
	has := func(id string) bool {
		return slices.ContainsFunc(*list, func(x string) bool { return strings.EqualFold(x, id) })
	}
	for _, id := range ids {
		if add {
			if o := e.pathOwner(id); o != nil && o != h {
				return errConflict(codeExistentPath, "path %s is already owned by host %s", id, o.Name)
			}
		} else if !has(id) {
			return errNotFound(codeNonExistentPath, "host %s has no path %s", h.Name, id)
		}
	}
	for _, id := range ids {
		if add && !has(id) {
			*list = append(*list, id)
		}
		if !add {
			*list = slices.DeleteFunc(*list, func(x string) bool { return strings.EqualFold(x, id) })
		}
	}
	return nil
}
