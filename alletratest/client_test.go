package alletratest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func TestClientCreatesVolume(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	t.Cleanup(func() { _ = c.Close(ctx) })

	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1000}))
	v, err := c.Volumes.Get(ctx, "vol1")
	require.NoError(t, err)
	assert.Equal(t, "vol1", v.Name)
	assert.EqualValues(t, 1024, v.SizeMiB)

	st, ok := srv.Volume("vol1")
	require.True(t, ok)
	assert.Equal(t, st.WWN, v.WWN)
	assert.Equal(t, 1, srv.Stats().Logins)
	require.NoError(t, c.Close(ctx))
	assert.Equal(t, 0, srv.Sessions())
}
