package acceptance_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func iterArray(t *testing.T, n int, opts ...alletra.Option) (*alletratest.Server, *alletra.Client) {
	t.Helper()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	for i := range n {
		require.NoError(t, c.Volumes.Create(context.Background(), &alletra.VolumeCreateRequest{
			Name: "it" + string(rune('a'+i)), CPG: "SSD_r6", SizeMiB: 256}))
	}
	return srv, c
}

func TestVolumesAllYieldsWhatListReturns(t *testing.T) {
	t.Parallel()
	_, c := iterArray(t, 5)
	ctx := context.Background()
	want, err := c.Volumes.List(ctx, nil)
	require.NoError(t, err)
	var got []alletra.Volume
	for v, err := range c.Volumes.All(ctx, nil) {
		require.NoError(t, err)
		got = append(got, v)
	}
	assert.Equal(t, want, got)

	// The query goes to the array.
	var names []string
	for v, err := range c.Volumes.All(ctx, &alletra.VolumeListOptions{Query: alletra.Eq("name", "itc")}) {
		require.NoError(t, err)
		names = append(names, v.Name)
	}
	assert.Equal(t, []string{"itc"}, names)
}

func TestVolumesAllStopsEarlyAndFreesItsSlot(t *testing.T) {
	t.Parallel()
	_, c := iterArray(t, 5, alletra.WithMaxInFlight(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n := 0
	for _, err := range c.Volumes.All(ctx, nil) {
		require.NoError(t, err)
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
	// With one in-flight slot, this call only runs once the iteration gave its slot back.
	_, err := c.Volumes.Get(ctx, "ita")
	require.NoError(t, err)
}

func TestVolumesAllReportsABrokenAnswer(t *testing.T) {
	t.Parallel()
	srv, c := iterArray(t, 20)
	require.NoError(t, srv.InjectFault(http.MethodGet, "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultTruncateList}))
	var errs []error
	n := 0
	for v, err := range c.Volumes.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			assert.Zero(t, v)
			continue
		}
		n++
	}
	require.Len(t, errs, 1, "one error, at the end")
	assert.ErrorIs(t, errs[0], alletra.ErrBadResponse)
	assert.Less(t, n, 20)

	// A request that fails yields its typed error, once, with a zero Volume.
	// (The assertions sit after the loop: inside it, an iterator that
	// yielded nothing would pass them all.)
	require.NoError(t, srv.InjectFault(http.MethodGet, "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultHTMLBody, Status: 500}))
	var yielded []alletra.Volume
	errs = nil
	for v, err := range c.Volumes.All(context.Background(), nil) {
		yielded = append(yielded, v)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1, "exactly one yield: the error")
	assert.Zero(t, yielded[0])
	var apiErr *alletra.APIError
	require.ErrorAs(t, errs[0], &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
}

// (Decoding every envelope shape is wire shape: volumes_iter_test.go in the
// root package, on the strict mock transport.)
