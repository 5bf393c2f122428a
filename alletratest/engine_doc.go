// The engine: the state engine and HTTP front end of go-alletra's in-memory
// WSAPI array simulator. The public, documented entry point is package
// github.com/openalletra/go-alletra/alletratest; this package is internal so
// that its shape can change freely.
//
// The simulator speaks WSAPI from its own definitions: its wire structs, error
// codes and status codes are written from the public evidence (HPE's WSAPI
// guides, HPE's python client and its mock server, LXD's client; see
// docs/wsapi-evidence.md, section 7) and never shared with the client package,
// so that a mistake in the client is caught rather than mirrored. Where the
// evidence names an error without a number, the simulator sends none (see
// NamedError).
//
// Concurrency: one engine mutex guards all array state. It is never held while
// a fault delay runs or while a response is written to the network. When
// per-session serialisation is enabled, each session key also has a
// one-slot semaphore held for the duration of a request.

package alletratest
