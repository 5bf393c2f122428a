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
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// safety says whether a request may be sent again after a failure whose
// outcome on the array is unknown.
type safety int

const (
	// safeOnce: send again only when the request provably never reached the
	// array (a dial error). Grow (a delta), promote and copy are of this kind.
	safeOnce safety = iota
	// safeIdempotent: repeating it cannot change the outcome (GET, DELETE,
	// absolute updates). Retried on transport errors, 502/503/504 and code 270.
	safeIdempotent
	// safeReconcile: a create. Retried like safeIdempotent; an "already
	// exists" answer after a retry is then checked by the call's reconcile
	// function, which decides whether the object is the one asked for.
	safeReconcile
	// safeLogin: retried on transport errors and 502/504/270, but a 503
	// (session table full) is returned at once.
	safeLogin
	// safeChecked: a create whose repetition the array would not refuse
	// (a vLUN: iSCSI arrays silently export twice). Retried like
	// safeIdempotent, but before each retry the call's precheck looks on the
	// array; when it finds the object, the earlier attempt was carried out and
	// the call ends as a success without sending again.
	safeChecked
)

// call is one WSAPI operation, built by a service method and run by do.
type call struct {
	method string
	path   string     // escaped path below /api/v1 (or below the root when root is set), built with pathf
	query  url.Values // optional
	body   any        // JSON-encoded once; nil for no body
	out    any        // decoded from a successful response when non-nil
	safety safety
	noAuth bool // login: no session key
	// retryInUse retries 409 code 34 (logout of a key still in use).
	retryInUse bool
	root       bool   // path is relative to the endpoint root (GET /api)
	key        string // send this key instead of the session's (logout)

	// reconcile is asked, when an attempt's outcome was unknown and a later
	// attempt ended in an error matching reconcileOn (ErrAlreadyExists when
	// nil), whether the array is now as the call asked. true makes the call
	// a success: the earlier attempt was carried out.
	reconcile   func(ctx context.Context) (bool, error)
	reconcileOn error

	// precheck, for a safeChecked call, is run before every retry; true means
	// the object exists and the call is done.
	precheck func(ctx context.Context) (bool, error)
}

// response is what a service method may need beyond the decoded body.
type response struct {
	StatusCode int
	Header     http.Header
	Location   string // the Location header, unescaped path ("" when absent)
	Attempts   int
	// Prechecked: a safeChecked call's precheck found the object before a
	// retry; there is no answer of the array to read.
	Prechecked bool
}

type ctxKey struct{}

// attemptInfo travels in the request context so that checkRetry knows the
// request's safety and counts its attempts.
type attemptInfo struct {
	safety     safety
	attempts   int
	unknown    bool // an attempt may have been carried out without us seeing the answer
	retryInUse bool // retry 409 code 34 (a logout whose key is busy)
	precheck   func(ctx context.Context) (bool, error)
}

// slotHeld marks a context whose request already holds an in-flight slot,
// so that a precheck run during its retry does not wait for another.
type slotHeld struct{}

// errPrechecked ends a retry loop whose precheck found the object.
var errPrechecked = errors.New("alletra: the object exists; not sent again")

// newRequest builds the HTTP request for cl with the given session key.
func (c *Client) newRequest(ctx context.Context, cl *call, body []byte, key string) (*retryablehttp.Request, error) {
	base := c.apiURL
	if cl.root {
		base = c.rootURL
	}
	u := base + cl.path
	if len(cl.query) > 0 {
		u += "?" + encodeQuery(cl.query)
	}
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, raw)
	if err != nil {
		return nil, invalid("path", err.Error())
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set(sessionHeader, key)
	}
	return req, nil
}

// encodeQuery encodes v like url.Values.Encode but with %20 for spaces,
// which every array parses (a '+' is not known to be).
func encodeQuery(v url.Values) string {
	return strings.ReplaceAll(v.Encode(), "+", "%20")
}

