package alletratest

import "fmt"

// namedError is a WSAPI error that the public record names, with its HTTP
// status, but gives no number for: HPE's WSAPI guides list these symbols in
// the error tables of their operations, and HPE's python client names them in
// its docstrings, without the code. Every error body of an array has a
// numeric "code" (guide 1.2 p. 16: an error has the members code, desc and,
// when relevant, ref), so the simulator sends one too: by default
// PlaceholderCode, a number outside every published range, so that nobody
// takes it for the real one and a client under test cannot depend on it. A
// user who knows the number their array sends sets it with
// simConfig.NamedErrorCodes; a test can also set any number to check that a
// client works whatever the number is.
type namedError string

// Named errors the simulator answers. Each comment gives the HTTP status and
// where the symbol is documented.
const (
	// errVVExported: 403. A promote while the parent is exported, a physical
	// copy into an exported volume (guide 1.3.1, physical copy; HPE python
	// client, promoteVirtualCopy and copyVolume).
	errVVExported namedError = "INV_OPERATION_VV_EXPORTED"
	// errParentSizeHasIncreased: 409. A promote after the parent grew (HPE
	// python client, promoteVirtualCopy).
	errParentSizeHasIncreased namedError = "INV_OPERATION_PARENT_SIZE_HAS_INCREASED"
	// errCopyParentTooBig: 409. A physical copy into a smaller volume (HPE
	// python client, copyVolume).
	errCopyParentTooBig namedError = "INV_OPERATION_VV_COPY_PARENT_TOO_BIG"
	// errOperationParamConflict: 409. An online promote with a priority
	// (HPE python client, promoteVirtualCopy: "parameters cannot be present
	// at the same time"). It is not INV_INPUT_PARAM_CONFLICT (44), a 400.
	errOperationParamConflict namedError = "INV_OPERATION_PARAM_CONFLICT"
	// errMemberInSet: 409. Adding a member that is already in the set (guide
	// 1.3.1, modify volume set; host sets take the same modify actions, so
	// the simulator answers both kinds alike: inferred for host sets). Its
	// number defaults to 104: a third-party Go WSAPI client reads 104 on a
	// volume-set add as "already a member", and 104 fits the guide's run of
	// set codes (101 EXISTENT_SET, 102 NON_EXISTENT_SET). Medium confidence;
	// set it to 0 in simConfig.NamedErrorCodes to omit it.
	errMemberInSet namedError = "MEMBER_IN_SET"
	// errMemberNotInSet: 404. Removing a member that is not in the set (guide
	// 1.3.1, modify volume set; host sets alike, inferred).
	errMemberNotInSet namedError = "MEMBER_NOT_IN_SET"
	// errHostInSet: 409. A host that is a member of a host set (HPE's ruby
	// SDK classes it as a conflict; HPE's mock gives it a number it also uses
	// for another symbol, so that number is not trusted).
	errHostInSet namedError = "HOST_IN_SET"
	// errInvalidQueryString: 400. A query= the array cannot parse (guide
	// 1.3.1, volume queries).
	errInvalidQueryString namedError = "INV_QUERY_STRING"
	// errAutoLUNUnavailable: 409. No free LUN for autoLun (guide 1.3.1, vLUN
	// create).
	errAutoLUNUnavailable namedError = "AUTO_LUN_ID_UNAVAILABLE"
	// errNonActiveTask: 400. Cancelling a task that is not active (guide
	// 1.3.1, cancel task).
	errNonActiveTask namedError = "NON_ACTIVE_TASK"
	// errVVIsBusy: 409. The volume is busy (HPE python client docstrings).
	errVVIsBusy namedError = "INV_OPERATION_VV_IS_BUSY"
	// errPhysicalCopyInProgress: 409. An offline physical copy is running on
	// the volume (HPE python client, growVolume and promoteVirtualCopy).
	errPhysicalCopyInProgress namedError = "INV_OPERATION_VV_PCOPY_IN_PROGRESS"
	// errNonExistentVVCopy: 404. Stopping a physical copy that is not
	// running (HPE python client docstrings for physical copies: "physical
	// copy not found"; the guide lists it among the named-only errors).
	errNonExistentVVCopy namedError = "NON_EXISTENT_VVCOPY"
	// errPromoteInProgress: 409. A promote is running on the volume (HPE
	// python client, growVolume and promoteVirtualCopy).
	errPromoteInProgress namedError = "INV_OPERATION_VV_PROMOTE_IN_PROGRESS"
	// errVVLimitReached: 503. A volume create beyond the array's number of
	// volumes (guide 1.3.1, create volume errors). A hard limit, not load.
	errVVLimitReached namedError = "VV_LIMIT_REACHED"
	// errVVIDLimitReached: 503. No volume id left (guide 1.3.1).
	errVVIDLimitReached namedError = "VV_ID_LIMIT_REACHED"
	// errSnapshotLimitReached: 503. A snapshot beyond the array's number of
	// snapshots (guide 1.3.1, create snapshot errors).
	errSnapshotLimitReached namedError = "SNAPSHOT_LIMIT_REACHED"
	// errCPGAllocationWarningReached: 503. The CPG reached its allocation
	// warning (guide 1.3.1). The simulator never sends it by itself.
	errCPGAllocationWarningReached namedError = "CPG_ALLOCATION_WARNING_REACHED"
)

