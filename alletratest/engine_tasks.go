package alletratest

import (
	alletra "github.com/openalletra/go-alletra"

	"net/http"
	"strconv"
	"time"
)

// Task statuses and types (WSAPI).
const (
	taskDone      = 1
	taskActive    = 2
	taskCancelled = 3
	taskFailed    = 4

	taskTypeVVCopy     = 1
	taskTypePromoteSV  = 4
	taskTypeOnlineCopy = 18
)

// task is a task as the engine keeps it: its public state, how long it
// runs and whether it ends failed.
type task struct {
	TaskState
	dur  time.Duration
	fail bool
}

// state returns a copy of the task's public state.
func (t *task) state() TaskState { return t.TaskState }

type taskJSON struct {
	ID              int    `json:"id"`
	Type            int    `json:"type"`
	Name            string `json:"name"`
	Status          int    `json:"status"`
	CompletedPhases int    `json:"completedPhases"`
	TotalPhases     int    `json:"totalPhases"`
	CompletedSteps  *int   `json:"completedSteps,omitempty"`
	TotalSteps      *int   `json:"totalSteps,omitempty"`
	StartTime       string `json:"startTime"`
	FinishTime      string `json:"finishTime"`
	Priority        int    `json:"priority"`
	User            string `json:"user"`
}

func (t *task) wire(now time.Time) taskJSON {
	j := taskJSON{ID: t.ID, Type: int(t.Type), Name: t.Name, Status: int(t.Status), TotalPhases: 1,
		StartTime: fmtTaskTime(t.Start), FinishTime: "-", Priority: int(t.Priority), User: t.User}
	if t.Status == taskActive {
		total, done := 100, 0
		if t.dur > 0 {
			done = int(100 * now.Sub(t.Start) / t.dur)
		}
		j.CompletedSteps, j.TotalSteps = &done, &total
	} else {
		j.FinishTime = fmtTaskTime(t.Finish)
		if t.Status == taskDone {
			j.CompletedPhases = 1
		}
	}
	return j
}

// startTask records a new task. Callers hold e.mu.
func (e *engine) startTask(typ int, name, user, src, dest string, priority int) *task {
	t := &task{TaskState: TaskState{ID: len(e.tasks) + 1, Type: alletra.TaskType(typ), Name: name, Status: taskActive,
		Start: e.now(), Priority: alletra.TaskPriority(priority), User: user, Source: src, Dest: dest},
		dur: e.taskDur, fail: e.failNext}
	e.failNext = false
	e.tasks = append(e.tasks, t)
	e.settleTasks(e.now())
	return t
}

// settleTasks completes every task whose time is up and applies its effect
// exactly once. Callers hold e.mu.
func (e *engine) settleTasks(now time.Time) {
	for _, t := range e.tasks {
		if t.Status != taskActive || now.Before(t.Start.Add(t.dur)) {
			continue
		}
		t.Finish = t.Start.Add(t.dur)
		if t.fail {
			t.Status = taskFailed
			e.undoTask(t)
			continue
		}
		t.Status = taskDone
		src, dest := e.volumes[t.Source], e.volumes[t.Dest]
		switch t.Type {
		case taskTypeVVCopy, taskTypeOnlineCopy:
			if src != nil && dest != nil {
				dest.Content, dest.UsedMiB = src.Content, src.UsedMiB
			}
			e.undoTask(t)
		case taskTypePromoteSV:
			if src != nil && dest != nil {
				dest.Content, dest.UsedMiB = src.Content, src.UsedMiB
			}
		}
	}
}

// undoTask returns a copy destination to a plain base volume.
func (e *engine) undoTask(t *task) {
	if t.Type != taskTypeVVCopy && t.Type != taskTypeOnlineCopy {
		return
	}
	if d := e.volumes[t.Dest]; d != nil && d.CopyType == copyPhysical {
		d.CopyType, d.CopyOf = copyBase, ""
	}
}

// activeTaskFor returns an active task using volume name. Callers hold e.mu.
func (e *engine) activeTaskFor(name string) *task {
	for _, t := range e.tasks {
		if t.Status == taskActive && (t.Source == name || t.Dest == name) {
			return t
		}
	}
	return nil
}

func (e *engine) taskByParam(p string) (*task, *apiError) {
	id, err := strconv.Atoi(p)
	if err != nil {
		return nil, errBadRequest(codeWrongType, "invalid input: task id is not an integer")
	}
	if id <= 0 {
		return nil, errBadRequest(codeBelowRange, "invalid input: task id below range")
	}
	if id > 65535 {
		return nil, errBadRequest(codeExceedsRange, "invalid input: task id above range")
	}
	if id > len(e.tasks) {
		return nil, errNotFound(codeNonExistentTask, "task does not exist: %d", id)
	}
	return e.tasks[id-1], nil
}

// getTask handles GET /tasks/{id}[?view=excludeDetail].
func (e *engine) getTask(req *request) response {
	e.lock()
	defer e.unlock()
	t, aerr := e.taskByParam(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	return okJSON(t.wire(e.now()))
}

// listTasks handles GET /tasks.
func (e *engine) listTasks(_ *request) response {
	e.lock()
	defer e.unlock()
	out := make([]taskJSON, 0, len(e.tasks))
	for _, t := range e.tasks {
		out = append(out, t.wire(e.now()))
	}
	return listResponse(out)
}

type taskActionBody struct {
	Action *int `json:"action"`
}

// cancelTask handles PUT /tasks/{id} {"action":1}.
func (e *engine) cancelTask(req *request) response {
	var b taskActionBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.Action == nil {
		return errResponse(missing("action"))
	}
	if *b.Action != 1 {
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "action"))
	}
	e.lock()
	defer e.unlock()
	t, aerr := e.taskByParam(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	if t.Status != taskActive {
		return errResponse(e.named(errNonActiveTask, "task %d is not active", t.ID))
	}
	t.Status, t.Finish = taskCancelled, e.now()
	e.undoTask(t)
	return response{status: http.StatusOK}
}

// FailNextTask makes the next task that starts end with status FAILED
// (without its effect).
func (e *engine) FailNextTask() {
	e.mu.Lock()
	e.failNext = true
	e.mu.Unlock()
}

// SetTaskDuration sets how long later promote and copy tasks run.
func (e *engine) SetTaskDuration(d time.Duration) {
	e.mu.Lock()
	e.taskDur = d
	e.mu.Unlock()
}

// Tasks returns every task, oldest first.
func (e *engine) Tasks() []TaskState {
	e.lock()
	defer e.unlock()
	out := make([]TaskState, 0, len(e.tasks))
	for _, t := range e.tasks {
		out = append(out, t.state())
	}
	return out
}

// StartTask starts a task of type typ named name that stays active for d on
// the engine's clock and has no effect on any object: a fixture for suites
// that expect the array to have tasks (HPE's python client lists them and
// reads the first). It returns the task.
func (e *engine) StartTask(typ int, name string, d time.Duration) TaskState {
	e.lock()
	defer e.unlock()
	saved := e.taskDur
	e.taskDur = d
	t := e.startTask(typ, name, e.cfg.User, "", "", 2)
	e.taskDur = saved
	return t.state()
}
