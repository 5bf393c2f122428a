package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	alletra "github.com/openalletra/go-alletra"
	"github.com/stretchr/testify/assert"
)

func TestExitCodesFollowTheSentinels(t *testing.T) {
	api := func(status int, code alletra.ErrorCode) error {
		return fmt.Errorf("wrapped: %w", &alletra.APIError{StatusCode: status, Code: code, Method: "GET", Path: "/x"})
	}
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errors.New("boom"), exitOther},
		{api(404, alletra.CodeNonExistentVolume), exitNotFound},
		{api(409, alletra.CodeExistentVolume), exitExists},
		{alletra.ErrConflict, exitExists},
		{api(403, alletra.CodeInvalidUserPassword), exitAuth},
		{api(400, alletra.CodeInvalidInput), exitInvalid},
		{&alletra.ValidationError{Field: "Name", Reason: "empty"}, exitInvalid},
		{invalidf("--size", "bad"), exitInvalid},
		{api(400, alletra.CodeInvalidInputExceedsLength), exitInvalid},
		{api(503, alletra.CodeSystemBusy), exitBusy},
		{api(409, alletra.CodeTuneInProgress), exitBusy}, // busy and in use: busy wins
		{api(409, alletra.CodeExportedVLUN), exitInUse},
		{api(409, alletra.CodeHasChild), exitInUse},
		{&alletra.TaskError{ID: 3, Err: alletra.ErrTaskFailed}, exitTaskFailed},
		{&alletra.TaskError{ID: 3, Err: context.Canceled}, exitInterrupted},
		{context.DeadlineExceeded, exitInterrupted},
		{&notExported{volume: "v", host: "h"}, exitNotFound},
		{api(404, alletra.CodeResourceNotFound), exitOther}, // a wrong URL is not "not found"
		{api(400, alletra.CodeNoSpace), exitNoSpace},
		{api(403, alletra.CodeNewSizeExceedsCPGLimit), exitNoSpace}, // no space and too large: no space wins
	} {
		assert.Equal(t, tc.want, exitCode(tc.err), "%v", tc.err)
	}
}

func TestExitCodesAreDistinctAndDocumented(t *testing.T) {
	seen := map[int]bool{exitOK: true}
	help := exitCodesHelp()
	for _, row := range exitTable {
		assert.False(t, seen[row.code], "code %d used twice", row.code)
		seen[row.code] = true
		assert.Contains(t, help, fmt.Sprintf("%2d  %s: ", row.code, row.name))
	}
	for _, code := range []int{exitNotFound, exitExists, exitBusy, exitAuth, exitInvalid, exitOther} {
		assert.True(t, seen[code])
	}
}
