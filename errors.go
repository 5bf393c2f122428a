package alletra

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// ErrorCode is the numeric WSAPI error code carried in the "code" member of an
// error body. The number is the contract; the description text that comes
// with it changes between array releases and is never used for matching.
type ErrorCode int

// WSAPI error codes. The numbers are those of HPE's WSAPI developer guides,
// unless the comment says otherwise.
const (
	CodeInternalServerError       ErrorCode = 1   // INT_SERV_ERR (500)
	CodeInvalidSSL                ErrorCode = 2   // INV_SSL (400)
	CodeInputEOF                  ErrorCode = 3   // INPUT_EOF (400)
	CodeInputTooLong              ErrorCode = 4   // INPUT_TOO_LONG (413)
	CodeInvalidUserPassword       ErrorCode = 5   // INV_USER_PASS (403)
	CodeInvalidSessionKey         ErrorCode = 6   // INV_SESS_KEY (403): the key expired or is unknown
	CodeTimeout                   ErrorCode = 7   // TIMEOUT (408)
	CodeUnsupportedHTTPVersion    ErrorCode = 8   // UNSUP_HTTP (505)
	CodeUnsupportedOperation      ErrorCode = 9   // UNSUP_OP (501)
	CodeResourceNotFound          ErrorCode = 11  // URI_RES_NOT_FOUND (404)
	CodeInvalidInput              ErrorCode = 12  // INV_INPUT (400)
	CodePermissionDenied          ErrorCode = 13  // PERM_DENIED (403)
	CodeExistentCPG               ErrorCode = 14  // EXISTENT_CPG (409)
	CodeNonExistentCPG            ErrorCode = 15  // NON_EXISTENT_CPG (404)
	CodeExistentHost              ErrorCode = 16  // EXISTENT_HOST (409)
	CodeNonExistentHost           ErrorCode = 17  // NON_EXISTENT_HOST (404)
	CodeExistentLUN               ErrorCode = 18  // EXISTENT_LUN (409)
	CodeNonExistentVLUN           ErrorCode = 19  // NON_EXISTENT_VLUN (404)
	CodeNonExistentPort           ErrorCode = 20  // NON_EXISTENT_PORT (404)
	CodeBadPortType               ErrorCode = 21  // BAD_PORT_TYPE
	CodeExistentVolume            ErrorCode = 22  // EXISTENT_VOL (409)
	CodeNonExistentVolume         ErrorCode = 23  // NON_EXISTENT_VOL (404)
	CodeNoSpace                   ErrorCode = 24  // NO_SPACE (400)
	CodeHasReadOnlyChild          ErrorCode = 25  // HAS_RO_CHILD (409)
	CodeExportedVLUN              ErrorCode = 26  // EXPORTED_VLUN (409): the object is still exported
	CodeTooLarge                  ErrorCode = 28  // TOO_LARGE (400)
	CodeVolumeAlreadyExported     ErrorCode = 29  // seen by LXD on POST /vluns for an NVMe host; name unverified
	CodeHasChild                  ErrorCode = 32  // HAS_CHILD (409): the volume has snapshots
	CodeInUse                     ErrorCode = 34  // IN_USE (409): in a set, a key in use, ...
	CodeNonExistentDomain         ErrorCode = 38  // NON_EXISTENT_DOMAIN (404)
	CodeInvalidInputWrongType     ErrorCode = 39  // INV_INPUT_WRONG_TYPE (400)
	CodeInvalidInputMissing       ErrorCode = 40  // INV_INPUT_MISSING_REQUIRED (400)
	CodeInvalidInputExceedsRange  ErrorCode = 43  // INV_INPUT_EXCEEDS_RANGE (400)
	CodeInvalidInputParamConflict ErrorCode = 44  // INV_INPUT_PARAM_CONFLICT (400)
	CodeInvalidInputEmptyString   ErrorCode = 45  // INV_INPUT_EMPTY_STR (400)
	CodeInvalidInputBadEnum       ErrorCode = 46  // INV_INPUT_BAD_ENUM_VALUE (400)
	CodeInvalidPortSpecification  ErrorCode = 55  // INV_INPUT_PORT_SPECIFICATION (400)
	CodeInvalidInputExceedsLength ErrorCode = 57  // INV_INPUT_EXCEEDS_LENGTH (400): a name over the limit
	CodeExistentID                ErrorCode = 59  // EXISTENT_ID (409)
	CodeJSONSyntax                ErrorCode = 60  // malformed JSON (400)
	CodeInvalidInputIllegalChar   ErrorCode = 69  // INV_INPUT_ILLEGAL_CHAR (400)
	CodeExistentPath              ErrorCode = 73  // EXISTENT_PATH (409): an initiator owned by another host
	CodeInvalidInputOneRequired   ErrorCode = 78  // INV_INPUT_ONE_REQUIRED (400)
	CodeNonExistentPath           ErrorCode = 80  // NON_EXISTENT_PATH (404)
	CodeExistentSet               ErrorCode = 101 // EXISTENT_SET (409)
	CodeNonExistentSet            ErrorCode = 102 // NON_EXISTENT_SET (404)
	CodeInvalidInputBelowRange    ErrorCode = 115 // INV_INPUT_BELOW_RANGE (400)
	CodeNonExistentTask           ErrorCode = 145 // NON_EXISTENT_TASK (404)
	CodeUnsupportedVolumeType     ErrorCode = 150 // INV_OPERATION_UNSUPPORTED_VV_TYPE (403)
	CodeVolumeBusy                ErrorCode = 151 // the volume is busy in a background task (409)
	CodeInvalidGrowSize           ErrorCode = 152 // INV_INPUT_VV_GROW_SIZE (400)
	CodeNewSizeExceedsCPGLimit    ErrorCode = 153 // VV_NEW_SIZE_EXCEED_CPG_LIMIT (403)
	CodePromoteNotInProgress      ErrorCode = 185 // INV_OPERATION_VV_PROMOTE_IS_NOT_IN_PROGRESS (409)
	CodeSystemBusy                ErrorCode = 270 // the system is too busy; try again later
	CodeVolumeExported            ErrorCode = 300 // INV_OPERATION_VV_EXPORTED (403); number assigned by go-alletra, unverified
	CodeParentSizeIncreased       ErrorCode = 301 // INV_OPERATION_PARENT_SIZE_HAS_INCREASED (409); assigned, unverified
	CodeCopyParentTooBig          ErrorCode = 303 // INV_OPERATION_VV_COPY_PARENT_TOO_BIG (409); assigned, unverified
	CodeMemberInSet               ErrorCode = 304 // MEMBER_IN_SET (409); assigned, unverified
	CodeMemberNotInSet            ErrorCode = 305 // MEMBER_NOT_IN_SET (404); assigned, unverified
	CodeInvalidQueryString        ErrorCode = 306 // INV_QUERY_STRING (400); assigned, unverified
	CodeAutoLUNUnavailable        ErrorCode = 309 // AUTO_LUN_ID_UNAVAILABLE (409); assigned, unverified
	CodeNonActiveTask             ErrorCode = 310 // NON_ACTIVE_TASK (400); assigned, unverified
)

