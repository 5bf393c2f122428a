package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	alletra "github.com/openalletra/go-alletra"
)

// names are the object names one probe run makes up. All start with the
// run's prefix, so nothing the probe touches can be a customer's object.
type names struct {
	prefix                     string
	set, vol31, vol63, snap    string
	copyVol, host, iqn         string
	missVol, missHost, missSet string
	missIQN, missWWN           string
	labels                     map[string]string // name → label
}

func newNames() (*names, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	rnd := hex.EncodeToString(b)
	p := "prb" + rnd[:6]
	pad := func(s string, n int) string { return s + strings.Repeat("x", n-len(s)) }
	n := &names{prefix: p,
		set: p + "-set", vol31: pad(p+"-v31-", 31), vol63: pad(p+"-v63-", 63), snap: p + "-snap",
		copyVol: p + "-copy", host: p + "-host", iqn: "iqn.2026-12.org.openalletra:" + p,
		missVol: p + "-nxvol", missHost: p + "-nxhost", missSet: p + "-nxset",
		missIQN: "iqn.2026-12.org.openalletra:" + p + "-nx", missWWN: strings.ToUpper(rnd + rnd),
	}
	n.labels = map[string]string{
		n.set: "probe-set", n.vol31: "probe-vol31", n.vol63: "probe-vol63", n.snap: "probe-snap",
		n.copyVol: "probe-copy", n.host: "probe-host",
		n.missVol: "probe-missing-volume", n.missHost: "probe-missing-host", n.missSet: "probe-missing-set",
	}
	return n, nil
}

// runner runs the scenario against one array (or simulator).
type runner struct {
	c       *alletra.Client
	n       *names
	cpg     string
	steps   []StepResult
	info    ArrayInfo
	cleanup []cleanupItem
	left    []string
}

type cleanupItem struct {
	kind, name string // "volume", the probe's own name
	del        func(ctx context.Context) error
}

// step runs f with its requests tagged as the step name and records the
// outcome.
func (r *runner) step(ctx context.Context, name string, f func(ctx context.Context) error) error {
	return r.stepAs(ctx, name, false, f)
}

func (r *runner) sample(ctx context.Context, name string, f func(ctx context.Context) error) error {
	return r.stepAs(ctx, name, true, f)
}

func (r *runner) stepAs(ctx context.Context, name string, sample bool, f func(ctx context.Context) error) error {
	err := f(withStep(ctx, name, sample))
	r.steps = append(r.steps, StepResult{Step: name, Result: outcome(err)})
	return err
}

// do sends a request go-alletra has no method for (the iSCSI VLANs of a
// port, one vLUN by id, a raw export, a delete with cascade=true) through
// the client's escape hatch: same session, retries and typed errors. path
// is below /api/v1; the probe's names need no escaping.
func (r *runner) do(ctx context.Context, method, path string, query url.Values, body any) error {
	var opts []alletra.RequestOption
	if query != nil {
		opts = append(opts, alletra.WithQuery(query))
	}
	req, err := r.c.NewRequest(method, path, body, opts...)
	if err != nil {
		return err
	}
	_, err = r.c.Do(ctx, req, nil)
	return err
}

