package alletra

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
)

// SharedClients hands out one shared *Client per array and identity: per
// endpoint, user name, password and TLS settings. It counts the users of
// each Client and closes it (logging its session out) when the last one
// releases it. A program that builds a driver or a pool object many times
// over, with no teardown hook of its own, keeps one SharedClients value and
// acquires through it, so that arrays with a few dozen sessions see one
// session per identity instead of one per object.
//
// Configurations are checked once, by NewSharedConfig, where the caller
// checks its own configuration; Acquire then cannot fail, so the places
// that use a client need no error check.
//
// The zero value is ready to use, and it is safe for concurrent use. It is
// a value the caller holds: nothing is shared between two SharedClients.
// Passwords are not kept in it: clients are found by a keyed hash of the
// endpoint, user name and password (the key is random per SharedClients),
// and printing a SharedClients shows no secret.
type SharedClients struct {
	mu      sync.Mutex
	secret  []byte // the HMAC key, made on first use
	clients map[[sha256.Size]byte][]*sharedClient
}

// sharedClient is one shared Client with what tells it apart within its
// bucket and its count of users.
type sharedClient struct {
	client *Client
	tls    *tls.Config  // as given to WithTLSConfig (a clone); nil when none
	hc     *http.Client // as given to WithHTTPClient; nil when none
	users  int
}

// SharedConfig is a checked configuration for SharedClients.Acquire: an
// endpoint, credentials and options that NewSharedConfig accepted. Make it
// once, where the caller validates its own configuration (LXD: when it
// validates a pool's config), keep it, and acquire clients with it as often
// as needed.
//
// A SharedConfig holds the password, to create clients with; printing it
// (fmt, %#v, slog) shows the endpoint and user only. Copies are cheap and
// share the same checked state. The zero SharedConfig is not valid:
// Acquire panics on it, as on any value not made by NewSharedConfig.
type SharedConfig struct {
	c *sharedConfig
}

type sharedConfig struct {
	endpoint string // as given: NewClient normalises it again, the same way
	root     string // normalised, for the key
	username string
	password string
	opts     clientOptions // as NewClient applied them, defaults included
	hcID     *http.Client  // the caller's *http.Client, for identity only
}

// NewSharedConfig checks endpoint, username, password and opts exactly as
// NewClient does (no I/O) and returns them as a SharedConfig, or the error
// NewClient would return (a *ValidationError matching ErrInvalidInput).
//
// The options are applied once, here: an *http.Client given to
// WithHTTPClient and a *tls.Config given to WithTLSConfig are copied now,
// so changing them afterwards does not change, or break, the clients made
// from this SharedConfig.
func NewSharedConfig(endpoint, username, password string, opts ...Option) (SharedConfig, error) {
	var applied clientOptions
	capture := func(o *clientOptions) error {
		applied = *o
		applied.tlsConfig = o.tlsConfig.Clone() // the Client may change its own
		return nil
	}
	// NewClient applies its defaults, then opts, then capture, last: capture
	// sees the options exactly as a Client gets them. The Client itself is
	// dropped; it has sent nothing and holds nothing that needs closing.
	if _, err := NewClient(endpoint, username, password, append(slices.Clip(opts), capture)...); err != nil {
		return SharedConfig{}, err
	}
	root, err := normalizeEndpoint(endpoint)
	if err != nil { // NewClient checked it: cannot happen
		return SharedConfig{}, err
	}
	hcID := applied.httpClient
	if hcID != nil {
		hc := *hcID // freeze: a later change of the caller's Transport cannot break Acquire
		applied.httpClient = &hc
	}
	return SharedConfig{c: &sharedConfig{endpoint: endpoint, root: root, username: username,
		password: password, opts: applied, hcID: hcID}}, nil
}

// String describes the configuration without the password.
func (c SharedConfig) String() string {
	if c.c == nil {
		return "alletra.SharedConfig{}"
	}
	return fmt.Sprintf("alletra.SharedConfig{endpoint: %s, user: %s}", c.c.root, c.c.username)
}

// GoString is like String, so that %#v does not print the password.
func (c SharedConfig) GoString() string { return c.String() }

