package alletra

// CallKind says what a request does on the array, and so what may be sent
// again after which failure. Client.NewRequest takes one; the SDK's own
// methods pick theirs (a vLUN create, a login and a logout have kinds of
// their own). The outcome of each kind:
//
//	kind        dial  refused  lost  timeout  busy  cut body  re-login  lost, then an error
//	CallRead    yes   yes      yes   yes      no    yes       yes       stands
//	CallUpdate  yes   yes      yes   yes      no    no        yes       reconciled
//	CallDelete  yes   yes      yes   yes      no    no        yes       not found = done
//	CallCreate  yes   yes      yes   yes      no    no        yes       reconciled
//	CallDelta   yes   no       no    no       no    no        yes       stands
//
// The columns: whether the request is sent again after a dial error (it
// never reached the array), a refusal (429, 503 or WSAPI code 270), a lost
// answer (reset or EOF after the request was written, or 502), a timeout
// or 504, a busy object (409 code 34) or a success body cut short; whether
// a rejected session key (403 code 6) makes the Client log in again and
// replay once; and what an error answer means after an attempt whose
// outcome was unknown (lost or timed out): it stands, "not found" means the
// earlier attempt did it, or the SDK's own call checks the array
// ("reconciled": Client.Do adds no such check).
type CallKind int

// Call kinds a caller of Client.Do can declare.
const (
	// CallRead reads and changes nothing (GET, or a query sent as POST).
	CallRead CallKind = iota + 1
	// CallUpdate sets members to absolute values (PUT): repeating it leaves
	// the same state.
	CallUpdate
	// CallDelete removes an object.
	CallDelete
	// CallCreate creates an object the array refuses to create twice (it
	// answers "already exists"). The SDK's creates check that an existing
	// object is the one asked for; through Client.Do an ErrAlreadyExists
	// after a retry may be the caller's own earlier attempt.
	CallCreate
	// CallDelta changes the state relative to what it is (grow by, add a
	// path) or starts a task (promote, copy), so it is sent again only when
	// it provably never reached the array. This is the default of
	// Client.NewRequest for POST and PUT.
	CallDelta

	// callCreateChecked is a create the array would carry out twice (a
	// vLUN: iSCSI arrays export a volume twice rather than refuse).
	callCreateChecked
	// callLogin creates a session key; a lost answer must leave no orphan
	// session.
	callLogin
	// callLogout deletes a session key.
	callLogout
)

// failure is the class of one failed attempt, decided by classify from the
// transport error or the HTTP status and WSAPI code.
type failure int

const (
	failNone    failure = iota // a 2xx answer, or an answer that stands (404, 409, 400, 500, ...)
	failDial                   // no connection: the request never reached the array
	failRefused                // 429, 503 or code 270: refused, not carried out
	failLost                   // sent, answer lost: a reset or EOF after writing, or a 502
	failTimeout                // timed out, or 504: the array may still be working on it
	failInUse                  // 409 code 34: the object (a session key) is busy
	failBadBody                // a 2xx whose body was truncated or malformed
)

// failures is a set of failure classes.
type failures uint16

// after returns the set of fs.
func after(fs ...failure) failures {
	var set failures
	for _, f := range fs {
		set |= 1 << f
	}
	return set
}

// onUnknown is what a call does when an attempt's outcome was unknown (its
// answer was lost, or it timed out) and a later answer is an error.
type onUnknown int

const (
	unknownStands    onUnknown = iota // the error answer stands
	unknownNotFound                   // a "not found" means the earlier attempt did it: done
	unknownReconcile                  // the call's reconcile check asks the array whether it is done
	unknownLookFor                    // the call is not sent again; its precheck looks for the object
)

// outcome is one call kind's row of the outcome contract.
type outcome struct {
	name      string    // the kind's name in the docs
	repeat    failures  // the failures after which the call is sent again
	relogin   bool      // 403 code 6: log in again and replay once
	onUnknown onUnknown // an error after an attempt whose outcome was unknown
	// sessionLimit: a 503 without code 270 is the array's session table
	// being full; it is not a refusal to repeat, it stands (ErrSessionLimit).
	sessionLimit bool
}

// retryContract is the whole outcome contract of every call kind, in one
// table: classify names an attempt's failure, and the request path reads
// the kind's row to decide what follows (request.go). The call kinds' doc
// comment, doc.go and README.md show this table, generated from it
// (contract_test.go fails when they differ; -update rewrites them).
var retryContract = [...]outcome{
	CallRead:          {name: "CallRead", repeat: after(failDial, failRefused, failLost, failTimeout, failBadBody), relogin: true},
	CallUpdate:        {name: "CallUpdate", repeat: after(failDial, failRefused, failLost, failTimeout), relogin: true, onUnknown: unknownReconcile},
	CallDelete:        {name: "CallDelete", repeat: after(failDial, failRefused, failLost, failTimeout), relogin: true, onUnknown: unknownNotFound},
	CallCreate:        {name: "CallCreate", repeat: after(failDial, failRefused, failLost, failTimeout), relogin: true, onUnknown: unknownReconcile},
	CallDelta:         {name: "CallDelta", repeat: after(failDial), relogin: true},
	callCreateChecked: {name: "vLUN create", repeat: after(failDial, failRefused), relogin: true, onUnknown: unknownLookFor},
	callLogin:         {name: "login", repeat: after(failDial, failRefused), sessionLimit: true},
	callLogout:        {name: "logout", repeat: after(failDial, failRefused, failLost, failTimeout, failInUse)},
}

// allows reports whether the row repeats a call after f.
func (o outcome) allows(f failure) bool { return f != failNone && o.repeat&(1<<f) != 0 }