// readOnly is the default scenario: reads only, and reads of objects that
// cannot exist.
func (r *runner) readOnly(ctx context.Context) error {
	// The SDK logs in with its first call.
	if err := r.step(ctx, "version", func(ctx context.Context) error {
		v, err := r.c.System.APIVersion(ctx)
		if err == nil {
			r.info.Build = v.Build
			r.info.WSAPIVersion = fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Revision)
		}
		return err
	}); err != nil {
		return &classError{prefix: "probe: login and version: ", err: err}
	}
	_ = r.step(ctx, "system", func(ctx context.Context) error {
		s, err := r.c.System.Get(ctx)
		if err == nil {
			r.info.Model = s.Model
		}
		return err
	})
	_ = r.step(ctx, "wsapiconfiguration", func(ctx context.Context) error {
		_, err := r.c.System.WSAPIConfiguration(ctx)
		return err
	})
	var cpgs []alletra.CPG
	_ = r.step(ctx, "cpgs.list", func(ctx context.Context) (err error) {
		cpgs, err = r.c.System.CPGs(ctx)
		return err
	})
	if len(cpgs) > 0 {
		_ = r.sample(ctx, "cpgs.get", func(ctx context.Context) error {
			_, err := r.c.System.CPG(ctx, cpgs[0].Name)
			return err
		})
	}
	var ports []alletra.Port
	_ = r.step(ctx, "ports.list", func(ctx context.Context) (err error) {
		ports, err = r.c.Ports.List(ctx)
		return err
	})
	vlanPorts := 0
	for _, p := range ports {
		if p.ISCSIPortInfo == nil || p.ISCSIPortInfo.VLAN != 1 || vlanPorts == 2 {
			continue
		}
		vlanPorts++
		pos := fmt.Sprintf("%d:%d:%d", p.PortPos.Node, p.PortPos.Slot, p.PortPos.CardPort)
		_ = r.sample(ctx, "ports.iscsivlans", func(ctx context.Context) error {
			return r.do(ctx, http.MethodGet, "/ports/"+pos+"/iSCSIVlans/", nil, nil)
		})
	}
	var vols []alletra.Volume
	_ = r.step(ctx, "volumes.list", func(ctx context.Context) (err error) {
		vols, err = r.c.Volumes.List(ctx, nil)
		return err
	})
	for i := 0; i < len(vols) && i < 3; i++ {
		_ = r.sample(ctx, "volumes.get", func(ctx context.Context) error {
			_, err := r.c.Volumes.Get(ctx, vols[i].Name)
			return err
		})
	}
	var hosts []alletra.Host
	_ = r.step(ctx, "hosts.list", func(ctx context.Context) (err error) {
		hosts, err = r.c.Hosts.List(ctx, nil)
		return err
	})
	if len(hosts) > 0 {
		_ = r.sample(ctx, "hosts.get", func(ctx context.Context) error {
			_, err := r.c.Hosts.Get(ctx, hosts[0].Name)
			return err
		})
	}
	_ = r.step(ctx, "volumesets.list", func(ctx context.Context) error {
		_, err := r.c.VolumeSets.List(ctx)
		return err
	})
	_ = r.step(ctx, "vluns.list", func(ctx context.Context) error {
		_, err := r.c.VLUNs.List(ctx, &alletra.VLUNListOptions{IncludeActive: true})
		return err
	})
	var tasks []alletra.Task
	_ = r.step(ctx, "tasks.list", func(ctx context.Context) (err error) {
		tasks, err = r.c.Tasks.List(ctx)
		return err
	})
	if len(tasks) > 0 {
		_ = r.sample(ctx, "tasks.get", func(ctx context.Context) error {
			_, err := r.c.Tasks.Get(ctx, tasks[0].ID)
			return err
		})
	}

	// Objects that cannot exist: random names, a task id the list lacks.
	_ = r.step(ctx, "missing.volume", func(ctx context.Context) error {
		_, err := r.c.Volumes.Get(ctx, r.n.missVol)
		return err
	})
	_ = r.step(ctx, "missing.host", func(ctx context.Context) error {
		_, err := r.c.Hosts.Get(ctx, r.n.missHost)
		return err
	})
	_ = r.step(ctx, "missing.volumeset", func(ctx context.Context) error {
		_, err := r.c.VolumeSets.Get(ctx, r.n.missSet)
		return err
	})
	_ = r.step(ctx, "missing.task", func(ctx context.Context) error {
		_, err := r.c.Tasks.Get(ctx, unusedTaskID(tasks))
		return err
	})
	_ = r.step(ctx, "missing.vlun", func(ctx context.Context) error {
		return r.do(ctx, http.MethodGet, "/vluns/"+r.n.missVol+",1,"+r.n.missHost, nil, nil)
	})

	// Queries the SDK sends.
	_ = r.step(ctx, "query.vluns-by-volume", func(ctx context.Context) error {
		_, err := r.c.VLUNs.List(ctx, &alletra.VLUNListOptions{VolumeName: r.n.missVol})
		return err
	})
	_ = r.step(ctx, "query.hosts-by-initiator", func(ctx context.Context) error {
		_, err := r.c.Hosts.FindByInitiator(ctx, r.n.missIQN)
		return err
	})
	_ = r.step(ctx, "query.volumes-by-wwn", func(ctx context.Context) error {
		_, err := r.c.Volumes.FindByWWN(ctx, r.n.missWWN)
		return err
	})
	return nil
}

