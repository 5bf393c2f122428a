package main

import (
	"context"
	"testing"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnexportKeepsAHostThatIsStillExported(t *testing.T) {
	ctx := context.Background()
	srv := alletratest.NewTestServer(t)
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	for _, v := range []string{"vol1", "vol2"} {
		require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: v, CPG: "SSD_r6", SizeMiB: 1024}))
	}
	require.NoError(t, c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "node1", ISCSINames: []string{"iqn.1993-08.org.debian:01:node1"}}))
	for _, v := range []string{"vol1", "vol2"} {
		_, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: v, HostName: "node1", AutoLUN: true})
		require.NoError(t, err)
	}
	res, err := unexport(ctx, c, "vol1", "node1", true)
	require.NoError(t, err)
	assert.Equal(t, unexportResult{Unexported: true}, res, "vol2 still uses the host")
	_, ok := srv.Host("node1")
	assert.True(t, ok)
	res, err = unexport(ctx, c, "vol2", "node1", false)
	require.NoError(t, err)
	assert.Equal(t, unexportResult{Unexported: true}, res, "the host is kept unless asked")
	_, ok = srv.Host("node1")
	assert.True(t, ok)
	res, err = unexport(ctx, c, "vol2", "node1", true)
	require.NoError(t, err, "nothing exported is for the caller to judge (--missing-ok)")
	assert.Equal(t, unexportResult{HostDeleted: true}, res, "an interrupted clean-up finishes")
	_, ok = srv.Host("node1")
	assert.False(t, ok)
}