// namedStatus is the documented HTTP status of every named error: the one
// table the simulator answers them from.
var namedStatus = map[namedError]int{
	errVVExported:             403,
	errParentSizeHasIncreased: 409,
	errCopyParentTooBig:       409,
	errOperationParamConflict: 409,
	errMemberInSet:            409,
	errMemberNotInSet:         404,
	errHostInSet:              409,
	errInvalidQueryString:     400,
	errAutoLUNUnavailable:     409,
	errNonActiveTask:          400,
	errVVIsBusy:               409,
	errPhysicalCopyInProgress: 409,
	errPromoteInProgress:      409,
	errNonExistentVVCopy:      404,

	errVVLimitReached:              503,
	errVVIDLimitReached:            503,
	errSnapshotLimitReached:        503,
	errCPGAllocationWarningReached: 503,
}

// namedDefaultCodes are the numbers sent when simConfig.NamedErrorCodes has no
// entry for a named error, instead of PlaceholderCode: only MEMBER_IN_SET's
// medium-confidence 104.
var namedDefaultCodes = map[namedError]int{errMemberInSet: 104}

// namedErrors returns every named error the simulator answers.
func namedErrors() []namedError {
	out := make([]namedError, 0, len(namedStatus))
	for n := range namedStatus {
		out = append(out, n)
	}
	return out
}

// Status returns the documented HTTP status of n, or 0 for a name the
// simulator does not know.
func (n namedError) Status() int { return namedStatus[n] }

// namedCode returns the number to send with n: the configured one (0 omits
// the member), else the default, else PlaceholderCode.
func (c *simConfig) namedCode(n namedError) int {
	if code, ok := c.NamedErrorCodes[n]; ok {
		return code
	}
	if code, ok := namedDefaultCodes[n]; ok {
		return code
	}
	return PlaceholderCode
}

// named builds the answer for a named error. The description names the
// symbol so that a failed test says which error it was; descriptions are
// never a contract, and clients must not match them.
func (e *engine) named(n namedError, format string, args ...any) *apiError {
	code := e.cfg.namedCode(n)
	return &apiError{Status: namedStatus[n], Code: code, omitCode: code == 0,
		Desc: string(n) + ": " + fmt.Sprintf(format, args...)}
}

// errBusy is the answer to a grow, promote or copy of a volume in use by
// task t. An online copy (like a tune) gives 151, which flowkit and Cinder
// see for it; an offline copy and a promote give the named 409s that HPE's
// python client lists for these operations. Callers hold e.mu.
func (e *engine) errBusy(name string, t *task) *apiError {
	switch t.Type {
	case taskTypeOnlineCopy:
		return errConflict(codeTuneInProgress, "volume %s is the target or source of an online copy in progress", name)
	case taskTypeConvertVV, taskTypeMoveRegions:
		// "Volume tuning is in progress" (flowkit's rest_client) is 409/151.
		return errConflict(codeTuneInProgress, "volume tuning is in progress on volume %s", name)
	case taskTypePromoteSV:
		return e.named(errPromoteInProgress, "a promote is in progress on volume %s", name)
	}
	return e.named(errPhysicalCopyInProgress, "a physical copy is in progress on volume %s", name)
}

// errBusyDelete is the answer to deleting a volume in use by task t. Cinder
// sees 409 with code 151 when it deletes a volume while a clone of it runs,
// so a copy of either kind gives 151; a promote gives its named 409.
// Callers hold e.mu.
func (e *engine) errBusyDelete(name string, t *task) *apiError {
	if t.Type == taskTypePromoteSV {
		return e.errBusy(name, t)
	}
	return errConflict(codeTuneInProgress, "volume %s is in a physical copy in progress", name)
}

// limitReached answers a create of n more volumes (snapshot false) or
// snapshots beyond simConfig.MaxVolumes or simConfig.MaxSnapshots with the named
// 503 limit, or returns nil. Callers hold e.mu.
func (e *engine) limitReached(snapshot bool, n int) *apiError {
	limit, kind := e.cfg.MaxVolumes, errVVLimitReached
	if snapshot {
		limit, kind = e.cfg.MaxSnapshots, errSnapshotLimitReached
	}
	if limit <= 0 {
		return nil
	}
	have := 0
	for _, v := range e.volumes {
		if (v.CopyType == copyVirtual) == snapshot {
			have++
		}
	}
	if have+n <= limit {
		return nil
	}
	if snapshot {
		return e.named(kind, "the system's snapshot limit (%d) is reached", limit)
	}
	return e.named(kind, "the system's volume limit (%d) is reached", limit)
}
