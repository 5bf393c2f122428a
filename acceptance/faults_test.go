package acceptance_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// The fault matrix: every mutating operation × every fault, each on its own
// simulated array. Each scenario must end in success or a typed error, and
// the array must show the operation done at most once: no lost object, no
// duplicate, no double grow, no orphan set member or vLUN.
//
// Tallies of the outcomes are logged by TestFaultMatrix (go test -run
// FaultMatrix -v ./acceptance).

const (
	fmCPG     = "SSD_r6"
	fmVol     = "vol1"
	fmVol2    = "vol2"
	fmSnap    = "snap1"
	fmSet     = "set1"
	fmHost    = "host1"
	fmIQN     = "iqn.2024-01.com.example:host1"
	fmSizeMiB = 1024
	fmGrowMiB = 1024

	fmRequestTimeout = time.Second // with fmSlowDelay: the slow fault, run on synctest's clock (no real waiting)
	fmSlowDelay      = 2 * time.Second
)

// fmOp is one mutating operation of the matrix.
type fmOp struct {
	name string
	// method and route select the request that the fault disturbs.
	method, route string
	// readsFirst: run reads before it sends the faulted request.
	readsFirst bool
	// once: the SDK never repeats it (a delta or a task: grow, restore,
	// copy), so an unknown outcome must come back as an error.
	once bool
	// setup creates the prerequisites through the SDK.
	setup func(ctx context.Context, t *testing.T, c *alletra.Client, srv *alletratest.Server)
	// run performs the operation; its result goes to effect.
	run func(ctx context.Context, c *alletra.Client) (any, error)
	// effect checks the array's state — no duplicate, no orphan, anything
	// present is what was asked — and returns how often the operation took
	// effect (0 or 1; the check fails the test on anything else). A nil
	// error from run comes with its result, which effect checks too.
	effect func(t *testing.T, srv *alletratest.Server, res any, runErr error) int
}

// fmOutcome is what a fault allows for an operation.
type fmOutcome struct {
	okAllowed  bool
	errAllowed bool
	// errEffects are the effect counts allowed when run failed.
	errEffects []int
	// errClass is the outcomeClass a failure must have.
	errClass string
}

// fmFault is one fault of the matrix.
type fmFault struct {
	name string
	// fake runs the scenario in a synctest bubble, on its clock, with the
	// array over in-memory pipes (plain HTTP).
	fake bool
	// inject arms the fault for op, after setup and before run.
	inject func(srv *alletratest.Server, rt *refuseOnceTransport, op *fmOp)
	// opts are extra client options.
	opts []alletra.Option
	// expect says which outcomes are acceptable for op.
	expect func(op *fmOp) fmOutcome
	// sends gives the range of how often the faulted request may reach
	// the array (a refused or replayed attempt included).
	sends func(op *fmOp) (lo, hi int)
	// verify checks more, e.g. that the fault did strike; st are the
	// counters read right after the operation.
	verify func(t *testing.T, rt *refuseOnceTransport, st alletratest.Stats)
}

var mustSucceed = fmOutcome{okAllowed: true}

// fails is a failure of class leaving the operation done effect times.
func fails(effect int, class string) fmOutcome {
	return fmOutcome{errAllowed: true, errEffects: []int{effect}, errClass: class}
}

// deleteFoundGone: a delete retried after its first attempt took effect
// ends in success or in the documented ErrNotFound.
var deleteFoundGone = fmOutcome{okAllowed: true, errAllowed: true, errEffects: []int{1}, errClass: "APIError 404"}

