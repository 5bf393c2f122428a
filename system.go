package alletra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// SystemService reads system information, the WSAPI version, CPGs, the
// space report and the WSAPI configuration.
type SystemService service

// APIVersion is the answer of GET /api. Build encodes the array OS release
// (e.g. 100500031 for Alletra MP 10.5); compare builds, not major/minor.
type APIVersion struct {
	Major    int `json:"major"`
	Minor    int `json:"minor"`
	Revision int `json:"revision"`
	Build    int `json:"build"`
}

// APIVersion returns the WSAPI version. The first answer is cached for the
// life of the Client.
//
// WSAPI: GET /api (not under /api/v1). Sent with the session key, which
// Alletra MP requires. Idempotent; retried.
func (s *SystemService) APIVersion(ctx context.Context) (*APIVersion, error) {
	c := s.client
	c.versionMu.Lock()
	cached := c.version
	c.versionMu.Unlock()
	if cached != nil {
		v := *cached
		return &v, nil
	}
	// Not under the lock: a slow array must not hold other callers past
	// their own contexts. Concurrent first calls may each ask; all get the answer.
	v := new(APIVersion)
	if _, err := c.do(ctx, &call{method: http.MethodGet, path: "/api", root: true, out: v, kind: CallRead}); err != nil {
		return nil, err
	}
	c.versionMu.Lock()
	if c.version == nil {
		c.version = v
	}
	c.versionMu.Unlock()
	out := *v
	return &out, nil
}

// Build numbers that mark array generations (GET /api "build").
const (
	buildPrimera   = 40000128  // Primera 4.0, WSAPI 1.8.1: thin/DECO only, "reduce"
	buildAlletraMP = 100500000 // "WSAPI of 2025" (1.15): Alletra MP
)

// IsPrimeraOrLater reports whether the array runs Primera OS 4.0 or later
// (Primera, Alletra 9000, Alletra MP): volumes are thin or reduced
// (dedup+compression), never fully provisioned, and "reduce" replaces
// "tdvv" and "compression".
func (v APIVersion) IsPrimeraOrLater() bool { return v.Build >= buildPrimera }

// IsAlletraMP reports whether the array runs the WSAPI of 2025 (build
// 100500000 or later), i.e. an Alletra MP.
func (v APIVersion) IsAlletraMP() bool { return v.Build >= buildAlletraMP }

// RefusesSnapCPG reports whether the array refuses the snapCPG member on
// volume creates and copies (builds 100000000 and later, the "WSAPI of
// 2023"). Volumes.Create drops it by itself.
func (v APIVersion) RefusesSnapCPG() bool { return v.Build >= buildNoSnapCPG }

// System is the answer of GET /system: the array's identity and capacity.
type System struct {
	ID                   int          `json:"id"`
	Name                 string       `json:"name"`
	SystemVersion        string       `json:"systemVersion"` // OS release, e.g. "10.4.5"
	Model                string       `json:"model"`
	SerialNumber         string       `json:"serialNumber"`
	IPv4Addr             string       `json:"IPv4Addr,omitempty"`
	TotalNodes           int          `json:"totalNodes"`
	MasterNode           int          `json:"masterNode"`
	OnlineNodes          []int        `json:"onlineNodes,omitempty"`
	ClusterNodes         []int        `json:"clusterNodes,omitempty"`
	ChunkletSizeMiB      int64        `json:"chunkletSizeMiB"`
	TotalCapacityMiB     int64        `json:"totalCapacityMiB"`
	AllocatedCapacityMiB int64        `json:"allocatedCapacityMiB"`
	FreeCapacityMiB      int64        `json:"freeCapacityMiB"`
	FailedCapacityMiB    int64        `json:"failedCapacityMiB"`
	Location             string       `json:"location,omitempty"`
	Owner                string       `json:"owner,omitempty"`
	Contact              string       `json:"contact,omitempty"`
	Comment              string       `json:"comment,omitempty"`
	TimeZone             string       `json:"timeZone,omitempty"`
	LicenseInfo          *LicenseInfo `json:"licenseInfo,omitempty"`
}

