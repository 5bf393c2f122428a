package probe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/internal/probe"
)

// spy sits under the probe's recorder and keeps what must never reach the
// report: session keys sent, and every string value the array answered.
type spy struct {
	base   http.RoundTripper
	mu     sync.Mutex
	keys   map[string]bool
	values map[string]bool
}

func (s *spy) RoundTrip(req *http.Request) (*http.Response, error) {
	if k := req.Header.Get(alletratest.SessionHeader); k != "" {
		s.mu.Lock()
		s.keys[k] = true
		s.mu.Unlock()
	}
	resp, err := s.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	var v any
	if json.Unmarshal(data, &v) == nil {
		s.mu.Lock()
		collectStrings(v, s.values)
		s.mu.Unlock()
	}
	return resp, nil
}

func (s *spy) CloseIdleConnections() {
	if c, ok := s.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func collectStrings(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			collectStrings(e, out)
		}
	case []any:
		for _, e := range x {
			collectStrings(e, out)
		}
	case string:
		out[x] = true
	}
}

// arrayOptions points the probe at srv as if it were a real array, with a
// spy under the recorder and quick retries.
func arrayOptions(srv *alletratest.Server) (probe.Options, *spy) {
	hc := srv.HTTPClient()
	sp := &spy{base: hc.Transport, keys: map[string]bool{}, values: map[string]bool{}}
	hc.Transport = sp
	return probe.Options{URL: srv.URL, User: srv.Username(), Password: srv.Password(), HTTPClient: hc,
		ClientOptions: []alletra.Option{alletra.WithRetry(2, time.Millisecond, 5*time.Millisecond)}}, sp
}

// requireNothingLeft checks the array has no object of the probe's (all
// its names start with "prb") and no session.
func requireNothingLeft(t *testing.T, srv *alletratest.Server) {
	t.Helper()
	for _, v := range srv.Volumes() {
		assert.False(t, strings.HasPrefix(v.Name, "prb"), "volume %s left behind", v.Name)
	}
	for _, s := range srv.VolumeSets() {
		assert.False(t, strings.HasPrefix(s.Name, "prb"), "volume set %s left behind", s.Name)
	}
	for _, h := range srv.Hosts() {
		assert.False(t, strings.HasPrefix(h.Name, "prb"), "host %s left behind", h.Name)
	}
	for _, v := range srv.VLUNs() {
		assert.False(t, strings.HasPrefix(v.VolumeName, "prb"), "vLUN of %s left behind", v.VolumeName)
	}
	assert.Zero(t, srv.Sessions(), "sessions left open")
}

func TestProbeOfSimulatorHasNoDifferences(t *testing.T) {
	t.Parallel()
	for _, write := range []bool{false, true} {
		name := map[bool]string{false: "read-only", true: "write"}[write]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := alletratest.NewTestServer(t)
			opts, _ := arrayOptions(srv)
			opts.Write, opts.CPG = write, "SSD_r6"
			rep, err := probe.Run(context.Background(), opts)
			require.NoError(t, err)
			assert.Empty(t, rep.Differences)
			assert.Empty(t, rep.Leftovers)
			assert.Empty(t, rep.Stopped)
			assert.Equal(t, name, rep.Mode)
			assert.Equal(t, 100500031, rep.Array.Build)
			assert.NotEmpty(t, rep.Array.Model)
			// The simulator has nothing else, so nothing at all is left.
			assert.Empty(t, srv.Volumes())
			assert.Empty(t, srv.VolumeSets())
			assert.Empty(t, srv.Hosts())
			assert.Empty(t, srv.VLUNs())
			requireNothingLeft(t, srv)
			if write {
				// The default build is an Alletra MP one: longer names (w-wire, issue 19).
				assert.Equal(t, map[string]bool{"31": true, "63": true}, rep.Array.NamesAccepted)
				assert.Equal(t, 63, rep.Simulator.MaxNameLength)
			}
		})
	}
}

