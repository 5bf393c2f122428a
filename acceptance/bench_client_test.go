package acceptance_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// benchServer returns a simulated array (TLS) holding the volume vol1, with
// its counters reset, so that a benchmark sees only its own logins and
// connections.
func benchServer(tb testing.TB) *alletratest.Server {
	tb.Helper()
	srv := alletratest.NewTestServer(tb)
	c, err := srv.Client()
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		tb.Fatal(err)
	}
	if err := c.Close(ctx); err != nil {
		tb.Fatal(err)
	}
	srv.ResetStats()
	return srv
}

// benchClient returns a client of srv with opts.
func benchClient(tb testing.TB, srv *alletratest.Server, opts ...alletra.Option) *alletra.Client {
	tb.Helper()
	c, err := srv.Client(opts...)
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

// BenchmarkVolumesGet compares Volumes.Get over TLS on the simulator with a
// bare keep-alive GET + decode of the same answer and with a
// transport-per-request client.
//
//	go test -run '^$' -bench 'BenchmarkVolumesGet$' -benchmem -count 5 ./acceptance
func BenchmarkVolumesGet(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	hc := srv.HTTPClient()
	defer hc.CloseIdleConnections()
	url := srv.URL + "/api/v1/volumes/vol1"
	b.Run("sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		defer c.Close(ctx)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Volumes.Get(ctx, "vol1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-keepalive", func(b *testing.B) {
		key := rawLogin(b, hc, srv.URL, srv.Username(), srv.Password())
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bareGet(ctx, hc, url, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("transport-per-request", func(b *testing.B) {
		cfg, key := hc.Transport.(*http.Transport).TLSClientConfig, rawLogin(b, hc, srv.URL, srv.Username(), srv.Password())
		b.ReportAllocs()
		for b.Loop() {
			if _, err := transportPerRequestGet(ctx, cfg, url, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVolumesGetRatio measures, in one process, batches of each client
// in turn against the simulator (TLS), whose own work is in both sides, and
// reports the median ratios: sdk/bare (goal <= 1.5) and
// transport-per-request/sdk (goal >= 10).
//
//	go test -run '^$' -bench BenchmarkVolumesGetRatio -benchtime 1x ./acceptance
func BenchmarkVolumesGetRatio(b *testing.B) {
	srv := benchServer(b)
	hc := srv.HTTPClient()
	defer hc.CloseIdleConnections()
	measureGetRatio(b, benchClient(b, srv), hc, srv.URL, rawLogin(b, hc, srv.URL, srv.Username(), srv.Password()), "vol1")
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
//	go test -run '^$' -bench BenchmarkSessionLogins -benchtime 1x ./acceptance
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
		srv := benchServer(b)
		c := benchClient(b, srv, alletra.WithMaxInFlight(64))
		run64(c)
		cold := srv.Stats().Logins
		srv.ExpireSessions()
		run64(c)
		relogins := srv.Stats().Logins - cold
		_ = c.Close(ctx)

		srv2 := benchServer(b)
		c2 := benchClient(b, srv2, alletra.WithMaxInFlight(1))
		for range 1000 {
			if _, err := c2.Volumes.Get(ctx, "vol1"); err != nil {
				b.Fatal(err)
			}
		}
		_ = c2.Close(ctx)
		b.ReportMetric(float64(cold), "cold-logins")
		b.ReportMetric(float64(relogins), "expiry-relogins")
		b.ReportMetric(float64(srv2.Stats().Connections), "conns/1000-GETs")
	}
}
