package acceptance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// The flash cache through the SDK on the simulator: none, create, a second
// create (ErrAlreadyExists after a read), get, delete.
func TestFlashCacheOnSimulator(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	defer closeFlow(t, srv, c)

	_, err := c.FlashCache.Get(ctx)
	assert.ErrorIs(t, err, alletra.ErrNotFound)
	require.NoError(t, c.FlashCache.Create(ctx, 64, nil))
	assert.ErrorIs(t, c.FlashCache.Create(ctx, 64, nil), alletra.ErrAlreadyExists)
	f, err := c.FlashCache.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, alletra.FlashCache{Mode: alletra.FlashCacheReal, SizeGiB: 64, State: 1}, *f)
	require.NoError(t, c.FlashCache.Delete(ctx))
	assert.ErrorIs(t, c.FlashCache.Delete(ctx), alletra.ErrNotFound)
}
