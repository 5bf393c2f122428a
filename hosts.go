package alletra

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
)

// HostsService manages hosts and their initiator paths (WSAPI /hosts).
type HostsService service

// HostPersona is a host's persona (WSAPI persona).
type HostPersona int

// Host personas.
const (
	PersonaGeneric       HostPersona = 1
	PersonaGenericALUA   HostPersona = 2 // Linux with ALUA multipath
	PersonaGenericLegacy HostPersona = 3
	PersonaHPUXLegacy    HostPersona = 4
	PersonaAIXLegacy     HostPersona = 5
	PersonaEgenera       HostPersona = 6
	PersonaONTAPLegacy   HostPersona = 7
	PersonaVMware        HostPersona = 8
	PersonaOpenVMS       HostPersona = 9
	PersonaHPUX          HostPersona = 10
	PersonaWindowsServer HostPersona = 11
)

// String returns the WSAPI name of the persona.
func (p HostPersona) String() string {
	return enumName(int(p), "GENERIC", "GENERIC_ALUA", "GENERIC_LEGACY", "HPUX_LEGACY", "AIX_LEGACY",
		"EGENERA", "ONTAP_LEGACY", "VMWARE", "OPENVMS", "HPUX", "WINDOWS_SERVER")
}

// TransportType is the NVMe transport of a host (WSAPI transportType).
type TransportType int

// Transport types. Only TCP is documented (LXD sends 2 with the NQN).
const (
	TransportTCP TransportType = 2
)

// String returns the WSAPI name of the transport type.
func (t TransportType) String() string {
	if t == TransportTCP {
		return "TCP"
	}
	return fmt.Sprintf("%d", int(t))
}

// PathOperation is the pathOperation of PUT /hosts/<name>.
type PathOperation int

// Path operations.
const (
	PathAdd    PathOperation = 1
	PathRemove PathOperation = 2
)

// String returns the WSAPI name of the path operation.
func (o PathOperation) String() string { return enumName(int(o), "ADD", "REMOVE") }

// HostDescriptors are a host's free-text descriptors.
type HostDescriptors struct {
	Location string `json:"location,omitempty"`
	IPAddr   string `json:"IPAddr,omitempty"`
	OS       string `json:"os,omitempty"`
	Model    string `json:"model,omitempty"`
	Contact  string `json:"contact,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// FCPath is a Fibre Channel initiator of a host.
type FCPath struct {
	WWN             string   `json:"wwn"`
	PortPos         *PortPos `json:"portPos,omitempty"` // nil when not logged in
	FirmwareVersion string   `json:"firmwareVersion,omitempty"`
	Vendor          string   `json:"vendor,omitempty"`
	Model           string   `json:"model,omitempty"`
	DriverVersion   string   `json:"driverVersion,omitempty"`
	HostSpeed       int      `json:"hostSpeed,omitempty"`
}

// ISCSIPath is an iSCSI initiator of a host.
type ISCSIPath struct {
	Name      string   `json:"name"` // the initiator IQN
	IPAddr    string   `json:"IPAddr,omitempty"`
	PortPos   *PortPos `json:"portPos,omitempty"` // nil when not logged in
	HostSpeed int      `json:"hostSpeed,omitempty"`
}

// NVMETCPPath is an NVMe/TCP initiator of a host.
type NVMETCPPath struct {
	IP      string   `json:"IP,omitempty"`
	PortPos *PortPos `json:"portPos,omitempty"`
	NQN     string   `json:"NQN"` // the host NQN
}

// UnmarshalJSON reads the path with its NQN under the key "NQN" (HPE's
// spelling) or "nqn" (LXD's). The keys are looked up explicitly instead of
// relying on encoding/json's case-insensitive field matching, which a
// strict decoder does not have.
func (p *NVMETCPPath) UnmarshalJSON(b []byte) error {
	var w struct {
		IP      string   `json:"IP"`
		PortPos *PortPos `json:"portPos"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	raw, ok := keys["NQN"]
	if !ok {
		raw, ok = keys["nqn"]
	}
	if !ok {
		for k, v := range keys {
			if strings.EqualFold(k, "nqn") {
				raw, ok = v, true
				break
			}
		}
	}
	*p = NVMETCPPath{IP: w.IP, PortPos: w.PortPos}
	if ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if err := json.Unmarshal(raw, &p.NQN); err != nil {
			return fmt.Errorf("NVMETCPPaths NQN: %w", err)
		}
	}
	return nil
}

