package alletra

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The map key is a keyed hash: it holds no byte string of the password, and
// two SharedClients values key the same identity differently.
func TestSharedClientsKeyHoldsNoSecret(t *testing.T) {
	t.Parallel()
	cfg, err := NewSharedConfig("https://array", "user", "s3cret-password", WithRetry(0, 0, 0))
	require.NoError(t, err)
	var a, b SharedClients
	ca, _ := a.Acquire(cfg)
	cb, _ := b.Acquire(cfg)
	assert.NotSame(t, ca, cb, "nothing is shared between two SharedClients")
	for _, s := range []*SharedClients{&a, &b} {
		require.Len(t, s.clients, 1)
		for k := range s.clients {
			assert.False(t, bytes.Contains(k[:], []byte("s3cret")))
		}
	}
	var ka, kb [32]byte
	for k := range a.clients {
		ka = k
	}
	for k := range b.clients {
		kb = k
	}
	assert.NotEqual(t, ka, kb, "the HMAC key is random per SharedClients")
	assert.Equal(t, "alletra.SharedConfig{}", SharedConfig{}.String())
	assert.Equal(t, "alletra.SharedConfig{endpoint: https://array, user: user}", cfg.GoString())
	assert.Zero(t, ca.opts.maxRetries, "the options checked are the options the Client gets")
}
