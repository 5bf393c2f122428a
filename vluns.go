package alletra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// VLUNsService manages exports of volumes to hosts (WSAPI /vluns).
type VLUNsService service

// MaxLUN is the highest SCSI LUN a vLUN may use. (NVMe hosts accept 1–256;
// the array enforces that.)
const MaxLUN = 16383

// VLUNType is the kind of a vLUN (WSAPI type).
type VLUNType int

// vLUN types.
const (
	VLUNTypeEmpty      VLUNType = 1
	VLUNTypePort       VLUNType = 2 // port present: any host on the port
	VLUNTypeHost       VLUNType = 3 // host sees
	VLUNTypeMatchedSet VLUNType = 4 // host and port
	VLUNTypeHostSet    VLUNType = 5 // a host set
)

// String returns the WSAPI name of the type.
func (t VLUNType) String() string {
	return enumName(int(t), "EMPTY", "PORT", "HOST", "MATCHED_SET", "HOST_SET")
}

// Multipathing is a vLUN's multipathing mode (WSAPI multipathing).
type Multipathing int

// Multipathing modes.
const (
	MultipathingUnknown    Multipathing = 1
	MultipathingRoundRobin Multipathing = 2
	MultipathingFailover   Multipathing = 3
)

// String returns the WSAPI name of the mode.
func (m Multipathing) String() string {
	return enumName(int(m), "UNKNOWN", "ROUND_ROBIN", "FAILOVER")
}

// FailedPathPolicy is how a vLUN's failed paths are tested (WSAPI failedPathPol).
type FailedPathPolicy int

// Failed path policies.
const (
	FailedPathUnknown           FailedPathPolicy = 1
	FailedPathSCSITestUnitReady FailedPathPolicy = 2
	FailedPathInquiry           FailedPathPolicy = 3
	FailedPathReadSector0       FailedPathPolicy = 4
)

// String returns the WSAPI name of the policy.
func (p FailedPathPolicy) String() string {
	return enumName(int(p), "UNKNOWN", "SCSI_TEST_UNIT_READY", "INQUIRY", "READ_SECTOR0")
}

// VLUN is an export of a volume. Every export has one template record
// (Active false), which is what is created and deleted, and one active
// record per path the host has logged in on (Active true).
type VLUN struct {
	LUN                int              `json:"lun"`
	VolumeName         string           `json:"volumeName"`
	HostName           string           `json:"hostname,omitempty"`   // "" for port-only vLUNs
	RemoteName         string           `json:"remoteName,omitempty"` // initiator of an active record
	PortPos            *PortPos         `json:"portPos,omitempty"`
	Type               VLUNType         `json:"type"`
	VolumeWWN          string           `json:"volumeWWN,omitempty"`
	Multipathing       Multipathing     `json:"multipathing,omitempty"`
	FailedPathPol      FailedPathPolicy `json:"failedPathPol,omitempty"`
	FailedPathInterval int              `json:"failedPathInterval,omitempty"`
	HostDeviceName     string           `json:"hostDeviceName,omitempty"`
	Active             bool             `json:"active"`
	// SubsystemNQN is the array's NVMe subsystem (target) NQN, on newer arrays.
	SubsystemNQN string `json:"Subsystem_NQN,omitempty"`

	// Existed is set by VLUNs.Create when the export was already there and
	// nothing was created (so a caller's undo should not delete it).
	Existed bool `json:"-"`
}

// ID returns the id that names the vLUN in WSAPI paths.
func (v *VLUN) ID() VLUNID {
	return VLUNID{Volume: v.VolumeName, LUN: v.LUN, Host: v.HostName, Port: v.PortPos}
}

// VLUNID names a vLUN: "volume,lun,host[,n:s:p]", or "volume,lun,,n:s:p"
// for a port-only vLUN.
type VLUNID struct {
	Volume string
	LUN    int
	Host   string   // "" for a port-only vLUN
	Port   *PortPos // nil for a host vLUN
}

// String returns the id as "volume,lun,host[,n:s:p]" (unescaped).
func (id VLUNID) String() string {
	s := id.Volume + "," + strconv.Itoa(id.LUN) + "," + id.Host
	if id.Port != nil {
		s += "," + id.Port.String()
	}
	return s
}

// path returns the escaped path of the vLUN: each name is escaped on its
// own and the parts are joined with commas.
func (id VLUNID) path() string {
	p := "/vluns/" + escapeSegment(id.Volume) + "," + strconv.Itoa(id.LUN) + "," + escapeSegment(id.Host)
	if id.Port != nil {
		p += "," + escapeSegment(id.Port.String())
	}
	return p
}

