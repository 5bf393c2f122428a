package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"

	alletra "github.com/openalletra/go-alletra"
)

// config is the connection as flags and environment describe it.
type config struct {
	url, user string
	password  string // never printed: see String
	caFile    string
	insecure  bool
}

// String describes the configuration without the password.
func (c config) String() string {
	return fmt.Sprintf("config{url: %q, user: %q, password: REDACTED, ca: %q, insecure: %v}",
		c.url, c.user, c.caFile, c.insecure)
}

// GoString is String, so that %#v does not print the password either.
func (c config) GoString() string { return c.String() }

// maxPasswordBytes bounds what is read from a password file or stdin.
const maxPasswordBytes = 4096

// config resolves flags over environment variables. Errors name the
// setting, never its value.
func (a *app) config() (config, error) {
	getenv := a.env.getenv
	cfg := config{url: a.url, user: a.user, caFile: a.ca, insecure: a.insecure}
	if cfg.url == "" {
		cfg.url = getenv("ALLETRA_URL")
	}
	if cfg.user == "" {
		cfg.user = getenv("ALLETRA_USER")
	}
	if cfg.caFile == "" {
		cfg.caFile = getenv("ALLETRA_CA")
	}
	if cfg.url == "" {
		return cfg, invalidf("", "no array named: set ALLETRA_URL or --url (or use --sim)")
	}
	if cfg.user == "" {
		return cfg, invalidf("", "no user: set ALLETRA_USER or --user")
	}
	var err error
	switch file := getenv("ALLETRA_PASSWORD_FILE"); {
	case a.passwordStdin:
		cfg.password, err = readPassword(a.env.stdin, "--password-stdin")
	case file != "":
		cfg.password, err = readPasswordFile(file)
	default:
		cfg.password = getenv("ALLETRA_PASSWORD")
		if cfg.password == "" {
			err = invalidf("", "no password: set ALLETRA_PASSWORD or ALLETRA_PASSWORD_FILE, or use --password-stdin")
		}
	}
	return cfg, err
}

// readPasswordFile reads the password from the file ALLETRA_PASSWORD_FILE
// names. The error does not repeat the path.
func readPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", invalidf("ALLETRA_PASSWORD_FILE", "cannot open the password file: %v", err)
	}
	defer f.Close()
	return readPassword(f, "ALLETRA_PASSWORD_FILE")
}

// readPassword returns the first line of r without its line ending.
func readPassword(r io.Reader, from string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxPasswordBytes)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", invalidf(from, "cannot read the password: %v", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", invalidf(from, "empty password")
	}
	return pw, nil
}

// transport returns the HTTP transport with the TLS settings of --ca and
// --insecure, set here on the transport handed to the SDK (the configuration
// the SDK's TLSConfigForCA makes for --ca, as WithCAFile would).
func (c config) transport() (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if c.caFile != "" {
		pem, err := os.ReadFile(c.caFile)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, invalidf("--ca", "cannot read the CA file %s: %v", c.caFile, err)
		}
		if tr.TLSClientConfig, err = alletra.TLSConfigForCA(pem); err != nil {
			return nil, invalidf("--ca", "%s holds no PEM certificate", c.caFile)
		}
	}
	tr.TLSClientConfig.InsecureSkipVerify = c.insecure //nolint:gosec // explicit --insecure
	return tr, nil
}

// inputError is invalid input found by alletractl itself, before any
// request was sent. It matches alletra.ErrInvalidInput, as the SDK's
// *alletra.ValidationError does.
type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == alletra.ErrInvalidInput }

// invalidf returns an *inputError about the setting or argument what.
// An empty what leaves the message as it is.
func invalidf(what, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if what != "" {
		msg = what + ": " + msg
	}
	return &inputError{msg: msg}
}
