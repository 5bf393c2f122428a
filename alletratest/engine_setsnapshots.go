package alletratest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Snapshots of a volume set: POST /volumesets/{set}
// {"action":"createSnapshot","parameters":{"name":<pattern>,...}}, as HPE's
// python client (createSnapshotOfVolumeSet) and the PowerShell toolkit send
// it. The name is a VV name pattern; the simulator expands @vvname@ (the
// member's name) and @count@ (0, 1, ... in member order) and nothing else,
// so other patterns leave an '@' in the name, which is refused (400/69).
// Errors named by HPE's python client: NON_EXISTENT_SET (404/102),
// EMPTY_SET (404, no number), INV_INPUT_DUP_NAME (400, no number),
// INV_OPERATION_VV_ONLINE_COPY_IN_PROGRESS (409, no number). The answer's
// body is not documented: the simulator answers 201 without one.

// volumeSetAction handles POST /volumesets/{name}.
func (e *engine) volumeSetAction(req *request) response {
	b, aerr := decodeAction(req) // snapshots.go
	if aerr != nil {
		return errResponse(aerr)
	}
	switch *b.Action {
	case "createSnapshot":
		return e.snapshotSet(req, b.Parameters)
	case "createPhysicalCopy":
		return errResponse(apiErr(http.StatusNotImplemented, codeUnsupportedOperation, "set physical copies are not simulated"))
	}
	return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: unknown action %q", *b.Action), "action"))
}

func expandPattern(pattern, member string, count int) string {
	return strings.NewReplacer("@vvname@", member, "@count@", strconv.Itoa(count)).Replace(pattern)
}

func (e *engine) snapshotSet(req *request, raw json.RawMessage) response {
	var p snapshotParams
	if err := decodeNested(raw, "parameters", &p); err != nil {
		return errResponse(err)
	}
	if p.Name == nil {
		return errResponse(missing("parameters.name"))
	}
	for _, chk := range []*apiError{checkComment(p.Comment), checkHours("expirationHours", p.ExpirationHours), checkHours("retentionHours", p.RetentionHours)} {
		if chk != nil {
			return errResponse(chk)
		}
	}
	e.lock()
	defer e.unlock()
	set := e.sets[req.params[0]]
	if set == nil {
		return errResponse(errNoSet(req.params[0]))
	}
	if len(set.Members) == 0 {
		return errResponse(errNotFound(0, "set %s is empty", set.Name))
	}
	var addTo *volumeSet
	if p.AddToSet != nil {
		if addTo = e.sets[*p.AddToSet]; addTo == nil {
			return errResponse(errNoSet(*p.AddToSet))
		}
	}
	names := make([]string, len(set.Members))
	for i, m := range set.Members {
		names[i] = expandPattern(*p.Name, m, i)
		if err := e.validName("name", names[i]); err != nil {
			return errResponse(err)
		}
		switch {
		case slices.Contains(names[:i], names[i]):
			return errResponse(withRef(errBadRequest(0, "invalid input: duplicate name %s", names[i]), "name"))
		case e.volumes[names[i]] != nil:
			return errResponse(errConflict(codeExistentVolume, "volume exists"))
		case e.volumes[m] == nil:
			return errResponse(errNoVolume(m))
		case e.activeTaskFor(m) != nil:
			return errResponse(errConflict(0, "an online copy of %s is in progress", m))
		}
	}
	if err := e.limitReached(true, len(names)); err != nil {
		return errResponse(err)
	}
	if p.ID != nil && len(names) > 1 {
		// One id for several snapshots would collide on the second one.
		return errResponse(errConflict(codeExistentID, "volume ID already used"))
	}
	now := e.now()
	for i, m := range set.Members {
		parent := e.volumes[m]
		id, aerr := e.volumeID(p.ID)
		if aerr != nil {
			return errResponse(aerr)
		}
		s := &volume{VolumeState: VolumeState{
			ID: id, UUID: newUUID(), Name: names[i], CPG: parent.CPG, SnapCPG: parent.SnapCPG,
			SizeMiB: parent.SizeMiB, ProvisioningType: provSnap, CopyType: copyVirtual, CopyOf: parent.Name,
			ReadOnly: isTrue(p.ReadOnly), Created: now, Content: parent.Content,
		}, baseID: parent.baseID}
		if p.Comment != nil {
			s.Comment = *p.Comment
		}
		setHours(now, &s.Expiration, p.ExpirationHours)
		setHours(now, &s.Retention, p.RetentionHours)
		e.volumes[s.Name] = s
		if addTo != nil && !slices.Contains(addTo.Members, s.Name) {
			addTo.Members = append(addTo.Members, s.Name)
		}
	}
	return response{status: http.StatusCreated}
}
