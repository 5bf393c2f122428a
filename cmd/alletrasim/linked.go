package main

import (
	"fmt"
	"io"
	"net"

	"github.com/openalletra/go-alletra/alletratest"
)

// serveLinked starts a second array on addr with the options of the first,
// its fixtures included (opts[0] is the first's listener and is replaced), links the two as each
// other's remote copy target (alletratest.Link: "alletra-sim-1" and
// "alletra-sim-2") and prints its URL. The caller closes the returned server.
func serveLinked(addr string, opts []alletratest.Option, first *alletratest.Server, stdout io.Writer) (*alletratest.Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-linked: %w", err)
	}
	opts = append([]alletratest.Option{alletratest.WithListener(l)}, opts[1:]...)
	second := alletratest.NewServer(opts...)
	alletratest.Link(first, second)
	fmt.Fprintf(stdout, "Linked:   %s (remote copy target alletra-sim-2; the first array is alletra-sim-1)\n", reachableURL(second.URL, l.Addr()))
	return second, nil
}
