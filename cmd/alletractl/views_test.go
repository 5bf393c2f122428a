package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// volatile are JSON members whose values differ from run to run; the golden
// files hold a placeholder instead.
var volatile = regexp.MustCompile(`("(?:uuid|creationTime|startTime|finishTime|lastSyncTime|goVersion)": )"[^"]*"`)

// TestJSONShapesMatchGoldenFiles runs each command with -o json against a
// simulator in a known state and compares the document with
// testdata/<name>.golden (go test -run TestJSONShapes -update rewrites
// them). Each document must also round-trip exactly through its Go view type
// with unknown fields refused: the field names are the ones documented there.
func TestJSONShapesMatchGoldenFiles(t *testing.T) {
	c := newCLI(t)
	iqn := "iqn.1993-08.org.debian:01:node1"
	steps := []struct {
		golden string
		args   []string
		into   func() any
	}{
		{"volume-create", []string{"volume", "create", "vol1", "--size", "10GiB", "--cpg", "SSD_r6"}, func() any { return &createdVolume{} }},
		{"", []string{"volume", "create", "vol2", "--size", "10GiB", "--cpg", "SSD_r6"}, nil},
		{"volume-get", []string{"volume", "get", "vol1"}, func() any { return &volumeView{} }},
		{"snapshot-create", []string{"snapshot", "create", "vol1-s1", "--volume", "vol1", "--read-only"}, func() any { return &createdVolume{} }},
		{"snapshot-list", []string{"snapshot", "list", "--volume", "vol1"}, func() any { return &[]volumeView{} }},
		{"volume-list", []string{"volume", "list"}, func() any { return &[]volumeView{} }},
		{"snapshot-restore", []string{"snapshot", "restore", "vol1-s1", "--wait"}, func() any { return &taskView{} }},
		{"snapshot-copy", []string{"snapshot", "copy", "vol1", "vol2", "--wait"}, func() any { return &taskView{} }},
		{"task-get", []string{"task", "get", "1"}, func() any { return &taskView{} }},
		{"task-list", []string{"task", "list"}, func() any { return &[]taskView{} }},
		{"volumeset-create", []string{"volumeset", "create", "set1", "--member", "vol2"}, func() any { return &createdVolumeSet{} }},
		{"volumeset-get", []string{"volumeset", "get", "set1"}, func() any { return &volumeSetView{} }},
		{"volumeset-list", []string{"volumeset", "list"}, func() any { return &[]volumeSetView{} }},
		{"host-ensure", []string{"host", "ensure", "node1", "--iscsi", iqn}, func() any { return &ensuredHost{} }},
		{"host-get", []string{"host", "get", "node1"}, func() any { return &hostView{} }},
		{"host-list", []string{"host", "list"}, func() any { return &[]hostView{} }},
		{"vlun-export", []string{"vlun", "export", "vol1", "--host", "node1"}, func() any { return &exportedVLUN{} }},
		{"vlun-list", []string{"vlun", "list"}, func() any { return &[]vlunView{} }},
		{"vlun-unexport", []string{"vlun", "unexport", "vol1", "--host", "node1"}, func() any { return &unexportView{} }},
		{"volume-delete", []string{"volume", "delete", "vol1-s1"}, func() any { return &deletedView{} }},
		{"port-list", []string{"port", "list"}, func() any { return &[]portView{} }},
		{"port-targets-iscsi", []string{"port", "targets", "iscsi"}, func() any { return &[]targetView{} }},
		{"port-targets-nvme", []string{"port", "targets", "nvme"}, func() any { return &[]targetView{} }},
		{"cpg-get", []string{"cpg", "get", "SSD_r6"}, func() any { return &cpgView{} }},
		{"cpg-list", []string{"cpg", "list"}, func() any { return &[]cpgView{} }},
		{"cpg-space", []string{"cpg", "space", "SSD_r6"}, func() any { return &spaceReportView{} }},
		{"system-get", []string{"system", "get"}, func() any { return &systemView{} }},
		{"host-find", []string{"host", "find", iqn}, func() any { return &hostView{} }},
		{"volume-grow", []string{"volume", "grow", "vol1", "--by", "1GiB"}, func() any { return &volumeView{} }},
		{"volume-resize", []string{"volume", "resize", "vol1", "--size", "12GiB"}, func() any { return &volumeView{} }},
		{"", []string{"snapshot", "create", "vol1-s2", "--volume", "vol1"}, nil},
		{"snapshot-delete", []string{"snapshot", "delete", "vol1-s2"}, func() any { return &deletedView{} }},
		{"task-wait", []string{"task", "wait", "1"}, func() any { return &taskView{} }},
		{"volumeset-add", []string{"volumeset", "add", "set1", "vol1"}, func() any { return &volumeSetView{} }},
		{"volumeset-remove", []string{"volumeset", "remove", "set1", "vol1"}, func() any { return &volumeSetView{} }},
		{"volumeset-delete", []string{"volumeset", "delete", "set1"}, func() any { return &deletedView{} }},
		{"host-delete", []string{"host", "delete", "node1"}, func() any { return &deletedView{} }},
		{"version", []string{"version"}, func() any { return &versionView{} }},
	}
	for _, s := range steps {
		out := c.ok(append(s.args, "-o", "json")...)
		if s.golden == "" {
			continue
		}
		checkJSONGolden(t, s.golden, out, s.into())
	}
}

