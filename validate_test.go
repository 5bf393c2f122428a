package alletra

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamesNeverChangeThePath(t *testing.T) {
	t.Parallel()
	c, _ := newMock(t) // no responder: every hostile name must be refused before any request
	for _, name := range []string{"a/b", "..", ".", "../volumes", "a?b=c", "a%2Fb", "a b", "é", "vol\x00", "a#b", "-x", "", "a\nb"} {
		_, err := c.Volumes.Get(context.Background(), name)
		assert.ErrorIs(t, err, ErrInvalidInput, "%q", name)
	}
	for _, name := range []string{"a/b", "..", "a?b", "a%b", "a b", "é"} {
		p := pathf("/volumes/%s", name)
		u, err := url.Parse("https://x" + p)
		require.NoError(t, err)
		assert.Equal(t, "/volumes/"+name, u.Path, "one segment for %q", name)
		assert.Equal(t, 2, strings.Count(u.EscapedPath(), "/"), "%q", name)
	}
}

func TestValidationErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, WithMaxNameLength(31))
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"empty name", c.Volumes.Create(ctx, &VolumeCreateRequest{CPG: "c", SizeMiB: 1}), "Name"},
		{"nil request", c.Volumes.Create(ctx, nil), "req"},
		{"zero size", c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", CPG: "c"}), "SizeMiB"},
		{"negative size", c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", CPG: "c", SizeMiB: -1}), "SizeMiB"},
		{"no cpg", c.Volumes.Create(ctx, &VolumeCreateRequest{Name: "v", SizeMiB: 1}), "CPG"},
		{"slash", func() error { _, err := c.Volumes.Get(ctx, "a/b"); return err }(), "name"},
		{"dotdot", func() error { _, err := c.Volumes.Get(ctx, "../x"); return err }(), "name"},
		{"query", func() error { _, err := c.Volumes.Get(ctx, "a?b"); return err }(), "name"},
		{"percent", func() error { _, err := c.Volumes.Get(ctx, "a%2f"); return err }(), "name"},
		{"leading dash", c.Volumes.Delete(ctx, "-x"), "name"},
		{"space", c.Volumes.Delete(ctx, "a b"), "name"},
		{"grow zero", c.Volumes.Grow(ctx, "v", 0), "byMiB"},
		{"too long", c.Volumes.Create(ctx, &VolumeCreateRequest{Name: strings.Repeat("a", 32), CPG: "c", SizeMiB: 1}), "Name"},
	} {
		var ve *ValidationError
		require.ErrorAs(t, tc.err, &ve, tc.name)
		assert.Equal(t, tc.field, ve.Field, tc.name)
		assert.ErrorIs(t, tc.err, ErrInvalidInput, tc.name)
	}
	err := c.Volumes.Create(ctx, &VolumeCreateRequest{Name: strings.Repeat("a", 32), CPG: "c", SizeMiB: 1})
	assert.ErrorIs(t, err, ErrNameTooLong)
	assert.Zero(t, m.GetTotalCallCount(), "bad input never reaches the wire")
}
