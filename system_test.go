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
		{100500000, true, true, true}, // WSAPI of 2025: Alletra MP
		{100500031, true, true, true},
	}
	for _, tc := range cases {
		v := APIVersion{Major: 1, Build: tc.build}
		assert.Equal(t, tc.primera, v.IsPrimeraOrLater(), "%d", tc.build)
		assert.Equal(t, tc.mp, v.IsAlletraMP(), "%d", tc.build)
		assert.Equal(t, tc.noSnapCPG, v.RefusesSnapCPG(), "%d", tc.build)
	}
}

func TestSystemCPG(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/cpgs/SSD_r6", goldenResponder(t, http.StatusOK, "cpg.json"))
	cpg, err := c.System.CPG(context.Background(), "SSD_r6")
	require.NoError(t, err)
	assert.Equal(t, 1, cpg.ID)
	assert.Equal(t, "e4c1a2b3-5d6f-4e7a-9b8c-0d1e2f3a4b5c", cpg.UUID)
	assert.Equal(t, "SSD_r6", cpg.Name)
	assert.Equal(t, 1, cpg.State)
	assert.Equal(t, 42, cpg.NumTPVVs)
	assert.Equal(t, CPGUsage{TotalMiB: 2097152, UsedMiB: 1048576, RawTotalMiB: 2796203, RawUsedMiB: 1398101}, cpg.UsrUsage)
	assert.Equal(t, CPGUsage{TotalMiB: 16384, UsedMiB: 8192, RawTotalMiB: 49152, RawUsedMiB: 24576}, cpg.SAUsage)
	assert.Equal(t, int64(65536), cpg.SDUsage.UsedMiB)
	require.NotNil(t, cpg.SDGrowth)
	assert.Equal(t, int64(32768), cpg.SDGrowth.IncrementMiB)
	require.NotNil(t, cpg.SDGrowth.LDLayout)
	assert.Equal(t, RAID6, cpg.SDGrowth.LDLayout.RAIDType)
	assert.Equal(t, HACage, cpg.SDGrowth.LDLayout.HA)
	assert.Equal(t, []DiskPattern{{DiskType: DiskSSD}}, cpg.SDGrowth.LDLayout.DiskPatterns)
	require.NotNil(t, cpg.SAGrowth)
	assert.Equal(t, int64(8192), cpg.SAGrowth.IncrementMiB)
	assert.Empty(t, cpg.FailedStates)
}

func TestSystemCPGErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/cpgs/nope", errorResponder(http.StatusNotFound, CodeNonExistentCPG, "cpg does not exist"))
	_, err := c.System.CPG(context.Background(), "nope")
	require.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNonExistentCPG, apiErr.Code)

	for _, bad := range []string{"", "a b", "x/y", "-cpg"} {
		_, err := c.System.CPG(context.Background(), bad)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
		assert.Equal(t, "name", ve.Field)
	}
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/cpgs/nope"))
	assert.Equal(t, 2, m.GetTotalCallCount(), "login + the one valid request")
}

func TestSystemCPGs(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	cpg := golden(t, "cpg.json")
	m.RegisterResponder(http.MethodGet, testAPI+"/cpgs", httpmock.NewStringResponder(http.StatusOK,
		`{"total":2,"members":[`+string(cpg)+`,{"id":2,"name":"FC_r1","UsrUsage":{"usedMiB":5}}]}`))
	cpgs, err := c.System.CPGs(context.Background())
	require.NoError(t, err)
	require.Len(t, cpgs, 2)
	assert.Equal(t, "SSD_r6", cpgs[0].Name)
	assert.Equal(t, "FC_r1", cpgs[1].Name)
	assert.Equal(t, int64(5), cpgs[1].UsrUsage.UsedMiB)
	assert.Nil(t, cpgs[1].SDGrowth)

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodGet, testAPI+"/cpgs", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	_, err = c2.System.CPGs(context.Background())
	assert.ErrorIs(t, err, ErrPermission)
}

func TestSystemSpaceReport(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var body map[string]any
	gold := goldenResponder(t, http.StatusOK, "spacereport.json")
	m.RegisterResponder(http.MethodPost, testAPI+"/spacereporter", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		return gold(req)
	})
	r, err := c.System.SpaceReport(context.Background(), "SSD_r6")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"cpg": "SSD_r6"}, body)
	assert.Equal(t, &SpaceReport{RawFreeMiB: 69905066, UsableFreeMiB: 52428800,
		OverprovisionedUsedMiB: 10485760, OverprovisionedFreeMiB: 52428800}, r)
	assert.Equal(t, int64(10485760+52428800), r.TotalMiB(), "LXD's formula: used + free")
}