// Host is a host known to the array, with its initiator paths.
type Host struct {
	ID           int              `json:"id"`
	Name         string           `json:"name"`
	Persona      HostPersona      `json:"persona,omitempty"`
	Domain       string           `json:"domain,omitempty"`
	Descriptors  *HostDescriptors `json:"descriptors,omitempty"`
	FCPaths      []FCPath         `json:"FCPaths,omitempty"`
	ISCSIPaths   []ISCSIPath      `json:"iSCSIPaths,omitempty"`
	NVMETCPPaths []NVMETCPPath    `json:"NVMETCPPaths,omitempty"`
}

// HasInitiator reports whether the host has the initiator id: an iSCSI
// name or NVMe NQN (compared without case) or an FC WWN (compared without
// case and colons).
func (h *Host) HasInitiator(id string) bool {
	id = strings.TrimSpace(id)
	if id == "" {
		return false
	}
	for _, p := range h.ISCSIPaths {
		if strings.EqualFold(p.Name, id) {
			return true
		}
	}
	for _, p := range h.NVMETCPPaths {
		if strings.EqualFold(p.NQN, id) {
			return true
		}
	}
	if w := normalizeWWN(id); w != "" {
		for _, p := range h.FCPaths {
			if normalizeWWN(p.WWN) == w {
				return true
			}
		}
	}
	return false
}

// initiators returns the host's initiators in comparable form.
func (h *Host) initiators() map[string]bool {
	m := map[string]bool{}
	for _, p := range h.ISCSIPaths {
		m[strings.ToLower(p.Name)] = true
	}
	for _, p := range h.NVMETCPPaths {
		m[strings.ToLower(p.NQN)] = true
	}
	for _, p := range h.FCPaths {
		m[normalizeWWN(p.WWN)] = true
	}
	return m
}

// HostCreateRequest is the body of POST /hosts. Name is required; give at
// most one kind of initiator: ISCSINames, FCWWNs or NQN (NVMe/TCP), or none
// (paths can be added later for iSCSI and FC).
type HostCreateRequest struct {
	Name       string   `json:"name"`
	ISCSINames []string `json:"iSCSINames,omitempty"` // iqn./eui./naa. names
	FCWWNs     []string `json:"FCWWNs,omitempty"`     // 16 hex digits, colons allowed; sent upper case without colons
	NQN        string   `json:"NQN,omitempty"`        // the host NQN of an NVMe/TCP host
	// TransportType goes with NQN; zero sends TransportTCP, as LXD does.
	TransportType TransportType    `json:"transportType,omitempty"`
	Persona       HostPersona      `json:"persona,omitempty"` // zero: the array's default
	Domain        string           `json:"domain,omitempty"`
	ForceTearDown bool             `json:"forceTearDown,omitempty"`
	Descriptors   *HostDescriptors `json:"descriptors,omitempty"`
}

// HostPathsRequest lists initiators to add to or remove from a host: iSCSI
// names or FC WWNs, one kind per request. (The WSAPI has no path operation
// for NVMe NQNs.)
type HostPathsRequest struct {
	ISCSINames []string
	FCWWNs     []string
	// Force removes the paths even while they have active sessions
	// (forcePathRemoval). Only for RemovePaths: AddPaths refuses it.
	Force bool
}

type hostModifyRequest struct {
	PathOperation    PathOperation `json:"pathOperation"`
	ISCSINames       []string      `json:"iSCSINames,omitempty"`
	FCWWNs           []string      `json:"FCWWNs,omitempty"`
	ForcePathRemoval bool          `json:"forcePathRemoval,omitempty"`
}

