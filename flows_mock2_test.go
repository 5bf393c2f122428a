package alletra

// LXD acceptance flows of lxd.md §6 (numbers 4, 10, 14, 15 and 18) on a
// small stateful httpmock fake. The fake speaks the wire format from its own
// maps (never the SDK's structs), keeps just enough state for these flows,
// and records every write so that the tests can assert what was sent.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type f2Vol struct {
	name     string
	sizeMiB  int64
	cpg      string
	copyOf   string
	copyType int // 1 base, 2 physical copy, 3 virtual copy
	prov     int
	id       int
	data     string // content token, for restore/copy checks
}

type f2VLUN struct {
	vol  string
	lun  int
	host string
}

type f2Task struct {
	polls  int // ACTIVE answers left
	status int // final status
	apply  func()
}

type f2Write struct {
	method, path string
	body         map[string]any
}

// flowArray2 is the fake array of this file.
type flowArray2 struct {
	mu     sync.Mutex
	vols   map[string]*f2Vol
	sets   map[string][]string
	vluns  []f2VLUN
	tasks  map[int]*f2Task
	nextID int
	writes []f2Write
	maxMiB int64
}

var f2Route = regexp.MustCompile(`^/gw/api/v1/(volumes|volumesets|vluns|tasks)(?:/([^/]+))?$`)

func newFlowArray2(t *testing.T) (*Client, *flowArray2, *mockArray) {
	t.Helper()
	c, m := newMock(t, fastTasks)
	a := &flowArray2{vols: map[string]*f2Vol{}, sets: map[string][]string{}, tasks: map[int]*f2Task{},
		nextID: 100, maxMiB: 16 << 20}
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		m.RegisterRegexpResponder(method, regexp.MustCompile(`^https://array\.test:8080/gw/api/v1/(volumes|volumesets|vluns|tasks)`),
			func(req *http.Request) (*http.Response, error) { return a.serve(t, req), nil })
	}
	return c, a, m
}

func f2JSON(status int, v any) *http.Response {
	b, _ := json.Marshal(v)
	resp := httpmock.NewBytesResponse(status, b)
	resp.Header.Set("Content-Type", "application/json")
	return resp
}

func f2Err(status, code int, desc string) *http.Response {
	return f2JSON(status, map[string]any{"code": code, "desc": desc})
}

func (a *flowArray2) volJSON(v *f2Vol) map[string]any {
	hex := fmt.Sprintf("%08X", v.id)
	out := map[string]any{
		"id": v.id, "name": v.name, "sizeMiB": v.sizeMiB, "userCPG": v.cpg, "copyType": v.copyType,
		"provisioningType": v.prov, "baseId": v.id,
		"wwn":   "60002AC0000000000000" + hex + "1F4B",
		"nguid": hex + "0000101F2AC0000000000000",
	}
	if v.copyOf != "" {
		out["copyOf"] = v.copyOf
	}
	return out
}

func (a *flowArray2) exported(vol string) bool {
	for _, l := range a.vluns {
		if l.vol == vol {
			return true
		}
	}
	return false
}

func (a *flowArray2) inSet(vol string) bool {
	for _, ms := range a.sets {
		for _, m := range ms {
			if m == vol {
				return true
			}
		}
	}
	return false
}

func (a *flowArray2) newTask(polls, status int, apply func()) int {
	a.nextID++
	a.tasks[a.nextID] = &f2Task{polls: polls, status: status, apply: apply}
	return a.nextID
}

