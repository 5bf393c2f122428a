package alletratest

import (
	"fmt"
	"net/http"
)

// WSAPI error codes used by the simulator. Every number here is public:
// HPE's WSAPI developer guides (1.2, 1.3.1 and an older edition), HPE's
// python client and its mock server, or an issue thread, as noted. Errors the
// public record names without a number are namedErrors (named.go).
const (
	codeInternal             = 1   // INT_SERV_ERR, 500 (guide)
	codeInputEOF             = 3   // INPUT_EOF, 400 (guide)
	codeInvalidUserPass      = 5   // INV_USER_PASS, 403 (guide)
	codeInvalidSessionKey    = 6   // INV_SESS_KEY, 403 (guide)
	codeUnsupportedOperation = 9   // UNSUP_OP, 501 (guide)
	codeURINotFound          = 11  // URI_RES_NOT_FOUND, 404 (guide)
	codeInvalidInput         = 12  // INV_INPUT, 400 (guide, HPE mock)
	codeNonExistentCPG       = 15  // NON_EXISTENT_CPG, 404 (guide 1.2)
	codeExistentHost         = 16  // EXISTENT_HOST, 409 (guide 1.2)
	codeNonExistentHost      = 17  // NON_EXISTENT_HOST, 404 (guide)
	codeExistentLUN          = 18  // EXISTENT_LUN, 409 (guide 1.2)
	codeNonExistentVLUN      = 19  // NON_EXISTENT_VLUN, 404 (guide 1.2)
	codeNonExistentPort      = 20  // NON_EXISTENT_PORT, 404 (guide 1.2)
	codeExistentVolume       = 22  // EXISTENT_VOL, 409 (guide 1.2)
	codeNonExistentVolume    = 23  // NON_EXISTENT_VOL, 404 (guide 1.2)
	codeExportedVLUN         = 26  // EXPORTED_VLUN, 409 (guide 1.2)
	codeTooLarge             = 28  // TOO_LARGE, 400 (guide)
	codeOther                = 29  // OTHER, 400: HPE's docker plugin and flowkit; LXD gets it for a second NVMe export
	codeServiceUnavailable   = 31  // SVC_UNAVAIL, 503: "maximum connections reached" (an older guide edition)
	codeHasChild             = 32  // HAS_CHILD, 409 (Cinder's driver)
	codeInUse                = 34  // IN_USE, 409 (older guide edition, Cinder)
	codeNonExistentDomain    = 38  // NON_EXISTENT_DOMAIN, 404 (HPE mock)
	codeWrongType            = 39  // INV_INPUT_WRONG_TYPE, 400 (HPE mock)
	codeMissingRequired      = 40  // INV_INPUT_MISSING_REQUIRED, 400 (HPE mock)
	codeExceedsRange         = 43  // INV_INPUT_EXCEEDS_RANGE, 400 (HPE mock)
	codeParamConflict        = 44  // INV_INPUT_PARAM_CONFLICT, 400 (HPE mock)
	codeEmptyString          = 45  // INV_INPUT_EMPTY_STR, 400 (HPE mock)
	codeBadEnumValue         = 46  // INV_INPUT_BAD_ENUM_VALUE, 400 (HPE mock)
	codePortSpecification    = 55  // INV_INPUT_PORT_SPECIFICATION, 400 (HPE mock)
	codeExceedsLength        = 57  // INV_INPUT_EXCEEDS_LENGTH, 400 (HPE mock)
	codeExistentID           = 59  // EXISTENT_ID, 409 (HPE mock)
	codeJSONSyntax           = 60  // JSON_SYNTAX_ERR, 400 (guide 1.3.1 example)
	codeIllegalChar          = 69  // INV_INPUT_ILLEGAL_CHAR, 400 (HPE mock, guide GET volume)
	codeExistentPath         = 73  // EXISTENT_PATH, 409 (HPE mock)
	codeOneRequired          = 78  // INV_INPUT_ONE_REQUIRED, 400 (HPE python client)
	codeNonExistentPath      = 80  // NON_EXISTENT_PATH, 404 (HPE mock)
	codeDuplicatePath        = 98  // INV_INPUT_DUP_PATH (guide 1.2 p.24, no status given; 400 inferred: an input error)
	codeExistentSet          = 101 // EXISTENT_SET: HPE mock (409); the guide says 400
	codeNonExistentSet       = 102 // NON_EXISTENT_SET, 404 (Cinder, flowkit)
	codeBelowRange           = 115 // INV_INPUT_BELOW_RANGE, 400 (HPE mock, guide)
	codeNonExistentTask      = 145 // NON_EXISTENT_TASK, 404 (HPE mock, guide)
	codeUnsupportedVVType    = 150 // INV_OPERATION_UNSUPPORTED_VV_TYPE, 403 (Cinder)
	codeTuneInProgress       = 151 // 409, a tune or online copy is running (flowkit, Cinder)
	codeInvalidGrowSize      = 152 // INV_INPUT_VV_GROW_SIZE, 400 (HPE mock)
	codeSystemBusy           = 270 // 503, "system is too busy" (hpe-storage/csi-driver#209)
)

// apiError is a WSAPI error as the simulator sends it: an HTTP status and a
// JSON body {"code":N,"desc":"...","ref":"..."}. Every array error has a
// numeric code (guide 1.2 p. 16), so a zero Code, an error the public record
// gives no number for, is sent as PlaceholderCode; only a named error
// configured with code 0 (simConfig.NamedErrorCodes) omits the member.
type apiError struct {
	Status int
	Code   int
	Desc   string
	Ref    string

	omitCode bool
}

// Error implements error.
func (e *apiError) Error() string {
	return fmt.Sprintf("wsapi %d code %d: %s", e.Status, e.Code, e.Desc)
}

type errorBody struct {
	Code int    `json:"code,omitempty"`
	Desc string `json:"desc"`
	Ref  string `json:"ref,omitempty"`
}

func (e *apiError) body() errorBody {
	code := e.Code
	if code == 0 && !e.omitCode {
		code = PlaceholderCode
	}
	return errorBody{Code: code, Desc: e.Desc, Ref: e.Ref}
}

func apiErr(status, code int, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Desc: fmt.Sprintf(format, args...)}
}

func withRef(e *apiError, ref string) *apiError { e.Ref = ref; return e }

func errBadRequest(code int, format string, args ...any) *apiError {
	return apiErr(http.StatusBadRequest, code, format, args...)
}

func errNotFound(code int, format string, args ...any) *apiError {
	return apiErr(http.StatusNotFound, code, format, args...)
}

func errConflict(code int, format string, args ...any) *apiError {
	return apiErr(http.StatusConflict, code, format, args...)
}

func errForbidden(code int, format string, args ...any) *apiError {
	return apiErr(http.StatusForbidden, code, format, args...)
}

func errNoVolume(name string) *apiError {
	return errNotFound(codeNonExistentVolume, "volume does not exist: %s", name)
}
func errNoHost(name string) *apiError {
	return errNotFound(codeNonExistentHost, "host does not exist: %s", name)
}
func errNoSet(name string) *apiError {
	return errNotFound(codeNonExistentSet, "set does not exist: %s", name)
}
func errNoCPG(name string) *apiError {
	return errNotFound(codeNonExistentCPG, "CPG does not exist: %s", name)
}
func errSession() *apiError {
	return errForbidden(codeInvalidSessionKey, "invalid session key")
}
