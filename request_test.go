package alletra

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endless produces prefix, then repeats unit until limit bytes were read
// (never allocating the whole body).
type endless struct {
	prefix, unit string
	limit, read  int64
	pos          int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.limit >= 0 && e.read >= e.limit {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && (e.limit < 0 || e.read < e.limit) {
		var src string
		if e.read < int64(len(e.prefix)) {
			src = e.prefix[e.read:]
		} else {
			src = e.unit[e.pos:]
		}
		k := copy(p[n:], src)
		if e.read >= int64(len(e.prefix)) {
			e.pos = (e.pos + k) % len(e.unit)
		}
		n += k
		e.read += int64(k)
	}
	return n, nil
}

func streamResponder(status int, body io.Reader) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(body), ContentLength: -1}, nil
	}
}

func TestHostileResponses(t *testing.T) {
	t.Parallel()
	volume := `{"name":"v","sizeMiB":256,"wwn":"60002AC0000000000000001A00021F4B"},`
	for _, tc := range []struct {
		name   string
		status int
		body   func() io.Reader
	}{
		{"1 GiB list", 200, func() io.Reader {
			return &endless{prefix: `{"total":1,"members":[`, unit: volume, limit: 1 << 30}
		}},
		{"never-ending list", 200, func() io.Reader {
			return &endless{prefix: `{"total":1,"members":[`, unit: volume, limit: -1}
		}},
		{"1 GiB string", 200, func() io.Reader {
			return &endless{prefix: `{"total":1,"members":[{"name":"`, unit: "a", limit: 1 << 30}
		}},
		{"deeply nested", 200, func() io.Reader {
			return strings.NewReader(`{"total":1,"members":[` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `]}`)
		}},
		{"truncated list", 200, func() io.Reader {
			return strings.NewReader(`{"total":3,"members":[` + volume + volume)
		}},
		{"not JSON", 200, func() io.Reader { return strings.NewReader("<html>maintenance</html>") }},
		{"endless error body", 500, func() io.Reader { return &endless{unit: "<p>oops</p>", limit: -1} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, WithMaxResponseBytes(1<<20), WithRetry(0, 0, 0))
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes", streamResponder(tc.status, tc.body()))
			vols, err := c.Volumes.List(context.Background(), nil)
			require.Error(t, err)
			assert.Nil(t, vols)
			if tc.status == 200 {
				assert.ErrorIs(t, err, ErrBadResponse)
			} else {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.LessOrEqual(t, len(apiErr.Description), 520)
			}
		})
	}
}

func TestInvalidUTF8IsKeptSafe(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithRetry(0, 0, 0))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v",
		httpmock.NewBytesResponder(200, []byte("{\"name\":\"v\xff\xfe\",\"comment\":\"\xc3\x28\"}")))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/w",
		httpmock.NewBytesResponder(409, []byte("\xff\xfe not json \xc3\x28")))
	v, err := c.Volumes.Get(context.Background(), "v")
	require.NoError(t, err)
	assert.True(t, utf8.ValidString(v.Name))
	_, err = c.Volumes.Get(context.Background(), "w")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, utf8.ValidString(apiErr.Description))
}

// FuzzParseErrorBody: any error body gives a bounded, valid UTF-8
// description and never panics.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{`{"code":23,"desc":"x"}`, `{"code":"6"}`, `<html>`, ``, `{"message":{"code":17}}`,
		`{"message":"text"}`, "\xff\xfe", `{"code":1e99}`, `{"code":-5,"ref":"a"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var e APIError
		parseErrorBody(&e, body)
		if !utf8.ValidString(e.Description) {
			t.Fatalf("invalid UTF-8 description %q", e.Description)
		}
		if len(e.Description) > 520 && !strings.HasPrefix(strings.TrimSpace(string(body)), "{") {
			t.Fatalf("description not truncated: %d bytes", len(e.Description))
		}
		_ = e.Error()
	})
}

// FuzzFlexInt: numbers and quoted numbers decode; nothing panics.
func FuzzFlexInt(f *testing.F) {
	for _, s := range []string{`1`, `"42"`, `null`, `""`, `"x"`, `1.5`, `-3`, `"  7 "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n flexInt
		_ = n.UnmarshalJSON([]byte(s))
	})
}

