package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Volume provisioning types (WSAPI provisioningType).
const (
	provFull = 1
	provTPVV = 2
	provSnap = 3
	provTDVV = 6
)

// Volume copy types (WSAPI copyType).
const (
	copyBase     = 1
	copyPhysical = 2
	copyVirtual  = 3
)

// volume is a volume as the engine keeps it: its public state (WWN and
// NGUID stay empty here; state derives them from the ID) and what only the
// engine tracks.
type volume struct {
	VolumeState
	baseID int
}

// Data-reduction states of a volume (compressionState, deduplicationState):
// HPE's docker-plugin and CSI tests expect 1 for a compressed or dedup
// volume and 2 otherwise.
const (
	reductionYes = 1
	reductionNo  = 2
)

func reduction(on bool) int {
	if on {
		return reductionYes
	}
	return reductionNo
}

// state returns a copy of the volume's public state with the derived WWN
// and NGUID filled in.
func (v *volume) state() VolumeState {
	s := v.VolumeState
	s.WWN, s.NGUID = wwnFor(v.ID), nguidFor(v.ID)
	return s
}

type spaceJSON struct {
	ReservedMiB    int64 `json:"reservedMiB"`
	RawReservedMiB int64 `json:"rawReservedMiB"`
	UsedMiB        int64 `json:"usedMiB"`
	FreeMiB        int64 `json:"freeMiB"`
}

type policiesJSON struct {
	StaleSS    bool `json:"staleSS"`
	OneHost    bool `json:"oneHost"`
	ZeroDetect bool `json:"zeroDetect"`
	System     bool `json:"system"`
	Caching    bool `json:"caching"`
	FSVC       bool `json:"fsvc"`
	HostDIF    int  `json:"hostDIF"`
}

type volumeJSON struct {
	ID                 int          `json:"id"`
	UUID               string       `json:"uuid"`
	Name               string       `json:"name"`
	Domain             string       `json:"domain"`
	ProvisioningType   int          `json:"provisioningType"`
	CopyType           int          `json:"copyType"`
	CopyOf             string       `json:"copyOf,omitempty"`
	BaseID             int          `json:"baseId"`
	ReadOnly           bool         `json:"readOnly"`
	State              int          `json:"state"`
	FailedStates       []int        `json:"failedStates"`
	DegradedStates     []int        `json:"degradedStates"`
	AdditionalStates   []int        `json:"additionalStates"`
	CompressionState   int          `json:"compressionState"`
	DeduplicationState int          `json:"deduplicationState"`
	SizeMiB            int64        `json:"sizeMiB"`
	TotalUsedMiB       int64        `json:"totalUsedMiB"`
	AdminSpace         spaceJSON    `json:"adminSpace"`
	SnapshotSpace      spaceJSON    `json:"snapshotSpace"`
	UserSpace          spaceJSON    `json:"userSpace"`
	WWN                string       `json:"wwn"`
	NGUID              string       `json:"nguid"`
	UserCPG            string       `json:"userCPG"`
	SnapCPG            string       `json:"snapCPG"`
	Policies           policiesJSON `json:"policies"`
	Comment            string       `json:"comment"`
	CreationTime8601   string       `json:"creationTime8601"`
	CreationTimeSec    int64        `json:"creationTimeSec"`
	ExpirationTime8601 string       `json:"expirationTime8601,omitempty"`
	ExpirationTimeSec  int64        `json:"expirationTimeSec,omitempty"`
	RetentionTime8601  string       `json:"retentionTime8601,omitempty"`
	RetentionTimeSec   int64        `json:"retentionTimeSec,omitempty"`
}

// wire is the volume as GET /volumes answers it. LXD's client reads
// compressionState, deduplicationState and totalUsedMiB; totalUsedMiB
// follows what was written (engine.WriteContent). No public answer shows a
// "reduce" member: a reduced (Primera DECO) volume shows as
// provisioningType 6 with both states 1.
func (v *volume) wire() volumeJSON {
	used := v.UsedMiB
	reserved := roundUpMiB(used)
	if v.CopyType == copyVirtual {
		reserved = 0
	}
	j := volumeJSON{
		ID: v.ID, UUID: v.UUID, Name: v.Name, ProvisioningType: int(v.ProvisioningType), CopyType: int(v.CopyType),
		CopyOf: v.CopyOf, BaseID: v.baseID, ReadOnly: v.ReadOnly, State: 1,
		FailedStates: []int{}, DegradedStates: []int{}, AdditionalStates: []int{},
		CompressionState: reduction(v.Compressed), DeduplicationState: reduction(v.ProvisioningType == provTDVV),
		SizeMiB: v.SizeMiB, TotalUsedMiB: used,
		UserSpace: spaceJSON{ReservedMiB: reserved, RawReservedMiB: reserved * 3, UsedMiB: used, FreeMiB: reserved - used},
		WWN:       wwnFor(v.ID), NGUID: nguidFor(v.ID), UserCPG: v.CPG, SnapCPG: v.SnapCPG,
		Policies: policiesJSON{StaleSS: true, ZeroDetect: v.ProvisioningType != provFull, Caching: true, HostDIF: 3},
		Comment:  v.Comment, CreationTime8601: fmtTime8601(v.Created), CreationTimeSec: v.Created.Unix(),
	}
	if v.CopyType != copyVirtual {
		j.AdminSpace = spaceJSON{ReservedMiB: 256, RawReservedMiB: 768, UsedMiB: 8, FreeMiB: 248}
	}
	if !v.Expiration.IsZero() {
		j.ExpirationTime8601, j.ExpirationTimeSec = fmtTime8601(v.Expiration), v.Expiration.Unix()
	}
	if !v.Retention.IsZero() {
		j.RetentionTime8601, j.RetentionTimeSec = fmtTime8601(v.Retention), v.Retention.Unix()
	}
	return j
}