// validate checks the id before it is sent.
func (id VLUNID) validate(c *Client) error {
	if err := c.checkVLUNName("volume", id.Volume); err != nil {
		return err
	}
	if err := checkLUN("lun", id.LUN); err != nil {
		return err
	}
	if id.Host == "" && id.Port == nil {
		return invalid("host", "empty, and no port given")
	}
	if id.Host != "" {
		if err := c.checkVLUNName("host", id.Host); err != nil {
			return err
		}
	}
	if id.Port != nil {
		return id.Port.validate("port")
	}
	return nil
}

// checkVLUNName validates a volume or host name of a vLUN, which may name
// a set as "set:<name>".
func (c *Client) checkVLUNName(field, name string) error {
	if rest, ok := strings.CutPrefix(name, "set:"); ok {
		return c.checkName(field, rest)
	}
	return c.checkName(field, name)
}

func checkLUN(field string, lun int) error {
	if lun < 0 || lun > MaxLUN {
		return invalid(field, fmt.Sprintf("LUN %d out of range 0-%d", lun, MaxLUN))
	}
	return nil
}

// parseVLUNLocation reads the id of a created vLUN from the (unescaped)
// Location header: [scheme://host][/api/v1]/vluns/<vol>,<lun>,<host>[,<n:s:p>].
func parseVLUNLocation(loc string) (VLUNID, error) {
	bad := func(why string) (VLUNID, error) {
		return VLUNID{}, fmt.Errorf("vLUN location %q: %s", truncateText([]byte(loc), 128), why)
	}
	if !strings.HasPrefix(loc, "/") && !strings.Contains(loc, "://") {
		loc = "/" + loc
	}
	i := strings.LastIndex(loc, "/vluns/")
	if i < 0 {
		return bad("no /vluns/ part")
	}
	rest := loc[i+len("/vluns/"):]
	if j := strings.IndexAny(rest, "?#"); j >= 0 {
		rest = rest[:j]
	}
	rest = strings.TrimSuffix(rest, "/")
	if strings.Contains(rest, "/") {
		return bad("extra path segments")
	}
	parts := strings.Split(rest, ",")
	if len(parts) != 3 && len(parts) != 4 {
		return bad("not volume,lun,host[,n:s:p]")
	}
	var id VLUNID
	id.Volume, id.Host = parts[0], parts[2]
	if err := validName(strings.TrimPrefix(id.Volume, "set:"), 0); err != nil {
		return bad("volume name: " + err.Error())
	}
	if id.Host != "" {
		if err := validName(strings.TrimPrefix(id.Host, "set:"), 0); err != nil {
			return bad("host name: " + err.Error())
		}
	}
	lun := parts[1]
	if lun == "" || len(lun) > 5 {
		return bad("bad LUN")
	}
	for k := 0; k < len(lun); k++ {
		if lun[k] < '0' || lun[k] > '9' {
			return bad("bad LUN")
		}
		id.LUN = id.LUN*10 + int(lun[k]-'0')
	}
	if id.LUN > MaxLUN {
		return bad("LUN out of range")
	}
	if len(parts) == 4 && parts[3] != "" {
		p, err := ParsePortPos(parts[3])
		if err != nil {
			return bad("bad port position")
		}
		id.Port = &p
	}
	if id.Host == "" && id.Port == nil {
		return bad("neither host nor port")
	}
	return id, nil
}

// VLUNCreateRequest is the body of POST /vluns. VolumeName is required, and
// HostName or PortPos (or both).
type VLUNCreateRequest struct {
	VolumeName string `json:"volumeName"`         // a volume, or "set:<volume set>"
	HostName   string `json:"hostname,omitempty"` // a host, or "set:<host set>"
	// LUN is the LUN to use (0–16383); with AutoLUN it is the lowest LUN the
	// array may pick.
	LUN int `json:"lun"`
	// AutoLUN lets the array pick a free LUN from LUN up to MaxAutoLUN.
	AutoLUN    bool `json:"autoLun,omitempty"`
	MaxAutoLUN int  `json:"maxAutoLun,omitempty"` // 0: no maximum
	// PortPos limits the export to one array port (a port-present or
	// matched-set vLUN).
	PortPos               *PortPos `json:"portPos,omitempty"`
	NoVCN                 bool     `json:"noVcn,omitempty"`
	OverrideLowerPriority bool     `json:"overrideLowerPriority,omitempty"` // needs HostName
}

