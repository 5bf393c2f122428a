package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// without returns env without the variables named.
func without(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		keep := true
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

func TestPasswordComesFromEnvironmentFileOrStdinOnly(t *testing.T) {
	c := newCLI(t)
	noPw := without(c.env, "ALLETRA_PASSWORD_FILE")

	o := c.runWith(nil, noPw, "system", "get", "-o", "name")
	assert.Equal(t, exitInvalid, o.code, "no password at all")
	assert.Contains(t, o.stderr, "ALLETRA_PASSWORD")

	o = c.runWith(nil, append(noPw, "ALLETRA_PASSWORD="+testPassword), "system", "get", "-o", "name")
	assert.Equal(t, 0, o.code, o.stderr)

	o = c.runWith([]byte(testPassword+"\n"), noPw, "--password-stdin", "system", "get", "-o", "name")
	assert.Equal(t, 0, o.code, o.stderr)

	// the file (from newCLI) wins over a wrong ALLETRA_PASSWORD
	o = c.runWith(nil, append(c.env, "ALLETRA_PASSWORD=wrong"), "system", "get", "-o", "name")
	assert.Equal(t, 0, o.code, o.stderr)

	// there is no password flag: ps would show it
	o = c.runWith(nil, noPw, "--password", "hunter2-not-a-flag", "system", "get")
	assert.Equal(t, exitInvalid, o.code)
	assert.Contains(t, o.stderr, "unknown flag: --password")
	assert.NotContains(t, o.stdout+o.stderr, "hunter2-not-a-flag")
}

func TestWrongPasswordIsAnAuthenticationErrorWithoutTheSecret(t *testing.T) {
	c := newCLI(t)
	wrong := "wr0ng-" + testPassword[:8] + "-pw"
	o := c.runWith(nil, append(without(c.env, "ALLETRA_PASSWORD_FILE"), "ALLETRA_PASSWORD="+wrong), "volume", "list")
	assert.Equal(t, exitAuth, o.code, o.stderr)
	assert.NotContains(t, o.stdout+o.stderr, wrong)
}

func TestPasswordFileErrorsDoNotShowThePath(t *testing.T) {
	c := newCLI(t)
	missing := filepath.Join(t.TempDir(), "secret-dir", "pw-file-name")
	o := c.runWith(nil, append(without(c.env, "ALLETRA_PASSWORD_FILE"), "ALLETRA_PASSWORD_FILE="+missing), "volume", "list")
	assert.Equal(t, exitInvalid, o.code)
	assert.Contains(t, o.stderr, "no such file")
	assert.NotContains(t, o.stderr, "pw-file-name")
}

func TestTLSNeedsTheCAOrAnExplicitInsecure(t *testing.T) {
	c := newCLI(t)
	noCA := without(c.env, "ALLETRA_CA")
	o := c.runWith(nil, noCA, "volume", "list")
	assert.Equal(t, exitOther, o.code, "the simulator's certificate is not trusted without ALLETRA_CA")
	assert.Contains(t, o.stderr, "certificate")

	o = c.runWith(nil, noCA, "--insecure", "volume", "list")
	assert.Equal(t, 0, o.code, o.stderr)

	bad := filepath.Join(t.TempDir(), "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a certificate"), 0o600))
	o = c.runWith(nil, noCA, "--ca", bad, "volume", "list")
	assert.Equal(t, exitInvalid, o.code)
	assert.Contains(t, o.stderr, "no PEM certificate")
}

func TestMissingURLOrUserIsInvalidInput(t *testing.T) {
	c := newCLI(t)
	o := c.runWith(nil, without(c.env, "ALLETRA_URL"), "volume", "list")
	assert.Equal(t, exitInvalid, o.code)
	assert.Contains(t, o.stderr, "ALLETRA_URL")
	o = c.runWith(nil, without(c.env, "ALLETRA_USER"), "volume", "list")
	assert.Equal(t, exitInvalid, o.code)
	assert.Contains(t, o.stderr, "ALLETRA_USER")
	// flags name the array too
	o = c.runWith(nil, without(c.env, "ALLETRA_URL", "ALLETRA_USER"), "--url", c.srv.URL, "--user", testUser, "volume", "list")
	assert.Equal(t, 0, o.code, o.stderr)
}

func TestConfigStringRedactsThePassword(t *testing.T) {
	cfg := config{url: "https://a", user: "u", password: "s3cret"}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		assert.NotContains(t, s, "s3cret")
		assert.Contains(t, s, "REDACTED")
	}
}

func TestReadPasswordTakesTheFirstLine(t *testing.T) {
	for in, want := range map[string]string{"pw\n": "pw", "pw\r\nmore\n": "pw", "pw": "pw", " sp ace \n": " sp ace "} {
		got, err := readPassword(strings.NewReader(in), "test")
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := readPassword(strings.NewReader("\n"), "test")
	assert.Error(t, err)
}

func TestDebugLogShowsRequestsButNoSecret(t *testing.T) {
	c := newCLI(t)
	o := c.run("--debug", "volume", "list")
	require.Equal(t, 0, o.code, o.stderr)
	assert.Contains(t, o.stderr, "/volumes")
	assert.Contains(t, o.stderr, "/credentials")
	// run checked that the password is nowhere; the session key never shows either
	assert.NotContains(t, strings.ToLower(o.stderr), "sessionkey")
}

func TestWrongEndpointIsNotNotFound(t *testing.T) {
	c := newCLI(t)
	o := c.runWith(nil, append(without(c.env, "ALLETRA_URL"), "ALLETRA_URL="+c.srv.URL+"/no/such/gateway"), "volume", "get", "vol1")
	assert.Equal(t, exitOther, o.code, o.stderr)
	assert.Contains(t, o.stderr, "WSAPI URL")
}
