package alletra

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// WithCAPEM makes the Client trust the certificates in pem, one or more PEM
// "CERTIFICATE" blocks: the array's CA, or its self-signed certificate
// (arrays ship one). They replace the system's roots for this Client.
// Verification stays on; this is the way to reach an array with its own
// certificate without WithInsecureSkipVerify.
//
// Given after WithTLSConfig, it sets that configuration's RootCAs; a later
// WithTLSConfig replaces it. pem without any certificate is a
// *ValidationError.
func WithCAPEM(pem []byte) Option {
	return func(o *clientOptions) error {
		pool, err := certPool(pem)
		if err != nil {
			return invalid("WithCAPEM", err.Error())
		}
		o.tlsConfig = withRoots(o.tlsConfig, pool)
		return nil
	}
}

// WithCAFile is WithCAPEM with the PEM read from the file at path (e.g.
// what ALLETRA_CA names), when NewClient runs. A file that cannot be read
// is a *ValidationError that wraps the file system's error (errors.Is(err,
// fs.ErrNotExist) works) and names the path; one without any certificate is
// a *ValidationError too.
func WithCAFile(path string) Option {
	return func(o *clientOptions) error {
		if path == "" {
			return invalid("WithCAFile", "empty path")
		}
		b, err := os.ReadFile(path)
		if err != nil {
			reason := err.Error()
			var pe *fs.PathError
			if errors.As(err, &pe) {
				reason = "cannot read " + path + ": " + pe.Err.Error()
				err = pe.Err
			}
			return &ValidationError{Field: "WithCAFile", Reason: reason, Err: err}
		}
		pool, err := certPool(b)
		if err != nil {
			return invalid("WithCAFile", path+": "+err.Error())
		}
		o.tlsConfig = withRoots(o.tlsConfig, pool)
		return nil
	}
}

// TLSConfigForCA returns the TLS configuration that WithCAPEM gives the
// Client's own transport: TLS 1.2 or later, verified against the
// certificates in pem only. It is for a transport of your own, e.g. one
// that wraps another http.RoundTripper (to count or trace requests), to
// which the Client's TLS options do not apply:
//
//	cfg, err := alletra.TLSConfigForCA(pem)
//	tr := http.DefaultTransport.(*http.Transport).Clone()
//	tr.TLSClientConfig = cfg
//	c, err := alletra.NewClient(url, user, password, alletra.WithHTTPClient(&http.Client{Transport: wrap(tr)}))
//
// pem without any certificate is a *ValidationError.
func TLSConfigForCA(pem []byte) (*tls.Config, error) {
	pool, err := certPool(pem)
	if err != nil {
		return nil, invalid("TLSConfigForCA", err.Error())
	}
	return withRoots(nil, pool), nil
}

// certPool returns a pool of the certificates in pem.
func certPool(pem []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no PEM certificate found")
	}
	return pool, nil
}

// withRoots returns a copy of cfg (or a new configuration) with RootCAs set
// to pool.
func withRoots(cfg *tls.Config, pool *x509.CertPool) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		cfg = cfg.Clone()
	}
	cfg.RootCAs = pool
	return cfg
}
