package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/internal/probe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sessionKey is the form of the simulator's session keys.
var sessionKey = regexp.MustCompile(`0-[0-9a-f]{32}-[0-9a-f]{8}`)

// report parses alletractl probe -o json's output.
func report(t *testing.T, out string) probe.Report {
	t.Helper()
	var rep probe.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Equal(t, probe.SchemaVersion, rep.SchemaVersion)
	return rep
}

// requireProbeLeftNothing checks the simulator has no object at all (the
// probe's tests start with an empty one) and no open session.
func requireProbeLeftNothing(t *testing.T, srv *alletratest.Server) {
	t.Helper()
	assert.Empty(t, srv.Volumes())
	assert.Empty(t, srv.VolumeSets())
	assert.Empty(t, srv.Hosts())
	assert.Empty(t, srv.VLUNs())
	assert.Zero(t, srv.Sessions(), "sessions left open")
}

func TestProbeAgainstSim(t *testing.T) {
	c := &cli{t: t, env: baseEnv(t)} // no ALLETRA_* at all: no array needed
	for _, args := range [][]string{{"probe", "--against-sim", "-o", "json"}, {"probe", "--against-sim", "--write", "-o", "json"}} {
		out := c.ok(args...)
		rep := report(t, out)
		assert.True(t, rep.AgainstSim)
		assert.Empty(t, rep.Differences, "%v", args)
		assert.Empty(t, rep.Leftovers)
		assert.NotEmpty(t, rep.Exchanges)
		assert.NotRegexp(t, sessionKey, out, "a session key in the report")
		assert.NotRegexp(t, `[0-9A-Fa-f]{16}`, out, "a WWN in the report")
	}
	text := c.ok("probe", "--against-sim")
	assert.True(t, strings.HasPrefix(text, "No differences from the simulator.\n"), text)
	assert.Contains(t, text, "a simulator")
}

