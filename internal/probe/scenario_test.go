package probe

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
)

func TestNames(t *testing.T) {
	t.Parallel()
	n, err := newNames()
	require.NoError(t, err)
	assert.Regexp(t, `^prb[0-9a-f]{6}$`, n.prefix)
	assert.Len(t, n.vol31, 31)
	assert.Len(t, n.vol63, 63)
	assert.LessOrEqual(t, len(n.set), 27, "set names: the guide's Name27")
	for _, name := range []string{n.set, n.vol31, n.vol63, n.snap, n.copyVol, n.host, n.missVol, n.missHost, n.missSet} {
		assert.True(t, strings.HasPrefix(name, n.prefix), name)
		assert.NotEmpty(t, n.labels[name], name)
	}
	other, err := newNames()
	require.NoError(t, err)
	assert.NotEqual(t, n.prefix, other.prefix)
}

func TestUnusedTaskID(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 65535, unusedTaskID(nil))
	assert.Equal(t, 65533, unusedTaskID([]alletra.Task{{ID: 65535}, {ID: 65534}, {ID: 3}}))
}

func TestOutcome(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "ok", outcome(nil))
	assert.Equal(t, "ErrNotFound (HTTP 404/23)", outcome(fmt.Errorf("wrapped: %w",
		&alletra.APIError{StatusCode: 404, Code: 23, Description: "volume customer-db does not exist", Path: "/volumes/customer-db"})))
	assert.Equal(t, "ValidationError name", outcome(&alletra.ValidationError{Field: "name", Reason: "customer-db is bad"}))
	assert.Equal(t, "interrupted", outcome(context.Canceled))
	assert.Equal(t, "error", outcome(errors.New("dial tcp 10.1.2.3:8080: refused")))
}

func TestRemoveAllOrder(t *testing.T) {
	t.Parallel()
	n, err := newNames()
	require.NoError(t, err)
	r := &runner{n: n}
	var order []string
	push := func(kind, name string, fail error) {
		r.pushIfMaybe(nil, kind, name, func(context.Context) error {
			order = append(order, kind+" "+name)
			return fail
		})
	}
	push("volumeset", n.set, nil)
	push("volume", n.vol31, nil)
	push("snapshot", n.snap, nil)
	push("volume", n.copyVol, &alletra.APIError{StatusCode: 404, Code: 23})
	push("host", n.host, nil)
	push("vlun", n.vol31+" to "+n.host, errors.New("transport"))
	push("mystery", "prbzzz", nil)
	push("host", n.host, nil) // pushed twice: removed once
	r.removeAll(context.Background())
	assert.Equal(t, []string{"vlun " + n.vol31 + " to " + n.host, "volumeset " + n.set, "host " + n.host,
		"snapshot " + n.snap, "volume " + n.copyVol, "volume " + n.vol31, "mystery prbzzz"}, order)
	assert.Equal(t, []string{"vlun " + n.vol31 + " to " + n.host}, r.left, "not-found counts as removed")
	assert.Empty(t, r.cleanup)
}

func TestPushIfMaybeSkipsPlainRefusals(t *testing.T) {
	t.Parallel()
	r := &runner{}
	del := func(context.Context) error { return nil }
	r.pushIfMaybe(&alletra.APIError{StatusCode: 409, Code: 22}, "volume", "a", del)
	r.pushIfMaybe(&alletra.ValidationError{Field: "name"}, "volume", "b", del)
	r.pushIfMaybe(errors.New("connection reset"), "volume", "c", del)
	r.pushIfMaybe(nil, "volume", "d", del)
	var names []string
	for _, c := range r.cleanup {
		names = append(names, c.name)
	}
	assert.Equal(t, []string{"c", "d"}, names, "an unknown outcome may have created it")
}
