package alletratest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

func TestAutomationState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := alletratest.NewTestServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	defer c.Close(ctx)

	require.NoError(t, c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "h1", ISCSINames: []string{"iqn.2024-01.example:h1"}}))
	require.NoError(t, c.HostSets.Create(ctx, &alletra.HostSetCreateRequest{Name: "hs", Comment: "c", SetMembers: []string{"h1"}}))
	hs, ok := srv.HostSet("hs")
	require.True(t, ok)
	assert.Equal(t, alletratest.HostSetState{ID: hs.ID, Name: "hs", Comment: "c", Members: []string{"h1"}}, hs)
	_, ok = srv.HostSet("none")
	assert.False(t, ok)

	require.NoError(t, c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: "gold"}))
	n := int64(700)
	require.NoError(t, c.QoS.Create(ctx, alletra.VolumeSetQoS("gold"), &alletra.QoSRuleSpec{IOMaxLimit: &n}))
	r, ok := srv.QoSRule("vvset:gold")
	require.True(t, ok)
	assert.Equal(t, alletratest.QoSRuleState{Target: "vvset:gold", Enabled: true, IOMaxLimit: 700}, r)
	_, ok = srv.QoSRule("sys:all_others")
	assert.False(t, ok)

	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "v1", CPG: "SSD_r6", SizeMiB: 256}))
	require.NoError(t, c.Volumes.SetMetadata(ctx, "v1", "owner", "me"))
	assert.Equal(t, map[string]string{"owner": "me"}, srv.Metadata("v1"))
	assert.Nil(t, srv.Metadata("none"))
}
