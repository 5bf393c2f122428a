package alletra

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSystemGet(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var key string
	gold := goldenResponder(t, http.StatusOK, "system.json")
	m.RegisterResponder(http.MethodGet, testAPI+"/system", func(req *http.Request) (*http.Response, error) {
		key = req.Header.Get(sessionHeader)
		return gold(req)
	})
	sys, err := c.System.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, testKey, key)
	assert.Equal(t, &System{
		ID: 139083, Name: "alletra-mp-01", SystemVersion: "10.4.5", IPv4Addr: "192.168.10.50",
		Model: "HPE Alletra MP B10000", SerialNumber: "CZ2D2101QV", TotalNodes: 2, MasterNode: 0,
		OnlineNodes: []int{0, 1}, ClusterNodes: []int{0, 1}, ChunkletSizeMiB: 1024,
		TotalCapacityMiB: 62914560, AllocatedCapacityMiB: 10485760, FreeCapacityMiB: 52428800,
		FailedCapacityMiB: 0, Location: "DC1 rack 12", Owner: "storage-team", Contact: "storage@example.com",
		TimeZone:    "Europe/Berlin",
		LicenseInfo: &LicenseInfo{Licenses: []License{{Name: "All-inclusive Single-System Software"}}},
	}, sys)
}

func TestSystemGetErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var n atomic.Int32
	m.RegisterResponder(http.MethodGet, testAPI+"/system", func(req *http.Request) (*http.Response, error) {
		n.Add(1)
		return errorResponder(http.StatusForbidden, CodePermissionDenied, "denied")(req)
	})
	_, err := c.System.Get(context.Background())
	assert.ErrorIs(t, err, ErrPermission)
	assert.Equal(t, int32(1), n.Load())

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodGet, testAPI+"/system", httpmock.NewStringResponder(http.StatusOK, `{"id":`))
	_, err = c2.System.Get(context.Background())
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestSystemAPIVersionCachedAndAuthenticated(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var keys []string
	var mu sync.Mutex
	gold := goldenResponder(t, http.StatusOK, "api_version.json")
	m.RegisterResponder(http.MethodGet, testEndpoint+"/api", func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		keys = append(keys, req.Header.Get(sessionHeader))
		mu.Unlock()
		return gold(req)
	})
	for range 3 {
		v, err := c.System.APIVersion(context.Background())
		require.NoError(t, err)
		assert.Equal(t, &APIVersion{Major: 1, Minor: 15, Revision: 0, Build: 100500031}, v)
		v.Build = 1 // the cache is not shared with callers
	}
	assert.Equal(t, []string{testKey}, keys, "one request, with the session key (Alletra MP requires it)")
}

func TestSystemAPIVersionErrorNotCached(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var n atomic.Int32
	m.RegisterResponder(http.MethodGet, testEndpoint+"/api", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			return errorResponder(http.StatusForbidden, CodePermissionDenied, "no")(req)
		}
		return jsonResponder(http.StatusOK, map[string]int{"major": 1, "minor": 8, "build": 40000128})(req)
	})
	_, err := c.System.APIVersion(context.Background())
	require.ErrorIs(t, err, ErrPermission)
	v, err := c.System.APIVersion(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 40000128, v.Build)
}

func TestAPIVersionGenerations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		build                  int
		primera, mp, noSnapCPG bool
	}{
		{30103230, false, false, false}, // 3PAR OS 3.1.3 MU1
		{30301215, false, false, false}, // 3PAR OS 3.3.1
		{40000127, false, false, false},
		{40000128, true, false, false}, // Primera 4.0
		{40600052, true, false, false},
		{99999999, true, false, false},
		{100000000, true, false, true}, // WSAPI of 2023
		{100000050, true, false, true},
		{100499999, true, false, true},
		{100500000, true, true, true}, // WSAPI of 2025 (Alletra MP OS 10.5)
		{100500031, true, true, true},
	}
	for _, tc := range cases {
		v := APIVersion{Major: 1, Build: tc.build}
		assert.Equal(t, tc.primera, v.IsPrimeraOrLater(), "%d", tc.build)
		assert.Equal(t, tc.mp, v.IsWSAPI2025OrLater(), "%d", tc.build)
		assert.Equal(t, tc.mp, v.IsAlletraMP(), "%d: the deprecated name still answers the same", tc.build)
		assert.Equal(t, tc.noSnapCPG, v.RefusesSnapCPG(), "%d", tc.build)
	}
}

