package alletra

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// taskStatusResponder answers GET /tasks/<id> with the given status.
func taskStatusResponder(id int, status TaskStatus) httpmock.Responder {
	return jsonResponder(http.StatusOK, map[string]any{"id": id, "type": 4, "name": "promotesv", "status": int(status)})
}

// fastTasks makes task polling fast for tests.
var fastTasks = WithTaskPolling(time.Millisecond, 5*time.Millisecond)

func TestSnapshotsCreate(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusOK, http.StatusCreated} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			var body map[string]any
			m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-web01", func(req *http.Request) (*http.Response, error) {
				body = decodeBody(t, req)
				resp := httpmock.NewStringResponse(status, "")
				resp.Header.Set("Location", "/api/v1/volumes/sc-web01-snap0")
				return resp, nil
			})
			err := c.Snapshots.Create(context.Background(), "c-web01", &SnapshotCreateRequest{
				Name: "sc-web01-snap0", ID: 77, Comment: "before upgrade", ReadOnly: true,
				ExpirationHours: 48, RetentionHours: 24,
			})
			require.NoError(t, err)
			assert.Equal(t, map[string]any{
				"action": "createSnapshot",
				"parameters": map[string]any{
					"name": "sc-web01-snap0", "id": float64(77), "comment": "before upgrade",
					"readOnly": true, "expirationHours": float64(48), "retentionHours": float64(24),
				},
			}, body)
		})
	}
}

func TestSnapshotsCreateMinimalBody(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var body map[string]any
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-web01", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		return httpmock.NewStringResponse(http.StatusCreated, ""), nil
	})
	require.NoError(t, c.Snapshots.Create(context.Background(), "c-web01", &SnapshotCreateRequest{Name: "s1"}))
	assert.Equal(t, map[string]any{"action": "createSnapshot", "parameters": map[string]any{"name": "s1"}}, body)
}

func TestSnapshotsCreateValidation(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	cases := map[string]struct {
		parent string
		req    *SnapshotCreateRequest
		field  string
	}{
		"nil request":        {"c-web01", nil, "req"},
		"empty parent":       {"", &SnapshotCreateRequest{Name: "s"}, "parent"},
		"illegal parent":     {"c/../x", &SnapshotCreateRequest{Name: "s"}, "parent"},
		"empty name":         {"c-web01", &SnapshotCreateRequest{}, "Name"},
		"illegal name":       {"c-web01", &SnapshotCreateRequest{Name: "a b"}, "Name"},
		"negative exp":       {"c-web01", &SnapshotCreateRequest{Name: "s", ExpirationHours: -1}, "ExpirationHours"},
		"retention too long": {"c-web01", &SnapshotCreateRequest{Name: "s", RetentionHours: 43801}, "RetentionHours"},
		"negative id":        {"c-web01", &SnapshotCreateRequest{Name: "s", ID: -3}, "ID"},
	}
	for name, tc := range cases {
		err := c.Snapshots.Create(ctx, tc.parent, tc.req)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, tc.field, ve.Field, name)
		assert.ErrorIs(t, err, ErrInvalidInput, name)
	}
	assert.Zero(t, m.GetTotalCallCount(), "no request, not even a login")
}

func TestSnapshotsCreateNameTooLongClientSide(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithMaxNameLength(31))
	err := c.Snapshots.Create(context.Background(), "c-web01",
		&SnapshotCreateRequest{Name: "sc-fd87f109767d4f2fae1866c34276f351"})
	assert.ErrorIs(t, err, ErrNameTooLong)
	assert.Zero(t, m.GetTotalCallCount())
}

func TestSnapshotsCreateErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		status   int
		code     ErrorCode
		sentinel error
	}{
		{"parent missing", http.StatusNotFound, CodeNonExistentVolume, ErrNotFound},
		{"name taken", http.StatusConflict, CodeExistentVolume, ErrAlreadyExists},
		{"too long", http.StatusBadRequest, CodeInvalidInputExceedsLength, ErrNameTooLong},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-web01", errorResponder(tc.status, tc.code, "x"))
			err := c.Snapshots.Create(context.Background(), "c-web01", &SnapshotCreateRequest{Name: "s1"})
			require.ErrorIs(t, err, tc.sentinel)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes/c-web01"), "errors that are not busy are not retried")
			// No reconcile after a single attempt: no responder for GET
			// /volumes/s1, so reading it fails the test.
		})
	}
}

// A create whose first answer was lost and whose retry meets "exists"
// is a success when the existing volume is a virtual copy of the parent.
func TestSnapshotsCreateReconcile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		existing map[string]any
		wantErr  error
	}{
		{"ours", map[string]any{"name": "s1", "copyOf": "c-web01", "copyType": 3}, nil},
		{"snapshot of another volume", map[string]any{"name": "s1", "copyOf": "c-other", "copyType": 3}, ErrAlreadyExists},
		{"physical copy", map[string]any{"name": "s1", "copyOf": "c-web01", "copyType": 2}, ErrAlreadyExists},
		{"base volume", map[string]any{"name": "s1", "copyType": 1}, ErrAlreadyExists},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			var posts atomic.Int32
			m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-web01", func(req *http.Request) (*http.Response, error) {
				if posts.Add(1) == 1 {
					return nil, errors.New("connection reset by peer") // carried out, answer lost
				}
				return errorResponder(http.StatusConflict, CodeExistentVolume, "volume exists")(req)
			})
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/s1", jsonResponder(http.StatusOK, tc.existing))
			err := c.Snapshots.Create(context.Background(), "c-web01", &SnapshotCreateRequest{Name: "s1"})
			if tc.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.wantErr)
			}
			assert.Equal(t, 2, m.calls(t, http.MethodPost, testAPI+"/volumes/c-web01"))
			assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes/s1"))
		})
	}
}

func TestSnapshotsList(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var rawQuery, query string
	gold := goldenResponder(t, http.StatusOK, "volumes.json")
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", func(req *http.Request) (*http.Response, error) {
		rawQuery, query = req.URL.RawQuery, req.URL.Query().Get("query")
		return gold(req)
	})
	snaps, err := c.Snapshots.List(context.Background(), "c-web01")
	require.NoError(t, err)
	assert.Equal(t, `"copyOf==c-web01"`, query)
	assert.Equal(t, "query=%22copyOf%3D%3Dc-web01%22", rawQuery)
	// volumes.json holds the base c-web01, the snapshot sc-web01-snap0 and
	// the physical copy c-web02 (copyOf c-web01): only the snapshot is kept.
	require.Len(t, snaps, 1)
	assert.Equal(t, "sc-web01-snap0", snaps[0].Name)
	assert.Equal(t, CopyVirtualCopy, snaps[0].CopyType)
	assert.Equal(t, "c-web01", snaps[0].CopyOf)
	assert.True(t, snaps[0].ReadOnly)
}

// The array's filter is not trusted: members of another parent are dropped.
func TestSnapshotsListChecksParentClientSide(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", jsonResponder(http.StatusOK, map[string]any{
		"total": 4, "members": []map[string]any{
			{"name": "s-a", "copyOf": "vol", "copyType": 3},
			{"name": "s-b", "copyOf": "vol2", "copyType": 3},
			{"name": "s-c", "copyOf": "VOL", "copyType": 3},
			{"name": "p-d", "copyOf": "vol", "copyType": 2},
		}}))
	snaps, err := c.Snapshots.List(context.Background(), "vol")
	require.NoError(t, err)
	require.Len(t, snaps, 1)
	assert.Equal(t, "s-a", snaps[0].Name)
}

func TestSnapshotsListEmptyAndErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", jsonResponder(http.StatusOK, map[string]any{"total": 0, "members": []any{}}))
	snaps, err := c.Snapshots.List(context.Background(), "none")
	require.NoError(t, err)
	assert.Empty(t, snaps)

	_, err = c.Snapshots.List(context.Background(), "")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "parent", ve.Field)
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes"))

	c2, m2 := newMock(t)
	m2.RegisterResponder(http.MethodGet, testAPI+"/volumes", errorResponder(http.StatusBadRequest, 0, "bad query"))
	_, err = c2.Snapshots.List(context.Background(), "vol")
	assert.ErrorIs(t, err, ErrInvalidInput)
}

func TestSnapshotsDelete(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/sc-web01-snap0", httpmock.NewStringResponder(http.StatusOK, ""))
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/gone", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "volume does not exist"))
	m.RegisterResponder(http.MethodDelete, testAPI+"/volumes/parent-snap", errorResponder(http.StatusConflict, CodeHasChild, "has children"))
	ctx := context.Background()

	require.NoError(t, c.Snapshots.Delete(ctx, "sc-web01-snap0"))
	assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/volumes/sc-web01-snap0"))
	assert.ErrorIs(t, c.Snapshots.Delete(ctx, "gone"), ErrNotFound)
	assert.ErrorIs(t, c.Snapshots.Delete(ctx, "parent-snap"), ErrInUse)

	before := m.GetTotalCallCount()
	assert.ErrorIs(t, c.Snapshots.Delete(ctx, "a b"), ErrInvalidInput)
	assert.Equal(t, before, m.GetTotalCallCount())
}

func TestSnapshotsRestore(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, fastTasks)
	var body map[string]any
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		return httpmock.NewStringResponse(http.StatusOK, `{"taskid":"8843"}`), nil // a quoted id is accepted
	})
	var polls atomic.Int32
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/8843", func(req *http.Request) (*http.Response, error) {
		status := TaskActive
		if polls.Add(1) >= 3 {
			status = TaskDone
		}
		return taskStatusResponder(8843, status)(req)
	})
	require.NoError(t, c.Snapshots.Restore(context.Background(), "sc-S"))
	assert.Equal(t, map[string]any{"action": float64(4)}, body, "an offline promote sends the action only")
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/sc-S"))
	assert.Equal(t, int32(3), polls.Load(), "waits until the task is done, and no longer")
}

