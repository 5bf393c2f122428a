package acceptance_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// linkedPair is two linked simulated arrays with a client each, and a
// periodic group "rcg" from a (primary) to b holding volume "v1" (1024 MiB,
// its secondary auto-created on b) with content "t1".
type linkedPair struct {
	a, b   *alletratest.Server
	ca, cb *alletra.Client
}

const rcGroup = "rcg"

func newLinkedPair(t *testing.T) *linkedPair {
	t.Helper()
	ctx := flowCtx(t)
	p := &linkedPair{a: alletratest.NewTestServer(t), b: alletratest.NewTestServer(t)}
	alletratest.Link(p.a, p.b)
	p.ca, p.cb = flowClient(t, p.a), flowClient(t, p.b)
	t.Cleanup(func() { closeFlow(t, p.a, p.ca); closeFlow(t, p.b, p.cb) })

	targets, err := p.ca.RemoteCopy.Targets(ctx)
	require.NoError(t, err)
	require.Len(t, targets, 1)
	require.Equal(t, "alletra-sim-2", targets[0].Name)

	require.NoError(t, p.ca.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "v1", CPG: flowCPG, SizeMiB: 1024}))
	require.NoError(t, p.a.WriteContent("v1", "t1"))
	require.NoError(t, p.ca.RemoteCopy.Create(ctx, rcGroup,
		[]alletra.RemoteCopyTargetSpec{{TargetName: targets[0].Name, Mode: alletra.RemoteCopyPeriodic, UserCPG: flowCPG}}, nil))
	require.NoError(t, p.ca.RemoteCopy.AddVolume(ctx, rcGroup, "v1", nil, &alletra.RemoteCopyAddVolumeOptions{AutoCreate: true}))
	return p
}

func (p *linkedPair) group(t *testing.T, c *alletra.Client) *alletra.RemoteCopyGroup {
	t.Helper()
	g, err := c.RemoteCopy.Get(flowCtx(t), rcGroup)
	require.NoError(t, err)
	return g
}

// The secondary is created with the primary's size, and the group's states
// go new → started and synchronized → stopped; a sync copies the content.
func TestRemoteCopyLinkedLifecycle(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	p := newLinkedPair(t)

	sec, ok := p.b.Volume("v1")
	require.True(t, ok, "the secondary volume is created on b")
	assert.EqualValues(t, 1024, sec.SizeMiB)
	ga := p.group(t, p.ca)
	assert.Equal(t, alletra.RemoteCopyPrimary, ga.Role)
	assert.Equal(t, alletra.RemoteCopyState(0), ga.State(), "a group never started has no state")
	gb := p.group(t, p.cb)
	assert.Equal(t, alletra.RemoteCopySecondary, gb.Role)
	assert.Error(t, p.b.WriteContent("v1", "x"), "a secondary volume is read-only")

	require.NoError(t, p.ca.RemoteCopy.Start(ctx, rcGroup, nil))
	assert.True(t, p.group(t, p.ca).InSync())
	got, err := p.b.Content("v1")
	require.NoError(t, err)
	assert.Equal(t, "t1", got, "start synchronizes")

	require.NoError(t, p.a.WriteContent("v1", "t2"))
	task, err := p.ca.RemoteCopy.Synchronize(ctx, rcGroup, nil)
	require.NoError(t, err)
	require.NotNil(t, task)
	assert.Equal(t, alletra.Task{ID: task.ID}, *task, "only the ID is set")
	done, err := p.ca.Tasks.Wait(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, alletra.TaskType(5), done.Type)
	got, _ = p.b.Content("v1")
	assert.Equal(t, "t2", got)

	err = p.ca.RemoteCopy.Start(ctx, rcGroup, nil)
	assert.ErrorIs(t, err, alletra.ErrRemoteCopyGroupState, "already started: 215")
	_, err = p.ca.RemoteCopy.Synchronize(ctx, rcGroup, &alletra.RemoteCopySyncOptions{TargetName: "nope"})
	assert.ErrorIs(t, err, alletra.ErrNotRemoteCopyTarget)
	err = p.ca.RemoteCopy.AddVolume(ctx, rcGroup, "v1", nil, &alletra.RemoteCopyAddVolumeOptions{AutoCreate: true})
	assert.ErrorIs(t, err, alletra.ErrVolumeInRemoteCopyGroup)

	require.NoError(t, p.ca.RemoteCopy.Stop(ctx, rcGroup, nil))
	assert.Equal(t, alletra.RemoteCopyStopped, p.group(t, p.ca).State())
	assert.Equal(t, alletra.RemoteCopyStopped, p.group(t, p.cb).State())

	_, err = p.ca.RemoteCopy.Get(ctx, "nope")
	assert.ErrorIs(t, err, alletra.ErrRemoteCopyGroupNotFound)
}

