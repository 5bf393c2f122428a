package alletratest_test

import (
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openalletra/go-alletra/alletratest"
)

// Without ALLETRA_URL, Connect starts a simulator.
func TestConnectSimulator(t *testing.T) {
	t.Setenv("ALLETRA_URL", "")
	c, srv, err := alletratest.Connect()
	require.NoError(t, err)
	require.NotNil(t, srv)
	defer srv.Close()
	ctx := context.Background()
	_, err = c.System.Get(ctx)
	require.NoError(t, err)
	require.NoError(t, c.Close(ctx))
	assert.Equal(t, 1, srv.Stats().Logins)
}

// With ALLETRA_URL, Connect uses the environment: here a simulator stands
// in for the array, trusted through ALLETRA_CA or ALLETRA_INSECURE.
func TestConnectArray(t *testing.T) {
	array := alletratest.NewTestServer(t, alletratest.WithCredentials("admin", "pw"))
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: array.Certificate().Raw}), 0o600))
	ctx := context.Background()
	t.Setenv("ALLETRA_URL", array.URL)
	t.Setenv("ALLETRA_USER", "admin")
	t.Setenv("ALLETRA_PASSWORD", "pw")

	for _, env := range []struct{ ca, insecure string }{{caFile, ""}, {"", "1"}} {
		t.Setenv("ALLETRA_CA", env.ca)
		t.Setenv("ALLETRA_INSECURE", env.insecure)
		c, srv, err := alletratest.Connect()
		require.NoError(t, err)
		assert.Nil(t, srv)
		_, err = c.System.Get(ctx)
		require.NoError(t, err, "%+v", env)
		require.NoError(t, c.Close(ctx))
	}
	assert.Equal(t, 2, array.Stats().Logins)

	// Without either, the simulator's certificate is not trusted.
	t.Setenv("ALLETRA_CA", "")
	t.Setenv("ALLETRA_INSECURE", "")
	c, _, err := alletratest.Connect()
	require.NoError(t, err)
	_, err = c.System.Get(ctx)
	assert.Error(t, err)

	t.Setenv("ALLETRA_CA", filepath.Join(t.TempDir(), "missing.pem"))
	_, _, err = alletratest.Connect()
	assert.ErrorContains(t, err, "ALLETRA_CA")
	t.Setenv("ALLETRA_CA", caFile+".none")
	require.NoError(t, os.WriteFile(caFile+".none", []byte("not a PEM"), 0o600))
	_, _, err = alletratest.Connect()
	assert.ErrorContains(t, err, "no PEM certificate")

	t.Setenv("ALLETRA_PASSWORD", "")
	_, _, err = alletratest.Connect()
	assert.ErrorContains(t, err, "ALLETRA_PASSWORD")
}
