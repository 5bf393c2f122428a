package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumeCreateGetListDelete(t *testing.T) {
	c := newCLI(t)

	out := c.ok("volume", "create", "vol1", "--size", "10GiB", "--cpg", "SSD_r6")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, out)
	assert.Regexp(t, `^NAME\s+SIZE\s+USED\s+CPG\s+PROVISIONING\s+COPY OF\s+WWN$`, lines[0])
	assert.Regexp(t, `^vol1\s+10 GiB\s+0 MiB\s+SSD_r6\s+TPVV\s+-\s+[0-9A-F]{32}$`, lines[1])
	v, ok := c.srv.Volume("vol1")
	require.True(t, ok)
	assert.EqualValues(t, 10240, v.SizeMiB)

	var got volumeView
	require.NoError(t, json.Unmarshal([]byte(c.ok("volume", "get", "vol1", "-o", "json")), &got))
	assert.Equal(t, "vol1", got.Name)
	assert.EqualValues(t, 10240, got.SizeMiB)
	assert.Equal(t, "TPVV", got.Provisioning)
	assert.Equal(t, "BASE", got.CopyType)

	c.ok("volume", "create", "vol2", "--size", "512MiB", "--cpg", "SSD_r6")
	assert.Equal(t, "vol1\nvol2\n", c.ok("volume", "list", "-o", "name"))
	assert.Equal(t, "", c.ok("volume", "list", "--cpg", "other", "-o", "name"))

	o := c.fails(exitNotFound, "volume", "get", "nope")
	assert.Empty(t, o.stdout)
	assert.Contains(t, o.stderr, "nope")

	assert.Contains(t, c.ok("volume", "delete", "vol2"), "volume vol2 deleted")
	_, ok = c.srv.Volume("vol2")
	assert.False(t, ok)
	c.fails(exitNotFound, "volume", "delete", "vol2")
	var del deletedView
	require.NoError(t, json.Unmarshal([]byte(c.ok("volume", "delete", "vol2", "--missing-ok", "-o", "json")), &del))
	assert.Equal(t, deletedView{Kind: "volume", Name: "vol2", Deleted: false}, del)
}

func TestVolumeCreateTwiceIsAlreadyExistsUnlessExistsOK(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")

	o := c.fails(exitExists, "volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	assert.Empty(t, o.stdout)

	var again createdVolume
	require.NoError(t, json.Unmarshal([]byte(c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6",
		"--exists-ok", "-o", "json")), &again))
	assert.False(t, again.Created)
	assert.Equal(t, "vol1", again.Name)

	// the same name with another size is not "the same volume"
	c.fails(exitExists, "volume", "create", "vol1", "--size", "2GiB", "--cpg", "SSD_r6", "--exists-ok")
	v, _ := c.srv.Volume("vol1")
	assert.EqualValues(t, 1024, v.SizeMiB)
}

func TestVolumeSizesAreRoundedAndSaidSo(t *testing.T) {
	c := newCLI(t)
	o := c.run("volume", "create", "vol1", "--size", "1TB", "--cpg", "SSD_r6", "-o", "name")
	require.Equal(t, 0, o.code, o.stderr)
	assert.Equal(t, "vol1\n", o.stdout, "notes never mix with the output")
	assert.Contains(t, o.stderr, "1TB (1000000000000 bytes) rounded up to 953856 MiB")
	v, _ := c.srv.Volume("vol1")
	assert.EqualValues(t, 953856, v.SizeMiB)

	o = c.run("volume", "create", "vol2", "--size", "512MiB", "--cpg", "SSD_r6")
	require.Equal(t, 0, o.code)
	assert.Empty(t, o.stderr, "no note when rounding changed nothing")

	c.fails(exitInvalid, "volume", "create", "vol3", "--size", "10", "--cpg", "SSD_r6")
	c.fails(exitInvalid, "volume", "create", "vol3", "--size", "10XB", "--cpg", "SSD_r6")
	_, ok := c.srv.Volume("vol3")
	assert.False(t, ok)
}

func TestVolumeResizeIsIdempotentAndGrowAdds(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")

	c.ok("volume", "resize", "vol1", "--size", "2GiB")
	c.ok("volume", "resize", "vol1", "--size", "2GiB")
	v, _ := c.srv.Volume("vol1")
	assert.EqualValues(t, 2048, v.SizeMiB)

	c.fails(exitInvalid, "volume", "resize", "vol1", "--size", "1GiB") // no shrinking
	c.fails(exitNotFound, "volume", "resize", "nope", "--size", "1GiB")

	var got volumeView
	require.NoError(t, json.Unmarshal([]byte(c.ok("volume", "grow", "vol1", "--by", "1GiB", "-o", "json")), &got))
	assert.EqualValues(t, 3072, got.SizeMiB)
}
