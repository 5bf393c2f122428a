package alletra

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// groupJSON is a group as HPE's sources show it: targets with "target"
// (python-3parclient reads that member) and numbers as strings on one of
// them, volumes with localVolumeName and remoteVolumes.
const groupJSON = `{"name":"rcg","role":1,"remoteGroupName":"rcg.r123","localUserCPG":"SSD",
 "targets":[{"target":"B","state":3,"mode":2,"policies":{"autoRecover":true},"groupLastSyncTime":"2026-12-08T03:00:00Z"}],
 "volumes":[{"localVolumeName":"v1","remoteVolumes":[{"remoteVolumeName":"v1","syncStatus":"3"}]}]}`

func TestRemoteCopyReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopygroups/rcg", "", nil, jsonText(200, groupJSON))
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopygroups/nope", "", nil, errorResponder(404, CodeNonExistentRemoteCopy, "no group"))
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopygroups", "", nil, jsonText(200, `{"total":1,"members":[`+groupJSON+`]}`))
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopygroups/rcg/volumes", "", nil,
		jsonText(200, `{"total":1,"members":[{"name":"v1","remoteVolumes":[{"remoteVolumeName":"s1","syncStatus":5.0}]}]}`))
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopygroups/rcg/volumes/v1", "", nil,
		jsonText(200, `{"localVolumeName":"v1","remoteVolumes":[{"remoteVolumeName":"s1","syncStatus":3}]}`))
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopygroups/rcg/volumes/v9", "", nil, jsonText(404, `{"desc":"not in group"}`))
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopytargets", "", nil,
		jsonText(200, `{"total":1,"members":[{"name":"B","status":3,"policies":{"mirrorConfig":true},"quorumIpAddress":"10.0.0.9"}]}`))
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopy", "", nil, jsonText(200, `{"mode":1}`))

	g, err := c.RemoteCopy.Get(ctx, "rcg")
	require.NoError(t, err)
	assert.Equal(t, &RemoteCopyGroup{Name: "rcg", Role: RemoteCopyPrimary, RemoteGroupName: "rcg.r123", LocalUserCPG: "SSD",
		Targets: []RemoteCopyGroupTarget{{TargetName: "B", State: RemoteCopyStarted, Mode: RemoteCopyPeriodic,
			Policies: RemoteCopyPolicies{AutoRecover: true}, GroupLastSyncTime: "2026-12-08T03:00:00Z"}},
		Volumes: []RemoteCopyVolume{{LocalVolumeName: "v1", RemoteVolumes: []RemoteVolume{{RemoteVolumeName: "v1", SyncStatus: RemoteCopySynced}}}}}, g)
	assert.True(t, g.InSync())
	assert.Equal(t, RemoteCopyStarted, g.State())

	_, err = c.RemoteCopy.Get(ctx, "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, err, ErrRemoteCopyGroupNotFound)

	gs, err := c.RemoteCopy.List(ctx)
	require.NoError(t, err)
	require.Len(t, gs, 1)
	assert.Equal(t, "B", gs[0].Targets[0].TargetName)

	vs, err := c.RemoteCopy.Volumes(ctx, "rcg")
	require.NoError(t, err)
	assert.Equal(t, []RemoteCopyVolume{{LocalVolumeName: "v1", RemoteVolumes: []RemoteVolume{{RemoteVolumeName: "s1", SyncStatus: 5}}}}, vs)

	v, err := c.RemoteCopy.Volume(ctx, "rcg", "v1")
	require.NoError(t, err)
	assert.Equal(t, RemoteCopySynced, v.RemoteVolumes[0].SyncStatus)
	_, err = c.RemoteCopy.Volume(ctx, "rcg", "v9")
	assert.ErrorIs(t, err, ErrNotFound)

	ts, err := c.RemoteCopy.Targets(ctx)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, "B", ts[0].Name)
	assert.True(t, ts[0].Policies.MirrorConfig)
	assert.Equal(t, "10.0.0.9", ts[0].QuorumIPAddress)

	info, err := c.RemoteCopy.Info(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, `{"mode":1}`, string(info))
}