func TestSystemWSAPIConfiguration(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/wsapiconfiguration", goldenResponder(t, http.StatusOK, "wsapiconfiguration.json"))
	cfg, err := c.System.WSAPIConfiguration(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &WSAPIConfiguration{HTTPState: ServiceDisabled, HTTPPort: 8008, HTTPSState: ServiceEnabled,
		HTTPSPort: 443, Version: "1.15.0", SessionsInUse: 3, SystemResourceUsage: 36}, cfg)

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodGet, testAPI+"/wsapiconfiguration", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	_, err = c2.System.WSAPIConfiguration(context.Background())
	assert.ErrorIs(t, err, ErrPermission)
}

func TestSystemEnumStrings(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "R6", RAID6.String())
	assert.Equal(t, "R0", RAID0.String())
	assert.Equal(t, "9", RAIDType(9).String())
	assert.Equal(t, "MAG", HAMagazine.String())
	assert.Equal(t, "PORT", HAPort.String())
	assert.Equal(t, "SSD", DiskSSD.String())
	assert.Equal(t, "NL", DiskNL.String())
	assert.Equal(t, "ENABLED", ServiceEnabled.String())
	assert.Equal(t, "DISABLED", ServiceDisabled.String())
	assert.Equal(t, "0", ServiceState(0).String())
}

// HPE's guide and fixtures write capacities and counts as integral floats
// (35549184.0) and the listener states as strings: all decode.
func TestSystemHPEStyleAnswers(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/system", goldenResponder(t, http.StatusOK, "hpe/system.json"))
	m.RegisterResponder(http.MethodGet, testAPI+"/cpgs/FC_r6", goldenResponder(t, http.StatusOK, "hpe/cpg.json"))
	m.RegisterResponder(http.MethodPost, testAPI+"/spacereporter", goldenResponder(t, http.StatusOK, "hpe/spacereport.json"))
	m.RegisterResponder(http.MethodGet, testAPI+"/wsapiconfiguration", goldenResponder(t, http.StatusOK, "hpe/wsapiconfiguration.json"))
	ctx := context.Background()

	sys, err := c.System.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, 99806, sys.ID)
	assert.Equal(t, 2, sys.TotalNodes)
	assert.EqualValues(t, 35549184, sys.TotalCapacityMiB)
	assert.EqualValues(t, 4194304, sys.AllocatedCapacityMiB)
	assert.EqualValues(t, 31354880, sys.FreeCapacityMiB)
	assert.EqualValues(t, 0, sys.FailedCapacityMiB)
	assert.Equal(t, []int{0, 1}, sys.OnlineNodes)
	assert.Equal(t, "HPE_3PAR 8200", sys.Model)

	cpg, err := c.System.CPG(ctx, "FC_r6")
	require.NoError(t, err)
	assert.Equal(t, 18, cpg.NumTPVVs)
	assert.Equal(t, CPGUsage{TotalMiB: 1048576, UsedMiB: 524288, RawTotalMiB: 1398101, RawUsedMiB: 699050}, cpg.UsrUsage)
	require.NotNil(t, cpg.SDGrowth)
	assert.EqualValues(t, 32768, cpg.SDGrowth.IncrementMiB)
	require.NotNil(t, cpg.SDGrowth.LDLayout)
	assert.Equal(t, RAID5, cpg.SDGrowth.LDLayout.RAIDType)

	rep, err := c.System.SpaceReport(ctx, "FC_r6")
	require.NoError(t, err)
	assert.EqualValues(t, 9830400, rep.RawFreeMiB)
	assert.EqualValues(t, 7372800, rep.UsableFreeMiB)

	cfg, err := c.System.WSAPIConfiguration(ctx)
	require.NoError(t, err)
	assert.Equal(t, &WSAPIConfiguration{HTTPState: ServiceDisabled, HTTPPort: 8008, HTTPSState: ServiceEnabled,
		HTTPSPort: 8080, Version: "1.6.3", SessionsInUse: 2, SystemResourceUsage: 144}, cfg)
}

func TestServiceStateDecodesStringsAndNumbers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]ServiceState{
		`"Enabled"`: ServiceEnabled, `"Disabled"`: ServiceDisabled, `"ENABLED"`: ServiceEnabled, `" disabled "`: ServiceDisabled,
		`1`: ServiceEnabled, `2`: ServiceDisabled, `"2"`: ServiceDisabled, `1.0`: ServiceEnabled, `"Unknown"`: 0, `null`: 0,
	} {
		var s ServiceState
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, s, in)
	}
}

