package acceptance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// seedVolumes creates n volumes on the simulator through the SDK, 8 at a time.
func seedVolumes(tb testing.TB, c *alletra.Client, n int) {
	tb.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{
					Name: fmt.Sprintf("bench-%05d", i), CPG: "SSD_r6", SizeMiB: 256, Comment: "benchmark volume"})
				if err != nil {
					tb.Error(err)
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// rawList fetches GET /api/v1/volumes with a plain client, to decode the
// same bytes without the SDK.
func rawList(tb testing.TB, srv *alletratest.Server) []byte {
	tb.Helper()
	hc := srv.HTTPClient()
	defer hc.CloseIdleConnections()
	key := rawLogin(tb, hc, srv.URL, srv.Username(), srv.Password())
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/volumes", nil)
	req.Header.Set(alletratest.SessionHeader, key)
	resp, err := hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	del, _ := http.NewRequest(http.MethodDelete, srv.URL+"/api/v1/credentials/"+key, nil)
	if r, err := hc.Do(del); err == nil {
		r.Body.Close()
	}
	return b
}

// BenchmarkVolumesList10000 compares the allocations of Volumes.List of
// 10,000 volumes over TLS from the simulator with a bare keep-alive GET and
// typed json.Decoder of the same answer (the simulator's own allocations are
// in both), and, without any array, typed and map[string]any decodes of the
// same bytes in memory.
//
//	go test -run '^$' -bench BenchmarkVolumesList10000 -benchmem -benchtime 20x ./acceptance
func BenchmarkVolumesList10000(b *testing.B) {
	srv := alletratest.NewTestServer(b)
	c, err := srv.Client(alletra.WithMaxInFlight(8))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	seedVolumes(b, c, 10000)
	_ = c.Close(ctx)
	raw := rawList(b, srv)

	sc, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	defer sc.Close(ctx)
	hc := srv.HTTPClient()
	defer hc.CloseIdleConnections()
	key := rawLogin(b, hc, srv.URL, srv.Username(), srv.Password())
	type list struct {
		Total   int              `json:"total"`
		Members []alletra.Volume `json:"members"`
	}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			vols, err := sc.Volumes.List(ctx, nil)
			if err != nil || len(vols) != 10000 {
				b.Fatal(err, len(vols))
			}
		}
	})
	b.Run("bare-get-typed-decoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/volumes", nil)
			req.Header.Set(alletratest.SessionHeader, key)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out list
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || len(out.Members) != 10000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("typed-decoder-from-memory", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out list
			if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&out); err != nil || len(out.Members) != 10000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("map-any-from-memory", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out map[string]any
			if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkThroughput measures Volumes.Get calls per second with 1, 8 and 32
// workers sharing one client (WithMaxInFlight equal to the workers) against
// a simulated array that takes 2 ms per GET, and reports the most requests
// the array saw at once (never above the bound).
//
//	go test -run '^$' -bench BenchmarkThroughput -benchtime 2000x ./acceptance
func BenchmarkThroughput(b *testing.B) {
	for _, workers := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			srv := alletratest.NewTestServer(b)
			c, err := srv.Client(alletra.WithMaxInFlight(workers))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "tp", CPG: "SSD_r6", SizeMiB: 256}); err != nil {
				b.Fatal(err)
			}
			// Each GET takes 2 ms at the array, as a real one would, so that
			// requests overlap and the in-flight bound is what limits them.
			srv.InjectFault(http.MethodGet, "/api/v1/volumes/{name}",
				alletratest.Fault{Kind: alletratest.FaultDelay, Delay: 2 * time.Millisecond, Times: -1})
			srv.ResetStats()
			work := make(chan struct{})
			var wg sync.WaitGroup
			// twice as many goroutines as slots, so the bound is what limits concurrency
			for range 2 * workers {
				wg.Go(func() {
					for range work {
						if _, err := c.Volumes.Get(ctx, "tp"); err != nil {
							b.Error(err)
						}
					}
				})
			}
			start := time.Now()
			b.ResetTimer()
			for range b.N {
				work <- struct{}{}
			}
			close(work)
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			peak := srv.Stats().MaxConcurrent
			b.ReportMetric(float64(peak), "max-concurrent")
			if peak > workers {
				b.Fatalf("the array saw %d concurrent requests; bound %d", peak, workers)
			}
			_ = c.Close(ctx)
		})
	}
}

// BenchmarkSimTaskWait restores a snapshot whose promote task takes 100 ms,
// 1 s and 10 s on the simulator and reports the overshoot beyond the task's
// duration and the task polls per wait (goal: overshoot <= 20% + 250 ms).
//
//	go test -run '^$' -bench BenchmarkSimTaskWait -benchtime 1x ./acceptance
func BenchmarkSimTaskWait(b *testing.B) {
	for _, d := range []time.Duration{100 * time.Millisecond, time.Second, 10 * time.Second} {
		b.Run(d.String(), func(b *testing.B) {
			srv := alletratest.NewTestServer(b, alletratest.WithTaskDuration(d))
			c, err := srv.Client()
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			defer c.Close(ctx)
			if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "tw", CPG: "SSD_r6", SizeMiB: 256}); err != nil {
				b.Fatal(err)
			}
			var over time.Duration
			var polls int
			for i := range b.N {
				snap := fmt.Sprintf("tw-s%d", i)
				if err := c.Snapshots.Create(ctx, "tw", &alletra.SnapshotCreateRequest{Name: snap}); err != nil {
					b.Fatal(err)
				}
				before := srv.Requests(http.MethodGet, "/api/v1/tasks/{id}")
				start := time.Now()
				if err := c.Snapshots.Restore(ctx, snap); err != nil {
					b.Fatal(err)
				}
				over += time.Since(start) - d
				polls += srv.Requests(http.MethodGet, "/api/v1/tasks/{id}") - before
			}
			b.ReportMetric(float64(over.Milliseconds())/float64(b.N), "overshoot-ms")
			b.ReportMetric(float64(polls)/float64(b.N), "polls/wait")
			b.ReportMetric(float64(d.Milliseconds())*0.2+250, "goal-ms")
		})
	}
}