func TestRemoteCopyGroupInSync(t *testing.T) {
	t.Parallel()
	g := &RemoteCopyGroup{}
	assert.False(t, g.InSync(), "no target")
	assert.Equal(t, RemoteCopyState(0), g.State())
	g.Targets = []RemoteCopyGroupTarget{{State: RemoteCopyStopped}}
	assert.False(t, g.InSync(), "stopped")
	g.Targets[0].State = RemoteCopyStarted
	g.Volumes = []RemoteCopyVolume{{RemoteVolumes: []RemoteVolume{{SyncStatus: 0}}}}
	assert.False(t, g.InSync(), "a volume without syncStatus 3")
	g.Volumes[0].RemoteVolumes[0].SyncStatus = RemoteCopySynced
	assert.True(t, g.InSync())
}

func TestRemoteCopyEnums(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "SYNC", RemoteCopySync.String())
	assert.Equal(t, "PERIODIC", RemoteCopyPeriodic.String())
	assert.Equal(t, "ASYNC", RemoteCopyAsync.String())
	assert.Equal(t, "3", RemoteCopyMode(3).String())
	assert.Equal(t, "STARTED", RemoteCopyStarted.String())
	assert.Equal(t, "STOPPED", RemoteCopyStopped.String())
	assert.Equal(t, "NONE", RemoteCopyState(0).String())
	assert.Equal(t, "7", RemoteCopyState(7).String())
	assert.Equal(t, "PRIMARY", RemoteCopyPrimary.String())
	assert.Equal(t, "SECONDARY", RemoteCopySecondary.String())
	assert.Equal(t, "SYNCED", RemoteCopySynced.String())
	assert.Equal(t, "NONE", RemoteCopySyncStatus(0).String())
	assert.Equal(t, "REVERSE", RecoveryReverse.String())
	assert.Equal(t, "FAILOVER", RecoveryFailover.String())
	assert.Equal(t, "SWITCHOVER", RecoverySwitchover.String())
	assert.Equal(t, "RECOVER", RecoveryRecover.String())
	assert.Equal(t, "RESTORE", RecoveryRestore.String())
	assert.Equal(t, "OVERRIDE_FAILSAFE", RecoveryOverrideFailsafe.String())
	assert.Equal(t, "12", RecoveryAction(12).String())
}

func TestRemoteCopyCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/remotecopygroups", "",
		obj{"name": "rcg", "domain": "d1", "localUserCPG": "SSD",
			"targets": []any{obj{"targetName": "B", "mode": 1, "userCPG": "SSD_B"}}}, okEmpty(200))
	require.NoError(t, c.RemoteCopy.Create(ctx, "rcg", []RemoteCopyTargetSpec{{TargetName: "B", Mode: RemoteCopySync, UserCPG: "SSD_B"}},
		&RemoteCopyGroupCreateOptions{Domain: "d1", LocalUserCPG: "SSD"}))

	n := m.GetTotalCallCount()
	assert.ErrorIs(t, c.RemoteCopy.Create(ctx, "rcg", nil, nil), ErrInvalidInput)
	assert.ErrorIs(t, c.RemoteCopy.Create(ctx, "a b", []RemoteCopyTargetSpec{{TargetName: "B", Mode: 1}}, nil), ErrInvalidInput)
	assert.ErrorIs(t, c.RemoteCopy.Create(ctx, "rcg", []RemoteCopyTargetSpec{{TargetName: "B", Mode: 3}}, nil), ErrInvalidInput)
	assert.ErrorIs(t, c.RemoteCopy.Create(ctx, "rcg", []RemoteCopyTargetSpec{{Mode: 1}}, nil), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount(), "bad input is refused before any I/O")
}