func fmFaults() []fmFault {
	return []fmFault{
		{
			name: "ConnectionRefused",
			inject: func(_ *alletratest.Server, rt *refuseOnceTransport, op *fmOp) {
				rt.arm(op.method, op.route)
			},
			// A dial error means the array never saw the request: every
			// operation, even a grow, may be sent again.
			expect: func(*fmOp) fmOutcome { return mustSucceed },
			// The refused attempt never reached the array.
			sends: fixedSends(1),
			verify: func(t *testing.T, rt *refuseOnceTransport, _ alletratest.Stats) {
				assert.EqualValues(t, 1, rt.refused.Load(), "the dial error was injected")
			},
		},
		{
			name: "CommitThenDrop",
			inject: func(srv *alletratest.Server, _ *refuseOnceTransport, op *fmOp) {
				srv.InjectFault(op.method, op.route, alletratest.Fault{Kind: alletratest.FaultCommitThenDrop})
			},
			expect: func(op *fmOp) fmOutcome {
				switch {
				case op.once: // done, but the answer is lost: unknown outcome
					return fails(1, "TransportError")
				case op.name == "DeleteVolume":
					// The retry finds the volume gone: success, or the
					// documented ErrNotFound callers tearing down ignore.
					return deleteFoundGone
				}
				return mustSucceed // creates reconcile, set changes converge
			},
			sends: func(op *fmOp) (int, int) {
				if op.once || op.name == "CreateVLUN" { // a vLUN's precheck finds it: not sent again
					return 1, 1
				}
				return 2, 2
			},
		},
		{
			name: "DropBeforeCommit",
			inject: func(srv *alletratest.Server, _ *refuseOnceTransport, op *fmOp) {
				srv.InjectFault(op.method, op.route, alletratest.Fault{Kind: alletratest.FaultDropBeforeCommit})
			},
			expect: func(op *fmOp) fmOutcome {
				// Not done, but the client cannot know. A vLUN create is
				// not sent again after a reset: the check finds nothing.
				if op.once || op.name == "CreateVLUN" {
					return fails(0, "TransportError")
				}
				return mustSucceed
			},
			sends: func(op *fmOp) (int, int) {
				if op.once || op.name == "CreateVLUN" {
					return 1, 1
				}
				return 2, 2
			},
		},
		{
			name: "Busy503Twice",
			inject: func(srv *alletratest.Server, _ *refuseOnceTransport, op *fmOp) {
				srv.InjectFault(op.method, op.route, alletratest.Fault{Kind: alletratest.FaultStatus,
					Status: http.StatusServiceUnavailable, Code: alletra.CodeSystemBusy, Times: 2})
			},
			expect: func(op *fmOp) fmOutcome {
				if op.once { // never repeated but a dial error: ErrBusy
					return fails(0, "APIError 503")
				}
				return mustSucceed
			},
			sends: func(op *fmOp) (int, int) {
				if op.once {
					return 1, 1
				}
				return 3, 3
			},
		},
		{
			name: "HTML500",
			inject: func(srv *alletratest.Server, _ *refuseOnceTransport, op *fmOp) {
				srv.InjectFault(op.method, op.route, alletratest.Fault{Kind: alletratest.FaultHTMLBody,
					Status: http.StatusInternalServerError})
			},
			// A 500 is not retried by anything: a typed error, nothing done.
			expect: func(*fmOp) fmOutcome { return fails(0, "APIError 500") },
			sends:  fixedSends(1),
		},
		{
			name: "SlowBeyondTimeout",
			fake: true,
			inject: func(srv *alletratest.Server, _ *refuseOnceTransport, op *fmOp) {
				srv.InjectFault(op.method, op.route, alletratest.Fault{Kind: alletratest.FaultDelay, Delay: fmSlowDelay})
			},
			opts: []alletra.Option{alletra.WithRequestTimeout(fmRequestTimeout)},
			expect: func(op *fmOp) fmOutcome {
				switch {
				case op.once, op.name == "CreateVLUN":
					// The array carries it out after the client gave up. A
					// vLUN create is not sent again after a timeout either:
					// the array would silently export twice.
					return fails(1, "TransportError")
				case op.name == "DeleteVolume":
					// The retry may come after the slow attempt deleted
					// the volume.
					return deleteFoundGone
				}
				return mustSucceed // a retry does it, or reconciles / converges
			},
			sends: func(op *fmOp) (int, int) {
				if op.once || op.name == "CreateVLUN" {
					return 1, 1
				}
				return 2, 4 // one more when a retry is slow too on a loaded machine
			},
		},
		{
			name: "SessionExpired",
			inject: func(srv *alletratest.Server, _ *refuseOnceTransport, _ *fmOp) {
				srv.ExpireSessions()
			},
			// 403 code 6 means not done: log in again and replay.
			expect: func(*fmOp) fmOutcome { return mustSucceed },
			sends: func(op *fmOp) (int, int) {
				if op.readsFirst { // a read meets the expired key
					return 1, 1
				}
				return 2, 2 // the refused one and the replay
			},
			verify: func(t *testing.T, _ *refuseOnceTransport, st alletratest.Stats) {
				assert.Equal(t, 2, st.Logins, "one login, one re-login")
			},
		},
	}
}