func (a *flowArray2) serve(t *testing.T, req *http.Request) *http.Response {
	a.mu.Lock()
	defer a.mu.Unlock()
	sm := f2Route.FindStringSubmatch(req.URL.Path)
	if sm == nil {
		return f2Err(http.StatusNotFound, 11, "no such resource")
	}
	coll, name := sm[1], sm[2]
	if n, err := url.PathUnescape(name); err == nil {
		name = n
	}
	var body map[string]any
	if req.Body != nil {
		raw, _ := io.ReadAll(req.Body)
		if len(raw) > 0 {
			require.NoError(t, json.Unmarshal(raw, &body), "%s", raw)
		}
	}
	if req.Method != http.MethodGet {
		a.writes = append(a.writes, f2Write{req.Method, "/" + coll + "/" + name, body})
	}
	switch coll {
	case "volumes":
		return a.volumes(req, name, body)
	case "volumesets":
		return a.volumeSets(req, name, body)
	case "vluns":
		parts := strings.Split(name, ",")
		for i, l := range a.vluns {
			if len(parts) >= 3 && l.vol == parts[0] && fmt.Sprint(l.lun) == parts[1] && l.host == parts[2] {
				a.vluns = append(a.vluns[:i], a.vluns[i+1:]...)
				return httpmock.NewStringResponse(http.StatusOK, "")
			}
		}
		return f2Err(http.StatusNotFound, 19, "vlun does not exist")
	case "tasks":
		id, _ := strconv.Atoi(name)
		tk, ok := a.tasks[id]
		if !ok {
			return f2Err(http.StatusNotFound, 145, "task does not exist")
		}
		status := 2
		if tk.polls > 0 {
			tk.polls--
		} else {
			status = tk.status
			if tk.apply != nil {
				tk.apply()
				tk.apply = nil
			}
		}
		return f2JSON(http.StatusOK, map[string]any{"id": id, "status": status, "name": "task"})
	}
	return f2Err(http.StatusBadRequest, 9, "unsupported")
}

func (a *flowArray2) volumes(req *http.Request, name string, body map[string]any) *http.Response {
	num := func(k string, m map[string]any) int64 { f, _ := m[k].(float64); return int64(f) }
	str := func(k string, m map[string]any) string { s, _ := m[k].(string); return s }
	v := a.vols[name]
	switch {
	case req.Method == http.MethodGet && name == "":
		q := req.URL.Query().Get("query")
		members := []map[string]any{}
		for _, v := range a.vols {
			if parent, ok := strings.CutPrefix(strings.Trim(q, `"`), "copyOf=="); ok && v.copyOf != parent {
				continue
			}
			members = append(members, a.volJSON(v))
		}
		return f2JSON(http.StatusOK, map[string]any{"total": len(members), "members": members})
	case req.Method == http.MethodPost && name == "":
		n := str("name", body)
		if a.vols[n] != nil {
			return f2Err(http.StatusConflict, 22, "volume exists")
		}
		size := (num("sizeMiB", body) + 255) / 256 * 256
		if size > a.maxMiB {
			return f2Err(http.StatusBadRequest, 28, "too large")
		}
		a.nextID++
		a.vols[n] = &f2Vol{name: n, sizeMiB: size, cpg: str("cpg", body), copyType: 1, prov: 2, id: a.nextID, data: "zero"}
		return httpmock.NewStringResponse(http.StatusCreated, "")
	case v == nil:
		return f2Err(http.StatusNotFound, 23, "volume does not exist")
	case req.Method == http.MethodGet:
		return f2JSON(http.StatusOK, a.volJSON(v))
	case req.Method == http.MethodDelete:
		for _, c := range a.vols {
			if c.copyOf == name && c.copyType == 3 {
				return f2Err(http.StatusConflict, 32, "has children")
			}
		}
		if a.exported(name) {
			return f2Err(http.StatusConflict, 26, "exported")
		}
		if a.inSet(name) {
			return f2Err(http.StatusConflict, 34, "in a set")
		}
		delete(a.vols, name)
		return httpmock.NewStringResponse(http.StatusOK, "")
	case req.Method == http.MethodPost:
		params, _ := body["parameters"].(map[string]any)
		switch str("action", body) {
		case "createSnapshot":
			n := str("name", params)
			if a.vols[n] != nil {
				return f2Err(http.StatusConflict, 22, "volume exists")
			}
			a.nextID++
			a.vols[n] = &f2Vol{name: n, sizeMiB: v.sizeMiB, cpg: v.cpg, copyOf: name, copyType: 3, prov: 3, id: a.nextID, data: v.data}
			return httpmock.NewStringResponse(http.StatusOK, "") // the 1.2 guide's 200
		case "createPhysicalCopy":
			dest := a.vols[str("destVolume", params)]
			switch {
			case dest == nil:
				return f2Err(http.StatusNotFound, 23, "volume does not exist")
			case dest.sizeMiB < v.sizeMiB:
				return f2Err(http.StatusConflict, 303, "copy parent too big")
			case params["destCPG"] != nil:
				return f2Err(http.StatusBadRequest, 44, "destCPG on an offline copy")
			}
			src := v
			id := a.newTask(1, 1, func() { dest.data, dest.copyOf, dest.copyType = src.data, src.name, 2 })
			return f2JSON(http.StatusOK, map[string]any{"taskid": id})
		}
	case req.Method == http.MethodPut:
		switch num("action", body) {
		case 3:
			by := (num("sizeMiB", body) + 255) / 256 * 256
			if v.sizeMiB+by > a.maxMiB {
				return f2Err(http.StatusBadRequest, 28, "too large")
			}
			v.sizeMiB += by
			return httpmock.NewStringResponse(http.StatusOK, "")
		case 4:
			parent := a.vols[v.copyOf]
			switch {
			case v.copyType != 3 || parent == nil:
				return f2Err(http.StatusBadRequest, 12, "not a snapshot")
			case a.exported(parent.name):
				return f2Err(http.StatusForbidden, 300, "volume is exported")
			case parent.sizeMiB > v.sizeMiB:
				return f2Err(http.StatusConflict, 301, "parent size has increased")
			}
			snap := v
			id := a.newTask(2, 1, func() { parent.data = snap.data })
			return f2JSON(http.StatusOK, map[string]any{"taskid": id})
		}
	}
	return f2Err(http.StatusBadRequest, 12, "invalid input")
}