// HostListOptions filter Hosts.List on the array (WSAPI query).
type HostListOptions struct {
	// Query is a WSAPI expression, e.g.
	// alletra.Sub("iSCSIPaths", alletra.Eq("name", iqn)).
	Query Query `url:"query,omitempty"`
}

// maxInitiatorLen is the longest iSCSI name or NQN (RFC 3720, NVMe base spec).
const maxInitiatorLen = 223

// initiatorKind classifies an initiator string.
type initiatorKind int

const (
	initiatorISCSI initiatorKind = iota + 1
	initiatorNVMe
	initiatorFC
)

// classifyInitiator tells an iSCSI name (iqn./eui./naa.), an NQN (nqn.)
// and an FC WWN (16 hex digits, colons allowed) apart and checks its
// format. It returns the form to send: the name unchanged, or the WWN in
// upper case without colons.
func classifyInitiator(field, s string) (initiatorKind, string, error) {
	low := strings.ToLower(s)
	switch {
	case strings.HasPrefix(low, "iqn."), strings.HasPrefix(low, "eui."), strings.HasPrefix(low, "naa."):
		return initiatorISCSI, s, checkISCSIName(field, s)
	case strings.HasPrefix(low, "nqn."):
		return initiatorNVMe, s, checkNQN(field, s)
	}
	w, err := checkWWN(field, s)
	return initiatorFC, w, err
}

// checkPrintable refuses empty, over-long and non-printable-ASCII initiators.
func checkPrintable(field, s string) error {
	if s == "" {
		return invalid(field, "empty initiator")
	}
	if len(s) > maxInitiatorLen {
		return invalid(field, fmt.Sprintf("initiator is %d characters, limit %d", len(s), maxInitiatorLen))
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' || s[i] == ',' {
			return invalid(field, fmt.Sprintf("initiator %q has an illegal character at %d", s, i))
		}
	}
	return nil
}

