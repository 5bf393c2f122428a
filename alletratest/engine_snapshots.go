package alletratest

import (
	"encoding/json"
	"net/http"
	"slices"
)

// actionBody is the body of the POST actions on a volume or a volume set:
// {"action":"createSnapshot"|"createPhysicalCopy","parameters":{...}}.
type actionBody struct {
	Action     *string         `json:"action"`
	Parameters json.RawMessage `json:"parameters"`
}

// decodeAction decodes an actionBody; both members are required.
func decodeAction(req *request) (*actionBody, *apiError) {
	var b actionBody
	if err := decodeStrict(req.body, &b); err != nil {
		return nil, err
	}
	if b.Action == nil {
		return nil, missing("action")
	}
	if len(b.Parameters) == 0 || string(b.Parameters) == "null" {
		return nil, missing("parameters")
	}
	return &b, nil
}

// volumeAction handles POST /volumes/{name} (createSnapshot, createPhysicalCopy).
func (e *engine) volumeAction(req *request) response {
	b, aerr := decodeAction(req)
	if aerr != nil {
		return errResponse(aerr)
	}
	switch *b.Action {
	case "createSnapshot":
		return e.createSnapshot(req, b.Parameters)
	case "createPhysicalCopy":
		return e.createPhysicalCopy(req, b.Parameters)
	}
	return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: unknown action %q", *b.Action), "action"))
}

type snapshotParams struct {
	Name            *string `json:"name"`
	ID              *int    `json:"id"`
	Comment         *string `json:"comment"`
	ReadOnly        *bool   `json:"readOnly"`
	ExpirationHours *int    `json:"expirationHours"`
	RetentionHours  *int    `json:"retentionHours"`
	AddToSet        *string `json:"addToSet"`
}

func (e *engine) createSnapshot(req *request, raw json.RawMessage) response {
	var p snapshotParams
	if err := decodeNested(raw, "parameters", &p); err != nil {
		return errResponse(err)
	}
	if p.Name == nil {
		return errResponse(missing("parameters.name"))
	}
	if err := e.validName("name", *p.Name); err != nil {
		return errResponse(err)
	}
	for _, chk := range []*apiError{checkComment(p.Comment), checkHours("expirationHours", p.ExpirationHours), checkHours("retentionHours", p.RetentionHours)} {
		if chk != nil {
			return errResponse(chk)
		}
	}
	parentName := req.params[0]
	e.lock()
	defer e.unlock()
	parent := e.volumes[parentName]
	if parent == nil {
		return errResponse(errNoVolume(parentName))
	}
	if e.volumes[*p.Name] != nil {
		return errResponse(errConflict(codeExistentVolume, "volume exists"))
	}
	if err := e.limitReached(true, 1); err != nil {
		return errResponse(err)
	}
	var set *volumeSet
	if p.AddToSet != nil {
		if set = e.sets[*p.AddToSet]; set == nil {
			return errResponse(errNoSet(*p.AddToSet))
		}
	}
	id, aerr := e.volumeID(p.ID)
	if aerr != nil {
		return errResponse(aerr)
	}
	now := e.now()
	s := &volume{VolumeState: VolumeState{
		ID: id, UUID: newUUID(), Name: *p.Name, CPG: parent.CPG, SnapCPG: parent.SnapCPG,
		SizeMiB: parent.SizeMiB, ProvisioningType: provSnap, CopyType: copyVirtual, CopyOf: parent.Name,
		ReadOnly: isTrue(p.ReadOnly), Created: now, Content: parent.Content,
		Compressed: parent.Compressed,
	}, baseID: parent.baseID}
	if p.Comment != nil {
		s.Comment = *p.Comment
	}
	setHours(now, &s.Expiration, p.ExpirationHours)
	setHours(now, &s.Retention, p.RetentionHours)
	e.volumes[s.Name] = s
	if set != nil && !slices.Contains(set.Members, s.Name) {
		set.Members = append(set.Members, s.Name)
	}
	return response{status: http.StatusCreated, location: volumeLocation(s.Name)}
}

type taskIDJSON struct {
	TaskID int `json:"taskid"`
}

// promote handles PUT /volumes/{snapshot} {"action":4}: restore the
// snapshot onto its parent in a PROMOTE_SV task.
//
// HPE's python client (promoteVirtualCopy) documents the rules used here:
// priority does not apply to an online promote, and the pair is refused as
// INV_OPERATION_PARAM_CONFLICT (409); an offline promote of an exported
// parent is INV_OPERATION_VV_EXPORTED (403), and an online promote is how a
// caller promotes while the parent is exported; a parent grown since the
// snapshot is INV_OPERATION_PARENT_SIZE_HAS_INCREASED (409). None of these
// symbols has a public number.
func (e *engine) promote(req *request, name string, online *bool, priority *int) response {
	prio := 2
	if priority != nil {
		if *priority < 1 || *priority > 3 {
			return errResponse(withRef(errBadRequest(codeExceedsRange, "invalid input: priority out of range"), "priority"))
		}
		prio = *priority
	}
	e.lock()
	defer e.unlock()
	snap := e.volumes[name]
	if snap == nil {
		return errResponse(errNoVolume(name))
	}
	if isTrue(online) && priority != nil {
		return errResponse(withRef(e.named(errOperationParamConflict, "priority does not apply to an online promote"), "online,priority"))
	}
	if snap.CopyType != copyVirtual {
		return errResponse(errForbidden(codeUnsupportedVVType, "volume %s is not a virtual copy", name))
	}
	parent := e.volumes[snap.CopyOf]
	if parent == nil {
		return errResponse(errNoVolume(snap.CopyOf))
	}
	if !isTrue(online) && e.exported(parent.Name) {
		return errResponse(e.named(errVVExported, "parent volume %s is exported", parent.Name))
	}
	if parent.SizeMiB > snap.SizeMiB {
		return errResponse(e.named(errParentSizeHasIncreased, "parent %s has grown since the snapshot", parent.Name))
	}
	for _, n := range []string{parent.Name, name} {
		if t := e.activeTaskFor(n); t != nil {
			return errResponse(e.errBusy(n, t))
		}
	}
	// Task names for promotes are not in the public record; like copies,
	// the task is named after the volume it writes (the parent; inferred).
	t := e.startTask(taskTypePromoteSV, parent.Name, req.user, name, parent.Name, prio)
	return okJSON(taskIDJSON{TaskID: t.ID})
}
