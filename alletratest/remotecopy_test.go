package alletratest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func TestLinkRemoteCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := alletratest.NewTestServer(t), alletratest.NewTestServer(t)
	alletratest.Link(a, b)
	ca, err := a.Client()
	require.NoError(t, err)
	defer ca.Close(ctx)

	sys, err := ca.System.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "alletra-sim-1", sys.Name)
	require.NoError(t, ca.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeMiB: 512}))
	require.NoError(t, a.WriteContent("v", "tok"))
	require.NoError(t, ca.RemoteCopy.Create(ctx, "g", []alletra.RemoteCopyTargetSpec{{TargetName: "alletra-sim-2", Mode: alletra.RemoteCopySync}}, nil))
	require.NoError(t, ca.RemoteCopy.AddVolume(ctx, "g", "v", nil, &alletra.RemoteCopyAddVolumeOptions{AutoCreate: true}))
	require.NoError(t, ca.RemoteCopy.Start(ctx, "g", nil))

	assert.Equal(t, []alletratest.RemoteCopyGroup{{Name: "g", Role: 1, State: 3, Target: "alletra-sim-2",
		Volumes: map[string]string{"v": "v"}, Synced: map[string]bool{"v": true}}}, a.RemoteCopyGroups())
	assert.Equal(t, []alletratest.RemoteCopyGroup{{Name: "g", Role: 2, State: 3, Target: "alletra-sim-1",
		Volumes: map[string]string{"v": "v"}, Synced: map[string]bool{"v": true}}}, b.RemoteCopyGroups())
	got, err := b.Content("v")
	require.NoError(t, err)
	assert.Equal(t, "tok", got)

	b.SetRemoteCopyLinkDown(true) // either side cuts the link
	_, err = ca.RemoteCopy.SynchronizeAndWait(ctx, "g", nil)
	assert.ErrorIs(t, err, alletra.ErrTaskFailed)
	assert.False(t, a.RemoteCopyGroups()[0].Synced["v"])
	assert.Equal(t, 5, b.RemoteCopyGroups()[0].State)
}
