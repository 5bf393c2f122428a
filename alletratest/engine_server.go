package alletratest

import (
	"compress/gzip"
	"crypto/x509"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

const maxBody = 16 << 20

// simServer is a running simulated array: an engine behind an httptest server.
type simServer struct {
	// URL is the base URL, e.g. https://127.0.0.1:40123 (without /api/v1).
	URL string
	// Engine is the array state.
	Engine *engine

	ts        *httptest.Server
	tls       bool
	done      chan struct{}
	closeOnce sync.Once
}

// newSimServer starts a simulated array configured by cfg.
func newSimServer(cfg simConfig) *simServer {
	s := &simServer{Engine: newEngine(cfg), done: make(chan struct{}), tls: !cfg.PlainHTTP}
	var h http.Handler = s
	if cfg.Wrap != nil {
		h = cfg.Wrap(h)
	}
	ts := httptest.NewUnstartedServer(h)
	if cfg.Listener != nil {
		ts.Listener.Close()
		ts.Listener = cfg.Listener
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.Engine.ConnOpened()
		case http.StateClosed, http.StateHijacked:
			s.Engine.ConnClosed()
		}
	}
	if s.tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	s.ts, s.URL = ts, ts.URL
	return s
}

// Close stops the server. Requests waiting on a fault delay or a session
// slot are aborted.
func (s *simServer) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.Close()
	})
}

// CertPool returns a pool trusting the server's certificate, or nil for
// plain HTTP.
func (s *simServer) CertPool() *x509.CertPool {
	if !s.tls {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.ts.Certificate())
	return p
}

// Certificate returns the server's TLS certificate, or nil for plain HTTP.
func (s *simServer) Certificate() *x509.Certificate {
	if !s.tls {
		return nil
	}
	return s.ts.Certificate()
}

// HTTPClient returns a new client that trusts the server's certificate.
func (s *simServer) HTTPClient() *http.Client {
	tr := s.ts.Client().Transport.(*http.Transport).Clone()
	return &http.Client{Transport: tr}
}

// ServeHTTP implements http.Handler.
func (s *simServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := s.Engine
	rt, raw, params, ok := match(r.URL.EscapedPath())
	tmpl := withoutKey(r.URL.Path) // an unserved path may hold a session key
	if ok {
		tmpl = rt.template
	}
	e.stats.begin(r.Method + " " + tmpl)
	defer e.stats.end()
	if !ok {
		s.write(w, r, errResponse(errNotFound(codeURINotFound, "URI resource does not exist: %s", r.URL.Path)), false)
		return
	}
	h := rt.methods[r.Method]
	if h == nil {
		s.write(w, r, errResponse(apiErr(http.StatusNotImplemented, codeUnsupportedOperation,
			"resource does not support operation %s", r.Method)), false)
		return
	}
	fault, faulted := e.takeFault(r.Method, rt.template)
	if faulted {
		switch fault.Kind {
		case FaultStatus:
			st := fault.Status
			if st == 0 {
				st = http.StatusInternalServerError
			}
			fe := apiErr(st, int(fault.Code), "injected fault")
			fe.omitCode = fault.Code == 0 // an injected fault is exactly what the test asked for
			s.write(w, r, errResponse(fe), false)
			return
		case FaultDropBeforeCommit:
			panic(http.ErrAbortHandler)
		case FaultHTMLBody:
			writeHTML(w, fault.Status)
			return
		}
	}
	req := &request{method: r.Method, route: rt.template, params: params, raw: raw, query: r.URL.Query()}
	needAuth := !rt.noAuth[r.Method] || (rt.template == "/api" && e.cfg.Build >= buildAPINeedsSession)
	if needAuth {
		sess, aerr := e.acquireSession(r.Header.Get(SessionHeader))
		if aerr != nil {
			s.write(w, r, errResponse(aerr), false)
			return
		}
		defer e.releaseSession(sess)
		if e.cfg.SerializedSessions {
			select {
			case sess.sem <- struct{}{}:
				defer func() { <-sess.sem }()
			case <-r.Context().Done():
				return
			case <-s.done:
				return
			}
		}
		req.user = sess.user
	}
	if faulted && fault.Kind == FaultDelay {
		// The key stays in use (and its serialisation slot held) while the
		// array is slow.
		t := time.NewTimer(fault.Delay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		s.write(w, r, errResponse(errBadRequest(codeInputEOF, "incomplete request")), false)
		return
	}
	req.body = body
	resp := h(e, req)
	if faulted && fault.Kind == FaultCommitThenDrop {
		panic(http.ErrAbortHandler)
	}
	s.write(w, r, resp, faulted && fault.Kind == FaultTruncateList)
}

func writeHTML(w http.ResponseWriter, status int) {
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "<html><head><title>"+strconv.Itoa(status)+" "+http.StatusText(status)+
		"</title></head><body><h1>"+http.StatusText(status)+"</h1><hr><p>proxy</p></body></html>\n")
}

func marshalResponse(resp response) []byte {
	var v any = resp.body
	if resp.list {
		v = struct {
			Total   int   `json:"total"`
			Members []any `json:"members"`
		}{len(resp.members), resp.members}
	}
	data, err := json.Marshal(v)
	if err != nil {
		data, _ = json.Marshal(errorBody{Code: codeInternal, Desc: "internal error"})
	}
	return data
}

// write sends resp. Collections are streamed with chunked encoding; when
// truncate is set, only the first part of the body is sent and the
// connection is aborted.
func (s *simServer) write(w http.ResponseWriter, r *http.Request, resp response, truncate bool) {
	h := w.Header()
	h.Set("Server", "hp3par-wsapi")
	h.Set("Cache-Control", "no-cache")
	h.Set("Pragma", "no-cache")
	if resp.location != "" {
		h.Set("Location", resp.location)
	}
	flusher, _ := w.(http.Flusher)
	if resp.body == nil && !resp.list {
		w.WriteHeader(resp.status)
		if truncate {
			panic(http.ErrAbortHandler)
		}
		return
	}
	h.Set("Content-Type", "application/json")
	if truncate {
		data := marshalResponse(resp)
		w.WriteHeader(resp.status)
		_, _ = w.Write(data[:len(data)/2])
		if flusher != nil {
			flusher.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	var out io.Writer = w
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	if s.Engine.cfg.Gzip && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		gz := gzip.NewWriter(w)
		defer gz.Close()
		out = gz
		flush = func() {
			_ = gz.Flush()
			if flusher != nil {
				flusher.Flush()
			}
		}
	}
	w.WriteHeader(resp.status)
	if !resp.list {
		_, _ = out.Write(marshalResponse(resp))
		return
	}
	_, _ = io.WriteString(out, `{"total":`+strconv.Itoa(len(resp.members))+`,"members":[`)
	flush()
	for i, m := range resp.members {
		if i > 0 {
			_, _ = io.WriteString(out, ",")
		}
		data, err := json.Marshal(m)
		if err != nil {
			data = []byte("null")
		}
		_, _ = out.Write(data)
		if i%64 == 63 {
			flush()
		}
	}
	_, _ = io.WriteString(out, "]}")
}
