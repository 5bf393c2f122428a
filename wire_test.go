package alletra

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestErrorBodyIsCapped(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithRetry(0, 0, 0))
	huge := strings.Repeat("x", 4<<20)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", httpmock.NewStringResponder(500, huge))
	_, err := c.Volumes.Get(context.Background(), "vol1")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.LessOrEqual(t, len(apiErr.Description), 520)
}

func TestSuccessBodyLenientAndCapped(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"name":"vol1","sizeMiB":2048}`))
	require.NoError(t, zw.Close())

	c, m := newMock(t, WithMaxResponseBytes(1024))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/gz", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(200, gz.Bytes())
		resp.Header.Set("Content-Encoding", "gzip")
		resp.Header.Set("Content-Type", "text/plain")
		return resp, nil
	})
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/big",
		httpmock.NewStringResponder(200, `{"name":"big","comment":"`+strings.Repeat("y", 4096)+`"}`))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/cut", httpmock.NewStringResponder(200, `{"name":"cut","sizeM`))

	v, err := c.Volumes.Get(context.Background(), "gz")
	require.NoError(t, err)
	assert.EqualValues(t, 2048, v.SizeMiB)

	_, err = c.Volumes.Get(context.Background(), "big")
	require.ErrorIs(t, err, ErrBadResponse)
	_, err = c.Volumes.Get(context.Background(), "cut")
	require.ErrorIs(t, err, ErrBadResponse)
}

func TestBodyStartingWithGzipMagicIsNotCorrupted(t *testing.T) {
	t.Parallel()
	body := "\x1f\x8b not gzip at all, but plain text"
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(body))}
	got, err := io.ReadAll(bodyReader(resp))
	require.NoError(t, err)
	assert.Equal(t, body, string(got))
}
