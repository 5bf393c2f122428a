package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"encoding/json"
	"net/http"
)

// PUT /volumes/{name} actions 2 (RESYNC_PHYSICAL_COPY) and 6 (TUNE_VOLUME),
// per the WSAPI 1.3.1 guide pp. 61-64 and 116: both answer {"taskid":N}. A
// tune moves the user space (tuneOperation 1, userCPG, optional
// conversionOperation 1 TPVV / 2 FPVV / 3 TDVV / 4 DECO, keepVV,
// compression) or the snapshot space (tuneOperation 2, snapCPG). The
// simulator applies the change when the task starts; while the task runs the
// volume is busy (409/151, "Volume tuning is in progress" in HPE's
// flowkit). A resync needs a copy made with saveSnapshot (otherwise
// NON_EXISTENT_VVCOPY, 404, no public number) and copies the source's data
// again.

// Task types of these actions.
const (
	taskTypePhysCopyResync = 2
	taskTypeConvertVV      = 19
	taskTypeMoveRegions    = 3

	actionTune = 6
)

type tuneBody struct {
	Action              *int    `json:"action"`
	TuneOperation       *int    `json:"tuneOperation"`
	UserCPG             *string `json:"userCPG"`
	SnapCPG             *string `json:"snapCPG"`
	ConversionOperation *int    `json:"conversionOperation"`
	KeepVV              *string `json:"keepVV"`
	Compression         *bool   `json:"compression"`
}

// volumeActionExt handles the PUT actions of this file; ok is false for
// the others, which modifyVolume handles.
func (e *engine) volumeActionExt(req *request) (response, bool) {
	var peek struct {
		Action *int `json:"action"`
	}
	if json.Unmarshal(req.body, &peek) != nil || peek.Action == nil {
		return response{}, false
	}
	switch *peek.Action {
	case actionTune:
		return e.tuneVolume(req), true
	case actionResyncPhysicalCopy:
		return e.resyncCopy(req), true
	}
	return response{}, false
}

func (e *engine) tuneVolume(req *request) response {
	var b tuneBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.TuneOperation == nil {
		return errResponse(missing("tuneOperation"))
	}
	switch *b.TuneOperation {
	case 1:
		if b.UserCPG == nil {
			return errResponse(missing("userCPG"))
		}
	case 2:
		if b.SnapCPG == nil {
			return errResponse(missing("snapCPG"))
		}
		if b.ConversionOperation != nil || b.UserCPG != nil {
			return errResponse(withRef(errBadRequest(codeParamConflict, "invalid input: parameters conflict"), "tuneOperation"))
		}
	default:
		return errResponse(badEnum("tuneOperation"))
	}
	if c := b.ConversionOperation; c != nil && (*c < 1 || *c > 4) {
		return errResponse(badEnum("conversionOperation"))
	}
	if b.KeepVV != nil {
		if err := e.validName("keepVV", *b.KeepVV); err != nil {
			return errResponse(err)
		}
	}
	name := req.params[0]
	e.lock()
	defer e.unlock()
	v := e.volumes[name]
	if v == nil {
		return errResponse(errNoVolume(name))
	}
	for _, cpgName := range []*string{b.UserCPG, b.SnapCPG} {
		if cpgName != nil && e.cpgs[*cpgName] == nil {
			return errResponse(errNoCPG(*cpgName))
		}
	}
	if t := e.activeTaskFor(name); t != nil {
		return errResponse(e.errBusy(name, t))
	}
	if b.KeepVV != nil && e.volumes[*b.KeepVV] != nil {
		return errResponse(errConflict(codeExistentVolume, "volume exists"))
	}
	typ := taskTypeMoveRegions
	if b.UserCPG != nil {
		v.CPG = *b.UserCPG
	}
	if b.SnapCPG != nil {
		v.SnapCPG = *b.SnapCPG
	}
	if c := b.ConversionOperation; c != nil {
		typ = taskTypeConvertVV
		v.ProvisioningType = map[int]alletra.ProvisioningType{1: provTPVV, 2: provFull, 3: provTDVV, 4: provTDVV}[*c]
		// 4 is DECO, dedup and compression: the volume ends compressed, as
		// a create with reduce does (HPE's mock; python-3parclient's volume
		// test of CONVERT_TO_DECO).
		if *c == 4 {
			v.Compressed = true
		}
	}
	if b.Compression != nil {
		v.Compressed = *b.Compression
	}
	t := e.startTask(typ, "tunevv "+name, req.user, name, "", 2)
	return okJSON(taskIDJSON{TaskID: t.ID})
}

// copyOrigins records, for a physical copy made with saveSnapshot, its
// source: what a resync copies from. Callers hold e.mu.
func (e *engine) rememberCopy(src, dest string, saved bool) {
	if !saved {
		delete(e.copyOrigin, dest)
		return
	}
	if e.copyOrigin == nil {
		e.copyOrigin = map[string]string{}
	}
	e.copyOrigin[dest] = src
}

func (e *engine) resyncCopy(req *request) response {
	var b struct {
		Action   *int `json:"action"`
		Priority *int `json:"priority"`
	}
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	name := req.params[0]
	e.lock()
	defer e.unlock()
	dest := e.volumes[name]
	if dest == nil {
		return errResponse(errNoVolume(name))
	}
	src := e.volumes[e.copyOrigin[name]]
	if src == nil {
		return errResponse(e.named(errNonExistentVVCopy, "physical copy not found: %s", name))
	}
	if t := e.activeTaskFor(name); t != nil {
		return errResponse(e.errBusy(name, t))
	}
	if t := e.activeTaskFor(src.Name); t != nil {
		return errResponse(e.errBusy(src.Name, t))
	}
	dest.Content, dest.UsedMiB = src.Content, src.UsedMiB
	t := e.startTask(taskTypePhysCopyResync, "resync "+src.Name+" "+name, req.user, src.Name, name, 2)
	return response{status: http.StatusOK, body: taskIDJSON{TaskID: t.ID}}
}