// hasDatePrefix reports whether s (after "iqn." or "nqn.") starts with "yyyy-mm." and more.
func hasDatePrefix(s string) bool {
	if len(s) < 9 || s[4] != '-' || s[7] != '.' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// checkISCSIName checks the format of an iSCSI name: iqn.yyyy-mm.<naming
// authority>[:<unique>], eui.<16 hex> or naa.<16 or 32 hex>.
func checkISCSIName(field, s string) error {
	if err := checkPrintable(field, s); err != nil {
		return err
	}
	rest := s[4:]
	ok := false
	switch strings.ToLower(s[:4]) {
	case "iqn.":
		ok = hasDatePrefix(rest)
	case "eui.":
		ok = len(rest) == 16 && isHex(rest)
	case "naa.":
		ok = (len(rest) == 16 || len(rest) == 32) && isHex(rest)
	}
	if !ok {
		return invalid(field, fmt.Sprintf("%q is not an iSCSI name (iqn.yyyy-mm.authority[:id], eui.<16 hex>, naa.<16|32 hex>)", s))
	}
	return nil
}

// checkNQN checks the format of an NVMe qualified name: nqn.yyyy-mm.<authority>[:<id>].
func checkNQN(field, s string) error {
	if err := checkPrintable(field, s); err != nil {
		return err
	}
	if !strings.EqualFold(s[:4], "nqn.") || !hasDatePrefix(s[4:]) {
		return invalid(field, fmt.Sprintf("%q is not an NQN (nqn.yyyy-mm.authority[:id])", s))
	}
	return nil
}

// checkWWN checks an FC WWN (16 hex digits, colons allowed) and returns it
// in upper case without colons.
func checkWWN(field, s string) (string, error) {
	w := normalizeWWN(s)
	if len(w) != 16 || strings.Contains(s, "::") || strings.HasPrefix(s, ":") || strings.HasSuffix(s, ":") {
		return "", invalid(field, fmt.Sprintf("%q is not a WWN (16 hex digits, colons allowed), an iSCSI name or an NQN", s))
	}
	return w, nil
}

// checkInitiators validates a list of one kind and returns the form to send.
func checkInitiators(field string, kind initiatorKind, list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	for _, s := range list {
		k, v, err := classifyInitiator(field, s)
		if err != nil {
			return nil, err
		}
		if k != kind {
			return nil, invalid(field, fmt.Sprintf("%q is not of the kind this list holds", s))
		}
		if key := strings.ToLower(v); !seen[key] {
			seen[key] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// Get returns the host called name.
//
// WSAPI: GET /api/v1/hosts/<name>. Idempotent; retried. A missing host
// gives ErrNotFound (code 17).
func (s *HostsService) Get(ctx context.Context, name string) (*Host, error) {
	if err := s.client.checkName("name", name); err != nil {
		return nil, err
	}
	h := new(Host)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/hosts/%s", name),
		out: h, kind: CallRead}); err != nil {
		return nil, err
	}
	return h, nil
}

// List returns the hosts that match opts; nil opts lists all.
//
// WSAPI: GET /api/v1/hosts[?query="..."]. Idempotent; retried.
func (s *HostsService) List(ctx context.Context, opts *HostListOptions) ([]Host, error) {
	q, err := listQuery(opts)
	if err != nil {
		return nil, err
	}
	var out collection[Host]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/hosts", query: q,
		out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// All returns the hosts that match opts, nil opts for all, one at a time,
// decoded as the answer arrives: use it on arrays with many hosts.
//
// An error is yielded once, with a zero Host, and ends the sequence. The
// request holds one of the Client's in-flight slots until the loop ends,
// so with WithMaxInFlight(1) do not call the Client from inside the loop.
//
// WSAPI: GET /api/v1/hosts[?query="..."]. Idempotent: retried like List's
// until the answer starts.
func (s *HostsService) All(ctx context.Context, opts *HostListOptions) iter.Seq2[Host, error] {
	return func(yield func(Host, error) bool) {
		q, err := listQuery(opts)
		if err != nil {
			yield(Host{}, err)
			return
		}
		resp, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/hosts", query: q, kind: CallRead, stream: true})
		if err != nil {
			yield(Host{}, err)
			return
		}
		defer resp.Body.Close()
		err = eachMember(json.NewDecoder(resp.Body), func(h *Host) bool { return yield(*h, nil) })
		if err != nil && !errors.Is(err, errStopped) {
			yield(Host{}, errBadResponse(http.MethodGet, "/hosts", err))
		}
	}
}

// Create creates a host with its initiators: iSCSI names, FC WWNs, or an
// NVMe/TCP NQN (sent with transportType 2 unless told otherwise). Formats
// are checked before any request: iqn./eui./naa. names, nqn. names, WWNs of
// 16 hex digits (colons allowed, sent without them in upper case).
//
// A host of that name that already exists is an error, ErrAlreadyExists
// (code 16) — never a success, because that host may carry other
// initiators; find your host with FindByInitiator first. An initiator that
// belongs to another host gives ErrAlreadyExists too (code 73,
// EXISTENT_PATH); FindByInitiator then returns that host.
//
// WSAPI: POST /api/v1/hosts. Retried; when a retry meets "already exists"
// (the first attempt was committed but its answer lost), the host counts as
// created only if it has exactly the requested initiators (and persona and
// domain, when given).
func (s *HostsService) Create(ctx context.Context, req *HostCreateRequest) error {
	_, _, err := s.create(ctx, req)
	return err
}

// create is Create; made tells whether an answer of the array to this
// call's POST said it created the host (false when the call succeeded by
// finding an identical host after an attempt whose answer was lost: that
// host may be another caller's); body is what was sent.
func (s *HostsService) create(ctx context.Context, req *HostCreateRequest) (made bool, body *HostCreateRequest, err error) {
	if req == nil {
		return false, nil, invalid("req", "nil *HostCreateRequest")
	}
	if err := s.client.checkName("Name", req.Name); err != nil {
		return false, nil, err
	}
	if req.Domain != "" {
		if err := s.client.checkName("Domain", req.Domain); err != nil {
			return false, nil, err
		}
	}
	kinds := 0
	for _, has := range []bool{len(req.ISCSINames) > 0, len(req.FCWWNs) > 0, req.NQN != ""} {
		if has {
			kinds++
		}
	}
	if kinds > 1 {
		return false, nil, invalid("req", "give one kind of initiator: ISCSINames, FCWWNs or NQN")
	}
	if req.Persona < 0 {
		return false, nil, invalid("Persona", fmt.Sprintf("negative persona %d", req.Persona))
	}
	b := *req
	body = &b
	switch {
	case len(req.ISCSINames) > 0:
		body.ISCSINames, err = checkInitiators("ISCSINames", initiatorISCSI, req.ISCSINames)
	case len(req.FCWWNs) > 0:
		body.FCWWNs, err = checkInitiators("FCWWNs", initiatorFC, req.FCWWNs)
	case req.NQN != "":
		err = checkNQN("NQN", req.NQN)
		if body.TransportType == 0 {
			body.TransportType = TransportTCP
		}
	}
	if err != nil {
		return false, nil, err
	}
	if body.NQN == "" && body.TransportType != 0 {
		return false, nil, invalid("TransportType", "only for NVMe hosts (with NQN)")
	}
	reconciled := false
	_, err = s.client.do(ctx, &call{method: http.MethodPost, path: "/hosts", body: body,
		kind: CallCreate, reconcile: func(ctx context.Context) (bool, error) {
			h, err := s.Get(ctx, body.Name)
			if err != nil {
				return false, err
			}
			reconciled = hostMatches(h, body)
			return reconciled, nil
		}})
	return err == nil && !reconciled, body, err
}

// maxEnsureAttempts bounds how often Ensure starts over after the host
// vanished under it (a concurrent clean-up deleted it).
const maxEnsureAttempts = 3

// Ensure returns the host that owns req's initiator, creating it from req
// when no host has it: what LXD's driver does before every map.
// EnsureByInitiator does the same from a name and an initiator alone.
//
// A host found on the array is returned as the array lists it. A host this
// call created is not read back: host is then what was asked for (the name,
// the initiators in the form sent, persona, domain and descriptors as
// requested; ID 0, no port positions). Call Get when you need the array's
// record of it.
//
// created is true exactly when an answer of the array said this call made
// the host: undo logic may then delete it (DeleteIfUnused). It is false
// when the host was there, and also when an attempt's answer was lost and
// the retry found a host of that name with exactly these initiators: that
// host may be this call's or a concurrent caller's (another process of the
// same node), and a host this call cannot prove it made must not be
// deleted by its undo. (At worst an unused host stays; the unmap clean-up,
// DeleteIfUnused, removes hosts with nothing mapped.)
//
// A host called req.Name that exists with other initiators is never taken
// for ours (LXD's client does, and may later delete a stranger's host): it
// gives an error matching ErrConflict and ErrAlreadyExists, and nothing is
// changed. An initiator taken by another host between the lookup and the
// create returns that host.
//
// A host that vanishes in between (the create answers "already exists",
// code 16 or 73, but the host is then not there: a concurrent unmap
// deleted it) is gone, not a conflict: Ensure starts over, at most three
// times in all; after that the error matches ErrNotFound.
//
// WSAPI: GET /api/v1/hosts[?query=...] (see FindByInitiator), then POST
// /api/v1/hosts when no host has the initiator. Only when the create
// answers "already exists": GET /api/v1/hosts/<name> (code 16) or the
// lookup again (code 73). Safe to call again.
func (s *HostsService) Ensure(ctx context.Context, req *HostCreateRequest) (host *Host, created bool, err error) {
	if req == nil {
		return nil, false, invalid("req", "nil *HostCreateRequest")
	}
	var initiator string
	switch {
	case req.NQN != "":
		initiator = req.NQN
	case len(req.ISCSINames) > 0:
		initiator = req.ISCSINames[0]
	case len(req.FCWWNs) > 0:
		initiator = req.FCWWNs[0]
	default:
		return nil, false, invalid("req", "no initiator: give ISCSINames, FCWWNs or NQN")
	}
	for attempt := 1; ; attempt++ {
		h, created, err := s.ensureOnce(ctx, req, initiator)
		if errors.Is(err, errHostVanished) {
			if attempt < maxEnsureAttempts {
				continue
			}
			return nil, false, fmt.Errorf("alletra: host %s vanished while being ensured, %d times; giving up: %w", req.Name, attempt, ErrNotFound)
		}
		return h, created, err
	}
}

// ensureOnce is one attempt of Ensure; errHostVanished asks for another.
func (s *HostsService) ensureOnce(ctx context.Context, req *HostCreateRequest, initiator string) (*Host, bool, error) {
	h, err := s.FindByInitiator(ctx, initiator)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return h, false, err
	}
	made, body, err := s.create(ctx, req)
	var apiErr *APIError
	switch {
	case err == nil:
		return hostFromRequest(body), made, nil
	case errors.As(err, &apiErr) && apiErr.Code == CodeExistentPath:
		h, ferr := s.FindByInitiator(ctx, initiator) // another client was quicker
		switch {
		case ferr == nil:
			return h, false, nil
		case errors.Is(ferr, ErrNotFound):
			return nil, false, errHostVanished
		}
		return nil, false, err
	case errors.As(err, &apiErr) && apiErr.Code == CodeExistentHost:
		h, gerr := s.Get(ctx, req.Name)
		switch {
		case gerr == nil && h.HasInitiator(initiator):
			return h, false, nil
		case gerr == nil:
			return nil, false, refine(err, fmt.Sprintf("host %s exists without initiator %s", req.Name, initiator), ErrAlreadyExists, ErrConflict)
		case errors.Is(gerr, ErrNotFound):
			return nil, false, errHostVanished
		}
		return nil, false, fmt.Errorf("alletra: host %s exists, but reading it failed: %w", req.Name, gerr)
	}
	return nil, false, err
}

// hostFromRequest is the host body would create, as Ensure returns it
// without reading it back.
func hostFromRequest(body *HostCreateRequest) *Host {
	h := &Host{Name: body.Name, Persona: body.Persona, Domain: body.Domain}
	if body.Descriptors != nil {
		d := *body.Descriptors
		h.Descriptors = &d
	}
	for _, n := range body.ISCSINames {
		h.ISCSIPaths = append(h.ISCSIPaths, ISCSIPath{Name: n})
	}
	for _, w := range body.FCWWNs {
		h.FCPaths = append(h.FCPaths, FCPath{WWN: w})
	}
	if body.NQN != "" {
		h.NVMETCPPaths = []NVMETCPPath{{NQN: body.NQN}}
	}
	return h
}

// EnsureByInitiator is Ensure for a host known by its name and one
// initiator, which it classifies as FindByInitiator does: an iSCSI name
// (iqn., eui., naa.) makes an iSCSI host, an NQN (nqn.) an NVMe/TCP host
// (transportType 2), a WWN (16 hex digits, colons allowed) an FC host. The
// host gets the array's default persona. name is only used when the host
// must be created; an existing host with the initiator is returned whatever
// its name.
//
// WSAPI: as Ensure.
func (s *HostsService) EnsureByInitiator(ctx context.Context, name, initiator string) (host *Host, created bool, err error) {
	req, _, err := hostRequestFor(name, initiator)
	if err != nil {
		return nil, false, err
	}
	return s.Ensure(ctx, req)
}

// hostRequestFor builds the create request of a host with one initiator,
// and tells the initiator's kind.
func hostRequestFor(name, initiator string) (*HostCreateRequest, initiatorKind, error) {
	kind, id, err := classifyInitiator("initiator", strings.TrimSpace(initiator))
	if err != nil {
		return nil, 0, err
	}
	req := &HostCreateRequest{Name: name}
	switch kind {
	case initiatorISCSI:
		req.ISCSINames = []string{id}
	case initiatorNVMe:
		req.NQN = id
	default:
		req.FCWWNs = []string{id}
	}
	return req, kind, nil
}

// hostMatches reports whether h is what req would have created.
func hostMatches(h *Host, req *HostCreateRequest) bool {
	want := map[string]bool{}
	for _, n := range req.ISCSINames {
		want[strings.ToLower(n)] = true
	}
	for _, w := range req.FCWWNs {
		want[normalizeWWN(w)] = true
	}
	if req.NQN != "" {
		want[strings.ToLower(req.NQN)] = true
	}
	have := h.initiators()
	if len(have) != len(want) {
		return false
	}
	for k := range want {
		if !have[k] {
			return false
		}
	}
	if req.Persona != 0 && h.Persona != req.Persona {
		return false
	}
	return req.Domain == "" || strings.EqualFold(h.Domain, req.Domain)
}

// Delete deletes the host called name. A host that still has vLUNs gives
// an error matching ErrInUse and ErrExported (409, code 26), and is kept. A
// host in a host set gives ErrInHostSet and ErrInUse (409 HOST_IN_SET,
// confirmed by reading the host sets).
//
// WSAPI: DELETE /api/v1/hosts/<name>. Idempotent; retried. Only when the
// array refuses it with 409 and no known code, GET /api/v1/hostsets (see
// HostSets.FindForHost) looks for the host's sets. A missing host gives
// ErrNotFound (code 17), which callers tearing down may ignore.
func (s *HostsService) Delete(ctx context.Context, name string) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/hosts/%s", name), kind: CallDelete})
	if err != nil {
		return s.client.classifyHostDelete(ctx, name, err) // hostsets.go: a host in a host set
	}
	return nil
}

// DeleteIfUnused deletes the host called name unless something still uses
// it: the last step of an unmap, after the node has logged out of the
// array's targets (VLUNs.Unmap tells when the host has no vLUN left).
//
// It sends the delete and lets the array decide, so it is safe against a
// concurrent map on any node: the array refuses to delete a host that has
// vLUNs (409, code 26 EXPORTED_VLUN) or that a host set lists (409), and
// that refusal, like any 409, means "in use": the host is kept and the
// result is false with no error. A host already gone is false with no
// error too. A map that comes after the delete finds the host gone and
// makes it again (VLUNs.Map does so by itself).
//
// WSAPI: DELETE /api/v1/hosts/<name>, and nothing else (unlike Delete, a
// 409 is not explained with a read of the host sets). Idempotent; retried.
func (s *HostsService) DeleteIfUnused(ctx context.Context, name string) (deleted bool, err error) {
	if err := s.client.checkName("name", name); err != nil {
		return false, err
	}
	_, err = s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/hosts/%s", name), kind: CallDelete})
	var apiErr *APIError
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict:
		return false, nil
	}
	return false, err
}

