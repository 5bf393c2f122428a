package acceptance_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// wsapiConfig is a caller's own type for an endpoint.
type wsapiConfig struct {
	SessionsInUse int `json:"sessionsInUse"`
}

func doArray(t *testing.T) (*alletratest.Server, *alletra.Client) {
	t.Helper()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return srv, c
}

func TestDoReadsWithTheClientsSession(t *testing.T) {
	t.Parallel()
	srv, c := doArray(t)
	ctx := context.Background()
	req, err := c.NewRequest(http.MethodGet, "/wsapiconfiguration", nil)
	require.NoError(t, err)
	assert.Equal(t, alletra.CallRead, req.Kind)
	var cfg wsapiConfig
	resp, err := c.Do(ctx, req, &cfg)
	require.NoError(t, err)
	assert.Equal(t, 1, cfg.SessionsInUse, "the Client logged in for it")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "application/json")

	// An expired key: one re-login, one replay, as for the SDK's methods.
	srv.ExpireSessions()
	_, err = c.Do(ctx, req, &cfg)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Stats().Logins)

	// Error answers are typed, and come with the answer's status.
	req, err = c.NewRequest(http.MethodGet, "/volumes/"+url.PathEscape("nope"), nil)
	require.NoError(t, err)
	resp, err = c.Do(ctx, req, nil)
	require.ErrorIs(t, err, alletra.ErrNotFound)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestDoCreatesAndRetriesAsDeclared(t *testing.T) {
	t.Parallel()
	srv, c := doArray(t)
	ctx := context.Background()
	body := map[string]any{"name": "raw1", "cpg": "SSD_r6", "sizeMiB": 256, "tpvv": true}
	busy := alletratest.Fault{Kind: alletratest.FaultStatus, Status: http.StatusServiceUnavailable,
		Code: alletra.CodeSystemBusy}

	// Undeclared, a POST is a delta: not sent again after a busy answer.
	req, err := c.NewRequest(http.MethodPost, "/volumes", body)
	require.NoError(t, err)
	assert.Equal(t, alletra.CallDelta, req.Kind)
	srv.InjectFault(http.MethodPost, "/api/v1/volumes", busy)
	_, err = c.Do(ctx, req, nil)
	require.ErrorIs(t, err, alletra.ErrBusy)
	assert.Equal(t, 1, srv.Requests(http.MethodPost, "/api/v1/volumes"))

	// Declared a create: sent again, and done once.
	req, err = c.NewRequest(http.MethodPost, "/volumes", body, alletra.WithCallKind(alletra.CallCreate))
	require.NoError(t, err)
	srv.InjectFault(http.MethodPost, "/api/v1/volumes", busy)
	resp, err := c.Do(ctx, req, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Requests(http.MethodPost, "/api/v1/volumes"))
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "/api/v1/volumes/raw1", resp.Location, "the created object's Location")
	_, ok := srv.Volume("raw1")
	assert.True(t, ok)

	// A query goes out as given.
	req, err = c.NewRequest(http.MethodGet, "/volumes", nil,
		alletra.WithQuery(url.Values{"query": {alletra.Eq("name", "raw1").String()}}))
	require.NoError(t, err)
	var list struct {
		Total int `json:"total"`
	}
	_, err = c.Do(ctx, req, &list)
	require.NoError(t, err)
	assert.Equal(t, 1, list.Total)
}

func TestNewRequestAndDoRefuseBadInput(t *testing.T) {
	t.Parallel()
	c, err := alletra.NewClient("https://array", "u", "p")
	require.NoError(t, err)
	ctx := context.Background()
	for name, f := range map[string]func() error{
		"method":      func() error { _, err := c.NewRequest("PATCH", "/volumes", nil); return err },
		"no slash":    func() error { _, err := c.NewRequest(http.MethodGet, "volumes", nil); return err },
		"query":       func() error { _, err := c.NewRequest(http.MethodGet, "/volumes?x=1", nil); return err },
		"dot-dot":     func() error { _, err := c.NewRequest(http.MethodGet, "/volumes/../x", nil); return err },
		"credentials": func() error { _, err := c.NewRequest(http.MethodGet, "/credentials", nil); return err },
		"body":        func() error { _, err := c.NewRequest(http.MethodPost, "/x", func() {}); return err },
		"kind": func() error {
			_, err := c.NewRequest(http.MethodGet, "/x", nil, alletra.WithCallKind(alletra.CallKind(99)))
			return err
		},
		"nil request": func() error { _, err := c.Do(ctx, nil, nil); return err },
		"zero request": func() error {
			_, err := c.Do(ctx, &alletra.Request{Method: http.MethodGet, Path: "/x"}, nil)
			return err
		},
		"nil context": func() error {
			req, err := c.NewRequest(http.MethodGet, "/x", nil)
			require.NoError(t, err)
			var noCtx context.Context
			_, err = c.Do(noCtx, req, nil)
			return err
		},
		"v not a pointer": func() error {
			req, err := c.NewRequest(http.MethodGet, "/x", nil)
			require.NoError(t, err)
			_, err = c.Do(ctx, req, wsapiConfig{})
			return err
		},
	} {
		assert.ErrorIs(t, f(), alletra.ErrInvalidInput, name)
	}
}

// ExampleClient_Do reads an endpoint the SDK does not wrap, with the
// Client's session, retries and typed errors.
func ExampleClient_Do() {
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	defer c.Close(ctx)

	req, err := c.NewRequest(http.MethodGet, "/wsapiconfiguration", nil)
	if err != nil {
		panic(err)
	}
	var cfg struct {
		SessionsInUse int `json:"sessionsInUse"`
	}
	if _, err := c.Do(ctx, req, &cfg); err != nil {
		panic(err)
	}
	fmt.Println("sessions in use:", cfg.SessionsInUse)
	// Output: sessions in use: 1
}
