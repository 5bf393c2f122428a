package alletra

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK's version; it is sent in the User-Agent header. Between
// releases it names the next one with a "-dev" suffix.
const Version = "0.2.0-dev"

// Defaults used when no option says otherwise.
const (
	DefaultMaxRetries       = 4
	DefaultRetryMinWait     = 500 * time.Millisecond
	DefaultRetryMaxWait     = 8 * time.Second
	DefaultRequestTimeout   = 2 * time.Minute
	DefaultMaxInFlight      = 16
	DefaultTaskPollInitial  = 100 * time.Millisecond
	DefaultTaskPollMax      = 5 * time.Second
	DefaultMaxResponseBytes = 256 << 20
	maxErrorBodyBytes       = 1 << 20

	// DefaultGrowSettleTime is how long a grow whose outcome is unknown
	// blocks resizes of its volume unless WithGrowSettleTime says otherwise
	// (see ErrGrowPending).
	DefaultGrowSettleTime = 15 * time.Minute
	// DefaultMaxSizeMiB is the largest size in MiB the Client sends unless
	// WithMaxSizeMiB says otherwise: 2^28-1 MiB (256 TiB less 1 MiB). Every
	// volume is at least 256 MiB, which is 2^28 bytes, so the byte count of
	// any real volume passed where MiB are expected is at least 2^28 and is
	// refused; while 256 TiB is 16 times the largest volume any public source
	// gives for a 3PAR (16 TiB, 3PAR OS <= 3.1.3) and the WSAPI publishes no
	// limit for newer arrays (sizeMiB is a uint32, at most 2^32-1). Sizes up
	// to it go to the array, whose 400 code 28 (ErrTooLarge) states its real
	// limit.
	DefaultMaxSizeMiB int64 = 1<<28 - 1
)

// Client talks to one array's WSAPI. It is safe for concurrent use by many
// goroutines, which share its session keys (one unless WithSessions).
// Create it with NewClient; release its sessions with Close.
type Client struct {
	Volumes    *VolumesService    // virtual volumes
	VolumeSets *VolumeSetsService // volume sets (LXD's pools)
	Hosts      *HostsService      // hosts and their initiator paths
	VLUNs      *VLUNsService      // exports of volumes to hosts
	Snapshots  *SnapshotsService  // virtual and physical copies
	Tasks      *TasksService      // asynchronous array tasks
	Ports      *PortsService      // array ports and target addresses
	System     *SystemService     // system info, WSAPI version, CPGs, space report
	HostSets   *HostSetsService   // host sets: groups of hosts a vLUN can target
	QoS        *QoSService        // QoS rules of volume sets and sys:all_others
	RemoteCopy *RemoteCopyService // remote copy groups, targets and disaster recovery
	FlashCache *FlashCacheService // the array's flash cache

	common service // shared by the services

	rootURL  string // scheme://host[:port][/sub-path], no trailing slash
	apiURL   string // rootURL + "/api/v1"
	apiPath  string // the escaped path of apiURL, e.g. "/api/v1" or "/gw/api/v1"
	username string
	// creds and sess sit behind pointers so that printing a copied Client
	// value (fmt's %+v of *c) shows addresses, not the password or the key.
	creds *credentials

	hc        *http.Client          // the client's transport and its connection pool
	rc        *retryablehttp.Client // sends every request through hc (request.go)
	logger    *slog.Logger
	userAgent string
	opts      clientOptions
	sem       chan struct{} // in-flight slots, over all session keys
	sess      *sessions

	versionMu sync.Mutex
	version   *APIVersion // cached by the first APIVersion call

	grows growGuard // ResizeTo's grows whose outcome is unknown (volumes.go)
}

// service is the shared core that every service type is a named copy of.
type service struct{ client *Client }

type clientOptions struct {
	httpClient       *http.Client
	tlsConfig        *tls.Config
	insecure         bool
	logger           *slog.Logger
	userAgent        string
	maxRetries       int
	minWait, maxWait time.Duration
	requestTimeout   time.Duration
	maxInFlight      int
	sessions         int
	taskInitial      time.Duration
	taskMax          time.Duration
	maxNameLength    int
	maxResponseBytes int64
	now              func() time.Time // WithClock; nil = time.Now
	growSettle       time.Duration    // WithGrowSettleTime
	maxSizeMiB       int64            // WithMaxSizeMiB
	loginBackoff     time.Duration    // WithLoginBackoff (session.go)
	loginBackoffMax  time.Duration
}

// Option configures a Client. Options validate their arguments: NewClient
// returns the first option's error.
type Option func(*clientOptions) error

