package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openalletra/go-alletra/alletratest"
)

// linkedCLI returns a runner for the cli's array (the primary) and one for a
// second simulator linked to it (the secondary).
func linkedCLI(t *testing.T) (primary, secondary *cli) {
	t.Helper()
	primary = newCLI(t)
	srv := alletratest.NewTestServer(t, alletratest.WithCredentials(testUser, testPassword))
	alletratest.Link(primary.srv, srv)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, serverPEM(t, srv), 0o600))
	pwFile := filepath.Join(dir, "password")
	require.NoError(t, os.WriteFile(pwFile, []byte(testPassword+"\n"), 0o600))
	secondary = &cli{t: t, srv: srv, env: append(baseEnv(t),
		"ALLETRA_URL="+srv.URL, "ALLETRA_USER="+testUser, "ALLETRA_CA="+ca, "ALLETRA_PASSWORD_FILE="+pwFile)}
	return primary, secondary
}

func TestRcopyDrill(t *testing.T) {
	t.Parallel()
	p, s := linkedCLI(t)
	p.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	require.NoError(t, p.srv.WriteContent("vol1", "data-1"))

	p.fails(exitInvalid, "rcopy", "create", "g1", "--target", "alletra-sim-2", "--mode", "fast")
	out := p.ok("rcopy", "create", "g1", "--target", "alletra-sim-2", "--mode", "periodic", "--user-cpg", "SSD_r6")
	assert.Regexp(t, `(?m)^g1\s+PRIMARY\s+NONE\s+alletra-sim-2\s+periodic\s+false`, out)
	p.ok("rcopy", "add", "g1", "vol1", "--auto-create")
	p.ok("rcopy", "start", "g1")
	require.NoError(t, p.srv.WriteContent("vol1", "data-2"))
	out = p.ok("rcopy", "sync", "g1", "--wait", "-o", "json")
	var task rcTaskView
	require.NoError(t, json.Unmarshal([]byte(out), &task))
	assert.Equal(t, "DONE", task.Status)
	assert.NotZero(t, task.TaskID)

	var g rcGroupView
	require.NoError(t, json.Unmarshal([]byte(p.ok("rcopy", "get", "g1", "-o", "json")), &g))
	assert.Equal(t, rcGroupView{Name: "g1", Role: "PRIMARY", State: "STARTED", Target: "alletra-sim-2", Mode: "periodic",
		InSync: true, LastSync: g.LastSync, Volumes: []rcVolumeView{{Name: "vol1", Secondary: "vol1", SyncStatus: "SYNCED"}}}, g)
	assert.Equal(t, "g1\n", s.ok("rcopy", "list", "-o", "name"))

	p.ok("rcopy", "stop", "g1")
	o := s.fails(exitInvalid, "rcopy", "failover", "g1") // no --yes, stdin closed
	assert.Contains(t, o.stderr, "not confirmed")
	o = s.runWith([]byte("y\n"), s.env, "rcopy", "failover", "g1", "--wait")
	require.Equal(t, 0, o.code, o.stderr)
	got, err := s.srv.Content("vol1")
	require.NoError(t, err)
	assert.Equal(t, "data-2", got)
	s.ok("rcopy", "recover", "g1", "--wait", "--yes")
	s.ok("rcopy", "restore", "g1", "--wait", "--yes")
	assert.Regexp(t, `(?m)^g1\s+PRIMARY\s+STARTED\s+alletra-sim-2\s+periodic\s+true\s+vol1$`, p.ok("rcopy", "list"))

	p.fails(exitInUse, "rcopy", "delete", "g1", "--yes") // started: 215, stop it first
	p.ok("rcopy", "stop", "g1")
	p.ok("rcopy", "delete", "g1", "--yes", "--remove-secondary-volumes")
	p.fails(exitNotFound, "rcopy", "get", "g1")
	_, onSecondary := s.srv.Volume("vol1")
	assert.False(t, onSecondary)
}

// TestRcopyJSONMatchesGoldenFiles pins the -o json documents of the rcopy
// commands, as TestJSONShapesMatchGoldenFiles does for the others: enum
// values as the flags take them, RFC 3339 times, no table placeholder.
func TestRcopyJSONMatchesGoldenFiles(t *testing.T) {
	p, s := linkedCLI(t)
	p.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	for _, st := range []struct {
		golden string
		c      *cli
		args   []string
		into   func() any
	}{
		{"rcopy-create", p, []string{"rcopy", "create", "g1", "--target", "alletra-sim-2", "--mode", "periodic", "--user-cpg", "SSD_r6"}, func() any { return &rcGroupView{} }},
		{"rcopy-add", p, []string{"rcopy", "add", "g1", "vol1", "--auto-create"}, func() any { return &rcGroupView{} }},
		{"rcopy-start", p, []string{"rcopy", "start", "g1"}, func() any { return &rcGroupView{} }},
		{"rcopy-sync", p, []string{"rcopy", "sync", "g1", "--wait"}, func() any { return &rcTaskView{} }},
		{"rcopy-get", p, []string{"rcopy", "get", "g1"}, func() any { return &rcGroupView{} }},
		{"rcopy-list", s, []string{"rcopy", "list"}, func() any { return &[]rcGroupView{} }},
		{"rcopy-stop", p, []string{"rcopy", "stop", "g1"}, func() any { return &rcGroupView{} }},
	} {
		out := st.c.ok(append(st.args, "-o", "json")...)
		checkJSONGolden(t, st.golden, out, st.into())
	}
}

// rcopy start and stop say what they did in English ("stoped" before).
func TestRcopyStartStopNotes(t *testing.T) {
	t.Parallel()
	p, _ := linkedCLI(t)
	p.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	p.ok("rcopy", "create", "g1", "--target", "alletra-sim-2", "--mode", "sync")
	p.ok("rcopy", "add", "g1", "vol1", "--auto-create")
	assert.Contains(t, p.ok("rcopy", "start", "g1"), "remote copy group g1 started\n")
	assert.Contains(t, p.ok("rcopy", "stop", "g1"), "remote copy group g1 stopped\n")
}
