package alletratest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Defaults of simConfig.
const (
	defaultUser     = "3paradm"
	defaultPassword = "3pardata"
	// defaultMaxNameLength is the name limit of 3PAR-era builds (below
	// buildNoSnapCPG): the name31 type of the WSAPI guides.
	defaultMaxNameLength = 31
	// defaultMaxNameLengthMP is the limit of volume, snapshot, set and CPG
	// names on builds from buildNoSnapCPG (the "WSAPI of 2023", Alletra MP).
	// LXD's driver creates 34–37-character volume names there (naming.LXD
	// gives them) and its upstream tests pass against such an array; the real
	// limit is not published, so the default is the longest length
	// go-alletra's probe tries (63). Host names keep 31 on every build
	// (hpe-storage/csi-driver#460: an Alletra MP B10000 refused a longer
	// host name with 57).
	defaultMaxNameLengthMP = 63
	// maxHostNameLength is the host name limit (see defaultMaxNameLengthMP).
	maxHostNameLength         = 31
	defaultMaxVolumeSizeMiB   = 16 * 1024 * 1024 // 16 TiB
	defaultSessionLimit       = 36
	defaultSessionIdleTimeout = 15 * time.Minute
	defaultBuild              = 100500031 // Alletra MP, WSAPI 1.15
	defaultCPG                = "SSD_r6"

	// buildAPINeedsSession is the first build on which GET /api needs a
	// session key (Alletra MP "Arcus R4").
	buildAPINeedsSession = 100500000
	// buildPrimera is the first build with Primera volume rules (thin or
	// reduce only).
	buildPrimera = 40000000
	// buildNoSnapCPG is the first build that refuses snapCPG on create.
	buildNoSnapCPG = 100000000

	maxLUN       = 16383
	maxNVMeLUN   = 256
	maxComment   = 511
	maxHours     = 43800
	chunkMiB     = 256
	systemSerial = "00021F4B"
	systemUUID   = "4b1e2f0a-9c3d-4e5f-8a6b-7c8d9e0f1a2b"
	totalCapMiB  = 60 * 1024 * 1024
)

// simConfig holds the simulated array's settings. Zero fields take defaults.
type simConfig struct {
	User, Password string
	// MaxNameLength is the longest volume, snapshot, set, CPG and metadata
	// name; 0 takes defaultMaxNameLength (31) on builds below
	// buildNoSnapCPG and defaultMaxNameLengthMP (63) from it. When set, it is
	// also the host name limit unless MaxHostNameLength is set.
	MaxNameLength int
	// MaxHostNameLength is the longest host name; 0 takes MaxNameLength
	// when that is set, else maxHostNameLength (31) on every build.
	MaxHostNameLength  int
	MaxVolumeSizeMiB   int64
	SessionLimit       int
	SessionIdleTimeout time.Duration
	Clock              Clock
	TaskDuration       time.Duration
	Build              int64
	CPGs               []string
	SerializedSessions bool
	Gzip               bool
	PlainHTTP          bool
	// IgnoreCascade makes DELETE /volumes/{name} ignore ?cascade=true, as
	// an array without that (undocumented) parameter may: a volume with
	// snapshots then gets 409 code 32.
	IgnoreCascade bool
	// Listener, when set, is where the server listens instead of a new
	// loopback port; the server closes it.
	Listener net.Listener
	// Wrap, when set, wraps the server's handler (request logging).
	Wrap func(http.Handler) http.Handler

	// NamedErrorCodes sets the WSAPI code sent with a named error (one the
	// public record documents by symbol and HTTP status only, see
	// namedError). Without an entry the code is PlaceholderCode, except
	// MEMBER_IN_SET's 104. An entry of 0 omits the member, which no array
	// does: it is there to test a client against a body without a code.
	NamedErrorCodes map[namedError]int
	// CPGDomains gives the domain of CPGs of the CPGs list (by name);
	// the others are in no domain.
	CPGDomains map[string]string
	// Domains are the array's domains. A host created in any other domain
	// gets 404 NON_EXISTENT_DOMAIN (38). Default none, as on an array
	// without domains configured.
	Domains []string
	// ISCSIVlansEnvelope answers GET /ports/<n:s:p>/iSCSIVlans/ with the
	// collection envelope {"total":N,"members":[...]}, the shape HPE's
	// PowerShell toolkit reads. By default the answer is {"iSCSIVlans":[...]},
	// the shape HPE's python client reads.
	ISCSIVlansEnvelope bool
	// MaxVolumes and MaxSnapshots, when positive, are how many volumes
	// (base volumes and physical copies) and snapshots the array holds: a
	// create beyond them answers the named 503 VV_LIMIT_REACHED or
	// SNAPSHOT_LIMIT_REACHED (guide 1.3.1), hard limits that a retry does
	// not lift. Default 0: no limit.
	MaxVolumes, MaxSnapshots int
	// UntaggedVlanEntry gives the default VLAN-tagged port 1:2:1 a real
	// untagged address, 10.0.1.11, which GET /ports reports and its VLAN
	// list repeats as an "untagged" entry, as real arrays do (see
	// PortState.UntaggedIPAddr).
	UntaggedVlanEntry bool
	// FloatCapacities writes the capacity members of GET /system, of CPG
	// usage and of the space report as integral JSON floats (35549184.0),
	// as HPE's own test fixtures do, so that a client's tolerance is tested.
	FloatCapacities bool
}