// WithHTTPClient makes the Client send requests through a copy of hc. hc
// itself is never modified. When its transport is an *http.Transport, the
// Client uses a clone, to which TLS options apply and which, unless it has
// a MaxConnsPerHost of its own, opens at most WithMaxInFlight connections.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *clientOptions) error {
		if hc == nil {
			return invalid("WithHTTPClient", "nil *http.Client")
		}
		o.httpClient = hc
		return nil
	}
}

// WithTLSConfig sets the TLS configuration, e.g. a CA pool that holds an
// array's self-signed certificate. The config is cloned.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(o *clientOptions) error {
		if cfg == nil {
			return invalid("WithTLSConfig", "nil *tls.Config")
		}
		o.tlsConfig = cfg.Clone()
		return nil
	}
}

// WithInsecureSkipVerify turns off verification of the array's certificate.
// Certificates are verified unless this option is given.
func WithInsecureSkipVerify() Option {
	return func(o *clientOptions) error {
		o.insecure = true
		return nil
	}
}

// WithLogger sends debug records (method, path, status, duration, WSAPI code,
// attempt) to l. Passwords and session keys are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *clientOptions) error {
		if l == nil {
			return invalid("WithLogger", "nil *slog.Logger")
		}
		o.logger = l
		return nil
	}
}

// WithUserAgent prepends ua to the User-Agent "go-alletra/<Version>".
func WithUserAgent(ua string) Option {
	return func(o *clientOptions) error {
		if strings.ContainsAny(ua, "\r\n") {
			return invalid("WithUserAgent", "contains a line break")
		}
		o.userAgent = strings.TrimSpace(ua)
		return nil
	}
}

// WithRetry sets how often a request that is safe to repeat is retried
// (maxRetries, 0 = never) and the bounds of the jittered exponential backoff
// between attempts. A Retry-After header from the array is honoured within
// maxWait.
func WithRetry(maxRetries int, minWait, maxWait time.Duration) Option {
	return func(o *clientOptions) error {
		switch {
		case maxRetries < 0:
			return invalid("WithRetry", "negative maxRetries")
		case minWait < 0 || maxWait < 0:
			return invalid("WithRetry", "negative wait")
		case maxWait < minWait:
			return invalid("WithRetry", "maxWait below minWait")
		}
		o.maxRetries, o.minWait, o.maxWait = maxRetries, minWait, maxWait
		return nil
	}
}

// WithRequestTimeout bounds each attempt of a request (default 2 minutes).
// The context bounds the whole call, retries included.
func WithRequestTimeout(d time.Duration) Option {
	return func(o *clientOptions) error {
		if d <= 0 {
			return invalid("WithRequestTimeout", "must be positive")
		}
		o.requestTimeout = d
		return nil
	}
}

// WithMaxInFlight bounds the requests this Client has in flight at once
// (default 16), over all its session keys. A request holds its slot from
// its first attempt to the end of its answer, backoff included, and the
// Client's own transport opens at most n connections, so the array sees at
// most n requests and n connections of this Client. Arrays serialise the
// requests of one session key (see WithSessions), so a queue larger than
// the keys can serve only adds latency.
func WithMaxInFlight(n int) Option {
	return func(o *clientOptions) error {
		if n <= 0 {
			return invalid("WithMaxInFlight", "must be positive")
		}
		o.maxInFlight = n
		return nil
	}
}

// WithSessions lets the Client use up to n session keys (default 1).
//
// Arrays serialise the requests of one key, so one key gives one request's
// worth of throughput however many goroutines share it; with n keys, n
// requests run on the array at once. Keys are logged in lazily, when every
// key already has a call on it, and calls go to the key with the fewest;
// each key is logged in again on its own expiry (one login per key however
// many goroutines notice), and Close logs out all of them. When the array
// answers a login that it has no session free (503), the Client keeps the
// keys it has instead of failing. WithMaxInFlight still bounds the requests
// in flight over all keys. Arrays allow few sessions (24 to 36 on two-node
// systems, shared by every client), so keep n small.
func WithSessions(n int) Option {
	return func(o *clientOptions) error {
		if n <= 0 {
			return invalid("WithSessions", "must be positive")
		}
		o.sessions = n
		return nil
	}
}

// WithTaskPolling sets the first and the longest interval between polls of
// an array task (defaults 100 ms and 5 s). The interval grows with the time
// the task has run.
func WithTaskPolling(initial, maxInterval time.Duration) Option {
	return func(o *clientOptions) error {
		if initial <= 0 || maxInterval <= 0 {
			return invalid("WithTaskPolling", "intervals must be positive")
		}
		if maxInterval < initial {
			return invalid("WithTaskPolling", "max below initial")
		}
		o.taskInitial, o.taskMax = initial, maxInterval
		return nil
	}
}

// WithMaxNameLength makes the Client refuse names longer than n characters
// before sending them (ErrNameTooLong). 0, the default, leaves the check to
// the array, whose classic limit is 31.
func WithMaxNameLength(n int) Option {
	return func(o *clientOptions) error {
		if n < 0 {
			return invalid("WithMaxNameLength", "negative")
		}
		o.maxNameLength = n
		return nil
	}
}

