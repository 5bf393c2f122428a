package alletra

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strings"
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

// CallKind says what a request does on the array, and so what may be sent
// again after which failure. Client.NewRequest takes one; the SDK's own
// methods pick theirs (a vLUN create, a login and a logout have kinds of
// their own). Sent again after:
//
//	kind        dial error  refused (429, 503, 270)  answer lost, 502  timeout, 504  truncated body
//	CallRead    yes         yes                      yes               yes           yes
//	CallUpdate  yes         yes                      yes               yes           no
//	CallDelete  yes         yes                      yes               yes           no
//	CallCreate  yes         yes                      yes               yes           no
//	CallDelta   yes         no                       no                no            no
type CallKind int

// Call kinds a caller of Client.Do can declare.
const (
	// CallRead reads and changes nothing (GET, or a query sent as POST):
	// sent again after any transient failure, including a success answer
	// whose body was truncated.
	CallRead CallKind = iota + 1
	// CallUpdate sets members to absolute values (PUT): repeating it leaves
	// the same state, so it is sent again after any transient failure.
	CallUpdate
	// CallDelete removes an object: sent again after any transient
	// failure; a "not found" after an attempt whose outcome was unknown
	// counts as done.
	CallDelete
	// CallCreate creates an object the array refuses to create twice (it
	// answers "already exists"): sent again after any transient failure.
	// The SDK's creates then check that an existing object is the one
	// asked for; through Client.Do an ErrAlreadyExists after a retry may be
	// the caller's own earlier attempt.
	CallCreate
	// CallDelta changes the state relative to what it is (grow by, add a
	// path) or starts a task (promote, copy): sent again only when it
	// provably never reached the array (a dial error). This is the default
	// of Client.NewRequest for POST and PUT.
	CallDelta

	// callCreateChecked is a create the array would carry out twice (a
	// vLUN: iSCSI arrays export a volume twice rather than refuse): sent
	// again only after a dial error or a clear refusal; after an attempt
	// whose outcome is unknown its precheck looks for the object instead.
	callCreateChecked
	// callLogin creates a session key: sent again only when surely not
	// carried out, so that a lost answer leaves no orphan session; a 503
	// that is not code 270 is the session table being full and stands.
	callLogin
	// callLogout deletes a session key: sent again after any transient
	// failure and while the key is busy (409 code 34).
	callLogout
)

// failure is the class of one failed attempt, decided by classify from the
// transport error or the HTTP status and WSAPI code.
type failure int

const (
	failNone    failure = iota // a 2xx answer, or an answer that stands (404, 409, 400, 500, ...)
	failDial                   // no connection: the request never reached the array
	failRefused                // 429, 503 or code 270: refused, not carried out
	failLost                   // sent, answer lost: a reset or EOF after writing, or a 502
	failTimeout                // timed out, or 504: the array may still be working on it
	failInUse                  // 409 code 34: the object (a session key) is busy
	failBadBody                // a 2xx whose body was truncated or malformed
)

// repeats is one row of the retry contract: after which failures a kind of
// call is sent again.
type repeats struct{ dial, refused, lost, timeout, inUse, badBody bool }

// retryContract is the retry contract of every call, in one table.
var retryContract = map[CallKind]repeats{
	//                  dial  refused lost   timeout inUse  badBody
	CallRead:          {true, true, true, true, false, true},
	CallUpdate:        {true, true, true, true, false, false},
	CallDelete:        {true, true, true, true, false, false},
	CallCreate:        {true, true, true, true, false, false},
	CallDelta:         {true, false, false, false, false, false},
	callCreateChecked: {true, true, false, false, false, false},
	callLogin:         {true, true, false, false, false, false},
	callLogout:        {true, true, true, true, true, false},
}

