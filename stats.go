package alletra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The System Reporter (WSAPI /systemreporter) keeps samples of the array's
// performance and space. Its public record is HPE's PowerShell toolkit
// (the Get-A9*Report cmdlets) and a few clients that read it (HPE's flowkit
// reads cpgstatistics; CoprHD reads portstatistics): reports are addressed
// as /systemreporter/<attime|vstime>/<report>/<hires|hourly|daily> followed
// by ";key:value" options (a filter such as name:<cpg>, groupby:,
// summary:, compareby:), and a time range is a query on sampleTime. The
// members of a sample differ per report and are read as those sources show
// them; everything else stays in Sample.Raw.

// ReportMode tells the two kinds of System Reporter request apart.
type ReportMode int

// Report modes.
const (
	// AtTime: one sample per object (CPG, port, volume, vLUN) at one time,
	// the latest unless a time range says otherwise.
	AtTime ReportMode = 1
	// VersusTime: a series of samples over time, aggregated over the
	// objects the filter selects (or grouped with GroupBy).
	VersusTime ReportMode = 2
)

// String returns the path word of the mode.
func (m ReportMode) String() string { return enumName(int(m), "attime", "vstime") }

// Resolution is the sampling interval of a report.
type Resolution int

// Report resolutions.
const (
	ResolutionHiRes  Resolution = 1 // 5-minute samples ("hires")
	ResolutionHourly Resolution = 2
	ResolutionDaily  Resolution = 3
)

// String returns the path word of the resolution.
func (r Resolution) String() string { return enumName(int(r), "hires", "hourly", "daily") }

// Report names a System Reporter report.
type Report int

// Reports for monitoring. The system's totals are the CPG reports without
// a CPG filter, versus time.
const (
	ReportCPGPerformance  Report = 1 // cpgstatistics: I/O, bandwidth, service time per CPG
	ReportCPGSpace        Report = 2 // cpgspacedata: used, free and total space per CPG
	ReportPortPerformance Report = 3 // portstatistics: I/O per array port
	ReportVolumeSpace     Report = 4 // volumespacedata: space per volume
	ReportVLUNPerformance Report = 5 // vlunstatistics: I/O per export (volume, host, LUN, port)
)

// String returns the report's path word.
func (r Report) String() string {
	return enumName(int(r), "cpgstatistics", "cpgspacedata", "portstatistics", "volumespacedata", "vlunstatistics")
}

// ReportOptions are the sampling options of a report. Resolution is
// required; everything else is optional.
type ReportOptions struct {
	Resolution Resolution
	// Filter selects objects, as "<key>:<value>" options: e.g. {"name":
	// "SSD_r6"} for a CPG, {"portPos": "0:2:1"}, {"volumeName": "v1"},
	// {"userCPG": "SSD_r6"}. Keys are sent in sorted order.
	Filter map[string]string
	// GroupBy groups the samples by these fields, e.g. "name" or "userCPG".
	GroupBy []string
	// Summary asks for summaries instead of (or beside) the samples.
	Summary *ReportSummary
	// Compare keeps only the top or bottom records by a field.
	Compare *ReportCompare
	// From and To bound the sample times (inclusive); zero means unbounded.
	From, To time.Time
}

// ReportSummary selects the summaries of a report.
type ReportSummary struct {
	Min, Max, Avg bool
	Percentiles   []float64 // each 0-100
}

// ReportCompare keeps the Records records with the highest (Top) or lowest
// values of Field, e.g. "totalIOPs" or "totalSpaceMiB".
type ReportCompare struct {
	Top     bool
	Records int // 1-128 at a time, 1-32 versus time (HPE's PowerShell toolkit)
	Field   string
}

// ReadWriteTotal is a metric split by direction.
type ReadWriteTotal struct {
	Read  float64 `json:"read"`
	Write float64 `json:"write"`
	Total float64 `json:"total"`
}

// UnmarshalJSON reads {"read","write","total"} or, as HPE's flowkit reads
// cpgstatistics, a single number (taken as the total).
func (m *ReadWriteTotal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var f float64
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		*m = ReadWriteTotal{Total: f}
		return nil
	}
	type plain ReadWriteTotal
	return json.Unmarshal(b, (*plain)(m))
}

