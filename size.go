package alletra

import (
	"math"
	"strconv"
)

// Size units and the array's allocation granularity, as typed int64 constants
// so that byte counts never pass through an untyped or 32-bit int.
const (
	// MiB is one mebibyte (2^20 bytes), the unit of every WSAPI size field
	// (sizeMiB, totalUsedMiB, ...).
	MiB int64 = 1 << 20
	// GiB is one gibibyte (2^30 bytes).
	GiB int64 = 1 << 30
	// VolumeGranularity is the step in which the array allocates volume
	// space: a create request is rounded up to the next multiple of 256 MiB.
	// A grow amount is rounded up to the array's chunklet size, 256 MiB or
	// (on some arrays) 1000 MiB, so the size after a grow is known only by
	// reading it.
	VolumeGranularity = 256 * MiB
)

// Largest values that can be rounded or converted without overflowing int64.
const (
	maxRoundableBytes = math.MaxInt64 - (VolumeGranularity - 1) // the largest input RoundVolumeSize accepts
	granularityMiB    = VolumeGranularity / MiB                 // 256
	maxMiB            = math.MaxInt64 / MiB                     // the largest MiB count whose byte count fits int64
)

// RoundVolumeSize returns bytes rounded up to the next multiple of
// VolumeGranularity (256 MiB), and at least 256 MiB. That is the size the
// array will really allocate, so it is the size a caller should request,
// record and later compare against.
//
// It never rounds down. LXD's driver truncates to whole MiB instead: a
// "1GB" volume (10^9 bytes, 953.67 MiB) is requested as 953 MiB, the array
// rounds that up to 1024 MiB, and a later resize or copy to "1GB" then fails
// with "cannot be shrunk" because the array's volume is larger than the
// requested size. Rounding up here, once, keeps the caller's idea of the size
// and the array's identical.
//
// Zero and negative sizes are refused with a *ValidationError (Field
// "bytes"); so is a size whose rounded value would exceed math.MaxInt64
// (the error then also matches ErrTooLarge). Such errors match
// ErrInvalidInput with errors.Is.
func RoundVolumeSize(bytes int64) (int64, error) {
	if bytes <= 0 {
		return 0, &ValidationError{Field: "bytes", Reason: "size must be positive, got " + strconv.FormatInt(bytes, 10)}
	}
	if bytes > maxRoundableBytes {
		return 0, &ValidationError{
			Field:  "bytes",
			Reason: strconv.FormatInt(bytes, 10) + " rounded up to 256 MiB overflows int64",
			Err:    ErrTooLarge,
		}
	}
	// bytes >= 1 and bytes+granularity-1 <= MaxInt64: no overflow.
	return (bytes + VolumeGranularity - 1) / VolumeGranularity * VolumeGranularity, nil
}

// VolumeSizeMiB is RoundVolumeSize expressed in MiB: the value to put in
// VolumeCreateRequest.SizeMiB for a volume of at least bytes bytes. The
// result is a positive multiple of 256. It never rounds down (see
// RoundVolumeSize for why), and refuses the same inputs with the same errors.
func VolumeSizeMiB(bytes int64) (int64, error) {
	rounded, err := RoundVolumeSize(bytes)
	if err != nil {
		return 0, err
	}
	return rounded / MiB, nil
}

// MiBToBytes converts a size in MiB that comes from user input to bytes,
// checked. Zero is allowed. A negative value, or one whose byte count would
// exceed math.MaxInt64, is refused with a *ValidationError (Field "mib"; an
// overflow also matches ErrTooLarge). For sizes the array reports, which
// cannot fail, use BytesFromMiB or Volume.SizeBytes.
func MiBToBytes(mib int64) (int64, error) {
	if mib < 0 {
		return 0, &ValidationError{Field: "mib", Reason: "size must not be negative, got " + strconv.FormatInt(mib, 10)}
	}
	if mib > maxMiB {
		return 0, &ValidationError{
			Field:  "mib",
			Reason: strconv.FormatInt(mib, 10) + " MiB overflows int64 bytes",
			Err:    ErrTooLarge,
		}
	}
	return mib * MiB, nil
}

// BytesFromMiB converts a size in MiB reported by the array (sizeMiB,
// totalUsedMiB, usedMiB, ...) to bytes, with no error to check: the WSAPI's
// sizes are 32-bit MiB counts, whose bytes fit int64 many times over. For
// the impossible rest it saturates: a negative value gives 0, one beyond
// int64 bytes gives math.MaxInt64. Check user input with MiBToBytes.
func BytesFromMiB(mib int64) int64 {
	switch {
	case mib <= 0:
		return 0
	case mib > maxMiB:
		return math.MaxInt64
	}
	return mib * MiB
}

// GrowDeltaMiB returns how many MiB to add to a volume of currentMiB so
// that it becomes at least targetMiB: the difference rounded up to a multiple
// of 256 MiB, the step the array grows in. This is the value the WSAPI grow
// action (PUT /volumes/{name}, action 3) expects: the amount to add, not the
// new size. Because it never rounds down, the grown volume is never smaller
// than the target; it may be larger (by less than 256 MiB here, more on an
// array that rounds grows to 1000 MiB), and the caller should record the
// array's new size, read after the grow, rather than the target.
//
// Equal sizes give 0 and no error: nothing to do. A target below the current
// size gives a *ValidationError whose Err is ErrCannotShrink, since the array
// cannot shrink a volume (LXD's truncating arithmetic turns that case into a
// confusing "cannot be shrunk" from deep inside a resize). Zero or negative
// sizes, and a grown size whose byte count would overflow int64 (Err
// ErrTooLarge), are refused with a *ValidationError too. Every error matches
// ErrInvalidInput with errors.Is.
func GrowDeltaMiB(currentMiB, targetMiB int64) (int64, error) {
	if currentMiB <= 0 {
		return 0, &ValidationError{Field: "currentMiB", Reason: "size must be positive, got " + strconv.FormatInt(currentMiB, 10)}
	}
	if targetMiB <= 0 {
		return 0, &ValidationError{Field: "targetMiB", Reason: "size must be positive, got " + strconv.FormatInt(targetMiB, 10)}
	}
	if targetMiB < currentMiB {
		return 0, &ValidationError{
			Field:  "targetMiB",
			Reason: strconv.FormatInt(targetMiB, 10) + " MiB is smaller than the current " + strconv.FormatInt(currentMiB, 10) + " MiB",
			Err:    ErrCannotShrink,
		}
	}
	if targetMiB == currentMiB {
		return 0, nil
	}
	// Sizes whose byte count does not fit int64 are refused, which also
	// keeps the rounding below from overflowing.
	if targetMiB > maxMiB {
		return 0, &ValidationError{
			Field:  "targetMiB",
			Reason: strconv.FormatInt(targetMiB, 10) + " MiB overflows int64 bytes",
			Err:    ErrTooLarge,
		}
	}
	diff := targetMiB - currentMiB // in [1, maxMiB-1]
	delta := (diff + granularityMiB - 1) / granularityMiB * granularityMiB
	if currentMiB+delta > maxMiB {
		return 0, &ValidationError{
			Field:  "targetMiB",
			Reason: "growing " + strconv.FormatInt(currentMiB, 10) + " MiB by " + strconv.FormatInt(delta, 10) + " MiB overflows int64 bytes",
			Err:    ErrTooLarge,
		}
	}
	return delta, nil
}
