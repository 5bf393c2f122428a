package sim

import (
	"fmt"
	"net/http"
)

// WSAPI error codes used by the simulator. The numbers up to 270 come from
// HPE's WSAPI developer guides, HPE's python client and its mock server, as
// collected in the project's wsapi.md.
const (
	CodeInternal             = 1
	CodeInvalidUserPass      = 5
	CodeInvalidSessionKey    = 6
	CodeUnsupportedOperation = 9
	CodeURINotFound          = 11
	CodeInvalidInput         = 12
	CodeNonExistentCPG       = 15
	CodeExistentHost         = 16
	CodeNonExistentHost      = 17
	CodeExistentLUN          = 18
	CodeNonExistentVLUN      = 19
	CodeNonExistentPort      = 20
	CodeExistentVolume       = 22
	CodeNonExistentVolume    = 23
	CodeExportedVLUN         = 26
	CodeTooLarge             = 28
	CodeAlreadyExported      = 29 // LXD's "volume already exported" (NVMe/TCP hosts)
	CodeHasChild             = 32
	CodeInUse                = 34
	CodeWrongType            = 39
	CodeMissingRequired      = 40
	CodeExceedsRange         = 43
	CodeParamConflict        = 44
	CodeEmptyString          = 45
	CodeBadEnumValue         = 46
	CodePortSpecification    = 55
	CodeExceedsLength        = 57
	CodeExistentID           = 59
	CodeJSONSyntax           = 60
	CodeIllegalChar          = 69
	CodeExistentPath         = 73
	CodeOneRequired          = 78
	CodeNonExistentPath      = 80
	CodeExistentSet          = 101
	CodeNonExistentSet       = 102
	CodeBelowRange           = 115
	CodeNonExistentTask      = 145
	CodeUnsupportedVVType    = 150
	CodeVolumeBusy           = 151
	CodeInvalidGrowSize      = 152
	CodeSystemBusy           = 270
)

// Codes assigned by go-alletra. The WSAPI documents these errors by name
// only (wsapi.md §2.2 "named-only codes"); no public source gives their
// numbers, so these numbers are go-alletra's own assignment and are
// unverified against a real array. Client and simulator agree on them
// through the golden files and the design notes.
const (
	CodeVVExported             = 300 // INV_OPERATION_VV_EXPORTED, HTTP 403
	CodeParentSizeHasIncreased = 301 // INV_OPERATION_PARENT_SIZE_HAS_INCREASED, HTTP 409
	CodeCopyParentTooBig       = 303 // INV_OPERATION_VV_COPY_PARENT_TOO_BIG, HTTP 409
	CodeMemberInSet            = 304 // MEMBER_IN_SET, HTTP 409
	CodeMemberNotInSet         = 305 // MEMBER_NOT_IN_SET, HTTP 404
	CodeInvalidQueryString     = 306 // INV_QUERY_STRING, HTTP 400
	CodeAutoLUNUnavailable     = 309 // AUTO_LUN_ID_UNAVAILABLE, HTTP 409
	CodeNonActiveTask          = 310 // NON_ACTIVE_TASK, HTTP 400
)

// APIError is a WSAPI error as the simulator sends it: an HTTP status and a
// JSON body {"code":N,"desc":"...","ref":"..."}. A zero Code omits the code
// member (the session-limit 503 has none).
type APIError struct {
	Status int
	Code   int
	Desc   string
	Ref    string
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("wsapi %d code %d: %s", e.Status, e.Code, e.Desc)
}

type errorBody struct {
	Code int    `json:"code,omitempty"`
	Desc string `json:"desc"`
	Ref  string `json:"ref,omitempty"`
}

func (e *APIError) body() errorBody { return errorBody{Code: e.Code, Desc: e.Desc, Ref: e.Ref} }

func apiErr(status, code int, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Desc: fmt.Sprintf(format, args...)}
}

func withRef(e *APIError, ref string) *APIError { e.Ref = ref; return e }

func errBadRequest(code int, format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, code, format, args...)
}

func errNotFound(code int, format string, args ...any) *APIError {
	return apiErr(http.StatusNotFound, code, format, args...)
}

func errConflict(code int, format string, args ...any) *APIError {
	return apiErr(http.StatusConflict, code, format, args...)
}

func errForbidden(code int, format string, args ...any) *APIError {
	return apiErr(http.StatusForbidden, code, format, args...)
}

func errNoVolume(name string) *APIError {
	return errNotFound(CodeNonExistentVolume, "volume does not exist: %s", name)
}
func errNoHost(name string) *APIError {
	return errNotFound(CodeNonExistentHost, "host does not exist: %s", name)
}
func errNoSet(name string) *APIError {
	return errNotFound(CodeNonExistentSet, "set does not exist: %s", name)
}
func errNoCPG(name string) *APIError {
	return errNotFound(CodeNonExistentCPG, "CPG does not exist: %s", name)
}
func errBusy(name string) *APIError {
	return errConflict(CodeVolumeBusy, "volume %s is busy in a background task", name)
}
func errSession() *APIError {
	return errForbidden(CodeInvalidSessionKey, "invalid session key")
}
