package alletra

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/binary"
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
// The zero value is ready to use, and it is safe for concurrent use. It is
// a value the caller holds: nothing is shared between two SharedClients.
// Passwords are not kept: clients are found by a keyed hash of the
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

// Acquire returns the Client for endpoint, username and password with opts,
// creating it on first use as NewClient does (no I/O), and a release
// function for this user. Call release once when done with the Client;
// the last release closes the Client with release's context (see
// Client.Close) and returns Close's error. Further calls of the same
// release do nothing and return nil. A Client acquired again after its
// last release is a new one.
//
// Callers share a Client when their endpoints are the same after
// normalisation ("https://a:443/api/v1" and "https://a:443" are), their
// user names and passwords are equal, and their TLS settings are the same:
// WithInsecureSkipVerify given or not; WithTLSConfig configs with equal
// RootCAs, client certificates, ServerName, InsecureSkipVerify,
// MinVersion, MaxVersion and CipherSuites (a config with a callback, such
// as VerifyPeerCertificate or GetClientCertificate, is never shared);
// WithHTTPClient with the same *http.Client. The other options (logger,
// retries, limits, sessions) are those of the caller that created the
// Client; later callers get that Client as it is.
func (s *SharedClients) Acquire(endpoint, username, password string, opts ...Option) (*Client, func(context.Context) error, error) {
	root, err := normalizeEndpoint(endpoint)
	if err != nil {
		return nil, nil, err
	}
	var o clientOptions
	for _, opt := range opts {
		if opt == nil {
			return nil, nil, invalid("opts", "nil Option")
		}
		if err := opt(&o); err != nil {
			return nil, nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secret == nil {
		s.secret = make([]byte, 32)
		rand.Read(s.secret) // never fails (crypto/rand)
		s.clients = map[[sha256.Size]byte][]*sharedClient{}
	}
	key := s.key(root, username, password, o.insecure)
	for _, sc := range s.clients[key] {
		if sc.hc == o.httpClient && sameTLS(sc.tls, o.tlsConfig) {
			sc.users++
			return sc.client, s.releaser(key, sc), nil
		}
	}
	c, err := NewClient(endpoint, username, password, opts...)
	if err != nil {
		return nil, nil, err
	}
	sc := &sharedClient{client: c, tls: o.tlsConfig, hc: o.httpClient, users: 1}
	s.clients[key] = append(s.clients[key], sc)
	return c, s.releaser(key, sc), nil
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
