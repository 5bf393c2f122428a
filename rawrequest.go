package alletra

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

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

	body json.RawMessage // nil: no body; set by NewRequest
}

// Response is what Client.Do tells of the array's answer besides the
// decoded body.
type Response struct {
	// StatusCode is the HTTP status of the answer (of the last attempt).
	StatusCode int
	// Header holds the answer's HTTP headers.
	Header http.Header
	// Location is the Location header with its path unescaped, e.g.
	// "/api/v1/volumes/v1" after a create ("" when the array sent none).
	Location string
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
// (/credentials) is the Client's own and is refused. No request is sent.
func (c *Client) NewRequest(method, path string, body any, opts ...RequestOption) (*Request, error) {
	r := &Request{Method: method, Path: path}
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
// pointer (nil to ignore the body). ctx bounds the whole call, retries
// included.
//
// The *Response gives the answer's status, headers and Location; it is
// returned with a success and with an error answer of the array, which is
// an *APIError matched by errors.Is against the sentinels (ErrNotFound,
// ErrAlreadyExists, ErrBusy, ...). A request that got no answer is a
// *TransportError (and no Response); an unreadable success body matches
// ErrBadResponse (a CallRead is read again first). Do adds no reconciling:
// an ErrAlreadyExists after a retried CallCreate may be the earlier
// attempt's work, and a CallDelete that finds the object gone after a lost
// answer succeeds.
func (c *Client) Do(ctx context.Context, req *Request, v any) (*Response, error) {
	if ctx == nil {
		return nil, invalid("ctx", "nil context")
	}
	if req == nil {
		return nil, invalid("req", "nil *Request")
	}
	if v != nil {
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() {
			return nil, invalid("v", "must be a non-nil pointer")
		}
	}
	switch req.Method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete:
	default:
		return nil, invalid("req.Method", "must be GET, POST, PUT or DELETE")
	}
	if err := checkRequestPath(req.Path); err != nil {
		return nil, err
	}
	if req.Kind < CallRead || req.Kind > CallDelta {
		return nil, invalid("req.Kind", fmt.Sprintf("unknown call kind %d", req.Kind))
	}
	cl := &call{method: req.Method, path: req.Path, query: req.Query, out: v, kind: req.Kind}
	if req.body != nil {
		cl.body = req.body
	}
	resp, err := c.do(ctx, cl)
	if resp == nil {
		return nil, err
	}
	return &resp.Response, err
}