// A link fault during a sync fails its task and leaves the group stopped
// and out of sync; with the link back, a start and a sync recover it.
func TestRemoteCopyLinkFaultDuringSync(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	p := newLinkedPair(t)
	require.NoError(t, p.ca.RemoteCopy.Start(ctx, rcGroup, nil))
	require.NoError(t, p.a.WriteContent("v1", "t2"))

	p.a.SetRemoteCopyLinkDown(true)
	_, err := p.ca.RemoteCopy.SynchronizeAndWait(ctx, rcGroup, nil)
	assert.ErrorIs(t, err, alletra.ErrTaskFailed)
	g := p.group(t, p.ca)
	assert.False(t, g.InSync())
	assert.Equal(t, alletra.RemoteCopyStopped, g.State())
	got, _ := p.b.Content("v1")
	assert.Equal(t, "t1", got, "the secondary keeps the last synchronized content")
	assert.ErrorIs(t, p.ca.RemoteCopy.Start(ctx, rcGroup, nil), alletra.ErrRemoteCopyGroupState, "the link is down")

	p.a.SetRemoteCopyLinkDown(false)
	require.NoError(t, p.ca.RemoteCopy.Start(ctx, rcGroup, nil))
	_, err = p.ca.RemoteCopy.SynchronizeAndWait(ctx, rcGroup, nil)
	require.NoError(t, err)
	assert.True(t, p.group(t, p.ca).InSync())
	got, _ = p.b.Content("v1")
	assert.Equal(t, "t2", got)
}

// A grow of a volume in a started group is refused 400/29 and succeeds
// after a stop.
func TestRemoteCopyGrowNeedsStoppedGroup(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	p := newLinkedPair(t)
	require.NoError(t, p.ca.RemoteCopy.Start(ctx, rcGroup, nil))

	err := p.ca.Volumes.Grow(ctx, "v1", 1024)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, alletra.CodeOther, apiErr.Code)

	require.NoError(t, p.ca.RemoteCopy.Stop(ctx, rcGroup, nil))
	require.NoError(t, p.ca.Volumes.Grow(ctx, "v1", 1024))
	v, _ := p.a.Volume("v1")
	assert.EqualValues(t, 2048, v.SizeMiB)
}

// Deleting a group keeps the secondary volumes, or removes them when asked.
func TestRemoteCopyDeleteKeepsOrRemovesSecondaries(t *testing.T) {
	t.Parallel()
	for _, remove := range []bool{false, true} {
		p := newLinkedPair(t)
		ctx := flowCtx(t)
		require.NoError(t, p.ca.RemoteCopy.Start(ctx, rcGroup, nil))
		assert.ErrorIs(t, p.ca.RemoteCopy.Delete(ctx, rcGroup, nil), alletra.ErrRemoteCopyGroupState, "a started group")
		require.NoError(t, p.ca.RemoteCopy.Stop(ctx, rcGroup, nil))

		require.NoError(t, p.ca.RemoteCopy.Delete(ctx, rcGroup, &alletra.RemoteCopyGroupDeleteOptions{RemoveSecondaryVolumes: remove}))
		_, err := p.ca.RemoteCopy.Get(ctx, rcGroup)
		assert.ErrorIs(t, err, alletra.ErrRemoteCopyGroupNotFound)
		_, err = p.cb.RemoteCopy.Get(ctx, rcGroup)
		assert.ErrorIs(t, err, alletra.ErrRemoteCopyGroupNotFound, "the secondary group goes too")
		_, onB := p.b.Volume("v1")
		assert.Equal(t, !remove, onB, "secondary kept unless removed (remove=%v)", remove)
		_, onA := p.a.Volume("v1")
		assert.True(t, onA, "the primary volume stays")
		if !remove {
			assert.NoError(t, p.b.WriteContent("v1", "free"), "a former secondary is writable")
		}
	}
}