// LogValue makes slog print the configuration without the password.
func (c SharedConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Acquire returns the Client for cfg, creating it on first use as
// NewClient does (no I/O), and a release function for this user. It cannot
// fail: cfg was checked by NewSharedConfig. It panics if cfg was not made by
// NewSharedConfig (the zero SharedConfig).
//
// Call release once when done with the Client; the last release closes the
// Client with release's context (see Client.Close) and returns Close's
// error. Further calls of the same release do nothing and return nil. A
// Client acquired again after its last release is a new one.
//
// Callers share a Client when their endpoints are the same after
// normalisation ("https://a:443/api/v1" and "https://a:443" are), their
// user names and passwords are equal, and their TLS settings are the same:
// WithInsecureSkipVerify given or not; WithTLSConfig configs with equal
// RootCAs, client certificates, ServerName, InsecureSkipVerify,
// MinVersion, MaxVersion and CipherSuites (a config with a callback, such
// as VerifyPeerCertificate or GetClientCertificate, is never shared);
// WithHTTPClient with the same *http.Client. The other options (logger,
// retries, limits, sessions) are those of the configuration that created
// the Client; later callers get that Client as it is.
func (s *SharedClients) Acquire(cfg SharedConfig) (*Client, func(context.Context) error) {
	sc := cfg.c
	if sc == nil {
		panic("alletra: SharedClients.Acquire: SharedConfig not made by NewSharedConfig")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secret == nil {
		s.secret = make([]byte, 32)
		rand.Read(s.secret) // never fails (crypto/rand)
		s.clients = map[[sha256.Size]byte][]*sharedClient{}
	}
	key := s.key(sc.root, sc.username, sc.password, sc.opts.insecure)
	for _, shared := range s.clients[key] {
		if shared.hc == sc.hcID && sameTLS(shared.tls, sc.opts.tlsConfig) {
			shared.users++
			return shared.client, s.releaser(key, shared)
		}
	}
	c, err := NewClient(sc.endpoint, sc.username, sc.password, sc.apply)
	if err != nil {
		// NewClient accepted the same endpoint, credentials and options in
		// NewSharedConfig, and apply replays them as they were then.
		panic("alletra: SharedClients.Acquire: a checked SharedConfig was refused: " + err.Error())
	}
	shared := &sharedClient{client: c, tls: sc.opts.tlsConfig, hc: sc.hcID, users: 1}
	s.clients[key] = append(s.clients[key], shared)
	return c, s.releaser(key, shared)
}

// apply is the Option that sets the options NewSharedConfig captured, with
// fresh copies of what a Client may change (its HTTP client and TLS config).
func (sc *sharedConfig) apply(o *clientOptions) error {
	*o = sc.opts
	if sc.opts.httpClient != nil {
		hc := *sc.opts.httpClient
		o.httpClient = &hc
	}
	o.tlsConfig = sc.opts.tlsConfig.Clone() // nil stays nil
	return nil
}

// Len returns how many Clients are in use.
func (s *SharedClients) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.clients {
		n += len(b)
	}
	return n
}

// key is the HMAC of what identifies a Client apart from its TLS config
// and HTTP client. Each part is length-prefixed, so no two inputs collide
// by moving bytes between parts.
func (s *SharedClients) key(root, username, password string, insecure bool) [sha256.Size]byte {
	m := hmac.New(sha256.New, s.secret)
	for _, part := range []string{root, username, password} {
		m.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(part))))
		m.Write([]byte(part))
	}
	if insecure {
		m.Write([]byte{1})
	} else {
		m.Write([]byte{0})
	}
	var k [sha256.Size]byte
	copy(k[:], m.Sum(nil))
	return k
}

// releaser returns the release function of one user of sc.
func (s *SharedClients) releaser(key [sha256.Size]byte, sc *sharedClient) func(context.Context) error {
	var once sync.Once
	return func(ctx context.Context) error {
		last := false
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			sc.users--
			if sc.users > 0 {
				return
			}
			last = true
			b := slices.DeleteFunc(s.clients[key], func(x *sharedClient) bool { return x == sc })
			if len(b) == 0 {
				delete(s.clients, key)
			} else {
				s.clients[key] = b
			}
		})
		if !last {
			return nil
		}
		return sc.client.Close(ctx)
	}
}

// sameTLS reports whether two TLS configs verify and authenticate alike.
func sameTLS(a, b *tls.Config) bool {
	if a == nil || b == nil {
		return a == b
	}
	if hasCallbacks(a) || hasCallbacks(b) {
		return false
	}
	return a.InsecureSkipVerify == b.InsecureSkipVerify && a.ServerName == b.ServerName &&
		a.MinVersion == b.MinVersion && a.MaxVersion == b.MaxVersion &&
		slices.Equal(a.CipherSuites, b.CipherSuites) && a.RootCAs.Equal(b.RootCAs) &&
		slices.EqualFunc(a.Certificates, b.Certificates, func(x, y tls.Certificate) bool {
			return slices.EqualFunc(x.Certificate, y.Certificate, bytes.Equal)
		})
}

func hasCallbacks(c *tls.Config) bool {
	return c.VerifyPeerCertificate != nil || c.VerifyConnection != nil || c.GetClientCertificate != nil ||
		c.GetCertificate != nil || c.GetConfigForClient != nil
}
