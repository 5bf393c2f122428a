package naming

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	goldenUUID     = "a5289556-c903-409a-8aa0-4af18a46738d" // from LXD's driver_pure_util_test.go
	goldenSnapUUID = "fd87f109-767d-4f2f-ae18-66c34276f351"
)

// golden holds every type × content × snapshot combination for goldenUUID.
// The LXD column follows LXD's getVolumeName; the compact column was computed
// independently (Python: base64 of uuid.bytes, '+'->'.', '/'->'_', no '=').
var golden = []struct {
	typ     VolumeType
	content ContentType
	snap    bool
	lxd     string
	compact string
}{
	{Container, Filesystem, false, "c-a5289556c903409a8aa04af18a46738d", "c-pSiVVskDQJqKoErxikZzjQ"},
	{Container, Block, false, "c-a5289556c903409a8aa04af18a46738d-b", "c-pSiVVskDQJqKoErxikZzjQ-b"},
	{Container, ISO, false, "c-a5289556c903409a8aa04af18a46738d-i", "c-pSiVVskDQJqKoErxikZzjQ-i"},
	{VirtualMachine, Filesystem, false, "v-a5289556c903409a8aa04af18a46738d", "v-pSiVVskDQJqKoErxikZzjQ"},
	{VirtualMachine, Block, false, "v-a5289556c903409a8aa04af18a46738d-b", "v-pSiVVskDQJqKoErxikZzjQ-b"},
	{VirtualMachine, ISO, false, "v-a5289556c903409a8aa04af18a46738d-i", "v-pSiVVskDQJqKoErxikZzjQ-i"},
	{Image, Filesystem, false, "i-a5289556c903409a8aa04af18a46738d", "i-pSiVVskDQJqKoErxikZzjQ"},
	{Image, Block, false, "i-a5289556c903409a8aa04af18a46738d-b", "i-pSiVVskDQJqKoErxikZzjQ-b"},
	{Image, ISO, false, "i-a5289556c903409a8aa04af18a46738d-i", "i-pSiVVskDQJqKoErxikZzjQ-i"},
	{Custom, Filesystem, false, "u-a5289556c903409a8aa04af18a46738d", "u-pSiVVskDQJqKoErxikZzjQ"},
	{Custom, Block, false, "u-a5289556c903409a8aa04af18a46738d-b", "u-pSiVVskDQJqKoErxikZzjQ-b"},
	{Custom, ISO, false, "u-a5289556c903409a8aa04af18a46738d-i", "u-pSiVVskDQJqKoErxikZzjQ-i"},
	{Container, Filesystem, true, "sc-a5289556c903409a8aa04af18a46738d", "sc-pSiVVskDQJqKoErxikZzjQ"},
	{Container, Block, true, "sc-a5289556c903409a8aa04af18a46738d-b", "sc-pSiVVskDQJqKoErxikZzjQ-b"},
	{Container, ISO, true, "sc-a5289556c903409a8aa04af18a46738d-i", "sc-pSiVVskDQJqKoErxikZzjQ-i"},
	{VirtualMachine, Filesystem, true, "sv-a5289556c903409a8aa04af18a46738d", "sv-pSiVVskDQJqKoErxikZzjQ"},
	{VirtualMachine, Block, true, "sv-a5289556c903409a8aa04af18a46738d-b", "sv-pSiVVskDQJqKoErxikZzjQ-b"},
	{VirtualMachine, ISO, true, "sv-a5289556c903409a8aa04af18a46738d-i", "sv-pSiVVskDQJqKoErxikZzjQ-i"},
	{Image, Filesystem, true, "si-a5289556c903409a8aa04af18a46738d", "si-pSiVVskDQJqKoErxikZzjQ"},
	{Image, Block, true, "si-a5289556c903409a8aa04af18a46738d-b", "si-pSiVVskDQJqKoErxikZzjQ-b"},
	{Image, ISO, true, "si-a5289556c903409a8aa04af18a46738d-i", "si-pSiVVskDQJqKoErxikZzjQ-i"},
	{Custom, Filesystem, true, "su-a5289556c903409a8aa04af18a46738d", "su-pSiVVskDQJqKoErxikZzjQ"},
	{Custom, Block, true, "su-a5289556c903409a8aa04af18a46738d-b", "su-pSiVVskDQJqKoErxikZzjQ-b"},
	{Custom, ISO, true, "su-a5289556c903409a8aa04af18a46738d-i", "su-pSiVVskDQJqKoErxikZzjQ-i"},
}

