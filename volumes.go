package alletra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/google/go-querystring/query"
)

// VolumesService manages virtual volumes (WSAPI /volumes).
type VolumesService service

// ProvisioningType is a volume's provisioning (WSAPI provisioningType).
type ProvisioningType int

// Provisioning types.
const (
	ProvisioningFull     ProvisioningType = 1 // fully provisioned (FPVV)
	ProvisioningThin     ProvisioningType = 2 // thin (TPVV)
	ProvisioningSnapshot ProvisioningType = 3 // a snapshot (SNP)
	ProvisioningPeer     ProvisioningType = 4 // a peer volume
	ProvisioningUnknown  ProvisioningType = 5
	ProvisioningDedup    ProvisioningType = 6 // thin deduplicated (TDVV)
	ProvisioningDDS      ProvisioningType = 7 // deduplicated data store
)

// String returns the WSAPI name of the provisioning type.
func (p ProvisioningType) String() string {
	return enumName(int(p), "FULL", "TPVV", "SNP", "PEER", "UNKNOWN", "TDVV", "DDS")
}

// CopyType tells a base volume from its copies (WSAPI copyType).
type CopyType int

// Copy types.
const (
	CopyBase         CopyType = 1 // a base volume
	CopyPhysicalCopy CopyType = 2 // a physical copy (clone)
	CopyVirtualCopy  CopyType = 3 // a virtual copy (snapshot)
)

// String returns the WSAPI name of the copy type.
func (t CopyType) String() string {
	return enumName(int(t), "BASE", "PHYSICAL_COPY", "VIRTUAL_COPY")
}

// enumName returns names[v-1], or the number for values out of range.
func enumName(v int, names ...string) string {
	if v >= 1 && v <= len(names) {
		return names[v-1]
	}
	return fmt.Sprintf("%d", v)
}

// VolumeAction is the action of PUT /volumes/<name>.
type VolumeAction int

// Volume actions.
const (
	VolumeActionStopPhysicalCopy   VolumeAction = 1
	VolumeActionResyncPhysicalCopy VolumeAction = 2
	VolumeActionGrow               VolumeAction = 3 // sizeMiB is the amount to add
	VolumeActionPromote            VolumeAction = 4 // on a snapshot: restore it onto its parent
	VolumeActionStopPromote        VolumeAction = 5
	VolumeActionTune               VolumeAction = 6
)

// String returns the WSAPI name of the action.
func (a VolumeAction) String() string {
	return enumName(int(a), "STOP_PHYSICAL_COPY", "RESYNC_PHYSICAL_COPY", "GROW_VOLUME",
		"PROMOTE_VIRTUAL_COPY", "STOP_PROMOTE_VIRTUAL_COPY", "TUNE_VOLUME")
}

// Space is a space usage record of a volume.
type Space struct {
	ReservedMiB    int64 `json:"reservedMiB"`
	RawReservedMiB int64 `json:"rawReservedMiB"`
	UsedMiB        int64 `json:"usedMiB"`
	FreeMiB        int64 `json:"freeMiB"`
}

