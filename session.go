package alletra

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
)

// sessionHeader carries the session key on every authenticated request.
const sessionHeader = "X-HP3PAR-WSAPI-SessionKey"

// session holds the one key that every goroutine of a Client shares.
//
// gen counts the keys obtained so far: a request remembers the generation of
// the key it sent, and only a failure of the current generation may discard
// the key, so a late "invalid key" answer never throws away a fresh one.
type session struct {
	mu    sync.Mutex
	key   string
	gen   uint64
	login *loginCall // non-nil while a login is in flight
}

// credentials holds the password. Its String hides it from fmt.
type credentials struct{ password string }

// String implements fmt.Stringer without revealing the password.
func (*credentials) String() string { return "REDACTED" }

// GoString hides the password from %#v.
func (*credentials) GoString() string { return "REDACTED" }

// String implements fmt.Stringer without revealing the key.
func (*session) String() string { return "session{key: REDACTED}" }

// GoString hides the key from %#v.
func (s *session) GoString() string { return s.String() }

type loginCall struct {
	done    chan struct{}
	waiters int // goroutines waiting for this login (under session.mu)
	key     string
	gen     uint64
	err     error
}

type credentialsRequest struct {
	User        string `json:"user"`
	Password    string `json:"password"`
	SessionType int    `json:"sessionType,omitempty"`
}

// String hides the password from fmt.
func (r credentialsRequest) String() string { return "{user: " + r.User + ", password: REDACTED}" }

// GoString hides the password from %#v.
func (r credentialsRequest) GoString() string { return r.String() }

type credentialsResponse struct {
	Key string `json:"key"`
}

// sessionKey returns the current key, logging in first when there is none.
// Concurrent callers share one login.
func (c *Client) sessionKey(ctx context.Context) (string, uint64, error) {
	for {
		c.sess.mu.Lock()
		if c.sess.key != "" {
			key, gen := c.sess.key, c.sess.gen
			c.sess.mu.Unlock()
			return key, gen, nil
		}
		call := c.sess.login
		leader := call == nil
		if leader {
			call = &loginCall{done: make(chan struct{})}
			c.sess.login = call
		} else {
			call.waiters++
		}
		c.sess.mu.Unlock()

		if leader {
			key, err := c.login(ctx)
			c.sess.mu.Lock()
			if err == nil {
				c.sess.gen++
				c.sess.key = key
				call.key, call.gen = key, c.sess.gen
			}
			call.err = err
			c.sess.login = nil
			c.sess.mu.Unlock()
			close(call.done)
			return call.key, call.gen, err
		}

		select {
		case <-call.done:
		case <-ctx.Done():
			return "", 0, ctx.Err()
		}
		if call.err == nil {
			return call.key, call.gen, nil
		}
		// The leader's own context ended: try again under ours.
		if isContextErr(call.err) && ctx.Err() == nil {
			continue
		}
		return "", 0, call.err
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// currentKey returns the key without logging in ("" when there is none).
func (c *Client) currentKey() string {
	c.sess.mu.Lock()
	defer c.sess.mu.Unlock()
	return c.sess.key
}

// invalidate forgets the key of generation gen, unless a newer key replaced it.
func (c *Client) invalidate(gen uint64) {
	c.sess.mu.Lock()
	if c.sess.gen == gen {
		c.sess.key = ""
	}
	c.sess.mu.Unlock()
}

// login creates a session key. A wrong user or password (403 code 5) is
// returned at once as an *APIError matching ErrAuthentication; a full
// session table (503) as one matching ErrSessionLimit.
func (c *Client) login(ctx context.Context) (string, error) {
	var out credentialsResponse
	_, err := c.do(ctx, &call{
		method: http.MethodPost,
		path:   "/credentials",
		body:   credentialsRequest{User: c.username, Password: c.creds.password},
		safety: safeLogin,
		noAuth: true,
		out:    &out,
	})
	if err != nil {
		return "", err
	}
	if out.Key == "" {
		return "", errBadResponse(http.MethodPost, "/credentials", errors.New("no session key in the login answer"))
	}
	return out.Key, nil
}

// Close logs out: it deletes the session key on the array (DELETE
// /api/v1/credentials/<key>). A login still in flight is waited for first, so
// that its key is not left behind. A key the array already forgot (403 code
// 6) is not an error; a key still in use by a request of another goroutine
// (409 code 34) is retried with the client's backoff and, if still busy,
// left to the array's idle timeout. The Client stays usable: its next call
// logs in again.
func (c *Client) Close(ctx context.Context) error {
	if ctx == nil {
		return invalid("ctx", "nil context")
	}
	defer c.hc.CloseIdleConnections()
	var key string
	for {
		c.sess.mu.Lock()
		call := c.sess.login
		if call == nil {
			key = c.sess.key
			c.sess.key = ""
			c.sess.gen++
			c.sess.mu.Unlock()
			break
		}
		c.sess.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if key == "" {
		return nil
	}
	_, err := c.do(ctx, &call{
		method:     http.MethodDelete,
		path:       "/credentials/" + escapeSegment(key),
		safety:     safeIdempotent,
		retryInUse: true,
		key:        key,
	})
	var apiErr *APIError
	if errors.As(err, &apiErr) && (apiErr.Code == CodeInvalidSessionKey || apiErr.Code == CodeInUse) {
		return nil
	}
	return err
}

// redactPath hides a session key held in a logout path.
func redactPath(path string) string {
	if strings.HasPrefix(path, "/credentials/") {
		return "/credentials/REDACTED"
	}
	return path
}
