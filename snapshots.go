package alletra

import (
	"context"
	"fmt"
	"net/http"
)

// SnapshotsService manages virtual copies (snapshots) and physical copies of volumes.
type SnapshotsService service

// Limits of the expiration and retention members (hours), per the WSAPI guide.
const maxSnapshotHours = 43800

// SnapshotCreateRequest describes a virtual copy (snapshot) of a volume. Name
// is required; everything else is optional and left to the array's default
// when zero.
type SnapshotCreateRequest struct {
	// Name of the new snapshot (a volume name: global on the array).
	Name string `json:"name"`
	// ID is the volume ID to give the snapshot; 0 lets the array choose.
	ID int `json:"id,omitempty"`
	// Comment is free text (up to 511 characters).
	Comment string `json:"comment,omitempty"`
	// ReadOnly makes a read-only snapshot; the array's default is read-write.
	ReadOnly bool `json:"readOnly,omitempty"`
	// ExpirationHours makes the array delete the snapshot after that many
	// hours (1 to 43800); 0 means never.
	ExpirationHours int `json:"expirationHours,omitempty"`
	// RetentionHours keeps the snapshot from being deleted for that many
	// hours (1 to 43800); 0 means no retention.
	RetentionHours int `json:"retentionHours,omitempty"`
}

// snapshotCreateBody is the wire body of POST /volumes/<parent> for a snapshot.
type snapshotCreateBody struct {
	Action     string                 `json:"action"` // "createSnapshot"
	Parameters *SnapshotCreateRequest `json:"parameters"`
}

// RestoreOptions are the optional members of a promote (restore).
type RestoreOptions struct {
	// Online promotes while the parent stays exported (arrays that support
	// it); the default is an offline promote, which the array refuses while
	// the parent has vLUNs (ErrExported).
	Online bool
	// Priority of the promote task; 0 leaves the array's default.
	Priority TaskPriority
	// AllowRemoteCopyParent allows the promote when the parent is in a
	// remote-copy group.
	AllowRemoteCopyParent bool
}

// restoreBody is the wire body of PUT /volumes/<snapshot> with action 4.
type restoreBody struct {
	Action                VolumeAction `json:"action"`
	Online                bool         `json:"online,omitempty"`
	Priority              TaskPriority `json:"priority,omitempty"`
	AllowRemoteCopyParent bool         `json:"allowRemoteCopyParent,omitempty"`
}

// PhysicalCopyOptions are the options of an offline physical copy. There are
// deliberately no provisioning options (tpvv, tdvv, reduce, compression) nor
// a destination CPG: the destination volume exists already and keeps its
// own, and the array refuses those members on an offline copy.
type PhysicalCopyOptions struct {
	// SaveSnapshot keeps the snapshot the array takes of the source for the
	// copy, so that the copy can be resynchronised later.
	SaveSnapshot bool
	// Priority of the copy task; 0 means PriorityHigh (what LXD uses).
	Priority TaskPriority
	// SrcSizeMiB and DestSizeMiB are the sizes of src and dest in MiB when
	// the caller already knows them (from List, Get or its own create).
	// Given both, a dest smaller than src is refused before any request.
	// Nothing is read when they are zero: the array refuses a copy into a
	// smaller volume itself (COPY_PARENT_TOO_BIG), and that refusal is
	// reported as ErrCannotShrink too.
	SrcSizeMiB, DestSizeMiB int64
}

// physicalCopyParams are the parameters of an offline createPhysicalCopy.
// destCPG is deliberately absent: it makes the copy an online one, and the
// array refuses it on an offline copy into an existing volume.
type physicalCopyParams struct {
	DestVolume   string       `json:"destVolume"`
	SaveSnapshot bool         `json:"saveSnapshot"`
	Priority     TaskPriority `json:"priority"`
}

type physicalCopyBody struct {
	Action     string             `json:"action"` // "createPhysicalCopy"
	Parameters physicalCopyParams `json:"parameters"`
}

