package main

// What alletractl does on top of single SDK calls: unexporting a volume from
// a host named on the command line, with the host's clean-up, and learning
// the task id of a restore or copy before it ends.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	alletra "github.com/openalletra/go-alletra"
)

// unexportResult is what unexport did.
type unexportResult struct {
	Unexported  bool // some export of the volume to the host was removed
	HostDeleted bool // asked to, the host had no vLUN left and was deleted
}

// unexport removes every export of volume to host and then, only when
// deleteHost (--delete-host-if-unused), deletes the host when no vLUN of it
// is left (what LXD's driver does on unmap). A volume not exported to the
// host is not an error here: the caller decides with --missing-ok. A host
// that is still exported elsewhere, or another client's export appearing in
// between, keeps the host. It uses the SDK's single calls (DeleteForHost,
// List, Hosts.Delete) so that the host is kept by default whatever shape
// VLUNs.Unmap takes.
func unexport(ctx context.Context, c *alletra.Client, volume, host string, deleteHost bool) (unexportResult, error) {
	var res unexportResult
	err := c.VLUNs.DeleteForHost(ctx, volume, host)
	switch {
	case err == nil:
		res.Unexported = true
	case !errors.Is(err, alletra.ErrNotFound):
		return res, err
	}
	if !deleteHost {
		return res, nil
	}
	left, err := c.VLUNs.List(ctx, &alletra.VLUNListOptions{HostName: host})
	if err != nil {
		return res, err
	}
	if len(left) > 0 {
		return res, nil
	}
	switch err := c.Hosts.Delete(ctx, host); {
	case err == nil:
		res.HostDeleted = true
	case errors.Is(err, alletra.ErrNotFound), errors.Is(err, alletra.ErrInUse):
		// gone already, or exported again meanwhile: leave it
	default:
		return res, err
	}
	return res, nil
}

// taskSpy is the HTTP transport of alletractl's client. Restore and copy in
// the SDK start a task and wait for it in one call; the spy tells the
// command the task id as soon as the SDK polls it (GET /api/v1/tasks/<id>,
// the request the SDK documents for its wait), so that the command can show
// progress or stop waiting. It looks at request paths only, never at bodies.
type taskSpy struct {
	base http.RoundTripper

	mu      sync.Mutex
	onPoll  func(id int) // called once per id; nil when nobody listens
	onceIDs map[int]bool
}

// httpClient returns an http.Client sending through the spy.
func (s *taskSpy) httpClient() *http.Client { return &http.Client{Transport: s} }

// watch makes f see the id of each task polled from now on (nil stops it).
func (s *taskSpy) watch(f func(id int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onPoll, s.onceIDs = f, map[int]bool{}
}

// RoundTrip implements http.RoundTripper.
func (s *taskSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	if id, ok := taskPollID(r); ok {
		s.mu.Lock()
		f := s.onPoll
		first := !s.onceIDs[id]
		if f != nil {
			s.onceIDs[id] = true
		}
		s.mu.Unlock()
		if f != nil && first {
			f(id)
		}
		if err := r.Context().Err(); err != nil {
			return nil, err // the listener stopped the wait
		}
	}
	return s.base.RoundTrip(r)
}

// taskPollID returns the id of a GET .../api/v1/tasks/<id> request.
func taskPollID(r *http.Request) (int, bool) {
	if r.Method != http.MethodGet {
		return 0, false
	}
	i := strings.LastIndex(r.URL.Path, "/api/v1/tasks/")
	if i < 0 {
		return 0, false
	}
	id, err := strconv.Atoi(r.URL.Path[i+len("/api/v1/tasks/"):])
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
