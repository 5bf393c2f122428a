package alletratest

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultStatusAndTimes(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.srv.Engine.InjectFault("GET", "/api/v1/system", Fault{Kind: FaultStatus, Status: 503, Code: codeSystemBusy, Times: 2})
	c.fails(503, codeSystemBusy, "GET", "/system", nil)
	c.fails(503, codeSystemBusy, "GET", "/system", nil)
	c.ok(200, "GET", "/system", nil)
	assert.Equal(t, 3, c.srv.Engine.Requests("GET", "/api/v1/system"))

	// FIFO, wildcard method and route.
	c.srv.Engine.InjectFault("", "*", Fault{Kind: FaultStatus, Status: 500, Code: 1})
	c.srv.Engine.InjectFault("GET", "/api/v1/ports", Fault{Kind: FaultStatus, Status: 404, Code: 11})
	c.fails(500, 1, "GET", "/ports", nil)
	c.fails(404, 11, "GET", "/ports", nil)
	c.ok(200, "GET", "/ports", nil)

	c.srv.Engine.InjectFault("POST", "/api/v1/volumes", Fault{Kind: FaultStatus, Status: 503, Code: codeSystemBusy, Times: -1})
	for range 3 {
		c.fails(503, codeSystemBusy, "POST", "/volumes", map[string]any{"name": "v", "cpg": "SSD_r6", "sizeMiB": 256, "tpvv": true})
	}
	assert.Empty(t, c.srv.Engine.Volumes())
	c.srv.Engine.ClearFaults()
	c.volume("v", 256)
}

func TestFaultDrops(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	body := `{"name":"v","cpg":"SSD_r6","sizeMiB":256,"tpvv":true}`
	post := func() error {
		req, _ := http.NewRequest("POST", c.srv.URL+"/api/v1/volumes", strings.NewReader(body))
		req.Header.Set(SessionHeader, c.key)
		req.Header.Set("Content-Type", "application/json")
		res, err := c.hc.Do(req)
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	c.srv.Engine.InjectFault("POST", "/api/v1/volumes", Fault{Kind: FaultDropBeforeCommit})
	require.Error(t, post())
	assert.Empty(t, c.srv.Engine.Volumes())

	c.srv.Engine.InjectFault("POST", "/api/v1/volumes", Fault{Kind: FaultCommitThenDrop})
	require.Error(t, post())
	_, ok := c.srv.Engine.Volume("v")
	assert.True(t, ok, "committed before the drop")
	c.fails(409, codeExistentVolume, "POST", "/volumes", body)
}

func TestFaultHTMLAndTruncate(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("v", 256)
	c.srv.Engine.InjectFault("GET", "/api/v1/volumes/{name}", Fault{Kind: FaultHTMLBody, Status: 502})
	r := c.do("GET", "/volumes/v", nil)
	assert.Equal(t, 502, r.status)
	assert.Equal(t, "text/html", r.header.Get("Content-Type"))
	assert.Contains(t, string(r.body), "<html>")

	c.srv.Engine.InjectFault("GET", "/api/v1/volumes", Fault{Kind: FaultTruncateList})
	req, _ := http.NewRequest("GET", c.srv.URL+"/api/v1/volumes", nil)
	req.Header.Set(SessionHeader, c.key)
	res, err := c.hc.Do(req)
	require.NoError(t, err, "headers and the first chunk arrive")
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, []string{"chunked"}, res.TransferEncoding)
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.Error(t, err, "the stream ends without the terminating chunk")
	assert.True(t, strings.HasPrefix(string(data), `{"total":1,"members":[`), string(data))
	c.ok(200, "GET", "/volumes", nil)
}

func TestFaultDelayOutlivesClient(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.srv.Engine.InjectFault("POST", "/api/v1/volumes", Fault{Kind: FaultDelay, Delay: time.Second})
	hc := c.srv.HTTPClient()
	defer hc.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", c.srv.URL+"/api/v1/volumes", strings.NewReader(`{"name":"late","cpg":"SSD_r6","sizeMiB":256,"tpvv":true}`))
	req.Header.Set(SessionHeader, c.key)
	done := make(chan error, 1)
	go func() {
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// The client gives up once the array has the request (however slow the machine).
	require.Eventually(t, func() bool { return c.srv.Engine.Requests("POST", "/api/v1/volumes") == 1 }, 30*time.Second, time.Millisecond)
	cancel()
	require.Error(t, <-done)
	require.Eventually(t, func() bool { _, ok := c.srv.Engine.Volume("late"); return ok }, 30*time.Second, 5*time.Millisecond,
		"the array finishes the request after the client gave up")
}

func TestCountersAndStreaming(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{Gzip: true})
	c.srv.Engine.ResetStats()
	for i := range 200 {
		c.volume("v"+itoa(i), 256)
	}
	r := c.ok(200, "GET", "/volumes", nil)
	assert.Len(t, r.members(t), 200)
	st := c.srv.Engine.Stats()
	assert.Equal(t, 200, st.Requests["POST /api/v1/volumes"])
	assert.Equal(t, 1, st.Requests["GET /api/v1/volumes"])
	assert.LessOrEqual(t, st.Connections, 1, "keep-alive reuses the connection")

	// Explicit Accept-Encoding: the body arrives gzipped.
	req, _ := http.NewRequest("GET", c.srv.URL+"/api/v1/system", nil)
	req.Header.Set(SessionHeader, c.key)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := c.hc.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(res.Body)
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Contains(t, string(data), "HPE Alletra MP B10000")

	c.srv.Engine.ResetStats()
	c.srv.Engine.InjectFault("GET", "/api/v1/ports", Fault{Kind: FaultDelay, Delay: 50 * time.Millisecond, Times: 4})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.ok(200, "GET", "/ports", nil)
		}()
	}
	wg.Wait()
	st = c.srv.Engine.Stats()
	assert.GreaterOrEqual(t, st.MaxConcurrent, 2)
	assert.GreaterOrEqual(t, st.Connections, 2)
	assert.GreaterOrEqual(t, st.MaxOpenConnections, 2, "the delayed requests held their connections at once")
	assert.Equal(t, 4, c.srv.Engine.Requests("GET", "/api/v1/ports"))
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.fails(404, codeURINotFound, "GET", "/nothing", nil)
	c.fails(501, codeUnsupportedOperation, "PATCH", "/volumes", nil)
	assert.Equal(t, 1, c.srv.Engine.Requests("PATCH", "/api/v1/volumes"))
	assert.Equal(t, "FaultDelay", FaultDelay.String())
	assert.Equal(t, "FaultKind(99)", FaultKind(99).String())
}
