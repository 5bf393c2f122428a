package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// rawClient sends the few requests go-alletra has no method for (the iSCSI
// VLANs of a port, one vLUN by id, a delete with cascade=true) on a session
// of its own, through the same recording transport. The key stays in this
// struct: it is never printed, logged or put into an error.
type rawClient struct {
	hc             *http.Client
	root           string // scheme://host[:port][/sub-path]
	user, password string
	key            string
}

// newRawClient returns a rawClient on a copy of hc that never follows a
// redirect (a redirected login would send the password elsewhere).
func newRawClient(hc *http.Client, root, user, password string) *rawClient {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &rawClient{hc: &c, root: root, user: user, password: password}
}

// rawStatusError is an answer with an error status; it carries the status
// and the WSAPI code only.
type rawStatusError struct{ status, code int }

func (e *rawStatusError) Error() string {
	return fmt.Sprintf("HTTP %d, WSAPI code %d", e.status, e.code)
}

var errNoKey = errors.New("login answer without a session key")

func (r *rawClient) login(ctx context.Context) error {
	body, err := json.Marshal(struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}{r.user, r.password})
	if err != nil {
		return err
	}
	data, err := r.send(ctx, http.MethodPost, "/api/v1/credentials", body)
	if err != nil {
		return err
	}
	var k struct {
		Key string `json:"key"`
	}
	if json.Unmarshal(data, &k) != nil || k.Key == "" {
		return errNoKey
	}
	r.key = k.Key
	return nil
}

func (r *rawClient) logout(ctx context.Context) error {
	if r.key == "" {
		return nil
	}
	_, err := r.send(ctx, http.MethodDelete, "/api/v1/credentials/"+r.key, nil)
	r.key = ""
	return err
}

// do sends a request without a body; path is escaped and may carry a query.
func (r *rawClient) do(ctx context.Context, method, path string) error {
	_, err := r.send(ctx, method, path, nil)
	return err
}

// postJSON sends a JSON body.
func (r *rawClient) postJSON(ctx context.Context, path string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = r.send(ctx, http.MethodPost, path, body)
	return err
}

func (r *rawClient) send(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.root+path, rd)
	if err != nil {
		return nil, errors.New("cannot build request") // the URL may hold the key
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.key != "" {
		req.Header.Set("X-HP3PAR-WSAPI-SessionKey", r.key)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, errors.New("transport error") // the text names the URL, which may hold the key
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, errors.New("answer truncated")
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Code int `json:"code"`
		}
		_ = json.Unmarshal(data, &e)
		return nil, &rawStatusError{resp.StatusCode, e.Code}
	}
	return data, nil
}

// rootOf turns the SDK's endpoint (".../api/v1") into the array's root.
func rootOf(endpoint string) string {
	return strings.TrimSuffix(strings.TrimSuffix(endpoint, "/"), "/api/v1")
}