func TestIntegralFloatsAreIntegers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{`35549184.0`: 35549184, `"35549184.0"`: 35549184, `3.5549184e7`: 35549184,
		`-1.0`: -1, `0.0`: 0, `7`: 7, `"7"`: 7} {
		var n flexInt
		require.NoError(t, n.UnmarshalJSON([]byte(in)), in)
		assert.EqualValues(t, want, n, in)
	}
	for _, bad := range []string{`1.5`, `"0.25"`, `1e300`, `true`, `"x"`} {
		var n flexInt
		assert.Error(t, n.UnmarshalJSON([]byte(bad)), bad)
	}
	var s System
	assert.Error(t, json.Unmarshal([]byte(`{"totalCapacityMiB": 1.5}`), &s), "a fraction is not a size")
}

// sessionTimeout (minutes; WSAPI guide pp. 39-41) is read leniently, as
// every other count of the answer.
func TestSystemWSAPIConfigurationSessionTimeout(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]int{
		`{"httpsState":"Enabled","httpsPort":443,"sessionTimeout":15}`:     15,
		`{"httpsState":"Enabled","httpsPort":443,"sessionTimeout":1440.0}`: 1440,
		`{"httpsState":"Enabled","httpsPort":443,"sessionTimeout":"30"}`:   30,
		`{"httpsState":"Enabled","httpsPort":443}`:                         0,
	} {
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/wsapiconfiguration", jsonText(http.StatusOK, body))
		cfg, err := c.System.WSAPIConfiguration(context.Background())
		require.NoError(t, err, body)
		assert.Equal(t, want, cfg.SessionTimeoutMinutes, body)
		assert.Equal(t, 443, cfg.HTTPSPort)
	}
}

// capacityBody is GET /capacity as HPE's python client documents it and its
// mock WSAPI answers it (allCapacity with its allocation breakdown, the same
// record per device type), with HPE's fixture style of integral floats for
// FC, quoted numbers for SSD, and no NLCapacity at all.
const capacityBody = `{
 "allCapacity": {"totalMiB": 20054016,
  "allocated": {"totalAllocatedMiB": 12535808,
   "volumes": {"totalVolumesMiB": 10919936, "CPGsMiB": 10919936, "CPGUserMiB": 7205538, "unmappedMiB": 0},
   "system": {"totalSystemMiB": 1615872, "internalMiB": 780288, "spareMiB": 835584}},
  "freeMiB": 7518208, "freeInitializedMiB": 7518208, "freeUninitializedMiB": 0,
  "unavailableCapacityMiB": 0, "failedCapacityMiB": 0},
 "FCCapacity": {"totalMiB": 9150464.0, "allocated": {"totalAllocatedMiB": 5805824.0},
  "freeMiB": 1626624.0, "failedCapacityMiB": 1718016.0, "unavailableCapacityMiB": 2.0},
 "SSDCapacity": {"totalMiB": "1024", "allocated": {"totalAllocatedMiB": "256"}, "freeMiB": "512",
  "freeInitializedMiB": "500", "freeUninitializedMiB": "12", "failedCapacityMiB": "256"}
}`

func TestSystemCapacity(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	calls := expectCall(t, m, http.MethodGet, testAPI+"/capacity", "", nil, jsonText(http.StatusOK, capacityBody))
	got, err := c.System.Capacity(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int32(1), calls.Load(), "one request")
	assert.Equal(t, &Capacity{
		All: DeviceCapacity{TotalMiB: 20054016, AllocatedMiB: 12535808, FreeMiB: 7518208, FreeInitializedMiB: 7518208},
		FC:  DeviceCapacity{TotalMiB: 9150464, AllocatedMiB: 5805824, FreeMiB: 1626624, FailedMiB: 1718016, UnavailableMiB: 2},
		SSD: DeviceCapacity{TotalMiB: 1024, AllocatedMiB: 256, FreeMiB: 512, FreeInitializedMiB: 500, FreeUninitializedMiB: 12, FailedMiB: 256},
	}, got, "NLCapacity absent: zeros")

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodGet, testAPI+"/capacity", jsonText(http.StatusOK, `{"allCapacity":{"totalMiB":1.5}}`))
	_, err = c2.System.Capacity(context.Background())
	require.ErrorIs(t, err, ErrBadResponse, "a fractional MiB count is not an answer to trust")

	c3, m3 := newMock(t)
	m3.RegisterResponder(http.MethodGet, testAPI+"/capacity", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	_, err = c3.System.Capacity(context.Background())
	assert.ErrorIs(t, err, ErrPermission)
}