// VLUNListOptions select vLUNs. VolumeName and HostName are both optional.
type VLUNListOptions struct {
	VolumeName string // only vLUNs of this volume
	HostName   string // only vLUNs of this host
	// IncludeActive returns the active records (one per logged-in path)
	// too. By default only templates (Active false) are returned: one per
	// export, the records Create makes and Delete removes.
	IncludeActive bool
}

// List returns the vLUNs selected by opts (nil: every template).
//
// The array filters with a WSAPI query — volumeName==V when a volume is
// given (WSAPI 1.3 cannot AND two terms, so the host is then filtered
// here), else hostname==H — and every record is checked again on the
// client side, so an array that ignores the query gives the same answer.
// Arrays too old for vLUN queries (before 3.2.1 MU2) refuse the query
// with a 400 (INV_QUERY_STRING; its code number is unverified, so any 400
// counts); the vLUNs are then listed whole.
// A template whose Subsystem_NQN is only reported on its active records
// gets it copied from them.
//
// WSAPI: GET /api/v1/vluns[?query="..."]. Idempotent; retried.
func (s *VLUNsService) List(ctx context.Context, opts *VLUNListOptions) ([]VLUN, error) {
	var out collection[VLUN]
	o, _, err := s.listDo(ctx, opts, func(cl *call) { out = collection[VLUN]{}; cl.out = &out })
	if err != nil {
		return nil, err
	}
	var all []VLUN
	for _, v := range out.Members {
		if o.selects(&v, true) {
			all = append(all, v)
		}
	}
	fillSubsystemNQN(all)
	if o.IncludeActive {
		return all, nil
	}
	templates := all[:0:0]
	for _, v := range all {
		if !v.Active {
			templates = append(templates, v)
		}
	}
	return templates, nil
}

// All returns the vLUNs selected by opts (nil: every template) one at a
// time, decoded as the answer arrives: use it on arrays with many exports.
// It selects as List does (the same query, the same check on the client
// side, the same fallback for arrays too old for vLUN queries), with one
// difference: a template's Subsystem_NQN is what the array reports on the
// template itself, as the active records that may carry it are not held
// (List copies it from them).
//
// An error is yielded once, with a zero VLUN, and ends the sequence. The
// request holds one of the Client's in-flight slots until the loop ends,
// so with WithMaxInFlight(1) do not call the Client from inside the loop.
//
// WSAPI: GET /api/v1/vluns[?query="..."]. Idempotent: retried like List's
// until the answer starts.
func (s *VLUNsService) All(ctx context.Context, opts *VLUNListOptions) iter.Seq2[VLUN, error] {
	return func(yield func(VLUN, error) bool) {
		o, resp, err := s.listDo(ctx, opts, func(cl *call) { cl.stream = true })
		if err != nil {
			yield(VLUN{}, err)
			return
		}
		defer resp.Body.Close()
		err = eachMember(json.NewDecoder(resp.Body), func(v *VLUN) bool {
			return !o.selects(v, o.IncludeActive) || yield(*v, nil)
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(VLUN{}, errBadResponse(http.MethodGet, "/vluns", err))
		}
	}
}

// listDo validates opts and sends the list request, set up by prep, with
// the query, then once more without it when the array refuses the query
// with a 400. It returns the options it applied and the answer.
func (s *VLUNsService) listDo(ctx context.Context, opts *VLUNListOptions, prep func(*call)) (VLUNListOptions, *response, error) {
	var o VLUNListOptions
	if opts != nil {
		o = *opts
	}
	if o.VolumeName != "" {
		if err := s.client.checkVLUNName("VolumeName", o.VolumeName); err != nil {
			return o, nil, err
		}
	}
	if o.HostName != "" {
		if err := s.client.checkVLUNName("HostName", o.HostName); err != nil {
			return o, nil, err
		}
	}
	var q Query
	switch {
	case o.VolumeName != "":
		q = Eq("volumeName", o.VolumeName)
	case o.HostName != "":
		q = Eq("hostname", o.HostName)
	}
	send := func(query url.Values) (*response, error) {
		cl := &call{method: http.MethodGet, path: "/vluns", query: query, kind: CallRead}
		prep(cl)
		return s.client.do(ctx, cl)
	}
	var r *response
	var err error
	if q.IsZero() {
		r, err = send(nil)
	} else {
		r, err = send(url.Values{"query": {q.String()}})
		var apiErr *APIError
		if err != nil && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
			r, err = send(nil)
		}
	}
	return o, r, err
}

