package alletra

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMapErrorSaysWhatIsLeft(t *testing.T) {
	t.Parallel()
	cause := &APIError{StatusCode: 500, Code: 1, Method: "GET", Path: "/vluns"}
	undo := errors.New("undo failed")
	e := &MapError{Err: cause, Host: "node1", VLUN: &VLUNID{Volume: "vol1", LUN: 3, Host: "node1"}, UndoErr: undo}
	assert.Contains(t, e.Error(), "left on the array: export vol1,3,node1, host node1")
	assert.Contains(t, e.Error(), "undo failed")
	var apiErr *APIError
	require.ErrorAs(t, e, &apiErr, "unwraps to the cause")
	assert.Same(t, cause, apiErr)
	assert.NotErrorIs(t, e, undo, "the undo's error is for reading, not matching")

	u := &UnmapError{Err: ErrBusy, Host: "node1", Removed: []VLUNID{{Volume: "v", LUN: 1, Host: "node1"}},
		Left: []VLUNID{{Volume: "v", LUN: 2, Host: "node1"}}}
	assert.ErrorIs(t, u, ErrBusy)
	assert.Contains(t, u.Error(), "removed [v,1,node1], left [v,2,node1]")
}

// Map sends what the caller asked for and no more: no host read-back, no
// subsystem NQN read unless asked (the strict mock fails on any request it
// does not expect).
func TestVLUNsMapRequests(t *testing.T) {
	t.Parallel()
	for _, askNQN := range []bool{false, true} {
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 0, "members": []any{}}))
		m.RegisterResponder(http.MethodPost, testAPI+"/hosts", jsonResponder(201, nil))
		lists := []httpmock.Responder{emptyVLUNs}
		if askNQN {
			lists = append(lists, vlunList(map[string]any{"lun": 1, "volumeName": "vol1", "hostname": "node1-nvme-tcp", "type": 3,
				"active": false, "Subsystem_NQN": "nqn.2020-07.com.hpe:target"}))
		}
		r := newVLUNRoutes(t, m, lists, []httpmock.Responder{respondCreatedAt("/api/v1/vluns/vol1,1,node1-nvme-tcp")})
		mp, err := c.VLUNs.Map(context.Background(), &MapRequest{Volume: "vol1", Host: "node1-nvme-tcp", Initiator: ensureNQN, SubsystemNQN: askNQN})
		require.NoError(t, err)
		assert.True(t, mp.HostCreated)
		assert.Equal(t, 1, mp.VLUN.LUN)
		if askNQN {
			assert.Equal(t, "nqn.2020-07.com.hpe:target", mp.VLUN.SubsystemNQN)
			assert.Len(t, r.queries, 2, "the export's check and the NQN read")
		} else {
			assert.Empty(t, mp.VLUN.SubsystemNQN)
			assert.Len(t, r.queries, 1, "the export's check only")
		}
		assert.Equal(t, 4+len(r.queries)-1, m.GetTotalCallCount()-1, "login aside: GET /hosts, POST /hosts, GET /vluns..., POST /vluns")
	}
}

func TestMapValidatesBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	for _, req := range []*MapRequest{nil, {Volume: "", Host: "h", Initiator: ensureNQN}, {Volume: "v", Host: "", Initiator: ensureNQN},
		{Volume: "v", Host: "h", Initiator: "not-an-initiator"}} {
		_, err := c.VLUNs.Map(ctx, req)
		assert.ErrorIs(t, err, ErrInvalidInput, "%+v", req)
	}
	_, err := c.VLUNs.Unmap(ctx, "v", "not-an-initiator")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = c.VLUNs.Unmap(ctx, "", ensureNQN)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Zero(t, m.GetTotalCallCount())
}