// TestLXDDesignVectors checks name vectors taken from LXD's own tests of its
// alletra driver's naming.
func TestLXDDesignVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    Volume
		want string
	}{
		{Volume{Type: VirtualMachine, Content: Block, UUID: goldenUUID}, "v-a5289556c903409a8aa04af18a46738d-b"},
		{Volume{Type: Custom, Content: ISO, UUID: goldenUUID}, "u-a5289556c903409a8aa04af18a46738d-i"},
		{Volume{Type: Container, Content: Filesystem, UUID: goldenSnapUUID, Snapshot: true}, "sc-fd87f109767d4f2fae1866c34276f351"},
	}
	for _, tt := range tests {
		got, err := LXD(tt.v)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
		back, err := Parse(got)
		require.NoError(t, err)
		assert.Equal(t, tt.v, back)
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	require.Len(t, golden, 24)
	// Every spelling of the UUID that LXD and Compact accept.
	spellings := []string{
		goldenUUID,
		strings.ToUpper(goldenUUID),
		strings.ReplaceAll(goldenUUID, "-", ""),
		strings.ToUpper(strings.ReplaceAll(goldenUUID, "-", "")),
		"A5289556-c903-409A-8aa0-4AF18a46738D",
	}
	for _, g := range golden {
		t.Run(g.lxd, func(t *testing.T) {
			t.Parallel()
			for _, u := range spellings {
				v := Volume{Type: g.typ, Content: g.content, UUID: u, Snapshot: g.snap}
				got, err := LXD(v)
				require.NoError(t, err, u)
				assert.Equal(t, g.lxd, got, u)
				got, err = Compact(v)
				require.NoError(t, err, u)
				assert.Equal(t, g.compact, got, u)
			}
			want := Volume{Type: g.typ, Content: g.content, UUID: goldenUUID, Snapshot: g.snap}
			for _, name := range []string{g.lxd, g.compact} {
				got, err := Parse(name)
				require.NoError(t, err, name)
				assert.Equal(t, want, got, name)
			}
		})
	}
}

func TestRoundTripAllCombinations(t *testing.T) {
	t.Parallel()
	uuids := []string{
		goldenUUID,
		goldenSnapUUID, // its compact form starts with '_'
		"5a2504b0-6a6c-4849-8ee7-ddb0b674fd14",
		"00000000-0000-0000-0000-000000000000",
		"ffffffff-ffff-ffff-ffff-ffffffffffff",
		"fbefbefb-efbe-fbef-befb-efbefbefbefb", // encodes to '_' and '.' (bits 111110 / 111111)
	}
	types := []VolumeType{Container, VirtualMachine, Image, Custom}
	contents := []ContentType{Filesystem, Block, ISO}
	n := 0
	for _, u := range uuids {
		for _, typ := range types {
			for _, c := range contents {
				for _, snap := range []bool{false, true} {
					v := Volume{Type: typ, Content: c, UUID: u, Snapshot: snap}
					lxd, err := LXD(v)
					require.NoError(t, err)
					compact, err := Compact(v)
					require.NoError(t, err)

					assert.GreaterOrEqual(t, len(lxd), 34, lxd)
					assert.LessOrEqual(t, len(lxd), 37, lxd)
					assert.GreaterOrEqual(t, len(compact), 24, compact)
					assert.LessOrEqual(t, len(compact), 27, compact)
					assert.NoError(t, ValidateName(compact, MaxNameLen))
					assert.NoError(t, ValidateName(lxd, 0))
					assert.ErrorIs(t, ValidateName(lxd, MaxNameLen), ErrNameTooLong)
					assert.NotEqual(t, lxd, compact)

					for _, name := range []string{lxd, compact} {
						got, err := Parse(name)
						require.NoError(t, err, name)
						assert.Equal(t, v, got, name)
					}
					if u == uuids[0] {
						n++
					}
				}
			}
		}
	}
	assert.Equal(t, 24, n)
}

func TestLengths(t *testing.T) {
	t.Parallel()
	// LXD's names: plain 34, snapshot 35, block or ISO 36, block snapshot 37.
	for _, g := range golden {
		want := 34
		if g.snap {
			want++
		}
		if g.content != Filesystem {
			want += 2
		}
		assert.Len(t, g.lxd, want, g.lxd)
		assert.Len(t, g.compact, want-10, g.compact)
	}
}

func TestFormatRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    Volume
		want error
	}{
		{"zero volume", Volume{}, ErrInvalidVolume},
		{"type zero", Volume{Content: Block, UUID: goldenUUID}, ErrInvalidVolume},
		{"type too big", Volume{Type: Custom + 1, Content: Block, UUID: goldenUUID}, ErrInvalidVolume},
		{"type negative", Volume{Type: -1, Content: Block, UUID: goldenUUID}, ErrInvalidVolume},
		{"content zero", Volume{Type: Container, UUID: goldenUUID}, ErrInvalidVolume},
		{"content too big", Volume{Type: Container, Content: ISO + 1, UUID: goldenUUID}, ErrInvalidVolume},
		{"empty UUID", Volume{Type: Container, Content: Block}, ErrInvalidUUID},
		{"short UUID", Volume{Type: Container, Content: Block, UUID: goldenUUID[:35]}, ErrInvalidUUID},
		{"long UUID", Volume{Type: Container, Content: Block, UUID: goldenUUID + "0"}, ErrInvalidUUID},
		{"31 hex", Volume{Type: Container, Content: Block, UUID: "a5289556c903409a8aa04af18a46738"}, ErrInvalidUUID},
		{"33 hex", Volume{Type: Container, Content: Block, UUID: "a5289556c903409a8aa04af18a46738d0"}, ErrInvalidUUID},
		{"non-hex", Volume{Type: Container, Content: Block, UUID: "g5289556-c903-409a-8aa0-4af18a46738d"}, ErrInvalidUUID},
		{"misplaced hyphens", Volume{Type: Container, Content: Block, UUID: "a528955-6c903-409a-8aa0-4af18a46738d"}, ErrInvalidUUID},
		{"hyphens instead of hex", Volume{Type: Container, Content: Block, UUID: "a5289556-c903-409a-8aa0-4af18a4673-d"}, ErrInvalidUUID},
		{"braces", Volume{Type: Container, Content: Block, UUID: "{" + goldenUUID + "}"}, ErrInvalidUUID},
		{"urn", Volume{Type: Container, Content: Block, UUID: "urn:uuid:" + goldenUUID}, ErrInvalidUUID},
		{"spaces", Volume{Type: Container, Content: Block, UUID: " " + goldenUUID[1:]}, ErrInvalidUUID},
		{"hex with 0x", Volume{Type: Container, Content: Block, UUID: "0x5289556c903409a8aa04af18a46738d"}, ErrInvalidUUID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name, err := LXD(tt.v)
			assert.ErrorIs(t, err, tt.want)
			assert.Empty(t, name)
			name, err = Compact(tt.v)
			assert.ErrorIs(t, err, tt.want)
			assert.Empty(t, name)
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	const hex = "a5289556c903409a8aa04af18a46738d"
	const b64 = "pSiVVskDQJqKoErxikZzjQ"
	tests := []string{
		"",
		"c",
		"c-",
		"s",
		"sc-",
		"c-" + hex[:31],                      // 31 hex
		"c-" + hex + "0",                     // 33 hex
		"c-" + hex[:31] + "-b",               // 31 hex with suffix
		"x-" + hex,                           // unknown prefix
		"C-" + hex,                           // upper-case prefix
		"s-" + hex,                           // snapshot without a type
		"c_" + hex,                           // wrong separator
		"c" + hex,                            // no separator
		"c-" + hex + "b",                     // trailing b without the dash
		"c-" + hex + "i",                     // trailing i without the dash
		"c-" + hex + "-x",                    // unknown suffix
		"c-" + hex + "-B",                    // upper-case suffix
		"c-" + hex + "--b",                   // double dash
		"c-" + hex + "-b-b",                  // double suffix
		"c-" + hex + "-f",                    // LXD has no filesystem suffix
		"ssc-" + hex,                         // double snapshot prefix
		"ssc-" + b64,                         // double snapshot prefix, compact
		"S" + "c-" + hex,                     // upper-case snapshot prefix
		"c-" + strings.ToUpper(hex),          // upper-case hex
		"c-A5289556c903409a8aa04af18a46738d", // one upper-case digit
		"c-" + goldenUUID,                    // hyphenated UUID
		"c-g5289556c903409a8aa04af18a46738d", // non-hex
		" c-" + hex,                          // leading space
		"c-" + hex + " ",                     // trailing space
		"c-" + hex + "\n",                    // trailing newline
		"c-" + hex + "\x00",                  // trailing NUL
		"pool::c-" + hex,                     // Pure-style pool prefix
		"lxd-reverter-snapshot",              // LXD's global reverter name
		"trv.c-" + b64,                       // TemporarySnapshotName
		"osv-" + b64,                         // cinder's scheme
		"c-" + b64[:21],                      // 21 compact characters
		"c-" + b64 + "A",                     // 23 compact characters
		"c-" + b64 + "b",                     // compact, trailing b without the dash
		"c-" + b64[:21] + "R",                // non-canonical trailing bits
		"c-" + b64[:21] + "R-b",              // non-canonical trailing bits, with suffix
		"c-" + b64[:21] + "=",                // padding
		"c-" + b64 + "==",                    // padding where a suffix would be
		"c-" + "pSiVVskDQJqKoErxikZz+Q",      // standard base64 '+'
		"c-" + "pSiVVskDQJqKoErxikZz/Q",      // standard base64 '/'
		"c-" + "pSiVVskDQJqKoErxikZz-Q",      // URL base64 '-'
		"c-" + "pSiVVskDQJqKoErxik-b",        // 20 characters and a suffix: 22 with a dash
		"c-" + "pSiVVskDQJqKoErxikZzj\u00e9", // non-ASCII
		"c-" + hex[:30] + "-b",               // hex with a dash, 32 long
		"c-" + hex + "-b" + "x",              // trailing junk
		"vol1",                               // foreign
		"pool1",                              // foreign
		"node1-nvme-tcp",                     // a host name
		strings.Repeat("c-"+hex, 2),          // repeated
		"c-" + strings.Repeat("0", 34),       // 34 digits: no suffix
		"c-" + strings.Repeat("-", 32),       // dashes
		"c-" + strings.Repeat("\xff", 22),    // invalid UTF-8
		"\xffc-" + hex,                       // invalid UTF-8 prefix
	}
	for _, name := range tests {
		v, err := Parse(name)
		assert.ErrorIs(t, err, ErrNotVolumeName, "%q", name)
		assert.Equal(t, Volume{}, v, "%q", name)
	}
}

func TestStrings(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "container", Container.String())
	assert.Equal(t, "virtual-machine", VirtualMachine.String())
	assert.Equal(t, "image", Image.String())
	assert.Equal(t, "custom", Custom.String())
	assert.Equal(t, "VolumeType(0)", VolumeType(0).String())
	assert.Equal(t, "VolumeType(9)", VolumeType(9).String())
	assert.Equal(t, "filesystem", Filesystem.String())
	assert.Equal(t, "block", Block.String())
	assert.Equal(t, "iso", ISO.String())
	assert.Equal(t, "ContentType(0)", ContentType(0).String())
	assert.Equal(t, "ContentType(-1)", ContentType(-1).String())
}

