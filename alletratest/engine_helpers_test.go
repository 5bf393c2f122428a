package alletratest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tc is a test client for one simulated array.
type tc struct {
	t   *testing.T
	srv *simServer
	hc  *http.Client
	key string
}

func newTC(t *testing.T, cfg simConfig) *tc {
	t.Helper()
	srv := newSimServer(cfg)
	t.Cleanup(srv.Close)
	hc := srv.HTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c := &tc{t: t, srv: srv, hc: hc}
	c.key = c.login()
	return c
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), string(r.body))
	return m
}

func (r resp) code(t *testing.T) int {
	t.Helper()
	m := r.json(t)
	c, _ := m["code"].(float64)
	return int(c)
}

func (r resp) members(t *testing.T) []map[string]any {
	t.Helper()
	var env struct {
		Total   int              `json:"total"`
		Members []map[string]any `json:"members"`
	}
	require.NoError(t, json.Unmarshal(r.body, &env), string(r.body))
	require.Equal(t, env.Total, len(env.Members))
	return env.Members
}

func (c *tc) raw(key, method, path string, body any) resp {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set(SessionHeader, key)
	}
	res, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

// do sends an authenticated request to /api/v1+path.
func (c *tc) do(method, path string, body any) resp {
	c.t.Helper()
	return c.raw(c.key, method, "/api/v1"+path, body)
}

// ok sends a request and requires the status.
func (c *tc) ok(status int, method, path string, body any) resp {
	c.t.Helper()
	r := c.do(method, path, body)
	require.Equal(c.t, status, r.status, "%s %s: %s", method, path, r.body)
	return r
}

// fails sends a request and requires the status and WSAPI code.
func (c *tc) fails(status, code int, method, path string, body any) resp {
	c.t.Helper()
	r := c.do(method, path, body)
	require.Equal(c.t, status, r.status, "%s %s: %s", method, path, r.body)
	require.Equal(c.t, code, r.code(c.t), "%s %s: %s", method, path, r.body)
	require.Equal(c.t, "application/json", r.header.Get("Content-Type"))
	return r
}

func (c *tc) login() string {
	c.t.Helper()
	r := c.raw("", "POST", "/api/v1/credentials", map[string]any{"user": defaultUser, "password": defaultPassword, "sessionType": 1})
	require.Equal(c.t, http.StatusCreated, r.status, string(r.body))
	key, _ := r.json(c.t)["key"].(string)
	require.NotEmpty(c.t, key)
	require.Equal(c.t, "/api/v1/credentials/"+key, r.header.Get("Location"))
	return key
}

func (c *tc) volume(name string, size int64) {
	c.t.Helper()
	c.ok(201, "POST", "/volumes", map[string]any{"name": name, "cpg": defaultCPG, "sizeMiB": size, "tpvv": true})
}

func (c *tc) iscsiHost(name, iqn string) {
	c.t.Helper()
	c.ok(201, "POST", "/hosts", map[string]any{"name": name, "iSCSINames": []string{iqn}})
}

func (c *tc) nvmeHost(name, nqn string) {
	c.t.Helper()
	c.ok(201, "POST", "/hosts", map[string]any{"name": name, "NQN": nqn, "transportType": 2})
}

func (c *tc) export(vol, host string) string {
	c.t.Helper()
	r := c.ok(201, "POST", "/vluns", map[string]any{"volumeName": vol, "hostname": host, "lun": 0, "autoLun": true})
	return r.header.Get("Location")
}

func (c *tc) taskID(r resp) int {
	c.t.Helper()
	id, ok := r.json(c.t)["taskid"].(float64)
	require.True(c.t, ok, string(r.body))
	return int(id)
}

var epoch = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// qs encodes a WSAPI query the way url.Values does (spaces become '+').
func qs(expr string) string { return "?query=" + url.QueryEscape(`"`+expr+`"`) }

// qs20 encodes a WSAPI query with %20 for spaces, as HPE's python client does.
func qs20(expr string) string { return "?query=" + url.PathEscape(`"`+expr+`"`) }

// refused sends a request and requires the status and an error body whose
// code is PlaceholderCode: the answer for errors the public record names
// without a number.
func (c *tc) refused(status int, method, path string, body any) resp {
	c.t.Helper()
	r := c.do(method, path, body)
	require.Equal(c.t, status, r.status, "%s %s: %s", method, path, r.body)
	m := r.json(c.t)
	require.Equal(c.t, float64(PlaceholderCode), m["code"], "%s %s: %s", method, path, r.body)
	require.NotEmpty(c.t, m["desc"], "%s %s: %s", method, path, r.body)
	return r
}