// selects reports whether v is one of the vLUNs o selects; active records
// count only with active.
func (o *VLUNListOptions) selects(v *VLUN, active bool) bool {
	return (o.VolumeName == "" || strings.EqualFold(v.VolumeName, o.VolumeName)) &&
		(o.HostName == "" || strings.EqualFold(v.HostName, o.HostName)) &&
		(active || !v.Active)
}

// fillSubsystemNQN copies Subsystem_NQN from active records onto their
// template when the template lacks it.
func fillSubsystemNQN(vs []VLUN) {
	for i := range vs {
		t := &vs[i]
		if t.Active || t.SubsystemNQN != "" {
			continue
		}
		for _, a := range vs {
			if a.Active && a.SubsystemNQN != "" && a.LUN == t.LUN &&
				strings.EqualFold(a.VolumeName, t.VolumeName) && strings.EqualFold(a.HostName, t.HostName) {
				t.SubsystemNQN = a.SubsystemNQN
				break
			}
		}
	}
}

// Create exports a volume and returns the vLUN's template record, with the
// LUN the array assigned read from the Location header of the answer (one
// round trip; when the header is missing or unreadable the vLUN is listed
// instead). Only the identity fields (volume, LUN, host, port, type) are
// filled in; List gives the full record, and Map returns what a host needs
// to connect (the target addresses and, when asked, the NVMe subsystem NQN)
// in one call.
//
// Create never duplicates an export: it first lists the volume's vLUNs and,
// when a template for the same host (and port, if given) exists, returns it
// with Existed set and creates nothing, whatever its LUN. (Arrays silently
// add a second LUN for iSCSI hosts and refuse NVMe hosts with code 29.) If
// the POST still answers 400 with code 29 (OTHER) because another client
// exported the volume in between, the existing vLUN is listed and returned
// likewise; a 29 without such a vLUN is returned as it came, unclassified.
//
// WSAPI: GET /api/v1/vluns?query="volumeName==V", then POST /api/v1/vluns.
// The POST is sent again only when the array surely did not carry it out:
// after a dial error or a clear refusal (503, 429, code 270). After an
// answer lost once the request was written, a 502, a timeout or a 504 it is
// not sent again (the array may have made the vLUN, or may still be making
// it): the vLUNs are listed once, a vLUN found is returned, and otherwise
// the error is, and a later Create finds the vLUN if the array made it.
func (s *VLUNsService) Create(ctx context.Context, req *VLUNCreateRequest) (*VLUN, error) {
	if err := s.checkCreate(req); err != nil {
		return nil, err
	}
	body := *req
	existing, err := s.findTemplate(ctx, &body)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		existing.Existed = true
		return existing, nil
	}
	var found *VLUN
	resp, err := s.client.do(ctx, &call{method: http.MethodPost, path: "/vluns", body: &body, kind: callCreateChecked,
		precheck: func(ctx context.Context) (bool, error) {
			v, err := s.findTemplate(ctx, &body)
			found = v
			return v != nil, err
		}})
	switch {
	case err == nil && resp.Prechecked:
		return found, nil // an earlier attempt was carried out
	case err == nil:
		return s.created(ctx, &body, resp)
	case hasCode(err, http.StatusBadRequest, CodeOther) || errors.Is(err, ErrExported):
		// 400 OTHER (29) is what NVMe arrays answer to a second export (LXD
		// reads it so), but 29 means anything: it is "already exported" only
		// once the vLUN is found. Otherwise the answer stays unclassified.
		if v, lerr := s.findTemplate(ctx, &body); lerr == nil && v != nil {
			v.Existed = true
			return v, nil
		}
	}
	return nil, err
}

func (s *VLUNsService) checkCreate(req *VLUNCreateRequest) error {
	if req == nil {
		return invalid("req", "nil *VLUNCreateRequest")
	}
	c := s.client
	if err := c.checkVLUNName("VolumeName", req.VolumeName); err != nil {
		return err
	}
	if req.HostName == "" && req.PortPos == nil {
		return invalid("HostName", "empty, and no PortPos given")
	}
	if req.HostName != "" {
		if err := c.checkVLUNName("HostName", req.HostName); err != nil {
			return err
		}
	} else if req.OverrideLowerPriority {
		return invalid("OverrideLowerPriority", "needs HostName")
	}
	if req.PortPos != nil {
		if err := req.PortPos.validate("PortPos"); err != nil {
			return err
		}
	}
	if err := checkLUN("LUN", req.LUN); err != nil {
		return err
	}
	if req.MaxAutoLUN != 0 {
		switch {
		case !req.AutoLUN:
			return invalid("MaxAutoLUN", "only with AutoLUN")
		case req.MaxAutoLUN < req.LUN || req.MaxAutoLUN > MaxLUN:
			return invalid("MaxAutoLUN", fmt.Sprintf("%d outside %d-%d", req.MaxAutoLUN, req.LUN, MaxLUN))
		}
	}
	return nil
}

