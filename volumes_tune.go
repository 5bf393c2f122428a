package alletra

import (
	"context"
	"fmt"
	"net/http"
)

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
	// KeepVV keeps the original volume under this name after a conversion.
	// A conversion tune of a volume that has snapshots needs it: arrays
	// refuse one without it with 400 code 40 naming keepVV (Cinder's 3PAR
	// driver).
	KeepVV      string `json:"keepVV,omitempty"`
	Compression *bool  `json:"compression,omitempty"`
}

type tuneBody struct {
	Action VolumeAction `json:"action"`
	TuneRequest
}

// StartTune starts a tune of the volume: a move of its user or snapshot
// space to another CPG, with an optional conversion of its provisioning
// (thin, full, dedup, compression). It returns the tune task as soon as the
// array accepted it, without waiting: finish it with Tasks.Wait. The volume
// stays usable meanwhile.
//
// The returned *Task holds only its ID; the other fields are zero until
// Tasks.Get or Tasks.Wait reads it.
//
// A conversion of a volume that has snapshots needs KeepVV (the array
// refuses it otherwise: 400 code 40, ErrInvalidInput).
//
// WSAPI: PUT /api/v1/volumes/<name> {"action":6,"tuneOperation":...} →
// {"taskid":N} (WSAPI 1.3.1 guide pp. 61-64); nothing else. Sent once: a
// tune whose outcome is unknown is returned as an error. An answer without
// a task id is ErrBadResponse. A volume already in a tune or copy gives
// ErrBusy and ErrInUse (409, code 151 "Volume tuning is in progress"); a
// missing volume or CPG ErrNotFound (23, 15).
func (s *VolumesService) StartTune(ctx context.Context, name string, req *TuneRequest) (*Task, error) {
	if err := s.client.checkName("name", name); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalid("req", "nil *TuneRequest")
	}
	switch req.Operation {
	case TuneUserCPG:
		if err := s.client.checkName("UserCPG", req.UserCPG); err != nil {
			return nil, err
		}
		if req.SnapCPG != "" {
			return nil, invalid("SnapCPG", "a user-CPG tune moves the user space only")
		}
	case TuneSnapCPG:
		if err := s.client.checkName("SnapCPG", req.SnapCPG); err != nil {
			return nil, err
		}
		if req.UserCPG != "" || req.Conversion != 0 || req.KeepVV != "" || req.Compression != nil {
			return nil, invalid("Operation", "a snapshot-CPG tune takes only SnapCPG")
		}
	default:
		return nil, invalid("Operation", fmt.Sprintf("must be 1 (user CPG) or 2 (snapshot CPG), got %d", req.Operation))
	}
	if req.Conversion < 0 || req.Conversion > ConvertToDECO {
		return nil, invalid("Conversion", fmt.Sprintf("must be 0 (none) or 1-4, got %d", req.Conversion))
	}
	if req.KeepVV != "" {
		if err := s.client.checkName("KeepVV", req.KeepVV); err != nil {
			return nil, err
		}
	}
	var ref taskRef
	path := pathf("/volumes/%s", name)
	if _, err := s.client.do(ctx, &call{method: http.MethodPut, path: path,
		body: tuneBody{Action: VolumeActionTune, TuneRequest: *req}, out: &ref, kind: CallDelta}); err != nil {
		return nil, err
	}
	return startedTask(ref, http.MethodPut, path)
}
