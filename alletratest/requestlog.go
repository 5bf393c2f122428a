package alletratest

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// statusWriter records the status a handler sends.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// requestLog logs each request h answers (or aborts, for the drop faults).
func requestLog(l *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		aborted := true
		defer func() {
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("path", logPath(r)),
				slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)),
			}
			if aborted {
				attrs = append(attrs, slog.Bool("aborted", true))
			}
			l.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		h.ServeHTTP(sw, r)
		aborted = false
	})
}

// logPath is the request's path and query, with a session key in the path
// replaced by its template (withoutKey).
func logPath(r *http.Request) string {
	p := withoutKey(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	return p
}

// withoutKey returns a path below /api/v1/credentials/ as the template
// "/api/v1/credentials/{key}", whatever follows: the segment after it is a
// session key, also in paths the router does not serve.
func withoutKey(p string) string {
	const prefix = "/api/v1/credentials/"
	if strings.HasPrefix(p, prefix) && len(p) > len(prefix) {
		return prefix + "{key}"
	}
	return p
}
