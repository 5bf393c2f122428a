package alletratest

import (
	"errors"
	"fmt"
	"strings"
)

// schema lists the fields (and bracketed sub-collections) a resource's
// WSAPI query may name.
type schema struct {
	Fields map[string]bool
	Subs   map[string]*schema
}

// record is a resource as the query evaluator sees it: field values (a field
// may hold several, e.g. setmembers) and sub-collections (e.g. iSCSIPaths).
type record struct {
	Fields map[string][]string
	Subs   map[string][]record
}

// node is a parsed WSAPI query expression.
type node struct {
	Op    string  // "OR", "AND", "EQ" (field==value) or "SUB" (field[expr])
	Field string  // for EQ and SUB
	Value string  // for EQ
	Kids  []*node // for OR, AND (two or more) and SUB (one)
}

// query is a compiled query; a nil *query matches everything.
type query struct{ root *node }

// Match reports whether r satisfies the query.
func (q *query) Match(r record) bool {
	if q == nil || q.root == nil {
		return true
	}
	return eval(q.root, r)
}

func eval(n *node, r record) bool {
	switch n.Op {
	case "OR":
		for _, k := range n.Kids {
			if eval(k, r) {
				return true
			}
		}
		return false
	case "AND":
		for _, k := range n.Kids {
			if !eval(k, r) {
				return false
			}
		}
		return true
	case "SUB":
		for _, s := range r.Subs[n.Field] {
			if eval(n.Kids[0], s) {
				return true
			}
		}
		return false
	}
	for _, v := range r.Fields[n.Field] {
		if valueEqual(n.Field, v, n.Value) {
			return true
		}
	}
	return false
}

func valueEqual(field, have, want string) bool {
	if strings.EqualFold(field, "wwn") || strings.EqualFold(field, "volumeWWN") {
		return strings.EqualFold(normWWN(have), normWWN(want))
	}
	if field == "name" && strings.HasPrefix(strings.ToLower(have), "iqn.") {
		return strings.EqualFold(have, want)
	}
	return have == want
}

// queryFrom compiles the request's ?query= parameter (absent: match all). A
// bad query is INV_QUERY_STRING, 400 (guide 1.3.1), a named error.
func (e *engine) queryFrom(req *request, s *schema) (*query, *apiError) {
	raw, ok := req.query["query"]
	if !ok {
		return nil, nil
	}
	if len(raw) != 1 {
		return nil, e.named(errInvalidQueryString, "repeated query parameter")
	}
	q, err := compileQuery(raw[0], s)
	if err != nil {
		return nil, e.named(errInvalidQueryString, "%v", err)
	}
	return q, nil
}

// compileQuery parses the value of a query parameter, which must be wrapped
// in double quotes ("name==x OR name==y"), and checks it against s.
func compileQuery(raw string, s *schema) (*query, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, errors.New("the expression must be wrapped in double quotes")
	}
	n, err := parseQuery(raw[1 : len(raw)-1])
	if err != nil {
		return nil, err
	}
	if err := check(n, s); err != nil {
		return nil, err
	}
	return &query{root: n}, nil
}

func check(n *node, s *schema) error {
	switch n.Op {
	case "OR", "AND":
		for _, k := range n.Kids {
			if err := check(k, s); err != nil {
				return err
			}
		}
		return nil
	case "SUB":
		sub := s.Subs[n.Field]
		if sub == nil {
			return fmt.Errorf("unknown sub-property %q", n.Field)
		}
		return check(n.Kids[0], sub)
	}
	if !s.Fields[n.Field] {
		return fmt.Errorf("unknown field %q", n.Field)
	}
	return nil
}

type token struct {
	kind string // "word", "str", "==", "[", "]", "(", ")"
	text string
}

func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '[' || c == ']' || c == '(' || c == ')':
			out = append(out, token{kind: string(c)})
			i++
		case strings.HasPrefix(s[i:], "=="):
			out = append(out, token{kind: "=="})
			i += 2
		case c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '"' {
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, errors.New("unterminated quoted value")
			}
			out = append(out, token{kind: "str", text: b.String()})
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r[]()\"", rune(s[j])) && !strings.HasPrefix(s[j:], "==") {
				j++
			}
			out = append(out, token{kind: "word", text: s[i:j]})
			i = j
		}
	}
	return out, nil
}

type parser struct {
	toks  []token
	pos   int
	depth int
}

// parseQuery parses a WSAPI query expression (without the outer quotes):
// terms "field==value" or "field EQ value", sub-properties "field[expr]",
// parentheses, and OR / AND (AND binds tighter; both case-insensitive).
func parseQuery(s string) (*node, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("empty query")
	}
	p := &parser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %s at token %d", p.toks[p.pos].describe(), p.pos)
	}
	return n, nil
}

func (t token) describe() string {
	if t.kind == "word" || t.kind == "str" {
		return fmt.Sprintf("%q", t.text)
	}
	return t.kind
}

func (p *parser) peekKeyword(kw string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == "word" && strings.EqualFold(p.toks[p.pos].text, kw)
}

func (p *parser) binary(op string, next func() (*node, error)) (*node, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	kids := []*node{first}
	for p.peekKeyword(op) {
		p.pos++
		k, err := next()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &node{Op: op, Kids: kids}, nil
}

func (p *parser) or() (*node, error)  { return p.binary("OR", p.and) }
func (p *parser) and() (*node, error) { return p.binary("AND", p.primary) }

func (p *parser) primary() (*node, error) {
	if p.pos >= len(p.toks) {
		return nil, errors.New("unexpected end of query")
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 32 {
		return nil, errors.New("query nested too deeply")
	}
	t := p.toks[p.pos]
	if t.kind == "(" {
		p.pos++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		return n, p.expect(")")
	}
	if t.kind != "word" || !validField(t.text) {
		return nil, fmt.Errorf("expected a field name, got %s", t.describe())
	}
	p.pos++
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("missing operator after %q", t.text)
	}
	switch op := p.toks[p.pos]; {
	case op.kind == "[":
		p.pos++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		return &node{Op: "SUB", Field: t.text, Kids: []*node{n}}, p.expect("]")
	case op.kind == "==" || op.kind == "word" && op.text == "EQ":
		p.pos++
		if p.pos >= len(p.toks) || (p.toks[p.pos].kind != "word" && p.toks[p.pos].kind != "str") {
			return nil, fmt.Errorf("missing value for %q", t.text)
		}
		v := p.toks[p.pos].text
		p.pos++
		return &node{Op: "EQ", Field: t.text, Value: v}, nil
	default:
		return nil, fmt.Errorf("expected == or EQ after %q, got %s", t.text, op.describe())
	}
}

func (p *parser) expect(kind string) error {
	if p.pos >= len(p.toks) || p.toks[p.pos].kind != kind {
		return fmt.Errorf("expected %s", kind)
	}
	p.pos++
	return nil
}

func validField(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return true
}