func fmOps() []fmOp {
	createVolume := func(ctx context.Context, t *testing.T, c *alletra.Client, name string) {
		t.Helper()
		require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: fmCPG, SizeMiB: fmSizeMiB}))
	}
	// loginOnly logs in (by listing volumes), so that the session can expire.
	loginOnly := func(ctx context.Context, t *testing.T, c *alletra.Client, _ *alletratest.Server) {
		_, err := c.Volumes.List(ctx, nil)
		require.NoError(t, err)
	}
	return []fmOp{
		{
			name: "CreateVolume", method: http.MethodPost, route: "/api/v1/volumes",
			setup: loginOnly,
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return nil, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: fmVol, CPG: fmCPG, SizeMiB: fmSizeMiB})
			},
			effect: func(t *testing.T, srv *alletratest.Server, _ any, _ error) int {
				vols := srv.Volumes()
				require.LessOrEqual(t, len(vols), 1, "duplicate volumes: %+v", vols)
				if len(vols) == 0 {
					return 0
				}
				v := vols[0]
				assert.Equal(t, fmVol, v.Name)
				assert.EqualValues(t, fmSizeMiB, v.SizeMiB)
				assert.Equal(t, fmCPG, v.CPG)
				assert.Equal(t, alletra.CopyBase, v.CopyType, "a base volume")
				return 1
			},
		},
		{
			name: "AddToSet", method: http.MethodPut, route: "/api/v1/volumesets/{name}",
			setup: func(ctx context.Context, t *testing.T, c *alletra.Client, _ *alletratest.Server) {
				createVolume(ctx, t, c, fmVol)
				require.NoError(t, c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: fmSet}))
			},
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return nil, c.VolumeSets.AddMembers(ctx, fmSet, fmVol)
			},
			effect: func(t *testing.T, srv *alletratest.Server, _ any, _ error) int {
				sets := srv.VolumeSets()
				require.Len(t, sets, 1, "exactly one set")
				members := sets[0].Members
				require.LessOrEqual(t, len(members), 1, "duplicate membership: %v", members)
				if len(members) == 0 {
					return 0
				}
				assert.Equal(t, fmVol, members[0])
				return 1
			},
		},
		{
			name: "CreateHost", method: http.MethodPost, route: "/api/v1/hosts",
			setup: loginOnly,
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return nil, c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: fmHost, ISCSINames: []string{fmIQN},
					Persona: alletra.PersonaGenericALUA})
			},
			effect: func(t *testing.T, srv *alletratest.Server, _ any, _ error) int {
				hosts := srv.Hosts()
				require.LessOrEqual(t, len(hosts), 1, "duplicate hosts: %+v", hosts)
				if len(hosts) == 0 {
					return 0
				}
				h := hosts[0]
				assert.Equal(t, fmHost, h.Name)
				assert.Equal(t, []string{fmIQN}, h.ISCSINames)
				assert.Equal(t, alletra.PersonaGenericALUA, h.Persona)
				return 1
			},
		},
		{
			name: "CreateVLUN", method: http.MethodPost, route: "/api/v1/vluns", readsFirst: true,
			setup: func(ctx context.Context, t *testing.T, c *alletra.Client, _ *alletratest.Server) {
				createVolume(ctx, t, c, fmVol)
				require.NoError(t, c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: fmHost, ISCSINames: []string{fmIQN}}))
			},
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				// LXD's export: lun 0 with autoLun, on which an iSCSI host
				// silently gets a second vLUN if the POST is repeated.
				v, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: fmVol, HostName: fmHost, AutoLUN: true})
				return v, err
			},
			effect: func(t *testing.T, srv *alletratest.Server, res any, runErr error) int {
				var templates []alletratest.VLUNState
				for _, l := range srv.VLUNs() {
					if !l.Active {
						templates = append(templates, l)
					}
				}
				require.LessOrEqual(t, len(templates), 1, "duplicate vLUN templates: %+v", templates)
				if len(templates) == 0 {
					return 0
				}
				tpl := templates[0]
				assert.Equal(t, fmVol, tpl.VolumeName)
				assert.Equal(t, fmHost, tpl.Hostname)
				if runErr == nil {
					v, _ := res.(*alletra.VLUN)
					require.NotNil(t, v)
					assert.Equal(t, tpl.LUN, v.LUN, "the LUN returned is the one exported")
					assert.Equal(t, fmVol, v.VolumeName)
					assert.Equal(t, fmHost, v.HostName)
					assert.False(t, v.Existed, "the export was made by this call")
				}
				return 1
			},
		},
		{
			name: "CreateSnapshot", method: http.MethodPost, route: "/api/v1/volumes/{name}",
			setup: func(ctx context.Context, t *testing.T, c *alletra.Client, _ *alletratest.Server) {
				createVolume(ctx, t, c, fmVol)
			},
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return nil, c.Snapshots.Create(ctx, fmVol, &alletra.SnapshotCreateRequest{Name: fmSnap, ReadOnly: true})
			},
			effect: func(t *testing.T, srv *alletratest.Server, _ any, _ error) int {
				vols := srv.Volumes()
				require.LessOrEqual(t, len(vols), 2, "duplicate snapshots: %+v", vols)
				_, ok := srv.Volume(fmVol)
				require.True(t, ok, "parent lost")
				if len(vols) == 1 {
					return 0
				}
				s, ok := srv.Volume(fmSnap)
				require.True(t, ok, "unexpected volume: %+v", vols)
				assert.Equal(t, alletra.CopyVirtualCopy, s.CopyType, "a virtual copy")
				assert.Equal(t, fmVol, s.CopyOf)
				assert.True(t, s.ReadOnly)
				return 1
			},
		},
		{
			name: "GrowVolume", method: http.MethodPut, route: "/api/v1/volumes/{name}", once: true,
			setup: func(ctx context.Context, t *testing.T, c *alletra.Client, _ *alletratest.Server) {
				createVolume(ctx, t, c, fmVol)
			},
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return nil, c.Volumes.Grow(ctx, fmVol, fmGrowMiB)
			},
			effect: func(t *testing.T, srv *alletratest.Server, _ any, _ error) int {
				v, ok := srv.Volume(fmVol)
				require.True(t, ok, "volume lost")
				switch v.SizeMiB {
				case fmSizeMiB:
					return 0
				case fmSizeMiB + fmGrowMiB:
					return 1
				}
				t.Fatalf("volume is %d MiB: grown %d times", v.SizeMiB, (v.SizeMiB-fmSizeMiB)/fmGrowMiB)
				return -1
			},
		},
		{
			name: "RestoreSnapshot", method: http.MethodPut, route: "/api/v1/volumes/{name}", once: true,
			setup: func(ctx context.Context, t *testing.T, c *alletra.Client, srv *alletratest.Server) {
				createVolume(ctx, t, c, fmVol)
				require.NoError(t, srv.WriteContent(fmVol, "before"))
				require.NoError(t, c.Snapshots.Create(ctx, fmVol, &alletra.SnapshotCreateRequest{Name: fmSnap}))
				require.NoError(t, srv.WriteContent(fmVol, "after"))
			},
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return nil, c.Snapshots.Restore(ctx, fmSnap)
			},
			effect: func(t *testing.T, srv *alletratest.Server, _ any, _ error) int {
				promotes := tasksOfType(srv, alletra.TaskTypePromoteSnapshot)
				require.LessOrEqual(t, len(promotes), 1, "promoted more than once: %+v", promotes)
				_, snapOK := srv.Volume(fmSnap)
				require.True(t, snapOK, "snapshot lost")
				content, err := srv.Content(fmVol)
				require.NoError(t, err, "parent lost")
				if len(promotes) == 0 {
					assert.Equal(t, "after", content)
					return 0
				}
				assert.Equal(t, alletra.TaskDone, promotes[0].Status, "task done")
				assert.Equal(t, fmSnap, promotes[0].Source)
				assert.Equal(t, fmVol, promotes[0].Dest)
				assert.Equal(t, "before", content, "the parent holds the snapshot's data")
				return 1
			},
		},
		{
			name: "CopyVolume", method: http.MethodPost, route: "/api/v1/volumes/{name}", once: true, // Copy reads no volume first
			setup: func(ctx context.Context, t *testing.T, c *alletra.Client, srv *alletratest.Server) {
				createVolume(ctx, t, c, fmVol)
				createVolume(ctx, t, c, fmVol2)
				require.NoError(t, srv.WriteContent(fmVol, "source"))
				require.NoError(t, srv.WriteContent(fmVol2, "dest"))
			},
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return c.Snapshots.Copy(ctx, fmVol, fmVol2, nil)
			},
			effect: func(t *testing.T, srv *alletratest.Server, res any, runErr error) int {
				copies := tasksOfType(srv, alletra.TaskTypeVolumeCopy)
				require.LessOrEqual(t, len(copies), 1, "copied more than once: %+v", copies)
				require.Len(t, srv.Volumes(), 2, "no volume lost or added")
				content, err := srv.Content(fmVol2)
				require.NoError(t, err)
				src, err := srv.Content(fmVol)
				require.NoError(t, err)
				assert.Equal(t, "source", src, "the source is untouched")
				if len(copies) == 0 {
					assert.Equal(t, "dest", content)
					return 0
				}
				assert.Equal(t, alletra.TaskDone, copies[0].Status, "task done")
				assert.Equal(t, "source", content, "the destination holds the source's data")
				if runErr == nil {
					task, _ := res.(*alletra.Task)
					require.NotNil(t, task)
					assert.Equal(t, copies[0].ID, task.ID)
					assert.Equal(t, alletra.TaskDone, task.Status)
				}
				return 1
			},
		},
		{
			name: "DeleteVolume", method: http.MethodDelete, route: "/api/v1/volumes/{name}",
			setup: func(ctx context.Context, t *testing.T, c *alletra.Client, _ *alletratest.Server) {
				createVolume(ctx, t, c, fmVol)
			},
			run: func(ctx context.Context, c *alletra.Client) (any, error) {
				return nil, c.Volumes.Delete(ctx, fmVol)
			},
			effect: func(t *testing.T, srv *alletratest.Server, _ any, runErr error) int {
				if _, ok := srv.Volume(fmVol); ok {
					require.Len(t, srv.Volumes(), 1)
					return 0
				}
				require.Empty(t, srv.Volumes())
				if runErr != nil {
					// Only a retry that found the volume already deleted
					// may report an error for a delete that took effect.
					assert.ErrorIs(t, runErr, alletra.ErrNotFound)
				}
				return 1
			},
		},
	}
}