func TestProbeAgainstSimAloneHasNoDifferences(t *testing.T) {
	t.Parallel()
	for _, write := range []bool{false, true} {
		rep, err := probe.Run(context.Background(), probe.Options{AgainstSim: true, Write: write})
		require.NoError(t, err)
		assert.Empty(t, rep.Differences, "write=%v", write)
		assert.True(t, rep.AgainstSim)
		// The seeded simulators have a volume, host and task to sample.
		assert.Empty(t, rep.NotCompared)
		steps := map[string]string{}
		for _, s := range rep.Steps {
			steps[s.Step] = s.Result
		}
		assert.Equal(t, "ok", steps["volumes.get"])
		assert.Equal(t, "ok", steps["tasks.get"])
		assert.Equal(t, "ok", steps["ports.iscsivlans"])
		assert.Contains(t, steps["missing.volume"], "ErrNotFound")
		if write {
			assert.Equal(t, "ok", steps["write.volume.delete-cascade"])
		}
	}
}

func TestProbeJSONHasNoSecretsNorValues(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t, alletratest.WithCredentials("3paradm", "s3cret-Pa55word"))
	opts, sp := arrayOptions(srv)
	opts.Write, opts.CPG = true, "SSD_r6"
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	data, err := json.Marshal(rep)
	require.NoError(t, err)

	var back probe.Report
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, probe.SchemaVersion, back.SchemaVersion)
	assert.Equal(t, rep.Exchanges, back.Exchanges)
	var generic map[string]any
	require.NoError(t, json.Unmarshal(data, &generic))
	for _, k := range []string{"schemaVersion", "tool", "mode", "againstSim", "array", "simulator", "differences", "steps", "exchanges"} {
		assert.Contains(t, generic, k)
	}

	text := string(data)
	assert.False(t, strings.Contains(text, srv.Password()), "password in the report")
	require.NotEmpty(t, sp.keys)
	for k := range sp.keys {
		assert.False(t, strings.Contains(text, k), "session key %q in the report", k)
	}
	for _, p := range alletratest.DefaultPorts() {
		for _, w := range []string{p.NodeWWN, p.PortWWN, p.ISCSIName, p.IPAddr} {
			if w != "" {
				assert.False(t, strings.Contains(text, w), "port value %q in the report", w)
			}
		}
	}
	// No value the array answered (WWNs, serial, system name, addresses,
	// IQNs, the probe's own object names) appears, except a few that are
	// the report's own words (the model; the build is a number).
	require.NotEmpty(t, sp.values)
	allowed := map[string]bool{rep.Array.Model: true, rep.Array.WSAPIVersion: true}
	for v := range sp.values {
		if allowed[v] || len(v) < 6 {
			continue
		}
		// As a whole JSON string, or as a path segment or vLUN id part
		// (member names such as "qosEnabled" may contain a value's letters).
		quoted, _ := json.Marshal(v)
		for _, form := range []string{string(quoted), "/" + v, "," + v} {
			assert.False(t, strings.Contains(text, form), "answered value %q in the report", v)
		}
	}
}

func TestProbeReportsADifferentNameLimit(t *testing.T) {
	t.Parallel()
	// An "array" that refuses 31-character names: the reference simulator
	// (31, the documented limit) accepts them.
	srv := alletratest.NewTestServer(t, alletratest.WithMaxNameLength(20))
	opts, _ := arrayOptions(srv)
	opts.Write, opts.CPG = true, "SSD_r6"
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Contains(t, rep.Differences, probe.Difference{Step: "write.volume31.create", Method: "POST",
		Path: "/api/v1/volumes", Kind: "status", Array: "400", Simulator: "201"})
	assert.Contains(t, rep.Differences, probe.Difference{Step: "write.volume31.create", Method: "POST",
		Path: "/api/v1/volumes", Kind: "code", Array: "57", Simulator: ""})
	assert.Equal(t, "write.volume31.create", rep.Stopped)
	assert.Empty(t, rep.Leftovers)
	requireNothingLeft(t, srv)

	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	assert.Contains(t, b.String(), "difference(s) from the simulator")
	assert.Contains(t, b.String(), "write.volume31.create #0 POST /api/v1/volumes: status: array 400, simulator 201")
	assert.Less(t, strings.Index(b.String(), "difference(s)"), strings.Index(b.String(), "Array:"), "differences first")
}