// Failover makes the secondary writable; recover replicates back and
// restore returns the natural direction.
func TestRemoteCopyFailoverRecoverRestore(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	p := newLinkedPair(t)
	require.NoError(t, p.ca.RemoteCopy.Start(ctx, rcGroup, nil))

	_, err := p.cb.RemoteCopy.Failover(ctx, rcGroup, nil)
	assert.ErrorIs(t, err, alletra.ErrRemoteCopyGroupState, "a started group with its link up is stopped first")
	_, err = p.ca.RemoteCopy.Failover(ctx, rcGroup, nil)
	assert.ErrorIs(t, err, alletra.ErrRemoteCopyGroupState, "failover runs on the secondary")

	require.NoError(t, p.ca.RemoteCopy.Stop(ctx, rcGroup, nil))
	task, err := p.cb.RemoteCopy.RecoveryAndWait(ctx, rcGroup, alletra.RecoveryFailover, nil)
	require.NoError(t, err)
	assert.Equal(t, alletra.TaskType(7), task.Type)
	gb := p.group(t, p.cb)
	assert.Equal(t, alletra.RemoteCopyPrimary, gb.Role)
	assert.True(t, gb.RoleReversed)
	require.NoError(t, p.b.WriteContent("v1", "written-on-b"), "the failed-over secondary is writable")

	t9, err := p.cb.RemoteCopy.Recover(ctx, rcGroup, nil)
	require.NoError(t, err)
	_, err = p.cb.Tasks.Wait(ctx, t9.ID)
	require.NoError(t, err)
	assert.Equal(t, alletra.RemoteCopySecondary, p.group(t, p.ca).Role, "the old primary is secondary")
	got, _ := p.a.Content("v1")
	assert.Equal(t, "written-on-b", got, "recover replicates back")
	assert.Error(t, p.a.WriteContent("v1", "x"), "the old primary is read-only while recovered")

	t10, err := p.cb.RemoteCopy.Restore(ctx, rcGroup, nil)
	require.NoError(t, err)
	_, err = p.cb.Tasks.Wait(ctx, t10.ID)
	require.NoError(t, err)
	ga, gb := p.group(t, p.ca), p.group(t, p.cb)
	assert.Equal(t, alletra.RemoteCopyPrimary, ga.Role)
	assert.Equal(t, alletra.RemoteCopySecondary, gb.Role)
	assert.False(t, ga.RoleReversed)
	assert.True(t, ga.InSync())
	require.NoError(t, p.a.WriteContent("v1", "back-on-a"))
	assert.Error(t, p.b.WriteContent("v1", "x"))
}

// An unlinked array refuses a group with 403 (remote copy not ready).
func TestRemoteCopyUnlinked(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	defer closeFlow(t, srv, c)
	ts, err := c.RemoteCopy.Targets(ctx)
	require.NoError(t, err)
	assert.Empty(t, ts)
	err = c.RemoteCopy.Create(ctx, "g", []alletra.RemoteCopyTargetSpec{{TargetName: "x", Mode: alletra.RemoteCopySync}}, nil)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 403, apiErr.StatusCode)
}

// Synchronize returns the task while it runs (only its ID set); it ends
// when the simulator's clock passes the task duration.
func TestRemoteCopySyncTaskRunsOnTheClock(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	clk := alletratest.NewManualClock(time.Date(2026, 12, 8, 4, 0, 0, 0, time.UTC))
	a := alletratest.NewTestServer(t, alletratest.WithClock(clk), alletratest.WithTaskDuration(time.Minute))
	b := alletratest.NewTestServer(t, alletratest.WithClock(clk))
	alletratest.Link(a, b)
	ca := flowClient(t, a)
	defer closeFlow(t, a, ca)
	require.NoError(t, ca.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "v1", CPG: flowCPG, SizeMiB: 1024}))
	require.NoError(t, ca.RemoteCopy.Create(ctx, rcGroup, []alletra.RemoteCopyTargetSpec{{TargetName: "alletra-sim-2", Mode: alletra.RemoteCopySync}}, nil))
	require.NoError(t, ca.RemoteCopy.AddVolume(ctx, rcGroup, "v1", nil, &alletra.RemoteCopyAddVolumeOptions{AutoCreate: true}))
	require.NoError(t, ca.RemoteCopy.Start(ctx, rcGroup, nil))

	task, err := ca.RemoteCopy.Synchronize(ctx, rcGroup, nil)
	require.NoError(t, err)
	running, err := ca.Tasks.Get(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, alletra.TaskActive, running.Status)
	assert.Equal(t, alletra.TaskType(5), running.Type)
	assert.Equal(t, rcGroup, running.Name)

	clk.Advance(time.Minute)
	done, err := ca.Tasks.Wait(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, alletra.TaskDone, done.Status)
}
