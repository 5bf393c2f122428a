package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"10GiB": 10 << 30, "512MiB": 512 << 20, "1TB": 1e12, "1tb": 1e12, "2Gi": 2 << 30, "1.5GiB": 3 << 29,
		"100B": 100, "1KB": 1000, " 4 MiB ": 4 << 20, "0.1B": 1, "8PiB": 8 << 50,
	} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "10", "GiB", "10XB", "1.2.3GiB", ".5GiB", "-1GiB", "0GiB", "99999999PiB", "ten GiB"} {
		_, err := parseSize(in)
		assert.Error(t, err, in)
	}
}

func TestHumanMiB(t *testing.T) {
	for mib, want := range map[int64]string{0: "0 MiB", 256: "256 MiB", 1024: "1 GiB", 953856: "931.5 GiB", 16 << 20: "16 TiB"} {
		assert.Equal(t, want, humanMiB(mib))
	}
}