// String returns the code's number and, for known codes, HPE's symbol.
func (c ErrorCode) String() string {
	if name, ok := codeNames[c]; ok {
		return strconv.Itoa(int(c)) + " " + name
	}
	return strconv.Itoa(int(c))
}

var codeNames = map[ErrorCode]string{
	CodeInternalServerError: "INT_SERV_ERR", CodeInvalidSSL: "INV_SSL", CodeInputEOF: "INPUT_EOF",
	CodeInputTooLong: "INPUT_TOO_LONG", CodeInvalidUserPassword: "INV_USER_PASS",
	CodeInvalidSessionKey: "INV_SESS_KEY", CodeTimeout: "TIMEOUT", CodeUnsupportedHTTPVersion: "UNSUP_HTTP",
	CodeUnsupportedOperation: "UNSUP_OP", CodeResourceNotFound: "URI_RES_NOT_FOUND", CodeInvalidInput: "INV_INPUT",
	CodePermissionDenied: "PERM_DENIED", CodeExistentCPG: "EXISTENT_CPG", CodeNonExistentCPG: "NON_EXISTENT_CPG",
	CodeExistentHost: "EXISTENT_HOST", CodeNonExistentHost: "NON_EXISTENT_HOST", CodeExistentLUN: "EXISTENT_LUN",
	CodeNonExistentVLUN: "NON_EXISTENT_VLUN", CodeNonExistentPort: "NON_EXISTENT_PORT", CodeBadPortType: "BAD_PORT_TYPE",
	CodeExistentVolume: "EXISTENT_VOL", CodeNonExistentVolume: "NON_EXISTENT_VOL", CodeNoSpace: "NO_SPACE",
	CodeHasReadOnlyChild: "HAS_RO_CHILD", CodeExportedVLUN: "EXPORTED_VLUN", CodeTooLarge: "TOO_LARGE",
	CodeVolumeAlreadyExported: "VOLUME_ALREADY_EXPORTED", CodeHasChild: "HAS_CHILD", CodeInUse: "IN_USE",
	CodeNonExistentDomain: "NON_EXISTENT_DOMAIN", CodeInvalidInputWrongType: "INV_INPUT_WRONG_TYPE",
	CodeInvalidInputMissing: "INV_INPUT_MISSING_REQUIRED", CodeInvalidInputExceedsRange: "INV_INPUT_EXCEEDS_RANGE",
	CodeInvalidInputParamConflict: "INV_INPUT_PARAM_CONFLICT", CodeInvalidInputEmptyString: "INV_INPUT_EMPTY_STR",
	CodeInvalidInputBadEnum: "INV_INPUT_BAD_ENUM_VALUE", CodeInvalidPortSpecification: "INV_INPUT_PORT_SPECIFICATION",
	CodeInvalidInputExceedsLength: "INV_INPUT_EXCEEDS_LENGTH", CodeExistentID: "EXISTENT_ID",
	CodeJSONSyntax: "JSON_SYNTAX", CodeInvalidInputIllegalChar: "INV_INPUT_ILLEGAL_CHAR",
	CodeExistentPath: "EXISTENT_PATH", CodeInvalidInputOneRequired: "INV_INPUT_ONE_REQUIRED",
	CodeNonExistentPath: "NON_EXISTENT_PATH", CodeExistentSet: "EXISTENT_SET", CodeNonExistentSet: "NON_EXISTENT_SET",
	CodeInvalidInputBelowRange: "INV_INPUT_BELOW_RANGE", CodeNonExistentTask: "NON_EXISTENT_TASK",
	CodeUnsupportedVolumeType: "INV_OPERATION_UNSUPPORTED_VV_TYPE", CodeVolumeBusy: "VV_IS_BUSY",
	CodeInvalidGrowSize: "INV_INPUT_VV_GROW_SIZE", CodeNewSizeExceedsCPGLimit: "VV_NEW_SIZE_EXCEED_CPG_LIMIT",
	CodePromoteNotInProgress: "INV_OPERATION_VV_PROMOTE_IS_NOT_IN_PROGRESS", CodeSystemBusy: "SYSTEM_BUSY",
	CodeVolumeExported: "INV_OPERATION_VV_EXPORTED", CodeParentSizeIncreased: "INV_OPERATION_PARENT_SIZE_HAS_INCREASED",
	CodeCopyParentTooBig: "INV_OPERATION_VV_COPY_PARENT_TOO_BIG", CodeMemberInSet: "MEMBER_IN_SET",
	CodeMemberNotInSet: "MEMBER_NOT_IN_SET", CodeInvalidQueryString: "INV_QUERY_STRING",
	CodeAutoLUNUnavailable: "AUTO_LUN_ID_UNAVAILABLE", CodeNonActiveTask: "NON_ACTIVE_TASK",
}

