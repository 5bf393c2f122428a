package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ensureNQN = "nqn.2014-08.org.nvmexpress:uuid:6a1e1d3c-3d0b-4f5e-9c39-2bb2a1a7b001"

func TestHostsEnsureFindsCreatesOrRefuses(t *testing.T) {
	t.Parallel()
	req := &HostCreateRequest{Name: "node1-nvme-tcp", NQN: ensureNQN}
	nvmeHost := map[string]any{"name": "node1-nvme-tcp", "NVMETCPPaths": []map[string]any{{"NQN": ensureNQN}}}
	otherHost := map[string]any{"name": "node1-nvme-tcp", "NVMETCPPaths": []map[string]any{{"NQN": "nqn.2014-08.org.nvmexpress:uuid:other"}}}

	t.Run("found", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 1, "members": []any{nvmeHost}}))
		h, created, err := c.Hosts.Ensure(context.Background(), req)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, "node1-nvme-tcp", h.Name)
		// (No POST responder: a create fails the test.)
	})
	t.Run("created", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 0, "members": []any{}}))
		m.RegisterResponder(http.MethodPost, testAPI+"/hosts", func(req *http.Request) (*http.Response, error) {
			body := decodeBody(t, req)
			assert.Equal(t, ensureNQN, body["NQN"])
			assert.EqualValues(t, 2, body["transportType"])
			return jsonResponder(201, nil)(req)
		})
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-nvme-tcp", jsonResponder(200, nvmeHost))
		h, created, err := c.Hosts.Ensure(context.Background(), req)
		require.NoError(t, err)
		assert.True(t, created)
		assert.True(t, h.HasInitiator(ensureNQN))
	})
	t.Run("name taken by a stranger", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 1, "members": []any{otherHost}}))
		m.RegisterResponder(http.MethodPost, testAPI+"/hosts", errorResponder(409, CodeExistentHost, "host exists"))
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-nvme-tcp", jsonResponder(200, otherHost))
		_, _, err := c.Hosts.Ensure(context.Background(), req)
		require.ErrorIs(t, err, ErrConflict)
		require.ErrorIs(t, err, ErrAlreadyExists)
		// (No DELETE responder: removing the stranger's host fails the test.)
	})
	t.Run("no initiator", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		_, _, err := c.Hosts.Ensure(context.Background(), &HostCreateRequest{Name: "h"})
		require.ErrorIs(t, err, ErrInvalidInput)
		_, _, err = c.Hosts.Ensure(context.Background(), nil)
		require.ErrorIs(t, err, ErrInvalidInput)
		assert.Zero(t, m.GetTotalCallCount())
	})
}
