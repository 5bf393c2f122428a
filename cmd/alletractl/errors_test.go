package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"testing"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
)

func TestDescribeDropsStutterAndGoNames(t *testing.T) {
	create := &cobra.Command{Use: "create"}
	create.Flags().Bool("exists-ok", false, "")
	apiErr := &alletra.APIError{Method: "POST", Path: "/hosts", StatusCode: 409, Code: 16, Description: "host exists"}
	wrapped := fmt.Errorf("alletra: host h1 exists without initiator iqn.x: %w (%w)", alletra.ErrConflict, apiErr)

	msg, hint := describe(create, wrapped)
	assert.NotContains(t, msg, "alletra:")
	assert.NotContains(t, msg, "conflicting object exists")
	assert.Contains(t, msg, "host h1 exists without initiator iqn.x")
	assert.Contains(t, msg, "HTTP 409 code 16")
	assert.Contains(t, msg, "host exists") // the array's text is kept
	assert.Contains(t, hint, "--exists-ok")

	msg, _ = describe(nil, &alletra.ValidationError{Field: "SizeMiB", Reason: "must be positive"})
	assert.Equal(t, "invalid --size: must be positive", msg)
	msg, _ = describe(nil, &alletra.ValidationError{Field: "sizeMiB",
		Reason: "20971520 MiB is above the limit: sizes are in MiB; use VolumeSizeMiB"})
	assert.Equal(t, "invalid --size: 20971520 MiB is above the limit", msg)
	msg, _ = describe(nil, &alletra.ValidationError{Field: "snapshotRetentionHours", Reason: "too long"})
	assert.Equal(t, "invalid snapshot retention hours: too long", msg)
	msg, _ = describe(nil, &alletra.ValidationError{Field: "VLUNCreateRequest", Reason: "nil"})
	assert.Equal(t, "invalid vlun create request: nil", msg)
	msg, _ = describe(nil, fmt.Errorf("restore: %w", context.DeadlineExceeded))
	assert.Equal(t, "restore: context deadline exceeded", msg)
	msg, _ = describe(nil, context.DeadlineExceeded)
	assert.Equal(t, "stopped: --timeout reached", msg)

	// a class on its own is the whole message
	msg, hint = describe(nil, alletra.ErrNotFound)
	assert.Equal(t, "not found", msg)
	assert.Empty(t, hint, "no hint names a flag the command lacks")

	// alletractl's own input errors stay as they are
	msg, _ = describe(nil, invalidf("--lun", "-2: want 0-16383"))
	assert.Equal(t, "--lun: -2: want 0-16383", msg)
}

func TestDescribeHintsAtTheCommonFixes(t *testing.T) {
	restore := &cobra.Command{Use: "restore"}
	restore.Flags().Bool("online", false, "")
	del := &cobra.Command{Use: "delete"}
	del.Flags().Bool("missing-ok", false, "")
	for _, tc := range []struct {
		cmd  *cobra.Command
		err  error
		hint string
	}{
		{restore, fmt.Errorf("restore s1: %w", alletra.ErrExported), "--online"},
		{del, &alletra.APIError{Method: "DELETE", Path: "/volumes/v", StatusCode: 404, Code: 23}, "--missing-ok"},
		{nil, &alletra.APIError{Method: "POST", Path: "/credentials", StatusCode: 403, Code: 5}, "ALLETRA_PASSWORD_FILE"},
		{nil, &alletra.TransportError{Err: x509.UnknownAuthorityError{}}, "--ca"},
		{nil, &alletra.APIError{Method: "POST", Path: "/credentials", StatusCode: 404, Code: 11}, "--url"},
	} {
		_, hint := describe(tc.cmd, tc.err)
		assert.Contains(t, hint, tc.hint, "%v", tc.err)
		assert.NotContains(t, hint, "\n")
	}
}

func TestBinaryErrorsHaveOnePrefixAndAHint(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "v1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("host", "ensure", "h1", "--iscsi", "iqn.1993-08.org.debian:01:a")
	for _, tc := range []struct {
		code int
		args []string
		hint string
	}{
		{exitExists, []string{"volume", "create", "v1", "--size", "2GiB", "--cpg", "SSD_r6"}, "--exists-ok"},
		{exitExists, []string{"host", "ensure", "h1", "--iscsi", "iqn.1993-08.org.debian:01:b"}, ""},
		{exitNotFound, []string{"volume", "delete", "nope"}, "--missing-ok"},
		{exitInvalid, []string{"volume", "resize", "v1", "--size", "512MiB"}, ""},
		{exitInvalid, []string{"volume", "create", "v2", "--size", "20TiB", "--cpg", "SSD_r6"}, ""},
	} {
		o := c.fails(tc.code, tc.args...)
		lines := strings.Split(strings.TrimSuffix(o.stderr, "\n"), "\n")
		assert.True(t, strings.HasPrefix(lines[0], "alletractl: "), o.stderr)
		assert.Equal(t, 1, strings.Count(o.stderr, "alletractl:"), o.stderr)
		assert.NotContains(t, o.stderr, "alletra: ", "the SDK's prefix stutters")
		assert.NotRegexp(t, `\b(sizeMiB|SizeMiB|VolumeSizeMiB)\b`, o.stderr, "a Go name in a CLI error")
		if tc.hint != "" {
			assert.Len(t, lines, 2, o.stderr)
			assert.Equal(t, "hint: ", lines[len(lines)-1][:6])
			assert.Contains(t, lines[1], tc.hint)
		}
	}
	o := c.fails(exitExists, "host", "ensure", "h1", "--iscsi", "iqn.1993-08.org.debian:01:b")
	assert.Contains(t, o.stderr, "code 16", "the array's code is kept")
	assert.NotContains(t, o.stderr, "conflicting object exists")
}

// The array's ref of a refused grow is sizeMiB, set by --by there: the
// message names the command's own flag (it said --size, which grow has not).
func TestBinaryErrorNamesTheCommandsOwnFlag(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "v1", "--size", "1GiB", "--cpg", "SSD_r6")
	o := c.fails(exitInvalid, "volume", "grow", "v1", "--by", "100TiB")
	assert.Contains(t, o.stderr, "(about --by)")
	assert.NotContains(t, o.stderr, "--size")
}
