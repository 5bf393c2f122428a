package alletra

import (
	"context"
	"net/http"
	"testing"

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
