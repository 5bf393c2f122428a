package alletra

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTasksGet(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/8842", goldenResponder(t, http.StatusOK, "task.json"))
	task, err := c.Tasks.Get(context.Background(), 8842)
	require.NoError(t, err)
	assert.Equal(t, &Task{ID: 8842, Type: TaskTypeVolumeCopy, Name: "c-web02", Status: TaskDone,
		CompletedPhases: 1, TotalPhases: 1, StartTime: "2025-03-14 10:15:41 CET", FinishTime: "2025-03-14 10:17:02 CET",
		Priority: PriorityHigh, User: "3paradm"}, task)
}

func TestTasksGetStringID(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/17", httpmock.NewStringResponder(http.StatusOK,
		`{"id":"17","type":4,"name":"promotesv sc-S","status":2,"completedSteps":3,"totalSteps":9,"priority":-1}`))
	task, err := c.Tasks.Get(context.Background(), 17)
	require.NoError(t, err)
	assert.Equal(t, 17, task.ID)
	assert.Equal(t, TaskTypePromoteSnapshot, task.Type)
	assert.Equal(t, TaskActive, task.Status)
	assert.Equal(t, 3, task.CompletedSteps)
	assert.Equal(t, 9, task.TotalSteps)
	assert.Equal(t, TaskPriority(-1), task.Priority, "system tasks report -1")

	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/18", httpmock.NewStringResponder(http.StatusOK, `{"id":"eighteen"}`))
	_, err = c.Tasks.Get(context.Background(), 18)
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestTasksGetErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/9999", goldenResponder(t, http.StatusNotFound, "error_not_found_task.json"))
	_, err := c.Tasks.Get(context.Background(), 9999)
	require.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNonExistentTask, apiErr.Code)

	for _, id := range []int{0, -1} {
		_, err := c.Tasks.Get(context.Background(), id)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "id", ve.Field)
		_, err = c.Tasks.Wait(context.Background(), id)
		assert.ErrorIs(t, err, ErrInvalidInput)
	}
	assert.Equal(t, 2, m.GetTotalCallCount(), "login + the one valid GET")
}

func TestTasksList(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks", goldenResponder(t, http.StatusOK, "tasks.json"))
	tasks, err := c.Tasks.List(context.Background())
	require.NoError(t, err)
	require.Len(t, tasks, 2)
	assert.Equal(t, 8842, tasks[0].ID)
	assert.Equal(t, TaskDone, tasks[0].Status)
	assert.Equal(t, 8843, tasks[1].ID)
	assert.Equal(t, TaskActive, tasks[1].Status)
	assert.Equal(t, TaskTypePromoteSnapshot, tasks[1].Type)
	assert.Equal(t, PriorityMedium, tasks[1].Priority)
	assert.Equal(t, 400, tasks[1].TotalSteps)

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodGet, testAPI+"/tasks", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	_, err = c2.Tasks.List(context.Background())
	assert.ErrorIs(t, err, ErrPermission)
}

// TestTasksAll: one GET /tasks, members yielded as decoded (the id may
// be a string); a stop ends the walk; a failed request and an answer that
// breaks off are yielded once as errors.
func TestTasksAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	calls := expectCall(t, m, http.MethodGet, testAPI+"/tasks", "", nil, goldenResponder(t, http.StatusOK, "tasks.json"))
	var got []Task
	for task, err := range c.Tasks.All(ctx) {
		require.NoError(t, err)
		got = append(got, task)
	}
	require.Len(t, got, 2)
	assert.Equal(t, 8842, got[0].ID)
	assert.Equal(t, TaskTypePromoteSnapshot, got[1].Type)
	for range c.Tasks.All(ctx) {
		break
	}
	assert.EqualValues(t, 2, calls.Load())

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/tasks", "", nil,
		jsonText(200, `{"total":2,"members":[{"id":"5","type":18,"name":"dst","status":2},{"id":6,`))
	var ids []int
	var errs []error
	for task, err := range c.Tasks.All(ctx) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, task.ID)
	}
	assert.Equal(t, []int{5}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrBadResponse)

	c, m = newMock(t)
	expectCall(t, m, http.MethodGet, testAPI+"/tasks", "", nil, errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	n := 0
	for _, err := range c.Tasks.All(ctx) {
		n++
		assert.ErrorIs(t, err, ErrPermission)
	}
	assert.Equal(t, 1, n)
}

