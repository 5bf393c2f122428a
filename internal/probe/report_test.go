package probe

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteTextDifferencesFirst(t *testing.T) {
	t.Parallel()
	rep := &Report{SchemaVersion: SchemaVersion, Mode: "write", Tool: "go-alletra probe",
		ToolVersion: "alletractl v0.2.0", SDKVersion: "v0.2.0",
		Array:       ArrayInfo{Model: "HPE Primera 650", WSAPIVersion: "1.8.1", Build: 40202010, NamesAccepted: map[string]bool{"31": true, "63": false}},
		Simulator:   SimInfo{Build: 40202010, MaxNameLength: 31},
		Differences: []Difference{{Step: "missing.vlun", Method: "GET", Path: "/api/v1/vluns/{v},{lun},{h}", Kind: "code", Array: "23", Simulator: "19"}},
		Steps:       []StepResult{{Step: "system", Result: "ok"}, {Step: "missing.vlun", Result: "HTTP 404/23"}},
		Stopped:     "write.host.create",
		Leftovers:   []string{"host prbabc123-host"},
	}
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	assert.Equal(t, `1 difference(s) from the simulator:
  missing.vlun #0 GET /api/v1/vluns/{v},{lun},{h}: code: array 23, simulator 19

Array: model HPE Primera 650, WSAPI 1.8.1, build 40202010 (mode write)
  31-character names: accepted
  63-character names: refused
Simulator: build 40202010, name limit 31
Steps: 2, 1 with an error (an error is often the answer being probed):
  missing.vlun: HTTP 404/23
The write scenario stopped at write.host.create; the cleanup ran.
COULD NOT REMOVE (remove by hand):
  host prbabc123-host
Versions: alletractl v0.2.0, go-alletra v0.2.0

Send this report: https://github.com/openalletra/go-alletra/issues/new?template=probe-report.md
  title: probe: <model> <WSAPI version>
  `+sendTo.How+`
`, b.String())
}

func TestReportJSONNames(t *testing.T) {
	t.Parallel()
	data, err := json.Marshal(&Report{SchemaVersion: SchemaVersion, Differences: []Difference{}})
	require.NoError(t, err)
	// The documented member names; empty optional members are left out.
	assert.JSONEq(t, `{"schemaVersion":1,"tool":"","mode":"","againstSim":false,"array":{},
		"simulator":{"build":0,"maxNameLength":0},"differences":[],"steps":null,"exchanges":null}`, string(data))
}