// fmTally counts the matrix's outcomes for the summary.
type fmTally struct {
	mu                   sync.Mutex
	scenarios, ok, typed int
	byClass              map[string]int
}

func (ta *fmTally) add(runErr error, class string) {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	ta.scenarios++
	if runErr == nil {
		ta.ok++
	} else {
		ta.typed++
		ta.byClass[class]++
	}
}

func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	faults := fmFaults()
	ops := fmOps()
	tally := &fmTally{byClass: map[string]int{}}
	// Cleanup runs after the parallel subtests have finished.
	t.Cleanup(func() {
		tally.mu.Lock()
		defer tally.mu.Unlock()
		if t.Failed() {
			t.Logf("fault matrix: failed (%d of %d scenarios tallied)", tally.scenarios, len(faults)*len(ops))
			return
		}
		assert.Equal(t, len(faults)*len(ops), tally.scenarios)
		t.Logf("fault matrix: %d scenarios, %d ended in success, %d in a typed error %v; 0 lost, 0 duplicated",
			tally.scenarios, tally.ok, tally.typed, tally.byClass)
	})
	for oi := range ops {
		for fi := range faults {
			f, op := faults[fi], ops[oi]
			t.Run(op.name+"_"+f.name, func(t *testing.T) {
				t.Parallel()
				if f.fake {
					// The delay and the timeouts run on the bubble's
					// clock: the array over in-memory pipes, no waiting.
					synctest.Test(t, func(t *testing.T) { runFaultScenario(t, &f, &op, tally) })
					return
				}
				runFaultScenario(t, &f, &op, tally)
			})
		}
	}
}

