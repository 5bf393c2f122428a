package alletratest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// System Reporter: GET /systemreporter/{attime|vstime}/{report}/{res}[;key:value...]
// [?query="sampleTime GE <t> AND sampleTime LE <t>"], for the reports
// cpgstatistics, cpgspacedata, portstatistics, volumespacedata and
// vlunstatistics, as HPE's PowerShell toolkit addresses them (filters,
// groupby fields and the members of the samples are the ones its cmdlets
// show). The numbers are synthetic and deterministic: performance follows
// the object's id, space the simulated volumes. At time gives one sample
// per object at the latest sample time; versus time a series (12 hires,
// 24 hourly or 7 daily samples), summed over the objects unless grouped.
// summary: and compareby: are answered 501: not simulated.

type srReport struct {
	filters map[string]bool
	groupBy map[string]bool
	space   bool
	volumes bool // space per volume rather than per CPG
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Split(s, ",") {
		m[w] = true
	}
	return m
}

var srReports = map[string]srReport{
	"cpgstatistics":   {filters: words("name"), groupBy: words("domain,id,name,diskType,RAIDType")},
	"cpgspacedata":    {filters: words("name,diskType"), groupBy: words("domain,id,name,diskType,RAIDType"), space: true},
	"portstatistics":  {filters: words("portPos"), groupBy: words("node,slot,cardPort,type,portPos")},
	"volumespacedata": {filters: words("name,userCPG,snapCPG,provType"), groupBy: words("id,name,baseId,wwn,snapCPG,userCPG"), space: true, volumes: true},
	"vlunstatistics":  {filters: words("lun,volumeName,hostname,portPos"), groupBy: words("domain,volumeName,hostname,lun,hostWWN,node,slot,vvsetName,hostsetName,cardPort")},
}

var srSteps = map[string]struct {
	step  time.Duration
	count int
}{"hires": {5 * time.Minute, 12}, "hourly": {time.Hour, 24}, "daily": {24 * time.Hour, 7}}

type rwtJSON struct {
	Read  float64 `json:"read"`
	Write float64 `json:"write"`
	Total float64 `json:"total"`
}

type userSpaceJSON struct {
	UserMiB float64 `json:"userMiB"`
}

type efficiencyJSON struct {
	Compaction       float64 `json:"compaction"`
	Deduplication    float64 `json:"deduplication"`
	OverProvisioning float64 `json:"overProvisioning"`
	Compression      float64 `json:"compression"`
	DataReduction    float64 `json:"dataReduction"`
}

// srSampleJSON holds the members of every simulated report; the ones a
// report does not have are omitted.
type srSampleJSON struct {
	SampleTime    string       `json:"sampleTime"`
	SampleTimeSec int64        `json:"sampleTimeSec"`
	Name          string       `json:"name,omitempty"`
	PortPos       *portPosJSON `json:"portPos,omitempty"`
	VolumeName    string       `json:"volumeName,omitempty"`
	Hostname      string       `json:"hostname,omitempty"`
	LUN           *int         `json:"lun,omitempty"`
	UserCPG       string       `json:"userCPG,omitempty"`
	SnapCPG       string       `json:"snapCPG,omitempty"`

	IO            *rwtJSON `json:"IO,omitempty"`
	KBytes        *rwtJSON `json:"KBytes,omitempty"`
	ServiceTimeMS *rwtJSON `json:"serviceTimeMS,omitempty"`
	IOSizeKB      *rwtJSON `json:"IOSizeKB,omitempty"`
	QueueLength   *float64 `json:"queueLength,omitempty"`
	BusyPct       *float64 `json:"busyPct,omitempty"`

	UsedSpace          *userSpaceJSON  `json:"usedSpace,omitempty"`
	FreeSpace          *userSpaceJSON  `json:"freeSpace,omitempty"`
	TotalSpace         *userSpaceJSON  `json:"totalSpace,omitempty"`
	FreeSpaceMiB       *float64        `json:"freeSpaceMiB,omitempty"`
	TotalSpaceMiB      *float64        `json:"totalSpaceMiB,omitempty"`
	CapacityEfficiency *efficiencyJSON `json:"capacityEfficiency,omitempty"`
	UserSpaceUsedMiB   *float64        `json:"userSpaceUsedMiB,omitempty"`
	UserSpaceFreeMiB   *float64        `json:"userSpaceFreeMiB,omitempty"`
	SnapSpaceUsedMiB   *float64        `json:"snapshotSpaceUsedMiB,omitempty"`
	TotalSpaceUsedMiB  *float64        `json:"totalSpaceUsedMiB,omitempty"`
}

