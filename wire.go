package alletra

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"sync"
)

// check returns nil for a 2xx answer, else the *APIError it carries (the
// body is consumed and closed).
func (c *Client) check(resp *http.Response, method, path string, attempts int) *APIError {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	b := readErrorBody(resp)
	e := &APIError{StatusCode: resp.StatusCode, Method: method, Path: path, Attempts: attempts,
		Code: b.Code, Description: b.Description, Ref: b.Ref}
	resp.Body = http.NoBody
	e.classify() // the class is decided here, once (errors.go)
	return e
}

// errorBody is an error answer's body once read and parsed: classify reads
// the code from it, check the rest.
type errorBody struct {
	Code        ErrorCode
	Description string
	Ref         string
}

// Read implements io.Reader: the body has been read.
func (*errorBody) Read([]byte) (int, error) { return 0, io.EOF }

// Close implements io.Closer.
func (*errorBody) Close() error { return nil }

// readErrorBody reads an error answer's body (capped, gunzipped when
// needed), closes it and parses it, once: the parse replaces resp.Body, so
// that every later reader of the answer gets it without reading again.
func readErrorBody(resp *http.Response) *errorBody {
	if b, ok := resp.Body.(*errorBody); ok {
		return b
	}
	raw, _ := readCapped(bodyReader(resp), maxErrorBodyBytes)
	resp.Body.Close()
	var e APIError
	parseErrorBody(&e, raw)
	b := &errorBody{Code: e.Code, Description: e.Description, Ref: e.Ref}
	resp.Body = b
	return b
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

// decodeAnswer is the go-retryablehttp response handler: inside the retry
// loop it decodes a success body into out, so that a truncated read is a
// failure the contract can repeat. An empty body (201 without content, 200
// with none) leaves out as it is; any other body replaces what out held.
func (c *Client) decodeAnswer(resp *http.Response, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil
	}
	dec := json.NewDecoder(&cappedReader{r: bodyReader(resp), n: c.opts.maxResponseBytes})
	if dec.More() {
		reflect.ValueOf(out).Elem().SetZero()
	}
	err := dec.Decode(out)
	drainBody(resp.Body)
	resp.Body = http.NoBody
	if err != nil && err != io.EOF {
		return &badBodyError{err: err}
	}
	return nil
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

// drainBody reads what is left of a body (up to a bound) so that the
// connection can be reused, and closes it.
func drainBody(b io.ReadCloser) {
	if b == http.NoBody {
		return // read already
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(b, 1<<20))
	b.Close()
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