func runFaultScenario(t *testing.T, f *fmFault, op *fmOp, tally *fmTally) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var srv *alletratest.Server
	var rt *refuseOnceTransport
	if f.fake {
		pipes := newPipeNet()
		srv = alletratest.NewTestServer(t, alletratest.WithListener(pipes), alletratest.WithPlainHTTP())
		rt = &refuseOnceTransport{base: &http.Transport{DialContext: pipes.DialContext}}
	} else {
		srv = alletratest.NewTestServer(t)
		rt = &refuseOnceTransport{base: srv.HTTPClient().Transport}
	}
	opts := append([]alletra.Option{
		alletra.WithHTTPClient(&http.Client{Transport: rt}),
		alletra.WithRetry(3, time.Millisecond, 5*time.Millisecond),
		alletra.WithTaskPolling(time.Millisecond, 10*time.Millisecond),
	}, f.opts...)
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(), opts...)
	require.NoError(t, err)
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = c.Close(context.Background())
		}
	})

	op.setup(ctx, t, c, srv)
	before := op.effect(t, srv, nil, errors.New("setup"))
	require.Equal(t, 0, before, "setup must not do the operation")
	sendsBefore := srv.Requests(op.method, op.route)

	f.inject(srv, rt, op)
	res, runErr := op.run(ctx, c)
	srv.ClearFaults()
	sends := srv.Requests(op.method, op.route) - sendsBefore
	st := srv.Stats()

	// A slow request goes on on the array after the client gave up:
	// wait until nothing is in flight before reading the state.
	waitIdle(t, srv)

	class := outcomeClass(runErr)
	require.NotEmpty(t, class, "untyped error %T: %v", runErr, runErr)
	want := f.expect(op)
	effect := op.effect(t, srv, res, runErr)
	if runErr == nil {
		require.True(t, want.okAllowed, "expected an error, got success")
		require.Equal(t, 1, effect, "a success must leave the operation done once")
	} else {
		require.True(t, want.errAllowed, "unexpected error (%s): %v", class, runErr)
		require.Equal(t, want.errClass, class, "error: %v", runErr)
		require.Contains(t, want.errEffects, effect, "effect after error %v", runErr)
	}
	lo, hi := f.sends(op)
	assert.True(t, sends >= lo && sends <= hi, "%s %s reached the array %d times, want %d to %d",
		op.method, op.route, sends, lo, hi)
	if f.verify != nil {
		f.verify(t, rt, st)
	}
	assertNoOrphans(t, srv)

	require.NoError(t, c.Close(ctx))
	closed = true
	assert.Equal(t, 0, srv.Sessions(), "sessions left after Close")

	tally.add(runErr, class)
}