// findTemplate returns the template that exports req's volume to req's
// host (and port), or nil.
func (s *VLUNsService) findTemplate(ctx context.Context, req *VLUNCreateRequest) (*VLUN, error) {
	vs, err := s.List(ctx, &VLUNListOptions{VolumeName: req.VolumeName, HostName: req.HostName})
	if err != nil {
		return nil, err
	}
	for i := range vs {
		v := &vs[i]
		if req.HostName == "" && v.HostName != "" {
			continue
		}
		if req.PortPos != nil && (v.PortPos == nil || *v.PortPos != *req.PortPos) {
			continue
		}
		out := *v
		return &out, nil
	}
	return nil, nil
}

// created builds the result of a successful POST from its Location, or
// lists the vLUN when the Location cannot be used.
func (s *VLUNsService) created(ctx context.Context, req *VLUNCreateRequest, resp *response) (*VLUN, error) {
	id, err := parseVLUNLocation(resp.Location)
	if err == nil && strings.EqualFold(id.Volume, req.VolumeName) && strings.EqualFold(id.Host, req.HostName) {
		v := &VLUN{LUN: id.LUN, VolumeName: id.Volume, HostName: id.Host, PortPos: id.Port}
		switch {
		case strings.HasPrefix(id.Host, "set:"):
			v.Type = VLUNTypeHostSet
		case id.Host == "":
			v.Type = VLUNTypePort
		case id.Port != nil:
			v.Type = VLUNTypeMatchedSet
		default:
			v.Type = VLUNTypeHost
		}
		return v, nil
	}
	v, lerr := s.findTemplate(ctx, req)
	if lerr != nil {
		return nil, lerr
	}
	if v == nil {
		why := "no Location header"
		if resp.Location != "" {
			why = fmt.Sprintf("Location %q does not name the vLUN", truncateText([]byte(resp.Location), 128))
		}
		return nil, errBadResponse(http.MethodPost, "/vluns", fmt.Errorf("%s, and the vLUN is not listed", why))
	}
	return v, nil
}

// Delete removes the vLUN named by id: a template's id from List or
// Create (VLUN.ID), or one written out, e.g.
// VLUNID{Volume: "vol1", LUN: 3, Host: "node1"}. Port is nil for a host
// vLUN, Host is "" for a port-only vLUN. Deleting a template removes its
// active records too. Take the LUN from this host's template (List with
// VolumeName and HostName), never from another host's record.
//
// WSAPI: DELETE /api/v1/vluns/<vol>,<lun>,<host>[,<n:s:p>]. Idempotent;
// retried. A missing vLUN gives ErrNotFound (code 19), which callers
// tearing down may ignore.
func (s *VLUNsService) Delete(ctx context.Context, id VLUNID) error {
	if err := id.validate(s.client); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: id.path(), kind: CallDelete})
	return err
}

// DeleteForHost removes every export of volume to host: it lists the
// volume's template vLUNs for exactly that host (never another host's
// record, whatever the array lists first) and deletes each by its own LUN,
// which removes their active records too. It is what LXD's driver means by
// unmapping a volume from a server.
//
// WSAPI: GET /api/v1/vluns?query="volumeName==V", then DELETE
// /api/v1/vluns/<vol>,<lun>,<host> per template. Idempotent; retried. When
// the volume is not exported to host it returns ErrNotFound, which callers
// tearing down may ignore.
func (s *VLUNsService) DeleteForHost(ctx context.Context, volume, host string) error {
	if err := s.client.checkVLUNName("volume", volume); err != nil {
		return err
	}
	if err := s.client.checkVLUNName("host", host); err != nil {
		return err
	}
	vs, err := s.List(ctx, &VLUNListOptions{VolumeName: volume, HostName: host})
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return errNotFoundf("vLUN of volume %s for host %s", volume, host)
	}
	for _, v := range vs {
		if err := s.Delete(ctx, v.ID()); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
