package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"golang.org/x/term"
)

// progressEvery is how often the progress line is redrawn (and the task read).
const progressEvery = time.Second

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// runTask runs op, an SDK call that starts an array task and waits for it
// (restore, copy), and returns the task.
//
// Without wait, op is stopped as soon as the task id is known (the task goes
// on on the array) and the task is returned as the array has it then. With
// wait, op runs to the end; on a terminal, a progress line on stderr shows
// the elapsed time, the task's status and its last detail. When ctx ends first
// (Ctrl-C, --timeout) the task id is told on stderr, the task is returned with
// the error.
func (a *app) runTask(ctx context.Context, c *alletra.Client, wait bool, op func(ctx context.Context) error) (*alletra.Task, error) {
	opCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu sync.Mutex
		id int
	)
	known := make(chan struct{})
	a.spy.watch(func(n int) {
		mu.Lock()
		defer mu.Unlock()
		if id == 0 {
			id = n
			close(known)
		}
		if !wait {
			cancel() // the task runs; stop the SDK's wait for it
		}
	})
	defer a.spy.watch(nil)

	var stopProgress func()
	if wait && a.env.isTerm(a.env.stderr) {
		stopProgress = a.showProgress(ctx, c, known, func() int { mu.Lock(); defer mu.Unlock(); return id })
	}
	err := op(opCtx)
	if stopProgress != nil {
		stopProgress()
	}
	mu.Lock()
	taskID := id
	mu.Unlock()

	var te *alletra.TaskError
	if errors.As(err, &te) && te.ID > 0 {
		taskID = te.ID
	}
	switch {
	case err == nil:
	case ctx.Err() == nil && opCtx.Err() != nil && taskID > 0:
		err = nil // we stopped waiting (no --wait): the task was started
	case ctx.Err() != nil && taskID > 0:
		a.notef("stopped waiting for task %d; it goes on on the array: alletractl task wait %d", taskID, taskID)
		t := a.lookTask(c, taskID)
		return t, err
	case ctx.Err() != nil:
		return nil, fmt.Errorf("interrupted before the array named a task (it may have started one: see alletractl task list): %w", err)
	default:
		return nil, err
	}
	if taskID == 0 {
		return nil, errors.New("the array named no task")
	}
	t, gerr := c.Tasks.Get(ctx, taskID)
	if gerr != nil {
		return nil, gerr
	}
	return t, nil
}

// lookTask reads the task once more after an interrupt, on a short deadline
// of its own, falling back to just its id.
func (a *app) lookTask(c *alletra.Client, id int) *alletra.Task {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if t, err := c.Tasks.Get(ctx, id); err == nil {
		return t
	}
	return &alletra.Task{ID: id}
}

// waitTask waits for the task id with a progress line on a terminal.
func (a *app) waitTask(ctx context.Context, c *alletra.Client, id int) (*alletra.Task, error) {
	var stop func()
	if a.env.isTerm(a.env.stderr) {
		known := make(chan struct{})
		close(known)
		stop = a.showProgress(ctx, c, known, func() int { return id })
	}
	t, err := c.Tasks.Wait(ctx, id)
	if stop != nil {
		stop()
	}
	if err != nil && ctx.Err() != nil {
		a.notef("stopped waiting for task %d; it goes on on the array: alletractl task wait %d", id, id)
		return a.lookTask(c, id), err
	}
	return t, err
}

// showProgress draws the progress line on stderr until the returned function
// is called, which clears the line. The line appears once known is closed.
func (a *app) showProgress(ctx context.Context, c *alletra.Client, known <-chan struct{}, id func() int) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		select {
		case <-known:
		case <-done:
			return
		}
		ticker := time.NewTicker(progressEvery)
		defer ticker.Stop()
		var last *alletra.Task
		for {
			if t, err := c.Tasks.Get(ctx, id()); err == nil {
				last = t
			}
			fmt.Fprint(a.env.stderr, "\r\x1b[K"+progressLine(id(), time.Since(start), last))
			select {
			case <-ticker.C:
			case <-done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		fmt.Fprint(a.env.stderr, "\r\x1b[K")
	}
}

// progressLine is the live line: task id, elapsed time, status, last detail.
func progressLine(id int, elapsed time.Duration, t *alletra.Task) string {
	s := fmt.Sprintf("task %d  %s", id, elapsed.Truncate(time.Second))
	if t != nil {
		v := newTaskView(t)
		s += "  " + v.Status
		if d := progressDetail(v); d != "" {
			s += "  " + d
		}
	}
	return s
}

// progressDetail tells how far a task is: "phase 1/2, step 3/10".
func progressDetail(t taskView) string {
	var parts []string
	if t.TotalPhases > 0 {
		parts = append(parts, fmt.Sprintf("phase %d/%d", t.CompletedPhases, t.TotalPhases))
	}
	if t.TotalSteps > 0 {
		parts = append(parts, fmt.Sprintf("step %d/%d", t.CompletedSteps, t.TotalSteps))
	}
	return strings.Join(parts, ", ")
}