// outcomeClass names the type of err: "ok" for nil, "" for an untyped error.
func outcomeClass(err error) string {
	var apiErr *alletra.APIError
	var tErr *alletra.TransportError
	var taskErr *alletra.TaskError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &taskErr):
		return "TaskError"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("APIError %d", apiErr.StatusCode)
	case errors.As(err, &tErr):
		return "TransportError"
	case errors.Is(err, context.DeadlineExceeded):
		return "DeadlineExceeded"
	case errors.Is(err, alletra.ErrBadResponse):
		return "ErrBadResponse"
	}
	return ""
}

// waitIdle waits (at most 2 s) until the array has no request in flight:
// ResetStats restarts MaxConcurrent from the requests in flight now.
func waitIdle(t *testing.T, srv *alletratest.Server) {
	t.Helper()
	deadline := time.NewTimer(2 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		srv.ResetStats()
		if srv.Stats().MaxConcurrent == 0 {
			return
		}
		select {
		case <-deadline.C:
			t.Fatal("the array still has requests in flight after 2 s")
		case <-tick.C:
		}
	}
}

func tasksOfType(srv *alletratest.Server, typ alletra.TaskType) []alletratest.TaskState {
	var out []alletratest.TaskState
	for _, task := range srv.Tasks() {
		if task.Type == typ {
			out = append(out, task)
		}
	}
	return out
}

