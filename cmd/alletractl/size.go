package main

import (
	"fmt"
	"math/big"
	"strings"

	alletra "github.com/openalletra/go-alletra"
)

// sizeUnits are the accepted unit suffixes (case-insensitive): binary
// (KiB, MiB, GiB, TiB, PiB, also Ki, Mi, ...) and decimal (KB, MB, GB, TB, PB,
// also K, M, ...), and B for bytes.
var sizeUnits = map[string]int64{
	"b": 1,
	"k": 1e3, "kb": 1e3, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1e6, "mb": 1e6, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1e9, "gb": 1e9, "gi": 1 << 30, "gib": 1 << 30,
	"t": 1e12, "tb": 1e12, "ti": 1 << 40, "tib": 1 << 40,
	"p": 1e15, "pb": 1e15, "pi": 1 << 50, "pib": 1 << 50,
}

// parseSize reads a size such as 10GiB, 512MiB, 1TB or 1.5GiB and returns it
// in bytes, rounded up to a whole byte. A unit is required: a bare number is
// ambiguous (bytes? MiB?) and refused.
func parseSize(s string) (int64, error) {
	in := strings.TrimSpace(s)
	i := strings.IndexFunc(in, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		return 0, fmt.Errorf("size %q: want a number with a unit, e.g. 10GiB, 512MiB or 1TB", s)
	}
	num, unit := in[:i], strings.ToLower(strings.TrimSpace(in[i:]))
	mult, ok := sizeUnits[unit]
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q (use B, KiB, MiB, GiB, TiB, PiB or KB, MB, GB, TB, PB)", s, in[i:])
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok || strings.Count(num, ".") > 1 || strings.HasPrefix(num, ".") {
		return 0, fmt.Errorf("size %q: %q is not a number", s, num)
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	if q.Sign() <= 0 {
		return 0, fmt.Errorf("size %q: must be more than zero", s)
	}
	return q.Int64(), nil
}

// volumeSizeMiB turns a size argument into the MiB to ask the array for,
// rounded up by the SDK to the array's 256 MiB granularity, and says on
// stderr when rounding changed the number.
func (a *app) volumeSizeMiB(flag, s string) (int64, error) {
	bytes, err := parseSize(s)
	if err != nil {
		return 0, invalidf(flag, "%v", err)
	}
	mib, err := alletra.VolumeSizeMiB(bytes)
	if err != nil {
		return 0, err
	}
	if mib*alletra.MiB != bytes {
		a.notef("%s %s (%d bytes) rounded up to %d MiB (%s), a multiple of the array's 256 MiB",
			flag, strings.TrimSpace(s), bytes, mib, humanMiB(mib))
	}
	return mib, nil
}

// humanMiB writes a size in MiB with a binary unit for people, e.g. "10 GiB"
// or "931.5 GiB".
func humanMiB(mib int64) string {
	units := []string{"MiB", "GiB", "TiB", "PiB"}
	v, u := float64(mib), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + units[u]
}
