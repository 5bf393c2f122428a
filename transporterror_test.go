package alletra

import (
	"errors"
	"io"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A session key never leaves in an error: a logout's URL holds it, raw or
// escaped, and a *url.Error keeps its type and cause with the key redacted.
func TestScrubErrorRedactsTheKey(t *testing.T) {
	t.Parallel()
	key := "0-a/b+c"
	ue := &url.Error{Op: "Delete", URL: "https://array/api/v1/credentials/" + url.PathEscape(key), Err: io.ErrUnexpectedEOF}
	got := scrubError(ue, key)
	var scrubbed *url.Error
	require.ErrorAs(t, got, &scrubbed)
	assert.Equal(t, "https://array/api/v1/credentials/REDACTED", scrubbed.URL)
	assert.ErrorIs(t, got, io.ErrUnexpectedEOF, "the cause is kept")

	plain := errors.New("reset while sending key " + key + " and " + url.QueryEscape(key))
	assert.Equal(t, "reset while sending key REDACTED and REDACTED", scrubError(plain, key).Error())

	other := errors.New("connection refused")
	assert.Same(t, other, scrubError(other, key), "nothing to redact: the same error")
	assert.Same(t, plain, scrubError(plain, ""), "no key: the same error")
}
