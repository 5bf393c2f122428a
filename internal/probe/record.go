package probe

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Exchange is what the probe keeps of one HTTP request and its answer: the
// shape, never the values. Paths are templates ({volume}, {key},
// {probe-vol31}, ...), members are JSON paths with their JSON types.
type Exchange struct {
	// Step is the scenario step that sent the request, e.g. "volumes.list".
	Step string `json:"step"`
	// Sample marks steps that read an object the array happened to have
	// (the first volume, the first task): they are compared only when both
	// sides have one.
	Sample bool `json:"sample,omitempty"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the path template, e.g. "/api/v1/volumes/{probe-vol31}".
	Path string `json:"path"`
	// Query lists the query parameters as "name=value", values templated
	// ("query={query}") except a few fixed flags ("cascade=true").
	Query []string `json:"query,omitempty"`
	// Status is the HTTP status; 0 when no answer came (see Transport).
	Status int `json:"status,omitempty"`
	// Code is the WSAPI "code" member of an error answer (status >= 400);
	// 0 when the answer had none.
	Code int `json:"code,omitempty"`
	// Members maps each member path of the JSON answer to its JSON type.
	// Paths use "." between names and "[]" for array elements, e.g.
	// "members[].name"; types are "object", "array", "string", "integer"
	// (a number written without fraction or exponent), "number", "boolean"
	// and "null", joined with "|" when array elements disagree.
	Members map[string]string `json:"members,omitempty"`
	// Headers holds the answer headers that matter: Content-Type,
	// Content-Encoding (also when Go's transport decoded the gzip) and
	// Location (templated like Path).
	Headers map[string]string `json:"headers,omitempty"`
	// Body describes an answer that is not a JSON document: "empty",
	// "not-json", "truncated"; "" for JSON.
	Body string `json:"body,omitempty"`
	// Transport is "error" when the request got no answer (the error text
	// is not kept: it names the array's address).
	Transport string `json:"transport,omitempty"`
}

type stepKey struct{}

type stepInfo struct {
	name   string
	sample bool
}

// withStep tags the requests sent with ctx as belonging to a step.
func withStep(ctx context.Context, name string, sample bool) context.Context {
	return context.WithValue(ctx, stepKey{}, stepInfo{name, sample})
}

// Recorder is an http.RoundTripper that passes requests to Base and
// records an Exchange for each. Pass it to go-alletra with
// alletra.WithHTTPClient(&http.Client{Transport: rec}).
//
// It never records request bodies, request headers (the session key
// travels there), the array's address, nor any value of an answer.
type Recorder struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Names maps the names the probe made up to their labels (e.g.
	// "prb1a2b3c-v31-xxxxxxxxxxxxxxxxx" → "probe-vol31"); other names are
	// replaced by the kind of object ("volume", "host", ...).
	Names map[string]string
	// KeepNames keeps names the probe did not make (other volumes, hosts,
	// CPGs) in paths instead of templating them.
	KeepNames bool

	mu        sync.Mutex
	exchanges []Exchange
}

// Exchanges returns a copy of what was recorded, in the order sent.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.exchanges...)
}

// RoundTrip sends req through Base and records it.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	base := r.Base
	if base == nil {
		base = http.DefaultTransport
	}
	si, _ := req.Context().Value(stepKey{}).(stepInfo)
	if si.name == "" {
		si.name = "unlabelled"
	}
	ex := Exchange{Step: si.name, Sample: si.sample, Method: req.Method,
		Path: r.templatePath(req.URL.EscapedPath()), Query: r.templateQuery(req.URL.Query())}
	resp, err := base.RoundTrip(req)
	if err != nil {
		ex.Transport = "error"
		r.add(ex)
		return nil, err
	}
	ex.Status = resp.StatusCode
	ex.Headers = map[string]string{}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		ex.Headers["Content-Type"] = ct
	}
	encoding := resp.Header.Get("Content-Encoding")
	if resp.Uncompressed {
		encoding = "gzip" // Go's transport asked for gzip and decoded it
	}
	if encoding != "" {
		ex.Headers["Content-Encoding"] = encoding
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		ex.Headers["Location"] = r.templateLocation(loc)
	}
	if len(ex.Headers) == 0 {
		ex.Headers = nil
	}
	data, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{readErr}))
	r.describeBody(&ex, data, readErr, strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip"))
	r.add(ex)
	return resp, nil
}

func (r *Recorder) add(ex Exchange) {
	r.mu.Lock()
	r.exchanges = append(r.exchanges, ex)
	r.mu.Unlock()
}

// errReader replays the error the body ended with (nil: a clean EOF).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

func (r *Recorder) describeBody(ex *Exchange, data []byte, readErr error, gzipped bool) {
	if gzipped {
		if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
			if plain, err := io.ReadAll(zr); err == nil {
				data = plain
			}
		}
	}
	if readErr != nil {
		ex.Body = "truncated"
		return
	}
	if len(bytes.TrimSpace(data)) == 0 {
		ex.Body = "empty"
		return
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		ex.Body = "not-json"
		return
	}
	ex.Members = map[string]string{}
	walk("", v, ex.Members)
	if len(ex.Members) == 0 {
		ex.Members = nil
	}
	if obj, ok := v.(map[string]any); ok && ex.Status >= 400 {
		if n, ok := obj["code"].(json.Number); ok {
			if c, err := n.Int64(); err == nil {
				ex.Code = int(c)
			}
		}
	}
}

// walk adds the member paths of v under path to m.
func walk(path string, v any, m map[string]string) {
	name := path
	if name == "" {
		name = "(root)"
	}
	switch x := v.(type) {
	case map[string]any:
		if path != "" {
			addType(m, name, "object")
		}
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walk(p, e, m)
		}
	case []any:
		addType(m, name, "array")
		for _, e := range x {
			walk(name+"[]", e, m)
		}
	case string:
		addType(m, name, "string")
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			addType(m, name, "number")
		} else {
			addType(m, name, "integer")
		}
	case bool:
		addType(m, name, "boolean")
	case nil:
		addType(m, name, "null")
	}
}

func addType(m map[string]string, path, t string) {
	old, ok := m[path]
	if !ok {
		m[path] = t
		return
	}
	types := strings.Split(old, "|")
	for _, o := range types {
		if o == t {
			return
		}
	}
	types = append(types, t)
	sort.Strings(types)
	m[path] = strings.Join(types, "|")
}

// kinds names the object a path segment after a collection stands for.
var kinds = map[string]string{
	"volumes": "volume", "hosts": "host", "volumesets": "volumeset", "hostsets": "hostset",
	"cpgs": "cpg", "credentials": "key", "tasks": "task", "ports": "port", "qos": "qos",
	"remotecopygroups": "rcgroup", "domains": "domain",
}

// templatePath turns an escaped request path into its template: the part
// after /api/v1/<collection>/ is replaced by a label or the object's kind.
// A sub-path before /api (a gateway prefix) becomes "{prefix}".
func (r *Recorder) templatePath(escaped string) string {
	segs := strings.Split(escaped, "/")
	api := -1
	for i, s := range segs {
		if s == "api" {
			api = i
			break
		}
	}
	if api < 0 {
		return "{unknown-path}"
	}
	var out []string
	for _, s := range segs[:api] {
		if s == "" {
			out = append(out, s)
		} else {
			out = append(out, "{prefix}")
		}
	}
	out = append(out, "api")
	rest := segs[api+1:]
	if len(rest) > 0 {
		out = append(out, rest[0]) // "v1"
		rest = rest[1:]
	}
	if len(rest) > 0 {
		coll := rest[0]
		out = append(out, coll)
		if len(rest) > 1 {
			out = append(out, r.templateID(coll, rest[1]))
			out = append(out, rest[2:]...)
		}
	}
	return strings.Join(out, "/")
}

// templateID templates the object segment of a path under collection coll.
func (r *Recorder) templateID(coll, escaped string) string {
	if escaped == "" {
		return ""
	}
	seg, err := url.PathUnescape(escaped)
	if err != nil {
		seg = escaped
	}
	switch coll {
	case "credentials":
		return "{key}"
	case "tasks":
		return "{task}"
	case "ports":
		return "{n:s:p}"
	case "vluns":
		parts := strings.Split(seg, ",")
		for i, p := range parts {
			switch {
			case p == "":
			case i == 0:
				parts[i] = r.name(p, "volume")
			case i == 1:
				parts[i] = "{lun}"
			case i == 2:
				parts[i] = r.name(p, "host")
			default:
				parts[i] = "{n:s:p}"
			}
		}
		return strings.Join(parts, ",")
	}
	kind, ok := kinds[coll]
	if !ok {
		kind = "id"
	}
	if coll == "volumes" || coll == "hosts" || coll == "volumesets" || coll == "hostsets" || coll == "cpgs" {
		return r.name(seg, kind)
	}
	return "{" + kind + "}"
}

// name returns the label of a name the probe made, else the kind (or the
// name itself with KeepNames). "set:" prefixes are kept.
func (r *Recorder) name(n, kind string) string {
	if rest, ok := strings.CutPrefix(n, "set:"); ok {
		return "set:" + r.name(rest, kind+"set")
	}
	if label, ok := r.Names[n]; ok {
		return "{" + label + "}"
	}
	if r.KeepNames {
		return url.PathEscape(n)
	}
	return "{" + kind + "}"
}

// keptQuery are the query values that carry no customer data.
var keptQuery = map[string]bool{"cascade": true, "view": true}

func (r *Recorder) templateQuery(q url.Values) []string {
	var out []string
	for k, vs := range q {
		for _, v := range vs {
			if !keptQuery[k] {
				v = "{" + k + "}"
			}
			out = append(out, k+"="+v)
		}
	}
	sort.Strings(out)
	return out
}

// templateLocation keeps the form of a Location header (absolute or not,
// with or without a leading slash, with or without /api/v1) and templates
// the rest like a request path.
func (r *Recorder) templateLocation(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return "{unparsable}"
	}
	prefix := ""
	if u.Scheme != "" || u.Host != "" {
		prefix = u.Scheme + "://{array}"
	}
	p := u.EscapedPath()
	if !strings.Contains("/"+p, "/api/") {
		// Seen relative to the API root in one guide: "volumes/<name>".
		t := r.templatePath("/api/v1/" + strings.TrimPrefix(p, "/"))
		t = strings.TrimPrefix(t, "/api/v1/")
		if strings.HasPrefix(p, "/") {
			t = "/" + t
		}
		return prefix + t
	}
	lead := strings.HasPrefix(p, "/")
	t := r.templatePath("/" + strings.TrimPrefix(p, "/"))
	if !lead {
		t = strings.TrimPrefix(t, "/")
	}
	return prefix + t
}

// CloseIdleConnections closes Base's idle connections, if it keeps any.
func (r *Recorder) CloseIdleConnections() {
	if c, ok := r.Base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
