package alletratest

import (
	"net/http"
	"strconv"
)

type cpg struct {
	id                 int
	uuid, name, domain string
}

type apiVersionJSON struct {
	Major    int   `json:"major"`
	Minor    int   `json:"minor"`
	Revision int   `json:"revision"`
	Build    int64 `json:"build"`
}

// apiVersion handles GET /api.
func (e *engine) apiVersion(_ *request) response {
	minor := 15
	switch b := e.cfg.Build; {
	case b < buildPrimera:
		minor = 6
	case b < buildNoSnapCPG:
		minor = 8
	case b < buildAPINeedsSession:
		minor = 10
	}
	return okJSON(apiVersionJSON{Major: 1, Minor: minor, Build: e.cfg.Build})
}

// mib is a capacity in MiB. With simConfig.FloatCapacities it is written as an
// integral JSON float (35549184.0): the guide types system capacities as
// numbers, and HPE's own test fixtures write them so.
type mib struct {
	v     int64
	float bool
}

// MarshalJSON implements json.Marshaler.
func (m mib) MarshalJSON() ([]byte, error) {
	b := strconv.AppendInt(nil, m.v, 10)
	if m.float {
		b = append(b, ".0"...)
	}
	return b, nil
}

func (e *engine) mib(v int64) mib { return mib{v: v, float: e.cfg.FloatCapacities} }

type licenseJSON struct {
	Name string `json:"name"`
}

type systemJSON struct {
	ID                   int                      `json:"id"`
	Name                 string                   `json:"name"`
	SystemVersion        string                   `json:"systemVersion"`
	IPv4Addr             string                   `json:"IPv4Addr"`
	Model                string                   `json:"model"`
	SerialNumber         string                   `json:"serialNumber"`
	TotalNodes           int                      `json:"totalNodes"`
	MasterNode           int                      `json:"masterNode"`
	OnlineNodes          []int                    `json:"onlineNodes"`
	ClusterNodes         []int                    `json:"clusterNodes"`
	ChunkletSizeMiB      int                      `json:"chunkletSizeMiB"`
	TotalCapacityMiB     mib                      `json:"totalCapacityMiB"`
	AllocatedCapacityMiB mib                      `json:"allocatedCapacityMiB"`
	FreeCapacityMiB      mib                      `json:"freeCapacityMiB"`
	FailedCapacityMiB    mib                      `json:"failedCapacityMiB"`
	Location             string                   `json:"location"`
	Owner                string                   `json:"owner"`
	Contact              string                   `json:"contact"`
	Comment              string                   `json:"comment"`
	TimeZone             string                   `json:"timeZone"`
	Patches              []string                 `json:"patches"`
	LicenseInfo          map[string][]licenseJSON `json:"licenseInfo"`
}

// getSystem handles GET /system.
func (e *engine) getSystem(_ *request) response {
	e.lock()
	defer e.unlock()
	used, free := e.space("")
	return okJSON(systemJSON{
		ID: 139083, Name: e.systemName(), SystemVersion: "10.4.5", IPv4Addr: "127.0.0.1",
		Model: "HPE Alletra MP B10000", SerialNumber: "CZ2D2101QV", TotalNodes: 2, MasterNode: 0,
		OnlineNodes: []int{0, 1}, ClusterNodes: []int{0, 1}, ChunkletSizeMiB: 1024,
		TotalCapacityMiB: e.mib(used + free), AllocatedCapacityMiB: e.mib(used), FreeCapacityMiB: e.mib(free),
		FailedCapacityMiB: e.mib(0), TimeZone: "UTC", Patches: []string{},
		LicenseInfo: map[string][]licenseJSON{"licenses": {{Name: "All-inclusive Single-System Software"}}},
	})
}

// space returns used and free MiB, for one CPG or ("") the whole array.
// Callers hold e.mu.
func (e *engine) space(cpgName string) (used, free int64) {
	if e.spaceManual {
		return e.spaceUsed, e.spaceFree
	}
	for _, v := range e.volumes {
		if v.CopyType != copyVirtual && (cpgName == "" || v.CPG == cpgName) {
			used += v.SizeMiB
		}
	}
	return used, max(totalCapMiB-used, 0)
}

// SetSpaceReport fixes the used and free MiB reported by the space reporter,
// the CPGs and the system (instead of the sum of volume sizes).
func (e *engine) SetSpaceReport(usedMiB, freeMiB int64) {
	e.mu.Lock()
	e.spaceUsed, e.spaceFree, e.spaceManual = usedMiB, freeMiB, true
	e.mu.Unlock()
}

type usageJSON struct {
	TotalMiB    mib `json:"totalMiB"`
	UsedMiB     mib `json:"usedMiB"`
	RawTotalMiB mib `json:"rawTotalMiB"`
	RawUsedMiB  mib `json:"rawUsedMiB"`
}

func (e *engine) usage(total, used, rawTotal, rawUsed int64) usageJSON {
	return usageJSON{TotalMiB: e.mib(total), UsedMiB: e.mib(used), RawTotalMiB: e.mib(rawTotal), RawUsedMiB: e.mib(rawUsed)}
}

type diskPatternJSON struct {
	DiskType int `json:"diskType"`
}

type ldLayoutJSON struct {
	RAIDType     int               `json:"RAIDType,omitempty"`
	HA           int               `json:"HA"`
	DiskPatterns []diskPatternJSON `json:"diskPatterns"`
}

type growthJSON struct {
	IncrementMiB int64        `json:"incrementMiB"`
	LimitMiB     int64        `json:"limitMiB"`
	WarningMiB   int64        `json:"warningMiB"`
	LDLayout     ldLayoutJSON `json:"LDLayout"`
}

