package alletra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// ChunkletPosPref is where a logical-disk layout takes its chunklets.
type ChunkletPosPref int

// Chunklet position preferences (HPE python client CPG_CHUNKLET_POS_PREF_*).
const (
	ChunkletFirst ChunkletPosPref = 1 // lowest numbered chunklets, where transfer is fastest
	ChunkletLast  ChunkletPosPref = 2 // highest numbered chunklets, where transfer is slowest
)

// String returns the WSAPI name of the preference.
func (p ChunkletPosPref) String() string { return enumName(int(p), "FIRST", "LAST") }

// CPGCreateRequest is the body of POST /cpgs. Name is required; zero members
// are not sent and take the array's defaults.
type CPGCreateRequest struct {
	Name   string `json:"name"`
	Domain string `json:"domain,omitempty"`
	// GrowthIncrementMiB is how much the CPG grows at a time.
	GrowthIncrementMiB int64 `json:"growthIncrementMiB,omitempty"`
	// GrowthLimitMiB caps the CPG's automatic growth.
	GrowthLimitMiB int64 `json:"growthLimitMiB,omitempty"`
	// UsedLDWarningAlertMiB raises an alert when the CPG's logical disks use that much.
	UsedLDWarningAlertMiB int64 `json:"usedLDWarningAlertMiB,omitempty"`
	// LDLayout is the logical-disk layout: RAID type, set size, HA, disk patterns.
	// Primera and later arrays take no SetSize and no RAID0 (HPE's python
	// client strips them there); CreateCPG refuses them on those arrays.
	LDLayout *CPGLayout `json:"LDLayout,omitempty"`
}

// CPGLayout is the logical-disk layout of a CPG to create.
type CPGLayout struct {
	RAIDType        RAIDType        `json:"RAIDType,omitempty"`
	SetSize         int             `json:"setSize,omitempty"` // disks per RAID set, parity included
	HA              HAType          `json:"HA,omitempty"`
	ChunkletPosPref ChunkletPosPref `json:"chunkletPosPref,omitempty"`
	DiskPatterns    []DiskPattern   `json:"diskPatterns,omitempty"`
}

func (r *CPGCreateRequest) check(c *Client) error {
	if r == nil {
		return invalid("req", "nil *CPGCreateRequest")
	}
	if err := c.checkName("Name", r.Name); err != nil {
		return err
	}
	if r.Domain != "" {
		if err := c.checkName("Domain", r.Domain); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"GrowthIncrementMiB", r.GrowthIncrementMiB}, {"GrowthLimitMiB", r.GrowthLimitMiB}, {"UsedLDWarningAlertMiB", r.UsedLDWarningAlertMiB}} {
		if f.v < 0 {
			return invalid(f.name, fmt.Sprintf("must not be negative, got %d", f.v))
		}
	}
	l := r.LDLayout
	if l == nil {
		return nil
	}
	switch {
	case l.RAIDType < 0 || l.RAIDType > RAID6:
		return invalid("LDLayout.RAIDType", fmt.Sprintf("must be 0 (default) or 1-4, got %d", l.RAIDType))
	case l.SetSize < 0:
		return invalid("LDLayout.SetSize", fmt.Sprintf("must not be negative, got %d", l.SetSize))
	case l.HA < 0 || l.HA > HAMagazine:
		return invalid("LDLayout.HA", fmt.Sprintf("must be 0 (default) or 1-3, got %d", l.HA))
	case l.ChunkletPosPref < 0 || l.ChunkletPosPref > ChunkletLast:
		return invalid("LDLayout.ChunkletPosPref", fmt.Sprintf("must be 0 (default), 1 or 2, got %d", l.ChunkletPosPref))
	}
	for i, p := range l.DiskPatterns {
		if p.DiskType < 0 || p.DiskType > DiskSSD {
			return invalid(fmt.Sprintf("LDLayout.DiskPatterns[%d].DiskType", i), fmt.Sprintf("must be 0 (any) or 1-3, got %d", p.DiskType))
		}
	}
	return nil
}