// WithMaxResponseBytes caps the size of a successful response body (default
// 256 MiB); a larger one fails with ErrBadResponse. Error bodies are always
// capped at 1 MiB.
func WithMaxResponseBytes(n int64) Option {
	return func(o *clientOptions) error {
		if n <= 0 {
			return invalid("WithMaxResponseBytes", "must be positive")
		}
		o.maxResponseBytes = n
		return nil
	}
}

// WithClock sets the clock the Client measures its own waits on (the grow
// guard's settle time, see WithGrowSettleTime, and the login back-off, see
// WithLoginBackoff); default time.Now. Tests
// pass a manual clock (e.g. an alletratest.ManualClock's Now) to move time
// without sleeping. It does not affect timeouts, retries or task polling,
// which run on real timers.
func WithClock(now func() time.Time) Option {
	return func(o *clientOptions) error {
		if now == nil {
			return invalid("WithClock", "nil func")
		}
		o.now = now
		return nil
	}
}

// WithGrowSettleTime sets how long, on the Client's clock, a grow whose
// outcome is unknown blocks further resizes of its volume (default
// DefaultGrowSettleTime); see ErrGrowPending for the guard and its
// trade-off.
func WithGrowSettleTime(d time.Duration) Option {
	return func(o *clientOptions) error {
		if d <= 0 {
			return invalid("WithGrowSettleTime", "must be positive")
		}
		o.growSettle = d
		return nil
	}
}

// WithMaxSizeMiB sets the largest size in MiB (a create's SizeMiB, a resize
// target, a grow amount) the Client sends; larger ones are refused before
// any request as most likely a byte count (default DefaultMaxSizeMiB, see
// there). It is a guard against unit mistakes, not the array's limit: the
// array answers a size above its own limit with 400 code 28 (ErrTooLarge).
// n must lie between 1 and math.MaxUint32, the WSAPI's sizeMiB type.
func WithMaxSizeMiB(n int64) Option {
	return func(o *clientOptions) error {
		if n <= 0 || n > math.MaxUint32 {
			return invalid("WithMaxSizeMiB", fmt.Sprintf("must be in 1..%d, got %d", uint32(math.MaxUint32), n))
		}
		o.maxSizeMiB = n
		return nil
	}
}