// SpaceByClass is a space figure by space class.
type SpaceByClass struct {
	UserMiB     float64 `json:"userMiB"`
	SnapshotMiB float64 `json:"snapshotMiB,omitempty"`
	AdminMiB    float64 `json:"adminMiB,omitempty"`
}

// CapacityEfficiency are a sample's data-reduction ratios.
type CapacityEfficiency struct {
	Compaction       float64 `json:"compaction"`
	Deduplication    float64 `json:"deduplication"`
	Compression      float64 `json:"compression"`
	DataReduction    float64 `json:"dataReduction"`
	OverProvisioning float64 `json:"overProvisioning"`
}

// Sample is one record of a report. Performance reports fill the I/O
// members, space reports the space members; the object's identity (Name,
// PortPos, VolumeName, ...) is there when the array reports it (at time,
// or grouped). Raw keeps the whole record.
type Sample struct {
	SampleTime    string `json:"sampleTime"`
	SampleTimeSec int64  `json:"sampleTimeSec"`

	Name       string   `json:"name,omitempty"`
	PortPos    *PortPos `json:"-"` // from {"node","slot","cardPort"} or "n:s:p"
	VolumeName string   `json:"volumeName,omitempty"`
	HostName   string   `json:"hostname,omitempty"`
	LUN        *int     `json:"lun,omitempty"`
	UserCPG    string   `json:"userCPG,omitempty"`

	IO            *ReadWriteTotal `json:"IO,omitempty"`     // I/O per second
	KBytes        *ReadWriteTotal `json:"KBytes,omitempty"` // KB per second
	ServiceTimeMS *ReadWriteTotal `json:"serviceTimeMS,omitempty"`
	IOSizeKB      *ReadWriteTotal `json:"IOSizeKB,omitempty"`
	QueueLength   float64         `json:"queueLength,omitempty"`
	BusyPct       float64         `json:"busyPct,omitempty"`

	TotalSpaceMiB      float64             `json:"totalSpaceMiB,omitempty"`
	FreeSpaceMiB       float64             `json:"freeSpaceMiB,omitempty"`
	UsedSpace          *SpaceByClass       `json:"usedSpace,omitempty"`
	FreeSpace          *SpaceByClass       `json:"freeSpace,omitempty"`
	TotalSpace         *SpaceByClass       `json:"totalSpace,omitempty"`
	UserSpaceUsedMiB   float64             `json:"userSpaceUsedMiB,omitempty"`
	UserSpaceFreeMiB   float64             `json:"userSpaceFreeMiB,omitempty"`
	SnapSpaceUsedMiB   float64             `json:"snapshotSpaceUsedMiB,omitempty"`
	TotalSpaceUsedMiB  float64             `json:"totalSpaceUsedMiB,omitempty"`
	CapacityEfficiency *CapacityEfficiency `json:"capacityEfficiency,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the known members and keeps the record in Raw. A
// port position may come as an object or as "n:s:p".
func (s *Sample) UnmarshalJSON(b []byte) error {
	type plain Sample
	var w struct {
		plain
		PortPos json.RawMessage `json:"portPos"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Sample(w.plain)
	if raw := bytes.TrimSpace(w.PortPos); len(raw) > 0 && string(raw) != "null" {
		var text string
		var pos PortPos
		if json.Unmarshal(raw, &text) == nil {
			p, err := ParsePortPos(text)
			if err != nil {
				return fmt.Errorf("portPos: %w", err)
			}
			pos = p
		} else if err := json.Unmarshal(raw, &pos); err != nil {
			return fmt.Errorf("portPos: %w", err)
		}
		s.PortPos = &pos
	}
	s.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Time returns the sample's time (from SampleTimeSec).
func (s *Sample) Time() time.Time { return time.Unix(s.SampleTimeSec, 0) }

// ReportSamples reads a System Reporter report.
//
// WSAPI: GET /api/v1/systemreporter/<mode>/<report>/<resolution>[;<key>:<value>...]
// [?query="sampleTime GE <from> AND sampleTime LE <to>"], as HPE's
// PowerShell toolkit sends it; the answer is {total, members}. Idempotent;
// retried. Options are checked before sending: the record shows no public
// error codes for them.
func (s *SystemService) ReportSamples(ctx context.Context, mode ReportMode, report Report, opts *ReportOptions) ([]Sample, error) {
	path, q, err := reportPath(mode, report, opts)
	if err != nil {
		return nil, err
	}
	var out collection[Sample]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: path, query: q, out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// reportPath builds the escaped path and query of a report request.
func reportPath(mode ReportMode, report Report, opts *ReportOptions) (string, url.Values, error) {
	if mode != AtTime && mode != VersusTime {
		return "", nil, invalid("mode", fmt.Sprintf("must be AtTime or VersusTime, got %d", mode))
	}
	if report < ReportCPGPerformance || report > ReportVLUNPerformance {
		return "", nil, invalid("report", fmt.Sprintf("unknown report %d", report))
	}
	if opts == nil {
		return "", nil, invalid("opts", "nil *ReportOptions (Resolution is required)")
	}
	if opts.Resolution < ResolutionHiRes || opts.Resolution > ResolutionDaily {
		return "", nil, invalid("Resolution", fmt.Sprintf("must be 1-3, got %d", opts.Resolution))
	}
	var b strings.Builder
	b.WriteString("/systemreporter/" + mode.String() + "/" + report.String() + "/" + opts.Resolution.String())
	keys := make([]string, 0, len(opts.Filter))
	for k := range opts.Filter {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := opts.Filter[k]
		if !isReportWord(k) || k == "groupby" || k == "summary" || k == "compareby" {
			return "", nil, invalid("Filter", fmt.Sprintf("bad key %q", k))
		}
		if !isReportValue(v) {
			return "", nil, invalid("Filter", fmt.Sprintf("bad value %q for %s", v, k))
		}
		b.WriteString(";" + k + ":" + v)
	}
	if len(opts.GroupBy) > 0 {
		for _, g := range opts.GroupBy {
			if !isReportWord(g) {
				return "", nil, invalid("GroupBy", fmt.Sprintf("bad field %q", g))
			}
		}
		b.WriteString(";groupby:" + strings.Join(opts.GroupBy, ","))
	}
	if sm := opts.Summary; sm != nil {
		var parts []string
		for _, f := range []struct {
			on   bool
			name string
		}{{sm.Min, "min"}, {sm.Max, "max"}, {sm.Avg, "avg"}} {
			if f.on {
				parts = append(parts, f.name)
			}
		}
		for _, p := range sm.Percentiles {
			if p < 0 || p > 100 {
				return "", nil, invalid("Summary.Percentiles", fmt.Sprintf("must be 0-100, got %v", p))
			}
			parts = append(parts, strconv.FormatFloat(p, 'f', -1, 64))
		}
		if len(parts) == 0 {
			return "", nil, invalid("Summary", "asks for nothing")
		}
		b.WriteString(";summary:" + strings.Join(parts, ","))
	}
	if cmp := opts.Compare; cmp != nil {
		limit := 128
		if mode == VersusTime {
			limit = 32
		}
		if cmp.Records < 1 || cmp.Records > limit {
			return "", nil, invalid("Compare.Records", fmt.Sprintf("must be 1-%d, got %d", limit, cmp.Records))
		}
		if !isReportWord(cmp.Field) {
			return "", nil, invalid("Compare.Field", fmt.Sprintf("bad field %q", cmp.Field))
		}
		dir := "bottom"
		if cmp.Top {
			dir = "top"
		}
		b.WriteString(";compareby:" + dir + "," + strconv.Itoa(cmp.Records) + "," + cmp.Field)
	}
	var terms []string
	if !opts.From.IsZero() && !opts.To.IsZero() && opts.To.Before(opts.From) {
		return "", nil, invalid("To", "before From")
	}
	if !opts.From.IsZero() {
		terms = append(terms, "sampleTime GE "+opts.From.Format(time.RFC3339))
	}
	if !opts.To.IsZero() {
		terms = append(terms, "sampleTime LE "+opts.To.Format(time.RFC3339))
	}
	var q url.Values
	if len(terms) > 0 {
		q = url.Values{"query": {`"` + strings.Join(terms, " AND ") + `"`}}
	}
	return b.String(), q, nil
}

// isReportWord reports a field or key name: letters and digits.
func isReportWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// isReportValue reports a filter value that needs no escaping in the path:
// name characters, ':' (ports, "set:<name>") and ',' (several values).
func isReportValue(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:,", r)) {
			return false
		}
	}
	return true
}