func (a *flowArray2) volumeSets(req *http.Request, name string, body map[string]any) *http.Response {
	members, ok := a.sets[name]
	if !ok {
		return f2Err(http.StatusNotFound, 102, "set does not exist")
	}
	if req.Method == http.MethodGet {
		return f2JSON(http.StatusOK, map[string]any{"name": name, "setmembers": members})
	}
	list, _ := body["setmembers"].([]any)
	action, _ := body["action"].(float64)
	for _, x := range list {
		n, _ := x.(string)
		idx := -1
		for i, m := range members {
			if m == n {
				idx = i
			}
		}
		switch {
		case action == 1 && idx >= 0:
			return f2Err(http.StatusConflict, 304, "member in set")
		case action == 1 && a.vols[n] == nil:
			return f2Err(http.StatusNotFound, 23, "volume does not exist")
		case action == 1:
			members = append(members, n)
		case action == 2 && idx < 0:
			return f2Err(http.StatusNotFound, 305, "member not in set")
		case action == 2:
			members = append(members[:idx], members[idx+1:]...)
		}
	}
	a.sets[name] = members
	return httpmock.NewStringResponse(http.StatusOK, "")
}

func (a *flowArray2) vol(name string) *f2Vol {
	a.mu.Lock()
	defer a.mu.Unlock()
	if v := a.vols[name]; v != nil {
		cp := *v
		return &cp
	}
	return nil
}

func (a *flowArray2) writesTo(method, path string) []map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []map[string]any
	for _, w := range a.writes {
		if w.method == method && w.path == path {
			out = append(out, w.body)
		}
	}
	return out
}

func (a *flowArray2) writeCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.writes)
}

// Flow 4: volume create, round and get.
func TestMockFlow04VolumeCreateRoundGet(t *testing.T) {
	t.Parallel()
	c, a, _ := newFlowArray2(t)
	a.sets["pool1"] = nil
	ctx := context.Background()

	size, err := VolumeSizeMiB(1_000_000_000) // LXD's size=1GB: 953.67 MiB
	require.NoError(t, err)
	require.Equal(t, int64(1024), size)

	const name = "c-5a2504b06a6c48498ee7ddb0b674fd14"
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: name, CPG: "SSD_r6", SizeMiB: size}))
	require.NoError(t, c.VolumeSets.AddMembers(ctx, "pool1", name))
	posts := a.writesTo(http.MethodPost, "/volumes/")
	require.Len(t, posts, 1)
	assert.Equal(t, map[string]any{"name": name, "cpg": "SSD_r6", "sizeMiB": float64(1024), "tpvv": true}, posts[0])

	v, err := c.Volumes.Get(ctx, name)
	require.NoError(t, err)
	assert.Equal(t, int64(1024), v.SizeMiB)
	assert.Regexp(t, `^[0-9A-F]{32}$`, v.NGUID)
	assert.NotEmpty(t, v.WWN)
	set, err := c.VolumeSets.Get(ctx, "pool1")
	require.NoError(t, err)
	assert.Equal(t, []string{name}, set.SetMembers)

	// Without rounding (LXD's truncation: 953 MiB), the array still makes
	// 1024 MiB, and Get reports the effective size.
	const name2 = "c-0b7c5e2a9d134c6eb8f42a6d1e0c9f35"
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: name2, CPG: "SSD_r6", SizeMiB: 953}))
	v2, err := c.Volumes.Get(ctx, name2)
	require.NoError(t, err)
	assert.Equal(t, int64(1024), v2.SizeMiB)

	// Creating it again is someone else's volume: AlreadyExists, and the set
	// add is idempotent.
	assert.ErrorIs(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: name, CPG: "SSD_r6", SizeMiB: size}), ErrAlreadyExists)
	require.NoError(t, c.VolumeSets.AddMembers(ctx, "pool1", name))
	set, err = c.VolumeSets.Get(ctx, "pool1")
	require.NoError(t, err)
	assert.Equal(t, []string{name}, set.SetMembers, "the set holds it exactly once")
}

