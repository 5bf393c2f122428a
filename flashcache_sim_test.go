package alletra_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// A flash cache create whose answer was lost is retried (CallCreate); the
// retry meets the cache the first attempt made (409): that is this call's
// own work, not someone else's cache.
func TestFlashCacheCreateLostAnswerIsOwnWork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client(alletra.WithRetry(2, 0, 0))
	require.NoError(t, err)
	require.NoError(t, srv.InjectFault("POST", "/api/v1", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop}))

	require.NoError(t, c.FlashCache.Create(ctx, 32, &alletra.FlashCacheCreateOptions{Mode: alletra.FlashCacheReal}))
	assert.Equal(t, 2, srv.Requests("POST", "/api/v1"), "sent again after the lost answer")

	// A cache in another mode is still someone else's.
	require.NoError(t, c.FlashCache.Delete(ctx))
	require.NoError(t, c.FlashCache.Create(ctx, 64, &alletra.FlashCacheCreateOptions{Mode: alletra.FlashCacheSimulator}))
	require.NoError(t, srv.InjectFault("POST", "/api/v1", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop}))
	gets := srv.Requests("GET", "/api/v1/flashcache")
	err = c.FlashCache.Create(ctx, 32, nil)
	assert.ErrorIs(t, err, alletra.ErrAlreadyExists)
	assert.ErrorIs(t, err, alletra.ErrConflict, "the reconcile found another mode")
	assert.Equal(t, 1, srv.Requests("GET", "/api/v1/flashcache")-gets, "one read decides")

	// Without a lost answer an existing cache is ErrAlreadyExists, as before.
	assert.ErrorIs(t, c.FlashCache.Create(ctx, 64, nil), alletra.ErrAlreadyExists)
}
