package alletratest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// Volume PUT actions.
const (
	actionStopPhysicalCopy   = 1
	actionResyncPhysicalCopy = 2
	actionGrow               = 3
	actionPromote            = 4
)

type volumeModifyBody struct {
	Action                *int            `json:"action"`
	SizeMiB               *int64          `json:"sizeMiB"`
	NewName               *string         `json:"newName"`
	Comment               *string         `json:"comment"`
	SnapCPG               *string         `json:"snapCPG"`
	UserCPG               *string         `json:"userCPG"`
	Policies              json.RawMessage `json:"policies"`
	ExpirationHours       *int            `json:"expirationHours"`
	RetentionHours        *int            `json:"retentionHours"`
	SsSpcAllocWarningPct  *int            `json:"ssSpcAllocWarningPct"`
	SsSpcAllocLimitPct    *int            `json:"ssSpcAllocLimitPct"`
	UsrSpcAllocWarningPct *int            `json:"usrSpcAllocWarningPct"`
	UsrSpcAllocLimitPct   *int            `json:"usrSpcAllocLimitPct"`
	RmSsSpcAllocWarning   *bool           `json:"rmSsSpcAllocWarning"`
	RmUsrSpcAllocWarning  *bool           `json:"rmUsrSpcAllocWarning"`
	RmExpTime             *bool           `json:"rmExpTime"`
	RmSsSpcAllocLimit     *bool           `json:"rmSsSpcAllocLimit"`
	RmUsrSpcAllocLimit    *bool           `json:"rmUsrSpcAllocLimit"`
	Online                *bool           `json:"online"`
	Priority              *int            `json:"priority"`
	AllowRemoteCopyParent *bool           `json:"allowRemoteCopyParent"`
}

// modifyVolume handles PUT /volumes/{name}: modify, grow, promote, stop copy.
func (e *engine) modifyVolume(req *request) response {
	if r, ok := e.volumeActionExt(req); ok { // tune.go: resync, tune
		return r
	}
	var b volumeModifyBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	var pol policiesBody
	if err := decodeNested(b.Policies, "policies", &pol); err != nil {
		return errResponse(err)
	}
	name := req.params[0]
	if b.Action == nil {
		return e.updateVolume(name, &b)
	}
	switch *b.Action {
	case actionGrow:
		return e.growVolume(name, b.SizeMiB)
	case actionPromote:
		return e.promote(req, name, b.Online, b.Priority)
	case actionStopPhysicalCopy:
		return e.stopCopy(name)
	case actionResyncPhysicalCopy, 5, 6:
		return errResponse(apiErr(http.StatusNotImplemented, codeUnsupportedOperation, "action %d is not simulated", *b.Action))
	}
	return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "action"))
}

func (e *engine) updateVolume(name string, b *volumeModifyBody) response {
	if b.NewName != nil {
		if err := e.validName("newName", *b.NewName); err != nil {
			return errResponse(err)
		}
	}
	for _, chk := range []*apiError{checkComment(b.Comment), checkHours("expirationHours", b.ExpirationHours), checkHours("retentionHours", b.RetentionHours)} {
		if chk != nil {
			return errResponse(chk)
		}
	}
	e.lock()
	defer e.unlock()
	v := e.volumes[name]
	if v == nil {
		return errResponse(errNoVolume(name))
	}
	for field, c := range map[string]*string{"userCPG": b.UserCPG, "snapCPG": b.SnapCPG} {
		if c != nil && e.cpgs[*c] == nil {
			return errResponse(withRef(errNoCPG(*c), field))
		}
	}
	if b.NewName != nil && *b.NewName != name && e.volumes[*b.NewName] != nil {
		return errResponse(errConflict(codeExistentVolume, "volume exists"))
	}
	now := e.now()
	if b.Comment != nil {
		v.Comment = *b.Comment
	}
	if b.UserCPG != nil {
		v.CPG = *b.UserCPG
	}
	if b.SnapCPG != nil {
		v.SnapCPG = *b.SnapCPG
	}
	setHours(now, &v.Expiration, b.ExpirationHours)
	setHours(now, &v.Retention, b.RetentionHours)
	if isTrue(b.RmExpTime) {
		v.Expiration = time.Time{}
	}
	if b.NewName != nil && *b.NewName != name {
		e.renameVolume(v, *b.NewName)
	}
	return response{status: http.StatusOK}
}