// Create makes a virtual copy (snapshot) of the volume parent.
//
// WSAPI: POST /api/v1/volumes/<parent>
// {"action":"createSnapshot","parameters":{"name":...}}; 200 and 201 are
// both accepted. Retried on transport errors and busy answers; when a retry
// meets "already exists", the existing volume counts as this snapshot if it
// is a virtual copy of parent (otherwise ErrAlreadyExists). A missing parent
// gives ErrNotFound (code 23).
func (s *SnapshotsService) Create(ctx context.Context, parent string, req *SnapshotCreateRequest) error {
	if err := s.client.checkName("parent", parent); err != nil {
		return err
	}
	if req == nil {
		return invalid("req", "nil *SnapshotCreateRequest")
	}
	if err := s.client.checkName("Name", req.Name); err != nil {
		return err
	}
	if err := checkHours("ExpirationHours", req.ExpirationHours); err != nil {
		return err
	}
	if err := checkHours("RetentionHours", req.RetentionHours); err != nil {
		return err
	}
	if req.ID < 0 {
		return invalid("ID", fmt.Sprintf("must not be negative, got %d", req.ID))
	}
	if err := checkComment(req.Comment); err != nil {
		return err
	}
	params := *req // never keep a reference to the caller's request
	name := params.Name
	_, err := s.client.do(ctx, &call{method: http.MethodPost, path: pathf("/volumes/%s", parent),
		body: snapshotCreateBody{Action: "createSnapshot", Parameters: &params},
		kind: CallCreate, reconcile: func(ctx context.Context) (bool, error) {
			v, err := s.client.Volumes.Get(ctx, name)
			if err != nil {
				return false, err
			}
			return v.CopyType == CopyVirtualCopy && v.CopyOf == parent, nil
		}})
	return err
}

// maxCommentLen is the WSAPI limit of comments (print511).
const maxCommentLen = 511

// List returns the snapshots (virtual copies) of parent. Physical copies of
// parent, which the array also reports with copyOf == parent, are left out,
// and so is anything whose copyOf is not exactly parent: the array's filter
// is checked on the client side. A parent without snapshots, or one that
// does not exist, gives an empty list.
//
// WSAPI: GET /api/v1/volumes?query="copyOf==<parent>". Idempotent; retried.
func (s *SnapshotsService) List(ctx context.Context, parent string) ([]Volume, error) {
	if err := s.client.checkName("parent", parent); err != nil {
		return nil, err
	}
	vols, err := s.client.Volumes.List(ctx, &VolumeListOptions{Query: Eq("copyOf", parent)})
	if err != nil {
		return nil, err
	}
	out := make([]Volume, 0, len(vols))
	for _, v := range vols {
		if v.CopyType == CopyVirtualCopy && v.CopyOf == parent {
			out = append(out, v)
		}
	}
	return out, nil
}

// Delete deletes the volume called name. It is meant for snapshots but does
// not check that name is one: it deletes whatever volume has that name. The
// array refuses a snapshot that has snapshots of its own (ErrInUse, code 32).
//
// WSAPI: DELETE /api/v1/volumes/<name>. Idempotent; retried. A missing
// snapshot gives ErrNotFound (code 23), which callers tearing down may ignore.
func (s *SnapshotsService) Delete(ctx context.Context, name string) error {
	return s.client.Volumes.Delete(ctx, name)
}

// Restore promotes the snapshot onto its parent (the parent's data becomes
// the snapshot's again; the snapshot is kept) and waits for the array's task
// to end: it is StartRestore with default options (an offline promote)
// followed by Tasks.Wait.
//
// WSAPI: PUT /api/v1/volumes/<snapshot> {"action":4} → {"taskid":N}, then
// GET /api/v1/tasks/<N> until the task ends. Not repeated: a promote whose
// outcome is unknown is returned as an error, never sent twice.
//
// Errors: as StartRestore for the promote itself. A task that fails or is
// cancelled gives a *TaskError matching ErrTaskFailed or ErrTaskCancelled;
// when ctx ends during the wait, a *TaskError with the task id and the
// context's error (the promote goes on on the array; wait for it again with
// Tasks.Wait).
//
// After ErrParentGrown no promote of that snapshot goes through (the
// parent cannot shrink back to the snapshot's size), online or not. What
// the array does allow is an offline physical copy from the snapshot: make
// a volume of at least the snapshot's SizeMiB (Volumes.Create), copy the
// snapshot into it (Copy), and use that volume in the parent's place, for
// example by swapping the names with Volumes.Update (NewName) while
// neither is exported. It is a new volume: its WWN and NGUID differ, so the
// host sees a new device, and the parent's other snapshots stay with the
// parent. The parent is not touched, so nothing is lost if the copy fails.
// (Copying a snapshot into its own parent is not documented anywhere and
// is not offered.)
func (s *SnapshotsService) Restore(ctx context.Context, snapshot string) error {
	t, err := s.StartRestore(ctx, snapshot, nil)
	if err != nil {
		return err
	}
	_, err = s.client.Tasks.Wait(ctx, t.ID)
	return err
}

