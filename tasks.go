package alletra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// TasksService reads, waits for and cancels asynchronous array tasks
// (WSAPI /tasks).
//
// Every operation that the array runs as a task has a call that returns the
// *Task as soon as the array accepted it, without waiting:
// Snapshots.StartRestore (promote), Snapshots.StartCopy (offline physical
// copy), Snapshots.StartOnlineCopy, Snapshots.StartResync and
// Volumes.StartTune. Such a *Task holds the ID only (the array answers
// {"taskid":N} and nothing else about the task); Tasks.Get reads the rest,
// and Tasks.Wait waits until the task ends and returns it complete. The
// blocking conveniences Snapshots.Restore and Snapshots.Copy are the start
// call followed by Tasks.Wait.
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

// Task is an asynchronous array task. A *Task returned by a Start call
// (Snapshots.StartCopy, ...) has only ID set: the other fields are zero
// until Tasks.Get or Tasks.Wait reads the task from the array.
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

// List returns the tasks the array lists: only those started in the last
// 24 hours (WSAPI 1.3.1 guide p. 130). A task missing from the list may be
// older, so "not listed" does not mean "no such task"; look a task up by
// its id with Get when the id is known. List takes no options: the public
// record shows no filter (query) on GET /tasks.
//
// WSAPI: GET /api/v1/tasks. Idempotent; retried.
func (s *TasksService) List(ctx context.Context) ([]Task, error) {
	var out collection[Task]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/tasks", out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// All returns the tasks of List one at a time, decoded as the answer
// arrives, so a long task list is never held in memory at once. The same
// 24-hour window applies.
//
//	for t, err := range c.Tasks.All(ctx) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(t.ID, t.Name, t.Status)
//	}
//
// An error (the request failed, or the answer broke off) is yielded once,
// with a zero Task, and ends the sequence; a broken-off answer matches
// ErrBadResponse and is not retried. As with Volumes.All, the request holds
// one of the Client's in-flight slots until the loop ends.
//
// WSAPI: GET /api/v1/tasks. Idempotent: retried like List's until the
// answer starts.
func (s *TasksService) All(ctx context.Context) iter.Seq2[Task, error] {
	return func(yield func(Task, error) bool) {
		resp, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/tasks", kind: CallRead, stream: true})
		if err != nil {
			yield(Task{}, err)
			return
		}
		defer resp.Body.Close()
		err = eachMember(json.NewDecoder(resp.Body), func(t *Task) bool { return yield(*t, nil) })
		if err != nil && !errors.Is(err, errStopped) {
			yield(Task{}, errBadResponse(http.MethodGet, "/tasks", err))
		}
	}
}

// Cancel asks the array to cancel an active task. It does not wait: the
// task may stay active for a while; Tasks.Wait then ends with a
// *TaskError matching ErrTaskCancelled (or returns the task if it ended
// first). A task that is no longer active is refused (400,
// NON_ACTIVE_TASK: ErrInvalidInput), one the array cannot cancel too (409,
// INV_OPERATION_CANNOT_CANCEL_TASK).
//
// WSAPI: PUT /api/v1/tasks/<id> {"action":1}. Idempotent in effect; retried
// (a retry that finds the task cancelled counts as success: one GET
// /api/v1/tasks/<id>).
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

// startedTask is the *Task of an action that the array accepted with
// {"taskid":N}: only the id is known. An answer without a task id is
// ErrBadResponse; the array accepted the action, so it may be running.
func startedTask(ref taskRef, method, path string) (*Task, error) {
	if ref.TaskID <= 0 {
		return nil, errBadResponse(method, path, fmt.Errorf("the array accepted the action but named no task"))
	}
	return &Task{ID: int(ref.TaskID)}, nil
}