func TestHostName(t *testing.T) {
	t.Parallel()
	tests := []struct{ server, mode, want string }{
		{"node1", "nvme/tcp", "node1-nvme-tcp"},
		{"node1", "iscsi", "node1-iscsi"},
		{"node1", "nvme", "node1-nvme"},
		{"node1", "a/b/c", "node1-a-b-c"},
		{"node1", "", "node1-"},
		{"srv.example", "iscsi", "srv.example-iscsi"},
		{"a/b", "iscsi", "a/b-iscsi"}, // only the mode is mapped, as in LXD
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, HostName(tt.server, tt.mode), "%q %q", tt.server, tt.mode)
	}
}

func TestValidateName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		maxLen int
		want   error
	}{
		{"vol1", 31, nil},
		{"a", 1, nil},
		{"A.b-c_D9", 31, nil},
		{"v1.", 0, nil},
		{"_x", 31, nil},
		{".x", 31, nil},
		{"...", 31, nil},
		{strings.Repeat("a", 31), 31, nil},
		{strings.Repeat("a", 32), 31, ErrNameTooLong},
		{strings.Repeat("a", 1000), 0, nil},
		{strings.Repeat("a", 1000), -1, nil},
		{"c-a5289556c903409a8aa04af18a46738d", MaxNameLen, ErrNameTooLong},
		{"", 31, ErrEmptyName},
		{"", 0, ErrEmptyName},
		{"-vol", 31, ErrIllegalName},
		{"-", 31, ErrIllegalName},
		{".", 31, ErrIllegalName},
		{"..", 31, ErrIllegalName},
		{"vol 1", 31, ErrIllegalName},
		{"vol/1", 31, ErrIllegalName},
		{"vol:1", 31, ErrIllegalName},
		{"vol+1", 31, ErrIllegalName},
		{"vol=", 31, ErrIllegalName},
		{"vol\x00", 31, ErrIllegalName},
		{"vol\n", 31, ErrIllegalName},
		{"völ", 31, ErrIllegalName},
		{"vol\xff", 31, ErrIllegalName},
		{"%2e%2e", 31, ErrIllegalName},
		{strings.Repeat("a", 40) + " ", 31, ErrIllegalName}, // characters are checked before length
	}
	for _, tt := range tests {
		err := ValidateName(tt.name, tt.maxLen)
		if tt.want == nil {
			assert.NoError(t, err, "%q", tt.name)
			continue
		}
		assert.ErrorIs(t, err, tt.want, "%q", tt.name)
		for _, other := range []error{ErrEmptyName, ErrIllegalName, ErrNameTooLong} {
			if other != tt.want {
				assert.NotErrorIs(t, err, other, "%q", tt.name)
			}
		}
	}
}

