package acceptance_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
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

// ownTransportClient is a Client with its default transport (TLS trusting
// srv's certificate through WithTLSConfig), as most callers build it.
func ownTransportClient(tb testing.TB, url string, pool *x509.CertPool, user, password string, opts ...alletra.Option) *alletra.Client {
	tb.Helper()
	c, err := alletra.NewClient(url, user, password, append([]alletra.Option{
		alletra.WithTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// BenchmarkConnections64 runs 64 goroutines × 30 GETs on one default
// Client (in-flight bound 16) and reports the TCP connections the array
// accepted (goal: at most 16).
//
//	go test -run '^$' -bench BenchmarkConnections64 -benchtime 3x ./acceptance
func BenchmarkConnections64(b *testing.B) {
	ctx := context.Background()
	var worst int64
	for range b.N {
		srv := benchServer(b)
		c := ownTransportClient(b, srv.URL, srv.CertPool(), srv.Username(), srv.Password())
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				for range 30 {
					if _, err := c.Volumes.Get(ctx, "vol1"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		_ = c.Close(ctx)
		worst = max(worst, int64(srv.Stats().Connections))
	}
	b.ReportMetric(float64(worst), "max-conns")
	b.ReportMetric(alletra.DefaultMaxInFlight, "bound")
}

// BenchmarkConcurrentCreates200 runs 200 concurrent Volumes.Create on the
// simulator, alternately with a default Client (its own transport) and
// with the caller's http.Client whose transport has MaxConnsPerHost = 16,
// and reports the connections of each and the median time ratio
// default/caller (goal: dials ≤ 16, ratio ≤ 1.3).
//
//	go test -run '^$' -bench BenchmarkConcurrentCreates200 -benchtime 1x ./acceptance
func BenchmarkConcurrentCreates200(b *testing.B) {
	ctx := context.Background()
	run := func(c *alletra.Client, prefix string) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Go(func() {
				err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: fmt.Sprintf("%s%d", prefix, i), CPG: "SSD_r6", SizeMiB: 256})
				if err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	var ratios []float64
	var ownConns, callerConns int
	for range b.N {
		for round := range 5 {
			srv := alletratest.NewTestServer(b)
			c := ownTransportClient(b, srv.URL, srv.CertPool(), srv.Username(), srv.Password())
			own := run(c, "o")
			_ = c.Close(ctx)
			ownConns = max(ownConns, srv.Stats().Connections)

			srv2 := alletratest.NewTestServer(b)
			hc := srv2.HTTPClient()
			hc.Transport.(*http.Transport).MaxConnsPerHost = alletra.DefaultMaxInFlight
			c2, err := alletra.NewClient(srv2.URL, srv2.Username(), srv2.Password(), alletra.WithHTTPClient(hc))
			if err != nil {
				b.Fatal(err)
			}
			caller := run(c2, "c")
			_ = c2.Close(ctx)
			callerConns = max(callerConns, srv2.Stats().Connections)
			if round > 0 { // the first round warms up
				ratios = append(ratios, float64(own)/float64(caller))
			}
		}
	}
	b.ReportMetric(float64(ownConns), "default-conns")
	b.ReportMetric(float64(callerConns), "caller-conns")
	b.ReportMetric(median(ratios), "default/caller-time")
}

// BenchmarkBulkSessions runs 200 creates by 32 goroutines on a simulator
// that serialises the requests of one key and answers each after 5 ms,
// with WithSessions(1, 2, 4, 8), after a warm-up of 32 concurrent reads
// that opens the connections, and reports the requests per second of each, the ratio 8 keys / 1 key (goal ≥ 6), the logins (goal: the keys
// used) and the sessions left after Close (goal 0).
//
//	go test -run '^$' -bench BenchmarkBulkSessions -benchtime 1x ./acceptance
func BenchmarkBulkSessions(b *testing.B) {
	ctx := context.Background()
	rate := map[int]float64{}
	for range b.N {
		for _, n := range []int{1, 2, 4, 8} {
			srv := alletratest.NewTestServer(b, alletratest.WithSerializedSessions())
			srv.InjectFault("", "*", alletratest.Fault{Kind: alletratest.FaultDelay, Delay: 5 * time.Millisecond, Times: -1})
			c, err := srv.Client(alletra.WithSessions(n))
			if err != nil {
				b.Fatal(err)
			}
			// Warm up: 32 concurrent reads open the connections (TLS
			// handshakes are CPU the timing should not hold) and log in
			// the keys concurrency needs.
			var warm sync.WaitGroup
			for range 32 {
				warm.Go(func() {
					if _, err := c.System.Get(ctx); err != nil {
						b.Error(err)
					}
				})
			}
			warm.Wait()
			jobs := make(chan int)
			var wg sync.WaitGroup
			start := time.Now()
			for range 32 {
				wg.Go(func() {
					for i := range jobs {
						err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: fmt.Sprintf("bulk%d", i), CPG: "SSD_r6", SizeMiB: 256})
						if err != nil {
							b.Error(err)
						}
					}
				})
			}
			for i := range 200 {
				jobs <- i
			}
			close(jobs)
			wg.Wait()
			elapsed := time.Since(start)
			logins := srv.Stats().Logins
			if err := c.Close(ctx); err != nil {
				b.Fatal(err)
			}
			rate[n] = 200 / elapsed.Seconds()
			b.ReportMetric(rate[n], fmt.Sprintf("req/s-%dkeys", n))
			b.ReportMetric(float64(logins), fmt.Sprintf("logins-%dkeys", n))
			b.ReportMetric(float64(srv.Sessions()), fmt.Sprintf("after-close-%dkeys", n))
		}
	}
	b.ReportMetric(rate[8]/rate[1], "8keys/1key")
}

// listArray serves GET /api/v1/volumes with n copies of the golden volume,
// written as it goes, and login. It is not an array: the heap benchmark
// needs a server that holds no big body, and the simulator builds its
// answer in memory, which would be in both measurements.
func listArray(tb testing.TB, n int) *httptest.Server {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "volume.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var member bytes.Buffer
	if err := json.Compact(&member, raw); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"key":"list-key"}`)
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/volumes":
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"total":%d,"members":[`, n)
			for i := range n {
				if i > 0 {
					_, _ = io.WriteString(w, ",")
				}
				_, _ = w.Write(member.Bytes())
			}
			_, _ = io.WriteString(w, "]}")
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	tb.Cleanup(srv.Close)
	return srv
}

// peakHeap runs f while sampling HeapAlloc every 2 ms and returns the
// highest sample above the heap after a GC before f.
func peakHeap(f func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	runtime.ReadMemStats(&ms) // the result f still holds counts too
	close(done)
	<-sampled
	peak = max(peak, ms.HeapAlloc)
	return peak - base
}

// BenchmarkVolumesAllMemory lists 100,000 volumes with Volumes.List and
// with the Volumes.All iterator and reports the peak heap of each and the
// ratio All/List (goal ≤ 0.05).
//
//	go test -run '^$' -bench BenchmarkVolumesAllMemory -benchtime 1x ./acceptance
func BenchmarkVolumesAllMemory(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	srv := listArray(b, n)
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c := ownTransportClient(b, srv.URL, pool, "u", "p")
	defer c.Close(ctx)
	var listPeak, allPeak uint64
	for range b.N {
		var vols []alletra.Volume
		listPeak = peakHeap(func() {
			var err error
			if vols, err = c.Volumes.List(ctx, nil); err != nil {
				b.Fatal(err)
			}
		})
		if len(vols) != n {
			b.Fatalf("List: %d volumes", len(vols))
		}
		vols = nil
		count := 0
		allPeak = peakHeap(func() {
			for _, err := range c.Volumes.All(ctx, nil) {
				if err != nil {
					b.Fatal(err)
				}
				count++
			}
		})
		if count != n {
			b.Fatalf("All: %d volumes", count)
		}
	}
	b.ReportMetric(float64(listPeak)/(1<<20), "list-peak-MiB")
	b.ReportMetric(float64(allPeak)/(1<<20), "all-peak-MiB")
	b.ReportMetric(float64(allPeak)/float64(listPeak), "all/list")
}
