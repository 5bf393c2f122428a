package acceptance_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// benchArray is a TLS server that answers login and GET /volumes/vol1 with
// the golden volume, counting logins and TCP connections.
type benchArray struct {
	*httptest.Server
	logins atomic.Int64
	conns  atomic.Int64
	body   []byte
	// listBody, when set, answers GET /api/v1/volumes.
	listBody []byte
	mu       sync.Mutex
	keys     map[string]bool
}

func newBenchArray(tb testing.TB) *benchArray {
	tb.Helper()
	body, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "volume.json"))
	if err != nil {
		tb.Fatal(err)
	}
	a := &benchArray{body: body, keys: map[string]bool{}}
	a.Server = httptest.NewUnstartedServer(http.HandlerFunc(a.serve))
	a.Config.ErrorLog = log.New(io.Discard, "", 0)
	a.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			a.conns.Add(1)
		}
	}
	a.StartTLS()
	tb.Cleanup(a.Close)
	return a
}

func (a *benchArray) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/credentials":
		n := a.logins.Add(1)
		key := "bench-key-" + string(rune('a'+n%26)) + time.Now().Format("150405.000000000")
		a.mu.Lock()
		a.keys[key] = true
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"key": key})
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusOK)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/volumes" && a.listBody != nil:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(a.listBody)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/volumes/vol1":
		a.mu.Lock()
		ok := a.keys[r.Header.Get("X-HP3PAR-WSAPI-SessionKey")]
		a.mu.Unlock()
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"code":6,"desc":"invalid session key"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(a.body)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// forget drops every session key, as the array does after the idle timeout.
func (a *benchArray) forget() {
	a.mu.Lock()
	a.keys = map[string]bool{}
	a.mu.Unlock()
}

func (a *benchArray) client(tb testing.TB, opts ...alletra.Option) *alletra.Client {
	tb.Helper()
	c, err := alletra.NewClient(a.URL, "u", "p", append([]alletra.Option{alletra.WithHTTPClient(a.Client())}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// bareGet is the floor: a keep-alive net/http client doing the same GET and
// decoding the same struct, with no session handling, retries or checks.
func bareGet(ctx context.Context, hc *http.Client, url, key string) (*alletra.Volume, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-HP3PAR-WSAPI-SessionKey", key)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	v := new(alletra.Volume)
	return v, json.NewDecoder(resp.Body).Decode(v)
}

// transportPerRequestGet is the pattern of LXD's in-tree client: a new
// http.Client and Transport (so a new TLS handshake) for every request.
func transportPerRequestGet(ctx context.Context, tlsCfg *tls.Config, url, key string) (*alletra.Volume, error) {
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg.Clone()}}
	defer hc.CloseIdleConnections()
	return bareGet(ctx, hc, url, key)
}

func (a *benchArray) login(tb testing.TB) string {
	return rawLogin(tb, a.Client(), a.URL, "u", "p")
}

// rawLogin opens a session with a plain net/http client and returns its key.
func rawLogin(tb testing.TB, hc *http.Client, base, user, password string) string {
	tb.Helper()
	body, _ := json.Marshal(struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}{user, password})
	resp, err := hc.Post(base+"/api/v1/credentials", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Key string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatal(err)
	}
	return out.Key
}

