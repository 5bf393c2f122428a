package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumeSetsCreateSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	calls := expectCall(t, m, http.MethodPost, testAPI+"/volumesets/pool1", "", obj{"action": "createSnapshot",
		"parameters": obj{"name": "@vvname@-bk@count@", "comment": "nightly", "readOnly": true, "expirationHours": 48,
			"retentionHours": 24, "addToSet": "backups"}}, okEmpty(201))
	require.NoError(t, c.VolumeSets.CreateSnapshot(ctx, "pool1", &VolumeSetSnapshotRequest{Name: "@vvname@-bk@count@",
		Comment: "nightly", ReadOnly: true, ExpirationHours: 48, RetentionHours: 24, AddToSet: "backups"}))
	assert.EqualValues(t, 1, calls.Load())

	// Sent once: a 502 is not repeated (the pattern may not give the same names again).
	c, m = newMock(t)
	calls = expectCall(t, m, http.MethodPost, testAPI+"/volumesets/pool1", "", obj{"action": "createSnapshot",
		"parameters": obj{"name": "s-@count@"}}, okEmpty(http.StatusBadGateway))
	assert.Error(t, c.VolumeSets.CreateSnapshot(ctx, "pool1", &VolumeSetSnapshotRequest{Name: "s-@count@"}))
	assert.EqualValues(t, 1, calls.Load())

	c, m = newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/volumesets/none", "", obj{"action": "createSnapshot",
		"parameters": obj{"name": "s-@count@"}}, errorResponder(404, CodeNonExistentSet, "no set"))
	assert.ErrorIs(t, c.VolumeSets.CreateSnapshot(ctx, "none", &VolumeSetSnapshotRequest{Name: "s-@count@"}), ErrNotFound)

	n := m.GetTotalCallCount()
	for _, bad := range []*VolumeSetSnapshotRequest{nil, {}, {Name: "-x"}, {Name: "a@b"}, {Name: "a b"}, {Name: "@v v@"},
		{Name: "x@@"}, {Name: "x", ID: -1}, {Name: "x", ExpirationHours: 43801}, {Name: "x", RetentionHours: -1},
		{Name: "x", ExpirationHours: 1, RetentionHours: 2}, {Name: "x", Comment: string(make([]byte, 512))},
		{Name: "x", AddToSet: "a b"}} {
		assert.ErrorIs(t, c.VolumeSets.CreateSnapshot(ctx, "pool1", bad), ErrInvalidInput, "%+v", bad)
	}
	assert.ErrorIs(t, c.VolumeSets.CreateSnapshot(ctx, "", &VolumeSetSnapshotRequest{Name: "x"}), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())
}