// checkJSONGolden checks one command's -o json document: valid JSON that
// round-trips exactly through its view type v (unknown fields refused), no
// table placeholder, RFC 3339 times, and equal to testdata/<name>.golden
// (-update rewrites it).
func checkJSONGolden(t *testing.T, name, out string, v any) {
	t.Helper()
	require.True(t, json.Valid([]byte(out)), "%s: not JSON:\n%s", name, out)
	dec := json.NewDecoder(bytes.NewReader([]byte(out)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), name)
	var again bytes.Buffer
	enc := json.NewEncoder(&again)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	assert.Equal(t, out, again.String(), "%s does not round-trip", name)

	noPlaceholdersAndRFC3339Times(t, name, out)

	got := volatile.ReplaceAllString(out, `$1"<varies>"`)
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test -run TestJSONShapes -update")
	assert.Equal(t, string(want), got, "%s differs from %s (go test -run 'TestJSONShapes|TestRcopyJSON' -update rewrites it)", name, path)
}

// noPlaceholdersAndRFC3339Times fails when a JSON document holds a table
// placeholder ("-") as a value or a time member that is not RFC 3339.
func noPlaceholdersAndRFC3339Times(t *testing.T, name, doc string) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(doc), &v))
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			assert.NotEqual(t, "-", v, "%s: %q is a table placeholder", name, key)
			if strings.HasSuffix(key, "Time") {
				_, err := time.Parse(time.RFC3339, v)
				assert.NoError(t, err, "%s: %q is not RFC 3339", name, key)
			}
		}
	}
	walk("", v)
}

func TestJSONEnumsAreNames(t *testing.T) {
	// A view built from an SDK value writes names, never numbers.
	v := newTaskView(&sdkTask)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":7,"type":"PROMOTE_SV","status":"ACTIVE","completedPhases":1,"totalPhases":2,
		"completedSteps":0,"totalSteps":0,"priority":"high","startTime":"2026-12-08T02:48:33Z"}`, string(b))
	noPlaceholdersAndRFC3339Times(t, "task", string(b))

	// a time in an ambiguous zone is kept as the array's text, not guessed
	odd := sdkTask
	odd.StartTime, odd.Priority = "2026-12-08 02:48:33 CST", -1
	b, err = json.Marshal(newTaskView(&odd))
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":7,"type":"PROMOTE_SV","status":"ACTIVE","completedPhases":1,"totalPhases":2,
		"completedSteps":0,"totalSteps":0,"startTimeText":"2026-12-08 02:48:33 CST"}`, string(b))
}

// sdkTask is a running task as the WSAPI describes it: its finish time is
// the array's "-".
var sdkTask = alletra.Task{ID: 7, Type: alletra.TaskTypePromoteSnapshot, Status: alletra.TaskActive,
	CompletedPhases: 1, TotalPhases: 2, Priority: alletra.PriorityHigh,
	StartTime: "2026-12-08 02:48:33 UTC", FinishTime: "-"}
