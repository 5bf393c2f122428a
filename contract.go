package alletra

// CallKind says what a request does on the array, and so what may be sent
// again after which failure. Client.NewRequest takes one; the SDK's own
// methods pick theirs (a vLUN create, a login and a logout have kinds of
// their own). Sent again after:
//
//	kind        dial error  refused (429, 503, 270)  answer lost, 502  timeout, 504  truncated body
//	CallRead    yes         yes                      yes               yes           yes
//	CallUpdate  yes         yes                      yes               yes           no
//	CallDelete  yes         yes                      yes               yes           no
//	CallCreate  yes         yes                      yes               yes           no
//	CallDelta   yes         no                       no                no            no
type CallKind int

// Call kinds a caller of Client.Do can declare.
const (
	// CallRead reads and changes nothing (GET, or a query sent as POST):
	// sent again after any transient failure, including a success answer
	// whose body was truncated.
	CallRead CallKind = iota + 1
	// CallUpdate sets members to absolute values (PUT): repeating it leaves
	// the same state, so it is sent again after any transient failure.
	CallUpdate
	// CallDelete removes an object: sent again after any transient
	// failure; a "not found" after an attempt whose outcome was unknown
	// counts as done.
	CallDelete
	// CallCreate creates an object the array refuses to create twice (it
	// answers "already exists"): sent again after any transient failure.
	// The SDK's creates then check that an existing object is the one
	// asked for; through Client.Do an ErrAlreadyExists after a retry may be
	// the caller's own earlier attempt.
	CallCreate
	// CallDelta changes the state relative to what it is (grow by, add a
	// path) or starts a task (promote, copy): sent again only when it
	// provably never reached the array (a dial error). This is the default
	// of Client.NewRequest for POST and PUT.
	CallDelta

	// callCreateChecked is a create the array would carry out twice (a
	// vLUN: iSCSI arrays export a volume twice rather than refuse): sent
	// again only after a dial error or a clear refusal; after an attempt
	// whose outcome is unknown its precheck looks for the object instead.
	callCreateChecked
	// callLogin creates a session key: sent again only when surely not
	// carried out, so that a lost answer leaves no orphan session; a 503
	// that is not code 270 is the session table being full and stands.
	callLogin
	// callLogout deletes a session key: sent again after any transient
	// failure and while the key is busy (409 code 34).
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

// repeats is one row of the retry contract: after which failures a kind of
// call is sent again.
type repeats struct{ dial, refused, lost, timeout, inUse, badBody bool }

// retryContract is the retry contract of every call, in one table.
var retryContract = map[CallKind]repeats{
	//                  dial  refused lost   timeout inUse  badBody
	CallRead:          {true, true, true, true, false, true},
	CallUpdate:        {true, true, true, true, false, false},
	CallDelete:        {true, true, true, true, false, false},
	CallCreate:        {true, true, true, true, false, false},
	CallDelta:         {true, false, false, false, false, false},
	callCreateChecked: {true, true, false, false, false, false},
	callLogin:         {true, true, false, false, false, false},
	callLogout:        {true, true, true, true, true, false},
}

// allows reports whether r repeats a call after f.
func (r repeats) allows(f failure) bool {
	switch f {
	case failDial:
		return r.dial
	case failRefused:
		return r.refused
	case failLost:
		return r.lost
	case failTimeout:
		return r.timeout
	case failInUse:
		return r.inUse
	case failBadBody:
		return r.badBody
	}
	return false
}
