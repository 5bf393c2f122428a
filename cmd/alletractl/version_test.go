package main

import (
	"encoding/json"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionReadsTheBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8",
		Main: debug.Module{Path: sdkModule + "/cmd/alletractl", Version: "v0.2.0"},
		Deps: []*debug.Module{{Path: "github.com/spf13/cobra", Version: "v1.10.2"},
			{Path: sdkModule, Version: "v0.2.0"}},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abc"},
			{Key: "vcs.time", Value: "2026-12-08T03:04:05+01:00"}, {Key: "vcs.modified", Value: "true"}}}
	v := newVersionView(bi)
	modified := true
	assert.Equal(t, versionView{Version: "v0.2.0", SDKVersion: "v0.2.0", Revision: "0123abc",
		RevisionTime: "2026-12-08T02:04:05Z", Modified: &modified, GoVersion: "go1.26.8"}, v)

	// a checkout build through go.work: the SDK is a workspace module
	bi = &debug.BuildInfo{Main: debug.Module{Path: sdkModule + "/cmd/alletractl", Version: "(devel)"},
		Deps: []*debug.Module{{Path: sdkModule, Version: "v0.0.0-00010101000000-000000000000",
			Replace: &debug.Module{Path: "../.."}}}}
	v = newVersionView(bi)
	assert.Equal(t, "(devel)", v.Version)
	assert.Equal(t, "(devel)", v.SDKVersion)
	assert.Nil(t, v.Modified)
}

func TestVersionCommandPrintsJSON(t *testing.T) {
	c := &cli{t: t, env: baseEnv(t)}
	var v map[string]any
	out := c.ok("version", "-o", "json")
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	assert.Equal(t, "(devel)", v["version"]) // built from the checkout by TestMain
	assert.NotEmpty(t, v["sdkVersion"])
	assert.NotEmpty(t, v["goVersion"])
	assert.Contains(t, c.ok("version"), "go-alletra")
	assert.Equal(t, "(devel)\n", c.ok("version", "-o", "name"))
}
