package probe

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTemplatePath(t *testing.T) {
	t.Parallel()
	r := &Recorder{Names: map[string]string{"prbabc123-v31": "probe-vol31", "prbabc123-host": "probe-host"}}
	for in, want := range map[string]string{
		"/api":                                         "/api",
		"/api/v1/system":                               "/api/v1/system",
		"/api/v1/volumes":                              "/api/v1/volumes",
		"/api/v1/volumes/prbabc123-v31":                "/api/v1/volumes/{probe-vol31}",
		"/api/v1/volumes/customer-db":                  "/api/v1/volumes/{volume}",
		"/api/v1/hosts/esx01.example.com":              "/api/v1/hosts/{host}",
		"/api/v1/volumesets/prod":                      "/api/v1/volumesets/{volumeset}",
		"/api/v1/cpgs/SSD_r6":                          "/api/v1/cpgs/{cpg}",
		"/api/v1/credentials/0-abcdef-123":             "/api/v1/credentials/{key}",
		"/api/v1/tasks/1234":                           "/api/v1/tasks/{task}",
		"/api/v1/ports/1:2:1/iSCSIVlans/":              "/api/v1/ports/{n:s:p}/iSCSIVlans/",
		"/api/v1/vluns/prbabc123-v31,3,prbabc123-host": "/api/v1/vluns/{probe-vol31},{lun},{probe-host}",
		"/api/v1/vluns/prbabc123-v31%2C3%2Cother":      "/api/v1/vluns/{probe-vol31},{lun},{host}",
		"/api/v1/vluns/db,3,,0:2:1":                    "/api/v1/vluns/{volume},{lun},,{n:s:p}",
		"/api/v1/vluns/set:gold,3,set:esx":             "/api/v1/vluns/set:{volumeset},{lun},set:{hostset}",
		"/gateway/api/v1/volumes/x":                    "/{prefix}/api/v1/volumes/{volume}",
		"/api/v1/remotecopygroups/rcg1":                "/api/v1/remotecopygroups/{rcgroup}",
		"/elsewhere":                                   "{unknown-path}",
	} {
		assert.Equal(t, want, r.templatePath(in), in)
	}
	keep := &Recorder{KeepNames: true}
	assert.Equal(t, "/api/v1/hosts/esx01", keep.templatePath("/api/v1/hosts/esx01"))
	assert.Equal(t, "/api/v1/credentials/{key}", keep.templatePath("/api/v1/credentials/0-abc"), "keys never kept")
}

func TestTemplateLocationKeepsTheForm(t *testing.T) {
	t.Parallel()
	r := &Recorder{Names: map[string]string{"v": "probe-vol31"}}
	for in, want := range map[string]string{
		"/api/v1/volumes/v":                    "/api/v1/volumes/{probe-vol31}",
		"api/v1/volumesets/s":                  "api/v1/volumesets/{volumeset}",
		"https://10.1.2.3:8080/api/v1/hosts/h": "https://{array}/api/v1/hosts/{host}",
		"volumes/v":                            "volumes/{probe-vol31}",
		"/api/v1/credentials/0-secret":         "/api/v1/credentials/{key}",
	} {
		assert.Equal(t, want, r.templateLocation(in), in)
	}
}

func TestTemplateQueryKeepsOnlyFlags(t *testing.T) {
	t.Parallel()
	r := &Recorder{}
	req, err := http.NewRequest("GET", `https://a/api/v1/volumes/x?cascade=true&query="wwn EQ 60002AC0"`, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"cascade=true", "query={query}"}, r.templateQuery(req.URL.Query()))
}

func TestShapeTypes(t *testing.T) {
	t.Parallel()
	var ex Exchange
	(&Recorder{}).describeBody(&ex, []byte(`{"total":2,"members":[{"name":"a","sizeMiB":1024,"free":35549184.0,"tags":[]},
		{"name":null,"sizeMiB":1e3,"ok":true,"paths":[{"wwn":"X"}]}]}`), nil, false)
	assert.Equal(t, map[string]string{
		"total": "integer", "members": "array", "members[]": "object",
		"members[].name": "null|string", "members[].sizeMiB": "integer|number", "members[].free": "number",
		"members[].tags": "array", "members[].ok": "boolean",
		"members[].paths": "array", "members[].paths[]": "object", "members[].paths[].wwn": "string",
	}, ex.Members)
	assert.Zero(t, ex.Code, "code only for error answers")

	var e2 Exchange
	e2.Status = 404
	(&Recorder{}).describeBody(&e2, []byte(`{"code":23,"desc":"volume does not exist"}`), nil, false)
	assert.Equal(t, 23, e2.Code)

	var e3 Exchange
	(&Recorder{}).describeBody(&e3, []byte(`[1,"a"]`), nil, false)
	assert.Equal(t, map[string]string{"(root)": "array", "(root)[]": "integer|string"}, e3.Members)

	var e4 Exchange
	(&Recorder{}).describeBody(&e4, []byte(`<html>oops</html>`), nil, false)
	assert.Equal(t, "not-json", e4.Body)
	var e5 Exchange
	(&Recorder{}).describeBody(&e5, nil, nil, false)
	assert.Equal(t, "empty", e5.Body)
	var e6 Exchange
	(&Recorder{}).describeBody(&e6, []byte(`{"total":`), io.ErrUnexpectedEOF, false)
	assert.Equal(t, "truncated", e6.Body)
}

type fixedTransport struct {
	resp func(*http.Request) *http.Response
}

func (f fixedTransport) RoundTrip(req *http.Request) (*http.Response, error) { return f.resp(req), nil }

func TestRecorderRoundTrip(t *testing.T) {
	t.Parallel()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte(`{"key":"0-very-secret"}`))
	require.NoError(t, zw.Close())
	rec := &Recorder{Base: fixedTransport{func(req *http.Request) *http.Response {
		h := http.Header{}
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Encoding", "gzip")
		h.Set("Location", "/api/v1/credentials/0-very-secret")
		return &http.Response{StatusCode: 201, Header: h, Body: io.NopCloser(bytes.NewReader(zipped.Bytes())), Request: req}
	}}}
	ctx := withStep(context.Background(), "login", false)
	req, err := http.NewRequestWithContext(ctx, "POST", "https://array.example.com:8080/api/v1/credentials",
		strings.NewReader(`{"user":"u","password":"p"}`))
	require.NoError(t, err)
	resp, err := rec.RoundTrip(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, zipped.Bytes(), body, "the caller still gets the whole answer")
	got := rec.Exchanges()
	require.Len(t, got, 1)
	assert.Equal(t, Exchange{Step: "login", Method: "POST", Path: "/api/v1/credentials", Status: 201,
		Members: map[string]string{"key": "string"},
		Headers: map[string]string{"Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip",
			"Location": "/api/v1/credentials/{key}"}}, got[0])
}

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, io.ErrUnexpectedEOF
}

func TestRecorderTransportError(t *testing.T) {
	t.Parallel()
	rec := &Recorder{Base: failingTransport{}}
	req, err := http.NewRequest("GET", "https://10.0.0.1/api/v1/system", nil)
	require.NoError(t, err)
	_, err = rec.RoundTrip(req)
	require.Error(t, err)
	assert.Equal(t, []Exchange{{Step: "unlabelled", Method: "GET", Path: "/api/v1/system", Transport: "error"}}, rec.Exchanges())
}