func TestTasksCancel(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var body map[string]any
	m.RegisterResponder(http.MethodPut, testAPI+"/tasks/8843", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	})
	require.NoError(t, c.Tasks.Cancel(context.Background(), 8843))
	assert.Equal(t, map[string]any{"action": float64(1)}, body)

	m.RegisterResponder(http.MethodPut, testAPI+"/tasks/8842", errorResponder(http.StatusBadRequest, 0, "not active"))
	assert.ErrorIs(t, c.Tasks.Cancel(context.Background(), 8842), ErrInvalidInput)
	assert.ErrorIs(t, c.Tasks.Cancel(context.Background(), 0), ErrInvalidInput)
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/tasks/8843"))
}

// sequenceTask answers GET /tasks/<id> with ACTIVE for active polls, then final.
func sequenceTask(id, active int, final TaskStatus, polls *atomic.Int32) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		status := TaskActive
		if int(polls.Add(1)) > active {
			status = final
		}
		return jsonResponder(http.StatusOK, map[string]any{"id": id, "name": "vvcopy a b", "status": int(status)})(req)
	}
}

func TestTasksWaitDone(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, fastTasks)
	var polls atomic.Int32
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/5", sequenceTask(5, 4, TaskDone, &polls))
	task, err := c.Tasks.Wait(context.Background(), 5)
	require.NoError(t, err)
	assert.Equal(t, TaskDone, task.Status)
	assert.Equal(t, int32(5), polls.Load(), "4 ACTIVE polls, then the DONE one; no poll after")
}

// A task that is already done costs one poll and no wait: with an hour
// between polls, any wait would run into the minute's deadline instead.
func TestTasksWaitAlreadyDone(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithTaskPolling(time.Hour, time.Hour))
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/8842", goldenResponder(t, http.StatusOK, "task.json"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	task, err := c.Tasks.Wait(ctx, 8842)
	require.NoError(t, err, "Wait waited for a poll interval")
	assert.Equal(t, 8842, task.ID)
	assert.Equal(t, TaskDone, task.Status)
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/tasks/8842"))
}

func TestTasksWaitFailedAndCancelled(t *testing.T) {
	t.Parallel()
	cases := []struct {
		final TaskStatus
		want  error
		other error
	}{
		{TaskFailed, ErrTaskFailed, ErrTaskCancelled},
		{TaskCancelled, ErrTaskCancelled, ErrTaskFailed},
	}
	for _, tc := range cases {
		t.Run(tc.final.String(), func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, fastTasks)
			var polls atomic.Int32
			m.RegisterResponder(http.MethodGet, testAPI+"/tasks/77", sequenceTask(77, 2, tc.final, &polls))
			task, err := c.Tasks.Wait(context.Background(), 77)
			require.ErrorIs(t, err, tc.want)
			assert.NotErrorIs(t, err, tc.other)
			var te *TaskError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, 77, te.ID)
			assert.Equal(t, tc.final, te.Status)
			assert.Equal(t, "vvcopy a b", te.Name)
			assert.Contains(t, te.Error(), "task 77")
			assert.Contains(t, te.Error(), tc.final.String())
			require.NotNil(t, task)
			assert.Equal(t, tc.final, task.Status)
			assert.Equal(t, int32(3), polls.Load())
		})
	}
}

// closeHook is a response body that runs a function when it is closed.
type closeHook struct {
	io.Reader
	onClose func()
}

func (b closeHook) Close() error { b.onClose(); return nil }

// Cancelling the context while Wait sleeps between polls ends the wait at
// once, with the last status seen. The transport cancels the context when
// the client has read the first (ACTIVE) answer; with an hour between
// polls, waiting for the next poll would run into the minute's deadline
// (context.DeadlineExceeded, not Canceled).
func TestTasksWaitContextCancelled(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithTaskPolling(time.Hour, time.Hour))
	ctx, cancelDeadline := context.WithTimeout(context.Background(), time.Minute)
	defer cancelDeadline()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var polls atomic.Int32
	active := sequenceTask(31, 1<<30, TaskDone, &polls)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/31", func(req *http.Request) (*http.Response, error) {
		resp, err := active(req)
		if err == nil {
			resp.Body = closeHook{Reader: resp.Body, onClose: cancel}
		}
		return resp, err
	})
	task, err := c.Tasks.Wait(ctx, 31)
	assert.Nil(t, task)
	require.ErrorIs(t, err, context.Canceled, "Wait returned at the deadline, not when cancelled")
	assert.NotErrorIs(t, err, ErrTaskFailed)
	var te *TaskError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 31, te.ID)
	assert.Equal(t, TaskActive, te.Status, "the last status seen")
	assert.Equal(t, int32(1), polls.Load(), "no poll after the cancel")
}

