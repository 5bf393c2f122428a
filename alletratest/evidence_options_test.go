package alletratest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawLogin logs in and returns a function sending one authenticated request.
func rawLogin(t *testing.T, srv *Server) func(method, path, body string) (int, string) {
	t.Helper()
	hc := srv.HTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	send := func(key, method, path, body string) (int, string) {
		req, err := http.NewRequest(method, srv.URL+"/api/v1"+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set(SessionHeader, key)
		}
		res, err := hc.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(data)
	}
	st, body := send("", "POST", "/credentials", `{"user":"`+srv.Username()+`","password":"`+srv.Password()+`"}`)
	require.Equal(t, 201, st, body)
	key := body[strings.Index(body, `"key":"`)+7 : strings.LastIndex(body, `"`)]
	return func(method, path, body string) (int, string) { return send(key, method, path, body) }
}

func TestEvidenceOptions(t *testing.T) {
	t.Parallel()
	srv := NewTestServer(t, WithNamedErrorCode("NON_ACTIVE_TASK", 4242), WithNamedErrorCode("MEMBER_IN_SET", 0),
		WithDomains("UNIT_TEST"), WithISCSIVlansEnvelope(), WithFloatCapacities())
	do := rawLogin(t, srv)
	st, body := do("POST", "/volumes", `{"name":"a","cpg":"SSD_r6","sizeMiB":256,"tpvv":true}`)
	require.Equal(t, 201, st, body)
	st, body = do("POST", "/volumes", `{"name":"b","cpg":"SSD_r6","sizeMiB":256,"tpvv":true}`)
	require.Equal(t, 201, st, body)
	st, body = do("POST", "/volumes/a", `{"action":"createPhysicalCopy","parameters":{"destVolume":"b"}}`)
	require.Equal(t, 200, st, body)
	st, body = do("PUT", "/tasks/1", `{"action":1}`)
	assert.Equal(t, 400, st)
	assert.Contains(t, body, `"code":4242`)

	st, body = do("POST", "/volumesets", `{"name":"s","setmembers":["a"]}`)
	require.Equal(t, 201, st, body)
	st, body = do("PUT", "/volumesets/s", `{"action":1,"setmembers":["a"]}`)
	assert.Equal(t, 409, st)
	assert.NotContains(t, body, `"code"`)

	st, body = do("POST", "/hosts", `{"name":"h","iSCSINames":["iqn.x"],"domain":"UNIT_TEST"}`)
	assert.Equal(t, 201, st, body)
	h, _ := srv.Host("h")
	assert.Equal(t, "UNIT_TEST", h.Domain)
	st, body = do("PUT", "/volumesets/s", `{"flashCachePolicy":1,"priority":3}`)
	require.Equal(t, 200, st, body)
	set, _ := srv.VolumeSet("s")
	assert.Equal(t, 1, set.FlashCachePolicy)
	assert.EqualValues(t, 3, set.Priority)
	require.NoError(t, srv.WriteContent("a", "AB"))
	v, _ := srv.Volume("a")
	assert.EqualValues(t, 256, v.UsedMiB, "two tokens on a 256 MiB volume")
	assert.False(t, v.Compressed)
	st, body = do("GET", "/ports/1:2:1/iSCSIVlans/", "")
	assert.Equal(t, 200, st)
	assert.Contains(t, body, `"members":[`)
	_, body = do("GET", "/system", "")
	assert.Regexp(t, `"totalCapacityMiB":\d+\.0`, body)
}

func TestWithNamedErrorCodeUnknownName(t *testing.T) {
	t.Parallel()
	assert.PanicsWithValue(t, `alletratest: WithNamedErrorCode: "MEMBER_IN_SETT" is not a named error the simulator answers`,
		func() { WithNamedErrorCode("MEMBER_IN_SETT", 1) })
}

// The named 503 limits can be provoked; the client does not retry them as
// load. Errors without a published number carry PlaceholderCode.
func TestWithMaxVolumesAndSnapshots(t *testing.T) {
	t.Parallel()
	srv := NewTestServer(t, WithMaxVolumes(1), WithMaxSnapshots(1))
	do := rawLogin(t, srv)
	st, body := do("POST", "/volumes", `{"name":"a","cpg":"SSD_r6","sizeMiB":256,"tpvv":true}`)
	require.Equal(t, 201, st, body)
	st, body = do("POST", "/volumes", `{"name":"b","cpg":"SSD_r6","sizeMiB":256,"tpvv":true}`)
	assert.Equal(t, 503, st)
	assert.Contains(t, body, `"code":99999`)
	assert.Contains(t, body, "VV_LIMIT_REACHED")
	st, body = do("POST", "/volumes/a", `{"action":"createSnapshot","parameters":{"name":"s1"}}`)
	require.Equal(t, 201, st, body)
	st, body = do("POST", "/volumes/a", `{"action":"createSnapshot","parameters":{"name":"s2"}}`)
	assert.Equal(t, 503, st)
	assert.Contains(t, body, "SNAPSHOT_LIMIT_REACHED")
	assert.Equal(t, 99999, PlaceholderCode)
}

// The SDK's target discovery offers the untagged trunk address of a
// VLAN-tagged port once, although the array lists it twice.
func TestWithUntaggedVlanEntry(t *testing.T) {
	t.Parallel()
	srv := NewTestServer(t, WithUntaggedVlanEntry())
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	got, err := c.Ports.TargetAddresses(context.Background(), alletra.ProtocolISCSI)
	require.NoError(t, err)
	var ips []string
	for _, a := range got {
		ips = append(ips, a.IP)
	}
	assert.Equal(t, []string{"10.0.0.11", "10.0.1.11", "10.0.1.12"}, ips)
	p := srv.Ports()[2]
	assert.Equal(t, "10.0.1.11", p.UntaggedIPAddr)

	// The same portal under a VLAN tag too: still one target address.
	p.ISCSIVlans = append(p.ISCSIVlans, ISCSIVlanState{IPAddr: "10.0.1.11", VlanTag: 200})
	srv.SetPorts([]PortState{p})
	got, err = c.Ports.TargetAddresses(context.Background(), alletra.ProtocolISCSI)
	require.NoError(t, err)
	require.Len(t, got, 2, "%v", got)
	assert.Equal(t, "10.0.1.11", got[0].IP)
	assert.Zero(t, got[0].VLANTag, "the port's own address comes first")
	assert.Equal(t, "10.0.1.12", got[1].IP)
}

// Fixtures outside suites need: a CPG in a domain, a task that stays active.
func TestFixtureOptions(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	srv := NewTestServer(t, WithClock(clk), WithDomains("UNIT_TEST_DOMAIN"), WithCPGInDomain("CPG1_UNIT_TEST", "UNIT_TEST_DOMAIN"))
	do := rawLogin(t, srv)
	st, body := do("GET", "/cpgs/CPG1_UNIT_TEST", "")
	require.Equal(t, 200, st, body)
	assert.Contains(t, body, `"domain":"UNIT_TEST_DOMAIN"`)
	st, _ = do("GET", "/cpgs/SSD_r6", "")
	assert.Equal(t, 200, st, "the default CPG stays")
	ts := srv.StartTask(alletra.TaskTypeBackgroundTask, "background", time.Hour)
	assert.Equal(t, alletra.TaskActive, ts.Status)
	clk.Advance(time.Hour)
	assert.Equal(t, alletra.TaskDone, srv.Tasks()[0].Status)
	assert.Equal(t, 404, NamedErrorStatus("NON_EXISTENT_VVCOPY"))
	assert.Zero(t, NamedErrorStatus("NOPE"))
}