// NewClient returns a Client for the WSAPI at endpoint, e.g.
// "https://array:8080" (3PAR) or "https://array" (Primera, Alletra; port
// 443). A trailing "/api/v1" and a gateway sub-path are accepted. No request
// is sent: the first call logs in.
func NewClient(endpoint, username, password string, opts ...Option) (*Client, error) {
	root, err := normalizeEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	if username == "" {
		return nil, invalid("username", "empty")
	}
	if password == "" {
		return nil, invalid("password", "empty")
	}
	o := clientOptions{
		maxRetries:       DefaultMaxRetries,
		minWait:          DefaultRetryMinWait,
		maxWait:          DefaultRetryMaxWait,
		requestTimeout:   DefaultRequestTimeout,
		maxInFlight:      DefaultMaxInFlight,
		sessions:         1,
		taskInitial:      DefaultTaskPollInitial,
		taskMax:          DefaultTaskPollMax,
		maxResponseBytes: DefaultMaxResponseBytes,
		growSettle:       DefaultGrowSettleTime,
		maxSizeMiB:       DefaultMaxSizeMiB,
		loginBackoff:     DefaultLoginBackoff,
		loginBackoffMax:  DefaultLoginBackoffMax,
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, invalid("opts", "nil Option")
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	hc, err := buildHTTPClient(&o)
	if err != nil {
		return nil, err
	}
	c := &Client{
		rootURL:  root,
		apiURL:   root + "/api/v1",
		apiPath:  apiPathOf(root),
		username: username,
		creds:    &credentials{password: password},
		sess:     newSessions(o.sessions),
		hc:       hc,
		logger:   o.logger,
		opts:     o,
		sem:      make(chan struct{}, o.maxInFlight),
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if o.now != nil {
		c.sess.now = o.now // the login back-off runs on the Client's clock too
	}
	c.rc = c.newRetryClient()
	c.userAgent = "go-alletra/" + Version
	if o.userAgent != "" {
		c.userAgent = o.userAgent + " " + c.userAgent
	}
	c.common.client = c
	c.Volumes = (*VolumesService)(&c.common)
	c.VolumeSets = (*VolumeSetsService)(&c.common)
	c.Hosts = (*HostsService)(&c.common)
	c.VLUNs = (*VLUNsService)(&c.common)
	c.Snapshots = (*SnapshotsService)(&c.common)
	c.Tasks = (*TasksService)(&c.common)
	c.Ports = (*PortsService)(&c.common)
	c.System = (*SystemService)(&c.common)
	c.HostSets = (*HostSetsService)(&c.common)
	c.QoS = (*QoSService)(&c.common)
	c.RemoteCopy = (*RemoteCopyService)(&c.common)
	c.FlashCache = (*FlashCacheService)(&c.common)
	return c, nil
}

// String describes the Client without any secret.
func (c *Client) String() string {
	return fmt.Sprintf("alletra.Client{endpoint: %s, user: %s}", c.rootURL, c.username)
}

// GoString is like String, so that %#v does not print the password.
func (c *Client) GoString() string { return c.String() }

// LogValue makes slog print the Client without secrets.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Endpoint returns the normalised WSAPI base URL, ending in "/api/v1".
func (c *Client) Endpoint() string { return c.apiURL }

// normalizeEndpoint checks endpoint and returns scheme://host[:port][/sub-path]
// without a trailing slash or "/api/v1".
func normalizeEndpoint(endpoint string) (string, error) {
	if strings.TrimSpace(endpoint) == "" {
		return "", invalid("endpoint", "empty")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		// url's error repeats the input, which may hold credentials: say less.
		return "", invalid("endpoint", "not a valid URL (expected e.g. https://array:8080)")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", invalid("endpoint", `scheme must be "https" or "http" (e.g. https://array:8080)`)
	case u.Host == "" || u.Hostname() == "":
		return "", invalid("endpoint", "no host")
	case u.User != nil:
		return "", invalid("endpoint", "credentials in the URL are not allowed; pass them to NewClient")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", invalid("endpoint", "query or fragment not allowed")
	}
	if p := u.Port(); p != "" {
		for _, r := range p {
			if r < '0' || r > '9' {
				return "", invalid("endpoint", "bad port")
			}
		}
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	p = strings.TrimSuffix(p, "/api/v1")
	for _, seg := range strings.Split(p, "/") {
		if seg == "api" || seg == "." || seg == ".." {
			return "", invalid("endpoint", `path must be empty, "/api/v1" or a gateway sub-path before it`)
		}
	}
	return u.Scheme + "://" + u.Host + p, nil
}

// apiPathOf returns the escaped path of root + "/api/v1".
func apiPathOf(root string) string {
	u, err := url.Parse(root + "/api/v1")
	if err != nil {
		return "/api/v1"
	}
	return u.EscapedPath()
}

// buildHTTPClient returns the one *http.Client the Client uses: a copy of the
// caller's, or a new one with a keep-alive pool sized for maxInFlight.
func buildHTTPClient(o *clientOptions) (*http.Client, error) {
	var hc http.Client
	if o.httpClient != nil {
		hc = *o.httpClient // copy; never mutate the caller's
	}
	needTLS := o.tlsConfig != nil || o.insecure
	switch t := hc.Transport.(type) {
	case nil:
		tr := newTransport()
		tr.MaxIdleConns = 2 * o.maxInFlight
		tr.MaxIdleConnsPerHost = o.maxInFlight
		// Never more connections than requests in flight: no dial beyond
		// the bound, no idle connection closed for want of room.
		tr.MaxConnsPerHost = o.maxInFlight
		tr.IdleConnTimeout = 90 * time.Second
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		hc.Transport = tr
	case *http.Transport:
		tr := t.Clone()
		if tr.MaxIdleConnsPerHost < o.maxInFlight {
			tr.MaxIdleConnsPerHost = o.maxInFlight
		}
		if tr.MaxConnsPerHost == 0 { // the caller's own limit stands
			tr.MaxConnsPerHost = o.maxInFlight
		}
		hc.Transport = tr
	default:
		if needTLS {
			return nil, invalid("WithTLSConfig", "the HTTP client's transport is not an *http.Transport; configure TLS on it instead")
		}
	}
	if tr, ok := hc.Transport.(*http.Transport); ok && needTLS {
		cfg := o.tlsConfig
		if cfg == nil {
			if tr.TLSClientConfig != nil {
				cfg = tr.TLSClientConfig.Clone()
			} else {
				cfg = &tls.Config{MinVersion: tls.VersionTLS12}
			}
		}
		if o.insecure {
			cfg.InsecureSkipVerify = true //nolint:gosec // explicit opt-in by the caller
		}
		tr.TLSClientConfig = cfg
	}
	if hc.Timeout == 0 || hc.Timeout > o.requestTimeout {
		hc.Timeout = o.requestTimeout
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // the WSAPI never redirects; never resend credentials elsewhere
	}
	return &hc, nil
}

// newTransport returns a clone of http.DefaultTransport, or, when that was
// replaced by something else (an instrumenting wrapper, a test double), a
// transport with the same settings net/http uses by default.
func newTransport() *http.Transport {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