// allows reports whether r repeats a call after f.
func (r repeats) allows(f failure) bool {
	switch f {
	case failDial:
		return r.dial
	case failRefused:
		return r.refused
	case failLost:
		return r.lost
	case failTimeout:
		return r.timeout
	case failInUse:
		return r.inUse
	case failBadBody:
		return r.badBody
	}
	return false
}

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
	StatusCode int
	Header     http.Header
	Location   string // the Location header, unescaped path ("" when absent)
	Attempts   int
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
	f := classify(x.cl, resp, err)
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
	code := peekCode(resp)
	switch {
	case code == CodeSystemBusy:
		return failRefused
	case resp.StatusCode == http.StatusServiceUnavailable && kind == callLogin:
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
	out := &response{StatusCode: hresp.StatusCode, Header: hresp.Header, Attempts: attempts}
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
// connection can be reused, and closes it.
func drainBody(b io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(b, 1<<20))
	b.Close()
}

// encodeQuery encodes v like url.Values.Encode but with %20 for spaces,
// which every array parses (a '+' is not known to be).
func encodeQuery(v url.Values) string {
	return strings.ReplaceAll(v.Encode(), "+", "%20")
}

// The escape hatch: Client.NewRequest and Client.Do run any WSAPI request
// through the path above.

// Request is a WSAPI request for Client.Do, made by Client.NewRequest: the
// escape hatch to an endpoint the SDK does not wrap yet.
type Request struct {
	// Method is GET, POST, PUT or DELETE.
	Method string
	// Path is the escaped path below /api/v1, e.g. "/remotecopygroups/g1"
	// (escape names with url.PathEscape).
	Path string
	// Query is sent as the URL's query string, e.g. {"query": {alletra.Eq("name", "v1").String()}}.
	Query url.Values
	// Kind declares what the request does on the array, and so what Do may
	// send again after a failure (see CallKind). NewRequest sets CallRead
	// for GET, CallDelete for DELETE and CallDelta, which is sent again only
	// when it provably never reached the array, for POST and PUT; declare
	// more with WithCallKind.
	Kind CallKind

	ctx  context.Context
	body json.RawMessage // nil: no body
}

// RequestOption configures a Request made by Client.NewRequest.
type RequestOption func(*Request) error

// WithCallKind declares what the request does on the array: CallRead,
// CallUpdate, CallDelete, CallCreate or CallDelta.
func WithCallKind(k CallKind) RequestOption {
	return func(r *Request) error {
		if k < CallRead || k > CallDelta {
			return invalid("WithCallKind", fmt.Sprintf("unknown call kind %d", k))
		}
		r.Kind = k
		return nil
	}
}

// WithQuery sets the request's query string.
func WithQuery(q url.Values) RequestOption {
	return func(r *Request) error {
		r.Query = q
		return nil
	}
}

// NewRequest makes a request for Do. path is the escaped path below
// /api/v1; body, when not nil, is sent as JSON. The session resource
// (/credentials) is the Client's own and is refused.
func (c *Client) NewRequest(ctx context.Context, method, path string, body any, opts ...RequestOption) (*Request, error) {
	if ctx == nil {
		return nil, invalid("ctx", "nil context")
	}
	r := &Request{Method: method, Path: path, ctx: ctx}
	switch method {
	case http.MethodGet:
		r.Kind = CallRead
	case http.MethodDelete:
		r.Kind = CallDelete
	case http.MethodPost, http.MethodPut:
		r.Kind = CallDelta
	default:
		return nil, invalid("method", "must be GET, POST, PUT or DELETE")
	}
	if err := checkRequestPath(path); err != nil {
		return nil, err
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, invalid("body", err.Error())
		}
		r.body = b
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, invalid("opts", "nil RequestOption")
		}
		if err := opt(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// checkRequestPath accepts an escaped path below /api/v1 that stays there.
func checkRequestPath(path string) error {
	switch {
	case !strings.HasPrefix(path, "/"):
		return invalid("path", `must start with "/"`)
	case strings.ContainsAny(path, "?#"):
		return invalid("path", "no query or fragment; use WithQuery")
	case isCredentialsPath(path) || strings.HasPrefix(path, "/credentials?"):
		return invalid("path", "the session resource is the Client's own")
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return invalid("path", `"." and ".." segments are not allowed`)
		}
	}
	if _, err := url.Parse(path); err != nil {
		return invalid("path", "not an escaped path")
	}
	return nil
}

