package acceptance_test

// Task-wait benchmarks: how long after an array task ends does the SDK
// notice? The simulator's promote task ends a fixed (real) time after the
// promote PUT; the overshoot is the call's return minus the task's Finish.
//
//	go test -run '^$' -bench 'RestoreWait|TaskWaitOvershoot' -benchtime 1x ./acceptance
//
// Metrics: ms/restore or ms/wait (call to return), overshoot-ms (return minus
// the task's end), polls/op (GET /tasks/{id} per wait).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// taskBench is a simulated array whose tasks take d, with a client
// (default task polling) and a base volume to take snapshots of.
type taskBench struct {
	srv  *alletratest.Server
	c    *alletra.Client
	hc   *http.Client
	key  string // a raw session, for the requests the SDK makes only with its wait
	n    int
	last int // GET /tasks/{id} count at the previous takePolls
}

const taskBenchVol = "tw"

func newTaskBench(b *testing.B, d time.Duration) *taskBench {
	b.Helper()
	srv := alletratest.NewTestServer(b, alletratest.WithTaskDuration(d))
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Cleanup(func() { _ = c.Close(ctx) })
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: taskBenchVol, CPG: "SSD_r6", SizeMiB: 256}); err != nil {
		b.Fatal(err)
	}
	hc := srv.HTTPClient()
	b.Cleanup(hc.CloseIdleConnections)
	return &taskBench{srv: srv, c: c, hc: hc, key: rawLogin(b, hc, srv.URL, srv.Username(), srv.Password())}
}

// snapshot creates a new snapshot of the base volume (outside the measurement).
func (tb *taskBench) snapshot(b *testing.B) string {
	b.Helper()
	tb.n++
	name := fmt.Sprintf("%s-s%d", taskBenchVol, tb.n)
	if err := tb.c.Snapshots.Create(context.Background(), taskBenchVol, &alletra.SnapshotCreateRequest{Name: name}); err != nil {
		b.Fatal(err)
	}
	tb.takePolls()
	return name
}

// promote sends the promote PUT with net/http alone and returns the task id,
// as LXD's driver does before it polls.
func (tb *taskBench) promote(b *testing.B, ctx context.Context, snapshot string) int {
	b.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, tb.srv.URL+"/api/v1/volumes/"+snapshot, strings.NewReader(`{"action":4}`))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(alletratest.SessionHeader, tb.key)
	resp, err := tb.hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		TaskID int `json:"taskid"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.TaskID == 0 {
		b.Fatalf("promote %s: status %d, %v", snapshot, resp.StatusCode, err)
	}
	return out.TaskID
}

// end returns when the newest task finished.
func (tb *taskBench) end(b *testing.B) time.Time {
	b.Helper()
	tasks := tb.srv.Tasks()
	if len(tasks) == 0 || tasks[len(tasks)-1].Finish.IsZero() {
		b.Fatal("no finished task")
	}
	return tasks[len(tasks)-1].Finish
}

// takePolls returns the task polls since the previous call.
func (tb *taskBench) takePolls() int {
	n := tb.srv.Requests(http.MethodGet, "/api/v1/tasks/{id}")
	d := n - tb.last
	tb.last = n
	return d
}

type benchResult struct {
	total, overshoot time.Duration
	polls, iters     int
}

func (r *benchResult) add(tb *taskBench, b *testing.B, start, done time.Time) {
	r.total += done.Sub(start)
	r.overshoot += done.Sub(tb.end(b))
	r.polls += tb.takePolls()
	r.iters++
}

func (r *benchResult) report(b *testing.B, unit string) {
	n := float64(max(r.iters, 1)) // own count: independent of how the framework sets b.N
	b.ReportMetric(float64(r.total.Microseconds())/1000/n, unit)
	b.ReportMetric(float64(r.overshoot.Microseconds())/1000/n, "overshoot-ms")
	b.ReportMetric(float64(r.polls)/n, "polls/op")
}

// BenchmarkRestoreWait: Snapshots.Restore of a snapshot whose promote task
// takes 300 ms / 2 s. The bound: 610 ms / 2.65 s.
func BenchmarkRestoreWait(b *testing.B) {
	for _, d := range []time.Duration{300 * time.Millisecond, 2 * time.Second} {
		b.Run(d.String(), func(b *testing.B) {
			tb := newTaskBench(b, d)
			ctx := context.Background()
			var r benchResult
			for b.Loop() {
				snap := tb.snapshot(b)
				start := time.Now()
				if err := tb.c.Snapshots.Restore(ctx, snap); err != nil {
					b.Fatal(err)
				}
				r.add(tb, b, start, time.Now())
			}
			r.report(b, "ms/restore")
		})
	}
}

// lxdStyleRestore emulates LXD's RestoreVolumeSnapshot: the promote PUT,
// then a task poll every 5 s on a fixed ticker until the task is no longer
// active.
func lxdStyleRestore(ctx context.Context, b *testing.B, tb *taskBench, snapshot string) error {
	id := tb.promote(b, ctx, snapshot)
	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
	for {
		t, err := tb.c.Tasks.Get(ctx, id)
		if err != nil {
			return err
		}
		if t.Status != alletra.TaskActive {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}

// BenchmarkRestoreWaitLXDStyle is the contrast: the same 300 ms promote
// waited for with LXD's fixed 5 s polling.
func BenchmarkRestoreWaitLXDStyle(b *testing.B) {
	b.Run("300ms", func(b *testing.B) {
		tb := newTaskBench(b, 300*time.Millisecond)
		ctx := context.Background()
		var r benchResult
		for b.Loop() {
			snap := tb.snapshot(b)
			start := time.Now()
			if err := lxdStyleRestore(ctx, b, tb, snap); err != nil {
				b.Fatal(err)
			}
			r.add(tb, b, start, time.Now())
		}
		r.report(b, "ms/restore")
	})
}

// BenchmarkTaskWaitOvershoot: Tasks.Wait on tasks of 100 ms, 1 s and 10 s
// that start just before the wait starts. The 10 s case runs one iteration
// under the default -benchtime.
func BenchmarkTaskWaitOvershoot(b *testing.B) {
	for _, d := range []time.Duration{100 * time.Millisecond, time.Second, 10 * time.Second} {
		b.Run(d.String(), func(b *testing.B) {
			tb := newTaskBench(b, d)
			ctx := context.Background()
			var r benchResult
			for b.Loop() {
				snap := tb.snapshot(b)
				start := time.Now()
				id := tb.promote(b, ctx, snap)
				if _, err := tb.c.Tasks.Wait(ctx, id); err != nil {
					b.Fatal(err)
				}
				r.add(tb, b, start, time.Now())
			}
			r.report(b, "ms/wait")
		})
	}
}
