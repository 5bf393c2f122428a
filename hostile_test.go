package alletra

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endless produces prefix, then repeats unit until limit bytes were read
// (never allocating the whole body).
type endless struct {
	prefix, unit string
	limit, read  int64
	pos          int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.limit >= 0 && e.read >= e.limit {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && (e.limit < 0 || e.read < e.limit) {
		var src string
		if e.read < int64(len(e.prefix)) {
			src = e.prefix[e.read:]
		} else {
			src = e.unit[e.pos:]
		}
		k := copy(p[n:], src)
		if e.read >= int64(len(e.prefix)) {
			e.pos = (e.pos + k) % len(e.unit)
		}
		n += k
		e.read += int64(k)
	}
	return n, nil
}

func streamResponder(status int, body io.Reader) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(body), ContentLength: -1}, nil
	}
}

func TestHostileResponses(t *testing.T) {
	t.Parallel()
	volume := `{"name":"v","sizeMiB":256,"wwn":"60002AC0000000000000001A00021F4B"},`
	for _, tc := range []struct {
		name   string
		status int
		body   func() io.Reader
	}{
		{"1 GiB list", 200, func() io.Reader {
			return &endless{prefix: `{"total":1,"members":[`, unit: volume, limit: 1 << 30}
		}},
		{"never-ending list", 200, func() io.Reader {
			return &endless{prefix: `{"total":1,"members":[`, unit: volume, limit: -1}
		}},
		{"1 GiB string", 200, func() io.Reader {
			return &endless{prefix: `{"total":1,"members":[{"name":"`, unit: "a", limit: 1 << 30}
		}},
		{"deeply nested", 200, func() io.Reader {
			return strings.NewReader(`{"total":1,"members":[` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `]}`)
		}},
		{"truncated list", 200, func() io.Reader {
			return strings.NewReader(`{"total":3,"members":[` + volume + volume)
		}},
		{"not JSON", 200, func() io.Reader { return strings.NewReader("<html>maintenance</html>") }},
		{"endless error body", 500, func() io.Reader { return &endless{unit: "<p>oops</p>", limit: -1} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, WithMaxResponseBytes(1<<20), WithRetry(0, 0, 0))
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes", streamResponder(tc.status, tc.body()))
			vols, err := c.Volumes.List(context.Background(), nil)
			require.Error(t, err)
			assert.Nil(t, vols)
			if tc.status == 200 {
				assert.ErrorIs(t, err, ErrBadResponse)
			} else {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.LessOrEqual(t, len(apiErr.Description), 520)
			}
		})
	}
}

func TestInvalidUTF8IsKeptSafe(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithRetry(0, 0, 0))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/v",
		httpmock.NewBytesResponder(200, []byte("{\"name\":\"v\xff\xfe\",\"comment\":\"\xc3\x28\"}")))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/w",
		httpmock.NewBytesResponder(409, []byte("\xff\xfe not json \xc3\x28")))
	v, err := c.Volumes.Get(context.Background(), "v")
	require.NoError(t, err)
	assert.True(t, utf8.ValidString(v.Name))
	_, err = c.Volumes.Get(context.Background(), "w")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, utf8.ValidString(apiErr.Description))
}

func TestNamesNeverChangeThePath(t *testing.T) {
	t.Parallel()
	c, _ := newMock(t) // no responder: every hostile name must be refused before any request
	for _, name := range []string{"a/b", "..", ".", "../volumes", "a?b=c", "a%2Fb", "a b", "é", "vol\x00", "a#b", "-x", "", "a\nb"} {
		_, err := c.Volumes.Get(context.Background(), name)
		assert.ErrorIs(t, err, ErrInvalidInput, "%q", name)
	}
	for _, name := range []string{"a/b", "..", "a?b", "a%b", "a b", "é"} {
		p := pathf("/volumes/%s", name)
		u, err := url.Parse("https://x" + p)
		require.NoError(t, err)
		assert.Equal(t, "/volumes/"+name, u.Path, "one segment for %q", name)
		assert.Equal(t, 2, strings.Count(u.EscapedPath(), "/"), "%q", name)
	}
}

// FuzzParseErrorBody: any error body gives a bounded, valid UTF-8
// description and never panics.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{`{"code":23,"desc":"x"}`, `{"code":"6"}`, `<html>`, ``, `{"message":{"code":17}}`,
		`{"message":"text"}`, "\xff\xfe", `{"code":1e99}`, `{"code":-5,"ref":"a"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var e APIError
		parseErrorBody(&e, body)
		if !utf8.ValidString(e.Description) {
			t.Fatalf("invalid UTF-8 description %q", e.Description)
		}
		if len(e.Description) > 520 && !strings.HasPrefix(strings.TrimSpace(string(body)), "{") {
			t.Fatalf("description not truncated: %d bytes", len(e.Description))
		}
		_ = e.Error()
	})
}

// unquoteQueryValue reverses quoteQueryValue (the test's own reader).
func unquoteQueryValue(s string) (string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return s, true
	}
	if len(s) < 2 || !strings.HasSuffix(s, `"`) {
		return "", false
	}
	var b strings.Builder
	in := s[1 : len(s)-1]
	for i := 0; i < len(in); i++ {
		switch in[i] {
		case '\\':
			i++
			if i == len(in) {
				return "", false
			}
			b.WriteByte(in[i])
		case '"':
			return "", false
		default:
			b.WriteByte(in[i])
		}
	}
	return b.String(), true
}

// FuzzQueryEncoding: a value always comes back unchanged from the encoded
// query, and never ends the quoted expression early.
func FuzzQueryEncoding(f *testing.F) {
	for _, s := range []string{"vol1", `a"b`, `a\`, "a b", "", "OR", `" OR name==x`, "iqn.1993-08.org.debian:01:abc", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		q := Eq("name", value)
		v := url.Values{}
		require.NoError(t, q.EncodeValues("query", &v))
		raw := encodeQuery(v)
		parsed, err := url.ParseQuery(raw)
		require.NoError(t, err)
		wire := parsed.Get("query")
		require.True(t, strings.HasPrefix(wire, `"name==`) && strings.HasSuffix(wire, `"`), wire)
		got, ok := unquoteQueryValue(strings.TrimSuffix(strings.TrimPrefix(wire, `"name==`), `"`))
		require.True(t, ok, "unparseable value in %s", wire)
		require.Equal(t, value, got)
		require.NotContains(t, raw, "+", "spaces are sent as %20")
	})
}

// FuzzFlexInt: numbers and quoted numbers decode; nothing panics.
func FuzzFlexInt(f *testing.F) {
	for _, s := range []string{`1`, `"42"`, `null`, `""`, `"x"`, `1.5`, `-3`, `"  7 "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n flexInt
		_ = n.UnmarshalJSON([]byte(s))
	})
}
