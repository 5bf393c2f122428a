package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteServesTheModuleWithoutNestedModules(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":            "module example.com/Mod\n\ngo 1.26\n",
		"a.go":              "package mod\n",
		"sub/b.go":          "package sub\n",
		"cmd/tool/go.mod":   "module example.com/Mod/cmd/tool\n",
		"cmd/tool/main.go":  "package main\n",
		"cmd/toolbox/x.go":  "package toolbox\n",
		"deleted/gone.go":   "", // listed by git, not on disk
		"testdata/in.txt":   "data\n",
		"cmd/tool/sub/c.go": "package sub\n",
	}
	var names []string
	for name, body := range files {
		names = append(names, name)
		if name == "deleted/gone.go" {
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	out := t.TempDir()
	require.NoError(t, write(out, dir, "v0.2.0", names))
	require.NoError(t, write(out, dir, "v0.0.0-00010101000000-000000000000", names))
	require.NoError(t, write(out, dir, "v0.2.0", names)) // again: listed once

	vdir := filepath.Join(out, "example.com", "!mod", "@v")
	list, err := os.ReadFile(filepath.Join(vdir, "list"))
	require.NoError(t, err)
	assert.Equal(t, "v0.0.0-00010101000000-000000000000\nv0.2.0\n", string(list))

	var info struct {
		Version string
		Time    time.Time
	}
	b, err := os.ReadFile(filepath.Join(vdir, "v0.0.0-00010101000000-000000000000.info"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &info))
	assert.Equal(t, "v0.0.0-00010101000000-000000000000", info.Version)
	assert.True(t, info.Time.Equal(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)), info.Time)

	mod, err := os.ReadFile(filepath.Join(vdir, "v0.2.0.mod"))
	require.NoError(t, err)
	assert.Equal(t, files["go.mod"], string(mod))

	zr, err := zip.OpenReader(filepath.Join(vdir, "v0.2.0.zip"))
	require.NoError(t, err)
	defer zr.Close()
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
	}
	assert.ElementsMatch(t, []string{
		"example.com/Mod@v0.2.0/a.go",
		"example.com/Mod@v0.2.0/cmd/toolbox/x.go",
		"example.com/Mod@v0.2.0/go.mod",
		"example.com/Mod@v0.2.0/sub/b.go",
		"example.com/Mod@v0.2.0/testdata/in.txt",
	}, got)
}

func TestEscapeAndVersionTime(t *testing.T) {
	got, err := escape("github.com/BurntSushi/toml")
	require.NoError(t, err)
	assert.Equal(t, "github.com/!burnt!sushi/toml", got)
	_, err = escape("example.com/a!b")
	assert.Error(t, err)

	assert.Equal(t, time.Date(2026, 12, 8, 3, 4, 5, 0, time.UTC), versionTime("v0.2.1-0.20261208030405-0123456789ab"))
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), versionTime("v0.2.0"))
}

func TestModulePath(t *testing.T) {
	assert.Equal(t, "example.com/m", modulePath([]byte("// c\nmodule \"example.com/m\"\n")))
	assert.Equal(t, "", modulePath([]byte("go 1.26\n")))
}
