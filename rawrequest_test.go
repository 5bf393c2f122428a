package alletra

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	req, err := c.NewRequest(http.MethodPut, "/volumes/a%2Fb", map[string]any{"action": 3},
		WithQuery(url.Values{"x": {"1"}}), WithCallKind(CallDelta))
	require.NoError(t, err)
	var out struct {
		TaskID int `json:"taskid"`
	}
	resp, err := c.Do(context.Background(), req, &out)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 7, out.TaskID)
	assert.Equal(t, "/gw/api/v1/volumes/a%2Fb", seen.URL.EscapedPath())
	assert.Equal(t, "x=1", seen.URL.RawQuery)
	assert.Equal(t, map[string]any{"action": float64(3)}, body)
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/a%2Fb"))

	// The session resource is the Client's own, and a path must be below /api/v1.
	for _, p := range []string{"/credentials", "/credentials/k", "volumes", "/../x", "http://x/y"} {
		_, err := c.NewRequest(http.MethodGet, p, nil)
		assert.ErrorIs(t, err, ErrInvalidInput, p)
	}
}
