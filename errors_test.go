package alletra

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorMatrix(t *testing.T) {
	t.Parallel()
	all := []error{ErrNotFound, ErrAlreadyExists, ErrInUse, ErrExported, ErrNameTooLong, ErrBusy,
		ErrInvalidInput, ErrSessionExpired, ErrAuthentication, ErrPermission, ErrTooLarge,
		ErrCannotShrink, ErrParentGrown, ErrConflict}
	for _, tc := range []struct {
		status int
		code   ErrorCode
		want   []error
	}{
		{404, CodeNonExistentHost, []error{ErrNotFound}},
		{404, CodeNonExistentVLUN, []error{ErrNotFound}},
		{404, CodeNonExistentVolume, []error{ErrNotFound}},
		{404, CodeNonExistentSet, []error{ErrNotFound}},
		{404, CodeNonExistentTask, []error{ErrNotFound}},
		{404, 0, []error{ErrNotFound}},
		{409, CodeExistentHost, []error{ErrAlreadyExists}},
		{409, CodeExistentLUN, []error{ErrAlreadyExists}},
		{409, CodeExistentVolume, []error{ErrAlreadyExists}},
		{409, CodeExistentID, []error{ErrAlreadyExists}},
		{409, CodeExistentPath, []error{ErrAlreadyExists, ErrConflict}},
		{409, CodeExistentSet, []error{ErrAlreadyExists}},
		{409, CodeExportedVLUN, []error{ErrInUse, ErrExported}},
		{409, CodeVolumeAlreadyExported, []error{ErrInUse, ErrExported}},
		{409, CodeHasChild, []error{ErrInUse}},
		{409, CodeInUse, []error{ErrInUse}},
		{409, CodeVolumeBusy, []error{ErrInUse, ErrBusy}},
		{403, CodeVolumeExported, []error{ErrInUse, ErrExported}},
		{400, CodeInvalidInputExceedsLength, []error{ErrNameTooLong, ErrInvalidInput}},
		{400, CodeInvalidInputIllegalChar, []error{ErrInvalidInput}},
		{400, CodeTooLarge, []error{ErrTooLarge, ErrInvalidInput}},
		{403, CodeNewSizeExceedsCPGLimit, []error{ErrTooLarge}},
		{503, CodeSystemBusy, []error{ErrBusy}},
		{503, 0, []error{ErrBusy}},
		{403, CodeInvalidSessionKey, []error{ErrSessionExpired}},
		{403, CodeInvalidUserPassword, []error{ErrAuthentication}},
		{403, CodePermissionDenied, []error{ErrPermission}},
		{409, CodeCopyParentTooBig, []error{ErrCannotShrink}},
		{409, CodeParentSizeIncreased, []error{ErrParentGrown}},
		{500, CodeInternalServerError, nil},
	} {
		t.Run(fmt.Sprintf("%d/%d", tc.status, tc.code), func(t *testing.T) {
			t.Parallel()
			for _, desc := range []string{"original text", "reworded in a later release"} {
				err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: tc.status, Code: tc.code, Description: desc})
				for _, sentinel := range all {
					want := false
					for _, w := range tc.want {
						want = want || w == sentinel
					}
					assert.Equal(t, want, errors.Is(err, sentinel), "%v", sentinel)
				}
			}
		})
	}
}