// unusedTaskID is a task id in the WSAPI's range (1–65535) that the list
// does not have, counting down from the top.
func unusedTaskID(tasks []alletra.Task) int {
	used := map[int]bool{}
	for _, t := range tasks {
		used[t.ID] = true
	}
	id := 65535
	for used[id] {
		id--
	}
	return id
}

// stopError ends the write scenario after a step that had to succeed.
type stopError struct{ step, outcome string }

func (e *stopError) Error() string {
	return "probe: write scenario stopped at " + e.step + ": " + e.outcome
}

// write is the opt-in scenario on objects the probe names itself. A step
// that must succeed and fails stops it; the caller then runs the cleanup.
func (r *runner) write(ctx context.Context) error {
	must := func(name string, f func(ctx context.Context) error) error {
		if err := r.step(ctx, name, f); err != nil {
			return &stopError{name, outcome(err)}
		}
		return nil
	}
	volume := func(name string, sizeMiB int64) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			err := r.c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: r.cpg, SizeMiB: sizeMiB})
			r.pushIfMaybe(err, "volume", name, func(ctx context.Context) error { return r.c.Volumes.Delete(ctx, name) })
			return err
		}
	}
	if err := must("write.volumeset.create", func(ctx context.Context) error {
		err := r.c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: r.n.set})
		r.pushIfMaybe(err, "volumeset", r.n.set, func(ctx context.Context) error { return r.c.VolumeSets.Delete(ctx, r.n.set) })
		return err
	}); err != nil {
		return err
	}
	r.info.NamesAccepted = map[string]bool{}
	err31 := r.step(ctx, "write.volume31.create", volume(r.n.vol31, 256))
	r.info.NamesAccepted["31"] = err31 == nil
	err63 := r.step(ctx, "write.volume63.create", volume(r.n.vol63, 256))
	r.info.NamesAccepted["63"] = err63 == nil
	if err31 != nil {
		return &stopError{"write.volume31.create", outcome(err31)}
	}
	if err63 == nil {
		_ = r.step(ctx, "write.volume63.get", func(ctx context.Context) error {
			_, err := r.c.Volumes.Get(ctx, r.n.vol63)
			return err
		})
	}
	if err := must("write.volume31.get", func(ctx context.Context) error {
		_, err := r.c.Volumes.Get(ctx, r.n.vol31)
		return err
	}); err != nil {
		return err
	}
	// A set add and remove, each twice: the second answers are the point.
	if err := must("write.volumeset.add", func(ctx context.Context) error {
		return r.c.VolumeSets.AddMembers(ctx, r.n.set, r.n.vol31)
	}); err != nil {
		return err
	}
	_ = r.step(ctx, "write.volumeset.add-again", func(ctx context.Context) error {
		return r.c.VolumeSets.AddMembers(ctx, r.n.set, r.n.vol31)
	})
	if err := must("write.volumeset.remove", func(ctx context.Context) error {
		return r.c.VolumeSets.RemoveMembers(ctx, r.n.set, r.n.vol31)
	}); err != nil {
		return err
	}
	_ = r.step(ctx, "write.volumeset.remove-again", func(ctx context.Context) error {
		return r.c.VolumeSets.RemoveMembers(ctx, r.n.set, r.n.vol31)
	})
	if err := must("write.snapshot.create", func(ctx context.Context) error {
		err := r.c.Snapshots.Create(ctx, r.n.vol31, &alletra.SnapshotCreateRequest{Name: r.n.snap})
		r.pushIfMaybe(err, "snapshot", r.n.snap, func(ctx context.Context) error { return r.c.Snapshots.Delete(ctx, r.n.snap) })
		return err
	}); err != nil {
		return err
	}
	if err := must("write.host.create", func(ctx context.Context) error {
		err := r.c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: r.n.host, ISCSINames: []string{r.n.iqn}})
		r.pushIfMaybe(err, "host", r.n.host, func(ctx context.Context) error { return r.c.Hosts.Delete(ctx, r.n.host) })
		return err
	}); err != nil {
		return err
	}
	if err := must("write.vlun.create", func(ctx context.Context) error {
		_, err := r.c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: r.n.vol31, HostName: r.n.host, AutoLUN: true})
		r.pushIfMaybe(err, "vlun", r.n.vol31+" to "+r.n.host, func(ctx context.Context) error {
			return r.c.VLUNs.DeleteForHost(ctx, r.n.vol31, r.n.host)
		})
		return err
	}); err != nil {
		return err
	}
	// go-alletra looks before it exports, so the duplicate is sent as a
	// plain request, the way LXD sends it: what does the array answer to a
	// second export of the same volume to the same host? (DeleteForHost
	// removes every export of the pair, a duplicate too.)
	_ = r.step(ctx, "write.vlun.create-duplicate", func(ctx context.Context) error {
		return r.do(ctx, http.MethodPost, "/vluns", nil, struct {
			VolumeName string `json:"volumeName"`
			HostName   string `json:"hostname"`
			LUN        int    `json:"lun"`
			AutoLUN    bool   `json:"autoLun"`
		}{r.n.vol31, r.n.host, 0, true})
	})
	// The parent is exported: an offline promote is refused, an online one
	// is how to do it.
	_ = r.step(ctx, "write.promote.offline-exported", func(ctx context.Context) error {
		return r.c.Snapshots.Restore(ctx, r.n.snap)
	})
	_ = r.step(ctx, "write.promote.online", func(ctx context.Context) error {
		t, err := r.c.Snapshots.StartRestore(ctx, r.n.snap, &alletra.RestoreOptions{Online: true})
		if err != nil {
			return err
		}
		_, err = r.c.Tasks.Wait(ctx, t.ID)
		return err
	})
	// The grow comes after the promotes: a snapshot cannot be promoted
	// onto a parent that grew since it was taken.
	if err := must("write.volume.grow", func(ctx context.Context) error {
		return r.c.Volumes.Grow(ctx, r.n.vol31, 256)
	}); err != nil {
		return err
	}
	if err := must("write.copy.dest-create", volume(r.n.copyVol, 1024)); err != nil {
		return err
	}
	_ = r.step(ctx, "write.copy", func(ctx context.Context) error {
		_, err := r.c.Snapshots.Copy(ctx, r.n.vol31, r.n.copyVol, nil)
		return err
	})
	if err := must("write.vlun.delete", func(ctx context.Context) error {
		return r.c.VLUNs.DeleteForHost(ctx, r.n.vol31, r.n.host)
	}); err != nil {
		return err
	}
	// The volume still has its snapshot: cascade=true is what removes both.
	_ = r.step(ctx, "write.volume.delete-cascade", func(ctx context.Context) error {
		return r.do(ctx, http.MethodDelete, "/volumes/"+r.n.vol31, url.Values{"cascade": {"true"}}, nil)
	})
	return nil
}

