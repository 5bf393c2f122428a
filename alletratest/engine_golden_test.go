package alletratest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shape is the union of object keys in a JSON value, recursively; arrays
// contribute the merged shape of their elements.
type shape map[string]shape

func shapeOf(v any) shape {
	switch x := v.(type) {
	case map[string]any:
		s := shape{}
		for k, c := range x {
			s[k] = shapeOf(c)
		}
		return s
	case []any:
		s := shape{}
		for _, e := range x {
			for k, c := range shapeOf(e) {
				s[k] = merge(s[k], c)
			}
		}
		return s
	}
	return nil
}

func merge(a, b shape) shape {
	if a == nil {
		return b
	}
	for k, v := range b {
		a[k] = merge(a[k], v)
	}
	return a
}

// missingKeys lists the keys of want that got lacks, as dotted paths.
func missingKeys(prefix string, want, got shape) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			out = append(out, prefix+k)
			continue
		}
		out = append(out, missingKeys(prefix+k+".", w, g)...)
	}
	sort.Strings(out)
	return out
}

func TestGoldenKeySets(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk, SessionIdleTimeout: time.Hour})
	c.ok(201, "POST", "/volumes", map[string]any{"name": "c-web01", "cpg": "SSD_r6", "sizeMiB": 10240, "tpvv": true,
		"comment": "Created and managed by LXD", "expirationHours": 168})
	c.volume("c-web02", 10240)
	snap(c, "c-web01", "sc-web01-snap0")
	c.ok(201, "POST", "/volumesets", map[string]any{"name": "pool1", "comment": "x", "setmembers": []string{"c-web01", "c-web02"}})
	c.ok(201, "POST", "/hosts", map[string]any{"name": "node1-iscsi", "iSCSINames": []string{iqn1},
		"descriptors": map[string]any{"comment": "Created by LXD", "os": "Linux"}})
	c.ok(201, "POST", "/hosts", map[string]any{"name": "node1-nvme-tcp", "NQN": nqn1, "transportType": 2,
		"descriptors": map[string]any{"comment": "Created by LXD"}})
	c.ok(201, "POST", "/hosts", map[string]any{"name": "esx01", "FCWWNs": []string{"10000090FA1B2C3D"}, "persona": 8,
		"descriptors": map[string]any{"os": "ESXi"}})
	c.taskID(pcopy(c, "c-web01", "c-web02")) // done at once
	c.export("c-web01", "node1-iscsi")
	c.export("c-web02", "node1-nvme-tcp")
	c.export("c-web02", "esx01")
	c.srv.Engine.SetTaskDuration(time.Hour)
	c.volume("c-web03", 10240)
	c.taskID(pcopy(c, "c-web01", "c-web03")) // stays active: copyType 2, copyOf set
	tid := strconv.Itoa(c.srv.Engine.Tasks()[0].ID)

	for file, path := range map[string]string{
		"volume.json":                 "/volumes/c-web01",
		"volumes.json":                "/volumes",
		"volumeset.json":              "/volumesets/pool1",
		"volumesets.json":             "/volumesets",
		"host_iscsi.json":             "/hosts/node1-iscsi",
		"host_nvme.json":              "/hosts/node1-nvme-tcp",
		"hosts.json":                  "/hosts",
		"vluns.json":                  "/vluns",
		"ports.json":                  "/ports",
		"iscsivlans_python.json":      "/ports/1:2:1/iSCSIVlans/",
		"error_illegal_char.json":     "/volumes/bad!name",
		"task.json":                   "/tasks/" + tid,
		"tasks.json":                  "/tasks",
		"system.json":                 "/system",
		"cpg.json":                    "/cpgs/SSD_r6",
		"wsapiconfiguration.json":     "/wsapiconfiguration",
		"hpe/capacity.json":           "/capacity",
		"error_not_found_volume.json": "/volumes/nope",
		"error_not_found_task.json":   "/tasks/999",
	} {
		r := c.do("GET", path, nil)
		compareGolden(t, file, r.body)
	}
	compareGolden(t, "api_version.json", c.raw(c.key, "GET", "/api", nil).body)
	compareGolden(t, "spacereport.json", c.ok(200, "POST", "/spacereporter", map[string]any{"cpg": "SSD_r6"}).body)
	compareGolden(t, "error_session.json", c.raw("bad", "GET", "/api/v1/volumes", nil).body)
	compareGolden(t, "error_volume_exists.json", c.do("POST", "/volumes", map[string]any{"name": "c-web01", "cpg": "SSD_r6", "sizeMiB": 256, "tpvv": true}).body)
	compareGolden(t, "error_one_required.json", c.do("POST", "/volumes", map[string]any{"name": "x", "cpg": "SSD_r6", "sizeMiB": 256}).body)
	c.volume("c-web04", 10240)
	compareGolden(t, "taskid.json", pcopy(c, "sc-web01-snap0", "c-web04").body)
	compareGolden(t, "error_bad_credentials.json", c.raw("", "POST", "/api/v1/credentials", map[string]any{"user": "x", "password": "y"}).body)
	compareGolden(t, "credentials.json", c.raw("", "POST", "/api/v1/credentials", map[string]any{"user": defaultUser, "password": defaultPassword}).body)

	// Errors the evidence gives a number for, and one it does not.
	compareGolden(t, "error_member_in_set.json", c.do("PUT", "/volumesets/pool1", map[string]any{"action": 1, "setmembers": []string{"c-web01"}}).body)
	compareGolden(t, "error_other_exported.json", c.do("POST", "/vluns", map[string]any{"volumeName": "c-web02", "hostname": "node1-nvme-tcp", "lun": 0, "autoLun": true}).body)
	compareGolden(t, "error_no_domain.json", c.do("POST", "/hosts", map[string]any{"name": "h", "NQN": "nqn.x", "domain": "UNIT_TEST"}).body)
	compareGolden(t, "error_port_specification.json", c.do("DELETE", "/vluns/c-web01,0,node1-iscsi,9:9:9", nil).body)
	r := c.do("PUT", "/volumes/sc-web01-snap0", map[string]any{"action": 4})
	compareGolden(t, "error_vv_exported.json", r.body)
	assert.EqualValues(t, PlaceholderCode, r.json(t)["code"], "no published number: the placeholder")

	// The other shape of the VLAN answer, and the session limit.
	other := newTC(t, simConfig{ISCSIVlansEnvelope: true, SessionLimit: 1})
	compareGolden(t, "iscsivlans.json", other.do("GET", "/ports/1:2:1/iSCSIVlans/", nil).body)
	compareGolden(t, "error_session_limit.json", other.raw("", "POST", "/api/v1/credentials", map[string]any{"user": defaultUser, "password": defaultPassword}).body)
}

