package acceptance_test

// Acceptance flows 10-14 : snapshots, physical copies, tasks,
// refresh and restore.

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/naming"
)

var flowEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Flow 10. Adaptation: DeleteVolume(c-A, cascade) is deleteVolume, which
// deletes the snapshots first instead of the undocumented ?cascade=true.
func TestFlowSnapshots(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	clk := alletratest.NewManualClock(flowEpoch)
	srv := alletratest.NewTestServer(t, alletratest.WithClock(clk), alletratest.WithTaskDuration(time.Minute))
	tr := &flowTransport{polls: make(chan chan struct{})}
	c := flowClientWith(t, srv, tr)
	require.NoError(t, createPool(ctx, c, flowPool))
	a, s1, s2, x := flowVol(t, 10, false), flowVol(t, 11, true), flowVol(t, 12, true), flowVol(t, 13, false)
	mustVolume(t, ctx, c, srv, flowPool, a, 1024, "A")

	// (1), (2) Two snapshots of c-A.
	for _, s := range []string{s1, s2} {
		require.NoError(t, c.Snapshots.Create(ctx, a, &alletra.SnapshotCreateRequest{Name: s}))
		st, ok := srv.Volume(s)
		require.True(t, ok)
		assert.Equal(t, a, st.CopyOf)
		assert.Equal(t, alletra.CopyVirtualCopy, st.CopyType)
		assert.Equal(t, "A", st.Content)
	}

	// (3) PhysicalCopy(c-A → c-X). While the copy runs, c-X is a physical
	// copy of c-A on the array, so the copyOf query returns it too: (4)
	// ListSnapshots must drop it by copyType.
	mustVolume(t, ctx, c, srv, flowPool, x, 1024, "")
	var during []string
	polls, err := driveTask(t, ctx, tr.polls, func() error {
		_, err := c.Snapshots.Copy(ctx, a, x, nil)
		return err
	}, func(n int) {
		if n == 1 {
			st, _ := srv.Volume(x)
			assert.Equal(t, a, st.CopyOf)
			assert.Equal(t, alletra.CopyPhysicalCopy, st.CopyType)
			snaps, err := c.Snapshots.List(ctx, a)
			assert.NoError(t, err)
			during = snapshotNames(snaps)
		}
		clk.Advance(time.Minute)
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, polls, 2)
	assert.ElementsMatch(t, []string{s1, s2}, during, "the physical copy is excluded by copyType")
	cx, _ := srv.Volume(x)
	assert.Equal(t, "A", cx.Content)

	// (4) After the copy.
	snaps, err := c.Snapshots.List(ctx, a)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{s1, s2}, snapshotNames(snaps))

	// (5) Delete sc-S1.
	require.NoError(t, c.Snapshots.Delete(ctx, s1))
	_, ok := srv.Volume(s1)
	assert.False(t, ok)
	snaps, err = c.Snapshots.List(ctx, a)
	require.NoError(t, err)
	assert.Equal(t, []string{s2}, snapshotNames(snaps))

	// (6) DeleteVolume(c-A, cascade): c-A, sc-S2 and c-A's set membership
	// are gone; c-X survives.
	require.NoError(t, deleteVolume(ctx, c, flowPool, a))
	for _, gone := range []string{a, s2} {
		_, ok := srv.Volume(gone)
		assert.False(t, ok, gone)
	}
	set, _ := srv.VolumeSet(flowPool)
	assert.Equal(t, []string{x}, set.Members)
	cx, ok = srv.Volume(x)
	require.True(t, ok)
	assert.Equal(t, "A", cx.Content)
	assert.Equal(t, alletra.CopyBase, cx.CopyType)
	closeFlow(t, srv, c)
}

