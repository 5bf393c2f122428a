package alletratest

import alletra "github.com/openalletra/go-alletra"

// Client returns a go-alletra client for the server, logged in lazily with
// the server's credentials and using a new HTTP client that trusts the
// server's certificate. Further options are applied after that one.
func (s *Server) Client(opts ...alletra.Option) (*alletra.Client, error) {
	all := append([]alletra.Option{alletra.WithHTTPClient(s.HTTPClient())}, opts...)
	return alletra.NewClient(s.URL, s.Username(), s.Password(), all...)
}