// BenchmarkVolumesGet compares Volumes.Get over TLS with a bare keep-alive
// GET + decode of the same response and with a transport-per-request client.
//
//	go test -run '^$' -bench BenchmarkVolumesGet -benchmem -count 5 .
func BenchmarkVolumesGet(b *testing.B) {
	a := newBenchArray(b)
	ctx := context.Background()
	url := a.URL + "/api/v1/volumes/vol1"
	b.Run("sdk", func(b *testing.B) {
		c := a.client(b)
		defer c.Close(ctx)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Volumes.Get(ctx, "vol1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-keepalive", func(b *testing.B) {
		hc, key := a.Client(), a.login(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bareGet(ctx, hc, url, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("transport-per-request", func(b *testing.B) {
		cfg, key := a.Client().Transport.(*http.Transport).TLSClientConfig, a.login(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := transportPerRequestGet(ctx, cfg, url, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVolumesGetRatio measures, in one process, batches of each client
// in turn and reports the median ratios: sdk/bare (goal <= 1.5) and
// transport-per-request/sdk (goal >= 10). "static" serves a fixed answer;
// "simulator" is alletratest's array (TLS), whose own work is in both sides.
//
//	go test -run '^$' -bench BenchmarkVolumesGetRatio -benchtime 1x .
func BenchmarkVolumesGetRatio(b *testing.B) {
	b.Run("static", func(b *testing.B) {
		a := newBenchArray(b)
		measureGetRatio(b, a.client(b), a.Client(), a.URL, a.login(b), "vol1")
	})
	b.Run("simulator", func(b *testing.B) {
		srv := alletratest.NewTestServer(b)
		c, err := srv.Client()
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Volumes.Create(context.Background(), &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
			b.Fatal(err)
		}
		hc := srv.HTTPClient()
		defer hc.CloseIdleConnections()
		measureGetRatio(b, c, hc, srv.URL, rawLogin(b, hc, srv.URL, srv.Username(), srv.Password()), "vol1")
	})
}

func measureGetRatio(b *testing.B, c *alletra.Client, hc *http.Client, base, key, name string) {
	ctx := context.Background()
	defer c.Close(ctx)
	url := base + "/api/v1/volumes/" + name
	cfg := hc.Transport.(*http.Transport).TLSClientConfig
	const rounds, batch = 9, 200
	timeBatch := func(n int, f func() error) time.Duration {
		start := time.Now()
		for range n {
			if err := f(); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start) / time.Duration(n)
	}
	var sdkBare, tprSDK []float64
	for range b.N {
		for range rounds {
			sdk := timeBatch(batch, func() error { _, err := c.Volumes.Get(ctx, name); return err })
			bare := timeBatch(batch, func() error { _, err := bareGet(ctx, hc, url, key); return err })
			tpr := timeBatch(batch/10, func() error { _, err := transportPerRequestGet(ctx, cfg, url, key); return err })
			sdkBare = append(sdkBare, float64(sdk)/float64(bare))
			tprSDK = append(tprSDK, float64(tpr)/float64(sdk))
		}
	}
	b.ReportMetric(median(sdkBare), "sdk/bare")
	b.ReportMetric(median(tprSDK), "per-request/sdk")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkSessionLogins reports the logins caused by 64 cold concurrent
// callers and by 64 concurrent callers after the array forgot the key
// (goal: 1 each), and the TCP connections used by 1000 sequential GETs.
//
//	go test -run '^$' -bench BenchmarkSessionLogins -benchtime 1x .
func BenchmarkSessionLogins(b *testing.B) {
	ctx := context.Background()
	run64 := func(c *alletra.Client) {
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				if _, err := c.Volumes.Get(ctx, "vol1"); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	for range b.N {
		a := newBenchArray(b)
		c := a.client(b, alletra.WithMaxInFlight(64))
		run64(c)
		cold := a.logins.Load()
		a.forget()
		run64(c)
		relogins := a.logins.Load() - cold
		_ = c.Close(ctx)

		a2 := newBenchArray(b)
		c2 := a2.client(b, alletra.WithMaxInFlight(1))
		for range 1000 {
			if _, err := c2.Volumes.Get(ctx, "vol1"); err != nil {
				b.Fatal(err)
			}
		}
		_ = c2.Close(ctx)
		b.ReportMetric(float64(cold), "cold-logins")
		b.ReportMetric(float64(relogins), "expiry-relogins")
		b.ReportMetric(float64(a2.conns.Load()), "conns/1000-GETs")
	}
}