// Flow 11.
func TestFlowCopyWithSnapshots(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))

	// Source c-A with token A and snapshots sc-S1 (S1) and sc-S2 (S2).
	a, s1, s2 := flowVol(t, 20, false), flowVol(t, 21, true), flowVol(t, 22, true)
	mustVolume(t, ctx, c, srv, flowPool, a, 1000, "S1")
	require.NoError(t, c.Snapshots.Create(ctx, a, &alletra.SnapshotCreateRequest{Name: s1}))
	require.NoError(t, srv.WriteContent(a, "S2"))
	require.NoError(t, c.Snapshots.Create(ctx, a, &alletra.SnapshotCreateRequest{Name: s2}))
	require.NoError(t, srv.WriteContent(a, "A"))

	// (1) GET c-A; (2) c-B at the source's size, in pool1.
	src, err := c.Volumes.Get(ctx, a)
	require.NoError(t, err)
	b, d1, d2 := flowVol(t, 23, false), flowVol(t, 24, true), flowVol(t, 25, true)
	require.NoError(t, createVolume(ctx, c, flowPool, b, src.SizeMiB))

	// (3)-(5) For each source snapshot: copy it into c-B, wait, snapshot c-B.
	for _, step := range []struct{ from, snap, token string }{{s1, d1, "S1"}, {s2, d2, "S2"}} {
		task, err := c.Snapshots.Copy(ctx, step.from, b, nil)
		require.NoError(t, err)
		assert.Equal(t, alletra.TaskDone, task.Status)
		content, _ := srv.Content(b)
		assert.Equal(t, step.token, content)
		require.NoError(t, c.Snapshots.Create(ctx, b, &alletra.SnapshotCreateRequest{Name: step.snap}))
	}

	// (6) PhysicalCopy(c-A → c-B), wait.
	task, err := c.Snapshots.Copy(ctx, a, b, nil)
	require.NoError(t, err)
	assert.Equal(t, alletra.TaskDone, task.Status)

	cb, ok := srv.Volume(b)
	require.True(t, ok)
	assert.Equal(t, "A", cb.Content)
	assert.Equal(t, alletra.CopyBase, cb.CopyType)
	set, _ := srv.VolumeSet(flowPool)
	assert.Contains(t, set.Members, b)
	snaps, err := c.Snapshots.List(ctx, b)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{d1, d2}, snapshotNames(snaps))
	for snap, token := range map[string]string{d1: "S1", d2: "S2"} {
		content, err := srv.Content(snap)
		require.NoError(t, err)
		assert.Equal(t, token, content, snap)
	}
	tasks := srv.Tasks()
	require.Len(t, tasks, 3)
	for _, tk := range tasks {
		assert.Equal(t, alletra.TaskDone, tk.Status, tk.Name)
		assert.Equal(t, b, tk.Dest)
	}
	content, _ := srv.Content(a)
	assert.Equal(t, "A", content, "the source is untouched")

	// A destination smaller than the source: Copy reads no size first, the
	// array refuses the copy (COPY_PARENT_TOO_BIG) before any write, and
	// the refusal is CannotShrink.
	small := flowVol(t, 26, false)
	mustVolume(t, ctx, c, srv, flowPool, small, 256, "small")
	posts := srv.Requests("POST", "/api/v1/volumes/{name}")
	_, err = c.Snapshots.Copy(ctx, a, small, nil)
	require.ErrorIs(t, err, alletra.ErrCannotShrink)
	assert.Equal(t, posts+1, srv.Requests("POST", "/api/v1/volumes/{name}"), "the array refused the one copy sent")
	// Sizes the caller knows are checked before any request.
	_, err = c.Snapshots.Copy(ctx, a, small, &alletra.PhysicalCopyOptions{SrcSizeMiB: 1024, DestSizeMiB: 256})
	require.ErrorIs(t, err, alletra.ErrCannotShrink)
	var ve *alletra.ValidationError
	assert.ErrorAs(t, err, &ve)
	assert.Equal(t, posts+1, srv.Requests("POST", "/api/v1/volumes/{name}"), "no copy was sent")
	assert.Len(t, srv.Tasks(), 3)
	content, _ = srv.Content(small)
	assert.Equal(t, "small", content)
	closeFlow(t, srv, c)
}