// AddPaths adds iSCSI names or FC WWNs to the host. It is idempotent:
// initiators the host already has count as added.
//
// WSAPI: PUT /api/v1/hosts/<name> {"pathOperation":1,"iSCSINames"|"FCWWNs":[...]}.
// Retried. When the array refuses the batch with a conflict (EXISTENT_PATH,
// code 73, or another 409), the host is read and the initiators it still
// lacks are sent once more; an initiator owned by another host stays an
// error matching ErrAlreadyExists. A missing host gives ErrNotFound (17).
func (s *HostsService) AddPaths(ctx context.Context, name string, req *HostPathsRequest) error {
	return s.changePaths(ctx, name, req, PathAdd)
}

// RemovePaths removes iSCSI names or FC WWNs from the host; req.Force
// removes them even while they have active sessions (forcePathRemoval). It
// is idempotent: initiators the host does not have count as removed.
//
// WSAPI: PUT /api/v1/hosts/<name> {"pathOperation":2,"iSCSINames"|"FCWWNs":[...],"forcePathRemoval":true|absent}.
// Retried. When the array answers NON_EXISTENT_PATH (code 80), the host is
// read and the initiators it still has are sent once more. A missing host
// gives ErrNotFound (17).
func (s *HostsService) RemovePaths(ctx context.Context, name string, req *HostPathsRequest) error {
	return s.changePaths(ctx, name, req, PathRemove)
}

