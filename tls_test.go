package alletra

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tlsArray is a TLS server with its own certificate that answers a login
// and a system read, enough for one call; it returns its certificate as PEM.
func tlsArray(t *testing.T) (url string, certPEM []byte) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/credentials":
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"key":"k1"}`))
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/system":
			_, _ = w.Write([]byte(`{"id":1,"name":"tls-array"}`))
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func TestWithCAPEMTrustsTheArraysOwnCertificate(t *testing.T) {
	ctx := context.Background()
	url, certPEM := tlsArray(t)

	c, err := NewClient(url, "u", "p", WithCAPEM(certPEM), WithRetry(0, 0, 0))
	require.NoError(t, err)
	s, err := c.System.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "tls-array", s.Name)
	require.NoError(t, c.Close(ctx))

	// without it, the certificate is refused: verification stays on
	c, err = NewClient(url, "u", "p", WithRetry(0, 0, 0))
	require.NoError(t, err)
	_, err = c.System.Get(ctx)
	var te *TransportError
	require.ErrorAs(t, err, &te)

	file := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(file, certPEM, 0o600))
	c, err = NewClient(url, "u", "p", WithCAFile(file), WithRetry(0, 0, 0))
	require.NoError(t, err)
	_, err = c.System.Get(ctx)
	require.NoError(t, err)
	require.NoError(t, c.Close(ctx))
}

func TestWithCAPEMKeepsTheRestOfWithTLSConfig(t *testing.T) {
	_, certPEM := tlsArray(t)
	c, err := NewClient("https://array", "u", "p", WithTLSConfig(&tls.Config{ServerName: "array.example",
		MinVersion: tls.VersionTLS13}), WithCAPEM(certPEM))
	require.NoError(t, err)
	cfg := c.hc.Transport.(*http.Transport).TLSClientConfig
	assert.Equal(t, "array.example", cfg.ServerName)
	assert.Equal(t, uint16(tls.VersionTLS13), cfg.MinVersion)
	assert.NotNil(t, cfg.RootCAs)
	assert.False(t, cfg.InsecureSkipVerify)

	c, err = NewClient("https://array", "u", "p", WithCAPEM(certPEM))
	require.NoError(t, err)
	cfg = c.hc.Transport.(*http.Transport).TLSClientConfig
	assert.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
	assert.NotNil(t, cfg.RootCAs)
}

func TestWithCAPEMRefusesWhatIsNoCertificate(t *testing.T) {
	var ve *ValidationError
	_, err := NewClient("https://array", "u", "p", WithCAPEM([]byte("not a certificate")))
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "WithCAPEM", ve.Field)
	assert.ErrorIs(t, err, ErrInvalidInput)

	missing := filepath.Join(t.TempDir(), "nope.pem")
	_, err = NewClient("https://array", "u", "p", WithCAFile(missing))
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "WithCAFile", ve.Field)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), missing)

	_, err = NewClient("https://array", "u", "p", WithCAFile(""))
	assert.True(t, errors.As(err, &ve))

	junk := filepath.Join(t.TempDir(), "junk.pem")
	require.NoError(t, os.WriteFile(junk, []byte("-----BEGIN NOTHING-----\n"), 0o600))
	_, err = NewClient("https://array", "u", "p", WithCAFile(junk))
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "no PEM certificate")
}

func TestTLSConfigForCAServesAWrappedTransport(t *testing.T) {
	ctx := context.Background()
	url, certPEM := tlsArray(t)
	cfg, err := TLSConfigForCA(certPEM)
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	var trips int
	wrapped := caTripFunc(func(r *http.Request) (*http.Response, error) { trips++; return tr.RoundTrip(r) })
	c, err := NewClient(url, "u", "p", WithHTTPClient(&http.Client{Transport: wrapped}), WithRetry(0, 0, 0))
	require.NoError(t, err)
	_, err = c.System.Get(ctx)
	require.NoError(t, err)
	require.NoError(t, c.Close(ctx))
	assert.Positive(t, trips)

	_, err = TLSConfigForCA(nil)
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve)
}

type caTripFunc func(*http.Request) (*http.Response, error)

func (f caTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
