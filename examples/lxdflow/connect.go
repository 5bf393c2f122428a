package main

import (
	"cmp"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// target is the array the flow runs on: the in-process simulator, or a real
// array named by the ALLETRA_* environment.
type target struct {
	client  *alletra.Client
	counter *counter
	cpg     string
	where   string              // for people: never holds a secret
	sim     *alletratest.Server // nil on a real array
	compact bool                // name volumes with naming.Compact (31-character arrays)
	mode    string              // LXD's alletra.mode: "nvme/tcp" or "iscsi"
	close   func()
}

// connect builds the client. Without ALLETRA_URL it starts the simulator,
// configured like an array that accepts LXD's 34–37-character names, with
// short but real asynchronous tasks (200 ms each).
func connect() (*target, error) {
	counter := &counter{}
	// Tasks.Wait polls once at once, then after 250 ms, growing with the
	// time waited up to 5 s (LXD polls every 5 s): the simulator's 200 ms
	// tasks cost two polls each; a copy of minutes on an array, a few more.
	poll := alletra.WithTaskPolling(250*time.Millisecond, 5*time.Second)
	endpoint := os.Getenv("ALLETRA_URL")
	if endpoint == "" {
		srv := alletratest.NewServer(alletratest.WithMaxNameLength(64),
			alletratest.WithTaskDuration(200*time.Millisecond))
		hc := srv.HTTPClient() // trusts the simulator's self-signed certificate
		hc.Transport = counter.wrap(hc.Transport)
		c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(hc), poll)
		if err != nil {
			srv.Close()
			return nil, err
		}
		return &target{client: c, counter: counter, cpg: "SSD_r6", sim: srv, mode: "nvme/tcp",
			where: "the in-process simulator (" + srv.URL + ", names up to 64 characters)", close: srv.Close}, nil
	}

	user, password := os.Getenv("ALLETRA_USER"), os.Getenv("ALLETRA_PASSWORD")
	if user == "" || password == "" {
		return nil, errors.New("ALLETRA_URL is set: ALLETRA_USER and ALLETRA_PASSWORD are required too")
	}
	// The counting RoundTripper wraps the transport, and the client applies
	// its TLS options (WithCAFile, WithInsecureSkipVerify) only to a bare
	// *http.Transport; so the inner transport gets the configuration those
	// options would give it.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	var err error
	if tr.TLSClientConfig, err = tlsConfig(); err != nil {
		return nil, err
	}
	c, err := alletra.NewClient(endpoint, user, password,
		alletra.WithHTTPClient(&http.Client{Transport: counter.wrap(tr)}), poll)
	if err != nil {
		return nil, err
	}
	cpg := cmp.Or(os.Getenv("ALLETRA_CPG"), "SSD_r6")
	mode := cmp.Or(os.Getenv("ALLETRA_MODE"), "nvme/tcp")
	if mode != "nvme/tcp" && mode != "iscsi" {
		return nil, fmt.Errorf("ALLETRA_MODE must be nvme/tcp or iscsi, not %q", mode)
	}
	host := endpoint
	if u, err := url.Parse(endpoint); err == nil {
		host = u.Host // never print userinfo
	}
	return &target{client: c, counter: counter, cpg: cpg, mode: mode,
		compact: os.Getenv("ALLETRA_NAMES") != "lxd", // classic arrays cap names at 31
		where:   "the array at " + host + " (CPG " + cpg + ")", close: tr.CloseIdleConnections}, nil
}

// tlsConfig returns the TLS settings of ALLETRA_CA (a PEM file with the
// array's CA or self-signed certificate, through the SDK's TLSConfigForCA)
// and ALLETRA_INSECURE=1, or nil when neither is set (certificates verified
// against the system roots).
func tlsConfig() (*tls.Config, error) {
	insecure, file := os.Getenv("ALLETRA_INSECURE") == "1", os.Getenv("ALLETRA_CA")
	if !insecure && file == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("ALLETRA_CA: %w", err)
		}
		if cfg, err = alletra.TLSConfigForCA(pem); err != nil {
			return nil, fmt.Errorf("ALLETRA_CA %s: %w", file, err)
		}
	}
	cfg.InsecureSkipVerify = insecure //nolint:gosec // explicit opt-in
	return cfg, nil
}

// counter is an http.RoundTripper that counts what the client sends: round
// trips, logins, task polls and new (TLS) connections. It works the same on
// the simulator and on a real array.
type counter struct {
	next                     http.RoundTripper
	trips, logins, polls, nc atomic.Int64
}

type counts struct{ trips, logins, polls, conns int64 }

func (c *counter) wrap(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	c.next = next
	return c
}

// RoundTrip implements http.RoundTripper.
func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.trips.Add(1)
	switch p := req.URL.Path; {
	case req.Method == http.MethodPost && strings.HasSuffix(p, "/credentials"):
		c.logins.Add(1)
	case req.Method == http.MethodGet && strings.Contains(p, "/tasks/"):
		c.polls.Add(1)
	}
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if !info.Reused {
			c.nc.Add(1)
		}
	}}
	return c.next.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
}

func (c *counter) now() counts {
	return counts{c.trips.Load(), c.logins.Load(), c.polls.Load(), c.nc.Load()}
}

func (a counts) sub(b counts) counts {
	return counts{a.trips - b.trips, a.logins - b.logins, a.polls - b.polls, a.conns - b.conns}
}

// newUUID returns a random (version 4) UUID, like LXD's volatile.uuid.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// randHex returns n random bytes as hex.
func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
