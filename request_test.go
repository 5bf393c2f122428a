package alletra

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

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

// go-retryablehttp asks CheckRetry twice about an answer it does not repeat
// (before and after the response handler): the verdict is the same both
// times, and the error body, read once, still reaches the *APIError.
func TestCheckRetryIsAFunctionOfTheAnswer(t *testing.T) {
	t.Parallel()
	c, err := NewClient("https://array", "u", "p", WithRetry(2, 0, 0))
	require.NoError(t, err)
	answer := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	}
	ctxFor := func(kind CallKind, n int) context.Context {
		return context.WithValue(context.Background(), attemptKey{}, &attempt{cl: &call{method: http.MethodGet, path: "/x", kind: kind}, n: n, chain: &chain{}})
	}
	for _, tc := range []struct {
		name   string
		kind   CallKind
		n      int
		status int
		body   string
		retry  bool
		code   ErrorCode
	}{
		{"busy read", CallRead, 1, 503, `{"code":270,"desc":"busy"}`, true, CodeSystemBusy},
		{"busy read, budget spent", CallRead, 3, 503, `{"code":270}`, false, CodeSystemBusy},
		{"busy delta", CallDelta, 1, 503, `{"code":270}`, false, CodeSystemBusy},
		{"key in use on logout", callLogout, 1, 409, `{"code":34}`, true, CodeInUse},
		{"not found", CallRead, 1, 404, `{"code":23,"desc":"no such volume"}`, false, CodeNonExistentVolume},
	} {
		resp := answer(tc.status, tc.body)
		for range 2 {
			retry, err := c.checkRetry(ctxFor(tc.kind, tc.n), resp, nil)
			require.NoError(t, err, tc.name)
			assert.Equal(t, tc.retry, retry, tc.name)
		}
		apiErr := c.check(resp, http.MethodGet, "/x", tc.n)
		require.NotNil(t, apiErr, tc.name)
		assert.Equal(t, tc.code, apiErr.Code, tc.name)
	}
}

// One go-retryablehttp client per Client, built with it, sending through
// the Client's own HTTP client (whose idle connections it may close).
func TestOneRetryClientPerClient(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	rc := c.rc
	require.NotNil(t, rc)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", jsonResponder(200, map[string]any{"name": "vol1"}))
	for range 3 {
		_, err := c.Volumes.Get(context.Background(), "vol1")
		require.NoError(t, err)
	}
	assert.Same(t, rc, c.rc)
	assert.Same(t, c.hc, rc.HTTPClient)
}