// Do sends req like the SDK's own methods: with the Client's session keys
// (logging in, and once again on an expired key), within WithMaxInFlight,
// retried as req.Kind allows, and decodes a success answer into v, a
// pointer (nil to ignore the body). An error answer of the array is an
// *APIError matched by errors.Is against the sentinels (ErrNotFound,
// ErrAlreadyExists, ErrBusy, ...); a request that got no answer is a
// *TransportError; an unreadable success body matches ErrBadResponse (a
// CallRead is read again first). Do adds no reconciling: an
// ErrAlreadyExists after a retried CallCreate may be the earlier attempt's
// work, and a CallDelete that finds the object gone after a lost answer
// succeeds.
func (c *Client) Do(req *Request, v any) error {
	if req == nil {
		return invalid("req", "nil *Request")
	}
	if req.ctx == nil {
		return invalid("req", "not made by NewRequest")
	}
	if v != nil {
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() {
			return invalid("v", "must be a non-nil pointer")
		}
	}
	switch req.Method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete:
	default:
		return invalid("req.Method", "must be GET, POST, PUT or DELETE")
	}
	if err := checkRequestPath(req.Path); err != nil {
		return err
	}
	if req.Kind < CallRead || req.Kind > CallDelta {
		return invalid("req.Kind", fmt.Sprintf("unknown call kind %d", req.Kind))
	}
	cl := &call{method: req.Method, path: req.Path, query: req.Query, out: v, kind: req.Kind}
	if req.body != nil {
		cl.body = req.body
	}
	_, err := c.do(req.ctx, cl)
	return err
}

// scrubError returns err without the session key, which a logout URL
// holds. A *url.Error keeps its type and cause, with the URL redacted.
func scrubError(err error, key string) error {
	if key == "" {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: redactKey(ue.URL, key), Err: scrubError(ue.Err, key)}
	}
	if msg := err.Error(); msg != redactKey(msg, key) {
		return errors.New(redactKey(msg, key))
	}
	return err
}

// redactKey replaces the key, raw or escaped, in s.
func redactKey(s, key string) string {
	if key == "" {
		return s
	}
	s = strings.ReplaceAll(s, key, "REDACTED")
	if esc := url.PathEscape(key); esc != key {
		s = strings.ReplaceAll(s, esc, "REDACTED")
	}
	if esc := url.QueryEscape(key); esc != key {
		s = strings.ReplaceAll(s, esc, "REDACTED")
	}
	return s
}

// check returns nil for a 2xx answer, else the *APIError it carries (the
// body is consumed and closed).
func (c *Client) check(resp *http.Response, method, path string, attempts int) *APIError {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &APIError{StatusCode: resp.StatusCode, Method: method, Path: path, Attempts: attempts}
	raw, _ := readCapped(bodyReader(resp), maxErrorBodyBytes)
	resp.Body.Close()
	resp.Body = http.NoBody
	parseErrorBody(e, raw)
	e.classify() // the class is decided here, once (errors.go)
	return e
}

// wireError is the WSAPI error body. Some proxies and mock servers put the
// error under "message" instead.
type wireError struct {
	Code    flexInt         `json:"code"`
	Desc    string          `json:"desc"`
	Ref     string          `json:"ref"`
	Message json.RawMessage `json:"message"`
}

// parseErrorBody fills e from an error body, JSON or not.
func parseErrorBody(e *APIError, raw []byte) {
	trimmed := bytes.TrimSpace(raw)
	var w wireError
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &w) == nil {
		e.Code, e.Description, e.Ref = ErrorCode(w.Code), w.Desc, w.Ref
		if len(w.Message) > 0 {
			var inner wireError
			var text string
			if json.Unmarshal(w.Message, &inner) == nil && (inner.Code != 0 || inner.Desc != "") {
				if e.Code == 0 {
					e.Code = ErrorCode(inner.Code)
				}
				if e.Description == "" {
					e.Description = inner.Desc
				}
			} else if json.Unmarshal(w.Message, &text) == nil && e.Description == "" {
				e.Description = text
			}
		}
		return
	}
	e.Description = truncateText(trimmed, 512)
}

