package alletra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// This file is the one request path: every WSAPI call goes through do, which
// a reader follows top to bottom:
//
//	slot → session key → send (go-retryablehttp: classify, retry what the
//	table allows, decode reads inside the loop) → re-login once on 403/6 →
//	after an unknown outcome: precheck, reconcile or "delete found it gone" →
//	decoded value.

// call is one WSAPI operation, built by a service method and run by do.
type call struct {
	method string
	path   string     // escaped path below /api/v1 (or below the root when root is set), built with pathf
	query  url.Values // optional
	body   any        // JSON-encoded once; nil for no body
	out    any        // pointer, decoded from a successful answer when non-nil
	kind   CallKind
	root   bool   // path is relative to the endpoint root (GET /api)
	key    string // logout: the key to delete and send
	stream bool   // leave a success body open in response.Body (the in-flight slot is held until it is closed)

	// reconcile is asked, when an attempt's outcome was unknown and a later
	// attempt ended in an error matching reconcileOn (ErrAlreadyExists when
	// nil), whether the array is now as the call asked. true makes the call
	// a success: the earlier attempt was carried out.
	reconcile   func(ctx context.Context) (bool, error)
	reconcileOn error

	// precheck, for a callCreateChecked call whose attempt had an unknown
	// outcome (and so is not sent again), looks for the object on the
	// array: true means the attempt was carried out and the call succeeded.
	precheck func(ctx context.Context) (bool, error)
}

// response is what a service method may need beyond the decoded body.
type response struct {
	Response // status, headers, Location (unescaped path, "" when absent)
	Attempts int
	// Prechecked: the precheck found the object after an attempt whose
	// answer was lost; there is no answer of the array to read.
	Prechecked bool
	// Body is the open success body of a stream call (gunzipped when
	// needed, capped); closing it frees the in-flight slot.
	Body io.ReadCloser
}

// exchange is the state of one call while do runs it: the session key sent
// with its generation, the attempts, whether an outcome is unknown. Its
// methods are the retry callbacks given to go-retryablehttp for this call.
type exchange struct {
	c       *Client
	cl      *call
	body    []byte
	logPath string
	epoch   *epoch // nil for login and logout
	ref     keyRef // the key sent and its generation
	slot    bool   // holds an in-flight slot

	attempts int
	unknown  bool // an attempt may have been carried out without us seeing the answer
	decoded  reflect.Value

	seen      *http.Response // the answer checkRetry last judged (it is asked twice per answer)
	seenRetry bool
}

// do runs cl and returns the array's answer; error answers are *APIError.
func (c *Client) do(ctx context.Context, cl *call) (*response, error) {
	if ctx == nil {
		return nil, invalid("ctx", "nil context")
	}
	if err := ctx.Err(); err != nil {
		return nil, err // no I/O for a call whose context already ended
	}
	x := &exchange{c: c, cl: cl, logPath: redactPath(cl.path)}
	if cl.body != nil {
		var err error
		if x.body, err = json.Marshal(cl.body); err != nil {
			return nil, invalid("body", err.Error())
		}
	}
	if cl.kind != callLogin && cl.kind != callLogout {
		x.epoch = c.sess.enter()
	}
	resp, apiErr, err := x.exchange(ctx)
	if err == nil && apiErr == nil && cl.stream {
		resp.Body = &streamBody{ReadCloser: resp.Body, done: x.finish}
		return resp, nil // x.finish runs when the caller closes the body
	}
	x.finish()
	if err != nil {
		if x.unknown && cl.kind == callCreateChecked && cl.precheck != nil {
			return x.lookUp(ctx, err)
		}
		return nil, err
	}
	if apiErr != nil {
		return x.afterError(ctx, resp, apiErr)
	}
	if x.decoded.IsValid() {
		reflect.ValueOf(cl.out).Elem().Set(x.decoded)
	}
	return resp, nil
}