func volumeLocation(name string) string { return "/api/v1/volumes/" + url.PathEscape(name) }

type volumeCreateBody struct {
	Name                  *string         `json:"name"`
	CPG                   *string         `json:"cpg"`
	SizeMiB               *int64          `json:"sizeMiB"`
	ID                    *int            `json:"id"`
	Comment               *string         `json:"comment"`
	Policies              json.RawMessage `json:"policies"`
	SnapCPG               *string         `json:"snapCPG"`
	SsSpcAllocWarningPct  *int            `json:"ssSpcAllocWarningPct"`
	SsSpcAllocLimitPct    *int            `json:"ssSpcAllocLimitPct"`
	UsrSpcAllocWarningPct *int            `json:"usrSpcAllocWarningPct"`
	UsrSpcAllocLimitPct   *int            `json:"usrSpcAllocLimitPct"`
	TPVV                  *bool           `json:"tpvv"`
	TDVV                  *bool           `json:"tdvv"`
	Compression           *bool           `json:"compression"`
	Reduce                *bool           `json:"reduce"`
	ExpirationHours       *int            `json:"expirationHours"`
	RetentionHours        *int            `json:"retentionHours"`
}

type policiesBody struct {
	StaleSS    *bool `json:"staleSS"`
	OneHost    *bool `json:"oneHost"`
	ZeroDetect *bool `json:"zeroDetect"`
	System     *bool `json:"system"`
	Caching    *bool `json:"caching"`
	FSVC       *bool `json:"fsvc"`
	HostDIF    *int  `json:"hostDIF"`
}

func isTrue(b *bool) bool { return b != nil && *b }

func checkHours(field string, h *int) *apiError {
	if h != nil && (*h < 1 || *h > maxHours) {
		return withRef(errBadRequest(codeExceedsRange, "invalid input: %s out of range", field), field)
	}
	return nil
}

func checkComment(c *string) *apiError {
	if c != nil && len(*c) > maxComment {
		return withRef(errBadRequest(codeExceedsLength, "invalid input: comment too long"), "comment")
	}
	return nil
}