// truncateText returns b as valid UTF-8 text of at most n bytes.
func truncateText(b []byte, n int) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) > n {
		cut := n
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// bodyReader returns the response body, gunzipped when the array or a proxy
// compressed it without the transport undoing it (recognised by the gzip
// header, whatever the headers say). Other bodies pass through unchanged.
func bodyReader(resp *http.Response) io.Reader {
	p := &peekReader{r: resp.Body}
	p.n, p.err = io.ReadFull(resp.Body, p.head[:])
	if p.n == 2 && p.head[0] == 0x1f && p.head[1] == 0x8b {
		// Look further before committing, so that a body that merely starts
		// with the magic bytes is not corrupted by a failed gzip reader.
		br := bufio.NewReader(p)
		if h, err := br.Peek(10); err == nil && h[2] == 8 && h[3]&0xe0 == 0 {
			if zr, err := gzip.NewReader(br); err == nil {
				return zr
			}
		}
		return br
	}
	return p
}

// peekReader replays the first bytes read from r, then reads on.
type peekReader struct {
	r    io.Reader
	head [2]byte
	n    int // bytes in head
	off  int // bytes of head already returned
	err  error
}

func (p *peekReader) Read(b []byte) (int, error) {
	if p.off < p.n {
		k := copy(b, p.head[p.off:p.n])
		p.off += k
		return k, nil
	}
	if p.err != nil {
		if p.err == io.ErrUnexpectedEOF {
			return 0, io.EOF
		}
		return 0, p.err
	}
	return p.r.Read(b)
}

// cappedReader fails with errBodyTooLarge once more than n bytes were read.
type cappedReader struct {
	r io.Reader
	n int64
}

func (r *cappedReader) Read(p []byte) (int, error) {
	if r.n < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > r.n+1 {
		p = p[:r.n+1]
	}
	n, err := r.r.Read(p)
	r.n -= int64(n)
	if r.n < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

// readCapped reads at most n bytes of r and tells whether there was more.
func readCapped(r io.Reader, n int64) ([]byte, bool) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil && len(b) == 0 {
		return nil, false
	}
	if int64(len(b)) > n {
		return b[:n], true
	}
	return b, false
}

// decode reads a successful answer into v and reports an empty body (201
// without content, 200 with none), which leaves v as it is.
func (c *Client) decode(resp *http.Response, v any) (empty bool, err error) {
	r := &cappedReader{r: bodyReader(resp), n: c.opts.maxResponseBytes}
	err = json.NewDecoder(r).Decode(v)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// flexInt decodes a JSON number, a string holding one, or null (some
// proxies and older arrays quote task ids, codes and sizes). An integral
// number written as a float (35549184.0, as HPE's WSAPI guide and fixtures
// write capacities) is accepted too; a fraction is not.
type flexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(strings.TrimSpace(s))
		if len(b) == 0 {
			*f = 0
			return nil
		}
	}
	if string(b) == "null" {
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexInt(n)
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil || x != math.Trunc(x) || math.Abs(x) > 1<<53 {
		return fmt.Errorf("not an integer: %s", truncateText(b, 32))
	}
	*f = flexInt(x)
	return nil
}

// escapeSegment escapes one path segment; "." and ".." are escaped too so
// that no name can climb out of its collection.
func escapeSegment(s string) string {
	e := url.PathEscape(s)
	if e == "." || e == ".." {
		e = strings.ReplaceAll(e, ".", "%2E")
	}
	return e
}

// pathf builds a path from format with every argument escaped as one
// segment. Arguments are strings or integers.
func pathf(format string, args ...any) string {
	esc := make([]any, len(args))
	for i, a := range args {
		esc[i] = escapeSegment(fmt.Sprint(a))
	}
	return fmt.Sprintf(format, esc...)
}
