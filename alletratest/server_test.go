package alletratest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

type client struct {
	t   *testing.T
	srv *alletratest.Server
	hc  *http.Client
	key string
}

func newClient(t *testing.T, srv *alletratest.Server) *client {
	t.Helper()
	hc := srv.HTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c := &client{t: t, srv: srv, hc: hc}
	status, body, _ := c.call("POST", "/api/v1/credentials", map[string]string{"user": srv.Username(), "password": srv.Password()})
	require.Equal(t, 201, status, string(body))
	var k struct{ Key string }
	require.NoError(t, json.Unmarshal(body, &k))
	c.key = k.Key
	return c
}

func (c *client) call(method, path string, body any) (int, []byte, http.Header) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(c.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	require.NoError(c.t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set(alletratest.SessionHeader, c.key)
	}
	res, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return res.StatusCode, data, res.Header
}

// The setters change what the array answers.
func TestSetters(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t, alletratest.WithTaskDuration(time.Hour))
	c := newClient(t, srv)

	srv.SetPorts(alletratest.DefaultPorts()[:1])
	status, body, _ := c.call("GET", "/api/v1/ports", nil)
	require.Equal(t, 200, status)
	assert.Contains(t, string(body), `"total":1`)

	srv.SetSpaceReport(1, 2)
	status, body, _ = c.call("POST", "/api/v1/spacereporter", map[string]any{"cpg": "SSD_r6"})
	require.Equal(t, 200, status, string(body))
	assert.Contains(t, string(body), `"usableFreeMiB":2`)

	// With the duration set to 0, the next copy is done at once; the one
	// after FailNextTask fails.
	status, _, _ = c.call("POST", "/api/v1/volumes", map[string]any{"name": "src", "cpg": "SSD_r6", "sizeMiB": 256, "tpvv": true})
	require.Equal(t, 201, status)
	srv.SetTaskDuration(0)
	for i, dest := range []string{"copy1", "copy2"} {
		if i == 1 {
			srv.FailNextTask()
		}
		status, body, _ = c.call("POST", "/api/v1/volumes/src", map[string]any{"action": "createPhysicalCopy",
			"parameters": map[string]any{"destVolume": dest, "destCPG": "SSD_r6", "online": true, "tpvv": true}})
		require.Equal(t, 200, status, string(body))
		require.Contains(t, string(body), "taskid")
	}
	tasks := srv.Tasks()
	require.Len(t, tasks, 2)
	assert.Equal(t, alletra.TaskDone, tasks[0].Status)
	assert.Equal(t, alletra.TaskFailed, tasks[1].Status)
}

func TestFaultsAndStats(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t, alletratest.WithPlainHTTP(), alletratest.WithBuild(30103230))
	assert.Nil(t, srv.CertPool())
	c := newClient(t, srv)
	srv.ResetStats()
	status, _, _ := c.call("GET", "/api", nil)
	assert.Equal(t, 200, status)

	require.NoError(t, srv.InjectFault("GET", "/api/v1/system", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: 270}))
	status, body, _ := c.call("GET", "/api/v1/system", nil)
	assert.Equal(t, 503, status)
	assert.JSONEq(t, `{"code":270,"desc":"injected fault"}`, string(body))
	require.NoError(t, srv.InjectFault("", "*", alletratest.Fault{Kind: alletratest.FaultHTMLBody}))
	srv.ClearFaults()
	status, _, _ = c.call("GET", "/api/v1/system", nil)
	assert.Equal(t, 200, status)

	st := srv.Stats()
	assert.Equal(t, 2, st.Requests["GET /api/v1/system"])
	assert.Equal(t, 2, srv.Requests("GET", "/api/v1/system"))
	assert.Equal(t, 1, st.LiveSessions)
	assert.Equal(t, "FaultTruncateList", alletratest.FaultTruncateList.String())

	srv.ExpireSessions()
	status, body, _ = c.call("GET", "/api/v1/system", nil)
	assert.Equal(t, 403, status)
	assert.JSONEq(t, `{"code":6,"desc":"invalid session key"}`, string(body))
}

// Requests takes a method in any case and a concrete path for its template.
func TestRequestsByTemplate(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c := newClient(t, srv)
	c.call("GET", "/api/v1/volumes/a", nil)
	c.call("GET", "/api/v1/volumes/b", nil)
	c.call("GET", "/api/v1/nosuch", nil)
	assert.Equal(t, 2, srv.Requests("GET", "/api/v1/volumes/{name}"))
	assert.Equal(t, 2, srv.Requests("get", "/api/v1/volumes/x"))
	assert.Equal(t, 0, srv.Requests("DELETE", "/api/v1/volumes/{name}"))
	assert.Equal(t, 1, srv.Requests("GET", "/api/v1/nosuch"))
}