func TestProbeLearnsALongerNameLimit(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t, alletratest.WithMaxNameLength(63))
	opts, _ := arrayOptions(srv)
	opts.Write, opts.CPG = true, "SSD_r6"
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.True(t, rep.Array.NamesAccepted["63"])
	assert.Equal(t, 63, rep.Simulator.MaxNameLength)
	assert.Empty(t, rep.Differences)
	requireNothingLeft(t, srv)
}

func TestProbeReportsAHeaderDifference(t *testing.T) {
	t.Parallel()
	// An "array" that gzips its answers (Go's transport asks for gzip).
	srv := alletratest.NewTestServer(t, alletratest.WithGzip())
	opts, _ := arrayOptions(srv)
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Contains(t, rep.Differences, probe.Difference{Step: "system", Method: "GET", Path: "/api/v1/system",
		Kind: "header", Member: "Content-Encoding", Array: "gzip", Simulator: ""})
	requireNothingLeft(t, srv)
}

func TestProbeReportsAStatusAndMemberDifference(t *testing.T) {
	t.Parallel()
	// An "array" whose WSAPI configuration answers otherwise.
	srv := alletratest.NewTestServer(t)
	srv.InjectFault("GET", "/api/v1/wsapiconfiguration", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 403, Code: 13})
	opts, _ := arrayOptions(srv)
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	var kinds []string
	for _, d := range rep.Differences {
		require.Equal(t, "wsapiconfiguration", d.Step, "%+v", d)
		kinds = append(kinds, d.Kind+":"+d.Member)
	}
	assert.Contains(t, kinds, "status:")
	assert.Contains(t, kinds, "code:")
	assert.Contains(t, kinds, "member:code")
	assert.Contains(t, kinds, "member:httpsPort")
}

func TestProbeWriteRemovesEverythingAfterAnInjectedFailure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, route string
		fault               alletratest.Fault
		stopped             string
	}{
		{"refused host create", "POST", "/api/v1/hosts",
			alletratest.Fault{Kind: alletratest.FaultStatus, Status: 500, Code: 1}, "write.host.create"},
		{"host created, answer lost", "POST", "/api/v1/hosts",
			alletratest.Fault{Kind: alletratest.FaultCommitThenDrop, Times: -1}, "write.host.create"},
		// The grow is the third PUT on a volume, after the two promotes.
		{"grow refused", "PUT", "/api/v1/volumes/{name}",
			alletratest.Fault{Kind: alletratest.FaultStatus, Status: 500, Code: 1}, "write.volume.grow"},
		// go-alletra finds the lost export by listing; the raw duplicate
		// export is lost too. The scenario goes on, and cleans up.
		{"every export lost", "POST", "/api/v1/vluns",
			alletratest.Fault{Kind: alletratest.FaultCommitThenDrop, Times: -1}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := alletratest.NewTestServer(t)
			opts, _ := arrayOptions(srv)
			opts.Write, opts.CPG = true, "SSD_r6"
			if tc.stopped == "write.volume.grow" {
				pass := alletratest.Fault{Kind: alletratest.FaultDelay, Delay: time.Nanosecond}
				srv.InjectFault(tc.method, tc.route, pass)
				srv.InjectFault(tc.method, tc.route, pass)
			}
			srv.InjectFault(tc.method, tc.route, tc.fault)
			rep, err := probe.Run(context.Background(), opts)
			require.NoError(t, err)
			assert.Equal(t, tc.stopped, rep.Stopped)
			assert.Empty(t, rep.Leftovers)
			srv.ClearFaults()
			requireNothingLeft(t, srv)
			assert.Empty(t, srv.Volumes())
			assert.Empty(t, srv.Hosts())
			assert.Empty(t, srv.VolumeSets())
			assert.Empty(t, srv.VLUNs())
			assert.NotEmpty(t, rep.Differences, "the failure shows as a difference")
		})
	}
}