// Flow 10: snapshots; the list excludes the physical copy by copyType.
func TestMockFlow10Snapshots(t *testing.T) {
	t.Parallel()
	c, a, _ := newFlowArray2(t)
	ctx := context.Background()
	a.sets["pool1"] = nil
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "c-A", CPG: "SSD_r6", SizeMiB: 1024}))
	require.NoError(t, c.VolumeSets.AddMembers(ctx, "pool1", "c-A"))

	require.NoError(t, c.Snapshots.Create(ctx, "c-A", &SnapshotCreateRequest{Name: "sc-S1"}))
	require.NoError(t, c.Snapshots.Create(ctx, "c-A", &SnapshotCreateRequest{Name: "sc-S2", ReadOnly: true}))
	assert.Equal(t, []map[string]any{
		{"action": "createSnapshot", "parameters": map[string]any{"name": "sc-S1"}},
		{"action": "createSnapshot", "parameters": map[string]any{"name": "sc-S2", "readOnly": true}},
	}, a.writesTo(http.MethodPost, "/volumes/c-A"))

	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "c-X", CPG: "SSD_r6", SizeMiB: 1024}))
	task, err := c.Snapshots.Copy(ctx, "c-A", "c-X", nil)
	require.NoError(t, err)
	assert.Equal(t, TaskDone, task.Status)
	x := a.vol("c-X")
	require.NotNil(t, x)
	assert.Equal(t, "c-A", x.copyOf, "the array reports the physical copy with copyOf == c-A")
	assert.Equal(t, 2, x.copyType)

	snaps, err := c.Snapshots.List(ctx, "c-A")
	require.NoError(t, err)
	var names []string
	for _, s := range snaps {
		names = append(names, s.Name)
	}
	assert.ElementsMatch(t, []string{"sc-S1", "sc-S2"}, names, "c-X is excluded by copyType")

	require.NoError(t, c.Snapshots.Delete(ctx, "sc-S1"))

	// DeleteVolume(c-A, cascade) without the undocumented cascade: snapshots
	// first, then the set membership, then the volume.
	assert.ErrorIs(t, c.Volumes.Delete(ctx, "c-A"), ErrInUse, "the array refuses a volume with snapshots")
	snaps, err = c.Snapshots.List(ctx, "c-A")
	require.NoError(t, err)
	for _, s := range snaps {
		require.NoError(t, c.Snapshots.Delete(ctx, s.Name))
	}
	require.NoError(t, c.VolumeSets.RemoveMembers(ctx, "pool1", "c-A"))
	require.NoError(t, c.Volumes.Delete(ctx, "c-A"))

	assert.Nil(t, a.vol("c-A"))
	assert.Nil(t, a.vol("sc-S2"))
	assert.Nil(t, a.vol("sc-S1"))
	assert.NotNil(t, a.vol("c-X"), "the physical copy survives")
	set, err := c.VolumeSets.Get(ctx, "pool1")
	require.NoError(t, err)
	assert.Empty(t, set.SetMembers)
}

