package alletra

import (
	"fmt"
	"net/url"
	"strings"
)

// scrubError returns err without the session key, which a logout URL
// holds. A *url.Error keeps its type and cause, with the URL redacted.
func scrubError(err error, key string) error {
	if key == "" {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: redactKey(ue.URL, key), Err: scrubError(ue.Err, key)}
	}
	if msg := err.Error(); msg != redactKey(msg, key) {
		return fmt.Errorf("%s", redactKey(msg, key))
	}
	return err
}

// redactKey replaces the key, raw or escaped, in s.
func redactKey(s, key string) string {
	if key == "" {
		return s
	}
	s = strings.ReplaceAll(s, key, "REDACTED")
	if esc := url.PathEscape(key); esc != key {
		s = strings.ReplaceAll(s, esc, "REDACTED")
	}
	if esc := url.QueryEscape(key); esc != key {
		s = strings.ReplaceAll(s, esc, "REDACTED")
	}
	return s
}