func fixedSends(n int) func(*fmOp) (int, int) {
	return func(*fmOp) (int, int) { return n, n }
}

// assertNoOrphans checks that every set member is an existing volume and
// every vLUN names an existing volume and host.
func assertNoOrphans(t *testing.T, srv *alletratest.Server) {
	t.Helper()
	for _, s := range srv.VolumeSets() {
		for _, m := range s.Members {
			_, ok := srv.Volume(m)
			assert.True(t, ok, "set %s lists missing volume %s", s.Name, m)
		}
	}
	for _, l := range srv.VLUNs() {
		_, volOK := srv.Volume(l.VolumeName)
		_, hostOK := srv.Host(l.Hostname)
		assert.True(t, volOK && hostOK, "orphan vLUN %+v", l)
	}
}

// refuseOnceTransport fails the first request matching an armed method and
// route template with a dial error, as if the array refused the connection:
// the request never reaches it.
type refuseOnceTransport struct {
	base http.RoundTripper

	mu            sync.Mutex
	method, route string
	armed         bool
	refused       atomic.Int32
}

func (rt *refuseOnceTransport) arm(method, route string) {
	rt.mu.Lock()
	rt.method, rt.route, rt.armed = method, route, true
	rt.mu.Unlock()
}

// RoundTrip implements http.RoundTripper.
func (rt *refuseOnceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	hit := rt.armed && req.Method == rt.method && matchRoute(rt.route, req.URL.EscapedPath())
	if hit {
		rt.armed = false
	}
	rt.mu.Unlock()
	if hit {
		rt.refused.Add(1)
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
			Err: &net.OpError{Op: "connect", Err: syscall.ECONNREFUSED}}
	}
	return rt.base.RoundTrip(req)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the base transport.
func (rt *refuseOnceTransport) CloseIdleConnections() {
	if ci, ok := rt.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// matchRoute matches an escaped path against a template whose "{...}"
// segments match any one segment.
func matchRoute(tmpl, path string) bool {
	ts := strings.Split(strings.Trim(tmpl, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}

// pipeNet is a listener whose connections are in-memory pipes, dialled by
// its DialContext: inside a synctest bubble, a request waiting on the array
// is durably blocked, so the bubble's clock runs the array's delays and the
// client's timeouts without real waiting.
type pipeNet struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeNet() *pipeNet {
	return &pipeNet{conns: make(chan net.Conn), done: make(chan struct{})}
}

// Accept implements net.Listener.
func (p *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-p.conns:
		return c, nil
	case <-p.done:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener.
func (p *pipeNet) Close() error {
	p.once.Do(func() { close(p.done) })
	return nil
}

// Addr implements net.Listener: the address the simulator puts in its URL.
func (p *pipeNet) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }

// DialContext connects to the listener, whatever the address.
func (p *pipeNet) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case p.conns <- server:
		return client, nil
	case <-p.done:
	case <-ctx.Done():
	}
	client.Close()
	server.Close()
	return nil, &net.OpError{Op: "dial", Net: "pipe", Err: syscall.ECONNREFUSED}
}
