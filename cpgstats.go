package alletra

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// CPGStatsOptions are the options of System.CPGStats.
type CPGStatsOptions struct {
	// Resolution of the samples; 0 means daily, as HPE's python client
	// asks by default.
	Resolution Resolution
	// From and To bound the sample times (inclusive); zero means unbounded.
	From, To time.Time
}

// CPGStat is a sample of the System Reporter's cpgstatistics report: the
// members of Sample (IO, KBytes, ServiceTimeMS, IOSizeKB, QueueLength,
// BusyPct) and three that HPE's python client reads besides them
// (getCPGStatData). They are 0 when the array does not send them; no
// public source gives their units beyond their names.
type CPGStat struct {
	Sample
	ThroughputKBps float64 // throughputKByteSec
	BandwidthLimit float64 // bwLimit
	Latency        float64 // latency
}

// CPGStats returns the performance samples of the CPG called cpg over
// time (the System Reporter's cpgstatistics report, versus time), oldest
// first. It is ReportSamples with VersusTime, ReportCPGPerformance and a
// name filter; use ReportSamples for grouping, summaries or several CPGs.
//
// WSAPI: GET /api/v1/systemreporter/vstime/cpgstatistics/<resolution>;name:<cpg>
// [?query="sampleTime GE <from> AND sampleTime LE <to>"]. Idempotent; retried.
func (s *SystemService) CPGStats(ctx context.Context, cpg string, opts *CPGStatsOptions) ([]CPGStat, error) {
	if err := s.client.checkName("cpg", cpg); err != nil {
		return nil, err
	}
	ro := &ReportOptions{Resolution: ResolutionDaily, Filter: map[string]string{"name": cpg}}
	if opts != nil {
		if opts.Resolution != 0 {
			ro.Resolution = opts.Resolution
		}
		ro.From, ro.To = opts.From, opts.To
	}
	samples, err := s.ReportSamples(ctx, VersusTime, ReportCPGPerformance, ro)
	if err != nil {
		return nil, err
	}
	out := make([]CPGStat, len(samples))
	for i, smp := range samples {
		out[i].Sample = smp
		var extra struct {
			Throughput statFloat `json:"throughputKByteSec"`
			BWLimit    statFloat `json:"bwLimit"`
			Latency    statFloat `json:"latency"`
		}
		if len(smp.Raw) > 0 && json.Unmarshal(smp.Raw, &extra) == nil {
			out[i].ThroughputKBps, out[i].BandwidthLimit, out[i].Latency =
				float64(extra.Throughput), float64(extra.BWLimit), float64(extra.Latency)
		}
	}
	return out, nil
}

// statFloat decodes a number or a string holding one (HPE's python client
// converts these members with float(); anything else reads as 0).
type statFloat float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *statFloat) UnmarshalJSON(b []byte) error {
	var x float64
	if json.Unmarshal(b, &x) == nil {
		*f = statFloat(x)
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		if x, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			*f = statFloat(x)
		}
	}
	return nil
}
