package alletratest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
)

// CPG create and delete: POST /cpgs → 201 with Location /api/v1/cpgs/<name>
// (409/14 EXISTENT_CPG when taken), DELETE /cpgs/{name} (409/34 IN_USE while
// volumes use it), per the WSAPI 1.3.1 guide pp. 46-47 and HPE's python
// client. The layout is checked but not kept: GET answers the simulator's
// fixed layout. A domain is checked as a host's is (validDomain, then 404/38
// NON_EXISTENT_DOMAIN for one the array lacks, as HPE's mock answers) and
// kept.

// codeExistentCPG is EXISTENT_CPG (WSAPI 1.2 guide p. 20).
const codeExistentCPG = 14

type cpgCreateBody struct {
	Name                  *string         `json:"name"`
	Domain                *string         `json:"domain"`
	GrowthIncrementMiB    *int64          `json:"growthIncrementMiB"`
	GrowthLimitMiB        *int64          `json:"growthLimitMiB"`
	UsedLDWarningAlertMiB *int64          `json:"usedLDWarningAlertMiB"`
	LDLayout              json.RawMessage `json:"LDLayout"`
}

type ldLayoutBody struct {
	RAIDType        *int              `json:"RAIDType"`
	SetSize         *int              `json:"setSize"`
	HA              *int              `json:"HA"`
	ChunkletPosPref *int              `json:"chunkletPosPref"`
	DiskPatterns    []json.RawMessage `json:"diskPatterns"`
}

type diskPatternBody struct {
	DiskType *int `json:"diskType"`
}

func badEnum(field string) *apiError {
	return withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), field)
}

func checkLayout(raw json.RawMessage) *apiError {
	var l ldLayoutBody
	if err := decodeNested(raw, "LDLayout", &l); err != nil {
		return err
	}
	inRange := func(p *int, lo, hi int) bool { return p == nil || (*p >= lo && *p <= hi) }
	switch {
	case !inRange(l.RAIDType, 1, 4):
		return badEnum("LDLayout.RAIDType")
	case !inRange(l.HA, 1, 3):
		return badEnum("LDLayout.HA")
	case !inRange(l.ChunkletPosPref, 1, 2):
		return badEnum("LDLayout.chunkletPosPref")
	case l.SetSize != nil && *l.SetSize <= 0:
		return withRef(errBadRequest(codeBelowRange, "invalid input: set size below range"), "LDLayout.setSize")
	}
	for _, p := range l.DiskPatterns {
		var d diskPatternBody
		if err := decodeNested(p, "LDLayout.diskPatterns", &d); err != nil {
			return err
		}
		if !inRange(d.DiskType, 1, 3) {
			return badEnum("LDLayout.diskPatterns.diskType")
		}
	}
	return nil
}

// createCPG handles POST /cpgs.
func (e *engine) createCPG(req *request) response {
	var b cpgCreateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.Name == nil {
		return errResponse(missing("name"))
	}
	if err := e.validName("name", *b.Name); err != nil {
		return errResponse(err)
	}
	for field, v := range map[string]*int64{"growthIncrementMiB": b.GrowthIncrementMiB, "growthLimitMiB": b.GrowthLimitMiB,
		"usedLDWarningAlertMiB": b.UsedLDWarningAlertMiB} {
		if v != nil && *v < 0 {
			return errResponse(withRef(errBadRequest(codeBelowRange, "invalid input: below range"), field))
		}
	}
	if err := checkLayout(b.LDLayout); err != nil {
		return errResponse(err)
	}
	if err := validDomain(b.Domain); err != nil {
		return errResponse(err)
	}
	e.lock()
	defer e.unlock()
	if err := e.domainExists(b.Domain); err != nil { // before the name, as HPE's mock
		return errResponse(err)
	}
	if e.cpgs[*b.Name] != nil {
		return errResponse(errConflict(codeExistentCPG, "CPG exists"))
	}
	c := &cpg{id: e.newID(), uuid: newUUID(), name: *b.Name}
	if b.Domain != nil {
		c.domain = *b.Domain
	}
	e.cpgs[*b.Name] = c
	return response{status: http.StatusCreated, location: "/api/v1/cpgs/" + url.PathEscape(*b.Name)}
}

// deleteCPG handles DELETE /cpgs/{name}.
func (e *engine) deleteCPG(req *request) response {
	name := req.params[0]
	e.lock()
	defer e.unlock()
	if e.cpgs[name] == nil {
		return errResponse(errNoCPG(name))
	}
	for _, v := range e.volumes {
		if v.CPG == name || v.SnapCPG == name {
			return errResponse(errConflict(codeInUse, "CPG %s is in use by volume %s", name, v.Name))
		}
	}
	delete(e.cpgs, name)
	return response{status: http.StatusOK}
}

// maxDomainName is the longest domain name: domains are name31 (guide
// 1.3.1 p. 20), and HPE's mock refuses a longer one with 57.
const maxDomainName = 31

// validDomain checks a domain member before the domain is looked up, as
// HPE's mock does for hosts: empty 400/45, too long 400/57, an illegal
// character 400/69. A nil domain (member absent) is fine.
func validDomain(d *string) *apiError {
	switch {
	case d == nil:
		return nil
	case *d == "":
		return withRef(errBadRequest(codeEmptyString, "invalid input: empty string"), "domain")
	case len(*d) > maxDomainName:
		return withRef(errBadRequest(codeExceedsLength, "invalid input: string length exceeds limit"), "domain")
	case (*d)[0] == '-' || illegalName(*d) != nil:
		return withRef(errBadRequest(codeIllegalChar, "invalid input: illegal character in domain name"), "domain")
	}
	return nil
}

// domainExists answers 404/38 NON_EXISTENT_DOMAIN (HPE's mock) for a domain
// the array lacks. Callers hold e.mu.
func (e *engine) domainExists(d *string) *apiError {
	if d != nil && !slices.Contains(e.cfg.Domains, *d) {
		return withRef(errNotFound(codeNonExistentDomain, "domain does not exist: %s", *d), "domain")
	}
	return nil
}
