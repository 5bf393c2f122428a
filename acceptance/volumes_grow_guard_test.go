package acceptance_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// lateGrow makes the next grow of srv reach the array only after the
// client's request timeout: the simulator holds the PUT for lateGrowDelay
// and carries it out then, while the client gives up after lateGrowTimeout.
// Both run on a synctest bubble's clock (see guardArrayInBubble), so no test
// waits for them. It returns a function that waits until the volume's size
// is no longer from, i.e. until the late grow has landed.
const (
	lateGrowTimeout = time.Second
	lateGrowDelay   = 2500 * time.Millisecond
)

func lateGrow(t *testing.T, g *guard, from int64) (landed func()) {
	t.Helper()
	require.NoError(t, g.srv.InjectFault(http.MethodPut, "/api/v1/volumes/{name}",
		alletratest.Fault{Kind: alletratest.FaultDelay, Delay: lateGrowDelay, Times: 1}))
	return func() {
		t.Helper()
		require.Eventually(t, func() bool {
			v, ok := g.srv.Volume("c-guard")
			return ok && v.SizeMiB != from
		}, time.Minute, 5*time.Millisecond, "the late grow lands")
	}
}

// guard is a simulator with a 1024 MiB volume "c-guard", and a client.
type guard struct {
	srv *alletratest.Server
	c   *alletra.Client
	log requestLog // the array's request log: what it has finished
}

func guardArray(t *testing.T, extra ...alletra.Option) *guard {
	t.Helper()
	g := new(guard)
	g.srv = alletratest.NewTestServer(t, alletratest.WithRequestLog(slog.New(&g.log)))
	g.c = flowClient(t, g.srv, extra...)
	require.NoError(t, g.c.Volumes.Create(context.Background(),
		&alletra.VolumeCreateRequest{Name: "c-guard", CPG: flowCPG, SizeMiB: 1024}))
	return g
}

// guardArrayInBubble is guardArray for a synctest bubble: the simulator is
// served over in-memory pipes, so that its delays and the client's timeouts
// run on the bubble's clock. Call it inside synctest.Test.
func guardArrayInBubble(t *testing.T, extra ...alletra.Option) *guard {
	t.Helper()
	pipes := newPipeNet()
	g := new(guard)
	g.srv = alletratest.NewTestServer(t, alletratest.WithListener(pipes), alletratest.WithPlainHTTP(),
		alletratest.WithRequestLog(slog.New(&g.log)))
	g.c = flowClient(t, g.srv, append([]alletra.Option{
		alletra.WithHTTPClient(&http.Client{Transport: &http.Transport{DialContext: pipes.DialContext}})}, extra...)...)
	require.NoError(t, g.c.Volumes.Create(context.Background(),
		&alletra.VolumeCreateRequest{Name: "c-guard", CPG: flowCPG, SizeMiB: 1024}))
	return g
}

// quiet waits until every PUT that reached the array has finished, so that
// a late grow can no longer change the size, and returns how many reached it.
func (g *guard) quiet(t *testing.T) int {
	t.Helper()
	require.Eventually(t, func() bool {
		return g.puts() == g.srv.Requests(http.MethodPut, "/api/v1/volumes/{name}")
	}, time.Minute, 5*time.Millisecond)
	return g.puts()
}

func (g *guard) size(t *testing.T) int64 {
	t.Helper()
	v, ok := g.srv.Volume("c-guard")
	require.True(t, ok)
	return v.SizeMiB
}

// puts counts the PUT /api/v1/volumes/<name> requests the array has
// finished.
func (g *guard) puts() int {
	g.log.mu.Lock()
	defer g.log.mu.Unlock()
	n := 0
	for _, r := range g.log.reqs {
		if strings.HasPrefix(r, "PUT /api/v1/volumes/") {
			n++
		}
	}
	return n
}

// Issue 20: a grow whose answer comes after the client's timeout, then the
// documented recovery (ResizeTo to the intended size), must not grow twice,
// whether Grow or ResizeTo sent the late grow. On the old code the recovery
// read 1024, grew by 512, and the late grow landed on top: 2048 MiB. In the
// bubble the order is fixed: the client gives up at 1 s, the recovery runs
// before the array carries the grow out at 2.5 s.
func TestTimedOutGrowThenResizeToNeverDoubles(t *testing.T) {
	t.Parallel()
	for _, sender := range []string{"Grow", "ResizeTo"} {
		t.Run(sender, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				g := guardArrayInBubble(t, alletra.WithRequestTimeout(lateGrowTimeout))
				c := g.c
				ctx := context.Background()
				landed := lateGrow(t, g, 1024)

				var err error
				if sender == "Grow" {
					err = c.Volumes.Grow(ctx, "c-guard", 512)
				} else {
					_, err = c.Volumes.ResizeTo(ctx, "c-guard", 1536)
				}
				require.ErrorIs(t, err, alletra.ErrGrowPending, "the grow timed out on the client")

				// The recovery Grow's doc gives: ResizeTo to the intended
				// size. Until the size changes it refuses to grow again.
				_, err = c.Volumes.ResizeTo(ctx, "c-guard", 1536)
				require.ErrorIs(t, err, alletra.ErrGrowPending, "the late grow has not landed yet")
				landed()
				size, err := c.Volumes.ResizeTo(ctx, "c-guard", 1536)
				require.NoError(t, err)
				assert.EqualValues(t, 1536, size)
				assert.Equal(t, 1, g.quiet(t), "one grow reached the array")
				assert.EqualValues(t, 1536, g.size(t), "grown once, to the intended size")
				closeFlow(t, g.srv, c)
			})
		})
	}
}

