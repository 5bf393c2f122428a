package alletra

import (
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
)

// newStrictMock is newMock whose transport fails the test on any request
// that no responder expects.
func newStrictMock(t *testing.T, opts ...Option) (*Client, *mockArray) {
	t.Helper()
	c, m := newMock(t, opts...)
	m.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL)
		return httpmock.NewStringResponse(http.StatusTeapot, `{"code":0,"desc":"unexpected"}`), nil
	})
	return c, m
}

// expectCall registers method url on m: each request must carry exactly the
// raw query and the JSON body (nil: no body) given; it is then answered by
// answer. It returns the number of calls seen.
func expectCall(t *testing.T, m *mockArray, method, url, query string, body any, answer httpmock.Responder) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	m.RegisterResponder(method, url, func(req *http.Request) (*http.Response, error) {
		n.Add(1)
		assert.Equal(t, query, req.URL.RawQuery, "%s %s: query", method, url)
		var got any
		if req.Body != nil {
			b, _ := io.ReadAll(req.Body)
			if len(b) > 0 {
				assert.NoError(t, json.Unmarshal(b, &got), "%s %s: body %s", method, url, b)
			}
		}
		var want any
		if body != nil {
			b, err := json.Marshal(body)
			assert.NoError(t, err)
			assert.NoError(t, json.Unmarshal(b, &want))
		}
		assert.Equal(t, want, got, "%s %s: body", method, url)
		return answer(req)
	})
	return &n
}

// okEmpty answers with status and no body.
func okEmpty(status int) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) { return httpmock.NewStringResponse(status, ""), nil }
}

// jsonText answers with status and the JSON text body.
func jsonText(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// obj is a JSON object, for expected bodies.
type obj = map[string]any