type cpgJSON struct {
	ID               int        `json:"id"`
	UUID             string     `json:"uuid"`
	Name             string     `json:"name"`
	Domain           string     `json:"domain"`
	State            int        `json:"state"`
	NumFPVVs         int        `json:"numFPVVs"`
	NumTPVVs         int        `json:"numTPVVs"`
	NumTDVVs         int        `json:"numTDVVs"`
	UsrUsage         usageJSON  `json:"UsrUsage"`
	SAUsage          usageJSON  `json:"SAUsage"`
	SDUsage          usageJSON  `json:"SDUsage"`
	SAGrowth         growthJSON `json:"SAGrowth"`
	SDGrowth         growthJSON `json:"SDGrowth"`
	FailedStates     []int      `json:"failedStates"`
	DegradedStates   []int      `json:"degradedStates"`
	AdditionalStates []int      `json:"additionalStates"`
}

func (e *engine) cpgWire(c *cpg) cpgJSON {
	j := cpgJSON{ID: c.id, UUID: c.uuid, Name: c.name, Domain: c.domain, State: 1,
		SAGrowth:     growthJSON{IncrementMiB: 8192, LDLayout: ldLayoutJSON{HA: 2, DiskPatterns: []diskPatternJSON{{3}}}},
		SDGrowth:     growthJSON{IncrementMiB: 32768, LDLayout: ldLayoutJSON{RAIDType: 4, HA: 2, DiskPatterns: []diskPatternJSON{{3}}}},
		FailedStates: []int{}, DegradedStates: []int{}, AdditionalStates: []int{}}
	for _, v := range e.volumes {
		if v.CPG != c.name || v.CopyType == copyVirtual {
			continue
		}
		switch v.ProvisioningType {
		case provFull:
			j.NumFPVVs++
		case provTPVV:
			j.NumTPVVs++
		case provTDVV:
			j.NumTDVVs++
		}
	}
	used, free := e.space(c.name)
	j.UsrUsage = e.usage(used+free, used, (used+free)*4/3, used*4/3)
	j.SAUsage = e.usage(8192, 1024, 24576, 3072)
	j.SDUsage = e.usage(32768, 0, 43690, 0)
	return j
}

// listCPGs handles GET /cpgs.
func (e *engine) listCPGs(_ *request) response {
	e.lock()
	defer e.unlock()
	out := []cpgJSON{}
	for _, c := range sortedKeys(e.cpgs, func(c *cpg) int { return c.id }) {
		out = append(out, e.cpgWire(c))
	}
	return listResponse(out)
}

// getCPG handles GET /cpgs/{name}.
func (e *engine) getCPG(req *request) response {
	e.lock()
	defer e.unlock()
	c := e.cpgs[req.params[0]]
	if c == nil {
		return errResponse(errNoCPG(req.params[0]))
	}
	return okJSON(e.cpgWire(c))
}

type spaceReportBody struct {
	CPG      *string        `json:"cpg"`
	LDLayout map[string]any `json:"LDLayout"`
}

type spaceReportJSON struct {
	RawFreeMiB             mib `json:"rawFreeMiB"`
	UsableFreeMiB          mib `json:"usableFreeMiB"`
	OverprovisionedUsedMiB mib `json:"overprovisionedUsedMiB"`
	OverProvisionedFreeMiB mib `json:"overProvisionedFreeMiB"`
}

// spaceReport handles POST /spacereporter.
func (e *engine) spaceReport(req *request) response {
	var b spaceReportBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.CPG == nil && b.LDLayout == nil {
		return errResponse(missing("cpg"))
	}
	e.lock()
	defer e.unlock()
	name := ""
	if b.CPG != nil {
		if e.cpgs[*b.CPG] == nil {
			return errResponse(errNoCPG(*b.CPG))
		}
		name = *b.CPG
	}
	used, free := e.space(name)
	return okJSON(spaceReportJSON{RawFreeMiB: e.mib(free * 4 / 3), UsableFreeMiB: e.mib(free),
		OverprovisionedUsedMiB: e.mib(used), OverProvisionedFreeMiB: e.mib(free)})
}

// wsapiConfigJSON is GET /wsapiconfiguration. The guide (1.3.1, table 121)
// and HPE's mock write the listener states as the strings "Enabled" and
// "Disabled".
type wsapiConfigJSON struct {
	HTTPState           string `json:"httpState"`
	HTTPPort            int    `json:"httpPort"`
	HTTPSState          string `json:"httpsState"`
	HTTPSPort           int    `json:"httpsPort"`
	Version             string `json:"version"`
	SessionsInUse       int    `json:"sessionsInUse"`
	SystemResourceUsage int    `json:"systemResourceUsage"`
}

// wsapiConfig handles GET /wsapiconfiguration.
func (e *engine) wsapiConfig(_ *request) response {
	e.lock()
	defer e.unlock()
	e.pruneSessions(e.now())
	v := e.apiVersion(nil).body.(apiVersionJSON)
	return response{status: http.StatusOK, body: wsapiConfigJSON{
		HTTPState: enabled(e.cfg.PlainHTTP), HTTPPort: 8008, HTTPSState: enabled(!e.cfg.PlainHTTP), HTTPSPort: 443,
		Version: "1." + itoa(v.Minor) + ".0", SessionsInUse: len(e.sessions), SystemResourceUsage: e.cfg.SessionLimit,
	}}
}

func enabled(on bool) string {
	if on {
		return "Enabled"
	}
	return "Disabled"
}
