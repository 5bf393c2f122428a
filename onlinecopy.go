package alletra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// OnlineCopyRequest describes an online physical copy: the array creates
// DestVolume in DestCPG and copies the source into it while both stay
// usable. DestVolume and DestCPG are required.
type OnlineCopyRequest struct {
	DestVolume string `json:"destVolume"`
	DestCPG    string `json:"destCPG"`
	// SnapCPG is the destination's snapshot CPG. Arrays from build
	// 100000000 (the "WSAPI of 2023") refuse it; leave it empty there.
	SnapCPG string `json:"snapCPG,omitempty"`
	// Provisioning of the destination; none set leaves the array's default.
	TPVV        *bool `json:"tpvv,omitempty"`
	TDVV        *bool `json:"tdvv,omitempty"`
	Reduce      *bool `json:"reduce,omitempty"` // Primera/Alletra dedup+compression
	Compression *bool `json:"compression,omitempty"`
	// WWN gives the destination that WWN.
	WWN string `json:"WWN,omitempty"`
	// SkipZero skips copying zero-filled blocks.
	SkipZero bool `json:"skipZero,omitempty"`
}

type onlineCopyParams struct {
	OnlineCopyRequest
	Online bool `json:"online"`
}

type onlineCopyBody struct {
	Action     string           `json:"action"` // "createPhysicalCopy"
	Parameters onlineCopyParams `json:"parameters"`
}

// StartOnlineCopy starts an online physical copy of src into a new volume
// and returns the array's copy task as soon as the array accepted it,
// without waiting: finish it with Tasks.Wait, or stop it with
// StopOnlineCopy. The destination exists (and may be exported) as soon as
// this returns.
//
// The returned *Task holds only what the array's answer says: its ID (the
// answer's Location names the destination, which is req.DestVolume). Every
// other field is zero (Status 0 is "not read yet") until Tasks.Get or
// Tasks.Wait reads the task; no read of the task is sent here.
//
// SnapCPG is left out of the request on arrays that refuse it (WSAPI build
// 100000000 and later, the "WSAPI of 2023": APIVersion.RefusesSnapCPG), as
// Volumes.Create does and as Cinder does for online copies; when the
// version cannot be read, it is sent as given.
//
// WSAPI: GET /api (only when SnapCPG is set, once per Client: the answer
// is cached), then POST /api/v1/volumes/<src> {"action":"createPhysicalCopy",
// "parameters":{"destVolume","destCPG","online":true,...}} → {"taskid":N}
// (200 or 201; WSAPI 1.3.1 guide p. 113). priority does not apply to online
// copies and is not sent. Sent once: a copy whose outcome is unknown is
// returned as an error. An answer without a task id is ErrBadResponse (the
// copy may be running). A taken destination name gives ErrAlreadyExists
// (code 22); a missing source ErrNotFound (23), a missing CPG ErrNotFound
// (15); a source busy in another task ErrBusy and ErrInUse (409, code 151).
func (s *SnapshotsService) StartOnlineCopy(ctx context.Context, src string, req *OnlineCopyRequest) (*Task, error) {
	if err := s.client.checkName("src", src); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalid("req", "nil *OnlineCopyRequest")
	}
	if err := s.client.checkName("DestVolume", req.DestVolume); err != nil {
		return nil, err
	}
	if req.DestVolume == src {
		return nil, invalid("DestVolume", "same volume as src")
	}
	if err := s.client.checkName("DestCPG", req.DestCPG); err != nil {
		return nil, err
	}
	if req.SnapCPG != "" {
		if err := s.client.checkName("SnapCPG", req.SnapCPG); err != nil {
			return nil, err
		}
	}
	if req.WWN != "" && !isHexWWN(req.WWN) {
		return nil, invalid("WWN", "must be 16 or 32 hexadecimal digits")
	}
	thin := 0
	for _, b := range []*bool{req.TPVV, req.TDVV, req.Reduce} {
		if b != nil && *b {
			thin++
		}
	}
	if thin > 1 {
		return nil, invalid("TPVV", "at most one of TPVV, TDVV and Reduce")
	}
	params := onlineCopyParams{OnlineCopyRequest: *req, Online: true} // never modify the caller's request
	if params.SnapCPG != "" {
		if v, err := s.client.System.APIVersion(ctx); err == nil && v.RefusesSnapCPG() {
			params.SnapCPG = ""
		}
	}
	var ref taskRef
	path := pathf("/volumes/%s", src)
	if _, err := s.client.do(ctx, &call{method: http.MethodPost, path: path,
		body: onlineCopyBody{Action: "createPhysicalCopy", Parameters: params},
		out:  &ref, kind: CallDelta}); err != nil {
		return nil, err
	}
	return startedTask(ref, http.MethodPost, path)
}