// CreateCPG creates a common provisioning group.
//
// WSAPI: POST /api/v1/cpgs {"name",...,"LDLayout":{...}} → 201 with Location
// /api/v1/cpgs/<name> (WSAPI 1.3.1 guide pp. 46-47). When the layout has a
// SetSize or RAID0, the array's version is read first (GET /api, cached):
// Primera and later arrays refuse both, so CreateCPG does too, before
// sending. Retried; when a retry meets "already exists" (code 14
// EXISTENT_CPG), the existing CPG counts as created if its domain is the
// one asked for (the array reports no other member of the request to
// compare). A CPG made by someone else with that name and domain cannot be
// told apart.
func (s *SystemService) CreateCPG(ctx context.Context, req *CPGCreateRequest) error {
	if err := req.check(s.client); err != nil {
		return err
	}
	if l := req.LDLayout; l != nil && (l.SetSize != 0 || l.RAIDType == RAID0) {
		v, err := s.APIVersion(ctx)
		if err != nil {
			return err
		}
		if v.IsPrimeraOrLater() {
			if l.SetSize != 0 {
				return invalid("LDLayout.SetSize", "Primera and later arrays choose the set size themselves")
			}
			return invalid("LDLayout.RAIDType", "Primera and later arrays have no RAID0")
		}
	}
	body := *req
	if req.LDLayout != nil {
		l := *req.LDLayout
		l.DiskPatterns = append([]DiskPattern(nil), req.LDLayout.DiskPatterns...)
		body.LDLayout = &l
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPost, path: "/cpgs", body: &body,
		kind: CallCreate, reconcile: func(ctx context.Context) (bool, error) {
			cpg, err := s.CPG(ctx, body.Name)
			if err != nil {
				return false, err
			}
			return strings.EqualFold(cpg.Domain, body.Domain), nil
		}})
	return err
}

// DeleteCPG deletes the CPG called name. A CPG that volumes still use gives
// ErrInUse (409, code 34 IN_USE).
//
// WSAPI: DELETE /api/v1/cpgs/<name> (WSAPI 1.3.1 guide p. 47). Idempotent;
// retried. A missing CPG gives ErrNotFound (code 15), which callers tearing
// down may ignore.
func (s *SystemService) DeleteCPG(ctx context.Context, name string) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/cpgs/%s", name), kind: CallDelete})
	return err
}

// RAIDType is the RAID level of a logical-disk layout.
type RAIDType int

// RAID types.
const (
	RAID0 RAIDType = 1
	RAID1 RAIDType = 2
	RAID5 RAIDType = 3
	RAID6 RAIDType = 4
)

// String returns the WSAPI name of the RAID type.
func (r RAIDType) String() string { return enumName(int(r), "R0", "R1", "R5", "R6") }

// HAType is the availability level of a logical-disk layout.
type HAType int

// Availability levels.
const (
	HAPort     HAType = 1
	HACage     HAType = 2
	HAMagazine HAType = 3
)

// String returns the WSAPI name of the availability level.
func (h HAType) String() string { return enumName(int(h), "PORT", "CAGE", "MAG") }

// DiskType is a class of physical disks.
type DiskType int

// Disk types.
const (
	DiskFC  DiskType = 1
	DiskNL  DiskType = 2
	DiskSSD DiskType = 3
)

// String returns the WSAPI name of the disk type.
func (d DiskType) String() string { return enumName(int(d), "FC", "NL", "SSD") }

// DiskPattern selects disks for a logical-disk layout.
type DiskPattern struct {
	DiskType DiskType `json:"diskType,omitempty"`
}

// LDLayout is a CPG's logical-disk layout.
type LDLayout struct {
	RAIDType        RAIDType      `json:"RAIDType,omitempty"`
	SetSize         int           `json:"setSize,omitempty"`
	HA              HAType        `json:"HA,omitempty"`
	ChunkletPosPref int           `json:"chunkletPosPref,omitempty"` // 1 first, 2 last
	DiskPatterns    []DiskPattern `json:"diskPatterns,omitempty"`
}

