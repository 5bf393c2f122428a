package alletratest

import (
	"fmt"
	"slices"
)

// PlaceholderCode is the code the simulator sends with an error the public
// record gives no number for (every array error carries a numeric code,
// WSAPI guide 1.2 p. 16). It lies far outside every published range, so it
// cannot be mistaken for an array's number (published WSAPI codes are all
// below 300: the guides' tables, HPE's clients, the issue threads in
// docs/wsapi-evidence.md); a client must classify such errors by operation
// and HTTP status, whatever the number.
const PlaceholderCode = 99999

// Named errors: errors the public WSAPI record documents by symbol and HTTP
// status only. The simulator answers them with that status and, unless
// WithNamedErrorCode sets another, PlaceholderCode (MEMBER_IN_SET excepted:
// it sends 104, a number of medium confidence). The names, with their
// statuses:
//
//	INV_OPERATION_VV_EXPORTED                403  promote or copy onto an exported volume
//	INV_OPERATION_PARENT_SIZE_HAS_INCREASED  409  promote after the parent grew
//	INV_OPERATION_VV_COPY_PARENT_TOO_BIG     409  physical copy into a smaller volume
//	INV_OPERATION_PARAM_CONFLICT             409  online promote with a priority
//	MEMBER_IN_SET                            409  adding a set member twice (default 104)
//	MEMBER_NOT_IN_SET                        404  removing a non-member
//	HOST_IN_SET                              409  a host that is in a host set
//	INV_QUERY_STRING                         400  a query= the array cannot parse
//	AUTO_LUN_ID_UNAVAILABLE                  409  no free LUN for autoLun
//	NON_ACTIVE_TASK                          400  cancelling a task that is not active
//	INV_OPERATION_VV_IS_BUSY                 409  a busy volume
//	INV_OPERATION_VV_PCOPY_IN_PROGRESS       409  an offline physical copy is running
//	INV_OPERATION_VV_PROMOTE_IN_PROGRESS     409  a promote is running
//	NON_EXISTENT_VVCOPY                      404  stopping a copy that is not running
//	VV_LIMIT_REACHED                         503  a volume beyond WithMaxVolumes
//	VV_ID_LIMIT_REACHED                      503  (never sent by itself)
//	SNAPSHOT_LIMIT_REACHED                   503  a snapshot beyond WithMaxSnapshots
//	CPG_ALLOCATION_WARNING_REACHED           503  (never sent by itself)
//
// WithNamedErrorCode sets the code sent with one of them: the number your
// array sends, if you know it, or any number, to check that a client does
// not depend on one. Code 0 omits the member, which no array does: use it
// only to test a client against a body without a code. A
// name not in the list above panics, so that a typo cannot leave a test
// checking nothing.
func WithNamedErrorCode(name string, code int) Option {
	if namedError(name).Status() == 0 {
		panic(fmt.Sprintf("alletratest: WithNamedErrorCode: %q is not a named error the simulator answers", name))
	}
	return func(c *config) {
		if c.sim.NamedErrorCodes == nil {
			c.sim.NamedErrorCodes = map[namedError]int{}
		}
		c.sim.NamedErrorCodes[namedError(name)] = code
	}
}

// WithDomains sets the array's domains (default none). Creating a host in
// any other domain gets 404 with code 38 (NON_EXISTENT_DOMAIN).
func WithDomains(names ...string) Option {
	return func(c *config) { c.sim.Domains = append([]string(nil), names...) }
}

// WithISCSIVlansEnvelope answers GET /ports/<n:s:p>/iSCSIVlans/ with the
// collection envelope {"total":N,"members":[...]}, the shape HPE's
// PowerShell toolkit reads, instead of the default {"iSCSIVlans":[...]} that
// HPE's python client reads. Clients should accept both.
func WithISCSIVlansEnvelope() Option { return func(c *config) { c.sim.ISCSIVlansEnvelope = true } }

// WithFloatCapacities writes the capacities of GET /system, of the CPGs'
// usage and of the space report as integral JSON floats (35549184.0), as
// HPE's own test fixtures do.
func WithFloatCapacities() Option { return func(c *config) { c.sim.FloatCapacities = true } }

// WithMaxVolumes sets how many volumes (base volumes and physical copies)
// the array holds (default 0: no limit). A create beyond it, POST /volumes
// or an online copy, answers 503 VV_LIMIT_REACHED: a hard limit that a retry
// does not lift (WSAPI guide 1.3.1).
func WithMaxVolumes(n int) Option { return func(c *config) { c.sim.MaxVolumes = n } }

// WithMaxSnapshots sets how many snapshots the array holds (default 0: no
// limit). A snapshot beyond it, of a volume or of a volume set, answers 503
// SNAPSHOT_LIMIT_REACHED, a hard limit (WSAPI guide 1.3.1).
func WithMaxSnapshots(n int) Option { return func(c *config) { c.sim.MaxSnapshots = n } }

// WithUntaggedVlanEntry gives the default VLAN-tagged iSCSI port 1:2:1 a
// real untagged address, 10.0.1.11: GET /ports reports it as the port's
// IPAddr, and GET /ports/1:2:1/iSCSIVlans/ repeats it as an "untagged"
// entry before the tagged portal 10.0.1.12, as real arrays list such a port
// (Cinder exported twice to one portal there and got 409 code 18). A
// client's target discovery should offer 10.0.1.11 once.
func WithUntaggedVlanEntry() Option { return func(c *config) { c.sim.UntaggedVlanEntry = true } }

// WithCPGInDomain adds a CPG in a domain (see WithDomains) to the CPGs the
// array has (by default "SSD_r6" alone). GET /cpgs/<name> reports the
// domain. Apply it after WithCPG, which replaces the list.
func WithCPGInDomain(name, domain string) Option {
	return func(c *config) {
		if len(c.sim.CPGs) == 0 {
			c.sim.CPGs = []string{defaultCPG}
		}
		if !slices.Contains(c.sim.CPGs, name) {
			c.sim.CPGs = append(c.sim.CPGs, name)
		}
		if c.sim.CPGDomains == nil {
			c.sim.CPGDomains = map[string]string{}
		}
		c.sim.CPGDomains[name] = domain
	}
}

// NamedErrorStatus returns the documented HTTP status of a named error the
// simulator answers (see WithNamedErrorCode), or 0 for any other name.
func NamedErrorStatus(name string) int { return namedError(name).Status() }
