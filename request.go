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
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// This file is the one request path. Every WSAPI call goes through do,
// which a reader follows top to bottom:
//
//	slot      take an in-flight slot (WithMaxInFlight)
//	key       take a session key of the pool, logging in when needed
//	attempts  go-retryablehttp sends the request; after each attempt
//	          checkRetry classifies it (classify) and the call kind's row of
//	          the outcome table (contract.go) says whether to send it again
//	decide    403 code 6: log in again and replay once; after an attempt
//	          whose outcome was unknown: precheck, "not found means done",
//	          or reconcile, as the row says; else the answer stands
//	decode    a success body is decoded inside the loop (decodeAnswer), so
//	          that a truncated read is a failure the table can repeat
//
// The go-retryablehttp client is built once per Client (newRetryClient).
// Its callbacks take what they need from their arguments: the call kind and
// the attempt's number travel in the request's context (an *attempt), so
// checkRetry can stop at the retry budget itself, and prepareRetry turns
// one attempt's request into the next one's. The one thing a callback
// leaves for later is the chain's record (whether an attempt's outcome was
// unknown, how many attempts ran), written by checkRetry alone and read by
// do once the chain has ended: go-retryablehttp hands back only the last
// answer.

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

// attempt is what the retry callbacks know of the attempt in flight. It
// travels in the request's context and is never changed: prepareRetry puts
// a new one, numbered one more, in the next attempt's request.
type attempt struct {
	cl    *call    // the call (read only): its kind, and for classify its method and path
	n     int      // 1 for the first attempt
	epoch *epoch   // the session pool the call belongs to; nil for login and logout
	slot  *keySlot // its key slot; nil for login and logout
	chain *chain   // the record of the whole chain
}

// chain is the record of one run of go-retryablehttp, written by checkRetry
// only and read by do after the run.
type chain struct {
	attempts int  // attempts sent
	unknown  bool // an attempt may have been carried out without us seeing the answer
}

// attemptKey is the context key of the *attempt.
type attemptKey struct{}

// newRetryClient builds the Client's one go-retryablehttp client.
// go-retryablehttp closes the HTTP client's idle connections when a chain
// ends in failure (a transport error, a context that ended during the
// backoff); checkRetry ends a chain at the retry budget itself, so an
// exhausted chain of refusals leaves the pool as it is.
func (c *Client) newRetryClient() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.hc,
		RetryWaitMin: c.opts.minWait,
		RetryWaitMax: c.opts.maxWait,
		RetryMax:     c.opts.maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		PrepareRetry: c.prepareRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// do runs cl and returns the array's answer; error answers are *APIError.
func (c *Client) do(ctx context.Context, cl *call) (*response, error) {
	if ctx == nil {
		return nil, invalid("ctx", "nil context")
	}
	if err := ctx.Err(); err != nil {
		return nil, err // no I/O for a call whose context already ended
	}
	x := &exchange{c: c, cl: cl, logPath: redactPath(cl.path), debug: c.logger.Enabled(ctx, slog.LevelDebug)}
	if cl.body != nil {
		var err error
		if x.body, err = json.Marshal(cl.body); err != nil {
			return nil, invalid("body", err.Error())
		}
	}
	pooled := cl.kind != callLogin && cl.kind != callLogout
	if pooled { // login and logout run for calls that hold their slot, or for Close
		x.epoch = c.sess.enter()
		select {
		case c.sem <- struct{}{}:
			x.slot = true
		case <-ctx.Done():
			x.finish()
			return nil, ctx.Err()
		}
	}
	resp, apiErr, err := x.send(ctx)
	if err == nil && apiErr == nil && cl.stream {
		resp.Body = &streamBody{ReadCloser: resp.Body, done: x.finish}
		return resp, nil // x.finish runs when the caller closes the body
	}
	x.finish()
	switch {
	case err != nil && x.chain.unknown && retryContract[cl.kind].onUnknown == unknownLookFor && cl.precheck != nil:
		return x.lookUp(ctx, err)
	case err != nil:
		return nil, err
	case apiErr != nil:
		return x.afterError(ctx, resp, apiErr)
	}
	return resp, nil
}