func (s *HostsService) changePaths(ctx context.Context, name string, req *HostPathsRequest, op PathOperation) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	if req == nil {
		return invalid("req", "nil *HostPathsRequest")
	}
	if req.Force && op == PathAdd {
		return invalid("Force", "only for RemovePaths")
	}
	force := req.Force
	var kind initiatorKind
	var list []string
	var err error
	switch {
	case len(req.ISCSINames) > 0 && len(req.FCWWNs) > 0:
		return invalid("req", "give ISCSINames or FCWWNs, not both")
	case len(req.ISCSINames) > 0:
		kind = initiatorISCSI
		list, err = checkInitiators("ISCSINames", kind, req.ISCSINames)
	case len(req.FCWWNs) > 0:
		kind = initiatorFC
		list, err = checkInitiators("FCWWNs", kind, req.FCWWNs)
	default:
		return invalid("req", "no initiators")
	}
	if err != nil {
		return err
	}
	put := func(ctx context.Context, paths []string) error {
		body := hostModifyRequest{PathOperation: op, ForcePathRemoval: force && op == PathRemove}
		if kind == initiatorISCSI {
			body.ISCSINames = paths
		} else {
			body.FCWWNs = paths
		}
		_, err := s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/hosts/%s", name), body: body, kind: CallUpdate})
		return err
	}
	benign := func(err error) bool {
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			return false
		}
		if op == PathAdd {
			return apiErr.Code == CodeExistentPath || apiErr.StatusCode == http.StatusConflict
		}
		return apiErr.Code == CodeNonExistentPath
	}
	return converge(ctx, list, put, benign, func(ctx context.Context, want []string) ([]string, error) {
		h, err := s.Get(ctx, name)
		if err != nil {
			return nil, err
		}
		var pending []string
		for _, p := range want {
			if h.HasInitiator(p) != (op == PathAdd) {
				pending = append(pending, p)
			}
		}
		return pending, nil
	})
}

