package alletra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
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

// CreateOnlineCopy starts an online physical copy of src into a new volume
// and returns the id of the array's copy task, to wait for with Tasks.Wait.
// The destination exists (and may be exported) as soon as this returns.
//
// WSAPI: POST /api/v1/volumes/<src> {"action":"createPhysicalCopy",
// "parameters":{"destVolume","destCPG","online":true,...}} → {"taskid":N}
// (200 or 201; WSAPI 1.3.1 guide p. 113). priority does not apply to online
// copies and is not sent. Sent once: a copy whose outcome is unknown is
// returned as an error. A taken destination name gives ErrAlreadyExists
// (code 22); a missing source ErrNotFound (23), a missing CPG ErrNotFound
// (15); a source busy in another task ErrBusy and ErrInUse (409, code 151).
func (s *SnapshotsService) CreateOnlineCopy(ctx context.Context, src string, req *OnlineCopyRequest) (int, error) {
	if err := s.client.checkName("src", src); err != nil {
		return 0, err
	}
	if req == nil {
		return 0, invalid("req", "nil *OnlineCopyRequest")
	}
	if err := s.client.checkName("DestVolume", req.DestVolume); err != nil {
		return 0, err
	}
	if req.DestVolume == src {
		return 0, invalid("DestVolume", "same volume as src")
	}
	if err := s.client.checkName("DestCPG", req.DestCPG); err != nil {
		return 0, err
	}
	if req.SnapCPG != "" {
		if err := s.client.checkName("SnapCPG", req.SnapCPG); err != nil {
			return 0, err
		}
	}
	if req.WWN != "" && !isHexWWN(req.WWN) {
		return 0, invalid("WWN", "must be 16 or 32 hexadecimal digits")
	}
	thin := 0
	for _, b := range []*bool{req.TPVV, req.TDVV, req.Reduce} {
		if b != nil && *b {
			thin++
		}
	}
	if thin > 1 {
		return 0, invalid("TPVV", "at most one of TPVV, TDVV and Reduce")
	}
	var ref taskRef
	path := pathf("/volumes/%s", src)
	if _, err := s.client.do(ctx, &call{method: http.MethodPost, path: path,
		body: onlineCopyBody{Action: "createPhysicalCopy", Parameters: onlineCopyParams{OnlineCopyRequest: *req, Online: true}},
		out:  &ref, kind: CallDelta}); err != nil {
		return 0, err
	}
	if ref.TaskID <= 0 {
		return 0, errBadResponse(http.MethodPost, path, fmt.Errorf("the array accepted the copy but named no task"))
	}
	return int(ref.TaskID), nil
}

func isHexWWN(w string) bool {
	if len(w) != 16 && len(w) != 32 {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

type volumeActionRequest struct {
	Action VolumeAction `json:"action"`
}

// StopCopy stops the physical copy into dest (online or offline).
//
// WSAPI: PUT /api/v1/volumes/<dest> {"action":1} (STOP_PHYSICAL_COPY, WSAPI
// 1.3.1 guide p. 116). Sent once. HPE's python client stops an online copy
// by cancelling its task and then deletes the destination and the two
// snapshots the array made for it; this call leaves that clean-up to the
// caller. A dest without a copy in progress is refused by the array
// (NON_EXISTENT_VVCOPY, 404, no public number: it matches ErrNotFound).
func (s *SnapshotsService) StopCopy(ctx context.Context, dest string) error {
	if err := s.client.checkName("dest", dest); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/volumes/%s", dest),
		body: volumeActionRequest{Action: VolumeActionStopPhysicalCopy}, kind: CallDelta})
	return err
}

// ResyncCopy copies again into dest what changed in its source since the
// physical copy was made (the copy must have kept its snapshot:
// PhysicalCopyOptions.SaveSnapshot), and returns the id of the resync task.
//
// WSAPI: PUT /api/v1/volumes/<dest> {"action":2} (RESYNC_PHYSICAL_COPY) →
// {"taskid":N}. Sent once. A dest that is not such a copy gives ErrNotFound
// (NON_EXISTENT_VVCOPY, 404, no public number).
func (s *SnapshotsService) ResyncCopy(ctx context.Context, dest string) (int, error) {
	if err := s.client.checkName("dest", dest); err != nil {
		return 0, err
	}
	var ref taskRef
	path := pathf("/volumes/%s", dest)
	if _, err := s.client.do(ctx, &call{method: http.MethodPut, path: path,
		body: volumeActionRequest{Action: VolumeActionResyncPhysicalCopy}, out: &ref, kind: CallDelta}); err != nil {
		return 0, err
	}
	if ref.TaskID <= 0 {
		return 0, errBadResponse(http.MethodPut, path, fmt.Errorf("the array accepted the resync but named no task"))
	}
	return int(ref.TaskID), nil
}

// CopyTask returns the active physical-copy task (online copy, copy or
// resync) that involves the volume called name, or nil when there is none:
// what HPE's python client's isOnlinePhysicalCopy asks.
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

func containsWord(s, word string) bool {
	for _, f := range strings.Fields(s) {
		if f == word {
			return true
		}
	}
	return false
}