// Flow 14: restore.
func TestMockFlow14Restore(t *testing.T) {
	t.Parallel()
	c, a, _ := newFlowArray2(t)
	ctx := context.Background()
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "c-A", CPG: "SSD_r6", SizeMiB: 1024}))
	a.mu.Lock()
	a.vols["c-A"].data = "S"
	a.mu.Unlock()
	require.NoError(t, c.Snapshots.Create(ctx, "c-A", &SnapshotCreateRequest{Name: "sc-S"}))
	a.mu.Lock()
	a.vols["c-A"].data = "A2"                                            // (2) write token A2
	a.vluns = append(a.vluns, f2VLUN{vol: "c-A", lun: 1, host: "node1"}) // still exported
	a.mu.Unlock()

	// Promote while exported → Exported (403), one PUT, no task.
	err := c.Snapshots.Restore(ctx, "sc-S")
	require.ErrorIs(t, err, ErrExported)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.Equal(t, "A2", a.vol("c-A").data)
	assert.Len(t, a.writesTo(http.MethodPut, "/volumes/sc-S"), 1)

	// (3) Unexport, (4) promote and wait.
	_, err = c.do(ctx, &call{method: http.MethodDelete, path: pathf("/vluns/%s,%s,%s", "c-A", 1, "node1"), kind: CallDelete})
	require.NoError(t, err)
	require.NoError(t, c.Snapshots.Restore(ctx, "sc-S"))
	puts := a.writesTo(http.MethodPut, "/volumes/sc-S")
	require.Len(t, puts, 2)
	assert.Equal(t, map[string]any{"action": float64(4)}, puts[1])
	assert.Equal(t, "S", a.vol("c-A").data, "c-A has the snapshot's data again once the wait returns")
	assert.NotNil(t, a.vol("sc-S"), "the snapshot is kept")

	// Promote after growing c-A → ParentGrown (409).
	require.NoError(t, c.Volumes.Grow(ctx, "c-A", 256))
	err = c.Snapshots.Restore(ctx, "sc-S")
	require.ErrorIs(t, err, ErrParentGrown)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
	assert.Len(t, a.writesTo(http.MethodPut, "/volumes/sc-S"), 3, "never repeated")
}

// Flow 15: resize.
func TestMockFlow15Resize(t *testing.T) {
	t.Parallel()
	c, a, _ := newFlowArray2(t)
	ctx := context.Background()
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "c-A", CPG: "SSD_r6", SizeMiB: 1024}))

	// (1) Grow 1024 → 1536 (delta 512).
	require.NoError(t, c.Volumes.Grow(ctx, "c-A", 512))
	assert.Equal(t, []map[string]any{{"action": float64(3), "sizeMiB": float64(512)}}, a.writesTo(http.MethodPut, "/volumes/c-A"))
	v, err := c.Volumes.Get(ctx, "c-A")
	require.NoError(t, err)
	assert.Equal(t, int64(1536), v.SizeMiB)

	// (2) Resize to 1024 → CannotShrink, no call.
	writes := a.writeCount()
	_, err = c.Volumes.ResizeTo(ctx, "c-A", 1024)
	require.ErrorIs(t, err, ErrCannotShrink)
	assert.Equal(t, writes, a.writeCount())

	// (3) Resize to 1536 MiB − 100 bytes (rounded up: 1536) and to 1536: no call.
	target, err := VolumeSizeMiB(1536*MiB - 100)
	require.NoError(t, err)
	size, err := c.Volumes.ResizeTo(ctx, "c-A", target)
	require.NoError(t, err)
	assert.Equal(t, int64(1536), size)
	size, err = c.Volumes.ResizeTo(ctx, "c-A", 1536)
	require.NoError(t, err)
	assert.Equal(t, int64(1536), size)
	assert.Equal(t, writes, a.writeCount())
	// 1536 MiB + 100 bytes rounds up to 1792 MiB: sizes are never rounded
	// down, so that is a grow by one unit.
	target, err = VolumeSizeMiB(1536*MiB + 100)
	require.NoError(t, err)
	size, err = c.Volumes.ResizeTo(ctx, "c-A", target)
	require.NoError(t, err)
	assert.Equal(t, int64(1792), size, "the size the array reports after the grow")
	puts := a.writesTo(http.MethodPut, "/volumes/c-A")
	assert.Equal(t, map[string]any{"action": float64(3), "sizeMiB": float64(256)}, puts[len(puts)-1])

	// (4) Grow by 100 MiB: the array rounds the amount to 256; Get reports it.
	require.NoError(t, c.Volumes.Grow(ctx, "c-A", 100))
	v, err = c.Volumes.Get(ctx, "c-A")
	require.NoError(t, err)
	assert.Equal(t, int64(1792+256), v.SizeMiB)

	// Beyond the WSAPI's 16 TiB → TooLarge before any write (most likely bytes).
	writes = a.writeCount()
	_, err = c.Volumes.ResizeTo(ctx, "c-A", 32<<20)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Equal(t, writes, a.writeCount())
}

