package alletra

import (
	"context"
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