type volumeActionRequest struct {
	Action VolumeAction `json:"action"`
}

// StopCopy stops the offline physical copy into dest (StartCopy, Copy).
// It is not for online copies (StartOnlineCopy): stop those with
// StopOnlineCopy, as HPE's clients do; arrays list 409
// INV_OPERATION_VV_ONLINE_COPY_IN_PROGRESS among the refusals of this
// action.
//
// WSAPI: PUT /api/v1/volumes/<dest> {"action":1} (STOP_PHYSICAL_COPY, WSAPI
// 1.3.1 guide p. 116). Sent once. A dest without a copy in progress is
// refused by the array (NON_EXISTENT_VVCOPY, 404, no public number: it
// matches ErrNotFound).
func (s *SnapshotsService) StopCopy(ctx context.Context, dest string) error {
	if err := s.client.checkName("dest", dest); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/volumes/%s", dest),
		body: volumeActionRequest{Action: VolumeActionStopPhysicalCopy}, kind: CallDelta})
	return err
}

// OnlineCopyStop names the online copy that StopOnlineCopy stops.
type OnlineCopyStop struct {
	// TaskID is the id of the copy's task: the ID of the *Task that
	// StartOnlineCopy returned. Required. The copy is not looked up by
	// name: GET /tasks lists only the tasks of the last 24 hours, so a
	// lookup by name can miss a running copy. (CopyTask does such a lookup
	// for a caller that lost the id; nil from it means "unknown".)
	TaskID int
	// DestVolume is the destination volume the copy created. Required.
	DestVolume string
}

// maxCopySnapshots is how many snapshots StopOnlineCopy follows from the
// destination: HPE's python client deletes two.
const maxCopySnapshots = 2

// StopOnlineCopy stops the online physical copy of src into
// req.DestVolume and removes what the copy made, as HPE's clients do (HPE
// python-3parclient stopOnlinePhysicalCopy; Cinder's Alletra MP driver):
//
//  1. GET /api/v1/tasks/<TaskID>: the task must be an online copy
//     (type 18) named after DestVolume, as HPE's client finds it;
//     otherwise a *ValidationError on TaskID, and nothing is changed.
//  2. PUT /api/v1/tasks/<TaskID> {"action":1} when the task is active
//     (a task that ended meanwhile is not an error).
//  3. GET /api/v1/tasks/<TaskID> until the task is no longer active
//     (Tasks.Wait; cancelled is the expected end).
//  4. GET /api/v1/volumes/<DestVolume>, then up to two reads along its
//     copyOf chain: HPE's client deletes the destination's copyOf and
//     that volume's copyOf, the snapshots the array made for the copy.
//     Only virtual copies are followed, never src and never a base
//     volume, so the source is never touched. (Which snapshots an array
//     makes for an online copy is known from HPE's client only; no guide
//     documents them.) A destination already gone is not an error: nothing
//     is deleted, and snapshots of the copy, if any, cannot be found.
//  5. DELETE /api/v1/volumes/<DestVolume>, then DELETE each of those
//     snapshots, nearest first. One already gone counts as removed. A
//     delete refused as busy costs one GET /api/v1/tasks, as in
//     Volumes.Delete.
//
// A copy whose task ended before the cancel (done or failed) is removed
// the same way: StopOnlineCopy undoes the copy.
//
// What is left when it fails: before step 2 completes, nothing was
// changed. When ctx ends during step 3, the cancel was sent; the task may
// still be ending and nothing was deleted: call StopOnlineCopy again
// (step 2 is skipped for a task that is no longer active). When a read or
// delete in steps 4-5 fails, the error is a *CopyLeftError listing the
// volumes still on the array, in the order to delete them (when the
// destination could not be read, only the destination is listed: its
// snapshots are unknown).
func (s *SnapshotsService) StopOnlineCopy(ctx context.Context, src string, req *OnlineCopyStop) error {
	if err := s.client.checkName("src", src); err != nil {
		return err
	}
	if req == nil {
		return invalid("req", "nil *OnlineCopyStop")
	}
	if req.TaskID <= 0 {
		return invalid("TaskID", fmt.Sprintf("task id must be positive, got %d", req.TaskID))
	}
	dest := req.DestVolume
	if err := s.client.checkName("DestVolume", dest); err != nil {
		return err
	}
	if dest == src {
		return invalid("DestVolume", "same volume as src")
	}
	t, err := s.client.Tasks.Get(ctx, req.TaskID)
	if err != nil {
		return err
	}
	if t.Type != TaskTypeOnlineCopy || (t.Name != dest && !containsWord(t.Name, dest)) {
		return invalid("TaskID", fmt.Sprintf("task %d is %s %q, not the online copy into %s", t.ID, t.Type, t.Name, dest))
	}
	if t.Status == TaskActive {
		if err := s.client.Tasks.Cancel(ctx, t.ID); err != nil && !isNonActiveTask(err) {
			return err
		}
	}
	if _, err := s.client.Tasks.Wait(ctx, t.ID); err != nil {
		var te *TaskError
		if !errors.As(err, &te) || te.Err != ErrTaskCancelled && te.Err != ErrTaskFailed {
			return err
		}
	}
	left := []string{dest}
	v, err := s.client.Volumes.Get(ctx, dest)
	switch {
	case errors.Is(err, ErrNotFound):
		left = nil
	case err != nil:
		return &CopyLeftError{Volumes: left, Err: err}
	default:
		for cur := v; len(left) <= maxCopySnapshots && cur.CopyOf != "" && cur.CopyOf != src; {
			p, err := s.client.Volumes.Get(ctx, cur.CopyOf)
			if errors.Is(err, ErrNotFound) {
				break
			}
			if err != nil {
				return &CopyLeftError{Volumes: left, Err: err}
			}
			if p.CopyType != CopyVirtualCopy {
				break
			}
			left = append(left, p.Name)
			cur = p
		}
	}
	for len(left) > 0 {
		if err := s.client.Volumes.Delete(ctx, left[0]); err != nil && !errors.Is(err, ErrNotFound) {
			return &CopyLeftError{Volumes: left, Err: err}
		}
		left = left[1:]
	}
	return nil
}

