package alletra

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults of WithLoginBackoff.
const (
	DefaultLoginBackoff    = time.Minute
	DefaultLoginBackoffMax = time.Hour
)

// WithLoginBackoff sets how long the Client sends no login after the array
// refused its credentials (defaults 1 minute, then doubling with each
// refusal in a row, at most 1 hour).
//
// Arrays that check users against a directory lock an account after a few
// failed logins, for every tool that uses it, so a refused login is never
// repeated blindly: after the array answers a login 401 or 403 (403 code 5
// is a wrong user name or password; what a locked or disabled account
// answers is not published, so every 401 and 403 to a login counts), every
// call fails at once, without a request, with a *LoginRefusedError matching
// ErrAuthentication that says when the Client will try again. The first call
// after that time sends one login; another refusal doubles the wait, up to
// maxWait. A login that succeeds, Close and a new Client start afresh.
// Concurrent calls share one login attempt until the credentials have been
// accepted once, whatever WithSessions allows.
func WithLoginBackoff(initial, maxWait time.Duration) Option {
	return func(o *clientOptions) error {
		switch {
		case initial <= 0 || maxWait <= 0:
			return invalid("WithLoginBackoff", "waits must be positive")
		case maxWait < initial:
			return invalid("WithLoginBackoff", "maxWait below initial")
		}
		o.loginBackoff, o.loginBackoffMax = initial, maxWait
		return nil
	}
}

// sessionHeader carries the session key on every authenticated request.
const sessionHeader = "X-HP3PAR-WSAPI-SessionKey"

// sessions holds the Client's session keys. The WSAPI serialises the
// requests of one key, so with WithSessions(n) a Client keeps up to n keys:
// a call takes the key with the fewest calls on it, and a new key is logged
// in only when every key is busy.
//
// The keys belong to an epoch; Close starts a new one (calls that start
// after it log in afresh) and logs out the old one's keys once its calls
// are done.
type sessions struct {
	mu  sync.Mutex
	max int    // WithSessions
	gen uint64 // counts the keys obtained, over all slots
	cur *epoch

	// The login back-off (WithLoginBackoff). Until a login succeeds
	// (proven), one login at a time is sent (probe), whatever the slots;
	// after refusals in a row, no login is sent before retryAt.
	now      func() time.Time
	proven   bool
	probe    *loginCall
	refusals int
	retryAt  time.Time
	refusal  error // the array's last refusal
}

// epoch is the set of keys and calls between two Closes.
type epoch struct {
	calls   int           // calls in flight
	closing bool          // Close waits for the calls
	idle    chan struct{} // closed when closing and calls is 0
	closed  bool          // Close stopped waiting: its calls may not log in again
	keys    []*keySlot
	limit   int // most keys; lowered when the array has no session free
}

// keySlot is one session key. gen identifies the login that produced key:
// only a failure of the current generation may discard the key, so a late
// "invalid key" answer never throws away a fresh one.
type keySlot struct {
	key   string
	gen   uint64
	login *loginCall // non-nil while a login is in flight
	users int        // calls using this slot
}

// keyRef is a key as one call sent it: the key and its generation travel
// together.
type keyRef struct {
	slot *keySlot
	key  string
	gen  uint64
}

type loginCall struct {
	done    chan struct{}
	waiters int // goroutines waiting for this login (under sessions.mu)
	key     string
	gen     uint64
	err     error
}

func newSessions(maxKeys int) *sessions {
	return &sessions{max: maxKeys, cur: newEpoch(maxKeys), now: time.Now}
}

// backingOff returns the error of a call made while the login back-off
// runs, or nil. Callers hold s.mu.
func (s *sessions) backingOff() error {
	if s.refusals == 0 || !s.now().Before(s.retryAt) {
		return nil
	}
	return &LoginRefusedError{RetryAt: s.retryAt, Refusals: s.refusals, Err: s.refusal}
}

// loginDone records the outcome of the login call: a success ends the
// back-off; a refusal of the credentials (401, 403) starts or lengthens it
// and is returned as a *LoginRefusedError. Callers hold s.mu.
func (s *sessions) loginDone(call *loginCall, err error, initial, maxWait time.Duration) error {
	if s.probe == call {
		s.probe = nil
	}
	var apiErr *APIError
	switch {
	case err == nil:
		s.proven, s.refusals, s.refusal = true, 0, nil
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden):
		s.proven = false
		s.refusals++
		wait := initial
		for i := 1; i < s.refusals && wait < maxWait; i++ {
			wait *= 2
		}
		s.retryAt, s.refusal = s.now().Add(min(wait, maxWait)), err
		return &LoginRefusedError{RetryAt: s.retryAt, Refusals: s.refusals, Err: err}
	}
	return err
}

func newEpoch(maxKeys int) *epoch { return &epoch{idle: make(chan struct{}), limit: maxKeys} }

