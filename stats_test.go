package alletra

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportEnums(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "attime", AtTime.String())
	assert.Equal(t, "vstime", VersusTime.String())
	assert.Equal(t, "hires", ResolutionHiRes.String())
	assert.Equal(t, "hourly", ResolutionHourly.String())
	assert.Equal(t, "daily", ResolutionDaily.String())
	for r, want := range map[Report]string{ReportCPGPerformance: "cpgstatistics", ReportCPGSpace: "cpgspacedata",
		ReportPortPerformance: "portstatistics", ReportVolumeSpace: "volumespacedata", ReportVLUNPerformance: "vlunstatistics"} {
		assert.Equal(t, want, r.String())
	}
}

// The sample of HPE's PowerShell toolkit (Get-A9CPGIOPsReport), and the flat
// numbers HPE's flowkit reads.
const cpgStatsJSON = `{"total":2,"members":[
 {"sampleTime":"2026-02-26T05:40:00+00:00","sampleTimeSec":1772109600,"IO":{"read":9422.3,"write":14626.2,"total":24048.6},
  "KBytes":{"read":234465.5,"write":677795.7,"total":912261.2},"serviceTimeMS":{"read":0.097,"write":0.08,"total":0.086},
  "IOSizeKB":{"read":24.9,"write":46.3,"total":37.9},"queueLength":2,"busyPct":0.2,"name":"SSD_r6"},
 {"sampleTime":"x","sampleTimeSec":1,"IO":12.5,"KBytes":3,"portPos":"0:2:1"}]}`

func TestSystemReportSamples(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/systemreporter/vstime/cpgstatistics/hourly;name:SSD_r6;groupby:name,domain;summary:max,avg,95;compareby:top,10,totalIOPs",
		`query=%22sampleTime%20GE%202026-02-26T05%3A00%3A00Z%20AND%20sampleTime%20LE%202026-02-26T06%3A00%3A00%2B01%3A00%22`, nil, jsonText(200, cpgStatsJSON))
	from := time.Date(2026, 2, 26, 5, 0, 0, 0, time.UTC)
	to := time.Date(2026, 2, 26, 6, 0, 0, 0, time.FixedZone("CET", 3600))
	samples, err := c.System.ReportSamples(ctx, VersusTime, ReportCPGPerformance, &ReportOptions{Resolution: ResolutionHourly,
		Filter: map[string]string{"name": "SSD_r6"}, GroupBy: []string{"name", "domain"},
		Summary: &ReportSummary{Max: true, Avg: true, Percentiles: []float64{95}},
		Compare: &ReportCompare{Top: true, Records: 10, Field: "totalIOPs"}, From: from, To: to})
	require.NoError(t, err)
	require.Len(t, samples, 2)
	s := samples[0]
	assert.Equal(t, "SSD_r6", s.Name)
	assert.Equal(t, &ReadWriteTotal{Read: 9422.3, Write: 14626.2, Total: 24048.6}, s.IO)
	assert.InDelta(t, 0.086, s.ServiceTimeMS.Total, 1e-9)
	assert.Equal(t, 2.0, s.QueueLength)
	assert.Equal(t, time.Unix(1772109600, 0), s.Time())
	assert.Contains(t, string(s.Raw), `"busyPct":0.2`)
	assert.Equal(t, &ReadWriteTotal{Total: 12.5}, samples[1].IO)
	assert.Equal(t, &PortPos{Node: 0, Slot: 2, CardPort: 1}, samples[1].PortPos)

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/systemreporter/attime/portstatistics/hires;portPos:0:2:1", "", nil,
		jsonText(200, `{"total":1,"members":[{"sampleTimeSec":5,"portPos":{"node":1,"slot":0,"cardPort":2},"IO":{"total":3}}]}`))
	samples, err = c.System.ReportSamples(ctx, AtTime, ReportPortPerformance, &ReportOptions{Resolution: ResolutionHiRes,
		Filter: map[string]string{"portPos": "0:2:1"}})
	require.NoError(t, err)
	assert.Equal(t, &PortPos{Node: 1, CardPort: 2}, samples[0].PortPos)

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/systemreporter/attime/cpgspacedata/daily", "", nil, errorResponder(403, CodePermissionDenied, "no"))
	_, err = c.System.ReportSamples(ctx, AtTime, ReportCPGSpace, &ReportOptions{Resolution: ResolutionDaily})
	assert.ErrorIs(t, err, ErrPermission)

	n := m.GetTotalCallCount()
	ok := ReportOptions{Resolution: ResolutionHiRes}
	bad := func(f func(o *ReportOptions)) *ReportOptions { o := ok; f(&o); return &o }
	for i, o := range []*ReportOptions{nil, {}, {Resolution: 4},
		bad(func(o *ReportOptions) { o.Filter = map[string]string{"na me": "x"} }),
		bad(func(o *ReportOptions) { o.Filter = map[string]string{"groupby": "x"} }),
		bad(func(o *ReportOptions) { o.Filter = map[string]string{"name": "a;b"} }),
		bad(func(o *ReportOptions) { o.Filter = map[string]string{"name": ""} }),
		bad(func(o *ReportOptions) { o.GroupBy = []string{"a,b"} }),
		bad(func(o *ReportOptions) { o.Summary = &ReportSummary{} }),
		bad(func(o *ReportOptions) { o.Summary = &ReportSummary{Percentiles: []float64{101}} }),
		bad(func(o *ReportOptions) { o.Compare = &ReportCompare{Records: 0, Field: "x"} }),
		bad(func(o *ReportOptions) { o.Compare = &ReportCompare{Records: 129, Field: "x"} }),
		bad(func(o *ReportOptions) { o.Compare = &ReportCompare{Records: 1, Field: ""} }),
		bad(func(o *ReportOptions) { o.From, o.To = to, from.Add(-time.Hour) }),
	} {
		_, err := c.System.ReportSamples(ctx, AtTime, ReportCPGSpace, o)
		assert.ErrorIs(t, err, ErrInvalidInput, "case %d", i)
	}
	_, err = c.System.ReportSamples(ctx, VersusTime, ReportCPGSpace, bad(func(o *ReportOptions) { o.Compare = &ReportCompare{Records: 33, Field: "x"} }))
	assert.ErrorIs(t, err, ErrInvalidInput, "versus time allows 32 records")
	_, err = c.System.ReportSamples(ctx, 0, ReportCPGSpace, &ok)
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = c.System.ReportSamples(ctx, AtTime, 9, &ok)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())

	var smp Sample
	assert.Error(t, json.Unmarshal([]byte(`{"portPos":"x"}`), &smp))
	assert.Error(t, json.Unmarshal([]byte(`{"portPos":7}`), &smp))
	assert.Error(t, json.Unmarshal([]byte(`{"IO":"x"}`), &smp))
	assert.Error(t, json.Unmarshal([]byte(`[]`), &smp))
}