// TestSnapshotsStartRestore: the promote is sent and its task returned at
// once, with only the id the array named: no task read.
func TestSnapshotsStartRestore(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, fastTasks)
	var body map[string]any
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		return httpmock.NewStringResponse(http.StatusOK, `{"taskid":9}`), nil
	})
	task, err := c.Snapshots.StartRestore(context.Background(), "sc-S",
		&RestoreOptions{Online: true, AllowRemoteCopyParent: true})
	require.NoError(t, err)
	assert.Equal(t, &Task{ID: 9}, task, "only the id is known when the array accepts the promote")
	assert.Equal(t, map[string]any{"action": float64(4), "online": true, "allowRemoteCopyParent": true}, body)
	_, err = c.Snapshots.StartRestore(context.Background(), "sc-S", &RestoreOptions{Priority: PriorityMedium})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"action": float64(4), "priority": float64(2)}, body)
	_, err = c.Snapshots.StartRestore(context.Background(), "sc-S", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"action": float64(4)}, body)

	_, err = c.Snapshots.StartRestore(context.Background(), "sc-S", &RestoreOptions{Priority: 4})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Priority", ve.Field)
	// A priority does not apply to an online promote: the array refuses the
	// pair (409/44), so it is refused before any I/O.
	_, err = c.Snapshots.StartRestore(context.Background(), "sc-S",
		&RestoreOptions{Online: true, Priority: PriorityMedium})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Priority", ve.Field)
	assert.Equal(t, 3, m.calls(t, http.MethodPut, testAPI+"/volumes/sc-S"))

	// No task id in the answer: the promote may run, and that is said.
	c, m = newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/volumes/sc-S", "", obj{"action": 4}, okEmpty(200))
	_, err = c.Snapshots.StartRestore(context.Background(), "sc-S", nil)
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestSnapshotsRestoreParentGrownConfirmedByRead(t *testing.T) {
	t.Parallel()
	// PARENT_SIZE_HAS_INCREASED has no published number: a 409 to a promote
	// is read as busy unless the parent reads larger than the snapshot.
	for _, code := range unknownCodes {
		for _, tc := range []struct {
			parentMiB int64
			want      []error
			notWant   []error
		}{
			{2048, []error{ErrParentGrown}, []error{ErrBusy, ErrInUse}},
			{1024, []error{ErrBusy, ErrInUse}, []error{ErrParentGrown}},
		} {
			c, m := newMock(t, fastTasks)
			m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", errorResponder(http.StatusConflict, code, "refused"))
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/sc-S", jsonResponder(http.StatusOK,
				map[string]any{"name": "sc-S", "sizeMiB": 1024, "copyType": 3, "copyOf": "vol"}))
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol", jsonResponder(http.StatusOK,
				map[string]any{"name": "vol", "sizeMiB": tc.parentMiB, "copyType": 1}))
			err := c.Snapshots.Restore(context.Background(), "sc-S")
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, code, apiErr.Code)
			for _, s := range tc.want {
				assert.ErrorIs(t, err, s, "code %d parent %d", code, tc.parentMiB)
			}
			for _, s := range tc.notWant {
				assert.NotErrorIs(t, err, s, "code %d parent %d", code, tc.parentMiB)
			}
			assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/sc-S"), "a promote is sent once")
		}
	}
	// A known code is not reinterpreted by the read.
	c, m := newMock(t, fastTasks)
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", errorResponder(http.StatusConflict, CodeTuneInProgress, "tune"))
	err := c.Snapshots.Restore(context.Background(), "sc-S")
	assert.ErrorIs(t, err, ErrBusy)
	assert.NotErrorIs(t, err, ErrParentGrown)
	assert.Equal(t, 2, m.GetTotalCallCount(), "login + PUT, no read")
}

func TestSnapshotsCopyParentTooBigConfirmedByRead(t *testing.T) {
	t.Parallel()
	// COPY_PARENT_TOO_BIG has no published number: a 409 after which dest
	// reads smaller than src.
	for _, code := range unknownCodes {
		c, m := newMock(t, fastTasks)
		m.RegisterResponder(http.MethodGet, testAPI+"/volumes/c-A", jsonResponder(http.StatusOK,
			map[string]any{"name": "c-A", "sizeMiB": 1024, "copyType": 1}))
		m.RegisterResponder(http.MethodGet, testAPI+"/volumes/c-B", jsonResponder(http.StatusOK,
			map[string]any{"name": "c-B", "sizeMiB": 512, "copyType": 1}))
		m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", errorResponder(http.StatusConflict, code, "refused"))
		_, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", nil)
		assert.ErrorIs(t, err, ErrCannotShrink, "code %d", code)
		assert.NotErrorIs(t, err, ErrBusy)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "the array's answer is kept")
		assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes/c-A"))
	}
}

func TestSnapshotsRestoreErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		status    int
		code      ErrorCode
		sentinels []error
	}{
		// INV_OPERATION_VV_EXPORTED has no published number: the status and operation decide.
		{"exported", http.StatusForbidden, 0, []error{ErrExported, ErrInUse}},
		{"exported, arbitrary number", http.StatusForbidden, 9999, []error{ErrExported, ErrInUse}},
		{"missing snapshot", http.StatusNotFound, CodeNonExistentVolume, []error{ErrNotFound}},
		{"busy is not retried", http.StatusServiceUnavailable, 0, []error{ErrBusy}},
		{"system busy is not retried", http.StatusConflict, CodeSystemBusy, []error{ErrBusy}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, fastTasks)
			m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", errorResponder(tc.status, tc.code, "refused"))
			err := c.Snapshots.Restore(context.Background(), "sc-S")
			for _, s := range tc.sentinels {
				assert.ErrorIs(t, err, s)
			}
			assert.NotErrorIs(t, err, ErrTaskFailed)
			assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/sc-S"), "a promote is sent once")
			assert.Equal(t, 2, m.GetTotalCallCount(), "login + one PUT; no task poll")
		})
	}
}

