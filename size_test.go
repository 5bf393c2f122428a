package alletra

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSizeConstants(t *testing.T) {
	t.Parallel()
	assert.Equal(t, int64(1048576), MiB)
	assert.Equal(t, int64(1073741824), GiB)
	assert.Equal(t, int64(268435456), VolumeGranularity)
}

func TestRoundVolumeSize(t *testing.T) {
	t.Parallel()
	maxAligned := int64(math.MaxInt64) &^ (VolumeGranularity - 1)
	tests := []struct {
		name  string
		bytes int64
		want  int64
	}{
		{"1 byte", 1, 256 * MiB},
		{"1 MiB", MiB, 256 * MiB},
		{"256 MiB - 1", 256*MiB - 1, 256 * MiB},
		{"exactly 256 MiB", 256 * MiB, 256 * MiB},
		{"256 MiB + 1", 256*MiB + 1, 512 * MiB},
		{"1 GB is 1024 MiB, not LXD's 953", 1_000_000_000, 1024 * MiB},
		{"1 GiB", GiB, GiB},
		{"1 GiB + 1", GiB + 1, GiB + 256*MiB},
		{"10 GiB, LXD's default", 10 * GiB, 10 * GiB},
		{"10 GB", 10_000_000_000, 9728 * MiB},
		{"largest aligned", maxAligned, maxAligned},
		{"largest that rounds", maxAligned - 1, maxAligned},
		{"smallest above the previous step", maxAligned - VolumeGranularity + 1, maxAligned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := RoundVolumeSize(tt.bytes)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			mib, err := VolumeSizeMiB(tt.bytes)
			require.NoError(t, err)
			assert.Equal(t, tt.want/MiB, mib)
		})
	}
}

func TestRoundVolumeSizeRefuses(t *testing.T) {
	t.Parallel()
	maxAligned := int64(math.MaxInt64) &^ (VolumeGranularity - 1)
	tests := []struct {
		name    string
		bytes   int64
		tooBig  bool
		message string
	}{
		{"zero", 0, false, "must be positive, got 0"},
		{"minus one", -1, false, "must be positive, got -1"},
		{"MinInt64", math.MinInt64, false, "must be positive"},
		{"MaxInt64", math.MaxInt64, true, "overflows int64"},
		{"just above the largest aligned", maxAligned + 1, true, "overflows int64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range []func(int64) (int64, error){RoundVolumeSize, VolumeSizeMiB} {
				got, err := f(tt.bytes)
				require.Error(t, err)
				assert.Zero(t, got)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "bytes", ve.Field)
				assert.Contains(t, err.Error(), tt.message)
				assert.ErrorIs(t, err, ErrInvalidInput)
				assert.Equal(t, tt.tooBig, errors.Is(err, ErrTooLarge))
			}
		})
	}
}

func TestMiBToBytes(t *testing.T) {
	t.Parallel()
	maxMiBValue := int64(math.MaxInt64) / MiB
	for _, tt := range []struct{ mib, want int64 }{
		{0, 0},
		{1, MiB},
		{256, 256 * MiB},
		{953, 953 * MiB},
		{1024, GiB},
		{maxMiBValue, maxMiBValue * MiB},
	} {
		got, err := MiBToBytes(tt.mib)
		require.NoError(t, err, tt.mib)
		assert.Equal(t, tt.want, got, tt.mib)
	}
	for _, tt := range []struct {
		mib    int64
		tooBig bool
	}{
		{-1, false},
		{math.MinInt64, false},
		{maxMiBValue + 1, true},
		{math.MaxInt64, true},
	} {
		got, err := MiBToBytes(tt.mib)
		assert.Zero(t, got)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, tt.mib)
		assert.Equal(t, "mib", ve.Field)
		assert.ErrorIs(t, err, ErrInvalidInput)
		assert.Equal(t, tt.tooBig, errors.Is(err, ErrTooLarge), tt.mib)
	}
}

func TestGrowDeltaMiB(t *testing.T) {
	t.Parallel()
	maxMiBValue := int64(math.MaxInt64) / MiB
	tests := []struct {
		name            string
		current, target int64
		want            int64
	}{
		{"equal", 1024, 1024, 0},
		{"equal, unaligned", 953, 953, 0},
		{"1 MiB more", 1024, 1025, 256},
		{"exactly one step", 1024, 1280, 256},
		{"one step and 1 MiB", 1024, 1281, 512},
		{"1 GiB to 10 GiB", 1024, 10240, 9216},
		{"LXD's truncated 953 MiB to 2 GB (1908 MiB)", 953, 1908, 1024},
		{"unaligned current", 1000, 1001, 256},
		{"from the smallest", 1, 2, 256},
		{"largest representable target", 256, maxMiBValue &^ 255, (maxMiBValue &^ 255) - 256},
		{"unaligned up to the byte limit", maxMiBValue - 256, maxMiBValue, 256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := GrowDeltaMiB(tt.current, tt.target)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.GreaterOrEqual(t, tt.current+got, tt.target, "never smaller than the target")
			assert.Zero(t, got%256)
		})
	}
}

