package alletra

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// SystemService reads system information, the WSAPI version, the
// capacity and the WSAPI configuration, and manages CPGs (cpgs.go: CPG,
// CPGs, CreateCPG, DeleteCPG and SpaceReport).
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
	buildWSAPI2025 = 100500000 // the "WSAPI of 2025" (1.15, OS 10.5): Cinder's API_VERSION_2025 / API_VERSION_R5
)

// IsPrimeraOrLater reports whether the array runs Primera OS 4.0 or later
// (Primera, Alletra 9000, Alletra MP): volumes are thin or reduced
// (dedup+compression), never fully provisioned, and "reduce" replaces
// "tdvv" and "compression".
func (v APIVersion) IsPrimeraOrLater() bool { return v.Build >= buildPrimera }

// IsWSAPI2025OrLater reports whether the array runs the "WSAPI of 2025" or
// later: build 100500000 or later, Alletra MP OS 10.5 and after (Cinder's
// API_VERSION_2025, which its Alletra MP driver tests as "is Alletra MP").
// On these builds HPE's Cinder driver sends QoS rules with maximum limits
// only, and QoSService.Create refuses a rule without one.
//
// It does not tell whether an array is an Alletra MP: no public source maps
// Alletra MP OS 10.0–10.4 to build numbers, which may lie between
// 100000000 (the "WSAPI of 2023", see RefusesSnapCPG) and 100500000.
func (v APIVersion) IsWSAPI2025OrLater() bool { return v.Build >= buildWSAPI2025 }

// IsAlletraMP is IsWSAPI2025OrLater under its old name.
//
// Deprecated: the name promised more than the build number tells: Alletra
// MP OS 10.0–10.4 builds are unknown and may be below 100500000, where this
// reports false. Use IsWSAPI2025OrLater, or RefusesSnapCPG for the "WSAPI of
// 2023".
func (v APIVersion) IsAlletraMP() bool { return v.IsWSAPI2025OrLater() }

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
	// SessionTimeoutMinutes is how long an unused session key lives: 3 to
	// 1440 minutes, 15 by default, configurable on the array, and changes
	// apply to open sessions (WSAPI 1.3.1 guide pp. 39-41). 0 when the
	// array did not send sessionTimeout.
	SessionTimeoutMinutes int `json:"sessionTimeout"`
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
		SessionTimeout      flexInt `json:"sessionTimeout"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	c.HTTPPort, c.HTTPSPort = int(w.HTTPPort), int(w.HTTPSPort)
	c.SessionsInUse, c.SystemResourceUsage = int(w.SessionsInUse), int(w.SystemResourceUsage)
	c.SessionTimeoutMinutes = int(w.SessionTimeout)
	return nil
}

// WSAPIConfiguration returns the WSAPI server's ports, states, session
// usage and session timeout.
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

// Capacity is the answer of GET /capacity: the array's space, overall and
// per device type. HPE's python client returns it as it comes
// (getOverallSystemCapacity, whose docstring and mock WSAPI give the four
// members below, each with the same record); HPE's Ruby SDK fixture
// (spec/json/overall_storage_capacity.json) sends all four, with zeros for
// device types the array has none of. A member the array does not send is
// all zeros here too.
type Capacity struct {
	All DeviceCapacity `json:"allCapacity"` // every device type together
	FC  DeviceCapacity `json:"FCCapacity"`  // Fibre Channel disks only
	NL  DeviceCapacity `json:"NLCapacity"`  // nearline disks only
	SSD DeviceCapacity `json:"SSDCapacity"` // solid-state disks only
}

// DeviceCapacity is the space of one device type, or of all, in MiB. Of the
// allocation breakdown (volumes and system space) only the total is read.
type DeviceCapacity struct {
	TotalMiB             int64 // totalMiB
	AllocatedMiB         int64 // allocated.totalAllocatedMiB
	FreeMiB              int64 // freeMiB
	FreeInitializedMiB   int64 // freeInitializedMiB
	FreeUninitializedMiB int64 // freeUninitializedMiB
	UnavailableMiB       int64 // unavailableCapacityMiB
	FailedMiB            int64 // failedCapacityMiB
}

// UnmarshalJSON reads the sizes leniently, as System does: integers,
// integral floats or quoted numbers.
func (d *DeviceCapacity) UnmarshalJSON(b []byte) error {
	var w struct {
		TotalMiB  flexInt `json:"totalMiB"`
		Allocated struct {
			TotalAllocatedMiB flexInt `json:"totalAllocatedMiB"`
		} `json:"allocated"`
		FreeMiB                flexInt `json:"freeMiB"`
		FreeInitializedMiB     flexInt `json:"freeInitializedMiB"`
		FreeUninitializedMiB   flexInt `json:"freeUninitializedMiB"`
		UnavailableCapacityMiB flexInt `json:"unavailableCapacityMiB"`
		FailedCapacityMiB      flexInt `json:"failedCapacityMiB"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = DeviceCapacity{
		TotalMiB: int64(w.TotalMiB), AllocatedMiB: int64(w.Allocated.TotalAllocatedMiB),
		FreeMiB: int64(w.FreeMiB), FreeInitializedMiB: int64(w.FreeInitializedMiB),
		FreeUninitializedMiB: int64(w.FreeUninitializedMiB),
		UnavailableMiB:       int64(w.UnavailableCapacityMiB), FailedMiB: int64(w.FailedCapacityMiB),
	}
	return nil
}

// Capacity returns the array's total, allocated, free and failed space,
// overall and per device type.
//
// WSAPI: GET /api/v1/capacity (HPE python client getOverallSystemCapacity).
// Idempotent; retried.
func (s *SystemService) Capacity(ctx context.Context) (*Capacity, error) {
	c := new(Capacity)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/capacity", out: c, kind: CallRead}); err != nil {
		return nil, err
	}
	return c, nil
}
