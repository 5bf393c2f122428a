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

// VolumeCreateRequest is the body of POST /volumes. Name, CPG and a size
// (SizeMiB or SizeBytes) are required. With none of TPVV, TDVV and Reduce
// set, the volume is thin (tpvv=true), which every array family accepts.
type VolumeCreateRequest struct {
	Name string `json:"name"`
	CPG  string `json:"cpg"`
	// SizeMiB is the size in MiB; the array rounds it up to a multiple of
	// 256 MiB (see VolumeSizeMiB). Sizes above WithMaxSizeMiB (most likely
	// bytes) are refused before any request.
	SizeMiB int64 `json:"sizeMiB"`
	// SizeBytes, instead of SizeMiB, is the size in bytes: it is sent as
	// VolumeSizeMiB(SizeBytes), rounded up to a multiple of 256 MiB, never
	// down. It is not a WSAPI member; set one of SizeMiB and SizeBytes.
	SizeBytes   int64           `json:"-"`
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
// 256 MiB; VolumeSizeMiB gives the same number in advance (and is what a
// size in SizeBytes is sent as). A size above WithMaxSizeMiB is refused
// before any request; a size above the array's own limit gives ErrTooLarge
// (400, code 28) from the array. CreateInSet also adds the volume to a
// volume set.
//
// WSAPI: GET /api (only when SnapCPG is set, once per Client: the answer
// is cached; builds that refuse snapCPG get none), then POST
// /api/v1/volumes. Retried; when a retry meets "already exists" (the first
// attempt was committed but its answer lost), GET /api/v1/volumes/<name>
// compares the existing volume with req and a match counts as success. A
// volume of that name created by someone else gives ErrAlreadyExists.
func (s *VolumesService) Create(ctx context.Context, req *VolumeCreateRequest) error {
	body, err := s.createBody(ctx, req)
	if err != nil {
		return err
	}
	_, err = s.client.do(ctx, &call{method: http.MethodPost, path: "/volumes", body: body,
		kind: CallCreate, reconcile: func(ctx context.Context) (bool, error) {
			v, err := s.Get(ctx, body.Name)
			if err != nil {
				return false, err
			}
			return volumeMatches(v, body), nil
		}})
	return err
}

// createBody checks req and returns the body to send (req is never
// modified): the size in MiB, thin by default, no snapCPG on builds that
// refuse it (which costs the cached GET /api/v1/api of System.APIVersion).
func (s *VolumesService) createBody(ctx context.Context, req *VolumeCreateRequest) (*VolumeCreateRequest, error) {
	if req == nil {
		return nil, invalid("req", "nil *VolumeCreateRequest")
	}
	if err := s.client.checkName("Name", req.Name); err != nil {
		return nil, err
	}
	if req.CPG == "" {
		return nil, invalid("CPG", "empty")
	}
	if err := s.client.checkName("CPG", req.CPG); err != nil {
		return nil, err
	}
	body := *req
	switch {
	case req.SizeBytes != 0 && req.SizeMiB != 0:
		return nil, invalid("SizeBytes", "set SizeMiB or SizeBytes, not both")
	case req.SizeBytes != 0:
		mib, err := VolumeSizeMiB(req.SizeBytes)
		if err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				ve.Field = "SizeBytes"
			}
			return nil, err
		}
		body.SizeMiB, body.SizeBytes = mib, 0
	case req.SizeMiB <= 0:
		return nil, invalid("SizeMiB", fmt.Sprintf("must be positive, got %d", req.SizeMiB))
	}
	if err := s.client.checkMiB("SizeMiB", body.SizeMiB); err != nil {
		return nil, err
	}
	if err := checkVolumeCreate(&body); err != nil {
		return nil, err
	}
	if body.TPVV == nil && body.TDVV == nil && body.Reduce == nil {
		thin := true
		body.TPVV = &thin
	}
	if body.SnapCPG != "" {
		if v, err := s.client.System.APIVersion(ctx); err == nil && v.Build >= buildNoSnapCPG {
			body.SnapCPG = ""
		}
	}
	return &body, nil
}

