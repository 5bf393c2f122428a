// Package exampleenv connects the examples to an array named by the
// ALLETRA_* environment, or to an in-process simulator when none is named.
//
//	ALLETRA_URL       the WSAPI endpoint, e.g. https://array:8080 (unset: simulator)
//	ALLETRA_USER      user name (required with ALLETRA_URL)
//	ALLETRA_PASSWORD  password (required with ALLETRA_URL)
//	ALLETRA_CPG       the CPG volumes take space from (default SSD_r6)
//	ALLETRA_CA        a PEM file with the array's CA certificate
//	ALLETRA_INSECURE  1 to skip certificate verification (explicit opt-in)
package exampleenv

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// Real reports whether ALLETRA_URL names a real array.
func Real() bool { return os.Getenv("ALLETRA_URL") != "" }

// Credentials returns ALLETRA_URL, ALLETRA_USER and ALLETRA_PASSWORD, or an
// error when a real array is named without a user or password.
func Credentials() (endpoint, user, password string, err error) {
	endpoint, user, password = os.Getenv("ALLETRA_URL"), os.Getenv("ALLETRA_USER"), os.Getenv("ALLETRA_PASSWORD")
	if user == "" || password == "" {
		return "", "", "", errors.New("ALLETRA_URL is set: ALLETRA_USER and ALLETRA_PASSWORD are required too")
	}
	return endpoint, user, password, nil
}

// TLSConfig returns the TLS settings of ALLETRA_CA and ALLETRA_INSECURE, or
// nil when neither is set (certificates verified against the system roots).
func TLSConfig() (*tls.Config, error) {
	insecure, file := os.Getenv("ALLETRA_INSECURE") == "1", os.Getenv("ALLETRA_CA")
	if !insecure && file == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // explicit opt-in
	if file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("ALLETRA_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ALLETRA_CA: no PEM certificate in %s", file)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// Connect returns a client for the array named by the environment or, when
// ALLETRA_URL is unset, for a simulator started here (sim is then non-nil:
// close it when done). opts are added to the client's options.
func Connect(opts ...alletra.Option) (c *alletra.Client, sim *alletratest.Server, err error) {
	if !Real() {
		sim = alletratest.NewServer()
		if c, err = sim.Client(opts...); err != nil {
			sim.Close()
			return nil, nil, err
		}
		return c, sim, nil
	}
	endpoint, user, password, err := Credentials()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := TLSConfig()
	if err != nil {
		return nil, nil, err
	}
	if cfg != nil {
		opts = append([]alletra.Option{alletra.WithTLSConfig(cfg)}, opts...)
	}
	c, err = alletra.NewClient(endpoint, user, password, opts...)
	return c, nil, err
}

// Getenv returns the environment variable key, or def when it is empty.
func Getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// CPG is the CPG new volumes take space from: ALLETRA_CPG, or the
// simulator's default.
func CPG() string { return Getenv("ALLETRA_CPG", "SSD_r6") }