// StartRestore starts a promote of the snapshot onto its parent and returns
// the array's task as soon as the array accepted it, without waiting: finish
// it with Tasks.Wait. nil opts is the default (offline) promote; opts asks
// for an online promote, a task priority or a parent in a remote-copy group.
//
// The returned *Task holds only what the array's answer says: its ID. Every
// other field is zero (Status 0 is "not read yet", not a state of the array)
// until Tasks.Get or Tasks.Wait reads the task; no read is sent here.
//
// WSAPI: PUT /api/v1/volumes/<snapshot> {"action":4[,"online":true]
// [,"priority":P][,"allowRemoteCopyParent":true]} → {"taskid":N}; nothing
// else. Not repeated: a promote whose outcome is unknown is returned as an
// error, never sent twice. An answer without a task id is ErrBadResponse
// (the array accepted the promote, so it may be running).
//
// Online with a Priority is refused before any request with a
// *ValidationError: a priority does not apply to an online promote, and the
// array refuses the pair (400, INV_INPUT_PARAM_CONFLICT, 44).
//
// Errors: a missing snapshot gives ErrNotFound; a parent that is still
// exported gives ErrExported and ErrInUse (403, INV_OPERATION_VV_EXPORTED,
// whose number is not published: the status and operation decide; unexport
// it first, or promote online). A 409 without a known code is read as a
// busy volume (ErrBusy, ErrInUse) unless one read of the snapshot and its
// parent (GET /api/v1/volumes/<snapshot> and /<parent>, sent only then)
// shows the parent larger than the snapshot: then it is ErrParentGrown
// (PARENT_SIZE_HAS_INCREASED, also without a published number). The
// *APIError keeps the array's status and code either way.
func (s *SnapshotsService) StartRestore(ctx context.Context, snapshot string, opts *RestoreOptions) (*Task, error) {
	if err := s.client.checkName("snapshot", snapshot); err != nil {
		return nil, err
	}
	body := restoreBody{Action: VolumeActionPromote}
	if opts != nil {
		if opts.Priority < 0 || opts.Priority > PriorityLow {
			return nil, invalid("Priority", fmt.Sprintf("must be 0 (default) or 1-3, got %d", opts.Priority))
		}
		if opts.Online && opts.Priority != 0 {
			return nil, invalid("Priority", "an online promote takes no priority (the array refuses the pair)")
		}
		body.Online, body.Priority, body.AllowRemoteCopyParent = opts.Online, opts.Priority, opts.AllowRemoteCopyParent
	}
	var ref taskRef
	path := pathf("/volumes/%s", snapshot)
	if _, err := s.client.do(ctx, &call{method: http.MethodPut, path: path, body: body,
		out: &ref, kind: CallDelta}); err != nil {
		return nil, s.promoteRefused(ctx, snapshot, err)
	}
	return startedTask(ref, http.MethodPut, path)
}

// Copy copies the data of src into the existing volume dest (an offline
// physical copy: dest must not be exported) and waits for the copy task to
// end, which it returns: it is StartCopy followed by Tasks.Wait. src may be
// a base volume or a snapshot; a caller that does not need the task may
// ignore it.
//
// WSAPI: the requests of StartCopy, then GET /api/v1/tasks/<N> until the
// task ends. A failed or cancelled task gives the final *Task and a
// *TaskError matching ErrTaskFailed or ErrTaskCancelled; when ctx ends
// during the wait, a *TaskError with the task id (the copy goes on).
func (s *SnapshotsService) Copy(ctx context.Context, src, dest string, opts *PhysicalCopyOptions) (*Task, error) {
	t, err := s.StartCopy(ctx, src, dest, opts)
	if err != nil {
		return nil, err
	}
	return s.client.Tasks.Wait(ctx, t.ID)
}