// FindByInitiator returns the host that has the initiator: an iSCSI name
// (iqn., eui., naa.), an NVMe NQN (nqn.) or an FC WWN (16 hex digits,
// colons allowed). No such host gives an error matching ErrNotFound.
//
// iSCSI names and WWNs are looked up with a WSAPI query
// (iSCSIPaths[name==X] / FCPaths[wwn==X]) and the answer is checked on the
// client side; NQNs cannot be queried, so all hosts are listed and their
// NVMETCPPaths compared (the NQN key may be spelled "NQN" or "nqn").
//
// WSAPI: GET /api/v1/hosts[?query="..."]. Idempotent; retried.
func (s *HostsService) FindByInitiator(ctx context.Context, initiator string) (*Host, error) {
	kind, id, err := classifyInitiator("initiator", strings.TrimSpace(initiator))
	if err != nil {
		return nil, err
	}
	var opts *HostListOptions
	switch kind {
	case initiatorISCSI:
		opts = &HostListOptions{Query: Sub("iSCSIPaths", Eq("name", id))}
	case initiatorFC:
		opts = &HostListOptions{Query: Sub("FCPaths", Eq("wwn", id))}
	}
	hosts, err := s.List(ctx, opts)
	if err != nil {
		return nil, err
	}
	for i := range hosts {
		if hosts[i].HasInitiator(id) {
			return &hosts[i], nil
		}
	}
	return nil, errNotFoundf("host with initiator %s", id)
}