// srObject is one object of a report with its raw figures.
type srObject struct {
	id         int
	identity   srSampleJSON // the identity members
	used, free float64      // space reports
}

func fptr(f float64) *float64 { return &f }

// systemReporter handles GET /systemreporter/{mode}/{report}/{spec}.
func (e *engine) systemReporter(req *request) response {
	mode, name := req.params[0], req.params[1]
	if mode != "attime" && mode != "vstime" {
		return errResponse(errNotFound(codeURINotFound, "no such report mode %s", mode))
	}
	rep, ok := srReports[name]
	if !ok {
		return errResponse(errNotFound(codeURINotFound, "no such report %s", name))
	}
	opts := strings.Split(req.params[2], ";")
	res, ok := srSteps[opts[0]]
	if !ok {
		return errResponse(errNotFound(codeURINotFound, "no such resolution %s", opts[0]))
	}
	filters := map[string][]string{}
	var groupBy []string
	for _, o := range opts[1:] {
		k, v, ok := strings.Cut(o, ":")
		switch {
		case !ok || v == "":
			return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: bad report option %q", o), o))
		case k == "summary" || k == "compareby":
			return errResponse(apiErr(http.StatusNotImplemented, codeUnsupportedOperation, "%s is not simulated", k))
		case k == "groupby":
			for _, g := range strings.Split(v, ",") {
				if !rep.groupBy[g] {
					return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: bad groupby field %s", g), "groupby"))
				}
			}
			groupBy = strings.Split(v, ",")
		case rep.filters[k]:
			filters[k] = strings.Split(v, ",")
		default:
			return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: bad report option %s", k), k))
		}
	}
	from, to, aerr := sampleTimeRange(req.query.Get("query"))
	if aerr != nil {
		return errResponse(aerr)
	}
	e.lock()
	defer e.unlock()
	objects := e.srObjects(name, filters)
	last := e.now().Truncate(res.step)
	times := []time.Time{last}
	if mode == "vstime" {
		times = times[:0]
		for i := res.count - 1; i >= 0; i-- {
			times = append(times, last.Add(-time.Duration(i)*res.step))
		}
	}
	out := []srSampleJSON{}
	for i, t := range times {
		if !from.IsZero() && t.Before(from) || !to.IsZero() && t.After(to) {
			continue
		}
		if mode == "attime" || len(groupBy) > 0 {
			for _, o := range objects {
				out = append(out, srSample(rep, t, i, []srObject{o}, true))
			}
		} else if len(objects) > 0 {
			out = append(out, srSample(rep, t, i, objects, false))
		}
	}
	return listResponse(out)
}