func TestProbeRecordsNoValues(t *testing.T) {
	c := newCLI(t)
	const wwn = "50060B0000C27A9F"
	c.ok("volume", "create", "customer-vol", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("host", "ensure", "customer-host", "--wwn", wwn)
	c.ok("vlun", "export", "customer-vol", "--host", "customer-host")
	vols := c.srv.Volumes()
	require.Len(t, vols, 1)
	require.NotEmpty(t, vols[0].WWN)

	out := c.ok("probe", "-o", "json") // the password comes from ALLETRA_PASSWORD_FILE
	rep := report(t, out)
	assert.Equal(t, "read-only", rep.Mode)
	assert.False(t, rep.AgainstSim)
	assert.NotEmpty(t, rep.Array.Model)
	for _, v := range []string{wwn, vols[0].WWN, "customer-vol", "customer-host", c.srv.URL,
		strings.TrimPrefix(c.srv.URL, "https://"), testUser} {
		assert.NotContains(t, out, v)
	}
	assert.NotRegexp(t, sessionKey, out, "a session key in the report")
	assert.Zero(t, c.srv.Sessions(), "the probe logs out")

	// --keep-names keeps the customer's names, nothing else.
	kept := c.ok("probe", "-o", "json", "--keep-names")
	assert.Contains(t, kept, "customer-vol")
	assert.NotContains(t, kept, vols[0].WWN)
}

func TestProbeWriteLeavesNothing(t *testing.T) {
	c := newCLI(t)
	out := c.ok("probe", "--write", "--cpg", "SSD_r6", "-o", "json")
	rep := report(t, out)
	assert.Equal(t, "write", rep.Mode)
	assert.Empty(t, rep.Differences)
	assert.Empty(t, rep.Leftovers)
	assert.Empty(t, rep.Stopped)
	// The simulator's default build is an Alletra MP one: longer names.
	assert.Equal(t, map[string]bool{"31": true, "63": true}, rep.Array.NamesAccepted)
	requireProbeLeftNothing(t, c.srv)

	text := c.ok("probe", "--write", "--cpg", "SSD_r6")
	assert.True(t, strings.HasPrefix(text, "No differences from the simulator.\n"), text)
	assert.Contains(t, text, "Every object the probe created was removed.")
	requireProbeLeftNothing(t, c.srv)
}

func TestProbeReportsAnotherNameLimit(t *testing.T) {
	// An "array" that refuses 31-character names; the reference simulator
	// (the documented 31) accepts them.
	c := newCLI(t, alletratest.WithMaxNameLength(20))
	want := probe.Difference{Step: "write.volume31.create", Method: "POST", Path: "/api/v1/volumes",
		Kind: "status", Array: "400", Simulator: "201"}
	out := c.ok("probe", "--write", "--cpg", "SSD_r6", "-o", "json") // differences are data: exit 0
	rep := report(t, out)
	assert.Contains(t, rep.Differences, want)
	assert.Equal(t, "write.volume31.create", rep.Stopped)
	assert.Empty(t, rep.Leftovers)
	requireProbeLeftNothing(t, c.srv)

	text := c.ok("probe", "--write", "--cpg", "SSD_r6")
	assert.Regexp(t, `^\d+ difference\(s\) from the simulator:\n`, text, "differences first")
	assert.Contains(t, text, "write.volume31.create #0 POST /api/v1/volumes: status: array 400, simulator 201")

	// --fail-on-diff: the report is printed, and the exit code says so.
	o := c.fails(exitDiffers, "probe", "--write", "--cpg", "SSD_r6", "-o", "json", "--fail-on-diff")
	assert.Contains(t, report(t, o.stdout).Differences, want)
	assert.Contains(t, o.stderr, "--fail-on-diff")
	requireProbeLeftNothing(t, c.srv)
}

func TestProbeLearnsTheVLANShape(t *testing.T) {
	c := newCLI(t, alletratest.WithISCSIVlansEnvelope())
	rep := report(t, c.ok("probe", "-o", "json", "--fail-on-diff"))
	assert.Empty(t, rep.Differences)
	assert.True(t, rep.Simulator.ISCSIVlansEnvelope)
}

func TestProbeInvalidInputAndFailures(t *testing.T) {
	c := newCLI(t)
	o := c.fails(exitInvalid, "probe", "--write")
	assert.Contains(t, o.stderr, "--cpg")
	assert.Empty(t, o.stdout)
	c.fails(exitInvalid, "probe", "--cpg", "SSD_r6") // --cpg without --write
	c.fails(exitInvalid, "probe", "-o", "name")
	c.fails(exitInvalid, "probe", "extra-arg")
	requireProbeLeftNothing(t, c.srv)

	// A wrong password: the authentication exit code, and nothing created.
	pw := filepath.Join(t.TempDir(), "wrong")
	require.NoError(t, os.WriteFile(pw, []byte("not-the-password\n"), 0o600))
	env := append(append([]string(nil), c.env...), "ALLETRA_PASSWORD_FILE="+pw)
	o = c.runWith(nil, env, "probe", "--write", "--cpg", "SSD_r6")
	assert.Equal(t, exitAuth, o.code, "stderr: %s", o.stderr)
	assert.Contains(t, o.stderr, "ErrAuthentication")
	assert.NotContains(t, o.stderr, "not-the-password")
	requireProbeLeftNothing(t, c.srv)
}

// An array with base volumes only (no snapshot, so no copyOf) is no
// difference: the record marks copyOf optional (issue 22).
func TestProbeFailOnDiffPassesWithBaseVolumesOnly(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "base1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("volume", "create", "base2", "--size", "1GiB", "--cpg", "SSD_r6")
	out := c.ok("probe", "--fail-on-diff", "-o", "json")
	rep := report(t, out)
	assert.Empty(t, rep.Differences)
	assert.Equal(t, "alletractl (devel)", rep.ToolVersion)
	assert.NotEmpty(t, rep.SDKVersion)
	require.NotNil(t, rep.Send)
	assert.Contains(t, rep.Send.URL, "template=probe-report.md")

	text := c.ok("probe", "--fail-on-diff")
	assert.Contains(t, text, "Versions: alletractl (devel), go-alletra ")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	assert.Contains(t, strings.Join(lines[len(lines)-3:], "\n"), "Send this report: https://github.com/openalletra/go-alletra/issues/new",
		"the summary ends with where to send it")
}
