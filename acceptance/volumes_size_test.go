package acceptance_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// Issue 19: 16 TiB is not the limit of current arrays. A 20 TiB create goes
// to the array, and the array's own 400/28 says whether it is too large.
func TestCreate20TiBGoesToTheArray(t *testing.T) {
	t.Parallel()
	const tib = 1 << 20 // MiB
	ctx := context.Background()

	// An array whose limit is 16 TiB (the simulator's default) refuses it.
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-big", CPG: flowCPG, SizeMiB: 20 * tib})
	require.ErrorIs(t, err, alletra.ErrTooLarge)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr, "the array answered, not the client")
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, alletra.CodeTooLarge, apiErr.Code)
	assert.Equal(t, 1, srv.Requests(http.MethodPost, "/api/v1/volumes"))
	closeFlow(t, srv, c)

	// An array with a larger limit creates it.
	big := alletratest.NewTestServer(t, alletratest.WithMaxVolumeSizeMiB(64*tib))
	c = flowClient(t, big)
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-big", CPG: flowCPG, SizeMiB: 20 * tib}))
	v, ok := big.Volume("c-big")
	require.True(t, ok)
	assert.EqualValues(t, 20*tib, v.SizeMiB)
	size, err := c.Volumes.ResizeTo(ctx, "c-big", 24*tib)
	require.NoError(t, err)
	assert.EqualValues(t, 24*tib, size)
	closeFlow(t, big, c)
}

// A byte count passed as MiB is still refused before any I/O: 20 TiB in
// bytes is 21,990,232,555,520 "MiB".
func TestCreate20TiBOfBytesAsMiBIsRefused(t *testing.T) {
	t.Parallel()
	const tibBytes = int64(1) << 40
	ctx := context.Background()
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	before := totalRequests(srv)
	err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "c-big", CPG: flowCPG, SizeMiB: 20 * tibBytes})
	require.ErrorIs(t, err, alletra.ErrTooLarge)
	var ve *alletra.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "SizeMiB", ve.Field)
	_, err = c.Volumes.ResizeTo(ctx, "c-big", 20*tibBytes)
	require.ErrorAs(t, err, &ve)
	err = c.Volumes.Grow(ctx, "c-big", 20*tibBytes)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, before, totalRequests(srv), "refused before any I/O")
	closeFlow(t, srv, c)
}
