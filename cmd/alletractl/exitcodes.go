package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

// Exit codes: the classes a script branches on. They are part of the
// command's interface; never renumber one.
const (
	exitOK          = 0
	exitOther       = 1 // everything else: a network failure, a malformed answer, an unclassified array error
	exitInvalid     = 2 // invalid input or usage, refused before or by the array
	exitNotFound    = 3
	exitExists      = 4 // already exists, or a conflicting object exists
	exitBusy        = 5 // the array or the object is busy, or no session is free: try again later
	exitAuth        = 6 // wrong user or password, or permission denied
	exitInUse       = 7 // still exported, has snapshots, is a set member, ...
	exitTaskFailed  = 8 // the array task failed or was cancelled
	exitInterrupted = 9 // Ctrl-C or --timeout ended the command (a task goes on; its id is printed)
	exitNoSpace     = 10
	exitDiffers     = 11 // alletractl probe --fail-on-diff: the array answered otherwise than the simulator
)

// exitClass is one row of the exit code table.
type exitClass struct {
	code int
	name string
	errs []error // matched with errors.Is, in table order
	doc  string
}

// exitTable maps errors to exit codes: the first row with a matching sentinel
// wins, so a busy volume (ErrBusy and ErrInUse) exits "busy". New SDK
// sentinels get a row here and nowhere else.
var exitTable = []exitClass{
	{exitOther, "everything else", []error{alletra.ErrEndpoint},
		"a wrong WSAPI URL (never 'not found'), a network failure, a malformed answer, another array error"},
	{exitAuth, "authentication", []error{alletra.ErrAuthentication, alletra.ErrPermission},
		"wrong user name or password, or the user may not do this"},
	{exitNoSpace, "no space", []error{alletra.ErrNoSpace, alletra.ErrLimitReached},
		"the CPG or the array has not enough space, or the array holds as many volumes or snapshots as it can"},
	{exitInvalid, "invalid input", []error{alletra.ErrInvalidInput, alletra.ErrNameTooLong, alletra.ErrTooLarge,
		alletra.ErrCannotShrink, alletra.ErrNotRemoteCopyTarget},
		"a bad argument, flag or size (also when the array refuses it), a name too long, a shrink, a target the remote copy group does not have"},
	{exitNotFound, "not found", []error{alletra.ErrNotFound}, "the volume, host, set, vLUN, CPG or task does not exist"},
	{exitExists, "already exists", []error{alletra.ErrAlreadyExists, alletra.ErrConflict},
		"an object of that name exists (and, for ensure or --exists-ok, differs from the one asked for)"},
	{exitBusy, "busy", []error{alletra.ErrBusy, alletra.ErrSessionLimit},
		"the array or the object is busy, or no session is free: try again later"},
	{exitInUse, "in use", []error{alletra.ErrInUse, alletra.ErrExported, alletra.ErrParentGrown, alletra.ErrRemoteCopyGroupState},
		"the object is exported, has snapshots, is in a set, or its parent grew; the remote copy group's state does not allow it (stop it first)"},
	{exitTaskFailed, "task failed", []error{alletra.ErrTaskFailed, alletra.ErrTaskCancelled},
		"the array task failed or was cancelled"},
	{exitInterrupted, "interrupted", []error{context.Canceled, context.DeadlineExceeded},
		"Ctrl-C or --timeout stopped the command; a task keeps running on the array and its id is printed"},
	{exitDiffers, "differences", []error{errDiffers},
		"alletractl probe --fail-on-diff found a difference from the simulator (without the flag, differences exit 0)"},
}

// exitCode returns the exit code for err (exitOK for nil).
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	for _, row := range exitTable {
		for _, target := range row.errs {
			if errors.Is(err, target) {
				return row.code
			}
		}
	}
	return exitOther
}

// exitCodesHelp is the text of "alletractl help exit-codes".
func exitCodesHelp() string {
	var b strings.Builder
	b.WriteString("alletractl exits with one of these codes:\n\n")
	fmt.Fprintf(&b, "  %2d  success\n", exitOK)
	rows := slices.Clone(exitTable)
	slices.SortStableFunc(rows, func(x, y exitClass) int { return x.code - y.code })
	for _, row := range rows {
		fmt.Fprintf(&b, "  %2d  %s: %s\n", row.code, row.name, row.doc)
	}
	b.WriteString(`
The class is decided by the array's HTTP status and WSAPI error code (through
the go-alletra SDK's sentinel errors), never by the error text. Usage errors
(an unknown command or flag, a wrong number of arguments) exit 2 too.`)
	return b.String()
}

// exitCodesTopic is the help topic "exit-codes".
func exitCodesTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "The exit codes and what they mean",
		Long:  exitCodesHelp(),
	}
}