// StartCopy starts an offline physical copy of src (a base volume or a
// snapshot) into the existing volume dest and returns the array's task as
// soon as the array accepted it, without waiting: finish it with
// Tasks.Wait. dest must not be exported and must be at least as large as
// src.
//
// The returned *Task holds only what the array's answer says: its ID (the
// answer's Location names dest, which the caller already knows). Every other
// field is zero (Status 0 is "not read yet") until Tasks.Get or Tasks.Wait
// reads the task; no read is sent here.
//
// No volume is read before the copy: the array itself refuses a copy into
// a smaller volume (409, COPY_PARENT_TOO_BIG) before anything is written.
// When opts gives both SrcSizeMiB and DestSizeMiB (a caller that listed,
// read or created the volumes), a dest smaller than src is refused before
// any request with a *ValidationError matching ErrCannotShrink.
//
// WSAPI: POST /api/v1/volumes/<src> {"action":"createPhysicalCopy",
// "parameters":{"destVolume":dest,"saveSnapshot":false,"priority":1}} →
// {"taskid":N} (200 or 201); nothing else on success. The POST is not
// repeated: a copy whose outcome is unknown is returned as an error. An
// answer without a task id is ErrBadResponse (the copy may be running).
//
// Errors: a missing src or dest gives ErrNotFound (code 23). A copy or tune
// already running gives ErrBusy and ErrInUse (409, code 151). A 409
// without a known code is explained by one read of both volumes (GET
// /api/v1/volumes/<src> and /<dest>, sent only then): dest smaller than
// src gives ErrCannotShrink (COPY_PARENT_TOO_BIG), otherwise ErrBusy and
// ErrInUse (a copy already running). An exported dest gives ErrExported
// (403, INV_OPERATION_VV_EXPORTED).
func (s *SnapshotsService) StartCopy(ctx context.Context, src, dest string, opts *PhysicalCopyOptions) (*Task, error) {
	if err := s.client.checkName("src", src); err != nil {
		return nil, err
	}
	if err := s.client.checkName("dest", dest); err != nil {
		return nil, err
	}
	if src == dest {
		return nil, invalid("dest", "same volume as src")
	}
	params := physicalCopyParams{DestVolume: dest, Priority: PriorityHigh}
	if opts != nil {
		if opts.Priority < 0 || opts.Priority > PriorityLow {
			return nil, invalid("Priority", fmt.Sprintf("must be 0 (high) or 1-3, got %d", opts.Priority))
		}
		if opts.Priority != 0 {
			params.Priority = opts.Priority
		}
		params.SaveSnapshot = opts.SaveSnapshot
		if err := checkKnownSizes(src, dest, opts.SrcSizeMiB, opts.DestSizeMiB); err != nil {
			return nil, err
		}
	}
	var ref taskRef
	path := pathf("/volumes/%s", src)
	if _, err := s.client.do(ctx, &call{method: http.MethodPost, path: path,
		body: physicalCopyBody{Action: "createPhysicalCopy", Parameters: params},
		out:  &ref, kind: CallDelta}); err != nil {
		return nil, s.copyRefused(ctx, src, dest, err)
	}
	return startedTask(ref, http.MethodPost, path)
}

// promoteRefused confirms a 409 without a known code to a promote of
// snapshot with one read of the snapshot and its parent: a parent larger
// than the snapshot means PARENT_SIZE_HAS_INCREASED (ErrParentGrown);
// otherwise, or when a read fails, the table's verdict (busy) stands.
func (s *SnapshotsService) promoteRefused(ctx context.Context, snapshot string, err error) error {
	if !hasUnknownCode(err, http.StatusConflict) {
		return err
	}
	snap, rerr := s.client.Volumes.Get(ctx, snapshot)
	if rerr != nil || snap.CopyOf == "" {
		return err
	}
	parent, rerr := s.client.Volumes.Get(ctx, snap.CopyOf)
	if rerr == nil && parent.SizeMiB > snap.SizeMiB {
		return refine(err, "", ErrParentGrown)
	}
	return err
}

// copyRefused confirms a 409 without a known code to a physical copy with
// one read of both volumes: a dest now smaller than src means
// COPY_PARENT_TOO_BIG (ErrCannotShrink); otherwise a copy or task is
// already running on them (PCOPY_IN_PROGRESS, VV_IS_BUSY: ErrBusy,
// ErrInUse). When a read fails the answer stays unclassified.
func (s *SnapshotsService) copyRefused(ctx context.Context, src, dest string, err error) error {
	if !hasUnknownCode(err, http.StatusConflict) {
		return err
	}
	sv, rerr := s.client.Volumes.Get(ctx, src)
	if rerr != nil {
		return err
	}
	dv, rerr := s.client.Volumes.Get(ctx, dest)
	if rerr != nil {
		return err
	}
	if dv.SizeMiB < sv.SizeMiB {
		return refine(err, "", ErrCannotShrink)
	}
	return refine(err, "", ErrBusy, ErrInUse)
}
