package alletra

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A caller that has read the volume sends one request to grow it, none
// when it is large enough, and learns whether it grew.
func TestVolumesResizeWithCurrentSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		current, target   int64
		readBack          bool
		want              ResizeResult
		gets, puts, delta int
	}{
		{"grow, no read", 1024, 1500, false, ResizeResult{Grown: true, FromMiB: 1024, ByMiB: 512}, 0, 1, 512},
		{"grow, read back", 1024, 1500, true, ResizeResult{Grown: true, FromMiB: 1024, ByMiB: 512, SizeMiB: 2024}, 1, 1, 512},
		{"already there", 1536, 1500, true, ResizeResult{FromMiB: 1536, SizeMiB: 1536}, 0, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			// The array rounds the grow to its 1000 MiB unit: only a read
			// tells. Unregistered routes fail the test when called.
			if tc.gets > 0 {
				m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v1", jsonResponder(http.StatusOK, obj{"name": "v1", "sizeMiB": 2024}))
			}
			if tc.puts > 0 {
				expectCall(t, m, http.MethodPut, testAPI+"/volumes/v1", "", obj{"action": 3, "sizeMiB": tc.delta}, okEmpty(http.StatusOK))
			}
			r, err := c.Volumes.Resize(context.Background(), "v1", tc.target, &ResizeOptions{CurrentMiB: tc.current, ReadBack: tc.readBack})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r)
			sent := tc.gets + tc.puts
			if sent > 0 {
				sent++ // the login
			}
			assert.Equal(t, sent, m.GetTotalCallCount())
		})
	}
}

// The safety checks hold at no request cost with the caller's size: the
// rounding (a target inside the current 256 MiB step is a no-op), no
// shrink, and a missing volume still says not found (from the grow).
func TestVolumesResizeChecksWithCurrentSize(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	r, err := c.Volumes.Resize(ctx, "v1", 1100, &ResizeOptions{CurrentMiB: 1280})
	require.NoError(t, err)
	assert.Equal(t, ResizeResult{FromMiB: 1280, SizeMiB: 1280}, r, "1100 rounds to 1280")
	_, err = c.Volumes.Resize(ctx, "v1", 1024, &ResizeOptions{CurrentMiB: 1280})
	require.ErrorIs(t, err, ErrCannotShrink)
	assert.Zero(t, m.GetTotalCallCount(), "no request")

	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/gone", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no"))
	_, err = c.Volumes.Resize(ctx, "gone", 2048, &ResizeOptions{CurrentMiB: 1024})
	require.ErrorIs(t, err, ErrNotFound)
	assert.NotErrorIs(t, err, ErrGrowPending, "a 404 is an answer: nothing pending")
	assert.False(t, c.Volumes.ForgetPendingGrow("gone"))
}

func TestVolumesResizeValidation(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	for field, err := range map[string]error{
		"sizeMiB":    second(c.Volumes.Resize(ctx, "v1", 0, nil)),
		"CurrentMiB": second(c.Volumes.Resize(ctx, "v1", 1024, &ResizeOptions{CurrentMiB: -1})),
		"sizeBytes":  second(c.Volumes.ResizeBytes(ctx, "v1", 0, nil)),
		"name":       second(c.Volumes.Resize(ctx, "", 1024, nil)),
	} {
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.Equal(t, field, ve.Field)
	}
	_, err := c.Volumes.ResizeBytes(ctx, "v1", math.MaxInt64, nil)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Zero(t, m.GetTotalCallCount())
}

func second[T any](_ T, err error) error { return err }

// ResizeBytes rounds the bytes up to 256 MiB, never down.
func TestVolumesResizeBytes(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	puts := expectCall(t, m, http.MethodPut, testAPI+"/volumes/v1", "", obj{"action": 3, "sizeMiB": 256}, okEmpty(http.StatusOK))
	const gb = 1_000_000_000 // LXD's "1GB": 953.67 MiB, rounded to 1024
	r, err := c.Volumes.ResizeBytes(context.Background(), "v1", gb, &ResizeOptions{CurrentMiB: 768})
	require.NoError(t, err)
	assert.Equal(t, ResizeResult{Grown: true, FromMiB: 768, ByMiB: 256}, r)
	r, err = c.Volumes.ResizeBytes(context.Background(), "v1", gb, &ResizeOptions{CurrentMiB: 1024})
	require.NoError(t, err)
	assert.False(t, r.Grown, "1 GB fits in 1024 MiB")
	assert.EqualValues(t, 1, puts.Load())
}