// CreateInSet creates a volume and adds it to the volume set called set:
// LXD's "create a volume in its pool", all or nothing. Create and
// VolumeSets.AddMembers describe each step; a volume of that name made by
// someone else gives ErrAlreadyExists and nothing is changed.
//
// When the volume was created but could not be added, CreateInSet deletes
// it again and returns the add's error. If that delete fails too, the error
// is a *VolumeLeftError: the volume is on the array, in no set, for the
// caller to delete.
//
// WSAPI: POST /api/v1/volumes (as Create, with its GET /api when SnapCPG
// is set), then PUT /api/v1/volumesets/<set>
// {"action":1,"setmembers":[<name>]}: two requests. After a failed add,
// DELETE /api/v1/volumes/<name>.
func (s *VolumesService) CreateInSet(ctx context.Context, set string, req *VolumeCreateRequest) error {
	if err := s.client.checkName("set", set); err != nil {
		return err
	}
	if err := s.Create(ctx, req); err != nil {
		return err
	}
	addErr := s.client.VolumeSets.AddMembers(ctx, set, req.Name)
	if addErr == nil {
		return nil
	}
	// Undo even when ctx has ended, within one request timeout.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.client.opts.requestTimeout)
	defer cancel()
	if err := s.Delete(uctx, req.Name); err != nil && !errors.Is(err, ErrNotFound) {
		return &VolumeLeftError{Volume: req.Name, Err: fmt.Errorf("adding it to volume set %s: %w", set, addErr), UndoErr: err}
	}
	return fmt.Errorf("alletra: volume %s created and deleted again: adding it to volume set %s: %w", req.Name, set, addErr)
}

// DeleteFromSet takes the volume called name out of the volume set called
// set, then deletes it with its snapshots: LXD's volume delete. The order
// matters: the array refuses to delete a volume that is still in a set
// (409, code 34).
//
// A volume that is not a member of set (or a set that does not exist)
// counts as taken out; a volume that does not exist gives ErrNotFound from
// the delete, which callers tearing down may ignore. An exported volume
// gives ErrInUse (code 26) from the delete, after it has left the set.
//
// WSAPI: PUT /api/v1/volumesets/<set> {"action":2,"setmembers":[<name>]}
// (as VolumeSets.RemoveMembers: when the array answers that the volume is
// not a member, GET /api/v1/volumesets/<set> confirms it), then DELETE
// /api/v1/volumes/<name>?cascade=true (as DeleteCascade, with its fallback
// on arrays that refuse cascade): two requests on an array that accepts
// cascade.
func (s *VolumesService) DeleteFromSet(ctx context.Context, set, name string) error {
	if err := s.client.checkName("set", set); err != nil {
		return err
	}
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	err := s.client.VolumeSets.RemoveMembers(ctx, set, name)
	var apiErr *APIError
	if err != nil && !(errors.As(err, &apiErr) && apiErr.Code == CodeNonExistentSet) {
		return err
	}
	return s.DeleteCascade(ctx, name)
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

// roundMiB rounds a size in MiB up to the array's 256 MiB granularity.
func roundMiB(mib int64) (int64, error) {
	if mib <= 0 {
		return 0, invalid("SizeMiB", "must be positive")
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
// WSAPI: DELETE /api/v1/volumes/<name>. Idempotent; retried. Only when
// the array refuses it with 409 (code 151 or none) or 400 code 29, GET
// /api/v1/tasks looks for the copy. A volume that does not exist gives
// ErrNotFound (unless a retry finds it gone after an earlier attempt whose
// answer was lost), which callers tearing down may ignore.
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
// per snapshot, then the volume; a refusal that may be a copy in progress
// is confirmed with GET /api/v1/tasks, as for Delete. Idempotent like
// Delete: a missing volume gives ErrNotFound, which callers tearing down
// may ignore.
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
