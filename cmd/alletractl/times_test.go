package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTaskTimeIsRFC3339(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-08 02:48:33 UTC":   "2026-12-08T02:48:33Z",
		"2014-02-06 13:07:03 PST":   "2014-02-06T13:07:03-08:00",
		"2014-07-06 13:07:03 CEST":  "2014-07-06T13:07:03+02:00",
		"2014-07-06 13:07:03 +0530": "2014-07-06T13:07:03+05:30",
		"2026-12-08T02:48:33Z":      "2026-12-08T02:48:33Z",
		"-":                         "",
		"":                          "",
	} {
		got, ok := taskTime(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
		if got != "" {
			_, err := time.Parse(time.RFC3339, got)
			assert.NoError(t, err)
		}
	}
	for _, in := range []string{"2014-02-06 13:07:03 CST", "2014-02-06 13:07:03", "yesterday", "2014-02-06 13:07:03 XYZT"} {
		got, ok := taskTime(in)
		assert.False(t, ok, in)
		assert.Empty(t, got, in)
	}
}

func TestVolumeTimeIsRFC3339(t *testing.T) {
	assert.Equal(t, "2026-12-08T02:48:33+01:00", volumeTime("2026-12-08T02:48:33+01:00", 0))
	assert.Equal(t, "2026-12-08T02:48:33+01:00", volumeTime("2026-12-08T02:48:33+0100", 0))
	assert.Equal(t, "1970-01-01T00:16:40Z", volumeTime("garbled", 1000))
	assert.Equal(t, "", volumeTime("", 0))
}
