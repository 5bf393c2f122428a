package naming

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParse checks that Parse never panics and accepts only names that one
// of the two schemes formats back to exactly the same string.
func FuzzParse(f *testing.F) {
	for _, g := range golden {
		f.Add(g.lxd)
		f.Add(g.compact)
		f.Add(g.lxd[:len(g.lxd)-1])
		f.Add(g.compact + "b")
	}
	for _, s := range []string{
		"", "c-", "lxd-reverter-snapshot", "trv.c-WiUEsGpsSEmO592wtnT9FA",
		"ssc-a5289556c903409a8aa04af18a46738d", "c-A5289556C903409A8AA04AF18A46738D",
		"sc-_YfxCXZ9Ty.uGGbDQnbzUQ", "c-pSiVVskDQJqKoErxikZzjR",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		v, err := Parse(name)
		if err != nil {
			require.ErrorIs(t, err, ErrNotVolumeName)
			require.Equal(t, Volume{}, v)
			return
		}
		lxd, err := LXD(v)
		require.NoError(t, err)
		compact, err := Compact(v)
		require.NoError(t, err)
		require.True(t, name == lxd || name == compact, "Parse(%q) = %+v, which formats as %q / %q", name, v, lxd, compact)
		require.NoError(t, ValidateName(name, 0))
		require.NoError(t, ValidateName(compact, MaxNameLen))

		// The UUID is canonical: lowercase, hyphenated, 16 bytes.
		id, ok := parseUUID(v.UUID)
		require.True(t, ok)
		require.Equal(t, formatUUID(id), v.UUID)
		require.Equal(t, strings.ToLower(v.UUID), v.UUID)
	})
}

// FuzzCompactRoundTrip checks that any 16 bytes, in any accepted spelling
// and any volume kind, survive Compact → Parse and LXD → Parse.
func FuzzCompactRoundTrip(f *testing.F) {
	f.Add([]byte("\xa5\x28\x95\x56\xc9\x03\x40\x9a\x8a\xa0\x4a\xf1\x8a\x46\x73\x8d"), uint8(0), false, false)
	f.Add(make([]byte, 16), uint8(23), true, true)
	f.Add([]byte(strings.Repeat("\xff", 16)), uint8(7), true, false)
	f.Add([]byte(strings.Repeat("\xfb\xef\xbe", 6)), uint8(11), false, true)
	f.Fuzz(func(t *testing.T, raw []byte, kind uint8, hyphens, upper bool) {
		var id [16]byte
		copy(id[:], raw)
		u := hex.EncodeToString(id[:])
		if hyphens {
			u = formatUUID(id)
		}
		if upper {
			u = strings.ToUpper(u)
		}
		k := int(kind) % 24
		v := Volume{
			Type:     VolumeType(k%4) + Container,
			Content:  ContentType(k/4%3) + Filesystem,
			UUID:     u,
			Snapshot: k >= 12,
		}
		want := v
		want.UUID = formatUUID(id)

		compact, err := Compact(v)
		require.NoError(t, err)
		require.LessOrEqual(t, len(compact), 27)
		require.NoError(t, ValidateName(compact, MaxNameLen))
		got, err := Parse(compact)
		require.NoError(t, err, compact)
		require.Equal(t, want, got)

		lxd, err := LXD(v)
		require.NoError(t, err)
		got, err = Parse(lxd)
		require.NoError(t, err, lxd)
		require.Equal(t, want, got)
	})
}