// Flow 12. The copy takes 10 minutes on the simulator's ManualClock; the
// test moves the clock while Wait polls (paused between polls by the
// transport), so nothing sleeps. Adaptation: "Busy / PCOPY in progress" is
// the simulator's 409/151, which matches ErrBusy and ErrInUse.
func TestFlowSlowTaskAndCancel(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	clk := alletratest.NewManualClock(flowEpoch)
	srv := alletratest.NewTestServer(t, alletratest.WithClock(clk), alletratest.WithTaskDuration(10*time.Minute))
	tr := &flowTransport{polls: make(chan chan struct{})}
	c := flowClientWith(t, srv, tr)
	require.NoError(t, createPool(ctx, c, flowPool))
	a, b, d := flowVol(t, 30, false), flowVol(t, 31, false), flowVol(t, 32, false)
	mustVolume(t, ctx, c, srv, flowPool, a, 1024, "A")
	mustVolume(t, ctx, c, srv, flowPool, b, 1024, "")
	mustVolume(t, ctx, c, srv, flowPool, d, 1024, "")

	// (1) Wait with a 30-minute context (bounded in real time by flowCtx):
	// it polls for the whole 600 s, well past LXD's 180 s cap.
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	start := clk.Now()
	var task *alletra.Task
	polls, err := driveTask(t, ctx, tr.polls, func() error {
		var err error
		task, err = c.Snapshots.Copy(waitCtx, a, b, nil)
		return err
	}, func(int) { clk.Advance(time.Minute) })
	require.NoError(t, err)
	assert.Equal(t, alletra.TaskDone, task.Status)
	assert.GreaterOrEqual(t, polls, 11, "polled until the 10-minute copy ended")
	assert.GreaterOrEqual(t, clk.Now().Sub(start), 10*time.Minute)
	content, _ := srv.Content(b)
	assert.Equal(t, "A", content)
	tasks := srv.Tasks()
	require.Len(t, tasks, 1)
	assert.Equal(t, alletra.TaskDone, tasks[0].Status)
	assert.Equal(t, 10*time.Minute, tasks[0].Finish.Sub(tasks[0].Start))

	// (2) The same copy into c-D, with the context cancelled at 1 minute.
	cancelCtx, cancelAt1 := context.WithCancel(ctx)
	defer cancelAt1()
	_, err = driveTask(t, ctx, tr.polls, func() error {
		_, err := c.Snapshots.Copy(cancelCtx, a, d, nil)
		return err
	}, func(n int) {
		if n == 1 {
			clk.Advance(time.Minute)
		} else {
			cancelAt1()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	var te *alletra.TaskError
	require.ErrorAs(t, err, &te)
	tasks = srv.Tasks()
	require.Len(t, tasks, 2)
	assert.Equal(t, tasks[1].ID, te.ID, "the error names the task")
	assert.Equal(t, alletra.TaskActive, te.Status)
	assert.Equal(t, alletra.TaskActive, tasks[1].Status, "cancelling the wait leaves the copy running")
	assert.Equal(t, d, tasks[1].Dest)

	// Deleting the destination during the copy: busy, and nothing deleted.
	err = deleteVolume(ctx, c, flowPool, d)
	require.ErrorIs(t, err, alletra.ErrBusy)
	require.ErrorIs(t, err, alletra.ErrInUse)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, alletra.CodeTuneInProgress, apiErr.Code)
	_, ok := srv.Volume(d)
	assert.True(t, ok)

	// Once the copy ends, the delete succeeds.
	clk.Advance(10 * time.Minute)
	var done *alletra.Task
	_, err = driveTask(t, ctx, tr.polls, func() error {
		var err error
		done, err = c.Tasks.Wait(ctx, te.ID)
		return err
	}, func(int) {})
	require.NoError(t, err)
	assert.Equal(t, alletra.TaskDone, done.Status)
	assert.Equal(t, alletra.TaskDone, srv.Tasks()[1].Status)
	require.NoError(t, deleteVolume(ctx, c, flowPool, d))
	_, ok = srv.Volume(d)
	assert.False(t, ok)
	closeFlow(t, srv, c)
}

// refresh is LXD's RefreshVolume with the SDK: take a reverter snapshot of
// dest, copy src onto dest, restore dest from the reverter if the copy
// fails, and delete the reverter. reverter names the snapshot; barrier (if
// not nil) holds every refresh after its snapshot until all have one, so
// that the refreshes overlap; copyMu serialises the copy step, so that a
// test can aim a task failure at one copy.
func refresh(ctx context.Context, c *alletra.Client, src, dest, reverter string, barrier *sync.WaitGroup, beforeCopy func(), copyMu *sync.Mutex) error {
	err := c.Snapshots.Create(ctx, dest, &alletra.SnapshotCreateRequest{Name: reverter})
	if barrier != nil {
		barrier.Done()
		barrier.Wait()
	}
	if err != nil {
		return err
	}
	copyMu.Lock()
	if beforeCopy != nil {
		beforeCopy()
	}
	_, copyErr := c.Snapshots.Copy(ctx, src, dest, nil)
	copyMu.Unlock()
	if copyErr != nil {
		if err := c.Snapshots.Restore(ctx, reverter); err != nil {
			return errors.Join(copyErr, err)
		}
	}
	if err := c.Snapshots.Delete(ctx, reverter); err != nil {
		return errors.Join(copyErr, err)
	}
	return copyErr
}

// Flow 13. Adaptation: the reverter names come from
// naming.TemporarySnapshotName(volume, naming.PurposeReverter).
func TestFlowRefreshReverter(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))
	srcA, a, srcB, b := flowVol(t, 40, false), flowVol(t, 41, false), flowVol(t, 42, false), flowVol(t, 43, false)
	for name, token := range map[string]string{srcA: "newA", a: "oldA", srcB: "newB", b: "oldB"} {
		mustVolume(t, ctx, c, srv, flowPool, name, 1024, token)
	}
	revA, err := naming.TemporarySnapshotName(a, naming.PurposeReverter)
	require.NoError(t, err)
	revB, err := naming.TemporarySnapshotName(b, naming.PurposeReverter)
	require.NoError(t, err)
	require.NotEqual(t, revA, revB)

	// run refreshes c-A and c-B concurrently; failB makes c-B's copy fail.
	run := func(revA, revB string, failB bool) (errA, errB error) {
		var barrier, wg sync.WaitGroup
		var copyMu sync.Mutex
		barrier.Add(2)
		var failNext func()
		if failB {
			failNext = srv.FailNextTask
		}
		wg.Go(func() { errA = refresh(ctx, c, srcA, a, revA, &barrier, nil, &copyMu) })
		wg.Go(func() { errB = refresh(ctx, c, srcB, b, revB, &barrier, failNext, &copyMu) })
		wg.Wait()
		return errA, errB
	}

	// No collision: both succeed, both reverters are gone.
	errA, errB := run(revA, revB, false)
	require.NoError(t, errA)
	require.NoError(t, errB)
	for vol, token := range map[string]string{a: "newA", b: "newB"} {
		content, _ := srv.Content(vol)
		assert.Equal(t, token, content, vol)
	}
	for _, rev := range []string{revA, revB} {
		_, ok := srv.Volume(rev)
		assert.False(t, ok, "reverter %s removed", rev)
	}

	// A failure in c-B's copy restores c-B from its own reverter only.
	require.NoError(t, srv.WriteContent(a, "oldA"))
	require.NoError(t, srv.WriteContent(b, "oldB"))
	errA, errB = run(revA, revB, true)
	require.NoError(t, errA)
	require.ErrorIs(t, errB, alletra.ErrTaskFailed)
	content, _ := srv.Content(a)
	assert.Equal(t, "newA", content)
	content, _ = srv.Content(b)
	assert.Equal(t, "oldB", content, "c-B restored from its reverter")
	var promotes []alletratest.TaskState
	for _, tk := range srv.Tasks() {
		if tk.Type == alletra.TaskTypePromoteSnapshot {
			promotes = append(promotes, tk)
		}
	}
	require.Len(t, promotes, 1)
	assert.Equal(t, revB, promotes[0].Source)
	assert.Equal(t, b, promotes[0].Dest)
	for _, rev := range []string{revA, revB} {
		_, ok := srv.Volume(rev)
		assert.False(t, ok, "reverter %s removed", rev)
	}

	// Control: LXD's literal reverter name on both collides: one refresh
	// fails with AlreadyExists.
	const literal = "lxd-reverter-snapshot"
	errA, errB = run(literal, literal, false)
	failed := 0
	for _, err := range []error{errA, errB} {
		if err != nil {
			assert.ErrorIs(t, err, alletra.ErrAlreadyExists)
			failed++
		}
	}
	assert.Equal(t, 1, failed, "exactly one refresh collides with the other's reverter")
	_, ok := srv.Volume(literal)
	assert.False(t, ok)
	closeFlow(t, srv, c)
}

