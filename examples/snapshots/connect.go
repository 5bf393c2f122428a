package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// connect returns a client for the array named by ALLETRA_URL, ALLETRA_USER
// and ALLETRA_PASSWORD (ALLETRA_INSECURE=1 skips certificate checks,
// ALLETRA_CA names a PEM file with the array's CA), or, without ALLETRA_URL,
// for a simulator started here (sim is then non-nil: close it when done).
// Examples share no code: each has its own copy of this function.
func connect() (c *alletra.Client, sim *alletratest.Server, err error) {
	endpoint := os.Getenv("ALLETRA_URL")
	if endpoint == "" {
		sim = alletratest.NewServer()
		c, err = sim.Client()
		if err != nil {
			sim.Close()
			return nil, nil, err
		}
		return c, sim, nil
	}
	user, password := os.Getenv("ALLETRA_USER"), os.Getenv("ALLETRA_PASSWORD")
	if user == "" || password == "" {
		return nil, nil, errors.New("ALLETRA_URL is set: ALLETRA_USER and ALLETRA_PASSWORD are required too")
	}
	var opts []alletra.Option
	if os.Getenv("ALLETRA_INSECURE") == "1" {
		opts = append(opts, alletra.WithInsecureSkipVerify())
	}
	if file := os.Getenv("ALLETRA_CA"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, fmt.Errorf("ALLETRA_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("ALLETRA_CA: no PEM certificate in %s", file)
		}
		opts = append(opts, alletra.WithTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	}
	c, err = alletra.NewClient(endpoint, user, password, opts...)
	return c, nil, err
}

// cpg is the CPG new volumes take space from: ALLETRA_CPG, or the
// simulator's default.
func cpg() string {
	if v := os.Getenv("ALLETRA_CPG"); v != "" {
		return v
	}
	return "SSD_r6"
}
