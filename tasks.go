package alletra

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// TasksService reads and waits for asynchronous array tasks (WSAPI /tasks),
// such as the promote of Snapshots.Restore and the copy of Snapshots.Copy.
type TasksService service

// TaskStatus is the state of an array task.
type TaskStatus int

// Task states.
const (
	TaskDone      TaskStatus = 1
	TaskActive    TaskStatus = 2
	TaskCancelled TaskStatus = 3
	TaskFailed    TaskStatus = 4
)

// String returns the WSAPI name of the status.
func (s TaskStatus) String() string {
	return enumName(int(s), "DONE", "ACTIVE", "CANCELLED", "FAILED")
}

// TaskPriority is the priority of a copy or promote task. 1 is the highest.
type TaskPriority int

// Task priorities (WSAPI taskPriority: 1 high, 2 medium, 3 low).
const (
	PriorityHigh   TaskPriority = 1
	PriorityMedium TaskPriority = 2
	PriorityLow    TaskPriority = 3
)

// String returns the WSAPI name of the priority.
func (p TaskPriority) String() string { return enumName(int(p), "HIGH", "MED", "LOW") }

// TaskType is the kind of an array task.
type TaskType int

// Task types that this SDK starts; others are reported by number.
const (
	TaskTypeVolumeCopy       TaskType = 1  // VV_COPY: physical copy
	TaskTypePhysCopyResync   TaskType = 2  // PHYS_COPY_RESYNC
	TaskTypePromoteSnapshot  TaskType = 4  // PROMOTE_SV: snapshot restore
	TaskTypeOnlineCopy       TaskType = 18 // ONLINE_COPY
	TaskTypeBackgroundTask   TaskType = 16 // BACKGROUND_TASK
	TaskTypeSnapshotAccounts TaskType = 12 // SNAPSHOT_ACCOUNTING
)

// String returns the WSAPI name of the task type.
func (t TaskType) String() string {
	return enumName(int(t), "VV_COPY", "PHYS_COPY_RESYNC", "MOVE_REGIONS", "PROMOTE_SV",
		"REMOTE_COPY_SYNC", "REMOTE_COPY_REVERSE", "REMOTE_COPY_FAILOVER", "REMOTE_COPY_RECOVER",
		"REMOTE_COPY_RESTORE", "COMPACT_CPG", "COMPACT_IDS", "SNAPSHOT_ACCOUNTING", "CHECK_VV",
		"SCHEDULED_TASK", "SYSTEM_TASK", "BACKGROUND_TASK", "IMPORT_VV", "ONLINE_COPY", "CONVERT_VV")
}

// Task is an asynchronous array task.
type Task struct {
	ID              int          `json:"id"`
	Type            TaskType     `json:"type"`
	Name            string       `json:"name"`
	Status          TaskStatus   `json:"status"`
	CompletedPhases int          `json:"completedPhases"`
	TotalPhases     int          `json:"totalPhases"`
	CompletedSteps  int          `json:"completedSteps"`
	TotalSteps      int          `json:"totalSteps"`
	StartTime       string       `json:"startTime"`
	FinishTime      string       `json:"finishTime"`
	Priority        TaskPriority `json:"priority"`
	User            string       `json:"user"`
}

// UnmarshalJSON accepts the task id as a number or as a string.
func (t *Task) UnmarshalJSON(b []byte) error {
	type plain Task
	var w struct {
		plain
		ID flexInt `json:"id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Task(w.plain)
	t.ID = int(w.ID)
	return nil
}

// taskRef is the answer of actions that start a task: {"taskid": N}.
type taskRef struct {
	TaskID flexInt `json:"taskid"`
}

type taskActionRequest struct {
	Action int `json:"action"`
}

// Get returns the task with the given id.
//
// WSAPI: GET /api/v1/tasks/<id>. Idempotent; retried. An unknown id gives
// ErrNotFound (code 145).
func (s *TasksService) Get(ctx context.Context, id int) (*Task, error) {
	if id <= 0 {
		return nil, invalid("id", fmt.Sprintf("task id must be positive, got %d", id))
	}
	t := new(Task)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/tasks/%s", id),
		out: t, kind: CallRead}); err != nil {
		return nil, err
	}
	return t, nil
}

// List returns the tasks of the last 24 hours.
//
// WSAPI: GET /api/v1/tasks. Idempotent; retried.
func (s *TasksService) List(ctx context.Context) ([]Task, error) {
	var out collection[Task]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/tasks", out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// Cancel asks the array to cancel an active task.
//
// WSAPI: PUT /api/v1/tasks/<id> {"action":1}. Idempotent in effect; retried.
func (s *TasksService) Cancel(ctx context.Context, id int) error {
	if id <= 0 {
		return invalid("id", fmt.Sprintf("task id must be positive, got %d", id))
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/tasks/%s", id),
		body: taskActionRequest{Action: 1}, kind: CallUpdate,
		// A cancel whose answer was lost makes the retry find the task no
		// longer active: cancelled means done.
		reconcileOn: ErrInvalidInput,
		reconcile: func(ctx context.Context) (bool, error) {
			t, err := s.Get(ctx, id)
			return err == nil && t.Status == TaskCancelled, err
		}})
	return err
}

// Wait polls the task until it ends and returns it. There is no built-in
// time limit: only ctx ends the wait. A failed or cancelled task gives a
// *TaskError matching ErrTaskFailed or ErrTaskCancelled; when ctx ends first,
// a *TaskError with the task id and the context's error (the task goes on
// on the array).
//
// Polls start at the WithTaskPolling initial interval and grow with the time
// already waited (about 15% of it), up to the maximum interval, so the end
// of a short task is seen quickly and a long one costs few requests.
//
// WSAPI: GET /api/v1/tasks/<id>, repeated.
func (s *TasksService) Wait(ctx context.Context, id int) (*Task, error) {
	start := time.Now()
	var last TaskStatus
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, &TaskError{ID: id, Status: last, Err: ctx.Err()}
		case <-timer.C:
		}
		t, err := s.Get(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return nil, &TaskError{ID: id, Status: last, Err: ctx.Err()}
			}
			return nil, err
		}
		last = t.Status
		switch t.Status {
		case TaskDone:
			return t, nil
		case TaskFailed:
			return t, &TaskError{ID: id, Status: t.Status, Name: t.Name, Err: ErrTaskFailed}
		case TaskCancelled:
			return t, &TaskError{ID: id, Status: t.Status, Name: t.Name, Err: ErrTaskCancelled}
		}
		timer.Reset(s.client.pollInterval(time.Since(start)))
	}
}

// pollInterval is the pause before the next poll of a task that has run
// for elapsed.
func (c *Client) pollInterval(elapsed time.Duration) time.Duration {
	return min(max(elapsed*15/100, c.opts.taskInitial), c.opts.taskMax)
}

// waitTaskRef waits for the task that the action method path answered with.
// An answer without a task id is ErrBadResponse; the array accepted the
// action, so it may be running.
func (c *Client) waitTaskRef(ctx context.Context, ref taskRef, method, path string) (*Task, error) {
	if ref.TaskID <= 0 {
		return nil, errBadResponse(method, path, fmt.Errorf("the array accepted the action but named no task to wait for"))
	}
	return c.Tasks.Wait(ctx, int(ref.TaskID))
}
