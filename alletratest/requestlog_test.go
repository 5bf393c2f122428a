package alletratest_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openalletra/go-alletra/alletratest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Each request is logged once answered, aborted ones too; the session key
// and the password are not.
func TestWithRequestLog(t *testing.T) {
	t.Parallel()
	var buf lockedBuffer
	srv := alletratest.NewTestServer(t, alletratest.WithRequestLog(slog.New(slog.NewTextHandler(&buf, nil))))
	c := newClient(t, srv)
	c.call("GET", "/api/v1/volumes?query=%22name+EQ+v1%22", nil)
	// A POST, which net/http does not retry on a new connection.
	require.NoError(t, srv.InjectFault("POST", "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultDropBeforeCommit}))
	req, err := http.NewRequest("POST", srv.URL+"/api/v1/volumes", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set(alletratest.SessionHeader, c.key)
	_, err = c.hc.Do(req)
	require.Error(t, err)
	c.call("DELETE", "/api/v1/credentials/"+c.key, nil)

	log := buf.String()
	assert.Contains(t, log, "method=POST path=/api/v1/credentials status=201")
	assert.Contains(t, log, `method=GET path="/api/v1/volumes?query=%22name+EQ+v1%22" status=200`)
	assert.Contains(t, log, "method=POST path=/api/v1/volumes status=0")
	assert.Contains(t, log, "aborted=true")
	assert.Contains(t, log, "method=DELETE path=/api/v1/credentials/{key} status=200")
	assert.NotContains(t, log, c.key)
	assert.NotContains(t, log, srv.Password())
}

// A path under /api/v1/credentials/ that the array does not serve still
// holds a session key: neither the request log nor the counters show it.
func TestRequestLogHidesAKeyInAnUnservedPath(t *testing.T) {
	t.Parallel()
	var buf lockedBuffer
	srv := alletratest.NewTestServer(t, alletratest.WithRequestLog(slog.New(slog.NewTextHandler(&buf, nil))))
	hc := srv.HTTPClient()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/credentials/SECRETKEY42/x", nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Eventually(t, func() bool { return strings.Contains(buf.String(), "credentials") }, 30*time.Second, time.Millisecond)
	assert.NotContains(t, buf.String(), "SECRETKEY42")
	for route := range srv.Stats().Requests {
		assert.NotContains(t, route, "SECRETKEY42")
	}
}
