package alletratest_test

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// Every option takes effect, seen through the array's answers and the
// server's accessors.
func TestOptionsAndAccessors(t *testing.T) {
	t.Parallel()
	clk := alletratest.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := alletratest.NewTestServer(t,
		alletratest.WithCredentials("admin", "secret"),
		alletratest.WithMaxNameLength(40),
		alletratest.WithMaxVolumeSizeMiB(2048),
		alletratest.WithSessionLimit(1),
		alletratest.WithSessionIdleTimeout(time.Minute),
		alletratest.WithClock(clk),
		alletratest.WithTaskDuration(time.Minute),
		alletratest.WithCPG("CPG_A", "CPG_B"),
		alletratest.WithSerializedSessions(),
		alletratest.WithGzip(),
	)
	assert.Equal(t, "admin", srv.Username())
	assert.Equal(t, "secret", srv.Password())
	assert.NotNil(t, srv.CertPool())
	c := newClient(t, srv)

	name := "c-5a2504b06a6c48498ee7ddb0b674fd14-b" // 36 characters, fine with the raised limit
	status, body, hdr := c.call("POST", "/api/v1/volumes", map[string]any{"name": name, "cpg": "CPG_B", "sizeMiB": 1000, "tpvv": true})
	require.Equal(t, 201, status, string(body))
	assert.Equal(t, "/api/v1/volumes/"+name, hdr.Get("Location"))
	status, _, _ = c.call("POST", "/api/v1/volumes", map[string]any{"name": "big", "cpg": "CPG_B", "sizeMiB": 4096, "tpvv": true})
	assert.Equal(t, 400, status)

	v, ok := srv.Volume(name)
	require.True(t, ok)
	assert.EqualValues(t, 1024, v.SizeMiB)
	assert.Equal(t, "CPG_B", v.CPG)
	require.NoError(t, srv.WriteContent(name, "T1"))
	got, err := srv.Content(name)
	require.NoError(t, err)
	assert.Equal(t, "T1", got)
	_, err = srv.Content("nope")
	assert.Error(t, err)
	assert.Len(t, srv.Volumes(), 1)

	status, _, _ = c.call("POST", "/api/v1/volumesets", map[string]any{"name": "pool1", "setmembers": []string{name}})
	require.Equal(t, 201, status)
	set, ok := srv.VolumeSet("pool1")
	require.True(t, ok)
	assert.Equal(t, []string{name}, set.Members)
	assert.Len(t, srv.VolumeSets(), 1)

	status, _, _ = c.call("POST", "/api/v1/hosts", map[string]any{"name": "h1", "NQN": "nqn.2014-08.org.nvmexpress:uuid:1"})
	require.Equal(t, 201, status)
	h, ok := srv.Host("h1")
	require.True(t, ok)
	assert.Equal(t, "nqn.2014-08.org.nvmexpress:uuid:1", h.NQN)
	assert.Len(t, srv.Hosts(), 1)
	status, _, hdr = c.call("POST", "/api/v1/vluns", map[string]any{"volumeName": name, "hostname": "h1", "lun": 0, "autoLun": true})
	require.Equal(t, 201, status)
	assert.Equal(t, "/api/v1/vluns/"+name+",1,h1", hdr.Get("Location"))
	vl := srv.VLUNs()
	require.Len(t, vl, 2)
	assert.Equal(t, "0:3:1", vl[1].PortPos)

	// A slow promote on the manual clock.
	status, _, _ = c.call("POST", "/api/v1/volumes/"+name, map[string]any{"action": "createSnapshot", "parameters": map[string]any{"name": "s1"}})
	require.Equal(t, 201, status)
	c.call("DELETE", "/api/v1/vluns/"+name+",1,h1", nil)
	require.NoError(t, srv.WriteContent(name, "T2"))
	status, body, _ = c.call("PUT", "/api/v1/volumes/s1", map[string]any{"action": 4})
	require.Equal(t, 200, status, string(body))
	assert.Equal(t, alletra.TaskActive, srv.Tasks()[0].Status)
	clk.Advance(time.Minute)
	assert.Equal(t, alletra.TaskDone, srv.Tasks()[0].Status)
	got, _ = srv.Content(name)
	assert.Equal(t, "T1", got)

	// The session limit is 1, and the idle timeout one minute on the clock.
	assert.Equal(t, 1, srv.Sessions())
	other := &client{t: t, srv: srv, hc: c.hc}
	status, _, _ = other.call("POST", "/api/v1/credentials", map[string]string{"user": "admin", "password": "secret"})
	assert.Equal(t, 503, status)
	clk.Advance(2 * time.Minute)
	assert.Equal(t, 0, srv.Sessions())

}

// WithListener serves on the caller's listener; the server closes it.
func TestWithListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := alletratest.NewServer(alletratest.WithListener(l), alletratest.WithPlainHTTP())
	assert.Equal(t, "http://"+l.Addr().String(), srv.URL)
	assert.Nil(t, srv.Certificate())
	c := newClient(t, srv)
	status, _, _ := c.call("GET", "/api/v1/system", nil)
	assert.Equal(t, 200, status)
	c.hc.CloseIdleConnections()
	srv.Close()
	_, err = net.Dial("tcp", l.Addr().String())
	assert.Error(t, err, "closed with the server")
}