func TestValidateNameMessage(t *testing.T) {
	t.Parallel()
	err := ValidateName("vol 1", 31)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `' ' at offset 3`)
	err = ValidateName(strings.Repeat("a", 200)+"!", 0)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 160, "long names are shortened in messages")
	err = ValidateName("abcd", 3)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "4 characters, the limit is 3")
}

func TestTemporarySnapshotName(t *testing.T) {
	t.Parallel()
	got, err := TemporarySnapshotName("c-5a2504b06a6c48498ee7ddb0b674fd14", PurposeReverter)
	require.NoError(t, err)
	assert.Equal(t, "trv.c-WiUEsGpsSEmO592wtnT9FA", got)

	// Either scheme of the parent gives the same name.
	got2, err := TemporarySnapshotName("c-WiUEsGpsSEmO592wtnT9FA", PurposeReverter)
	require.NoError(t, err)
	assert.Equal(t, got, got2)

	seen := map[string]string{}
	for _, g := range golden {
		for _, parent := range []string{g.lxd, g.compact} {
			for _, purpose := range []string{"rv", "x", "9", "c1"} {
				name, err := TemporarySnapshotName(parent, purpose)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(name), MaxNameLen, name)
				assert.NoError(t, ValidateName(name, MaxNameLen))
				_, err = Parse(name)
				assert.ErrorIs(t, err, ErrNotVolumeName, name)
				key := g.compact + "/" + purpose
				if prev, ok := seen[name]; ok {
					assert.Equal(t, key, prev, "two parents share %q", name)
				}
				seen[name] = key
			}
		}
	}
	// The VM block volume and its filesystem companion share a UUID, not a name.
	a, err := TemporarySnapshotName("v-a5289556c903409a8aa04af18a46738d-b", PurposeReverter)
	require.NoError(t, err)
	b, err := TemporarySnapshotName("v-a5289556c903409a8aa04af18a46738d", PurposeReverter)
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
	// The longest case fits exactly.
	longest, err := TemporarySnapshotName("sv-a5289556c903409a8aa04af18a46738d-b", "zz")
	require.NoError(t, err)
	assert.Len(t, longest, MaxNameLen)
}

func TestTemporarySnapshotNameRejects(t *testing.T) {
	t.Parallel()
	const parent = "c-5a2504b06a6c48498ee7ddb0b674fd14"
	for _, purpose := range []string{"", "abc", "RV", "r-", "r.", "é"} {
		_, err := TemporarySnapshotName(parent, purpose)
		assert.ErrorIs(t, err, ErrIllegalName, "%q", purpose)
	}
	for _, p := range []string{"", "lxd-reverter-snapshot", "vol1", "trv.c-WiUEsGpsSEmO592wtnT9FA", "C-5a2504b06a6c48498ee7ddb0b674fd14"} {
		_, err := TemporarySnapshotName(p, PurposeReverter)
		assert.ErrorIs(t, err, ErrNotVolumeName, "%q", p)
	}
}

func TestErrorsWrapDetail(t *testing.T) {
	t.Parallel()
	_, err := Parse("c-xyz")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"c-xyz"`)
	assert.True(t, errors.Is(err, ErrNotVolumeName))
	_, err = LXD(Volume{Type: Container, Content: Filesystem, UUID: "nope"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"nope"`)
}