func TestRemoteCopyCreateDropsSnapCPGOnNewBuilds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		build int
		want  obj
	}{
		{30202290, obj{"name": "rcg", "localSnapCPG": "S", "targets": []any{obj{"targetName": "B", "mode": 2, "snapCPG": "S2"}}}},
		{100000000, obj{"name": "rcg", "targets": []any{obj{"targetName": "B", "mode": 2}}}},
	} {
		c, m := newMock(t)
		expectCall(t, m, http.MethodGet, testEndpoint+"/api", "", nil, jsonResponder(200, obj{"major": 1, "minor": 10, "build": tc.build}))
		expectCall(t, m, http.MethodPost, testAPI+"/remotecopygroups", "", tc.want, okEmpty(200))
		require.NoError(t, c.RemoteCopy.Create(context.Background(), "rcg",
			[]RemoteCopyTargetSpec{{TargetName: "B", Mode: RemoteCopyPeriodic, SnapCPG: "S2"}}, &RemoteCopyGroupCreateOptions{LocalSnapCPG: "S"}))
	}
}

func TestRemoteCopyModifyDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/remotecopygroups/rcg", "",
		obj{"localUserCPG": "SSD", "targets": []any{obj{"targetName": "B", "syncPeriod": 300,
			"policies": obj{"autoRecover": true, "overPeriodAlert": false, "autoFailover": false, "pathManagement": false}}}},
		okEmpty(200))
	require.NoError(t, c.RemoteCopy.Modify(ctx, "rcg", &RemoteCopyGroupModifyOptions{LocalUserCPG: "SSD",
		Targets: []RemoteCopyTargetChange{{TargetName: "B", SyncPeriod: 300, Policies: &RemoteCopyPolicies{AutoRecover: true}}}}))
	assert.ErrorIs(t, c.RemoteCopy.Modify(ctx, "rcg", nil), ErrInvalidInput)
	assert.ErrorIs(t, c.RemoteCopy.Modify(ctx, "rcg", &RemoteCopyGroupModifyOptions{}), ErrInvalidInput)

	expectCall(t, m, http.MethodDelete, testAPI+"/remotecopygroups/rcg", "keepSnap=false", nil, okEmpty(200))
	require.NoError(t, c.RemoteCopy.Delete(ctx, "rcg", nil))

	c, m = newMock(t)
	expectCall(t, m, http.MethodDelete, testAPI+"/remotecopygroups/rcg", "keepSnap=true", nil, errorResponder(403, CodeRemoteCopyStarted, "started"))
	err := c.RemoteCopy.Delete(ctx, "rcg", &RemoteCopyGroupDeleteOptions{KeepSnapshot: true})
	assert.ErrorIs(t, err, ErrRemoteCopyGroupState)

	// Removing the secondary volumes: read the group, dismiss each volume
	// with its secondary, then delete the group.
	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/remotecopygroups/rcg", "", nil, jsonText(200, groupJSON))
	dismiss := expectCall(t, m, http.MethodDelete, testAPI+"/remotecopygroups/rcg/volumes/v1", "removeSecondaryVolume=true", nil, okEmpty(200))
	del := expectCall(t, m, http.MethodDelete, testAPI+"/remotecopygroups/rcg", "keepSnap=false", nil, okEmpty(200))
	require.NoError(t, c.RemoteCopy.Delete(ctx, "rcg", &RemoteCopyGroupDeleteOptions{RemoveSecondaryVolumes: true}))
	assert.EqualValues(t, 1, dismiss.Load())
	assert.EqualValues(t, 1, del.Load())
}