// Sentinel errors. Test for them with errors.Is; an *APIError matches them by
// its HTTP status and WSAPI code, never by its text.
var (
	// ErrNotFound: the object does not exist (any 404; codes 17, 19, 23, 102, 145, ...).
	ErrNotFound = errors.New("alletra: not found")
	// ErrAlreadyExists: an object of that name or identity exists (16, 18, 22, 59, 73, 101, 304).
	ErrAlreadyExists = errors.New("alletra: already exists")
	// ErrInUse: the object is exported, in a set, has children or is busy (26, 29, 32, 34, 151, 25).
	ErrInUse = errors.New("alletra: in use")
	// ErrExported: the volume or host still has vLUNs (26, 29, 300).
	ErrExported = errors.New("alletra: exported")
	// ErrNameTooLong: a name exceeds the array's limit (57), or the client's WithMaxNameLength.
	ErrNameTooLong = errors.New("alletra: name too long")
	// ErrBusy: the array asked to try again later (503, 270, 151). Retries already happened when allowed.
	ErrBusy = errors.New("alletra: array busy")
	// ErrInvalidInput: the request was refused as malformed (400 with an input code), or a
	// *ValidationError refused it before any I/O.
	ErrInvalidInput = errors.New("alletra: invalid input")
	// ErrSessionExpired: the session key was not accepted (403 code 6) even after a re-login.
	ErrSessionExpired = errors.New("alletra: session key invalid or expired")
	// ErrAuthentication: the array refused the user name or password (403 code 5).
	ErrAuthentication = errors.New("alletra: invalid user name or password")
	// ErrSessionLimit: the array has no free session (503 on login).
	ErrSessionLimit = errors.New("alletra: session limit reached")
	// ErrPermission: the user lacks the privilege (403 code 13).
	ErrPermission = errors.New("alletra: permission denied")
	// ErrTooLarge: a size or number above the array's limit (28, 153).
	ErrTooLarge = errors.New("alletra: value too large")
	// ErrCannotShrink: a volume cannot be made smaller, or a copy destination is smaller than its source.
	ErrCannotShrink = errors.New("alletra: volume cannot shrink")
	// ErrParentGrown: a snapshot cannot be promoted after its parent grew (301).
	ErrParentGrown = errors.New("alletra: parent grew since the snapshot")
	// ErrTaskFailed: an array task ended as failed. The error is a *TaskError.
	ErrTaskFailed = errors.New("alletra: task failed")
	// ErrTaskCancelled: an array task was cancelled. The error is a *TaskError.
	ErrTaskCancelled = errors.New("alletra: task cancelled")
	// ErrClosed: the call was still in flight when Client.Close stopped waiting for it.
	ErrClosed = errors.New("alletra: client closed")
	// ErrConflict: the object exists with a different specification (after a reconcile), or an
	// initiator belongs to another host.
	ErrConflict = errors.New("alletra: conflicting object exists")
)

