package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What HPE's python-3parclient test suite needs on the array, set up
// without Go code: its domain, a CPG in it, an IP port, a task that stays
// active; plus a named error's number and the volume limit.
func TestRunFixturesFromFlags(t *testing.T) {
	t.Parallel()
	s := start(t, "-addr", "127.0.0.1:0", "-plain",
		"-domain", "UNIT_TEST_DOMAIN", "-cpg", "CPG1_UNIT_TEST@UNIT_TEST_DOMAIN", "-cpg", "FC_r1",
		"-ip-port", "0:6:1=10.10.10.1", "-task", "background=1h",
		"-error-code", "NON_EXISTENT_VVCOPY=7001", "-max-volumes", "1", "-untagged-vlan-entry")
	hc := &http.Client{}
	key := login(t, hc, s)
	checkFixtures(t, hc, s, key)
	status, body := call(t, hc, "PUT", s.url+"/api/v1/volumes/v", key, map[string]any{"action": 2})
	assert.Equal(t, 404, status, string(body)) // no such volume: the volume's 404/23
	status, body = call(t, hc, "POST", s.url+"/api/v1/volumes", key, map[string]any{"name": "v", "cpg": "FC_r1", "sizeMiB": 256, "tpvv": true})
	require.Equal(t, 201, status, string(body))
	status, body = call(t, hc, "PUT", s.url+"/api/v1/volumes/v", key, map[string]any{"action": 2})
	assert.Equal(t, 404, status)
	assert.Contains(t, string(body), `"code":7001`, "NON_EXISTENT_VVCOPY with the number set")
	status, body = call(t, hc, "POST", s.url+"/api/v1/volumes", key, map[string]any{"name": "w", "cpg": "FC_r1", "sizeMiB": 256, "tpvv": true})
	assert.Equal(t, 503, status, string(body))
	assert.Contains(t, string(body), `"code":99999`)
	status, body = call(t, hc, "GET", s.url+"/api/v1/ports/1:2:1/iSCSIVlans/", key, nil)
	require.Equal(t, 200, status)
	assert.Contains(t, string(body), `"10.0.1.11"`)
}

// The same fixtures from a JSON file.
func TestRunFixturesFromConfig(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "fixtures.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{
  "domains": ["UNIT_TEST_DOMAIN"],
  "cpgs": [{"name": "CPG1_UNIT_TEST", "domain": "UNIT_TEST_DOMAIN"}, {"name": "FC_r1"}],
  "ipPorts": [{"pos": "0:6:1", "ip": "10.10.10.1"}],
  "tasks": [{"name": "background", "activeFor": "1h"}]
}`), 0o600))
	s := start(t, "-addr", "127.0.0.1:0", "-plain", "-config", cfg)
	hc := &http.Client{}
	checkFixtures(t, hc, s, login(t, hc, s))

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"domain": ["typo"]}`), 0o600))
	_, err := loadFixtures(bad)
	assert.ErrorContains(t, err, "unknown field")
	require.NoError(t, os.WriteFile(bad, []byte(`{"tasks": [{"name": "t", "activeFor": 3}]}`), 0o600))
	_, err = loadFixtures(bad)
	assert.Error(t, err)
}

func checkFixtures(t *testing.T, hc *http.Client, s *started, key string) {
	t.Helper()
	get := func(path string) map[string]any {
		t.Helper()
		status, body := call(t, hc, "GET", s.url+"/api/v1"+path, key, nil)
		require.Equal(t, 200, status, "%s: %s", path, body)
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m))
		return m
	}
	assert.Equal(t, "UNIT_TEST_DOMAIN", get("/cpgs/CPG1_UNIT_TEST")["domain"])
	assert.Equal(t, "FC_r1", get("/cpgs/FC_r1")["name"])
	get("/cpgs/SSD_r6")
	status, body := call(t, hc, "POST", s.url+"/api/v1/hosts", key,
		map[string]any{"name": "h", "iSCSINames": []string{"iqn.1993-08.org.debian:01:abc"}, "domain": "UNIT_TEST_DOMAIN"})
	assert.Equal(t, 201, status, string(body))

	var ip []map[string]any
	for _, p := range get("/ports")["members"].([]any) {
		if m := p.(map[string]any); m["protocol"] == 4.0 {
			ip = append(ip, m)
		}
	}
	require.Len(t, ip, 1)
	assert.Equal(t, "10.10.10.1", ip[0]["IPAddr"])
	assert.EqualValues(t, 4, ip[0]["linkState"])

	tasks := get("/tasks")
	require.EqualValues(t, 1, tasks["total"])
	task := tasks["members"].([]any)[0].(map[string]any)
	assert.Equal(t, "background", task["name"])
	assert.EqualValues(t, 2, task["status"], "active")
}

// An IP port fixture at a position the array has already (a default port
// or another fixture) is refused: it made two ports of one position.
func TestRunRefusesIPPortAtATakenPosition(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a run that passes its checks returns at once
	for _, args := range [][]string{
		{"-ip-port", "0:2:1=10.9.9.9"},
		{"-ip-port", "0:6:1=10.0.0.1", "-ip-port", "0:6:1=10.0.0.2"},
	} {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-plain"}, args...), io.Discard, io.Discard)
		assert.ErrorContains(t, err, "taken", "%q", args)
	}
	// and an address that is not an IP address
	err := run(ctx, []string{"-addr", "127.0.0.1:0", "-plain", "-ip-port", "0:6:1=array.example"}, io.Discard, io.Discard)
	assert.ErrorContains(t, err, "not an IP address")
}

// A CPG fixture's domain must be one of the array's domains (-domain):
// a CPG in a domain the array does not have cannot be.
func TestRunRefusesCPGInAnUnknownDomain(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a run that passes its checks returns at once
	err := run(ctx, []string{"-addr", "127.0.0.1:0", "-plain", "-cpg", "FC_r1@NOPE"}, io.Discard, io.Discard)
	assert.ErrorContains(t, err, "NOPE")
	err = run(ctx, []string{"-addr", "127.0.0.1:0", "-plain", "-domain", "D1", "-cpg", "FC_r1@D1"}, io.Discard, io.Discard)
	assert.NoError(t, err)
}