// UnmarshalJSON reads the sizes as integers written as such, as integral
// floats (HPE's fixtures) or quoted.
func (sp *Space) UnmarshalJSON(b []byte) error {
	type plain Space
	w := struct {
		*plain
		ReservedMiB    flexInt `json:"reservedMiB"`
		RawReservedMiB flexInt `json:"rawReservedMiB"`
		UsedMiB        flexInt `json:"usedMiB"`
		FreeMiB        flexInt `json:"freeMiB"`
	}{plain: (*plain)(sp)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	sp.ReservedMiB, sp.RawReservedMiB = int64(w.ReservedMiB), int64(w.RawReservedMiB)
	sp.UsedMiB, sp.FreeMiB = int64(w.UsedMiB), int64(w.FreeMiB)
	return nil
}

// VolumePolicies are a volume's policy flags.
type VolumePolicies struct {
	StaleSS    *bool `json:"staleSS,omitempty"`
	OneHost    *bool `json:"oneHost,omitempty"`
	ZeroDetect *bool `json:"zeroDetect,omitempty"`
	System     *bool `json:"system,omitempty"`
	Caching    *bool `json:"caching,omitempty"`
	HostDIF    int   `json:"hostDIF,omitempty"`
}

// Volume is a virtual volume, a snapshot or a physical copy.
type Volume struct {
	ID               int              `json:"id"`
	UUID             string           `json:"uuid"`
	Name             string           `json:"name"`
	Domain           string           `json:"domain,omitempty"`
	ProvisioningType ProvisioningType `json:"provisioningType"`
	CopyType         CopyType         `json:"copyType"`
	CopyOf           string           `json:"copyOf,omitempty"` // parent, for copies
	BaseID           int              `json:"baseId"`
	ReadOnly         bool             `json:"readOnly"`
	State            int              `json:"state"`
	SizeMiB          int64            `json:"sizeMiB"`
	TotalUsedMiB     int64            `json:"totalUsedMiB"`
	UserSpace        Space            `json:"userSpace"`
	SnapshotSpace    Space            `json:"snapshotSpace"`
	AdminSpace       Space            `json:"adminSpace"`
	WWN              string           `json:"wwn"`
	NGUID            string           `json:"nguid"` // 32 hex; the NVMe device id
	UserCPG          string           `json:"userCPG"`
	SnapCPG          string           `json:"snapCPG,omitempty"`
	Comment          string           `json:"comment,omitempty"`
	Policies         *VolumePolicies  `json:"policies,omitempty"`
	CreationTime8601 string           `json:"creationTime8601,omitempty"`
	CreationTimeSec  int64            `json:"creationTimeSec,omitempty"`
	ExpirationTime   string           `json:"expirationTime8601,omitempty"`
	RetentionTime    string           `json:"retentionTime8601,omitempty"`
}

// SizeBytes returns the volume's size (SizeMiB) in bytes; see BytesFromMiB.
func (v *Volume) SizeBytes() int64 { return BytesFromMiB(v.SizeMiB) }

// UsedBytes returns the space the volume uses (TotalUsedMiB) in bytes; see
// BytesFromMiB.
func (v *Volume) UsedBytes() int64 { return BytesFromMiB(v.TotalUsedMiB) }

// UnmarshalJSON reads the id and sizes leniently, as Space does (the
// space records decode themselves).
func (v *Volume) UnmarshalJSON(b []byte) error {
	type plain Volume
	w := struct {
		*plain
		ID              flexInt `json:"id"`
		BaseID          flexInt `json:"baseId"`
		SizeMiB         flexInt `json:"sizeMiB"`
		TotalUsedMiB    flexInt `json:"totalUsedMiB"`
		CreationTimeSec flexInt `json:"creationTimeSec"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	v.ID, v.BaseID = int(w.ID), int(w.BaseID)
	v.SizeMiB, v.TotalUsedMiB, v.CreationTimeSec = int64(w.SizeMiB), int64(w.TotalUsedMiB), int64(w.CreationTimeSec)
	return nil
}

// VolumeCreateRequest is the body of POST /volumes. Name, CPG and SizeMiB are
// required. With none of TPVV, TDVV and Reduce set, the volume is thin
// (tpvv=true), which every array family accepts.
type VolumeCreateRequest struct {
	Name        string          `json:"name"`
	CPG         string          `json:"cpg"`
	SizeMiB     int64           `json:"sizeMiB"` // in MiB, at most 16 TiB; the array rounds up to a multiple of 256 MiB; see VolumeSizeMiB
	ID          int             `json:"id,omitempty"`
	Comment     string          `json:"comment,omitempty"`
	SnapCPG     string          `json:"snapCPG,omitempty"` // dropped on WSAPI builds >= 100000000, which refuse it
	TPVV        *bool           `json:"tpvv,omitempty"`
	TDVV        *bool           `json:"tdvv,omitempty"`
	Reduce      *bool           `json:"reduce,omitempty"` // Primera/Alletra dedup+compression
	Compression *bool           `json:"compression,omitempty"`
	Policies    *VolumePolicies `json:"policies,omitempty"`

	ExpirationHours       int `json:"expirationHours,omitempty"`
	RetentionHours        int `json:"retentionHours,omitempty"`
	SsSpcAllocWarningPct  int `json:"ssSpcAllocWarningPct,omitempty"`
	SsSpcAllocLimitPct    int `json:"ssSpcAllocLimitPct,omitempty"`
	UsrSpcAllocWarningPct int `json:"usrSpcAllocWarningPct,omitempty"`
	UsrSpcAllocLimitPct   int `json:"usrSpcAllocLimitPct,omitempty"`
}

// VolumeUpdateRequest is the body of PUT /volumes/<name> without an action:
// a rename, a new comment, new retention settings.
type VolumeUpdateRequest struct {
	NewName         string          `json:"newName,omitempty"`
	Comment         *string         `json:"comment,omitempty"`
	ExpirationHours int             `json:"expirationHours,omitempty"`
	RetentionHours  int             `json:"retentionHours,omitempty"`
	Policies        *VolumePolicies `json:"policies,omitempty"`
	RmExpTime       bool            `json:"rmExpTime,omitempty"`
}

// VolumeListOptions filter Volumes.List on the array (WSAPI query).
type VolumeListOptions struct {
	// Query is any WSAPI expression, e.g. alletra.Eq("userCPG", "SSD_r6").
	Query Query `url:"query,omitempty"`
}

type volumeGrowRequest struct {
	Action  VolumeAction `json:"action"`
	SizeMiB int64        `json:"sizeMiB"`
}

type collection[T any] struct {
	Total   int `json:"total"`
	Members []T `json:"members"`
}

// List returns the volumes (and snapshots) that match opts; nil opts lists all.
//
// WSAPI: GET /api/v1/volumes[?query="..."]. Idempotent; retried.
func (s *VolumesService) List(ctx context.Context, opts *VolumeListOptions) ([]Volume, error) {
	var out collection[Volume]
	q, err := listQuery(opts)
	if err != nil {
		return nil, err
	}
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/volumes", query: q,
		out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// Get returns the volume or snapshot called name.
//
// WSAPI: GET /api/v1/volumes/<name>. Idempotent; retried. A missing volume
// gives an *APIError matching ErrNotFound (code 23).
func (s *VolumesService) Get(ctx context.Context, name string) (*Volume, error) {
	if err := s.client.checkName("name", name); err != nil {
		return nil, err
	}
	v := new(Volume)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/volumes/%s", name),
		out: v, kind: CallRead}); err != nil {
		return nil, err
	}
	return v, nil
}

// Create creates a volume. The array rounds SizeMiB up to a multiple of
// 256 MiB; VolumeSizeMiB gives the same number in advance.
//
// WSAPI: POST /api/v1/volumes. Retried; when a retry meets "already exists"
// (the first attempt was committed but its answer lost), the existing volume
// is compared with req and a match counts as success. A volume of that name
// created by someone else gives ErrAlreadyExists.
func (s *VolumesService) Create(ctx context.Context, req *VolumeCreateRequest) error {
	if req == nil {
		return invalid("req", "nil *VolumeCreateRequest")
	}
	if err := s.client.checkName("Name", req.Name); err != nil {
		return err
	}
	if req.CPG == "" {
		return invalid("CPG", "empty")
	}
	if err := s.client.checkName("CPG", req.CPG); err != nil {
		return err
	}
	if req.SizeMiB <= 0 {
		return invalid("SizeMiB", fmt.Sprintf("must be positive, got %d", req.SizeMiB))
	}
	if err := checkVolumeCreate(req); err != nil {
		return err
	}
	body := *req // never modify the caller's request
	if body.TPVV == nil && body.TDVV == nil && body.Reduce == nil {
		thin := true
		body.TPVV = &thin
	}
	if body.SnapCPG != "" {
		if v, err := s.client.System.APIVersion(ctx); err == nil && v.Build >= buildNoSnapCPG {
			body.SnapCPG = ""
		}
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPost, path: "/volumes", body: &body,
		kind: CallCreate, reconcile: func(ctx context.Context) (bool, error) {
			v, err := s.Get(ctx, req.Name)
			if err != nil {
				return false, err
			}
			return volumeMatches(v, &body), nil
		}})
	return err
}

// checkVolumeCreate checks the optional members of a create against the
// WSAPI's ranges.
func checkVolumeCreate(req *VolumeCreateRequest) error {
	if err := checkMiB("SizeMiB", req.SizeMiB); err != nil {
		return err
	}
	if req.ID < 0 {
		return invalid("ID", fmt.Sprintf("must not be negative, got %d", req.ID))
	}
	if req.SnapCPG != "" {
		if err := validName(req.SnapCPG, 0); err != nil {
			return invalid("SnapCPG", err.Error())
		}
	}
	for _, p := range []struct {
		field string
		v     int
	}{{"SsSpcAllocWarningPct", req.SsSpcAllocWarningPct}, {"SsSpcAllocLimitPct", req.SsSpcAllocLimitPct},
		{"UsrSpcAllocWarningPct", req.UsrSpcAllocWarningPct}, {"UsrSpcAllocLimitPct", req.UsrSpcAllocLimitPct}} {
		if p.v < 0 || p.v > 100 {
			return invalid(p.field, fmt.Sprintf("a percentage, got %d", p.v))
		}
	}
	if err := checkHours("ExpirationHours", req.ExpirationHours); err != nil {
		return err
	}
	if err := checkHours("RetentionHours", req.RetentionHours); err != nil {
		return err
	}
	return checkComment(req.Comment)
}

// maxVolumeMiB is the largest size the WSAPI takes: 16 TiB, the
// architectural limit in HPE's python-3parclient mock server, whose tests
// expect 16777218 MiB to be refused with 400 (TOO_LARGE). No larger limit
// is published for newer arrays.
const maxVolumeMiB = 16 << 20

// checkMiB refuses a size in MiB above maxVolumeMiB before any I/O: such a
// number is most likely a byte count (even 256 MiB in bytes is above it).
func checkMiB(field string, mib int64) error {
	if mib > maxVolumeMiB {
		return &ValidationError{Field: field, Err: ErrTooLarge, Reason: fmt.Sprintf(
			"%d MiB is above the WSAPI's limit of %d MiB (16 TiB): sizes are in MiB; use VolumeSizeMiB", mib, maxVolumeMiB)}
	}
	return nil
}

// buildNoSnapCPG is the first WSAPI build ("WSAPI of 2023") that refuses snapCPG.
const buildNoSnapCPG = 100000000

// volumeMatches reports whether v is what req would have created.
func volumeMatches(v *Volume, req *VolumeCreateRequest) bool {
	want, err := roundMiB(req.SizeMiB)
	if err != nil || v.SizeMiB != want || !strings.EqualFold(v.UserCPG, req.CPG) || v.CopyType == CopyVirtualCopy {
		return false
	}
	if req.TPVV != nil && *req.TPVV && v.ProvisioningType == ProvisioningFull {
		return false
	}
	return true
}

// roundMiB rounds a size in MiB up to the array's 256 MiB granularity. A
// size above the WSAPI's 16 TiB limit is refused (checkMiB): ResizeTo gets
// that check through it.
func roundMiB(mib int64) (int64, error) {
	if mib <= 0 {
		return 0, invalid("SizeMiB", "must be positive")
	}
	if err := checkMiB("SizeMiB", mib); err != nil {
		return 0, err
	}
	const g = VolumeGranularity / MiB
	if mib > math.MaxInt64/MiB-g {
		return 0, &ValidationError{Field: "SizeMiB", Reason: "too large", Err: ErrTooLarge}
	}
	return (mib + g - 1) / g * g, nil
}

// Delete deletes the volume or snapshot called name. The array refuses to
// delete a volume that has snapshots (ErrInUse, code 32; DeleteCascade
// deletes them too), is in a volume set (code 34) or is exported (code 26).
// A volume that a physical copy is using gives ErrCopyInProgress (with
// ErrBusy and ErrInUse) once one read of the tasks confirms it (see
// Snapshots.CopyTask).
//
// WSAPI: DELETE /api/v1/volumes/<name>. Idempotent; retried. A volume that
// does not exist gives ErrNotFound (unless a retry finds it gone after an
// earlier attempt whose answer was lost), which callers tearing down may ignore.
func (s *VolumesService) Delete(ctx context.Context, name string) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/volumes/%s", name), kind: CallDelete})
	if err != nil {
		return s.client.classifyVolumeDelete(ctx, name, err) // onlinecopy.go: a copy in progress
	}
	return nil
}

// DeleteCascade deletes the volume or snapshot called name together with
// its snapshots and theirs: LXD's DELETE with ?cascade=true, one request on
// an array that accepts the parameter. The volume and its snapshots must not
// be exported or in a volume set (ErrInUse, as for Delete).
//
// No public WSAPI document describes cascade=true. An array that refuses
// it (any 400, or 501) or ignores it (409 with code 32 or 25, "has
// children", the answer to a plain delete) gets the children-first
// fallback: each snapshot is deleted before its parent, descending only
// into snapshots the array says have children of their own, and snapshots
// already gone count as deleted. The fallback is not atomic: an error stops
// it with the snapshots deleted so far gone, and calling DeleteCascade
// again carries on.
//
// WSAPI: DELETE /api/v1/volumes/<name>?cascade=true; after a refusal, GET
// /api/v1/volumes?query="copyOf==<name>" and DELETE /api/v1/volumes/<name>
// per snapshot, then the volume. Idempotent like Delete: a missing volume
// gives ErrNotFound, which callers tearing down may ignore.
func (s *VolumesService) DeleteCascade(ctx context.Context, name string) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/volumes/%s", name),
		query: url.Values{"cascade": {"true"}}, kind: CallDelete})
	var apiErr *APIError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &apiErr):
		return err
	case hasChildren(err):
		return s.deleteChildren(ctx, name) // cascade was ignored: the plain delete's answer
	case apiErr.StatusCode == http.StatusBadRequest || apiErr.StatusCode == http.StatusNotImplemented:
		return s.deleteChildrenFirst(ctx, name) // cascade was refused
	}
	return s.client.classifyVolumeDelete(ctx, name, err) // onlinecopy.go: a copy in progress
}

// hasChildren reports the array's refusal to delete a volume that has
// snapshots (409, code 32 HAS_CHILD or 25 HAS_RO_CHILD).
func hasChildren(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict &&
		(apiErr.Code == CodeHasChild || apiErr.Code == CodeHasReadOnlyChild)
}

// deleteChildrenFirst deletes name, and first its snapshots when the array
// says it has some.
func (s *VolumesService) deleteChildrenFirst(ctx context.Context, name string) error {
	if err := s.Delete(ctx, name); !hasChildren(err) {
		return err
	}
	return s.deleteChildren(ctx, name)
}

// deleteChildren deletes the snapshots of name (children first), then name.
func (s *VolumesService) deleteChildren(ctx context.Context, name string) error {
	snaps, err := s.client.Snapshots.List(ctx, name)
	if err != nil {
		return err
	}
	for _, snap := range snaps {
		if err := s.deleteChildrenFirst(ctx, snap.Name); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return s.Delete(ctx, name)
}

// Grow adds byMiB to the volume's size; the array rounds the amount up to its
// allocation unit (256 MiB on current arrays). An amount above the WSAPI's
// 16 TiB limit (most likely bytes) is refused before any request.
//
// WSAPI: PUT /api/v1/volumes/<name> {"action":3,"sizeMiB":byMiB}. Not
// idempotent — the size is a delta — so it is never sent twice: a failure
// whose outcome is unknown is returned, and the caller should read the size
// before trying again. A successful Grow ends ResizeTo's guard for the
// volume (see ResizeTo): the caller has decided the size.
func (s *VolumesService) Grow(ctx context.Context, name string, byMiB int64) error {
	if err := s.grow(ctx, name, byMiB); err != nil {
		return err
	}
	s.client.grows.clear(name)
	return nil
}

func (s *VolumesService) grow(ctx context.Context, name string, byMiB int64) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	switch {
	case byMiB < 0:
		return &ValidationError{Field: "byMiB", Reason: fmt.Sprintf("must be positive, got %d", byMiB), Err: ErrCannotShrink}
	case byMiB == 0:
		return invalid("byMiB", "must be positive, got 0")
	}
	if err := checkMiB("byMiB", byMiB); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/volumes/%s", name),
		body: volumeGrowRequest{Action: VolumeActionGrow, SizeMiB: byMiB}, kind: CallDelta})
	return err
}

// ResizeTo makes the volume at least sizeMiB large and returns the size the
// array reports afterwards, in MiB: the size to wait for on the host (it
// may exceed sizeMiB, see below). It reads the current size first, sends
// nothing when the volume is already large enough (and returns that size),
// and refuses a smaller size with ErrCannotShrink before sending anything.
//
// Sizes are compared in the array's 256 MiB steps: sizeMiB is rounded up to
// the next multiple of 256 MiB, so a request anywhere inside the step the
// volume already fills (1025 to 1280 for a 1280 MiB volume) is a no-op that
// returns 1280, and a request below that step (1024 for a 1280 MiB volume)
// is ErrCannotShrink. A grow goes to the rounded size; an array whose grow
// unit is larger than 256 MiB rounds further, which the returned size shows.
//
// Calling ResizeTo again is safe after an error that says the grow was not
// carried out: a *ValidationError, an *APIError answer of the array (other
// than 502 and 504), a connection that could not be opened. When the
// grow's outcome is unknown (a timeout, a reset after the request was
// sent, 502 or 504, the context ending while it was in flight) the array
// may still carry it out later, so the error matches ErrGrowPending and
// this Client remembers it: until the volume's size has changed, ResizeTo
// on it reads the size and returns ErrGrowPending instead of growing again
// (which would add the delta twice once the late grow lands). A
// successful Grow on the volume ends the guard, for a caller that has
// checked that the late grow will not come. The guard lives in the Client:
// another Client (or process) is not protected, so read the size before
// resizing from there.
//
// Every error returns 0 as the size.
//
// WSAPI: GET /api/v1/volumes/<name>, then, when it must grow, PUT with
// action 3 (grow) by the difference and GET again for the new size.
func (s *VolumesService) ResizeTo(ctx context.Context, name string, sizeMiB int64) (int64, error) {
	target, err := roundMiB(sizeMiB)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Field = "sizeMiB"
		}
		return 0, err
	}
	v, err := s.Get(ctx, name)
	if err != nil {
		return 0, err
	}
	if p, ok := s.client.grows.get(name); ok {
		if v.SizeMiB == p.fromMiB {
			return 0, &GrowPendingError{Volume: name, FromMiB: p.fromMiB, ByMiB: p.byMiB}
		}
		s.client.grows.clear(name) // it landed (or someone else grew the volume)
	}
	switch {
	case sizeMiB <= v.SizeMiB && target >= v.SizeMiB:
		return v.SizeMiB, nil
	case target < v.SizeMiB:
		return 0, &ValidationError{Field: "sizeMiB",
			Reason: fmt.Sprintf("volume %s is %d MiB; cannot shrink to %d MiB", name, v.SizeMiB, target), Err: ErrCannotShrink}
	}
	delta := target - v.SizeMiB
	if err := s.grow(ctx, name, delta); err != nil {
		if outcomeUnknown(err) {
			s.client.grows.set(name, pendingGrow{fromMiB: v.SizeMiB, byMiB: delta})
			return 0, &GrowPendingError{Volume: name, FromMiB: v.SizeMiB, ByMiB: delta, Err: err}
		}
		return 0, err
	}
	grown, err := s.Get(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("alletra: volume %s grown by %d MiB; reading its new size: %w", name, delta, err)
	}
	return grown.SizeMiB, nil
}

// outcomeUnknown reports a failure after which a request may still have been
// carried out: a transport error other than a failed dial, a 502 or 504, the
// context ending, Close ending the call in flight.
func outcomeUnknown(err error) bool {
	var te *TransportError
	var apiErr *APIError
	switch {
	case errors.As(err, &te):
		return !isDialError(te.Err)
	case errors.As(err, &apiErr):
		return apiErr.StatusCode == http.StatusBadGateway || apiErr.StatusCode == http.StatusGatewayTimeout
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrClosed)
}

// pendingGrow is a grow ResizeTo sent whose outcome is unknown.
type pendingGrow struct{ fromMiB, byMiB int64 }

// growGuard holds a Client's pending grows by volume name; the zero value is
// ready.
type growGuard struct {
	mu sync.Mutex
	m  map[string]pendingGrow
}

func (g *growGuard) get(name string) (pendingGrow, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.m[name]
	return p, ok
}

func (g *growGuard) set(name string, p pendingGrow) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]pendingGrow{}
	}
	g.m[name] = p
}

func (g *growGuard) clear(name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.m, name)
}

// Update changes a volume's name, comment or retention settings.
//
// WSAPI: PUT /api/v1/volumes/<name> (no action). Idempotent; retried (a
// rename whose answer was lost is recognised by the new name). A missing
// volume gives ErrNotFound.
func (s *VolumesService) Update(ctx context.Context, name string, req *VolumeUpdateRequest) error {
	if req == nil {
		return invalid("req", "nil *VolumeUpdateRequest")
	}
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	if req.NewName != "" {
		if err := s.client.checkName("NewName", req.NewName); err != nil {
			return err
		}
	}
	if *req == (VolumeUpdateRequest{}) {
		return invalid("req", "nothing to change")
	}
	if req.Comment != nil {
		if err := checkComment(*req.Comment); err != nil {
			return err
		}
	}
	if err := checkHours("ExpirationHours", req.ExpirationHours); err != nil {
		return err
	}
	if err := checkHours("RetentionHours", req.RetentionHours); err != nil {
		return err
	}
	cl := &call{method: http.MethodPut, path: pathf("/volumes/%s", name), body: req, kind: CallUpdate}
	if req.NewName != "" {
		// A rename whose answer was lost makes the retry miss the old name:
		// the volume under the new name means it was carried out.
		cl.reconcileOn = ErrNotFound
		cl.reconcile = func(ctx context.Context) (bool, error) {
			_, err := s.Get(ctx, req.NewName)
			if errors.Is(err, ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		}
	}
	_, err := s.client.do(ctx, cl)
	return err
}

// FindByWWN returns the volume whose WWN is wwn (compared without case and
// colons). No match gives ErrNotFound.
//
// WSAPI: GET /api/v1/volumes?query="wwn==<wwn>". Idempotent; retried.
func (s *VolumesService) FindByWWN(ctx context.Context, wwn string) (*Volume, error) {
	norm := normalizeWWN(wwn)
	if norm == "" {
		return nil, invalid("wwn", "empty or not hexadecimal")
	}
	vols, err := s.List(ctx, &VolumeListOptions{Query: Eq("wwn", norm)})
	if err != nil {
		return nil, err
	}
	for i := range vols {
		if normalizeWWN(vols[i].WWN) == norm {
			return &vols[i], nil
		}
	}
	return nil, fmt.Errorf("alletra: volume with WWN %s: %w", norm, ErrNotFound)
}

// normalizeWWN returns wwn in upper case without colons, or "" if it is not hex.
func normalizeWWN(wwn string) string {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(wwn), ":", ""))
	if !isHex(s) {
		return ""
	}
	return s
}

// listQuery encodes list options with go-querystring; nil encodes nothing.
func listQuery(opts any) (map[string][]string, error) {
	if opts == nil {
		return nil, nil
	}
	v, err := query.Values(opts)
	if err != nil {
		return nil, invalid("opts", err.Error())
	}
	return v, nil
}

// errNotFoundf wraps ErrNotFound for lookups the SDK does on the client side.
func errNotFoundf(format string, args ...any) error {
	return fmt.Errorf("alletra: "+format+": %w", append(args, ErrNotFound)...)
}