// APIError is an error answer of the array (any HTTP status >= 400). It keeps
// the HTTP status, the WSAPI code and the array's text. Match it with
// errors.Is against the sentinels, or errors.As to read the fields.
type APIError struct {
	StatusCode  int       // HTTP status
	Code        ErrorCode // WSAPI code from the body; 0 when the body had none
	Description string    // the array's "desc" (or the raw body, truncated, when not JSON); for people only
	Ref         string    // the array's "ref", when present
	Method      string    // request method
	Path        string    // request path (never a session key: credential paths are redacted)
	// Attempts is how many times the request was sent before this answer.
	Attempts int
}

// Error implements error. It includes the method, path, status, code and description.
func (e *APIError) Error() string {
	s := fmt.Sprintf("alletra: %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Code != 0 {
		s += " code " + e.Code.String()
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.Ref != "" {
		s += " (ref " + e.Ref + ")"
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s
}

// Is reports whether the error belongs to the class of target, one of the
// package's sentinel errors. It looks at the HTTP status and WSAPI code only.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || oneOf(e.Code, CodeNonExistentHost, CodeNonExistentVLUN,
			CodeNonExistentVolume, CodeNonExistentSet, CodeNonExistentTask, CodeNonExistentCPG,
			CodeNonExistentPort, CodeNonExistentPath, CodeMemberNotInSet, CodeResourceNotFound)
	case ErrAlreadyExists:
		return oneOf(e.Code, CodeExistentHost, CodeExistentLUN, CodeExistentVolume, CodeExistentID,
			CodeExistentPath, CodeExistentSet, CodeExistentCPG, CodeMemberInSet)
	case ErrInUse:
		return oneOf(e.Code, CodeExportedVLUN, CodeVolumeAlreadyExported, CodeHasChild, CodeInUse,
			CodeVolumeBusy, CodeHasReadOnlyChild, CodeVolumeExported)
	case ErrExported:
		return oneOf(e.Code, CodeExportedVLUN, CodeVolumeAlreadyExported, CodeVolumeExported)
	case ErrNameTooLong:
		return e.Code == CodeInvalidInputExceedsLength
	case ErrBusy:
		return e.StatusCode == http.StatusServiceUnavailable || oneOf(e.Code, CodeSystemBusy, CodeVolumeBusy)
	case ErrInvalidInput:
		return e.StatusCode == http.StatusBadRequest
	case ErrSessionExpired:
		return e.Code == CodeInvalidSessionKey
	case ErrAuthentication:
		return e.Code == CodeInvalidUserPassword
	case ErrSessionLimit:
		return e.StatusCode == http.StatusServiceUnavailable && isCredentialsPath(e.Path)
	case ErrPermission:
		return e.Code == CodePermissionDenied
	case ErrTooLarge:
		return oneOf(e.Code, CodeTooLarge, CodeNewSizeExceedsCPGLimit, CodeInputTooLong)
	case ErrCannotShrink:
		return oneOf(e.Code, CodeCopyParentTooBig)
	case ErrParentGrown:
		return e.Code == CodeParentSizeIncreased
	case ErrConflict:
		return e.Code == CodeExistentPath
	}
	return false
}