// Flow 18: the full delete path is idempotent.
func TestMockFlow18FullDeleteIdempotent(t *testing.T) {
	t.Parallel()
	c, a, _ := newFlowArray2(t)
	ctx := context.Background()
	a.sets["pool1"] = nil
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "c-A", CPG: "SSD_r6", SizeMiB: 1024}))
	require.NoError(t, c.VolumeSets.AddMembers(ctx, "pool1", "c-A"))
	require.NoError(t, c.Snapshots.Create(ctx, "c-A", &SnapshotCreateRequest{Name: "sc-S1"}))
	a.mu.Lock()
	a.vluns = append(a.vluns, f2VLUN{vol: "c-A", lun: 3, host: "node1-nvme-tcp"}, f2VLUN{vol: "c-B", lun: 1, host: "node1-nvme-tcp"})
	a.mu.Unlock()

	ignoreNotFound := func(err error) error {
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	deletePath := func() error {
		// Unexport (vLUN delete through the core: the vLUN service is
		// being written concurrently).
		if err := ignoreNotFound(func() error {
			_, err := c.do(ctx, &call{method: http.MethodDelete,
				path: pathf("/vluns/%s,%s,%s", "c-A", 3, "node1-nvme-tcp"), kind: CallDelete})
			return err
		}()); err != nil {
			return fmt.Errorf("unexport: %w", err)
		}
		if err := ignoreNotFound(c.VolumeSets.RemoveMembers(ctx, "pool1", "c-A")); err != nil {
			return fmt.Errorf("remove from set: %w", err)
		}
		snaps, err := c.Snapshots.List(ctx, "c-A")
		if err != nil {
			return err
		}
		for _, s := range snaps {
			if err := ignoreNotFound(c.Snapshots.Delete(ctx, s.Name)); err != nil {
				return fmt.Errorf("delete snapshot: %w", err)
			}
		}
		return ignoreNotFound(c.Volumes.Delete(ctx, "c-A"))
	}
	require.NoError(t, deletePath(), "first run")
	require.NoError(t, deletePath(), "second run")

	// The second run met the not-found answers it ignores.
	vlunDeletes := a.writesTo(http.MethodDelete, "/vluns/c-A,3,node1-nvme-tcp")
	assert.Len(t, vlunDeletes, 2)
	assert.Len(t, a.writesTo(http.MethodDelete, "/volumes/c-A"), 2)
	assert.Len(t, a.writesTo(http.MethodDelete, "/volumes/sc-S1"), 1, "the second run found no snapshot")

	a.mu.Lock()
	defer a.mu.Unlock()
	for n, v := range a.vols {
		assert.NotEqual(t, "c-A", v.copyOf, "no snapshot of c-A is left: %s", n)
	}
	assert.NotContains(t, a.vols, "c-A")
	assert.Empty(t, a.sets["pool1"])
	assert.Equal(t, []f2VLUN{{vol: "c-B", lun: 1, host: "node1-nvme-tcp"}}, a.vluns, "only c-A's vLUN is gone")
}

// The fake refuses an offline copy into a smaller volume, but the SDK never
// sends it (flow 11's client-side half, on the same fake).
func TestMockFlowCopyIntoSmallerRefusedClientSide(t *testing.T) {
	t.Parallel()
	c, a, _ := newFlowArray2(t)
	ctx := context.Background()
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "c-A", CPG: "SSD_r6", SizeMiB: 2048}))
	require.NoError(t, c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "c-B", CPG: "SSD_r6", SizeMiB: 1024}))
	writes := a.writeCount()
	start := time.Now()
	_, err := c.Snapshots.Copy(ctx, "c-A", "c-B", nil)
	require.ErrorIs(t, err, ErrCannotShrink)
	assert.Equal(t, writes, a.writeCount(), "no array write")
	assert.Less(t, time.Since(start), time.Second)
}