// renameVolume moves v to a new name and updates every reference.
// Callers hold e.mu.
func (e *engine) renameVolume(v *volume, newName string) {
	old := v.Name
	delete(e.volumes, old)
	v.Name = newName
	e.volumes[newName] = v
	for _, o := range e.volumes {
		if o.CopyOf == old {
			o.CopyOf = newName
		}
	}
	for _, s := range e.sets {
		for i, m := range s.Members {
			if m == old {
				s.Members[i] = newName
			}
		}
	}
	for _, l := range e.vluns {
		if l.VolumeName == old {
			l.VolumeName = newName
		}
	}
	for _, t := range e.tasks {
		if t.Source == old {
			t.Source = newName
		}
		if t.Dest == old {
			t.Dest = newName
		}
	}
}

func (e *engine) growVolume(name string, delta *int64) response {
	if delta == nil {
		return errResponse(missing("sizeMiB"))
	}
	if *delta <= 0 {
		return errResponse(withRef(errBadRequest(codeInvalidGrowSize, "invalid grow size"), "sizeMiB"))
	}
	e.lock()
	defer e.unlock()
	v := e.volumes[name]
	if v == nil {
		return errResponse(errNoVolume(name))
	}
	if v.CopyType == copyVirtual {
		return errResponse(errForbidden(codeUnsupportedVVType, "cannot grow this type of volume"))
	}
	if t := e.activeTaskFor(name); t != nil {
		return errResponse(e.errBusy(name, t))
	}
	if aerr := e.rcGrowGuard(name); aerr != nil { // remotecopy.go
		return errResponse(aerr)
	}
	if e.rcReadOnly(name) { // RCOPY_GROUP_TARGET_VOL_IS_RO: a 403 like the other RCOPY_GROUP_* refusals, number unknown
		return errResponse(errForbidden(0, "volume %s is a remote copy secondary: read-only until a failover", name))
	}
	newSize := v.SizeMiB + roundUpMiB(*delta)
	if newSize > e.cfg.MaxVolumeSizeMiB || newSize < v.SizeMiB {
		return errResponse(withRef(errBadRequest(codeTooLarge, "new size above the architectural limit"), "sizeMiB"))
	}
	v.SizeMiB = newSize
	return response{status: http.StatusOK, location: volumeLocation(name)}
}

// deleteVolume handles DELETE /volumes/{name}[?cascade=true].
func (e *engine) deleteVolume(req *request) response {
	name := req.params[0]
	cascade := req.query.Get("cascade") == "true" && !e.cfg.IgnoreCascade
	e.lock()
	defer e.unlock()
	v := e.volumes[name]
	if v == nil {
		return errResponse(errNoVolume(name))
	}
	victims := []*volume{v}
	if cascade {
		victims = append(victims, e.descendants(name)...)
	} else if len(e.children(name)) > 0 {
		return errResponse(errConflict(codeHasChild, "volume has child snapshots"))
	}
	for _, x := range victims {
		if t := e.activeTaskFor(x.Name); t != nil {
			return errResponse(e.errBusyDelete(x.Name, t))
		}
		if e.exported(x.Name) {
			return errResponse(errConflict(codeExportedVLUN, "volume %s is exported", x.Name))
		}
		if e.inAnySet(x.Name) {
			return errResponse(errConflict(codeInUse, "volume %s is a member of a volume set", x.Name))
		}
	}
	for _, x := range victims {
		delete(e.volumes, x.Name)
	}
	return response{status: http.StatusOK}
}

// children returns the virtual copies whose parent is name. Callers hold e.mu.
func (e *engine) children(name string) []*volume {
	var out []*volume
	for _, v := range e.sortedVolumes() {
		if v.CopyType == copyVirtual && v.CopyOf == name {
			out = append(out, v)
		}
	}
	return out
}

func (e *engine) descendants(name string) []*volume {
	var out []*volume
	for _, c := range e.children(name) {
		out = append(out, c)
		out = append(out, e.descendants(c.Name)...)
	}
	return out
}

func (e *engine) exported(name string) bool {
	return slices.ContainsFunc(e.vluns, func(l *vlun) bool { return l.VolumeName == name })
}

func (e *engine) inAnySet(name string) bool {
	for _, s := range e.sets {
		if slices.Contains(s.Members, name) {
			return true
		}
	}
	return false
}