// exchange takes an in-flight slot and a session key, sends the request
// with the retries the contract allows, and logs in again and replays once
// when the array rejects the key. The slot is held until the answer is
// read (for a stream, until its body is closed).
func (x *exchange) exchange(ctx context.Context) (*response, *APIError, error) {
	c, cl := x.c, x.cl
	if cl.kind != callLogin && cl.kind != callLogout { // they run for calls that hold their slot, or for Close
		select {
		case c.sem <- struct{}{}:
			x.slot = true
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	for relogged := false; ; relogged = true {
		if err := x.useKey(ctx); err != nil {
			return nil, nil, err
		}
		hresp, err := x.send(ctx)
		if err != nil {
			return nil, nil, err
		}
		resp := newResponse(hresp, x.attempts)
		apiErr := c.check(hresp, cl.method, x.logPath, x.attempts)
		if apiErr == nil {
			if cl.stream {
				resp.Body = readCloser{&cappedReader{r: bodyReader(hresp), n: c.opts.maxResponseBytes}, hresp.Body}
			} else {
				drainBody(hresp.Body)
			}
			return resp, nil, nil
		}
		apiErr.Description = redactKey(apiErr.Description, x.ref.key) // in case the array echoes it
		c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: error answer",
			slog.String("method", cl.method), slog.String("path", x.logPath),
			slog.Int("status", apiErr.StatusCode), slog.Int("code", int(apiErr.Code)))
		if apiErr.Code != CodeInvalidSessionKey || x.epoch == nil || relogged {
			return resp, apiErr, nil
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: session key rejected; logging in again",
			slog.String("method", cl.method), slog.String("path", x.logPath))
		c.sess.invalidate(x.ref)
	}
}

// useKey sets the session key the next attempt sends: the call's own key
// for a logout, none for a login, else one of the epoch's keys (logging it in
// when needed). A replay keeps the call's key slot.
func (x *exchange) useKey(ctx context.Context) error {
	switch x.cl.kind {
	case callLogin:
		return nil
	case callLogout:
		x.ref = keyRef{key: x.cl.key}
		return nil
	}
	ref, err := x.c.key(ctx, x.epoch, x.ref.slot)
	x.ref = ref
	return err
}

// send runs the request through go-retryablehttp with this call's
// callbacks. The result is an answer (any status) or a typed error.
func (x *exchange) send(ctx context.Context) (*http.Response, error) {
	c, cl := x.c, x.cl
	base := c.apiURL
	if cl.root {
		base = c.rootURL
	}
	u := base + cl.path
	if len(cl.query) > 0 {
		u += "?" + encodeQuery(cl.query)
	}
	var raw any
	if x.body != nil {
		raw = x.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, raw)
	if err != nil {
		return nil, invalid("path", err.Error())
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if x.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if x.ref.key != "" {
		req.Header.Set(sessionHeader, x.ref.key)
	}
	req.SetResponseHandler(x.decode)
	rc := &retryablehttp.Client{
		HTTPClient:     c.rhc,
		RetryWaitMin:   c.opts.minWait,
		RetryWaitMax:   c.opts.maxWait,
		RetryMax:       c.opts.maxRetries,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, i int) { x.attempts = i + 1 },
		CheckRetry:     x.checkRetry,
		Backoff:        backoff,
		PrepareRetry:   x.prepareRetry,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
	}
	start := time.Now()
	resp, err := rc.Do(req)
	if err == nil {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: request",
			slog.String("method", cl.method), slog.String("path", x.logPath),
			slog.Int("status", resp.StatusCode), slog.Duration("duration", time.Since(start)),
			slog.Int("attempts", x.attempts))
		return resp, nil
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: request failed",
		slog.String("method", cl.method), slog.String("path", x.logPath),
		slog.Duration("duration", time.Since(start)), slog.Int("attempts", x.attempts),
		slog.String("error", redactKey(err.Error(), x.ref.key)))
	var bad *badBodyError
	switch {
	case errors.As(err, &bad):
		return nil, errBadResponse(cl.method, x.logPath, bad.err)
	case errors.Is(err, ErrClosed):
		return nil, err
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	return nil, &TransportError{Method: cl.method, Path: x.logPath, Attempts: x.attempts, Err: scrubError(err, x.ref.key)}
}

// checkRetry is the go-retryablehttp CheckRetry of this call: it classifies
// the attempt and asks the contract whether to send again.
func (x *exchange) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil && resp == x.seen {
		return x.seenRetry, nil // asked again after the response handler found the body fine
	}
	f := classify(x.cl.kind, resp, err)
	if f == failLost || f == failTimeout {
		x.unknown = true
	}
	retry := retryContract[x.cl.kind].allows(f)
	if ctxErr := ctx.Err(); retry && ctxErr != nil {
		return false, ctxErr // an answer that arrived stands; a retry needs the context
	}
	x.seen, x.seenRetry = resp, retry
	return retry, nil
}

// classify names the failure of one attempt.
func classify(kind CallKind, resp *http.Response, err error) failure {
	if err != nil {
		var bad *badBodyError
		switch {
		case errors.As(err, &bad) && bad.cutShort():
			return failBadBody
		case errors.As(err, &bad):
			return failNone // a whole body that does not decode reads the same again
		case isPermanentTransportError(err):
			return failNone
		case isDialError(err):
			return failDial
		case isTimeout(err):
			return failTimeout
		}
		return failLost
	}
	switch resp.StatusCode {
	case http.StatusBadGateway:
		return failLost
	case http.StatusGatewayTimeout:
		return failTimeout
	case http.StatusTooManyRequests:
		return failRefused
	}
	if resp.StatusCode < 400 {
		return failNone
	}
	code := peekCode(resp)
	switch {
	case code == CodeSystemBusy:
		return failRefused
	case resp.StatusCode == http.StatusServiceUnavailable && kind == callLogin:
		return failNone // on login, a 503 is the session table being full
	case resp.StatusCode == http.StatusServiceUnavailable:
		return failRefused
	case resp.StatusCode == http.StatusConflict && code == CodeInUse:
		return failInUse
	}
	return failNone
}