func TestProbeWriteRemovesAVolumeLeftInItsSet(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	opts, _ := arrayOptions(srv)
	opts.Write, opts.CPG = true, "SSD_r6"
	// The add and the second add pass (faults on a route are used in
	// order), the remove fails: the volume is still in the set when the
	// scenario stops.
	pass := alletratest.Fault{Kind: alletratest.FaultDelay, Delay: time.Nanosecond}
	srv.InjectFault("PUT", "/api/v1/volumesets/{name}", pass)
	srv.InjectFault("PUT", "/api/v1/volumesets/{name}", pass)
	srv.InjectFault("PUT", "/api/v1/volumesets/{name}", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 500, Code: 1})
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, "write.volumeset.remove", rep.Stopped)
	assert.Empty(t, rep.Leftovers)
	requireNothingLeft(t, srv)
}

func TestProbeReportsWhatItCouldNotRemove(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	opts, _ := arrayOptions(srv)
	opts.Write, opts.CPG = true, "SSD_r6"
	srv.InjectFault("DELETE", "/api/v1/hosts/{name}", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 500, Code: 1, Times: -1})
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	require.Len(t, rep.Leftovers, 1)
	assert.Regexp(t, `^host prb[0-9a-f]{6}-host$`, rep.Leftovers[0])
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	assert.Contains(t, b.String(), "COULD NOT REMOVE")
	assert.Contains(t, b.String(), rep.Leftovers[0])
}

func TestProbeKeepNames(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		rep, err := probe.Run(context.Background(), probe.Options{AgainstSim: true, KeepNames: keep})
		require.NoError(t, err)
		data, err := json.Marshal(rep)
		require.NoError(t, err)
		// The seeded simulator's volume and host are "seed-vol", "seed-host".
		assert.Equal(t, keep, strings.Contains(string(data), "/api/v1/volumes/seed-vol"), "keep=%v", keep)
		assert.Equal(t, keep, strings.Contains(string(data), "/api/v1/hosts/seed-host"), "keep=%v", keep)
		if !keep {
			assert.NotContains(t, string(data), "seed-")
		}
	}
}

func TestProbeWriteNeedsACPG(t *testing.T) {
	t.Parallel()
	_, err := probe.Run(context.Background(), probe.Options{URL: "https://127.0.0.1:1", Write: true})
	require.ErrorContains(t, err, "CPG")
}

func TestProbeLoginFailureReturnsAPartialReport(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	opts, _ := arrayOptions(srv)
	opts.Password = "wrong"
	rep, err := probe.Run(context.Background(), opts)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ErrAuthentication")
	assert.ErrorIs(t, err, alletra.ErrAuthentication, "the CLI picks its exit code from the class")
	require.NotNil(t, rep)
	require.NotEmpty(t, rep.Exchanges)
	assert.Equal(t, 403, rep.Exchanges[0].Status)
	assert.Equal(t, 5, rep.Exchanges[0].Code)
}

func TestProbeLearnsTheISCSIVlansEnvelope(t *testing.T) {
	t.Parallel()
	// An "array" that answers the iSCSI VLANs in the collection envelope
	// {"total":N,"members":[...]}: the reference is started with that shape,
	// so nothing differs, and the report says which shape the array used.
	srv := alletratest.NewTestServer(t, alletratest.WithISCSIVlansEnvelope())
	opts, _ := arrayOptions(srv)
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Empty(t, rep.Differences)
	assert.True(t, rep.Simulator.ISCSIVlansEnvelope)
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	assert.Contains(t, b.String(), "iSCSI VLANs in a members envelope")
	requireNothingLeft(t, srv)

	// The default shape: no envelope.
	plain, err := probe.Run(context.Background(), probe.Options{AgainstSim: true})
	require.NoError(t, err)
	assert.False(t, plain.Simulator.ISCSIVlansEnvelope)
}

func TestProbeReportsAnotherISCSIVlansShape(t *testing.T) {
	t.Parallel()
	// A reference forced to the other shape than the array's: the member
	// set differs, and the report lists it.
	srv := alletratest.NewTestServer(t)
	opts, _ := arrayOptions(srv)
	opts.SimOptions = []alletratest.Option{alletratest.WithISCSIVlansEnvelope()}
	rep, err := probe.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Contains(t, rep.Differences, probe.Difference{Step: "ports.iscsivlans", Method: "GET",
		Path: "/api/v1/ports/{n:s:p}/iSCSIVlans/", Kind: "member", Member: "members", Array: "", Simulator: "array"})
}