func TestSnapshotsRestoreTaskFailed(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, fastTasks)
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", jsonResponder(http.StatusOK, map[string]any{"taskid": 51}))
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/51", jsonResponder(http.StatusOK,
		map[string]any{"id": 51, "name": "promotesv sc-S", "status": int(TaskFailed)}))
	err := c.Snapshots.Restore(context.Background(), "sc-S")
	require.ErrorIs(t, err, ErrTaskFailed)
	var te *TaskError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 51, te.ID)
	assert.Equal(t, TaskFailed, te.Status)
	assert.Equal(t, "promotesv sc-S", te.Name)
}

func TestSnapshotsRestoreNoTaskID(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, fastTasks)
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", httpmock.NewStringResponder(http.StatusOK, `{}`))
	err := c.Snapshots.Restore(context.Background(), "sc-S")
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/sc-S"))
}

func TestSnapshotsRestoreContextEndsDuringWait(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, fastTasks)
	m.RegisterResponder(http.MethodPut, testAPI+"/volumes/sc-S", jsonResponder(http.StatusOK, map[string]any{"taskid": 60}))
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/60", taskStatusResponder(60, TaskActive))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.Snapshots.Restore(ctx, "sc-S")
	var te *TaskError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 60, te.ID, "the caller gets the id to wait again")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, m.calls(t, http.MethodPut, testAPI+"/volumes/sc-S"))
}

func TestSnapshotsRestoreValidation(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	for _, name := range []string{"", "-x", "a/b", "sc S"} {
		err := c.Snapshots.Restore(context.Background(), name)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, "snapshot", ve.Field)
	}
	assert.Zero(t, m.GetTotalCallCount())
}

// copyMock returns a mock with fast task polls. A copy reads no volume;
// only a refusal to explain does, and withVolumeReads registers those.
func copyMock(t *testing.T) (*Client, *mockArray) {
	t.Helper()
	return newMock(t, fastTasks)
}

// withVolumeReads registers GETs of c-A and c-B with the given sizes.
func withVolumeReads(m *mockArray, srcMiB, destMiB int64) {
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/c-A", jsonResponder(http.StatusOK,
		map[string]any{"name": "c-A", "sizeMiB": srcMiB, "copyType": 1}))
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes/c-B", jsonResponder(http.StatusOK,
		map[string]any{"name": "c-B", "sizeMiB": destMiB, "copyType": 1}))
}

func TestSnapshotsCopy(t *testing.T) {
	t.Parallel()
	c, m := copyMock(t)
	var body map[string]any
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		resp := httpmock.NewStringResponse(http.StatusOK, `{"taskid":"8842"}`)
		resp.Header.Set("Location", "/api/v1/volumes/c-B")
		return resp, nil
	})
	var polls atomic.Int32
	done := goldenResponder(t, http.StatusOK, "task.json")
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/8842", func(req *http.Request) (*http.Response, error) {
		if polls.Add(1) < 2 {
			return taskStatusResponder(8842, TaskActive)(req)
		}
		return done(req)
	})
	task, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"action":     "createPhysicalCopy",
		"parameters": map[string]any{"destVolume": "c-B", "saveSnapshot": false, "priority": float64(1)},
	}, body, "offline copy: no destCPG, priority high, saveSnapshot sent explicitly")
	require.NotNil(t, task)
	assert.Equal(t, 8842, task.ID)
	assert.Equal(t, TaskDone, task.Status)
	assert.Equal(t, TaskTypeVolumeCopy, task.Type)
	assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes/c-A"))
}

