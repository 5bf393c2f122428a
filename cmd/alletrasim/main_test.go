package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started is a running alletrasim and what it printed.
type started struct {
	url, user, password string
	stderr              *syncBuffer
	stop                func() error // cancels and returns run's error
}

// start runs alletrasim with args and reads the URL and the credentials it
// prints.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, stderr)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	s := &started{stderr: stderr}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		switch k {
		case "URL":
			s.url = strings.TrimSpace(v)
		case "User":
			s.user = strings.TrimSpace(v)
		case "Password":
			s.password = strings.TrimSpace(v)
		}
		if strings.HasPrefix(sc.Text(), "WSAPI at") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	var once sync.Once
	var runErr error
	s.stop = func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	t.Cleanup(func() { _ = s.stop() })
	require.NotEmpty(t, s.url, "alletrasim printed no URL; stderr: %s", stderr)
	return s
}

// call sends a JSON request and returns the status and body.
func call(t *testing.T, hc *http.Client, method, url, key string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("X-HP3PAR-WSAPI-SessionKey", key)
	}
	res, err := hc.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, data
}

func login(t *testing.T, hc *http.Client, s *started) string {
	t.Helper()
	status, body := call(t, hc, "POST", s.url+"/api/v1/credentials", "", map[string]string{"user": s.user, "password": s.password})
	require.Equal(t, 201, status, string(body))
	var k struct{ Key string }
	require.NoError(t, json.Unmarshal(body, &k))
	require.NotEmpty(t, k.Key)
	return k.Key
}

// The session a non-Go user runs: log in with the printed credentials,
// create a volume, read it back, log out; with -v each request is logged,
// without keys or passwords.
func TestRunPlainServesUntilCancelled(t *testing.T) {
	t.Parallel()
	s := start(t, "-addr", "127.0.0.1:0", "-plain", "-user", "admin", "-password", "Secr3t-pw",
		"-max-name", "40", "-serialize", "-task-duration", "2s", "-build", "30103230", "-v")
	assert.True(t, strings.HasPrefix(s.url, "http://127.0.0.1:"), s.url)
	assert.Equal(t, "admin", s.user)
	assert.Equal(t, "Secr3t-pw", s.password)

	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	status, body := call(t, hc, "GET", s.url+"/api", "", nil)
	require.Equal(t, 200, status, "an old build answers GET /api without a session")
	assert.Contains(t, string(body), "30103230")
	key := login(t, hc, s)
	name := strings.Repeat("v", 40) // over the classic 31, within -max-name 40
	status, body = call(t, hc, "POST", s.url+"/api/v1/volumes", key, map[string]any{"name": name, "cpg": "SSD_r6", "sizeMiB": 1024, "tpvv": true})
	require.Equal(t, 201, status, string(body))
	status, body = call(t, hc, "GET", s.url+"/api/v1/volumes/"+name, key, nil)
	require.Equal(t, 200, status, string(body))
	assert.Contains(t, string(body), `"sizeMiB":1024`)
	status, _ = call(t, hc, "DELETE", s.url+"/api/v1/credentials/"+key, key, nil)
	assert.Equal(t, 200, status)

	require.NoError(t, s.stop())
	_, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	assert.Error(t, err, "the server stopped listening")

	log := s.stderr.String()
	assert.Contains(t, log, "method=POST path=/api/v1/volumes status=201")
	assert.Contains(t, log, "method=DELETE path=/api/v1/credentials/{key} status=200")
	assert.NotContains(t, log, key)
	assert.NotContains(t, log, "Secr3t-pw")
	assert.Contains(t, log, "alletrasim: stopping")
}

// Over HTTPS, -cert writes the certificate a client trusts.
func TestRunTLSWritesCertificate(t *testing.T) {
	t.Parallel()
	certFile := filepath.Join(t.TempDir(), "sim.pem")
	s := start(t, "-addr", "127.0.0.1:0", "-cert", certFile)
	assert.True(t, strings.HasPrefix(s.url, "https://127.0.0.1:"), s.url)
	assert.Equal(t, "3paradm", s.user)

	pem, err := os.ReadFile(certFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem))
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer hc.CloseIdleConnections()
	login(t, hc, s)

	untrusting := &http.Client{Transport: &http.Transport{}}
	defer untrusting.CloseIdleConnections()
	_, err = untrusting.Get(s.url + "/api")
	assert.Error(t, err, "without the certificate, TLS verification fails")
	assert.NotContains(t, s.stderr.String(), "method=", "no request log without -v")
}

func TestRunRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-max-name", "-1"},
		{"-task-duration", "-1s"},
		{"-build", "-1"},
		{"-plain", "-cert", "x.pem"},
		{"-user", ""},
		{"extra"},
		{"-nosuchflag"},
		{"-addr", "no-port"},
		{"-ip-port", "0:2:1"},
		{"-ip-port", "x=10.0.0.1"},
		{"-task", "t"},
		{"-task", "t=-1s"},
		{"-error-code", "MEMBER_IN_SET"},
		{"-error-code", "NOT_A_NAME=1"},
		{"-max-volumes", "-1"},
		{"-config", "/nonexistent/fixtures.json"},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), args, io.Discard, &stderr)
		assert.Error(t, err, "%q", args)
	}
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, io.Discard, &stderr)
	assert.True(t, errors.Is(err, flag.ErrHelp))
	for _, name := range []string{"-addr", "-plain", "-user", "-password", "-cert", "-max-name", "-serialize", "-task-duration", "-build", "-v",
		"-config", "-domain", "-cpg", "-ip-port", "-task", "-error-code", "-max-volumes", "-max-snapshots", "-untagged-vlan-entry"} {
		assert.Contains(t, stderr.String(), name)
	}
}

func TestReachableURL(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "https://127.0.0.1:8080",
		reachableURL("https://0.0.0.0:8080", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}))
	assert.Equal(t, "http://127.0.0.1:8080",
		reachableURL("http://[::]:8080", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}))
	assert.Equal(t, "https://10.0.0.5:8080",
		reachableURL("https://10.0.0.5:8080", &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 8080}))
}

// alletrasim -h prints the flags and exits 0, as Go commands do: asking for
// help is no error (it exited 2).
func TestMainHelpExitsZero(t *testing.T) {
	if os.Getenv("ALLETRASIM_TEST_MAIN") == "1" {
		os.Args = []string{"alletrasim", "-h"}
		main()
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainHelpExitsZero$")
	cmd.Env = append(os.Environ(), "ALLETRASIM_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	require.NoError(t, err, stderr.String())
	assert.Contains(t, stderr.String(), "usage: alletrasim")
}