// exchange is one call while do runs it.
type exchange struct {
	c       *Client
	cl      *call
	body    []byte
	logPath string
	epoch   *epoch // nil for login and logout
	ref     keyRef // the key sent and its generation
	slot    bool   // holds an in-flight slot
	chain   chain  // the last run of go-retryablehttp
	debug   bool   // the logger wants debug records (none are built otherwise)
}

// send takes a session key and runs the attempts; when the array rejects
// the key (403 code 6) it logs in again and replays once.
func (x *exchange) send(ctx context.Context) (*response, *APIError, error) {
	c, cl := x.c, x.cl
	for relogged := false; ; relogged = true {
		if err := x.useKey(ctx); err != nil {
			return nil, nil, err
		}
		hresp, err := x.attempts(ctx)
		if err != nil {
			return nil, nil, err
		}
		resp := newResponse(hresp, x.chain.attempts)
		apiErr := c.check(hresp, cl.method, x.logPath, x.chain.attempts)
		if apiErr == nil {
			if cl.stream {
				resp.Body = readCloser{&cappedReader{r: bodyReader(hresp), n: c.opts.maxResponseBytes}, hresp.Body}
			} else {
				drainBody(hresp.Body)
			}
			return resp, nil, nil
		}
		apiErr.Description = redactKey(apiErr.Description, x.ref.key) // in case the array echoes it
		if x.debug {
			c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: error answer",
				slog.String("method", cl.method), slog.String("path", x.logPath),
				slog.Int("status", apiErr.StatusCode), slog.Int("code", int(apiErr.Code)))
		}
		if apiErr.Code != CodeInvalidSessionKey || !retryContract[cl.kind].relogin || relogged {
			return resp, apiErr, nil
		}
		if x.debug {
			c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: session key rejected; logging in again",
				slog.String("method", cl.method), slog.String("path", x.logPath))
		}
		c.sess.invalidate(x.keySent(hresp))
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

// keySent returns the key the last attempt sent, with its generation:
// prepareRetry may have sent a key another call logged in meanwhile. A key
// that is no longer the slot's current one comes back without its
// generation, so that its rejection cannot discard a newer key.
func (x *exchange) keySent(hresp *http.Response) keyRef {
	if x.epoch == nil || hresp.Request == nil {
		return x.ref
	}
	sent := hresp.Request.Header.Get(sessionHeader)
	if sent == x.ref.key {
		return x.ref
	}
	ref := x.c.sess.current(x.ref.slot)
	if ref.key != sent {
		ref.key, ref.gen = sent, 0
	}
	return ref
}

// attempts runs the request through go-retryablehttp. The result is an
// answer (any status) or a typed error.
func (x *exchange) attempts(ctx context.Context) (*http.Response, error) {
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
	x.chain.attempts = 0 // unknown stays: a replay after a re-login may meet an earlier attempt's work
	actx := context.WithValue(ctx, attemptKey{}, &attempt{cl: cl, n: 1, epoch: x.epoch, slot: x.ref.slot, chain: &x.chain})
	req, err := retryablehttp.NewRequestWithContext(actx, cl.method, u, raw)
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
	if cl.out != nil && !cl.stream {
		req.SetResponseHandler(func(resp *http.Response) error { return c.decodeAnswer(resp, cl.out) })
	}
	var start time.Time
	if x.debug {
		start = time.Now()
	}
	resp, err := c.rc.Do(req)
	if err == nil {
		if x.debug {
			c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: request",
				slog.String("method", cl.method), slog.String("path", x.logPath),
				slog.Int("status", resp.StatusCode), slog.Duration("duration", time.Since(start)),
				slog.Int("attempts", x.chain.attempts))
		}
		return resp, nil
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if x.debug {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: request failed",
			slog.String("method", cl.method), slog.String("path", x.logPath),
			slog.Duration("duration", time.Since(start)), slog.Int("attempts", x.chain.attempts),
			slog.String("error", redactKey(err.Error(), x.ref.key)))
	}
	var bad *badBodyError
	switch {
	case errors.As(err, &bad):
		return nil, errBadResponse(cl.method, x.logPath, bad.err)
	case errors.Is(err, ErrClosed):
		return nil, err
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	return nil, &TransportError{Method: cl.method, Path: x.logPath, Attempts: x.chain.attempts, Err: scrubError(err, x.ref.key)}
}