func TestErrorBodiesDecodedLeniently(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"code":23,"desc":"volume does not exist"}`))
	require.NoError(t, zw.Close())
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		encoding    string
		body        []byte
		code        ErrorCode
		desc        string
		sentinel    error
	}{
		{"json", 404, "application/json", "", []byte(`{"code":23,"desc":"volume does not exist"}`), 23, "volume does not exist", ErrNotFound},
		{"charset", 404, "application/json; charset=utf-8", "", []byte(`{"code":23,"desc":"x"}`), 23, "x", ErrNotFound},
		{"json under text/html", 409, "text/html", "", []byte(`{"code":22,"desc":"volume exists","ref":"name"}`), 22, "volume exists", ErrAlreadyExists},
		{"no content type", 409, "", "", []byte(` {"code":"22","desc":"string code"}`), 22, "string code", ErrAlreadyExists},
		{"flask message", 404, "application/json", "", []byte(`{"message":{"code":17,"desc":"host does not exist"}}`), 17, "host does not exist", ErrNotFound},
		{"gzip", 404, "application/json", "gzip", gz.Bytes(), 23, "volume does not exist", ErrNotFound},
		{"html from a proxy", 502, "text/html", "", []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"), 0, "<html><body><h1>502 Bad Gateway</h1></body></html>", nil},
		{"empty", 500, "", "", nil, 0, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, WithRetry(0, 0, 0))
			m.RegisterResponder(http.MethodGet, testAPI+"/volumes/vol1", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewBytesResponse(tc.status, tc.body)
				if tc.contentType != "" {
					resp.Header.Set("Content-Type", tc.contentType)
				}
				if tc.encoding != "" {
					resp.Header.Set("Content-Encoding", tc.encoding)
				}
				return resp, nil
			})
			_, err := c.Volumes.Get(context.Background(), "vol1")
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, tc.desc, apiErr.Description)
			assert.Equal(t, http.MethodGet, apiErr.Method)
			assert.Equal(t, "/volumes/vol1", apiErr.Path)
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	e := &APIError{StatusCode: 409, Code: CodeExistentVolume, Description: "volume exists", Ref: "name",
		Method: "POST", Path: "/volumes", Attempts: 2}
	assert.Equal(t, "alletra: POST /volumes: HTTP 409 code 22 EXISTENT_VOL: volume exists (ref name) after 2 attempts", e.Error())
	assert.Equal(t, "999", ErrorCode(999).String())
	te := &TaskError{ID: 7, Status: TaskFailed, Name: "promote", Err: ErrTaskFailed}
	assert.ErrorIs(t, te, ErrTaskFailed)
	assert.Contains(t, te.Error(), "task 7")
}

func TestVolumeRequestRanges(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	ctx := context.Background()
	long := strings.Repeat("c", 512)
	base := func(f func(*VolumeCreateRequest)) error {
		r := &VolumeCreateRequest{Name: "v", CPG: "SSD_r6", SizeMiB: 1024}
		f(r)
		return c.Volumes.Create(ctx, r)
	}
	for field, err := range map[string]error{
		"Comment":             base(func(r *VolumeCreateRequest) { r.Comment = long }),
		"ExpirationHours":     base(func(r *VolumeCreateRequest) { r.ExpirationHours = -1 }),
		"RetentionHours":      base(func(r *VolumeCreateRequest) { r.RetentionHours = 43801 }),
		"ID":                  base(func(r *VolumeCreateRequest) { r.ID = -2 }),
		"UsrSpcAllocLimitPct": base(func(r *VolumeCreateRequest) { r.UsrSpcAllocLimitPct = 101 }),
		"SizeMiB":             base(func(r *VolumeCreateRequest) { r.SizeMiB = 1 << 33 }),
		"SnapCPG":             base(func(r *VolumeCreateRequest) { r.SnapCPG = "a/b" }),
		"req":                 c.Volumes.Update(ctx, "v", &VolumeUpdateRequest{}),
	} {
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.Equal(t, field, ve.Field)
	}
	assert.ErrorIs(t, base(func(r *VolumeCreateRequest) { r.SizeMiB = 1 << 33 }), ErrTooLarge)
	comment := long
	var ve *ValidationError
	require.ErrorAs(t, c.Volumes.Update(ctx, "v", &VolumeUpdateRequest{Comment: &comment}), &ve)
	assert.Equal(t, "Comment", ve.Field)
	require.ErrorAs(t, c.Snapshots.Create(ctx, "v", &SnapshotCreateRequest{Name: "s", Comment: long}), &ve)
	assert.Equal(t, "Comment", ve.Field)
	assert.Zero(t, m.GetTotalCallCount(), "refused before any I/O")
}

func TestTaskErrorWithoutCause(t *testing.T) {
	t.Parallel()
	assert.NotPanics(t, func() { _ = (&TaskError{ID: 3}).Error() })
}
