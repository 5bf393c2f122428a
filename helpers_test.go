package alletra

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testEndpoint is mounted under a sub-path so that tests notice a client that
// drops the gateway prefix.
const (
	testEndpoint = "https://array.test:8080/gw"
	testAPI      = testEndpoint + "/api/v1"
	testUser     = "3paradm"
	testPassword = "s3cret-Passw0rd"
	testKey      = "0-8a2b5c3d9e4f7a1b-session"
)

// mockArray is the package's one httpmock transport (see newStrictTransport),
// with a login and a logout responder, injected into a Client through
// WithHTTPClient. Each test makes its own.
type mockArray struct {
	*httpmock.MockTransport
	logins atomic.Int32
}

// sessionRoutes are the responders newMock registers itself: a test that
// never logs in (bad input refused before any I/O) does not use them.
var sessionRoutes = []string{
	http.MethodPost + " " + testAPI + "/credentials",
	http.MethodDelete + " " + testAPI + "/credentials/" + testKey,
}

// newStrictTransport returns an httpmock transport that fails the test on
// any request no responder matches (httpmock would otherwise answer it with
// an error the code under test may swallow, and count it nowhere), and, when
// the test ends, on any responder the test registered that was never called
// (a wrong method or URL in the test, or a route it expected the code to
// use). The routes in optional are exempt from the second check.
func newStrictTransport(t testing.TB, optional ...string) *httpmock.MockTransport {
	t.Helper()
	m := httpmock.NewMockTransport()
	m.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("request no responder matches: %s %s", req.Method, req.URL)
		return nil, fmt.Errorf("strict mock: no responder for %s %s", req.Method, req.URL)
	})
	t.Cleanup(func() {
		for route, n := range m.GetCallCountInfo() {
			if n == 0 && !slices.Contains(optional, route) {
				t.Errorf("responder never called: %s", route)
			}
		}
	})
	return m
}

// calls returns how often the responder registered for "METHOD url" was
// called. It fails the test when no responder is registered for it: httpmock
// counts matched routes only, so such a count could never be anything but 0.
func (m *mockArray) calls(t testing.TB, method, url string) int {
	t.Helper()
	n, ok := m.GetCallCountInfo()[method+" "+url]
	if !ok {
		t.Fatalf("no responder registered for %s %s: its call count cannot fail", method, url)
	}
	return n
}

// newMock returns a Client wired to a fresh strict mock transport that
// answers POST /credentials with testKey and DELETE /credentials/testKey
// with 200. Retries wait at most a millisecond.
func newMock(t *testing.T, opts ...Option) (*Client, *mockArray) {
	t.Helper()
	m := &mockArray{MockTransport: newStrictTransport(t, sessionRoutes...)}
	m.RegisterResponder(http.MethodPost, testAPI+"/credentials", func(req *http.Request) (*http.Response, error) {
		m.logins.Add(1)
		var body map[string]any
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil || body["user"] != testUser || body["password"] != testPassword {
			return httpmock.NewStringResponse(http.StatusForbidden, `{"code":5,"desc":"invalid username or password"}`), nil
		}
		resp := httpmock.NewStringResponse(http.StatusCreated, `{"key":"`+testKey+`"}`)
		resp.Header.Set("Location", "/api/v1/credentials/"+testKey)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	m.RegisterResponder(http.MethodDelete, testAPI+"/credentials/"+testKey, httpmock.NewStringResponder(http.StatusOK, ""))
	all := append([]Option{WithHTTPClient(&http.Client{Transport: m}), WithRetry(3, time.Millisecond, time.Millisecond)}, opts...)
	c, err := NewClient(testEndpoint, testUser, testPassword, all...)
	require.NoError(t, err)
	return c, m
}

// jsonResponder answers with status and the JSON encoding of v.
func jsonResponder(status int, v any) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp, err := httpmock.NewJsonResponse(status, v)
		return resp, err
	}
}

// golden reads testdata/golden/<name>.
func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	require.NoError(t, err)
	return b
}

// goldenResponder answers with status and the golden file's bytes.
func goldenResponder(t *testing.T, status int, name string) httpmock.Responder {
	b := golden(t, name)
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(status, b)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// decodeBody decodes a request body into a generic map, so that tests assert
// on the wire names and not on the SDK's structs.
func decodeBody(t *testing.T, req *http.Request) map[string]any {
	t.Helper()
	b, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body %s", b)
	return m
}

// errorResponder answers with a WSAPI error body.
func errorResponder(status int, code ErrorCode, desc string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		b, _ := json.Marshal(map[string]any{"code": int(code), "desc": desc})
		resp := httpmock.NewBytesResponse(status, b)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// recordBodies registers method url on m: it records each decoded request
// body and answers with answers in turn (the last one repeats).
func recordBodies(t *testing.T, m *mockArray, method, url string, answers ...httpmock.Responder) *[]map[string]any {
	t.Helper()
	var mu sync.Mutex
	bodies := &[]map[string]any{}
	m.RegisterResponder(method, url, func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		*bodies = append(*bodies, decodeBody(t, req))
		return answers[min(len(*bodies), len(answers))-1](req)
	})
	return bodies
}

// sequence answers with the responders in turn, then repeats the last one,
// and counts the calls.
func sequence(rs ...httpmock.Responder) (httpmock.Responder, *atomic.Int32) {
	var n atomic.Int32
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		return rs[min(i, len(rs)-1)](req)
	}, &n
}

// respondCreatedAt answers 201 with the given Location header ("" for none).
func respondCreatedAt(location string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusCreated, "")
		if location != "" {
			resp.Header.Set("Location", location)
		}
		return resp, nil
	}
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