// prepareRetry is the go-retryablehttp PrepareRetry of this call: it ends
// the call with ErrClosed when Close gave up waiting for it, and sends the
// slot's current key when another goroutine logged in again meanwhile (the
// key and its generation move together, so a rejection of the new key
// invalidates the new key).
func (x *exchange) prepareRetry(req *http.Request) error {
	if x.epoch == nil {
		return nil // login, logout: no session of a pool
	}
	if x.c.sess.closed(x.epoch) {
		return errClosedInFlight
	}
	if ref := x.c.sess.current(x.ref.slot); ref.key != "" && ref.gen != x.ref.gen {
		x.ref = ref
		req.Header = req.Header.Clone() // the previous attempt's headers stay as they were
		req.Header.Set(sessionHeader, ref.key)
	}
	return nil
}

// decode is the go-retryablehttp response handler: inside the retry loop it
// decodes a success body into a fresh value, so that a truncated read is a
// failure the contract can retry.
func (x *exchange) decode(resp *http.Response) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 || x.cl.out == nil || x.cl.stream {
		return nil
	}
	v := reflect.New(reflect.TypeOf(x.cl.out).Elem())
	empty, err := x.c.decode(resp, v.Interface())
	drainBody(resp.Body)
	resp.Body = http.NoBody
	switch {
	case err != nil:
		return &badBodyError{err: err}
	case !empty:
		x.decoded = v.Elem()
	}
	return nil
}

// badBodyError is a success answer whose body could not be decoded.
type badBodyError struct{ err error }

func (e *badBodyError) Error() string { return "bad response body: " + e.err.Error() }

// cutShort reports a body that broke off (the stream ended early or the
// connection failed), as opposed to a whole body that is not what was
// expected (bad JSON, wrong types, above the size cap).
func (e *badBodyError) cutShort() bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return !errors.As(e.err, &syntax) && !errors.As(e.err, &typ) && !errors.Is(e.err, errBodyTooLarge)
}

// lookUp ends a create-with-precheck whose answer was lost: the precheck
// says whether the attempt was carried out; if not, err stands (the request
// may still land, so it is not sent again).
func (x *exchange) lookUp(ctx context.Context, err error) (*response, error) {
	found, perr := x.cl.precheck(ctx)
	if perr != nil {
		return nil, fmt.Errorf("%w (looking for the object: %v)", err, perr)
	}
	if !found {
		return nil, err
	}
	x.c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: an earlier attempt was carried out",
		slog.String("method", x.cl.method), slog.String("path", x.logPath), slog.Int("attempts", x.attempts))
	return &response{Attempts: x.attempts, Prechecked: true}, nil
}

// afterError decides an error answer that may describe the work of an
// earlier attempt whose outcome was unknown: a delete that finds the object
// gone is done; a create (or rename, cancel) is reconciled.
func (x *exchange) afterError(ctx context.Context, resp *response, apiErr *APIError) (*response, error) {
	cl := x.cl
	if !x.unknown {
		return resp, apiErr // after a refusal or a re-login, the answer stands
	}
	if cl.kind == CallDelete && errors.Is(apiErr, ErrNotFound) {
		x.c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: delete was carried out by an earlier attempt",
			slog.String("path", x.logPath), slog.Int("attempts", x.attempts))
		return resp, nil
	}
	on := cl.reconcileOn
	if on == nil {
		on = ErrAlreadyExists
	}
	if cl.reconcile == nil || !errors.Is(apiErr, on) {
		return resp, apiErr
	}
	ok, rerr := cl.reconcile(ctx)
	switch {
	case rerr != nil:
		return resp, fmt.Errorf("%w (checking the existing object: %v)", apiErr, rerr)
	case ok:
		x.c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: an earlier attempt was carried out",
			slog.String("method", cl.method), slog.String("path", x.logPath), slog.Int("attempts", x.attempts))
		return resp, nil
	case on == ErrAlreadyExists:
		// The object is there, but not as asked: ErrConflict (as
		// documented), still an *APIError matching ErrAlreadyExists.
		return resp, fmt.Errorf("%w (it differs from the request: %w)", apiErr, ErrConflict)
	}
	return resp, apiErr
}

// finish gives back the in-flight slot and the key slot, and leaves the
// epoch, once.
func (x *exchange) finish() {
	if x.slot {
		x.slot = false
		<-x.c.sem
	}
	if x.epoch != nil {
		x.c.sess.release(x.ref.slot)
		x.c.sess.leave(x.epoch)
		x.epoch = nil
	}
}

// streamBody runs done once when the body is closed.
type streamBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

// Close closes the body and frees the call's slots.
func (b *streamBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// newResponse describes an answer for the service methods.
func newResponse(hresp *http.Response, attempts int) *response {
	out := &response{Response: Response{StatusCode: hresp.StatusCode, Header: hresp.Header}, Attempts: attempts}
	if loc := hresp.Header.Get("Location"); loc != "" {
		if p, err := url.PathUnescape(loc); err == nil {
			out.Location = p
		} else {
			out.Location = loc
		}
	}
	return out
}

// drainBody reads what is left of a body (up to a bound) so that the
