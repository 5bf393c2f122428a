package alletratest

import (
	"time"

	alletra "github.com/openalletra/go-alletra"
)

// Test retry waits of Client: a retried request costs milliseconds, not the
// production half second and more.
const (
	clientRetryMinWait = time.Millisecond
	clientRetryMaxWait = 10 * time.Millisecond
)

// Client returns a go-alletra client for the server, logged in lazily with
// the server's credentials and using a new HTTP client that trusts the
// server's certificate. It retries as often as a default client, but waits
// only milliseconds between attempts, so that tests of busy arrays stay
// fast. opts are applied after these settings: pass alletra.WithRetry for
// other waits.
func (s *Server) Client(opts ...alletra.Option) (*alletra.Client, error) {
	all := append([]alletra.Option{
		alletra.WithHTTPClient(s.HTTPClient()),
		alletra.WithRetry(alletra.DefaultMaxRetries, clientRetryMinWait, clientRetryMaxWait),
	}, opts...)
	return alletra.NewClient(s.URL, s.Username(), s.Password(), all...)
}
