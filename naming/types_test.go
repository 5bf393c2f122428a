package naming

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseVolumeType(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]VolumeType{
		// LXD's API and database names, as String prints them.
		"container": Container, "virtual-machine": VirtualMachine, "image": Image, "custom": Custom,
		// LXD's storage drivers' names (drivers.VolumeType).
		"containers": Container, "virtual-machines": VirtualMachine, "images": Image,
	} {
		got, err := ParseVolumeType(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, typ := range []VolumeType{Container, VirtualMachine, Image, Custom} {
		got, err := ParseVolumeType(typ.String())
		require.NoError(t, err)
		assert.Equal(t, typ, got, "String and ParseVolumeType round-trip")
	}
	for _, s := range []string{"", "Container", " container", "container ", "vm", "virtual_machine", "customs",
		"c", "buckets", "VolumeType(1)", "1"} {
		got, err := ParseVolumeType(s)
		require.ErrorIs(t, err, ErrInvalidVolume, "%q", s)
		assert.Zero(t, got)
		assert.Contains(t, err.Error(), "volume type")
	}
}

func TestParseContentType(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]ContentType{"filesystem": Filesystem, "fs": Filesystem, "block": Block, "iso": ISO} {
		got, err := ParseContentType(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, c := range []ContentType{Filesystem, Block, ISO} {
		got, err := ParseContentType(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, got, "String and ParseContentType round-trip")
	}
	for _, s := range []string{"", "Block", "ISO", "b", "i", "file-system", "fs ", "ContentType(1)"} {
		got, err := ParseContentType(s)
		require.ErrorIs(t, err, ErrInvalidVolume, "%q", s)
		assert.Zero(t, got)
		assert.Contains(t, err.Error(), "content type")
	}
}

// LXD's vocabulary straight to an array name: what a driver holds (its
// volume's type and content strings and volatile.uuid) needs no translation
// table.
func TestParseTypesToName(t *testing.T) {
	t.Parallel()
	typ, err := ParseVolumeType("virtual-machines")
	require.NoError(t, err)
	content, err := ParseContentType("block")
	require.NoError(t, err)
	name, err := LXD(Volume{Type: typ, Content: content, UUID: "a5289556-c903-409a-8aa0-4af18a46738d"})
	require.NoError(t, err)
	assert.Equal(t, "v-a5289556c903409a8aa04af18a46738d-b", name)
}
