package alletra

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueryExpressions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		q    Query
		want string
	}{
		{"plain value stays bare", Eq("name", "vol1"), `"name==vol1"`},
		{"IQN stays bare", Eq("name", "iqn.1993-08.org.debian:01:abc"), `"name==iqn.1993-08.org.debian:01:abc"`},
		{"other values are quoted", Eq("comment", `a"b c`), `"comment=="a\"b c""`},
		{"or skips empty terms", Or(Eq("wwn", "AA"), Query{}, Eq("wwn", "BB")), `"wwn==AA OR wwn==BB"`},
		{"and", And(Eq("a", "1"), Eq("b", "2")), `"a==1 AND b==2"`},
		{"sub-property", Sub("iSCSIPaths", Eq("name", "iqn.x:y")), `"iSCSIPaths[name==iqn.x:y]"`},
		{"empty sub-property", Sub("iSCSIPaths", Query{}), ""},
		{"empty or", Or(), ""},
	} {
		assert.Equal(t, tc.want, tc.q.String(), tc.name)
		assert.Equal(t, tc.want == "", tc.q.IsZero(), tc.name)
		v := url.Values{}
		require.NoError(t, tc.q.EncodeValues("query", &v))
		if tc.want == "" {
			assert.NotContains(t, v, "query", "an empty query is not sent: %s", tc.name)
		} else {
			assert.Equal(t, tc.want, v.Get("query"), tc.name)
		}
	}
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

func TestEscapingKeepsNamesInOneSegment(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"vol1": "vol1", "a/b": "a%2Fb", "a?b": "a%3Fb", "a%b": "a%25b", "..": "%2E%2E", ".": "%2E",
		"a b": "a%20b", "é": "%C3%A9", "a,b": "a%2Cb",
	} {
		assert.Equal(t, want, escapeSegment(in), in)
	}
	assert.Equal(t, "/volumes/a%2Fb/x", pathf("/volumes/%s/x", "a/b"))
	assert.Equal(t, "/tasks/12", pathf("/tasks/%s", 12))
}
