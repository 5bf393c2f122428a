package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVLUNsDeleteForHostUsesThisHostsLUN(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/vluns", goldenResponder(t, 200, "vluns.json"))
	m.RegisterResponder(http.MethodDelete, testAPI+"/vluns/c-web02,3,esx01", jsonResponder(200, nil))
	require.NoError(t, c.VLUNs.DeleteForHost(context.Background(), "c-web02", "esx01"))
	// LUN 3 is esx01's, not the first record's LUN 1: only that DELETE has
	// a responder, any other fails the test.
	assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/vluns/c-web02,3,esx01"))
}

func TestVLUNsDeleteForHostNotExported(t *testing.T) {
	t.Parallel()
	// No DELETE responder: another host's vLUN is never touched, and any
	// DELETE fails the test.
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/vluns", goldenResponder(t, 200, "vluns.json"))
	err := c.VLUNs.DeleteForHost(context.Background(), "c-web01", "esx01")
	require.ErrorIs(t, err, ErrNotFound)

	err = c.VLUNs.DeleteForHost(context.Background(), "c-web01", "a/b")
	require.ErrorIs(t, err, ErrInvalidInput)
}