// createVolume handles POST /volumes.
func (e *engine) createVolume(req *request) response {
	var b volumeCreateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	var pol policiesBody
	if err := decodeNested(b.Policies, "policies", &pol); err != nil {
		return errResponse(err)
	}
	switch {
	case b.Name == nil:
		return errResponse(missing("name"))
	case b.CPG == nil:
		return errResponse(missing("cpg"))
	case b.SizeMiB == nil:
		return errResponse(missing("sizeMiB"))
	}
	if err := e.validName("name", *b.Name); err != nil {
		return errResponse(err)
	}
	if err := e.validName("cpg", *b.CPG); err != nil {
		return errResponse(err)
	}
	if *b.SizeMiB < 1 {
		return errResponse(withRef(errBadRequest(codeExceedsRange, "invalid input: sizeMiB out of range"), "sizeMiB"))
	}
	size := roundUpMiB(*b.SizeMiB)
	if size > e.cfg.MaxVolumeSizeMiB {
		return errResponse(withRef(errBadRequest(codeTooLarge, "volume size above the architectural limit"), "sizeMiB"))
	}
	if b.SnapCPG != nil && e.cfg.Build >= buildNoSnapCPG {
		return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: snapCPG not supported"), "snapCPG"))
	}
	if e.cfg.Build >= buildPrimera {
		if !isTrue(b.TPVV) && !isTrue(b.Reduce) {
			return errResponse(withRef(errBadRequest(codeOneRequired, "one of the members is required"), "tpvv,reduce"))
		}
		if isTrue(b.TPVV) && isTrue(b.Reduce) {
			return errResponse(withRef(errBadRequest(codeParamConflict, "invalid input: parameters conflict"), "tpvv,reduce"))
		}
	}
	for _, chk := range []*apiError{checkComment(b.Comment), checkHours("expirationHours", b.ExpirationHours), checkHours("retentionHours", b.RetentionHours)} {
		if chk != nil {
			return errResponse(chk)
		}
	}
	e.lock()
	defer e.unlock()
	if e.cpgs[*b.CPG] == nil {
		return errResponse(withRef(errNoCPG(*b.CPG), "cpg"))
	}
	snapCPG := *b.CPG
	if b.SnapCPG != nil {
		if e.cpgs[*b.SnapCPG] == nil {
			return errResponse(withRef(errNoCPG(*b.SnapCPG), "snapCPG"))
		}
		snapCPG = *b.SnapCPG
	}
	if e.volumes[*b.Name] != nil {
		return errResponse(errConflict(codeExistentVolume, "volume exists"))
	}
	if err := e.limitReached(false, 1); err != nil {
		return errResponse(err)
	}
	id, aerr := e.volumeID(b.ID)
	if aerr != nil {
		return errResponse(aerr)
	}
	prov := alletra.ProvisioningType(provFull)
	switch {
	case isTrue(b.Reduce) || isTrue(b.TDVV):
		prov = provTDVV
	case isTrue(b.TPVV):
		prov = provTPVV
	}
	now := e.now()
	v := &volume{VolumeState: VolumeState{
		ID: id, UUID: newUUID(), Name: *b.Name, CPG: *b.CPG, SnapCPG: snapCPG, SizeMiB: size,
		ProvisioningType: prov, CopyType: copyBase, Created: now,
		Compressed: isTrue(b.Compression) || isTrue(b.Reduce),
	}, baseID: id}
	if b.Comment != nil {
		v.Comment = *b.Comment
	}
	setHours(now, &v.Expiration, b.ExpirationHours)
	setHours(now, &v.Retention, b.RetentionHours)
	e.volumes[v.Name] = v
	return response{status: http.StatusCreated, location: volumeLocation(v.Name)}
}

func setHours(now time.Time, t *time.Time, h *int) {
	if h != nil {
		*t = now.Add(time.Duration(*h) * time.Hour)
	}
}

// volumeID returns the requested volume ID, or a fresh one. Callers hold e.mu.
func (e *engine) volumeID(want *int) (int, *apiError) {
	used := map[int]bool{}
	for _, v := range e.volumes {
		used[v.ID] = true
	}
	if want != nil {
		if *want < 0 || *want > 65535 {
			return 0, withRef(errBadRequest(codeExceedsRange, "invalid input: id out of range"), "id")
		}
		if used[*want] {
			return 0, errConflict(codeExistentID, "volume ID already used")
		}
		return *want, nil
	}
	id := e.newID()
	for used[id] {
		id = e.newID()
	}
	return id, nil
}

// getVolume handles GET /volumes/{name}. A name with an illegal character
// is 400 INV_INPUT_ILLEGAL_CHAR (69): the guide's errors for GET
// /volumes/<name>, and HPE's mock.
func (e *engine) getVolume(req *request) response {
	if aerr := illegalName(req.params[0]); aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	v := e.volumes[req.params[0]]
	if v == nil {
		return errResponse(errNoVolume(req.params[0]))
	}
	return okJSON(v.wire())
}

var volumeQuerySchema = &schema{Fields: map[string]bool{
	"wwn": true, "name": true, "copyOf": true, "copyType": true, "userCPG": true, "snapCPG": true,
	"provisioningType": true, "id": true, "uuid": true, "baseId": true, "readOnly": true,
}}

func (v *volume) record() record {
	return record{Fields: map[string][]string{
		"wwn": {wwnFor(v.ID)}, "name": {v.Name}, "copyOf": {v.CopyOf}, "copyType": {itoa(int(v.CopyType))},
		"userCPG": {v.CPG}, "snapCPG": {v.SnapCPG}, "provisioningType": {itoa(int(v.ProvisioningType))},
		"id": {itoa(v.ID)}, "uuid": {v.UUID}, "baseId": {itoa(v.baseID)}, "readOnly": {fmt.Sprint(v.ReadOnly)},
	}}
}

// listVolumes handles GET /volumes[?query="..."].
func (e *engine) listVolumes(req *request) response {
	q, aerr := e.queryFrom(req, volumeQuerySchema)
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	out := []volumeJSON{}
	for _, v := range e.sortedVolumes() {
		if q.Match(v.record()) {
			out = append(out, v.wire())
		}
	}
	return listResponse(out)
}

func (e *engine) sortedVolumes() []*volume {
	return sortedKeys(e.volumes, func(v *volume) int { return v.ID })
}