func TestSnapshotsCopyOptionsAnd201(t *testing.T) {
	t.Parallel()
	c, m := copyMock(t)
	var body map[string]any
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", func(req *http.Request) (*http.Response, error) {
		body = decodeBody(t, req)
		return httpmock.NewStringResponse(http.StatusCreated, `{"taskid":12}`), nil
	})
	m.RegisterResponder(http.MethodGet, testAPI+"/tasks/12", taskStatusResponder(12, TaskDone))
	task, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", &PhysicalCopyOptions{SaveSnapshot: true, Priority: PriorityLow})
	require.NoError(t, err)
	assert.Equal(t, 12, task.ID)
	assert.Equal(t, map[string]any{"destVolume": "c-B", "saveSnapshot": true, "priority": float64(3)}, body["parameters"])
}

// TestSnapshotsCopyReadsNoVolume: no size read before a copy (LXD's
// refresh pays none); the array's refusal of a smaller dest (409 without a
// published number) is explained by one read of both volumes, after it.
func TestSnapshotsCopyReadsNoVolume(t *testing.T) {
	t.Parallel()
	c, m := copyMock(t)
	withVolumeReads(m, 2048, 1024)
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", errorResponder(http.StatusConflict, 0, "COPY_PARENT_TOO_BIG"))
	task, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", nil)
	assert.Nil(t, task)
	require.ErrorIs(t, err, ErrCannotShrink)
	assert.NotErrorIs(t, err, ErrBusy)
	assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes/c-A"))
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes/c-A"), "read after the refusal only")
}

// TestSnapshotsStartCopy: the copy is sent and its task returned at once:
// one request, no volume or task read.
func TestSnapshotsStartCopy(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/volumes/c-A", "", obj{"action": "createPhysicalCopy",
		"parameters": obj{"destVolume": "c-B", "saveSnapshot": true, "priority": 2}}, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusOK, `{"taskid":77}`)
		resp.Header.Set("Location", "/api/v1/volumes/c-B")
		return resp, nil
	})
	task, err := c.Snapshots.StartCopy(context.Background(), "c-A", "c-B",
		&PhysicalCopyOptions{SaveSnapshot: true, Priority: PriorityMedium, SrcSizeMiB: 1024, DestSizeMiB: 1024})
	require.NoError(t, err)
	assert.Equal(t, &Task{ID: 77}, task, "only the id is known when the array accepts the copy")
	assert.Equal(t, 2, m.GetTotalCallCount(), "login + POST")

	c, m = newMock(t)
	expectCall(t, m, http.MethodPost, testAPI+"/volumes/c-A", "", obj{"action": "createPhysicalCopy",
		"parameters": obj{"destVolume": "c-B", "saveSnapshot": false, "priority": 1}}, okEmpty(http.StatusOK))
	_, err = c.Snapshots.StartCopy(context.Background(), "c-A", "c-B", nil)
	assert.ErrorIs(t, err, ErrBadResponse)
}

func TestSnapshotsCopyErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		status    int
		code      ErrorCode
		sentinels []error
	}{
		{"tune or copy running", http.StatusConflict, CodeTuneInProgress, []error{ErrBusy, ErrInUse}},
		{"dest exported", http.StatusConflict, CodeExportedVLUN, []error{ErrInUse, ErrExported}},
		{"dest exported, no published number", http.StatusForbidden, 0, []error{ErrInUse, ErrExported}},
		{"unavailable is not retried", http.StatusServiceUnavailable, 0, []error{ErrBusy}},
		// A 409 without a known code once the sizes read fine: a copy already running.
		{"copy already running", http.StatusConflict, 0, []error{ErrBusy, ErrInUse}},
		{"copy already running, arbitrary number", http.StatusConflict, 9999, []error{ErrBusy, ErrInUse}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := copyMock(t)
			if tc.status == http.StatusConflict && !tc.code.known() {
				withVolumeReads(m, 1024, 1024)
			}
			m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", errorResponder(tc.status, tc.code, "refused"))
			task, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", nil)
			assert.Nil(t, task)
			for _, s := range tc.sentinels {
				assert.ErrorIs(t, err, s)
			}
			assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes/c-A"), "a copy is sent once")
		})
	}
}