// String implements fmt.Stringer without revealing the keys.
func (*sessions) String() string { return "sessions{keys: REDACTED}" }

// GoString hides the keys from %#v.
func (s *sessions) GoString() string { return s.String() }

// String hides the key from fmt.
func (*keySlot) String() string { return "key{REDACTED}" }

// GoString hides the key from %#v.
func (s *keySlot) GoString() string { return s.String() }

// credentials holds the password. Its String hides it from fmt.
type credentials struct{ password string }

// String implements fmt.Stringer without revealing the password.
func (*credentials) String() string { return "REDACTED" }

// GoString hides the password from %#v.
func (*credentials) GoString() string { return "REDACTED" }

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

// enter counts a call in flight in the current epoch.
func (s *sessions) enter() *epoch {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur.calls++
	return s.cur
}

// leave ends a call of ep.
func (s *sessions) leave(ep *epoch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ep.calls--
	if ep.closing && ep.calls == 0 {
		close(ep.idle)
	}
}

// closed reports whether Close stopped waiting for the calls of ep.
func (s *sessions) closed(ep *epoch) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ep.closed
}

// current returns the key slot's key now ("" while there is none).
func (s *sessions) current(slot *keySlot) keyRef {
	if slot == nil {
		return keyRef{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return keyRef{slot: slot, key: slot.key, gen: slot.gen}
}

// invalidate forgets the key ref was sent with, unless a newer key of the
// same slot replaced it.
func (s *sessions) invalidate(ref keyRef) {
	if ref.slot == nil {
		return
	}
	s.mu.Lock()
	if ref.slot.gen == ref.gen {
		ref.slot.key = ""
	}
	s.mu.Unlock()
}

// release ends a call's use of its key slot.
func (s *sessions) release(slot *keySlot) {
	if slot == nil {
		return
	}
	s.mu.Lock()
	slot.users--
	s.mu.Unlock()
}

// pick chooses the key slot for a call: the one with the fewest calls, or
// a new one when all are busy and the epoch may have more keys.
func (s *sessions) pick(ep *epoch) (*keySlot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ep.closed {
		return nil, errClosedInFlight
	}
	var best *keySlot
	for _, k := range ep.keys {
		if best == nil || k.users < best.users {
			best = k
		}
	}
	if best == nil || (best.users > 0 && len(ep.keys) < ep.limit) {
		best = &keySlot{}
		ep.keys = append(ep.keys, best)
	}
	best.users++
	return best, nil
}

// shrink drops slot, whose login found no session free on the array, and
// lowers the epoch's limit to the keys it has. It reports whether the call
// can use another key; the call's use of slot ends either way.
func (s *sessions) shrink(ep *epoch, slot *keySlot) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	slot.users--
	for i, k := range ep.keys {
		if k == slot {
			if len(ep.keys) == 1 {
				slot.users++ // the call keeps its slot and the error
				return false
			}
			ep.keys = append(ep.keys[:i:i], ep.keys[i+1:]...)
			ep.limit = len(ep.keys)
			return true
		}
	}
	return len(ep.keys) > 0
}

// key returns a session key for a call of ep: slot's (a replay keeps its
// slot), or a picked one. A key slot without a key logs in first;
// concurrent callers of one slot share one login. When the array has no
// session free and the epoch has other keys, the call moves to one of them.
func (c *Client) key(ctx context.Context, ep *epoch, slot *keySlot) (keyRef, error) {
	for {
		if slot == nil {
			var err error
			if slot, err = c.sess.pick(ep); err != nil {
				return keyRef{}, err
			}
		}
		ref, err := c.loggedIn(ctx, ep, slot)
		if errors.Is(err, ErrSessionLimit) && c.sess.shrink(ep, slot) {
			c.logger.DebugContext(ctx, "alletra: no session free on the array; using fewer keys")
			slot = nil
			continue
		}
		return ref, err
	}
}

// loggedIn returns slot's key, logging in first when it has none.
func (c *Client) loggedIn(ctx context.Context, ep *epoch, slot *keySlot) (keyRef, error) {
	s := c.sess
	for {
		s.mu.Lock()
		if ep.closed {
			s.mu.Unlock()
			return keyRef{slot: slot}, errClosedInFlight
		}
		if slot.key != "" {
			ref := keyRef{slot: slot, key: slot.key, gen: slot.gen}
			s.mu.Unlock()
			return ref, nil
		}
		if err := s.backingOff(); err != nil {
			s.mu.Unlock()
			return keyRef{slot: slot}, err
		}
		call := slot.login
		if probe := s.probe; call == nil && probe != nil {
			// The credentials were not accepted yet: wait for the login
			// another slot is sending rather than send a second one.
			s.mu.Unlock()
			select {
			case <-probe.done:
			case <-ctx.Done():
				return keyRef{slot: slot}, ctx.Err()
			}
			continue
		}
		leader := call == nil
		if leader {
			call = &loginCall{done: make(chan struct{})}
			slot.login = call
			if !s.proven {
				s.probe = call
			}
		} else {
			call.waiters++
		}
		s.mu.Unlock()

		if leader {
			key, err := c.login(ctx)
			s.mu.Lock()
			orphan := err == nil && ep.closed
			if err == nil && !orphan {
				s.gen++
				slot.key, slot.gen = key, s.gen
				call.key, call.gen = key, s.gen
			}
			if orphan {
				err = errClosedInFlight
			}
			err = s.loginDone(call, err, c.opts.loginBackoff, c.opts.loginBackoffMax)
			call.err = err
			slot.login = nil
			s.mu.Unlock()
			close(call.done)
			if orphan { // Close has given up on this epoch: take the key back
				c.logout(context.WithoutCancel(ctx), key)
			}
			return keyRef{slot: slot, key: call.key, gen: call.gen}, err
		}

		select {
		case <-call.done:
		case <-ctx.Done():
			return keyRef{slot: slot}, ctx.Err()
		}
		if call.err == nil {
			return keyRef{slot: slot, key: call.key, gen: call.gen}, nil
		}
		// The leader's own context ended: try again under ours.
		if isContextErr(call.err) && ctx.Err() == nil {
			continue
		}
		return keyRef{slot: slot}, call.err
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// login creates a session key. A wrong user or password (403 code 5) is
// returned at once as an *APIError matching ErrAuthentication; a full
// session table (503) as one matching ErrSessionLimit; a busy array (code
// 270) is asked again with the client's backoff.
func (c *Client) login(ctx context.Context) (string, error) {
	var out credentialsResponse
	_, err := c.do(ctx, &call{
		method: http.MethodPost,
		path:   "/credentials",
		body:   credentialsRequest{User: c.username, Password: c.creds.password},
		kind:   callLogin,
		out:    &out,
	})
	if err != nil {
		return "", err
	}
	if out.Key == "" {
		return "", errBadResponse(http.MethodPost, "/credentials", errNoSessionKey)
	}
	return out.Key, nil
}

// logout deletes key on the array. A key the array already forgot (403
// code 6) is not an error; a key still in use by a request (409 code 34) is
// retried with the client's backoff and, if still busy, left to the
// array's idle timeout.
func (c *Client) logout(ctx context.Context, key string) error {
	_, err := c.do(ctx, &call{
		method: http.MethodDelete,
		path:   "/credentials/" + escapeSegment(key),
		kind:   callLogout,
		key:    key,
	})
	var apiErr *APIError
	if errors.As(err, &apiErr) && (apiErr.Code == CodeInvalidSessionKey || apiErr.Code == CodeInUse) {
		return nil
	}
	return err
}

// Close ends the Client's sessions. It waits, up to ctx, for the calls in
// flight (a login among them) to end, then logs out every session key
// (DELETE /api/v1/credentials/<key>).
//
// A call still in flight when ctx ends fails with an error matching
// ErrClosed at its next step (before a retry, a re-login or a login)
// instead of logging in again; Close then logs out anyway, each logout
// bounded by the request timeout, and returns ctx's error. A call that
// starts while Close runs, or after, logs in again: the Client stays usable
// and its next call opens a new session.
func (c *Client) Close(ctx context.Context) error {
	if ctx == nil {
		return invalid("ctx", "nil context")
	}
	defer c.hc.CloseIdleConnections()
	s := c.sess
	s.mu.Lock()
	ep := s.cur
	s.cur = newEpoch(s.max)
	s.proven, s.refusals, s.retryAt, s.refusal = false, 0, time.Time{}, nil // a new start for the login back-off
	ep.closing = true
	if ep.calls == 0 {
		close(ep.idle)
	}
	s.mu.Unlock()

	var waitErr error
	select {
	case <-ep.idle:
	case <-ctx.Done():
		waitErr = ctx.Err()
		s.mu.Lock()
		ep.closed = true
		s.mu.Unlock()
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), c.opts.requestTimeout)
		defer cancel()
	}

	s.mu.Lock()
	var keys []string
	for _, k := range ep.keys {
		if k.key != "" {
			keys = append(keys, k.key)
			k.key = ""
		}
	}
	ep.keys = nil
	s.mu.Unlock()

	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, key := range keys {
		wg.Go(func() { errs[i] = c.logout(ctx, key) })
	}
	wg.Wait()
	return errors.Join(append([]error{waitErr}, errs...)...)
}

// isCredentialsPath reports whether path is the login or logout resource.
func isCredentialsPath(path string) bool {
	return path == "/credentials" || strings.HasPrefix(path, "/credentials/")
}

// redactPath hides a session key held in a logout path.
func redactPath(path string) string {
	if strings.HasPrefix(path, "/credentials/") {
		return "/credentials/REDACTED"
	}
	return path
}