func oneOf(c ErrorCode, codes ...ErrorCode) bool {
	for _, x := range codes {
		if c == x {
			return true
		}
	}
	return false
}

// ValidationError reports an argument refused before any request was sent:
// an empty or illegal name, a size out of range, a nil request. It matches
// ErrInvalidInput with errors.Is, and Err (when set) too, e.g. ErrNameTooLong.
type ValidationError struct {
	Field  string // the argument or request member, e.g. "Name" or "SizeMiB"
	Reason string // what is wrong with it
	Err    error  // optional underlying class, e.g. ErrNameTooLong or ErrCannotShrink
}

// Error implements error.
func (e *ValidationError) Error() string {
	return "alletra: invalid " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidInput.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

// Unwrap returns the underlying class, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

func invalid(field, reason string) error { return &ValidationError{Field: field, Reason: reason} }

// TaskError reports an array task that ended as failed or cancelled, or a
// wait that ended with the context while the task was still running.
type TaskError struct {
	ID     int        // the task id
	Status TaskStatus // the last status seen
	Name   string     // the task's name, when known
	Err    error      // ErrTaskFailed, ErrTaskCancelled, or the context's error
}

// Error implements error.
func (e *TaskError) Error() string {
	s := fmt.Sprintf("alletra: task %d", e.ID)
	if e.Name != "" {
		s += " (" + e.Name + ")"
	}
	s += " " + e.Status.String()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns ErrTaskFailed, ErrTaskCancelled or the context's error.
func (e *TaskError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is (or wraps) a not-found error. It is
// shorthand for errors.Is(err, ErrNotFound).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