// CPGUsage is a space record of a CPG.
type CPGUsage struct {
	TotalMiB    int64 `json:"totalMiB"`
	UsedMiB     int64 `json:"usedMiB"`
	RawTotalMiB int64 `json:"rawTotalMiB"`
	RawUsedMiB  int64 `json:"rawUsedMiB"`
}

// UnmarshalJSON reads the sizes leniently, as System does.
func (u *CPGUsage) UnmarshalJSON(b []byte) error {
	type plain CPGUsage
	w := struct {
		*plain
		TotalMiB    flexInt `json:"totalMiB"`
		UsedMiB     flexInt `json:"usedMiB"`
		RawTotalMiB flexInt `json:"rawTotalMiB"`
		RawUsedMiB  flexInt `json:"rawUsedMiB"`
	}{plain: (*plain)(u)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	u.TotalMiB, u.UsedMiB = int64(w.TotalMiB), int64(w.UsedMiB)
	u.RawTotalMiB, u.RawUsedMiB = int64(w.RawTotalMiB), int64(w.RawUsedMiB)
	return nil
}

// CPGGrowth are a CPG's growth settings for one space class.
type CPGGrowth struct {
	IncrementMiB int64     `json:"incrementMiB"`
	LimitMiB     int64     `json:"limitMiB,omitempty"`
	WarningMiB   int64     `json:"warningMiB,omitempty"`
	LDLayout     *LDLayout `json:"LDLayout,omitempty"`
}

// UnmarshalJSON reads the sizes leniently, as System does.
func (g *CPGGrowth) UnmarshalJSON(b []byte) error {
	type plain CPGGrowth
	w := struct {
		*plain
		IncrementMiB flexInt `json:"incrementMiB"`
		LimitMiB     flexInt `json:"limitMiB"`
		WarningMiB   flexInt `json:"warningMiB"`
	}{plain: (*plain)(g)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	g.IncrementMiB, g.LimitMiB, g.WarningMiB = int64(w.IncrementMiB), int64(w.LimitMiB), int64(w.WarningMiB)
	return nil
}

// CPG is a common provisioning group, the pool volumes take space from.
type CPG struct {
	ID               int        `json:"id"`
	UUID             string     `json:"uuid"`
	Name             string     `json:"name"`
	Domain           string     `json:"domain,omitempty"`
	State            int        `json:"state"`
	NumFPVVs         int        `json:"numFPVVs"`
	NumTPVVs         int        `json:"numTPVVs"`
	NumTDVVs         int        `json:"numTDVVs"`
	UsrUsage         CPGUsage   `json:"UsrUsage"` // user space
	SAUsage          CPGUsage   `json:"SAUsage"`  // snapshot administration space
	SDUsage          CPGUsage   `json:"SDUsage"`  // snapshot data space
	SAGrowth         *CPGGrowth `json:"SAGrowth,omitempty"`
	SDGrowth         *CPGGrowth `json:"SDGrowth,omitempty"`
	FailedStates     []int      `json:"failedStates,omitempty"`
	DegradedStates   []int      `json:"degradedStates,omitempty"`
	AdditionalStates []int      `json:"additionalStates,omitempty"`
}

// UnmarshalJSON reads the id and volume counts leniently, as System does
// (the space records decode themselves).
func (c *CPG) UnmarshalJSON(b []byte) error {
	type plain CPG
	w := struct {
		*plain
		ID       flexInt `json:"id"`
		NumFPVVs flexInt `json:"numFPVVs"`
		NumTPVVs flexInt `json:"numTPVVs"`
		NumTDVVs flexInt `json:"numTDVVs"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	c.ID, c.NumFPVVs, c.NumTPVVs, c.NumTDVVs = int(w.ID), int(w.NumFPVVs), int(w.NumTPVVs), int(w.NumTDVVs)
	return nil
}

// CPG returns the CPG called name.
//
// WSAPI: GET /api/v1/cpgs/<name>. Idempotent; retried. A missing CPG gives
// ErrNotFound (404, code 15).
func (s *SystemService) CPG(ctx context.Context, name string) (*CPG, error) {
	if err := s.client.checkName("name", name); err != nil {
		return nil, err
	}
	cpg := new(CPG)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/cpgs/%s", name),
		out: cpg, kind: CallRead}); err != nil {
		return nil, err
	}
	return cpg, nil
}

// CPGs returns every CPG of the array.
//
// WSAPI: GET /api/v1/cpgs. Idempotent; retried.
func (s *SystemService) CPGs(ctx context.Context) ([]CPG, error) {
	var out collection[CPG]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/cpgs", out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// SpaceReport is the array's estimate of the space left for new volumes in
// a CPG. Arrays differ in which members they send: older ones send
// rawFreeMiB and usableFreeMiB (top level, or nested in LDLayoutCapacity as
// the WSAPI guide shows), newer ones the over-provisioning figures LXD
// reads, spelt both overprovisioned... and overProvisioned.... Members the
// array did not send are 0.
type SpaceReport struct {
	RawFreeMiB             int64 `json:"rawFreeMiB"`
	UsableFreeMiB          int64 `json:"usableFreeMiB"`
	OverprovisionedUsedMiB int64 `json:"overprovisionedUsedMiB"`
	OverprovisionedFreeMiB int64 `json:"overprovisionedFreeMiB"`
}

// TotalMiB is the pool size LXD reports: over-provisioned used plus
// over-provisioned free. It is 0 when the array sends neither.
func (r *SpaceReport) TotalMiB() int64 { return r.OverprovisionedUsedMiB + r.OverprovisionedFreeMiB }

// UnmarshalJSON reads every known spelling of the members by its exact key
// (no reliance on encoding/json's case-insensitive matching): rawFreeMiB and
// usableFreeMiB at the top level or under LDLayoutCapacity (top level wins),
// overprovisionedUsedMiB or overProvisionedUsedMiB, overProvisionedFreeMiB
// or overprovisionedFreeMiB. Numbers may be quoted.
func (r *SpaceReport) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var nested map[string]json.RawMessage
	if m, ok := raw["LDLayoutCapacity"]; ok && string(bytes.TrimSpace(m)) != "null" {
		if err := json.Unmarshal(m, &nested); err != nil {
			return fmt.Errorf("LDLayoutCapacity: %w", err)
		}
	}
	type source struct {
		m   map[string]json.RawMessage
		key string
	}
	var out SpaceReport
	for _, f := range []struct {
		dst  *int64
		from []source // the first present one wins
	}{
		{&out.RawFreeMiB, []source{{raw, "rawFreeMiB"}, {nested, "rawFreeMiB"}}},
		{&out.UsableFreeMiB, []source{{raw, "usableFreeMiB"}, {nested, "usableFreeMiB"}}},
		{&out.OverprovisionedUsedMiB, []source{{raw, "overprovisionedUsedMiB"}, {raw, "overProvisionedUsedMiB"}}},
		{&out.OverprovisionedFreeMiB, []source{{raw, "overProvisionedFreeMiB"}, {raw, "overprovisionedFreeMiB"}}},
	} {
		for _, src := range f.from {
			v, ok := src.m[src.key]
			if !ok {
				continue
			}
			var n flexInt
			if err := n.UnmarshalJSON(v); err != nil {
				return fmt.Errorf("%s: %w", src.key, err)
			}
			*f.dst = int64(n)
			break
		}
	}
	*r = out
	return nil
}

type spaceReportRequest struct {
	CPG string `json:"cpg"`
}

// SpaceReport returns the space left for new volumes in the CPG called cpg.
//
// WSAPI: POST /api/v1/spacereporter {"cpg":"<cpg>"}. A read despite the
// POST: idempotent, retried. A missing CPG gives ErrNotFound (code 15).
func (s *SystemService) SpaceReport(ctx context.Context, cpg string) (*SpaceReport, error) {
	if err := s.client.checkName("cpg", cpg); err != nil {
		return nil, err
	}
	r := new(SpaceReport)
	if _, err := s.client.do(ctx, &call{method: http.MethodPost, path: "/spacereporter",
		body: spaceReportRequest{CPG: cpg}, out: r, kind: CallRead}); err != nil {
		return nil, err
	}
	return r, nil
}