// Flow 14.
func TestFlowRestore(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))
	hostName := naming.HostName("node1", "nvme/tcp")
	_, err := ensureHost(ctx, c, hostName, flowNQN)
	require.NoError(t, err)
	a, s := flowVol(t, 50, false), flowVol(t, 51, true)
	mustVolume(t, ctx, c, srv, flowPool, a, 1024, "S")
	_, err = export(ctx, c, a, hostName)
	require.NoError(t, err)

	// (1) Snapshot; (2) write A2.
	require.NoError(t, c.Snapshots.Create(ctx, a, &alletra.SnapshotCreateRequest{Name: s}))
	require.NoError(t, srv.WriteContent(a, "A2"))

	// Promote while exported: Exported (403), and nothing runs.
	err = c.Snapshots.Restore(ctx, s)
	require.ErrorIs(t, err, alletra.ErrExported)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 403, apiErr.StatusCode)
	assert.Empty(t, srv.Tasks())
	content, _ := srv.Content(a)
	assert.Equal(t, "A2", content)

	// (3) Unexport; (4) Promote, wait: c-A has S again, sc-S remains.
	require.NoError(t, unexport(ctx, c, a, hostName))
	require.NoError(t, c.Snapshots.Restore(ctx, s))
	content, _ = srv.Content(a)
	assert.Equal(t, "S", content)
	st, ok := srv.Volume(s)
	require.True(t, ok, "the snapshot survives its promote")
	assert.Equal(t, a, st.CopyOf)
	tasks := srv.Tasks()
	require.Len(t, tasks, 1)
	assert.Equal(t, alletra.TaskTypePromoteSnapshot, tasks[0].Type)
	assert.Equal(t, alletra.TaskDone, tasks[0].Status)

	// After growing c-A, a promote is refused: ParentGrown (409).
	require.NoError(t, c.Volumes.Grow(ctx, a, 256))
	require.NoError(t, srv.WriteContent(a, "A3"))
	err = c.Snapshots.Restore(ctx, s)
	require.ErrorIs(t, err, alletra.ErrParentGrown)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 409, apiErr.StatusCode)
	assert.Len(t, srv.Tasks(), 1)
	content, _ = srv.Content(a)
	assert.Equal(t, "A3", content)
	closeFlow(t, srv, c)
}