// pushIfMaybe remembers how to remove an object unless the array plainly
// refused to create it (an *APIError or a refusal before any request);
// after a lost answer the object may exist, so it is removed too.
func (r *runner) pushIfMaybe(err error, kind, name string, del func(ctx context.Context) error) {
	var apiErr *alletra.APIError
	var ve *alletra.ValidationError
	if err != nil && (errors.As(err, &apiErr) || errors.As(err, &ve)) {
		return
	}
	for _, c := range r.cleanup {
		if c.kind == kind && c.name == name {
			return
		}
	}
	r.cleanup = append(r.cleanup, cleanupItem{kind, name, del})
}

// removalOrder is the order in which kinds of objects are removed: an
// export blocks its volume and host; a set member cannot be deleted (the
// set can, members and all); a snapshot blocks its parent.
var removalOrder = []string{"vlun", "volumeset", "host", "snapshot", "volume"}

// removeAll deletes what the write scenario created, kind by kind in
// removalOrder and newest first within a kind, on a context that outlives
// ctx's cancellation, and keeps what it could not remove. A not-found
// counts as removed.
func (r *runner) removeAll(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	items := slices.Clone(r.cleanup)
	slices.Reverse(items)
	rank := func(c cleanupItem) int {
		if i := slices.Index(removalOrder, c.kind); i >= 0 {
			return i
		}
		return len(removalOrder) // an unlisted kind: last, but never forgotten
	}
	slices.SortStableFunc(items, func(a, b cleanupItem) int { return rank(a) - rank(b) })
	for _, c := range items {
		label := r.n.labels[c.name]
		if label == "" {
			label = "probe-" + c.kind // a vLUN: "<volume> to <host>"
		}
		err := r.step(ctx, "cleanup."+c.kind+"."+label, c.del)
		if err != nil && !errors.Is(err, alletra.ErrNotFound) {
			r.left = append(r.left, c.kind+" "+c.name)
		}
	}
	r.cleanup = nil
}