func TestRemoteCopyVolumes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/remotecopygroups/rcg", "",
		obj{"action": 1, "volumeName": "v1", "targets": []any{obj{"targetName": "B", "secVolumeName": "v1s"}}, "skipInitialSync": true},
		okEmpty(200))
	require.NoError(t, c.RemoteCopy.AddVolume(ctx, "rcg", "v1", []RemoteCopyVolumeTarget{{TargetName: "B", SecondaryVolumeName: "v1s"}},
		&RemoteCopyAddVolumeOptions{SkipInitialSync: true}))
	n := m.GetTotalCallCount()
	assert.ErrorIs(t, c.RemoteCopy.AddVolume(ctx, "rcg", "v1", nil, nil), ErrInvalidInput)
	assert.ErrorIs(t, c.RemoteCopy.AddVolume(ctx, "rcg", "v1", []RemoteCopyVolumeTarget{{TargetName: "B"}}, nil), ErrInvalidInput)
	assert.ErrorIs(t, c.RemoteCopy.RemoveVolume(ctx, "rcg", "v1", &RemoteCopyRemoveVolumeOptions{KeepSnapshot: true, RemoveSecondaryVolume: true}), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())

	c, m = newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/remotecopygroups/rcg", "",
		obj{"action": 1, "volumeName": "v1", "targets": nil, "volumeAutoCreation": true}, errorResponder(409, 0, "volume in group"))
	err := c.RemoteCopy.AddVolume(ctx, "rcg", "v1", nil, &RemoteCopyAddVolumeOptions{AutoCreate: true})
	assert.ErrorIs(t, err, ErrVolumeInRemoteCopyGroup)
	assert.ErrorIs(t, err, ErrAlreadyExists)

	for q, o := range map[string]*RemoteCopyRemoveVolumeOptions{
		"": nil, "keepSnap=true": {KeepSnapshot: true}, "removeSecondaryVolume=true": {RemoveSecondaryVolume: true},
	} {
		c, m = newMock(t)
		expectCall(t, m, http.MethodDelete, testAPI+"/remotecopygroups/rcg/volumes/v1", q, nil, okEmpty(200))
		require.NoError(t, c.RemoteCopy.RemoveVolume(ctx, "rcg", "v1", o))
	}
}

func TestRemoteCopyStartStop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/remotecopygroups/rcg", okEmpty(200))
	require.NoError(t, c.RemoteCopy.Start(ctx, "rcg", nil))
	require.NoError(t, c.RemoteCopy.Start(ctx, "rcg", &RemoteCopyStartOptions{TargetName: "B", SkipInitialSync: true,
		StartingSnapshots: []StartingSnapshot{{VolumeName: "v1", SnapshotName: "s1"}}}))
	require.NoError(t, c.RemoteCopy.Stop(ctx, "rcg", nil))
	require.NoError(t, c.RemoteCopy.Stop(ctx, "rcg", &RemoteCopyStopOptions{TargetName: "B", NoSnapshot: true}))
	assert.Equal(t, []map[string]any{
		{"action": 3.0},
		{"action": 3.0, "targetName": "B", "skipInitialSync": true, "startingSnapshots": []any{obj{"volumeName": "v1", "snapshotName": "s1"}}},
		{"action": 4.0},
		{"action": 4.0, "targetName": "B", "noSnapshot": true},
	}, *bodies)

	// A started group refused with 215, a state refusal without a number,
	// a busy group and a wrong target.
	for _, tc := range []struct {
		status int
		code   ErrorCode
		is     []error
	}{
		{403, CodeRemoteCopyStarted, []error{ErrRemoteCopyGroupState}},
		{403, 0, []error{ErrRemoteCopyGroupState}},
		{403, 9999, []error{ErrRemoteCopyGroupState}},
		{403, CodeRemoteCopyBusy, []error{ErrRemoteCopyGroupBusy, ErrBusy}},
		{403, CodeRemoteCopyInvalidTarget, []error{ErrNotRemoteCopyTarget}},
		{400, CodeRemoteCopyInvalidTarget, []error{ErrNotRemoteCopyTarget}},
	} {
		c, m := newMock(t, WithRetry(0, 0, 0))
		expectCall(t, m, http.MethodPut, testAPI+"/remotecopygroups/rcg", "", obj{"action": 3}, errorResponder(tc.status, tc.code, "refused"))
		err := c.RemoteCopy.Start(ctx, "rcg", nil)
		for _, want := range tc.is {
			assert.ErrorIs(t, err, want, "%d/%d", tc.status, tc.code)
		}
		if tc.code != CodeRemoteCopyBusy {
			assert.False(t, errors.Is(err, ErrBusy), "%d/%d is not busy", tc.status, tc.code)
		}
	}
}