// srSample builds one sample of the objects at t (the i-th time).
func srSample(rep srReport, t time.Time, i int, objects []srObject, identity bool) srSampleJSON {
	var s srSampleJSON
	if identity {
		s = objects[0].identity
	}
	s.SampleTime, s.SampleTimeSec = fmtTime8601(t), t.Unix()
	if rep.space {
		var used, free float64
		for _, o := range objects {
			used, free = used+o.used, free+o.free
		}
		if rep.volumes {
			s.UserSpaceUsedMiB, s.UserSpaceFreeMiB = fptr(used), fptr(free)
			s.SnapSpaceUsedMiB, s.TotalSpaceUsedMiB = fptr(0), fptr(used)
			return s
		}
		s.UsedSpace, s.FreeSpace, s.TotalSpace = &userSpaceJSON{used}, &userSpaceJSON{free}, &userSpaceJSON{used + free}
		s.FreeSpaceMiB, s.TotalSpaceMiB = fptr(free), fptr(used+free)
		s.CapacityEfficiency = &efficiencyJSON{Compaction: 1, Deduplication: 1, OverProvisioning: 1, Compression: 1, DataReduction: 1}
		return s
	}
	var io float64
	for _, o := range objects {
		io += float64(10 * o.id * (1 + i%3))
	}
	s.IO = &rwtJSON{Read: io * 2 / 3, Write: io / 3, Total: io}
	s.KBytes = &rwtJSON{Read: io * 2 / 3 * 8, Write: io / 3 * 8, Total: io * 8}
	s.ServiceTimeMS = &rwtJSON{Read: 0.1, Write: 0.2, Total: 0.13}
	s.IOSizeKB = &rwtJSON{Read: 8, Write: 8, Total: 8}
	s.QueueLength, s.BusyPct = fptr(1), fptr(0.2)
	return s
}

// srObjects returns the objects of a report that pass the filters. Callers hold e.mu.
func (e *engine) srObjects(report string, filters map[string][]string) []srObject {
	pass := func(key, value string) bool { f, ok := filters[key]; return !ok || slices.Contains(f, value) }
	var out []srObject
	switch report {
	case "cpgstatistics", "cpgspacedata":
		for _, c := range sortedKeys(e.cpgs, func(c *cpg) int { return c.id }) {
			if pass("name", c.name) && pass("diskType", "3") {
				used, free := e.space(c.name)
				out = append(out, srObject{id: c.id, identity: srSampleJSON{Name: c.name}, used: float64(used), free: float64(free)})
			}
		}
	case "portstatistics":
		for i, p := range e.ports {
			if pass("portPos", p.Pos()) {
				out = append(out, srObject{id: i + 1, identity: srSampleJSON{PortPos: &portPosJSON{p.Node, p.Slot, p.CardPort}}})
			}
		}
	case "volumespacedata":
		for _, v := range e.sortedVolumes() {
			if pass("name", v.Name) && pass("userCPG", v.CPG) && pass("snapCPG", v.SnapCPG) && pass("provType", itoa(int(v.ProvisioningType))) {
				out = append(out, srObject{id: v.ID, identity: srSampleJSON{Name: v.Name, UserCPG: v.CPG, SnapCPG: v.SnapCPG},
					used: float64(v.UsedMiB), free: float64(v.SizeMiB - v.UsedMiB)})
			}
		}
	case "vlunstatistics":
		for _, l := range e.vluns {
			if l.Active || !pass("volumeName", l.VolumeName) || !pass("hostname", l.Hostname) || !pass("lun", itoa(l.LUN)) {
				continue
			}
			lun := l.LUN
			out = append(out, srObject{id: l.group, identity: srSampleJSON{VolumeName: l.VolumeName, Hostname: l.Hostname, LUN: &lun}})
		}
	}
	return out
}

// sampleTimeRange parses `"sampleTime GE <t> [AND sampleTime LE <t>]"`
// (either bound alone, in either order). Anything else is INV_QUERY_STRING
// (400, no public number).
func sampleTimeRange(q string) (from, to time.Time, aerr *apiError) {
	if q == "" {
		return from, to, nil
	}
	bad := func() (time.Time, time.Time, *apiError) {
		return time.Time{}, time.Time{}, withRef(errBadRequest(0, "invalid query string"), "query")
	}
	expr, quoted := strings.CutPrefix(q, `"`)
	expr, closed := strings.CutSuffix(expr, `"`)
	if !quoted || !closed {
		return bad()
	}
	for _, term := range strings.Split(strings.TrimSpace(expr), " AND ") {
		f := strings.Fields(term)
		if len(f) != 3 || f[0] != "sampleTime" {
			return bad()
		}
		t, err := time.Parse(time.RFC3339, f[2])
		if err != nil {
			return bad()
		}
		switch f[1] {
		case "GE":
			from = t
		case "LE":
			to = t
		default:
			return bad()
		}
	}
	return from, to, nil
}
