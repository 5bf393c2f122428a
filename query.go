package alletra

import (
	"fmt"
	"net/url"
	"strings"
)

// Query is a WSAPI filter expression, sent as query="<expression>". Build it
// with Eq and Or/And; values are quoted and escaped in one place (here), so
// no caller ever concatenates user input into a query.
//
// Query implements go-querystring's Encoder: a field of type Query tagged
// `url:"query,omitempty"` in an options struct becomes the query parameter.
type Query struct {
	expr string
}

// Eq returns the term `field==value` with value quoted.
func Eq(field, value string) Query {
	return Query{expr: field + "==" + quoteQueryValue(value)}
}

// Sub returns `field[inner]`, the bracket syntax WSAPI uses for
// sub-properties such as iSCSIPaths[name=="iqn..."].
func Sub(field string, inner Query) Query {
	if inner.IsZero() {
		return Query{}
	}
	return Query{expr: field + "[" + inner.expr + "]"}
}

// Or joins the non-empty terms with OR.
func Or(terms ...Query) Query { return join(" OR ", terms) }

// And joins the non-empty terms with AND. WSAPI 1.3 arrays accept only OR;
// newer ones accept AND on some collections.
func And(terms ...Query) Query { return join(" AND ", terms) }

func join(op string, terms []Query) Query {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		if !t.IsZero() {
			parts = append(parts, t.expr)
		}
	}
	return Query{expr: strings.Join(parts, op)}
}

// IsZero reports whether q holds no expression.
func (q Query) IsZero() bool { return q.expr == "" }

// String returns the expression wrapped in double quotes, as sent on the wire.
func (q Query) String() string {
	if q.IsZero() {
		return ""
	}
	return `"` + q.expr + `"`
}

// EncodeValues implements go-querystring's query.Encoder.
func (q Query) EncodeValues(key string, v *url.Values) error {
	if !q.IsZero() {
		v.Set(key, q.String())
	}
	return nil
}

// quoteQueryValue quotes a value for a WSAPI query: plain names and WWNs
// stay bare (as arrays expect), anything else is double-quoted with
// backslash escapes.
func quoteQueryValue(s string) string {
	plain := s != ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-:", c) >= 0) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ { // bytes, so that the value goes out unchanged
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// encodeQuery encodes v like url.Values.Encode but with %20 for spaces,
// which every array parses (a '+' is not known to be).
func encodeQuery(v url.Values) string {
	return strings.ReplaceAll(v.Encode(), "+", "%20")
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
