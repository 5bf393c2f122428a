package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	alletra "github.com/openalletra/go-alletra"
)

// lxdCost is what LXD's in-tree WSAPI client sends for the same step: the
// calls of each client method, composed as LXD's driver composes them.
// Hard-coded from reading LXD's source, not measured.
type lxdCost struct {
	trips int // round trips, task polls excluded
	tasks int // tasks waited for: GET /tasks/{id} every 5 s until each ends, so ≥ 1 poll and ≥ 5 s each
}

func (l lxdCost) String() string {
	if l.tasks > 0 {
		return fmt.Sprintf("%d + ≥%d polls", l.trips, l.tasks)
	}
	return fmt.Sprint(l.trips)
}

type result struct {
	name string
	got  counts
	took time.Duration
	lxd  lxdCost
	err  error
}

// runner runs the flow's steps in order, measuring each one's round trips
// (through the counting RoundTripper) and time. After the first failure the
// remaining steps are skipped and err holds the failure.
type runner struct {
	ctx     context.Context
	counter *counter
	results []result
	err     error
}

func (r *runner) step(name string, lxd lxdCost, fn func(ctx context.Context) (string, error)) {
	if r.err != nil {
		return
	}
	before, start := r.counter.now(), time.Now()
	detail, err := fn(r.ctx)
	res := result{name: name, got: r.counter.now().sub(before), took: time.Since(start), lxd: lxd, err: err}
	r.results = append(r.results, res)
	trips := fmt.Sprintf("%2d round trip", res.got.trips)
	if res.got.trips != 1 {
		trips += "s"
	}
	if res.got.polls > 0 {
		trips += fmt.Sprintf(" (%d polls)", res.got.polls)
	}
	fmt.Printf("%2d. %-36s %-25s %8s  ", len(r.results), name, trips, ms(res.took))
	if err != nil {
		fmt.Printf("FAILED: %v\n", err)
		r.err = fmt.Errorf("step %q: %w", name, err)
		return
	}
	fmt.Println(detail)
}

// table prints the summary: our round trips next to LXD's for each step.
func (r *runner) table(total time.Duration) {
	const row = "%-36s %10s %12s %15s %10s\n"
	fmt.Printf("\nround trips per step\n"+row, "step", "go-alletra", "(task polls)", "LXD in-tree", "time")
	var sum counts
	var lxd lxdCost
	for _, res := range r.results {
		fmt.Printf(row, res.name, fmt.Sprint(res.got.trips), fmt.Sprint(res.got.polls), res.lxd, ms(res.took))
		sum = counts{sum.trips + res.got.trips, sum.logins + res.got.logins, sum.polls + res.got.polls, sum.conns + res.got.conns}
		lxd = lxdCost{lxd.trips + res.lxd.trips, lxd.tasks + res.lxd.tasks}
	}
	fmt.Printf(row, "total", fmt.Sprint(sum.trips), fmt.Sprint(sum.polls), lxd, ms(total))
	fmt.Printf("\ngo-alletra: %d round trips over %d connection(s), %d login(s); tasks polled at once, then from 250 ms up.\n",
		sum.trips, sum.conns, sum.logins)
	fmt.Printf("LXD in-tree: %s round trips, a new TLS connection for each (a transport per request)", lxd)
	if lxd.tasks > 0 {
		fmt.Printf(";\nit polls tasks every 5 s, so its %d tasks would wait at least %d s", lxd.tasks, 5*lxd.tasks)
	}
	fmt.Println(".")
}

func ms(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }

// cleanup is a stack of undo actions for what the flow created. The flow
// drops an entry when it deletes the object itself; whatever is left when
// the flow ends (it failed) is undone in reverse order.
type cleanup struct {
	keys []string
	fns  map[string]func(context.Context) error
}

// push registers undo for key, replacing (and moving to the top) an older
// entry with the same key.
func (c *cleanup) push(key string, undo func(context.Context) error) {
	if c.fns == nil {
		c.fns = map[string]func(context.Context) error{}
	}
	c.drop(key)
	c.keys = append(c.keys, key)
	c.fns[key] = undo
}

// drop forgets key: the object is gone.
func (c *cleanup) drop(key string) {
	c.keys = slices.DeleteFunc(c.keys, func(k string) bool { return k == key })
	delete(c.fns, key)
}

// run undoes what is left, newest first, with its own time limit (the
// flow's context may be what ran out). Objects already gone are fine.
func (c *cleanup) run(timeout time.Duration) error {
	if len(c.keys) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	fmt.Println("\ncleaning up after the failure:")
	var errs []error
	for _, key := range slices.Backward(c.keys) {
		err := c.fns[key](ctx)
		if errors.Is(err, alletra.ErrNotFound) {
			err = nil
		}
		status := "removed"
		if err != nil {
			status, errs = "FAILED: "+err.Error(), append(errs, err)
		}
		fmt.Printf("  %s: %s\n", key, status)
	}
	c.keys, c.fns = nil, nil
	return errors.Join(errs...)
}
