package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlashCacheWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/flashcache", "", nil, jsonText(200, `{"mode":2,"sizeGiB":"64","usedSizeGiB":3.0,"state":1}`))
	expectCall(t, m, http.MethodPost, testAPI+"/", "", obj{"flashCache": obj{"sizeGiB": 32, "mode": 1}}, okEmpty(200))
	expectCall(t, m, http.MethodDelete, testAPI+"/flashcache", "", nil, okEmpty(200))

	f, err := c.FlashCache.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, &FlashCache{Mode: FlashCacheReal, SizeGiB: 64, UsedSizeGiB: 3, State: 1}, f)
	require.NoError(t, c.FlashCache.Create(ctx, 32, &FlashCacheCreateOptions{Mode: FlashCacheSimulator}))
	require.NoError(t, c.FlashCache.Delete(ctx))

	n := m.GetTotalCallCount()
	for _, size := range []int64{0, -16, 20} {
		assert.ErrorIs(t, c.FlashCache.Create(ctx, size, nil), ErrInvalidInput, "%d", size)
	}
	assert.ErrorIs(t, c.FlashCache.Create(ctx, 16, &FlashCacheCreateOptions{Mode: 3}), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount(), "bad input is refused before any I/O")
	assert.Equal(t, "SIMULATOR", FlashCacheSimulator.String())
	assert.Equal(t, "REAL", FlashCacheReal.String())
}

func TestFlashCacheErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// No flash cache: 404 code 285.
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/flashcache", "", nil, errorResponder(404, CodeNonExistentFlashCache, "flash cache does not exist"))
	expectCall(t, m, http.MethodDelete, testAPI+"/flashcache", "", nil, errorResponder(404, CodeNonExistentFlashCache, "flash cache does not exist"))
	_, err := c.FlashCache.Get(ctx)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, c.FlashCache.Delete(ctx), ErrNotFound)

	// EXISTENT_FLASH_CACHE has no published number: a 409 to the create
	// (POST at the API root) is ErrAlreadyExists by operation and status,
	// with no read.
	c, m = newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/", "", obj{"flashCache": obj{"sizeGiB": 16}}, errorResponder(409, 0, "exists"))
	err = c.FlashCache.Create(ctx, 16, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrAlreadyExists)
	assert.NotErrorIs(t, err, ErrConflict, "no earlier attempt: nothing to compare")
}