// A grow whose outcome is unknown (502 here) guards the volume whichever
// call sent it, until the size changes or the settle time has passed on the
// client's clock.
func TestVolumesGrowGuardSettles(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 8, 4, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c, m := newMock(t, WithClock(clock), WithGrowSettleTime(time.Minute))
	ctx := context.Background()
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v1", jsonResponder(http.StatusOK, obj{"name": "v1", "sizeMiB": 1024}))
	grow, n := sequence(errorResponder(http.StatusBadGateway, 0, "proxy"), okEmpty(http.StatusOK))
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v1", grow)

	err := c.Volumes.Grow(ctx, "v1", 512)
	var pe *GrowPendingError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, GrowPendingError{Volume: "v1", ByMiB: 512, SettlesAt: now.Add(time.Minute), Err: pe.Err}, *pe)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "the grow's failure is kept")
	assert.Contains(t, err.Error(), "guarded until 2026-12-08T04:01:00Z")

	_, err = c.Volumes.ResizeTo(ctx, "v1", 1536)
	require.ErrorAs(t, err, &pe)
	assert.EqualValues(t, 1024, pe.FromMiB, "the first read gives the guard its starting size")
	assert.Nil(t, pe.Err)
	now = now.Add(time.Minute - time.Nanosecond)
	_, err = c.Volumes.ResizeTo(ctx, "v1", 1536)
	require.ErrorIs(t, err, ErrGrowPending)
	assert.EqualValues(t, 1, n.Load())

	now = now.Add(time.Nanosecond)
	r, err := c.Volumes.Resize(ctx, "v1", 1536, nil)
	require.NoError(t, err)
	assert.True(t, r.Grown)
	assert.EqualValues(t, 2, n.Load())
	assert.False(t, c.Volumes.ForgetPendingGrow("v1"), "settled")
}

// The guard ends when the size differs from where the grow started.
func TestVolumesGrowGuardEndsWhenTheSizeChanges(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	get, _ := sequence(jsonResponder(http.StatusOK, obj{"name": "v1", "sizeMiB": 1024}),
		jsonResponder(http.StatusOK, obj{"name": "v1", "sizeMiB": 1024}),
		jsonResponder(http.StatusOK, obj{"name": "v1", "sizeMiB": 1536}))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v1", get)
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/v1", errorResponder(http.StatusGatewayTimeout, 0, "slow"))
	_, err := c.Volumes.ResizeTo(ctx, "v1", 1536) // GET 1024, PUT 504
	require.ErrorIs(t, err, ErrGrowPending)
	_, err = c.Volumes.ResizeTo(ctx, "v1", 1536) // GET 1024
	require.ErrorIs(t, err, ErrGrowPending)
	size, err := c.Volumes.ResizeTo(ctx, "v1", 1536) // GET 1536: it landed
	require.NoError(t, err)
	assert.EqualValues(t, 1536, size)
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/v1"))
	assert.False(t, c.Volumes.ForgetPendingGrow("v1"))
}

func TestSizeOptions(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]Option{
		"WithClock":          WithClock(nil),
		"WithGrowSettleTime": WithGrowSettleTime(0),
		"WithMaxSizeMiB":     WithMaxSizeMiB(0),
		"WithMaxSizeMiB big": WithMaxSizeMiB(math.MaxUint32 + 1),
	} {
		_, err := NewClient(testEndpoint, testUser, testPassword, opt)
		assert.ErrorIs(t, err, ErrInvalidInput, name)
	}
	_, err := NewClient(testEndpoint, testUser, testPassword, WithMaxSizeMiB(math.MaxUint32))
	assert.NoError(t, err)
}