func TestErrorBodyIsCapped(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithRetry(0, 0, 0))
	huge := strings.Repeat("x", 4<<20)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", httpmock.NewStringResponder(500, huge))
	_, err := c.Volumes.Get(context.Background(), "vol1")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.LessOrEqual(t, len(apiErr.Description), 520)
}

func TestSuccessBodyLenientAndCapped(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"name":"vol1","sizeMiB":2048}`))
	require.NoError(t, zw.Close())

	c, m := newMock(t, WithMaxResponseBytes(1024))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/gz", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(200, gz.Bytes())
		resp.Header.Set("Content-Encoding", "gzip")
		resp.Header.Set("Content-Type", "text/plain")
		return resp, nil
	})
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/big",
		httpmock.NewStringResponder(200, `{"name":"big","comment":"`+strings.Repeat("y", 4096)+`"}`))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/cut", httpmock.NewStringResponder(200, `{"name":"cut","sizeM`))

	v, err := c.Volumes.Get(context.Background(), "gz")
	require.NoError(t, err)
	assert.EqualValues(t, 2048, v.SizeMiB)

	_, err = c.Volumes.Get(context.Background(), "big")
	require.ErrorIs(t, err, ErrBadResponse)
	_, err = c.Volumes.Get(context.Background(), "cut")
	require.ErrorIs(t, err, ErrBadResponse)
}

func TestEscapingKeepsNamesInOneSegment(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"vol1": "vol1", "a/b": "a%2Fb", "a?b": "a%3Fb", "a%b": "a%25b", "..": "%2E%2E", ".": "%2E",
		"a b": "a%20b", "é": "%C3%A9", "a,b": "a%2Cb",
	} {
		assert.Equal(t, want, escapeSegment(in), in)
	}
	assert.Equal(t, "/volumes/a%2Fb/x", pathf("/volumes/%s/x", "a/b"))
	assert.Equal(t, "/tasks/12", pathf("/tasks/%s", 12))
}

func TestBodyStartingWithGzipMagicIsNotCorrupted(t *testing.T) {
	t.Parallel()
	body := "\x1f\x8b not gzip at all, but plain text"
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(body))}
	got, err := io.ReadAll(bodyReader(resp))
	require.NoError(t, err)
	assert.Equal(t, body, string(got))
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithUserAgent("lxd/6.0"))
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "lxd/6.0 go-alletra/"+Version, req.Header.Get("User-Agent"))
		assert.Equal(t, "application/json", req.Header.Get("Accept"))
		assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
		assert.Equal(t, testKey, req.Header.Get("X-HP3PAR-WSAPI-SessionKey"))
		body := decodeBody(t, req)
		assert.Equal(t, map[string]any{"name": "v1", "cpg": "SSD_r6", "sizeMiB": float64(1024), "tpvv": true}, body)
		return httpmock.NewStringResponse(http.StatusCreated, ""), nil
	})
	require.NoError(t, c.Volumes.Create(context.Background(), &VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SizeMiB: 1024}))
	assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes"))
}

// NewRequest and Do: the caller's method, escaped path, query and JSON body
// go out as given, and the answer is decoded into v.
func TestDoWireShape(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var seen *http.Request
	var body map[string]any
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/a%2Fb", func(req *http.Request) (*http.Response, error) {
		seen, body = req, decodeBody(t, req)
		return jsonResponder(http.StatusOK, map[string]any{"taskid": 7})(req)
	})
	req, err := c.NewRequest(context.Background(), http.MethodPut, "/volumes/a%2Fb", map[string]any{"action": 3},
		WithQuery(url.Values{"x": {"1"}}), WithCallKind(CallDelta))
	require.NoError(t, err)
	var out struct {
		TaskID int `json:"taskid"`
	}
	require.NoError(t, c.Do(req, &out))
	assert.Equal(t, 7, out.TaskID)
	assert.Equal(t, "/gw/api/v1/volumes/a%2Fb", seen.URL.EscapedPath())
	assert.Equal(t, "x=1", seen.URL.RawQuery)
	assert.Equal(t, map[string]any{"action": float64(3)}, body)
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/a%2Fb"))

	// The session resource is the Client's own, and a path must be below /api/v1.
	for _, p := range []string{"/credentials", "/credentials/k", "volumes", "/../x", "http://x/y"} {
		_, err := c.NewRequest(context.Background(), http.MethodGet, p, nil)
		assert.ErrorIs(t, err, ErrInvalidInput, p)
	}
}