// do runs cl: it obtains the session key, sends the request through the
// retrying client, re-logs in and replays once when the array says the key
// is invalid, decodes the answer into cl.out and turns error answers into
// *APIError.
func (c *Client) do(ctx context.Context, cl *call) (*response, error) {
	if ctx == nil {
		return nil, invalid("ctx", "nil context")
	}
	var body []byte
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return nil, invalid("body", err.Error())
		}
	}
	info := &attemptInfo{safety: cl.safety, precheck: cl.precheck, retryInUse: cl.retryInUse}
	ctx = context.WithValue(ctx, ctxKey{}, info)
	logPath := redactPath(cl.path)
	for replayed := false; ; replayed = true {
		key, gen := cl.key, uint64(0)
		if key == "" && !cl.noAuth {
			var err error
			if key, gen, err = c.sessionKey(ctx); err != nil {
				return nil, err
			}
		}
		resp, err := c.send(ctx, cl, body, key, info)
		if errors.Is(err, errPrechecked) {
			c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: an earlier attempt was carried out",
				slog.String("method", cl.method), slog.String("path", logPath), slog.Int("attempts", info.attempts))
			return &response{Attempts: info.attempts, Prechecked: true}, nil
		}
		if err != nil {
			return nil, err
		}
		apiErr := c.check(resp, cl.method, logPath, info.attempts)
		if apiErr != nil {
			apiErr.Description = redactKey(apiErr.Description, key) // in case the array echoes it
			c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: error answer",
				slog.String("method", cl.method), slog.String("path", logPath),
				slog.Int("status", apiErr.StatusCode), slog.Int("code", int(apiErr.Code)))
		}
		if apiErr != nil && apiErr.Code == CodeInvalidSessionKey && !cl.noAuth && cl.key == "" && !replayed {
			c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: session key rejected; logging in again",
				slog.String("method", cl.method), slog.String("path", logPath))
			resp.Body.Close()
			c.invalidate(gen)
			continue
		}
		defer resp.Body.Close()
		out := &response{StatusCode: resp.StatusCode, Header: resp.Header, Attempts: info.attempts}
		if loc := resp.Header.Get("Location"); loc != "" {
			if p, err := url.PathUnescape(loc); err == nil {
				out.Location = p
			} else {
				out.Location = loc
			}
		}
		if apiErr != nil && cl.method == http.MethodDelete && info.unknown && errors.Is(apiErr, ErrNotFound) {
			// An earlier attempt whose answer was lost deleted it.
			c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: delete was carried out by an earlier attempt",
				slog.String("path", logPath), slog.Int("attempts", info.attempts))
			return out, nil
		}
		if apiErr != nil {
			on := cl.reconcileOn
			if on == nil {
				on = ErrAlreadyExists
			}
			if cl.reconcile != nil && info.unknown && errors.Is(apiErr, on) {
				ok, rerr := cl.reconcile(ctx)
				if rerr != nil {
					return out, fmt.Errorf("%w (checking the existing object: %v)", apiErr, rerr)
				}
				if ok {
					c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: an earlier attempt was carried out",
						slog.String("method", cl.method), slog.String("path", logPath), slog.Int("attempts", info.attempts))
					return out, nil
				}
				if on == ErrAlreadyExists {
					// The object is there, but not as asked: ErrConflict (as
					// documented), still an *APIError matching ErrAlreadyExists.
					return out, fmt.Errorf("%w (it differs from the request: %w)", apiErr, ErrConflict)
				}
			}
			return out, apiErr
		}
		if cl.out != nil {
			if err := c.decode(resp, cl.out); err != nil {
				return out, errBadResponse(cl.method, logPath, err)
			}
		}
		return out, nil
	}
}

// send acquires an in-flight slot and runs the request with retries.
func (c *Client) send(ctx context.Context, cl *call, body []byte, key string, info *attemptInfo) (*http.Response, error) {
	req, err := c.newRequest(ctx, cl, body, key)
	if err != nil {
		return nil, err
	}
	if ctx.Value(slotHeld{}) == nil && !cl.noAuth {
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-c.sem }()
	}
	start := time.Now()
	resp, err := c.rc.Do(req)
	if errors.Is(err, errPrechecked) {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	logPath := redactPath(cl.path)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: request failed",
			slog.String("method", cl.method), slog.String("path", logPath),
			slog.Duration("duration", time.Since(start)), slog.Int("attempts", info.attempts),
			slog.String("error", redactError(err, key)))
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, &TransportError{Method: cl.method, Path: logPath, Attempts: info.attempts, Err: scrubError(err, key)}
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "alletra: request",
		slog.String("method", cl.method), slog.String("path", logPath),
		slog.Int("status", resp.StatusCode), slog.Duration("duration", time.Since(start)),
		slog.Int("attempts", info.attempts))
	return resp, nil
}

// TransportError reports a request that got no HTTP answer (connection
// refused or reset, TLS failure, timeout), after any allowed retries.
type TransportError struct {
	Method, Path string
	Attempts     int
	Err          error
}

// Error implements error.
func (e *TransportError) Error() string {
	return fmt.Sprintf("alletra: %s %s: %v (after %d attempt(s))", e.Method, e.Path, e.Err, e.Attempts)
}

// Unwrap returns the underlying network error.
func (e *TransportError) Unwrap() error { return e.Err }

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

func redactError(err error, key string) string { return redactKey(err.Error(), key) }

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

var errBodyTooLarge = errors.New("response body exceeds the size cap")

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

// decode reads a successful answer into v. An empty body leaves v as it is.
func (c *Client) decode(resp *http.Response, v any) error {
	r := &cappedReader{r: bodyReader(resp), n: c.opts.maxResponseBytes}
	dec := json.NewDecoder(r)
	err := dec.Decode(v)
	if err == io.EOF {
		return nil // no body (201 without content, 200 with none)
	}
	return err
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
