package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"encoding/json"
	"net/http"
)

type physicalCopyParams struct {
	DestVolume   *string `json:"destVolume"`
	DestCPG      *string `json:"destCPG"`
	Online       *bool   `json:"online"`
	SaveSnapshot *bool   `json:"saveSnapshot"`
	Priority     *int    `json:"priority"`
	TPVV         *bool   `json:"tpvv"`
	TDVV         *bool   `json:"tdvv"`
	Reduce       *bool   `json:"reduce"`
	Compression  *bool   `json:"compression"`
	SnapCPG      *string `json:"snapCPG"`
	WWN          *string `json:"WWN"`
	SkipZero     *bool   `json:"skipZero"`
}

// createPhysicalCopy handles POST /volumes/{src} {"action":"createPhysicalCopy"}.
func (e *engine) createPhysicalCopy(req *request, raw json.RawMessage) response {
	var p physicalCopyParams
	if err := decodeNested(raw, "parameters", &p); err != nil {
		return errResponse(err)
	}
	if p.DestVolume == nil {
		return errResponse(missing("parameters.destVolume"))
	}
	if err := e.validName("destVolume", *p.DestVolume); err != nil {
		return errResponse(err)
	}
	online := isTrue(p.Online)
	prio := 2
	if p.Priority != nil {
		if *p.Priority < 1 || *p.Priority > 3 {
			return errResponse(withRef(errBadRequest(codeExceedsRange, "invalid input: priority out of range"), "priority"))
		}
		prio = *p.Priority
	}
	if !online {
		if aerr := onlineOnly(&p); aerr != nil {
			return errResponse(aerr)
		}
	}
	switch {
	case online && p.DestCPG == nil:
		return errResponse(missing("parameters.destCPG"))
	case p.SnapCPG != nil && e.cfg.Build >= buildNoSnapCPG:
		return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: snapCPG not supported"), "snapCPG"))
	}
	srcName, destName := req.params[0], *p.DestVolume
	e.lock()
	defer e.unlock()
	src := e.volumes[srcName]
	if src == nil {
		return errResponse(errNoVolume(srcName))
	}
	if srcName == destName {
		return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: source and destination are the same"), "destVolume"))
	}
	if t := e.activeTaskFor(srcName); t != nil {
		return errResponse(e.errBusy(srcName, t))
	}
	typ := taskTypeVVCopy
	dest := e.volumes[destName]
	if online {
		if dest != nil {
			return errResponse(errConflict(codeExistentVolume, "volume exists"))
		}
		if e.cpgs[*p.DestCPG] == nil {
			return errResponse(withRef(errNoCPG(*p.DestCPG), "destCPG"))
		}
		if err := e.limitReached(false, 1); err != nil {
			return errResponse(err)
		}
		id, _ := e.volumeID(nil)
		prov := alletra.ProvisioningType(provTPVV)
		if isTrue(p.Reduce) || isTrue(p.TDVV) {
			prov = provTDVV
		}
		dest = &volume{VolumeState: VolumeState{ID: id, UUID: newUUID(), Name: destName, CPG: *p.DestCPG, SnapCPG: *p.DestCPG,
			SizeMiB: src.SizeMiB, ProvisioningType: prov, Created: e.now(),
			Compressed: isTrue(p.Compression) || isTrue(p.Reduce)}, baseID: id}
		e.volumes[destName] = dest
		typ = taskTypeOnlineCopy
	} else {
		if dest == nil {
			return errResponse(errNoVolume(destName))
		}
		if t := e.activeTaskFor(destName); t != nil {
			return errResponse(e.errBusy(destName, t))
		}
		switch {
		case dest.CopyType == copyVirtual:
			return errResponse(errForbidden(codeUnsupportedVVType, "destination %s is a virtual copy", destName))
		case e.exported(destName):
			// HPE's python client (copyVolume) and the guide's physical copy
			// errors: INV_OPERATION_VV_EXPORTED, 403.
			return errResponse(e.named(errVVExported, "destination volume %s is exported", destName))
		case dest.SizeMiB < src.SizeMiB:
			return errResponse(e.named(errCopyParentTooBig, "the source %s is bigger than the destination %s", srcName, destName))
		}
	}
	dest.CopyType, dest.CopyOf = copyPhysical, srcName
	// The task is named after the destination volume: HPE's python client
	// (stopOnlinePhysicalCopy, _findTask) finds a running online copy in
	// GET /tasks by the destination's name. For offline copies the same is
	// assumed (inferred: both are the array's createvvcopy task).
	e.rememberCopy(srcName, destName, isTrue(p.SaveSnapshot) && !online) // tune.go: for a resync
	t := e.startTask(typ, destName, req.user, srcName, destName, prio)
	return response{status: http.StatusOK, location: volumeLocation(destName), body: taskIDJSON{TaskID: t.ID}}
}

// stopCopy handles PUT /volumes/{dest} {"action":1}: cancel the physical
// copy into dest.
func (e *engine) stopCopy(name string) response {
	e.lock()
	defer e.unlock()
	if e.volumes[name] == nil {
		return errResponse(errNoVolume(name))
	}
	for _, t := range e.tasks {
		if t.Status == taskActive && t.Dest == name && (t.Type == taskTypeVVCopy || t.Type == taskTypeOnlineCopy) {
			t.Status, t.Finish = taskCancelled, e.now()
			e.undoTask(t)
			return response{status: http.StatusOK}
		}
	}
	return errResponse(e.named(errNonExistentVVCopy, "no physical copy in progress into %s", name))
}

// onlineOnly refuses the members that apply to online copies only. HPE's
// python client (copyVolume) drops destCPG from offline copies because the
// array refuses it, and says tpvv, tdvv and compression are invalid for
// offline copies; reduce is Primera's tdvv+compression. The status is 400;
// the code is not public, so none is sent.
func onlineOnly(p *physicalCopyParams) *apiError {
	for _, m := range []struct {
		name    string
		present bool
	}{
		{"destCPG", p.DestCPG != nil}, {"tpvv", p.TPVV != nil}, {"tdvv", p.TDVV != nil},
		{"reduce", p.Reduce != nil}, {"compression", p.Compression != nil},
	} {
		if m.present {
			return withRef(errBadRequest(0, "invalid input: %s applies to online copies only", m.name), m.name)
		}
	}
	return nil
}
