package alletra

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPGStatsWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/systemreporter/vstime/cpgstatistics/daily;name:SSD_r6", "", nil,
		jsonText(200, `{"total":2,"members":[
 {"sampleTime":"2026-12-07T00:00:00Z","sampleTimeSec":1796601600,"IO":{"read":1,"write":2,"total":3},"queueLength":1,"busyPct":5.5,
  "throughputKByteSec":120.5,"bwLimit":"0","latency":"0.63"},
 {"sampleTime":"2026-12-08T00:00:00Z","sampleTimeSec":1796688000,"IO":4,"throughputKByteSec":"x"}]}`))
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	const q = "query=%22sampleTime%20GE%202026-12-01T00%3A00%3A00Z%20AND%20sampleTime%20LE%202026-12-08T00%3A00%3A00Z%22"
	expectCall(t, m, http.MethodGet, testAPI+"/systemreporter/vstime/cpgstatistics/hourly;name:FC_r1", q, nil,
		jsonText(200, `{"total":0,"members":[]}`))

	st, err := c.System.CPGStats(ctx, "SSD_r6", nil)
	require.NoError(t, err)
	require.Len(t, st, 2)
	assert.Equal(t, 3.0, st[0].IO.Total)
	assert.Equal(t, 5.5, st[0].BusyPct)
	assert.Equal(t, 120.5, st[0].ThroughputKBps)
	assert.Equal(t, 0.0, st[0].BandwidthLimit)
	assert.Equal(t, 0.63, st[0].Latency)
	assert.Equal(t, 4.0, st[1].IO.Total, "a plain number is the total")
	assert.Equal(t, 0.0, st[1].ThroughputKBps, "a member that is not a number reads as 0")

	st, err = c.System.CPGStats(ctx, "FC_r1", &CPGStatsOptions{Resolution: ResolutionHourly, From: from, To: from.Add(7 * 24 * time.Hour)})
	require.NoError(t, err)
	assert.Empty(t, st)

	n := m.GetTotalCallCount()
	_, err = c.System.CPGStats(ctx, "a b", nil)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())
}
