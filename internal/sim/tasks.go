package sim

import (
	"net/http"
	"strconv"
	"time"
)

// Task statuses and types (WSAPI).
const (
	TaskDone      = 1
	TaskActive    = 2
	TaskCancelled = 3
	TaskFailed    = 4

	TaskTypeVVCopy     = 1
	TaskTypePromoteSV  = 4
	TaskTypeOnlineCopy = 18
)

type task struct {
	id, typ       int
	name          string
	status        int
	start, finish time.Time
	dur           time.Duration
	priority      int
	user          string
	src, dest     string
	fail          bool
}

// TaskState is a test's view of one task.
type TaskState struct {
	ID       int
	Type     int // 1 VV_COPY, 4 PROMOTE_SV, 18 ONLINE_COPY
	Name     string
	Status   int // 1 DONE, 2 ACTIVE, 3 CANCELLED, 4 FAILED
	Priority int
	User     string
	Source   string // source volume (the snapshot for a promote)
	Dest     string // destination volume (the parent for a promote)
	Start    time.Time
	Finish   time.Time // zero while active
}

func (t *task) state() TaskState {
	return TaskState{ID: t.id, Type: t.typ, Name: t.name, Status: t.status, Priority: t.priority,
		User: t.user, Source: t.src, Dest: t.dest, Start: t.start, Finish: t.finish}
}

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
	j := taskJSON{ID: t.id, Type: t.typ, Name: t.name, Status: t.status, TotalPhases: 1,
		StartTime: fmtTaskTime(t.start), FinishTime: "-", Priority: t.priority, User: t.user}
	if t.status == TaskActive {
		total, done := 100, 0
		if t.dur > 0 {
			done = int(100 * now.Sub(t.start) / t.dur)
		}
		j.CompletedSteps, j.TotalSteps = &done, &total
	} else {
		j.FinishTime = fmtTaskTime(t.finish)
		if t.status == TaskDone {
			j.CompletedPhases = 1
		}
	}
	return j
}

// startTask records a new task. Callers hold e.mu.
func (e *Engine) startTask(typ int, name, user, src, dest string, priority int) *task {
	t := &task{id: len(e.tasks) + 1, typ: typ, name: name, status: TaskActive, start: e.now(),
		dur: e.taskDur, priority: priority, user: user, src: src, dest: dest, fail: e.failNext}
	e.failNext = false
	e.tasks = append(e.tasks, t)
	e.settleTasks(e.now())
	return t
}

// settleTasks completes every task whose time is up and applies its effect
// exactly once. Callers hold e.mu.
func (e *Engine) settleTasks(now time.Time) {
	for _, t := range e.tasks {
		if t.status != TaskActive || now.Before(t.start.Add(t.dur)) {
			continue
		}
		t.finish = t.start.Add(t.dur)
		if t.fail {
			t.status = TaskFailed
			e.undoTask(t)
			continue
		}
		t.status = TaskDone
		src, dest := e.volumes[t.src], e.volumes[t.dest]
		switch t.typ {
		case TaskTypeVVCopy, TaskTypeOnlineCopy:
			if src != nil && dest != nil {
				dest.content, dest.usedMiB = src.content, src.usedMiB
			}
			e.undoTask(t)
		case TaskTypePromoteSV:
			if src != nil && dest != nil {
				dest.content, dest.usedMiB = src.content, src.usedMiB
			}
		}
	}
}

// undoTask returns a copy destination to a plain base volume.
func (e *Engine) undoTask(t *task) {
	if t.typ != TaskTypeVVCopy && t.typ != TaskTypeOnlineCopy {
		return
	}
	if d := e.volumes[t.dest]; d != nil && d.copyType == CopyPhysical {
		d.copyType, d.copyOf = CopyBase, ""
	}
}

// activeTaskFor returns an active task using volume name. Callers hold e.mu.
func (e *Engine) activeTaskFor(name string) *task {
	for _, t := range e.tasks {
		if t.status == TaskActive && (t.src == name || t.dest == name) {
			return t
		}
	}
	return nil
}

func (e *Engine) taskByParam(p string) (*task, *APIError) {
	id, err := strconv.Atoi(p)
	if err != nil {
		return nil, errBadRequest(CodeWrongType, "invalid input: task id is not an integer")
	}
	if id <= 0 {
		return nil, errBadRequest(CodeBelowRange, "invalid input: task id below range")
	}
	if id > 65535 {
		return nil, errBadRequest(CodeExceedsRange, "invalid input: task id above range")
	}
	if id > len(e.tasks) {
		return nil, errNotFound(CodeNonExistentTask, "task does not exist: %d", id)
	}
	return e.tasks[id-1], nil
}

// getTask handles GET /tasks/{id}[?view=excludeDetail].
func (e *Engine) getTask(req *request) response {
	e.lock()
	defer e.unlock()
	t, aerr := e.taskByParam(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	return okJSON(t.wire(e.now()))
}

// listTasks handles GET /tasks.
func (e *Engine) listTasks(_ *request) response {
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
func (e *Engine) cancelTask(req *request) response {
	var b taskActionBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.Action == nil {
		return errResponse(missing("action"))
	}
	if *b.Action != 1 {
		return errResponse(withRef(errBadRequest(CodeBadEnumValue, "invalid input: bad enum value"), "action"))
	}
	e.lock()
	defer e.unlock()
	t, aerr := e.taskByParam(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	if t.status != TaskActive {
		return errResponse(e.named(ErrNonActiveTask, "task %d is not active", t.id))
	}
	t.status, t.finish = TaskCancelled, e.now()
	e.undoTask(t)
	return response{status: http.StatusOK}
}

// FailNextTask makes the next task that starts end with status FAILED
// (without its effect).
func (e *Engine) FailNextTask() {
	e.mu.Lock()
	e.failNext = true
	e.mu.Unlock()
}

// SetTaskDuration sets how long later promote and copy tasks run.
func (e *Engine) SetTaskDuration(d time.Duration) {
	e.mu.Lock()
	e.taskDur = d
	e.mu.Unlock()
}

// Tasks returns every task, oldest first.
func (e *Engine) Tasks() []TaskState {
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
func (e *Engine) StartTask(typ int, name string, d time.Duration) TaskState {
	e.lock()
	defer e.unlock()
	saved := e.taskDur
	e.taskDur = d
	t := e.startTask(typ, name, e.cfg.User, "", "", 2)
	e.taskDur = saved
	return t.state()
}