func compareGolden(t *testing.T, file string, body []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "golden", file))
	require.NoError(t, err)
	var want, got any
	require.NoError(t, json.Unmarshal(data, &want), file)
	require.NoError(t, json.Unmarshal(body, &got), "%s: %s", file, body)
	assert.Empty(t, missingKeys("", shapeOf(want), shapeOf(got)), "%s: simulator JSON lacks keys of the golden file", file)
}

// HPE-style answers (testdata/golden/hpe): the simulator's answers have
// every member they have.
func TestGoldenHPEKeySets(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{FloatCapacities: true})
	c.volume("osv-db01", 10240)
	for file, path := range map[string]string{
		"hpe/system.json":                "/system",
		"hpe/cpg.json":                   "/cpgs/SSD_r6",
		"hpe/volume.json":                "/volumes/osv-db01",
		"hpe/ports.json":                 "/ports",
		"hpe/iscsivlans_iscsivlans.json": "/ports/1:2:1/iSCSIVlans/",
		"hpe/wsapiconfiguration.json":    "/wsapiconfiguration",
	} {
		compareGolden(t, file, c.do("GET", path, nil).body)
	}
	compareGolden(t, "hpe/spacereport.json", c.ok(200, "POST", "/spacereporter", map[string]any{"cpg": "SSD_r6"}).body)
	env := newTC(t, simConfig{ISCSIVlansEnvelope: true})
	compareGolden(t, "hpe/iscsivlans_members.json", env.do("GET", "/ports/1:2:1/iSCSIVlans/", nil).body)
}
