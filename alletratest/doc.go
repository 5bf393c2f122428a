// Package alletratest provides an in-memory, stateful HPE Alletra / 3PAR /
// Primera WSAPI array for tests, served over net/http/httptest the way
// httptest.Server serves a handler.
//
// The simulated array keeps volumes (with their metadata), snapshots,
// volume sets, hosts, host sets, vLUNs, QoS rules, tasks, ports and CPGs,
// and serves System Reporter samples; answers with the WSAPI's HTTP statuses and error
// codes; expires idle session keys on a Clock (use ManualClock to move time
// by hand); limits the number of session keys; runs promote, physical
// copy, resync and tune tasks asynchronously on that clock; and lets tests inject faults
// (error statuses, dropped connections, delays, HTML bodies, truncated
// lists) and read request counters and the array's state.
//
//	srv := alletratest.NewTestServer(t, alletratest.WithMaxNameLength(63))
//	c, err := srv.Client() // a go-alletra client with millisecond retry waits
//	// ... run the code under test with c ...
//	err = srv.InjectFault("POST", "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop})
//	vol, ok := srv.Volume("vol1")
//
// Any HTTP client can talk to it too: srv.HTTPClient trusts its
// certificate. InjectFault refuses routes the simulator does not serve, and
// NewTestServer fails the test if an injected fault never fired. Connect
// gives a client for the array the ALLETRA_* environment names, or for a
// new simulator, so that one test can run on both. The command
// cmd/alletrasim serves the same simulator on a fixed address for clients
// in other languages.
//
// The simulator speaks WSAPI from its own definitions, never from the
// go-alletra client's wire types or error mapping, so that it catches
// client mistakes rather than mirroring them; the state types of this
// package use go-alletra's enum types only to be compared with what the
// client returns. It answers as the public evidence says an array does
// (docs/wsapi-evidence.md, section 7, lists each behaviour and its source).
// Errors that the public record names without a number (for example
// INV_QUERY_STRING) are answered with their documented HTTP status and, as
// every array error has a numeric code, PlaceholderCode, a number outside
// every published range; WithNamedErrorCode sets the number your array sends.
package alletratest