// classError is an error told by its class (see outcome), which keeps the
// error itself for errors.Is and errors.As: the CLI picks its exit code from
// it. An error of no known class (a network failure) shows its text too,
// there being nothing else to say; it goes to the user's terminal, never
// into the report.
type classError struct {
	prefix string
	err    error
}

func (e *classError) Error() string {
	if c := outcome(e.err); c != "error" {
		return e.prefix + c
	}
	return e.prefix + e.err.Error()
}

func (e *classError) Unwrap() error { return e.err }

// outcome classifies an error for the report without its text (which may
// name objects or the array).
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	class := "error"
	for _, s := range []struct {
		err  error
		name string
	}{
		{alletra.ErrNotFound, "ErrNotFound"}, {alletra.ErrAlreadyExists, "ErrAlreadyExists"},
		{alletra.ErrNameTooLong, "ErrNameTooLong"}, {alletra.ErrExported, "ErrExported"},
		{alletra.ErrInUse, "ErrInUse"}, {alletra.ErrBusy, "ErrBusy"}, {alletra.ErrConflict, "ErrConflict"},
		{alletra.ErrAuthentication, "ErrAuthentication"}, {alletra.ErrSessionLimit, "ErrSessionLimit"},
		{alletra.ErrPermission, "ErrPermission"}, {alletra.ErrTaskFailed, "ErrTaskFailed"},
		{alletra.ErrTaskCancelled, "ErrTaskCancelled"}, {alletra.ErrNoSpace, "ErrNoSpace"},
		{alletra.ErrInvalidInput, "ErrInvalidInput"}, {alletra.ErrEndpoint, "ErrEndpoint"},
	} {
		if errors.Is(err, s.err) {
			class = s.name
			break
		}
	}
	var apiErr *alletra.APIError
	var ve *alletra.ValidationError
	switch {
	case errors.As(err, &apiErr):
		return fmt.Sprintf("%s (HTTP %d/%d)", class, apiErr.StatusCode, apiErr.Code)
	case errors.As(err, &ve):
		return "ValidationError " + ve.Field
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "interrupted"
	}
	return class
}