func TestSnapshotsCopyMissingVolumes(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", errorResponder(http.StatusNotFound, CodeNonExistentVolume, "no"))
	_, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", nil)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes/c-A"), "a 404 is not retried and reads nothing")
}

func TestSnapshotsCopyTaskOutcome(t *testing.T) {
	t.Parallel()
	for _, st := range []struct {
		status TaskStatus
		err    error
	}{{TaskFailed, ErrTaskFailed}, {TaskCancelled, ErrTaskCancelled}} {
		t.Run(st.status.String(), func(t *testing.T) {
			t.Parallel()
			c, m := copyMock(t)
			m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", jsonResponder(http.StatusOK, map[string]any{"taskid": 33}))
			m.RegisterResponder(http.MethodGet, testAPI+"/tasks/33", taskStatusResponder(33, st.status))
			task, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", nil)
			require.ErrorIs(t, err, st.err)
			var te *TaskError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, 33, te.ID)
			require.NotNil(t, task, "the final task is returned with the error")
			assert.Equal(t, st.status, task.Status)
		})
	}
}

func TestSnapshotsCopyValidation(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	cases := []struct {
		src, dest string
		opts      *PhysicalCopyOptions
		field     string
	}{
		{"", "c-B", nil, "src"},
		{"c-A", "", nil, "dest"},
		{"c-A", "c-A", nil, "dest"},
		{"c-A", "b/c", nil, "dest"},
		{"c-A", "c-B", &PhysicalCopyOptions{Priority: -1}, "Priority"},
		{"c-A", "c-B", &PhysicalCopyOptions{Priority: 4}, "Priority"},
	}
	for _, tc := range cases {
		_, err := c.Snapshots.Copy(ctx, tc.src, tc.dest, tc.opts)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%+v", tc)
		assert.Equal(t, tc.field, ve.Field)
	}
	assert.Zero(t, m.GetTotalCallCount())
}

func TestSnapshotsNilContext(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var ctx context.Context // nil: refused, not dereferenced
	err := c.Snapshots.Restore(ctx, "sc-S")
	assert.True(t, errors.Is(err, ErrInvalidInput))
	assert.Zero(t, m.GetTotalCallCount())
}

func TestSnapshotsCopyWithKnownSizes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		opts    *PhysicalCopyOptions
		wantErr error
	}{
		{"both known", &PhysicalCopyOptions{SrcSizeMiB: 1024, DestSizeMiB: 1024}, nil},
		{"dest known only: nothing to compare, nothing read", &PhysicalCopyOptions{DestSizeMiB: 1024}, nil},
		{"known smaller dest", &PhysicalCopyOptions{SrcSizeMiB: 2048, DestSizeMiB: 1024}, ErrCannotShrink},
		{"negative", &PhysicalCopyOptions{SrcSizeMiB: -1}, ErrInvalidInput},
		{"negative dest", &PhysicalCopyOptions{DestSizeMiB: -1}, ErrInvalidInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Only the requests the case needs have a responder: any other
			// read or write fails the test.
			c, m := newMock(t, fastTasks)
			if tc.wantErr == nil {
				m.RegisterResponder(http.MethodPost, testAPI+"/volumes/c-A", jsonResponder(http.StatusOK, map[string]any{"taskid": 5}))
				m.RegisterResponder(http.MethodGet, testAPI+"/tasks/5", taskStatusResponder(5, TaskDone))
			}
			_, err := c.Snapshots.Copy(context.Background(), "c-A", "c-B", tc.opts)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Zero(t, m.GetTotalCallCount(), "refused before any request")
				if errors.Is(tc.wantErr, ErrCannotShrink) {
					var ve *ValidationError
					require.ErrorAs(t, err, &ve)
					assert.Equal(t, "dest", ve.Field)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 1, m.calls(t, http.MethodPost, testAPI+"/volumes/c-A"))
		})
	}
}