// classifyVolumeDelete explains a refused DELETE /volumes/<name> by an
// active copy: arrays answer 409 code 151 (Cinder, HPE flowkit) or 400
// code 29 OTHER (Cinder, during an online copy). For those answers, and a
// 409 without a known code (a named-only refusal), one read of the tasks
// confirms it; otherwise err is returned unchanged.
func (c *Client) classifyVolumeDelete(ctx context.Context, name string, err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	switch {
	case apiErr.StatusCode == http.StatusConflict && (apiErr.Code == CodeTuneInProgress || !apiErr.Code.known()):
	case apiErr.StatusCode == http.StatusBadRequest && apiErr.Code == CodeOther:
	default:
		return err
	}
	t, terr := c.Snapshots.CopyTask(ctx, name)
	if terr != nil || t == nil {
		return err
	}
	return refine(apiErr, fmt.Sprintf("physical copy task %d is in progress", t.ID), ErrCopyInProgress, ErrBusy, ErrInUse)
}

// TuneOperation says what a tune changes.
type TuneOperation int

// Tune operations (WSAPI tuneOperation).
const (
	TuneUserCPG TuneOperation = 1 // move the user space to UserCPG (and convert)
	TuneSnapCPG TuneOperation = 2 // move the snapshot space to SnapCPG
)

// String returns the WSAPI name of the operation.
func (t TuneOperation) String() string { return enumName(int(t), "USR_CPG", "SNP_CPG") }

// Conversion is a provisioning conversion of a tune.
type Conversion int

// Provisioning conversions (WSAPI conversionOperation).
const (
	ConvertToThin  Conversion = 1 // TPVV
	ConvertToFull  Conversion = 2 // FPVV
	ConvertToDedup Conversion = 3 // TDVV
	ConvertToDECO  Conversion = 4 // dedup+compression (Primera/Alletra "reduce")
)

// String returns the WSAPI name of the conversion.
func (c Conversion) String() string {
	return enumName(int(c), "TPVV", "FPVV", "TDVV", "CONVERT_TO_DECO")
}

// TuneRequest moves a volume to another CPG and optionally converts its
// provisioning. Operation is required: TuneUserCPG with UserCPG (and
// Conversion, KeepVV, Compression as needed), or TuneSnapCPG with SnapCPG.
type TuneRequest struct {
	Operation  TuneOperation `json:"tuneOperation"`
	UserCPG    string        `json:"userCPG,omitempty"`
	SnapCPG    string        `json:"snapCPG,omitempty"`
	Conversion Conversion    `json:"conversionOperation,omitempty"`
	// KeepVV keeps the original volume under this name after a conversion
	// (some arrays require it with a conversion: Cinder has seen 400 code
	// 40 naming keepVV).
	KeepVV      string `json:"keepVV,omitempty"`
	Compression *bool  `json:"compression,omitempty"`
}

type tuneBody struct {
	Action VolumeAction `json:"action"`
	TuneRequest
}

// Tune starts a tune of the volume: a move of its user or snapshot space to
// another CPG, with an optional conversion of its provisioning (thin, full,
// dedup, compression). It returns the id of the tune task, to wait for with
// Tasks.Wait; the volume stays usable meanwhile.
//
// WSAPI: PUT /api/v1/volumes/<name> {"action":6,"tuneOperation":...} →
// {"taskid":N} (WSAPI 1.3.1 guide pp. 61-64). Sent once: a tune whose
// outcome is unknown is returned as an error. A volume already in a tune or
// copy gives ErrBusy and ErrInUse (409, code 151 "Volume tuning is in
// progress"); a missing volume or CPG ErrNotFound (23, 15).
func (s *VolumesService) Tune(ctx context.Context, name string, req *TuneRequest) (int, error) {
	if err := s.client.checkName("name", name); err != nil {
		return 0, err
	}
	if req == nil {
		return 0, invalid("req", "nil *TuneRequest")
	}
	switch req.Operation {
	case TuneUserCPG:
		if err := s.client.checkName("UserCPG", req.UserCPG); err != nil {
			return 0, err
		}
		if req.SnapCPG != "" {
			return 0, invalid("SnapCPG", "a user-CPG tune moves the user space only")
		}
	case TuneSnapCPG:
		if err := s.client.checkName("SnapCPG", req.SnapCPG); err != nil {
			return 0, err
		}
		if req.UserCPG != "" || req.Conversion != 0 || req.KeepVV != "" || req.Compression != nil {
			return 0, invalid("Operation", "a snapshot-CPG tune takes only SnapCPG")
		}
	default:
		return 0, invalid("Operation", fmt.Sprintf("must be 1 (user CPG) or 2 (snapshot CPG), got %d", req.Operation))
	}
	if req.Conversion < 0 || req.Conversion > ConvertToDECO {
		return 0, invalid("Conversion", fmt.Sprintf("must be 0 (none) or 1-4, got %d", req.Conversion))
	}
	if req.KeepVV != "" {
		if err := s.client.checkName("KeepVV", req.KeepVV); err != nil {
			return 0, err
		}
	}
	var ref taskRef
	path := pathf("/volumes/%s", name)
	if _, err := s.client.do(ctx, &call{method: http.MethodPut, path: path,
		body: tuneBody{Action: VolumeActionTune, TuneRequest: *req}, out: &ref, kind: CallDelta}); err != nil {
		return 0, err
	}
	if ref.TaskID <= 0 {
		return 0, errBadResponse(http.MethodPut, path, fmt.Errorf("the array accepted the tune but named no task"))
	}
	return int(ref.TaskID), nil
}