// UnmarshalJSON reads the counts and capacities as integers written as
// such, as integral floats (35549184.0: HPE's WSAPI guide and fixtures) or
// quoted.
func (s *System) UnmarshalJSON(b []byte) error {
	type plain System
	w := struct {
		*plain
		ID                   flexInt `json:"id"`
		TotalNodes           flexInt `json:"totalNodes"`
		MasterNode           flexInt `json:"masterNode"`
		ChunkletSizeMiB      flexInt `json:"chunkletSizeMiB"`
		TotalCapacityMiB     flexInt `json:"totalCapacityMiB"`
		AllocatedCapacityMiB flexInt `json:"allocatedCapacityMiB"`
		FreeCapacityMiB      flexInt `json:"freeCapacityMiB"`
		FailedCapacityMiB    flexInt `json:"failedCapacityMiB"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.ID, s.TotalNodes, s.MasterNode = int(w.ID), int(w.TotalNodes), int(w.MasterNode)
	s.ChunkletSizeMiB, s.TotalCapacityMiB = int64(w.ChunkletSizeMiB), int64(w.TotalCapacityMiB)
	s.AllocatedCapacityMiB, s.FreeCapacityMiB = int64(w.AllocatedCapacityMiB), int64(w.FreeCapacityMiB)
	s.FailedCapacityMiB = int64(w.FailedCapacityMiB)
	return nil
}

// LicenseInfo lists the array's licenses.
type LicenseInfo struct {
	Licenses []License `json:"licenses"`
}

// License is one installed license.
type License struct {
	Name string `json:"name"`
}

// Get returns the array's system information.
//
// WSAPI: GET /api/v1/system. Idempotent; retried.
func (s *SystemService) Get(ctx context.Context) (*System, error) {
	sys := new(System)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/system", out: sys, kind: CallRead}); err != nil {
		return nil, err
	}
	return sys, nil
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

// ServiceState tells whether the WSAPI's HTTP or HTTPS listener is enabled.
// HPE's WSAPI guide and fixtures give the states as the strings "Enabled"
// and "Disabled"; some arrays send the numbers 1 and 2. Both are accepted;
// another string decodes as 0 and shows as its number.
type ServiceState int

// Listener states.
const (
	ServiceEnabled  ServiceState = 1
	ServiceDisabled ServiceState = 2
)

// String returns the name of the state.
func (s ServiceState) String() string { return enumName(int(s), "ENABLED", "DISABLED") }

// UnmarshalJSON accepts "Enabled" / "Disabled" (any case) and the numbers.
func (s *ServiceState) UnmarshalJSON(b []byte) error {
	var text string
	if json.Unmarshal(b, &text) == nil {
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "enabled":
			*s = ServiceEnabled
			return nil
		case "disabled":
			*s = ServiceDisabled
			return nil
		}
	}
	var n flexInt
	if err := n.UnmarshalJSON(b); err != nil {
		*s = 0 // an unknown state is not worth failing the whole answer
		return nil
	}
	*s = ServiceState(n)
	return nil
}

// WSAPIConfiguration is the WSAPI server's configuration and session usage.
type WSAPIConfiguration struct {
	HTTPState     ServiceState `json:"httpState"`
	HTTPPort      int          `json:"httpPort"`
	HTTPSState    ServiceState `json:"httpsState"`
	HTTPSPort     int          `json:"httpsPort"`
	Version       string       `json:"version"`
	SessionsInUse int          `json:"sessionsInUse"`
	// SystemResourceUsage is, per the WSAPI guide, about the array's
	// maximum number of sessions.
	SystemResourceUsage int `json:"systemResourceUsage"`
}

// UnmarshalJSON reads the ports and counts leniently, as System does.
func (c *WSAPIConfiguration) UnmarshalJSON(b []byte) error {
	type plain WSAPIConfiguration
	w := struct {
		*plain
		HTTPPort            flexInt `json:"httpPort"`
		HTTPSPort           flexInt `json:"httpsPort"`
		SessionsInUse       flexInt `json:"sessionsInUse"`
		SystemResourceUsage flexInt `json:"systemResourceUsage"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	c.HTTPPort, c.HTTPSPort = int(w.HTTPPort), int(w.HTTPSPort)
	c.SessionsInUse, c.SystemResourceUsage = int(w.SessionsInUse), int(w.SystemResourceUsage)
	return nil
}

// WSAPIConfiguration returns the WSAPI server's ports, states and session
// usage.
//
// WSAPI: GET /api/v1/wsapiconfiguration. Idempotent; retried.
func (s *SystemService) WSAPIConfiguration(ctx context.Context) (*WSAPIConfiguration, error) {
	cfg := new(WSAPIConfiguration)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/wsapiconfiguration",
		out: cfg, kind: CallRead}); err != nil {
		return nil, err
	}
	return cfg, nil
}