// isNonActiveTask reports a cancel refused because the task already ended
// (400, NON_ACTIVE_TASK, no public number): HPE's client ignores it.
func isNonActiveTask(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest
}

// StartResync starts copying again into dest what changed in its source
// since the physical copy was made (the copy must have kept its snapshot:
// PhysicalCopyOptions.SaveSnapshot), and returns the resync task as soon as
// the array accepted it, without waiting: finish it with Tasks.Wait.
//
// The returned *Task holds only its ID; the other fields are zero until
// Tasks.Get or Tasks.Wait reads it.
//
// WSAPI: PUT /api/v1/volumes/<dest> {"action":2} (RESYNC_PHYSICAL_COPY) →
// {"taskid":N}; nothing else. Sent once. An answer without a task id is
// ErrBadResponse. A dest that is not such a copy gives ErrNotFound
// (NON_EXISTENT_VVCOPY, 404, no public number).
func (s *SnapshotsService) StartResync(ctx context.Context, dest string) (*Task, error) {
	if err := s.client.checkName("dest", dest); err != nil {
		return nil, err
	}
	var ref taskRef
	path := pathf("/volumes/%s", dest)
	if _, err := s.client.do(ctx, &call{method: http.MethodPut, path: path,
		body: volumeActionRequest{Action: VolumeActionResyncPhysicalCopy}, out: &ref, kind: CallDelta}); err != nil {
		return nil, err
	}
	return startedTask(ref, http.MethodPut, path)
}

// CopyTask returns the active physical-copy task (online copy, copy or
// resync) that involves the volume called name, or nil when there is none:
// what HPE's python client's isOnlinePhysicalCopy asks.
//
// GET /tasks lists only the tasks started in the last 24 hours, so nil
// means "none found", not "no copy": a copy started earlier is missed.
// Prefer the task id that the Start call returned (Tasks.Get).
//
// WSAPI: GET /api/v1/tasks. Tasks are matched by name, as the public record
// has it: HPE's python client looks for a task named after the volume; a
// task whose name lists the volume among its words (e.g. "vvcopy src dest")
// matches too. Idempotent; retried.
func (s *SnapshotsService) CopyTask(ctx context.Context, name string) (*Task, error) {
	if err := s.client.checkName("name", name); err != nil {
		return nil, err
	}
	tasks, err := s.client.Tasks.List(ctx)
	if err != nil {
		return nil, err
	}
	for i := range tasks {
		t := &tasks[i]
		if t.Status != TaskActive {
			continue
		}
		switch t.Type {
		case TaskTypeOnlineCopy, TaskTypeVolumeCopy, TaskTypePhysCopyResync:
		default:
			continue
		}
		if t.Name == name || containsWord(t.Name, name) {
			out := *t
			return &out, nil
		}
	}
	return nil, nil
}