func TestRemoteCopySynchronize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/remotecopygroups/rcg",
		jsonText(200, `{"taskid":41}`), jsonText(200, `{"taskid":"42"}`), okEmpty(200))
	task, err := c.RemoteCopy.Synchronize(ctx, "rcg", nil)
	require.NoError(t, err)
	assert.Equal(t, &Task{ID: 41}, task, "only the ID is set")

	expectCall(t, m, http.MethodGet, testAPI+"/tasks/42", "", nil, jsonText(200, `{"id":42,"type":5,"status":1,"name":"rcg"}`))
	task, err = c.RemoteCopy.SynchronizeAndWait(ctx, "rcg", &RemoteCopySyncOptions{FullSync: true, TargetName: "B"})
	require.NoError(t, err)
	assert.Equal(t, TaskDone, task.Status)

	// An answer without a task.
	task, err = c.RemoteCopy.Synchronize(ctx, "rcg", nil)
	require.NoError(t, err)
	assert.Nil(t, task)
	_, err = c.RemoteCopy.SynchronizeAndWait(ctx, "rcg", nil)
	assert.ErrorIs(t, err, ErrBadResponse)

	assert.Equal(t, []map[string]any{{"action": 5.0}, {"action": 5.0, "fullSync": true, "targetName": "B"}, {"action": 5.0}, {"action": 5.0}}, *bodies)
}

func TestRemoteCopyRecovery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPost, testAPI+"/remotecopygroups/rcg", jsonText(200, `{"taskid":7}`))
	_, err := c.RemoteCopy.Failover(ctx, "rcg", &RemoteCopyRecoveryOptions{DiscardNewData: true})
	require.NoError(t, err)
	_, err = c.RemoteCopy.Recover(ctx, "rcg", &RemoteCopyRecoveryOptions{SkipStart: true})
	require.NoError(t, err)
	task, err := c.RemoteCopy.Restore(ctx, "rcg", nil)
	require.NoError(t, err)
	assert.Equal(t, &Task{ID: 7}, task)
	_, err = c.RemoteCopy.Recovery(ctx, "rcg", RecoveryReverse, &RemoteCopyRecoveryOptions{StopGroups: true, LocalGroupsDirection: true})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{
		{"action": 7.0, "discardNewData": true}, {"action": 9.0, "skipStart": true}, {"action": 10.0},
		{"action": 6.0, "stopGroups": true, "localGroupsDirection": true},
	}, *bodies)

	n := m.GetTotalCallCount()
	for _, bad := range []struct {
		a RecoveryAction
		o *RemoteCopyRecoveryOptions
	}{
		{5, nil}, {12, nil},
		{RecoveryRecover, &RemoteCopyRecoveryOptions{DiscardNewData: true}},
		{RecoveryRestore, &RemoteCopyRecoveryOptions{SkipPromote: true}},
		{RecoveryFailover, &RemoteCopyRecoveryOptions{StopGroups: true}},
		{RecoveryRecover, &RemoteCopyRecoveryOptions{NoSnapshot: true}},
		{RecoveryReverse, &RemoteCopyRecoveryOptions{SkipStart: true}},
		{RecoverySwitchover, &RemoteCopyRecoveryOptions{SkipSync: true}},
		{RecoveryFailover, &RemoteCopyRecoveryOptions{LocalGroupsDirection: true}},
	} {
		_, err := c.RemoteCopy.Recovery(ctx, "rcg", bad.a, bad.o)
		assert.ErrorIs(t, err, ErrInvalidInput, "%v %+v", bad.a, bad.o)
	}
	assert.Equal(t, n, m.GetTotalCallCount())

	c, m = newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/remotecopygroups/rcg", "", obj{"action": 7}, errorResponder(403, 0, "role conflict"))
	_, err = c.RemoteCopy.Failover(ctx, "rcg", nil)
	assert.ErrorIs(t, err, ErrRemoteCopyGroupState)
}