// dropGrow makes the next grow of g's array never reach it: the connection
// is cut before the array does anything, so the client cannot know.
func dropGrow(t *testing.T, g *guard) {
	t.Helper()
	require.NoError(t, g.srv.InjectFault(http.MethodPut, "/api/v1/volumes/{name}",
		alletratest.Fault{Kind: alletratest.FaultDropBeforeCommit, Times: 1}))
}

// Issue 20: a grow that never reached the array blocked ResizeTo for the
// life of the client. The guard now settles after the settle time on the
// client's clock, and ResizeTo then grows once.
func TestDroppedGrowSettles(t *testing.T) {
	t.Parallel()
	for _, sender := range []string{"ResizeTo", "Grow"} {
		t.Run(sender, func(t *testing.T) {
			t.Parallel()
			clk := alletratest.NewManualClock(time.Date(2026, 12, 8, 4, 0, 0, 0, time.UTC))
			g := guardArray(t, alletra.WithClock(clk.Now), alletra.WithGrowSettleTime(10*time.Minute))
			ctx := context.Background()
			dropGrow(t, g)
			var err error
			if sender == "Grow" {
				err = g.c.Volumes.Grow(ctx, "c-guard", 512)
			} else {
				_, err = g.c.Volumes.ResizeTo(ctx, "c-guard", 1536)
			}
			require.ErrorIs(t, err, alletra.ErrGrowPending)
			var pe *alletra.GrowPendingError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, clk.Now().Add(10*time.Minute), pe.SettlesAt)

			clk.Advance(10*time.Minute - time.Second)
			_, err = g.c.Volumes.ResizeTo(ctx, "c-guard", 1536)
			require.ErrorIs(t, err, alletra.ErrGrowPending, "not settled yet")
			assert.EqualValues(t, 1024, g.size(t))

			clk.Advance(time.Second)
			size, err := g.c.Volumes.ResizeTo(ctx, "c-guard", 1536)
			require.NoError(t, err, "settled: the grow was lost")
			assert.EqualValues(t, 1536, size)
			assert.EqualValues(t, 1536, g.size(t), "grown once")
			assert.Equal(t, 2, g.quiet(t), "the dropped grow and one more")
			closeFlow(t, g.srv, g.c)
		})
	}
}

// The default settle time applies without options, on the real clock: a
// fresh guard blocks.
func TestDroppedGrowDefaultSettleTime(t *testing.T) {
	t.Parallel()
	g := guardArray(t)
	ctx := context.Background()
	dropGrow(t, g)
	before := time.Now()
	_, err := g.c.Volumes.ResizeTo(ctx, "c-guard", 1536)
	var pe *alletra.GrowPendingError
	require.ErrorAs(t, err, &pe)
	assert.WithinRange(t, pe.SettlesAt, before.Add(alletra.DefaultGrowSettleTime), time.Now().Add(alletra.DefaultGrowSettleTime))
	closeFlow(t, g.srv, g.c)
}

// The caller ends the guard deliberately.
func TestForgetPendingGrow(t *testing.T) {
	t.Parallel()
	g := guardArray(t)
	ctx := context.Background()
	assert.False(t, g.c.Volumes.ForgetPendingGrow("c-guard"), "nothing pending")
	dropGrow(t, g)
	require.ErrorIs(t, g.c.Volumes.Grow(ctx, "c-guard", 512), alletra.ErrGrowPending)
	_, err := g.c.Volumes.ResizeTo(ctx, "c-guard", 1536)
	require.ErrorIs(t, err, alletra.ErrGrowPending)

	assert.True(t, g.c.Volumes.ForgetPendingGrow("c-guard"))
	size, err := g.c.Volumes.ResizeTo(ctx, "c-guard", 1536)
	require.NoError(t, err)
	assert.EqualValues(t, 1536, size)
	assert.EqualValues(t, 1536, g.size(t))
	closeFlow(t, g.srv, g.c)
}

// While a grow is pending, a request the volume already meets is answered
// without a grow, and a shrink is still refused: nothing is sent either way.
func TestPendingGrowStillAnswersWithoutGrowing(t *testing.T) {
	t.Parallel()
	g := guardArray(t)
	ctx := context.Background()
	dropGrow(t, g)
	_, err := g.c.Volumes.ResizeTo(ctx, "c-guard", 2048)
	require.ErrorIs(t, err, alletra.ErrGrowPending)
	size, err := g.c.Volumes.ResizeTo(ctx, "c-guard", 1000)
	require.NoError(t, err)
	assert.EqualValues(t, 1024, size)
	_, err = g.c.Volumes.ResizeTo(ctx, "c-guard", 512)
	require.ErrorIs(t, err, alletra.ErrCannotShrink)
	// The caller's size is not trusted while a grow is pending: Resize reads.
	gets := g.srv.Requests(http.MethodGet, "/api/v1/volumes/{name}")
	_, err = g.c.Volumes.Resize(ctx, "c-guard", 2048, &alletra.ResizeOptions{CurrentMiB: 1024})
	require.ErrorIs(t, err, alletra.ErrGrowPending)
	assert.Equal(t, gets+1, g.srv.Requests(http.MethodGet, "/api/v1/volumes/{name}"))
	assert.Equal(t, 1, g.quiet(t), "only the dropped grow was sent")
	closeFlow(t, g.srv, g.c)
}