// The space report is a read: a busy answer is retried.
func TestSystemSpaceReportRetried(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var n atomic.Int32
	m.RegisterResponder(http.MethodPost, testAPI+"/spacereporter", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			return errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy")(req)
		}
		return httpmock.NewStringResponse(http.StatusOK, `{"usableFreeMiB":7}`), nil
	})
	r, err := c.System.SpaceReport(context.Background(), "SSD_r6")
	require.NoError(t, err)
	assert.Equal(t, int64(7), r.UsableFreeMiB)
	assert.Equal(t, int32(2), n.Load())
}

func TestSystemSpaceReportErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodPost, testAPI+"/spacereporter", errorResponder(http.StatusNotFound, CodeNonExistentCPG, "no cpg"))
	_, err := c.System.SpaceReport(context.Background(), "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = c.System.SpaceReport(context.Background(), "")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "cpg", ve.Field)
	assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/spacereporter"))

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodPost, testAPI+"/spacereporter", httpmock.NewStringResponder(http.StatusOK, `{"rawFreeMiB":"lots"}`))
	_, err = c2.System.SpaceReport(context.Background(), "SSD_r6")
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestSpaceReportSpellings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		json string
		want SpaceReport
	}{
		{"LXD's mixed spelling", `{"overprovisionedUsedMiB":10,"overProvisionedFreeMiB":20}`,
			SpaceReport{OverprovisionedUsedMiB: 10, OverprovisionedFreeMiB: 20}},
		{"all lower p", `{"overprovisionedUsedMiB":11,"overprovisionedFreeMiB":21}`,
			SpaceReport{OverprovisionedUsedMiB: 11, OverprovisionedFreeMiB: 21}},
		{"all upper P", `{"overProvisionedUsedMiB":12,"overProvisionedFreeMiB":22}`,
			SpaceReport{OverprovisionedUsedMiB: 12, OverprovisionedFreeMiB: 22}},
		{"inverse mix", `{"overProvisionedUsedMiB":13,"overprovisionedFreeMiB":23}`,
			SpaceReport{OverprovisionedUsedMiB: 13, OverprovisionedFreeMiB: 23}},
		{"other case is not guessed", `{"OVERPROVISIONEDUSEDMIB":14,"Overprovisionedfreemib":24,"RAWFREEMIB":1}`,
			SpaceReport{}},
		{"HPE python top level", `{"rawFreeMiB":100,"usableFreeMiB":75}`,
			SpaceReport{RawFreeMiB: 100, UsableFreeMiB: 75}},
		{"guide's nested layout", `{"LDLayoutCapacity":{"rawFreeMiB":300,"usableFreeMiB":200}}`,
			SpaceReport{RawFreeMiB: 300, UsableFreeMiB: 200}},
		{"top level wins over nested, even when 0", `{"rawFreeMiB":0,"usableFreeMiB":5,"LDLayoutCapacity":{"rawFreeMiB":300,"usableFreeMiB":200}}`,
			SpaceReport{RawFreeMiB: 0, UsableFreeMiB: 5}},
		{"null nested", `{"LDLayoutCapacity":null,"rawFreeMiB":1}`, SpaceReport{RawFreeMiB: 1}},
		{"quoted numbers and nulls", `{"rawFreeMiB":"42","usableFreeMiB":null,"overprovisionedUsedMiB":" 9 "}`,
			SpaceReport{RawFreeMiB: 42, OverprovisionedUsedMiB: 9}},
		{"large values", `{"overprovisionedUsedMiB":9007199254740993,"overProvisionedFreeMiB":1}`,
			SpaceReport{OverprovisionedUsedMiB: 9007199254740993, OverprovisionedFreeMiB: 1}},
		{"unknown members ignored", `{"foo":{"bar":1},"usableFreeMiB":3}`, SpaceReport{UsableFreeMiB: 3}},
	}
	for _, tc := range cases {
		var r SpaceReport
		require.NoError(t, json.Unmarshal([]byte(tc.json), &r), tc.name)
		assert.Equal(t, tc.want, r, tc.name)
		assert.Equal(t, tc.want.OverprovisionedUsedMiB+tc.want.OverprovisionedFreeMiB, r.TotalMiB(), tc.name)
	}
	for _, bad := range []string{`[]`, `{"rawFreeMiB":1.5}`, `{"overProvisionedFreeMiB":true}`,
		`{"LDLayoutCapacity":[1]}`, `{"usableFreeMiB":"x"}`, `{"rawFreeMiB":"\u0000`} {
		var r SpaceReport
		assert.Error(t, json.Unmarshal([]byte(bad), &r), bad)
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