func TestTasksWaitContextAlreadyDone(t *testing.T) {
	t.Parallel()
	c, _ := newMock(t) // no responder: an ended context sends nothing
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Tasks.Wait(ctx, 3)
	var te *TaskError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 3, te.ID)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTasksWaitGetError(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, fastTasks)
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/4", errorResponder(http.StatusNotFound, CodeNonExistentTask, "gone"))
	_, err := c.Tasks.Wait(context.Background(), 4)
	require.ErrorIs(t, err, ErrNotFound)
	var te *TaskError
	assert.False(t, errors.As(err, &te), "a lookup failure is the array's error, not a task outcome")
}

// Wait has no built-in cap: a task that stays active for many polls (far
// more than LXD's 180 s / 5 s = 36) is waited for until it ends.
func TestTasksWaitNoBuiltInCap(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithTaskPolling(time.Microsecond, time.Microsecond))
	var polls atomic.Int32
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/6", sequenceTask(6, 500, TaskDone, &polls))
	task, err := c.Tasks.Wait(context.Background(), 6)
	require.NoError(t, err)
	assert.Equal(t, TaskDone, task.Status)
	assert.Equal(t, int32(501), polls.Load())
}

// The polling schedule, on a virtual clock: the end of a task is noticed
// within 20% of its duration + 250 ms, and the number of polls stays
// bounded for 100 ms tasks and 10-minute tasks alike.
func TestTaskPollSchedule(t *testing.T) {
	t.Parallel()
	c, _ := newMock(t)
	cases := []struct {
		task     time.Duration
		maxPolls int
	}{
		{100 * time.Millisecond, 2},
		{300 * time.Millisecond, 4},
		{2 * time.Second, 17},
		{10 * time.Second, 30},
		{3 * time.Minute, 66},
		{10 * time.Minute, 150},
		{time.Hour, 750},
	}
	for _, tc := range cases {
		var now time.Duration
		polls := 1 // the first poll at 0
		for now < tc.task {
			now += c.pollInterval(now)
			polls++
		}
		overshoot := now - tc.task
		assert.LessOrEqual(t, overshoot, tc.task/5+250*time.Millisecond, "task %v: overshoot %v", tc.task, overshoot)
		assert.LessOrEqual(t, polls, tc.maxPolls, "task %v", tc.task)
	}
	assert.Equal(t, DefaultTaskPollInitial, c.pollInterval(0))
	assert.Equal(t, DefaultTaskPollInitial, c.pollInterval(500*time.Millisecond))
	assert.Equal(t, 1500*time.Millisecond, c.pollInterval(10*time.Second))
	assert.Equal(t, DefaultTaskPollMax, c.pollInterval(time.Hour))
}

func TestTaskEnumStrings(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "DONE", TaskDone.String())
	assert.Equal(t, "ACTIVE", TaskActive.String())
	assert.Equal(t, "CANCELLED", TaskCancelled.String())
	assert.Equal(t, "FAILED", TaskFailed.String())
	assert.Equal(t, "0", TaskStatus(0).String())
	assert.Equal(t, "HIGH", PriorityHigh.String())
	assert.Equal(t, "LOW", PriorityLow.String())
	assert.Equal(t, "-1", TaskPriority(-1).String())
	assert.Equal(t, "VV_COPY", TaskTypeVolumeCopy.String())
	assert.Equal(t, "PROMOTE_SV", TaskTypePromoteSnapshot.String())
	assert.Equal(t, "ONLINE_COPY", TaskTypeOnlineCopy.String())
	assert.Equal(t, "CONVERT_VV", TaskType(19).String())
	assert.Equal(t, "20", TaskType(20).String())
}
