package main

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openalletra/go-alletra/alletratest"
	"github.com/stretchr/testify/require"
)

// binary is the alletractl built once for the tests, run as a process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "alletractl-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "alletractl")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building alletractl:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testPassword is the simulator's password: no output may contain it.
const (
	testUser     = "ctl-admin"
	testPassword = "pa55-Wd/for.alletractl-tests"
)

// cli runs the built binary against a simulator started for one test,
// passing the array's URL, user, CA and password file through the
// environment (never on the command line).
type cli struct {
	t   *testing.T
	srv *alletratest.Server
	env []string
}

// newCLI starts a simulator (TLS, its certificate written to a PEM file the
// CLI trusts via ALLETRA_CA) and returns a runner for it.
func newCLI(t *testing.T, opts ...alletratest.Option) *cli {
	t.Helper()
	opts = append([]alletratest.Option{alletratest.WithCredentials(testUser, testPassword)}, opts...)
	srv := alletratest.NewTestServer(t, opts...)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, serverPEM(t, srv), 0o600))
	pwFile := filepath.Join(dir, "password")
	require.NoError(t, os.WriteFile(pwFile, []byte(testPassword+"\n"), 0o600))
	return &cli{t: t, srv: srv, env: append(baseEnv(t),
		"ALLETRA_URL="+srv.URL, "ALLETRA_USER="+testUser, "ALLETRA_CA="+ca, "ALLETRA_PASSWORD_FILE="+pwFile)}
}

// baseEnv is a minimal environment without any ALLETRA_* of the caller's.
func baseEnv(t *testing.T) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
}

// serverPEM returns the simulator's certificate as PEM.
func serverPEM(t *testing.T, srv *alletratest.Server) []byte {
	t.Helper()
	cert := srv.Certificate()
	require.NotNil(t, cert)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// outcome is one run of the binary.
type outcome struct {
	stdout, stderr string
	code           int
}

// run runs alletractl with args and the cli's environment.
func (c *cli) run(args ...string) outcome {
	c.t.Helper()
	return c.runWith(nil, c.env, args...)
}

// runWith runs alletractl with stdin and env. Every run checks that the
// password is neither in the arguments nor in any output.
func (c *cli) runWith(stdin []byte, env []string, args ...string) outcome {
	c.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		o.code = ee.ExitCode()
	default:
		c.t.Fatalf("running alletractl: %v", err)
	}
	c.noSecret(cmd.Args, o)
	return o
}

// noSecret fails the test when the password shows in argv or output.
func (c *cli) noSecret(argv []string, o outcome) {
	c.t.Helper()
	for _, a := range argv {
		require.NotContains(c.t, a, testPassword, "password in the command line")
	}
	require.NotContains(c.t, o.stdout, testPassword, "password on stdout")
	require.NotContains(c.t, o.stderr, testPassword, "password on stderr")
}

// ok runs alletractl, requires exit 0 and returns stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	o := c.run(args...)
	require.Equal(c.t, 0, o.code, "alletractl %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), o.stdout, o.stderr)
	return o.stdout
}

// fails runs alletractl and requires the exit code.
func (c *cli) fails(code int, args ...string) outcome {
	c.t.Helper()
	o := c.run(args...)
	require.Equal(c.t, code, o.code, "alletractl %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), o.stdout, o.stderr)
	require.NotEmpty(c.t, o.stderr, "a failure says why on stderr")
	return o
}

func TestBinaryReportsUsageErrorsWithExitTwo(t *testing.T) {
	c := newCLI(t)
	c.fails(exitInvalid, "volume", "frobnicate")
	c.fails(exitInvalid, "volume", "get")                             // no NAME
	c.fails(exitInvalid, "volume", "create", "v1", "--cpg", "SSD_r6") // no --size
	c.fails(exitInvalid, "-o", "yaml", "volume", "list")
}
