package alletra

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChunkletPosPrefString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "FIRST", ChunkletFirst.String())
	assert.Equal(t, "LAST", ChunkletLast.String())
	assert.Equal(t, "3", ChunkletPosPref(3).String())
}

func TestSystemCreateCPG(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	req := &CPGCreateRequest{Name: "FC_r5", Domain: "dom1", GrowthIncrementMiB: 8192, GrowthLimitMiB: 1 << 20, UsedLDWarningAlertMiB: 1 << 19,
		LDLayout: &CPGLayout{RAIDType: RAID5, SetSize: 4, HA: HACage, ChunkletPosPref: ChunkletFirst, DiskPatterns: []DiskPattern{{DiskType: DiskFC}}}}
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testEndpoint+"/api", "", nil, jsonText(200, `{"major":1,"minor":8,"build":30301460}`))
	expectCall(t, m, http.MethodPost, testAPI+"/cpgs", "", obj{"name": "FC_r5", "domain": "dom1", "growthIncrementMiB": 8192,
		"growthLimitMiB": 1 << 20, "usedLDWarningAlertMiB": 1 << 19, "LDLayout": obj{"RAIDType": 3, "setSize": 4, "HA": 2,
			"chunkletPosPref": 1, "diskPatterns": []obj{{"diskType": 1}}}}, respondCreatedAt("/api/v1/cpgs/FC_r5"))
	require.NoError(t, c.System.CreateCPG(ctx, req))

	// Primera and later arrays have no set size and no RAID0: refused before sending.
	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testEndpoint+"/api", "", nil, jsonText(200, `{"major":1,"minor":10,"build":100500031}`))
	assert.ErrorIs(t, c.System.CreateCPG(ctx, req), ErrInvalidInput)
	assert.ErrorIs(t, c.System.CreateCPG(ctx, &CPGCreateRequest{Name: "x", LDLayout: &CPGLayout{RAIDType: RAID0}}), ErrInvalidInput)
	// Without them no version is needed.
	expectCall(t, m, http.MethodPost, testAPI+"/cpgs", "", obj{"name": "SSD_r6b", "LDLayout": obj{"RAIDType": 4, "HA": 2}},
		respondCreatedAt("/api/v1/cpgs/SSD_r6b"))
	require.NoError(t, c.System.CreateCPG(ctx, &CPGCreateRequest{Name: "SSD_r6b", LDLayout: &CPGLayout{RAIDType: RAID6, HA: HACage}}))

	c, m = newMock(t)
	n := m.GetTotalCallCount()
	for _, bad := range []*CPGCreateRequest{nil, {}, {Name: "a b"}, {Name: "x", Domain: "-d"}, {Name: "x", GrowthLimitMiB: -1},
		{Name: "x", LDLayout: &CPGLayout{RAIDType: 5}}, {Name: "x", LDLayout: &CPGLayout{SetSize: -1}},
		{Name: "x", LDLayout: &CPGLayout{HA: 4}}, {Name: "x", LDLayout: &CPGLayout{ChunkletPosPref: 3}},
		{Name: "x", LDLayout: &CPGLayout{DiskPatterns: []DiskPattern{{DiskType: 4}}}}} {
		assert.ErrorIs(t, c.System.CreateCPG(ctx, bad), ErrInvalidInput, "%+v", bad)
	}
	assert.ErrorIs(t, c.System.DeleteCPG(ctx, ""), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())

	// "Already exists" after a lost answer: the CPG counts as created when its domain matches.
	c, m = newMock(t)
	post, _ := sequence(okEmpty(http.StatusBadGateway), errorResponder(409, CodeExistentCPG, "exists"))
	expectCall(t, m, http.MethodPost, testAPI+"/cpgs", "", obj{"name": "c1"}, post)
	expectCall(t, m, http.MethodGet, testAPI+"/cpgs/c1", "", nil, jsonText(200, `{"id":3,"name":"c1"}`))
	require.NoError(t, c.System.CreateCPG(ctx, &CPGCreateRequest{Name: "c1"}))

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testEndpoint+"/api", "", nil, errorResponder(403, CodePermissionDenied, "no"))
	assert.ErrorIs(t, c.System.CreateCPG(ctx, req), ErrPermission)
}

func TestSystemDeleteCPG(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodDelete, testAPI+"/cpgs/c1", "", nil, okEmpty(200))
	expectCall(t, m, http.MethodDelete, testAPI+"/cpgs/busy", "", nil, errorResponder(409, CodeInUse, "in use"))
	expectCall(t, m, http.MethodDelete, testAPI+"/cpgs/none", "", nil, errorResponder(404, CodeNonExistentCPG, "no CPG"))
	require.NoError(t, c.System.DeleteCPG(ctx, "c1"))
	assert.ErrorIs(t, c.System.DeleteCPG(ctx, "busy"), ErrInUse)
	assert.ErrorIs(t, c.System.DeleteCPG(ctx, "none"), ErrNotFound)
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