func TestGrowDeltaMiBRefuses(t *testing.T) {
	t.Parallel()
	maxMiBValue := int64(math.MaxInt64) / MiB
	tests := []struct {
		name            string
		current, target int64
		field           string
		class           error // besides ErrInvalidInput
	}{
		{"shrink", 1280, 1024, "targetMiB", ErrCannotShrink},
		{"shrink by 1 MiB", 1024, 1023, "targetMiB", ErrCannotShrink},
		{"zero current", 0, 1024, "currentMiB", nil},
		{"negative current", -256, 1024, "currentMiB", nil},
		{"zero target", 1024, 0, "targetMiB", nil},
		{"negative target", 1024, -1, "targetMiB", nil},
		{"MinInt64 target", 1024, math.MinInt64, "targetMiB", nil},
		{"target overflows bytes", 1024, maxMiBValue + 1, "targetMiB", ErrTooLarge},
		{"MaxInt64 target", 1024, math.MaxInt64, "targetMiB", ErrTooLarge},
		{"MaxInt64 both, equal", math.MaxInt64, math.MaxInt64, "", nil}, // equal: no error, see below
		{"rounded delta overflows bytes", maxMiBValue - 1, maxMiBValue, "targetMiB", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := GrowDeltaMiB(tt.current, tt.target)
			assert.Zero(t, got)
			if tt.field == "" {
				assert.NoError(t, err, "equal sizes need no grow")
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.ErrorIs(t, err, ErrInvalidInput)
			if tt.class != nil {
				assert.ErrorIs(t, err, tt.class)
			} else {
				assert.NoError(t, ve.Err)
			}
		})
	}
}

// FuzzRoundVolumeSize checks that RoundVolumeSize either refuses the input
// with a *ValidationError or returns an aligned size of at least 256 MiB
// that is never smaller than the input, and less than one step above it.
func FuzzRoundVolumeSize(f *testing.F) {
	for _, b := range []int64{0, -1, 1, 256*MiB - 1, 256 * MiB, 256*MiB + 1, 1e9, math.MaxInt64, math.MinInt64,
		math.MaxInt64 - VolumeGranularity + 1, math.MaxInt64 - VolumeGranularity + 2} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, bytes int64) {
		got, err := RoundVolumeSize(bytes)
		mib, mibErr := VolumeSizeMiB(bytes)
		if err != nil {
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "bytes", ve.Field)
			require.ErrorIs(t, err, ErrInvalidInput)
			require.Zero(t, got)
			require.Error(t, mibErr)
			require.Zero(t, mib)
			if bytes > 0 {
				require.ErrorIs(t, err, ErrTooLarge)
			}
			return
		}
		require.Positive(t, bytes)
		require.GreaterOrEqual(t, got, bytes, "never smaller than the input")
		require.GreaterOrEqual(t, got, VolumeGranularity)
		require.Zero(t, got%VolumeGranularity)
		require.Less(t, got-bytes, VolumeGranularity, "at most one step above")
		require.NoError(t, mibErr)
		require.Equal(t, got/MiB, mib)
		back, err := MiBToBytes(mib)
		require.NoError(t, err)
		require.Equal(t, got, back)
	})
}

// FuzzGrowDeltaMiB checks that a grow never ends below the target, moves in
// 256 MiB steps, and overshoots by less than one step.
func FuzzGrowDeltaMiB(f *testing.F) {
	f.Add(int64(1024), int64(1025))
	f.Add(int64(953), int64(1908))
	f.Add(int64(1024), int64(1000))
	f.Add(int64(0), int64(1))
	f.Add(int64(1), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, current, target int64) {
		got, err := GrowDeltaMiB(current, target)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidInput)
			require.Zero(t, got)
			if current > 0 && target > 0 && target < current {
				require.ErrorIs(t, err, ErrCannotShrink)
			}
			return
		}
		require.Positive(t, current)
		require.GreaterOrEqual(t, target, current)
		require.Zero(t, got%256)
		require.GreaterOrEqual(t, current+got, target)
		require.Less(t, current+got-target, int64(256))
		_, err = MiBToBytes(current + got)
		require.NoError(t, err)
	})
}

func TestBytesFromMiB(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mib  int64
		want int64
	}{
		{0, 0},
		{1, MiB},
		{256, VolumeGranularity},
		{math.MaxUint32, math.MaxUint32 * MiB}, // the largest WSAPI sizeMiB
		{maxMiB, maxMiB * MiB},
		{maxMiB + 1, math.MaxInt64},
		{math.MaxInt64, math.MaxInt64},
		{-1, 0},
		{math.MinInt64, 0},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, BytesFromMiB(tc.mib), "BytesFromMiB(%d)", tc.mib)
	}
	v := &Volume{SizeMiB: 1024, TotalUsedMiB: 3}
	assert.Equal(t, 1024*MiB, v.SizeBytes())
	assert.Equal(t, 3*MiB, v.UsedBytes())
}
