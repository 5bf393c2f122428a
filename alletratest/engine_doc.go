// The engine: the files engine*.go hold the simulator's state engine (type
// engine) and its HTTP front end (simServer), all unexported; Server and the
// state types are their public face. Each state type is declared once and
// made by the engine from its records (the state methods).
//
// The simulator speaks WSAPI from its own definitions: its wire structs, error
// codes and status codes are written from the public evidence (HPE's WSAPI
// guides, HPE's python client and its mock server, LXD's client; see
// docs/wsapi-evidence.md, section 7) and never shared with the client package,
// so that a mistake in the client is caught rather than mirrored; of package
// alletra it uses only the enum types of the state types. Where the evidence
// names an error without a number, the simulator sends PlaceholderCode (see
// namedError).
//
// Concurrency: one engine mutex guards all array state. It is never held while
// a fault delay runs or while a response is written to the network. When
// per-session serialisation is enabled, each session key also has a
// one-slot semaphore held for the duration of a request.

package alletratest
