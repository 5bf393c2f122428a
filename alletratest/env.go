package alletratest

import (
	"errors"
	"fmt"
	"os"

	alletra "github.com/openalletra/go-alletra"
)

// Connect returns a client for the array that the environment names, or,
// when ALLETRA_URL is unset, for a new simulator (srv is then non-nil: close
// it when done). It is for tests and programs that run on the simulator by
// default and on a real array on demand:
//
//	ALLETRA_URL       the WSAPI endpoint, e.g. https://array:8080 (unset: a simulator)
//	ALLETRA_USER      user name (required with ALLETRA_URL)
//	ALLETRA_PASSWORD  password (required with ALLETRA_URL)
//	ALLETRA_CA        a PEM file with the array's CA or self-signed certificate
//	ALLETRA_INSECURE  1 to skip certificate verification
//
// opts are applied after those settings; on the simulator, after the ones
// of Server.Client.
func Connect(opts ...alletra.Option) (c *alletra.Client, srv *Server, err error) {
	endpoint := os.Getenv("ALLETRA_URL")
	if endpoint == "" {
		srv = NewServer()
		if c, err = srv.Client(opts...); err != nil {
			srv.Close()
			return nil, nil, err
		}
		return c, srv, nil
	}
	user, password := os.Getenv("ALLETRA_USER"), os.Getenv("ALLETRA_PASSWORD")
	if user == "" || password == "" {
		return nil, nil, errors.New("alletratest: ALLETRA_URL is set: ALLETRA_USER and ALLETRA_PASSWORD are required too")
	}
	if file := os.Getenv("ALLETRA_CA"); file != "" {
		opts = append([]alletra.Option{alletra.WithCAFile(file)}, opts...)
	}
	if os.Getenv("ALLETRA_INSECURE") == "1" {
		opts = append([]alletra.Option{alletra.WithInsecureSkipVerify()}, opts...)
	}
	c, err = alletra.NewClient(endpoint, user, password, opts...)
	if ve := (*alletra.ValidationError)(nil); errors.As(err, &ve) && ve.Field == "WithCAFile" {
		err = fmt.Errorf("alletratest: ALLETRA_CA: %w", err)
	}
	return c, nil, err
}