func (c *simConfig) fill() {
	if c.User == "" && c.Password == "" {
		c.User, c.Password = defaultUser, defaultPassword
	}
	if c.Build == 0 {
		c.Build = defaultBuild
	}
	if c.MaxHostNameLength <= 0 {
		c.MaxHostNameLength = maxHostNameLength
		if c.MaxNameLength > 0 {
			c.MaxHostNameLength = c.MaxNameLength // set: for hosts too
		}
	}
	if c.MaxNameLength <= 0 {
		c.MaxNameLength = defaultMaxNameLength
		if c.Build >= buildNoSnapCPG {
			c.MaxNameLength = defaultMaxNameLengthMP
		}
	}
	if c.MaxVolumeSizeMiB <= 0 {
		c.MaxVolumeSizeMiB = defaultMaxVolumeSizeMiB
	}
	if c.SessionLimit <= 0 {
		c.SessionLimit = defaultSessionLimit
	}
	if c.SessionIdleTimeout <= 0 {
		c.SessionIdleTimeout = defaultSessionIdleTimeout
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if len(c.CPGs) == 0 {
		c.CPGs = []string{defaultCPG}
	}
}

// engine is the simulated array's state. All exported methods are safe for
// concurrent use.
type engine struct {
	cfg simConfig

	mu          sync.Mutex
	nextID      int
	sessions    map[string]*session
	volumes     map[string]*volume
	sets        map[string]*volumeSet
	hosts       map[string]*host
	vluns       []*vlun
	tasks       []*task
	cpgs        map[string]*cpg
	ports       []PortState
	taskDur     time.Duration
	failNext    bool
	spaceUsed   int64
	spaceFree   int64
	spaceManual bool

	faults faultQueue
	stats  statsCounter

	// Resources of hostsets.go, qos.go and metadata.go, made on first use.
	hostSets map[string]*hostSet
	qos      map[string]*qosRule    // by target, "vvset:<set>" or "sys:all_others"
	meta     map[int][]*objectKeyKV // by volume id, so that renames keep and deletes drop them
	// copyOrigin: the source of each physical copy made with saveSnapshot (tune.go).
	copyOrigin map[string]string
	// rc: remote copy groups and the link to a peer engine (remotecopy.go).
	rc rcState
	// fc: the flash cache, nil when there is none (flashcache.go).
	fc *flashCache
}

// newEngine returns an engine configured by cfg (zero fields take defaults).
func newEngine(cfg simConfig) *engine {
	cfg.fill()
	e := &engine{
		cfg:      cfg,
		nextID:   1,
		sessions: map[string]*session{},
		volumes:  map[string]*volume{},
		sets:     map[string]*volumeSet{},
		hosts:    map[string]*host{},
		cpgs:     map[string]*cpg{},
		ports:    DefaultPorts(),
		taskDur:  cfg.TaskDuration,
	}
	if cfg.UntaggedVlanEntry {
		for i := range e.ports {
			if e.ports[i].VLANTagged {
				e.ports[i].UntaggedIPAddr = untaggedTrunkIP
			}
		}
	}
	for _, n := range cfg.CPGs {
		e.cpgs[n] = &cpg{id: e.newID(), uuid: newUUID(), name: n, domain: cfg.CPGDomains[n]}
	}
	e.stats.requests = map[string]int{}
	return e
}

// Config returns the engine's effective configuration.
func (e *engine) Config() simConfig { return e.cfg }

func (e *engine) now() time.Time { return e.cfg.Clock.Now() }

// lock takes the engine mutex and brings tasks up to date with the clock.
func (e *engine) lock() {
	e.mu.Lock()
	e.settleTasks(e.now())
}

func (e *engine) unlock() { e.mu.Unlock() }

func (e *engine) newID() int {
	id := e.nextID
	e.nextID++
	return id
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

func newUUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// illegalName refuses a name in a path that no object can have: one with a
// character outside the name31 set (400 INV_INPUT_ILLEGAL_CHAR, 69). Its
// length is not checked: a long name is simply not found.
func illegalName(name string) *apiError {
	for _, r := range name {
		if !nameChar(r) {
			return errBadRequest(codeIllegalChar, "invalid input: illegal character in name")
		}
	}
	return nil
}

func nameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
}

// validName checks a WSAPI name31-style name against the configured limit.
func (e *engine) validName(field, name string) *apiError {
	return validNameLen(field, name, e.cfg.MaxNameLength)
}

// validHostName checks a host name against the host name limit.
func (e *engine) validHostName(field, name string) *apiError {
	return validNameLen(field, name, e.cfg.MaxHostNameLength)
}

func validNameLen(field, name string, limit int) *apiError {
	if name == "" {
		return withRef(errBadRequest(codeEmptyString, "invalid input: empty string"), field)
	}
	if len(name) > limit {
		return withRef(errBadRequest(codeExceedsLength, "invalid input: string length exceeds limit"), field)
	}
	if name[0] == '-' {
		return withRef(errBadRequest(codeIllegalChar, "invalid input: illegal character in name"), field)
	}
	if illegalName(name) != nil {
		return withRef(errBadRequest(codeIllegalChar, "invalid input: illegal character in name"), field)
	}
	return nil
}

func sortedKeys[V any](m map[string]V, id func(V) int) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return id(out[i]) < id(out[j]) })
	return out
}

func fmtTime8601(t time.Time) string { return t.Format("2006-01-02T15:04:05Z07:00") }

func fmtTaskTime(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") }

func wwnFor(id int) string   { return fmt.Sprintf("60002AC000000000%08X%s", id, systemSerial) }
func nguidFor(id int) string { return fmt.Sprintf("%s%08X2AC0000000000000", systemSerial, id) }

func roundUpMiB(n int64) int64 {
	if n%chunkMiB == 0 {
		return n
	}
	return (n/chunkMiB + 1) * chunkMiB
}

func itoa(n int) string { return strconv.Itoa(n) }