// checkRetry is the go-retryablehttp CheckRetry: it classifies the attempt
// and asks the call kind's row whether to send it again, within the retry
// budget. go-retryablehttp asks it again, with the decoder's verdict, about
// an answer it decided not to repeat; the answer is the same for the same
// answer (an error body is read once, see readErrorBody).
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	a := ctx.Value(attemptKey{}).(*attempt)
	f := classify(a.cl, resp, err)
	a.chain.attempts = a.n
	if f == failLost || f == failTimeout {
		a.chain.unknown = true
	}
	if !retryContract[a.cl.kind].allows(f) || a.n > c.opts.maxRetries {
		return false, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr // an answer that arrived stands; a retry needs the context
	}
	return true, nil
}

// classify names the failure of one attempt of cl. (It takes the call, not
// only its kind, so that a 503 can be told a hard limit by its operation.)
func classify(cl *call, resp *http.Response, err error) failure {
	kind := cl.kind
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
	code := readErrorBody(resp).Code
	switch {
	case code == CodeSystemBusy:
		return failRefused
	case resp.StatusCode == http.StatusServiceUnavailable && retryContract[kind].sessionLimit:
		return failNone // on login, a 503 is the session table being full
	case resp.StatusCode == http.StatusServiceUnavailable && limitReached(cl.method, cl.path, code):
		// A hard limit (ErrLimitReached: VV_LIMIT_REACHED and the like) is
		// not load: sending it again only delays the failure (issue 19).
		return failNone
	case resp.StatusCode == http.StatusServiceUnavailable:
		return failRefused
	case resp.StatusCode == http.StatusConflict && code == CodeInUse:
		return failInUse
	}
	return failNone
}

// prepareRetry is the go-retryablehttp PrepareRetry: it makes the next
// attempt's request out of the last one's. The next attempt is numbered
// one more; it sends the key slot's current key when another call logged
// in again meanwhile, and it ends the call with ErrClosed when Close gave
// up waiting for it.
func (c *Client) prepareRetry(req *http.Request) error {
	a := req.Context().Value(attemptKey{}).(*attempt)
	next := *a
	next.n++
	*req = *req.WithContext(context.WithValue(req.Context(), attemptKey{}, &next))
	if a.epoch == nil {
		return nil // login, logout: no session of a pool
	}
	if c.sess.closed(a.epoch) {
		return errClosedInFlight
	}
	if ref := c.sess.current(a.slot); ref.key != "" && ref.key != req.Header.Get(sessionHeader) {
		req.Header = req.Header.Clone() // the previous attempt's headers stay as they were
		req.Header.Set(sessionHeader, ref.key)
	}
	return nil
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
		slog.String("method", x.cl.method), slog.String("path", x.logPath), slog.Int("attempts", x.chain.attempts))
	return &response{Attempts: x.chain.attempts, Prechecked: true}, nil
}

// afterError decides an error answer that may describe the work of an
// earlier attempt whose outcome was unknown: a delete that finds the object
// gone is done; a create (or rename, cancel) is reconciled.
func (x *exchange) afterError(ctx context.Context, resp *response, apiErr *APIError) (*response, error) {
	cl := x.cl
	if !x.chain.unknown {
		return resp, apiErr // after a refusal or a re-login, the answer stands
	}
	row := retryContract[cl.kind]
	if row.onUnknown == unknownNotFound && errors.Is(apiErr, ErrNotFound) {
		x.c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: delete was carried out by an earlier attempt",
			slog.String("path", x.logPath), slog.Int("attempts", x.chain.attempts))
		return resp, nil
	}
	on := cl.reconcileOn
	if on == nil {
		on = ErrAlreadyExists
	}
	if row.onUnknown != unknownReconcile || cl.reconcile == nil || !errors.Is(apiErr, on) {
		return resp, apiErr
	}
	ok, rerr := cl.reconcile(ctx)
	switch {
	case rerr != nil:
		return resp, fmt.Errorf("%w (checking the existing object: %v)", apiErr, rerr)
	case ok:
		x.c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: an earlier attempt was carried out",
			slog.String("method", cl.method), slog.String("path", x.logPath), slog.Int("attempts", x.chain.attempts))
		return resp, nil
	case on == ErrAlreadyExists:
		// The object is there, but not as asked: ErrConflict (as
		// documented), still an *APIError matching ErrAlreadyExists.
		return resp, refine(apiErr, "it differs from the request", ErrAlreadyExists, ErrConflict)
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
