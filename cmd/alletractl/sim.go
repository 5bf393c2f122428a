package main

import (
	"errors"
	"net/http"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// connectSim starts a throw-away in-process simulated array (package
// alletratest, TLS with its own certificate) for --sim and returns a client
// for it. The array and everything made on it are gone when the command
// ends.
func (a *app) connectSim(opts []alletra.Option) (*alletra.Client, func(), error) {
	srv := alletratest.NewServer()
	base, ok := srv.HTTPClient().Transport.(*http.Transport)
	if !ok {
		srv.Close()
		return nil, nil, errSimTransport
	}
	opts = append(opts, alletra.WithHTTPClient(&http.Client{Transport: base}))
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(), opts...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, func() { logout(c); base.CloseIdleConnections(); srv.Close() }, nil
}

// errSimTransport means alletratest's HTTP client changed shape.
var errSimTransport = errors.New("the simulator's HTTP client has no *http.Transport")
