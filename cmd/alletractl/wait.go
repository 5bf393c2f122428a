package main

import (
	"context"
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

// runTask runs start, an SDK call that starts an array task and returns it
// as soon as the array accepted it (StartRestore, StartCopy), and returns
// the task.
//
// Without wait, the task is read once and returned as the array has it then
// (it goes on on the array). With wait, it is waited for (waitTask): on a
// terminal, a progress line on stderr shows the elapsed time, the task's
// status and its last detail; when ctx ends first (Ctrl-C, --timeout) the
// task id is told on stderr and the task is returned with the error.
func (a *app) runTask(ctx context.Context, c *alletra.Client, wait bool, start func(ctx context.Context) (*alletra.Task, error)) (*alletra.Task, error) {
	t, err := start(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("interrupted before the array named a task (it may have started one: see alletractl task list): %w", err)
	case err != nil:
		return nil, err
	}
	if wait {
		return a.waitTask(ctx, c, t.ID)
	}
	got, err := c.Tasks.Get(ctx, t.ID)
	if err != nil {
		return t, err // the task runs; its id is all there is to show
	}
	return got, nil
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
