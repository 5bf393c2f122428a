// Package alletratest provides an in-memory, stateful HPE Alletra / 3PAR /
// Primera WSAPI array for tests, served over net/http/httptest the way
// httptest.Server serves a handler.
//
// The simulated array keeps volumes, snapshots, volume sets, hosts, vLUNs,
// tasks, ports and CPGs; answers with the WSAPI's HTTP statuses and error
// codes; expires idle session keys on a Clock (use ManualClock to move time
// by hand); limits the number of session keys; runs promote and physical
// copy tasks asynchronously on that clock; and lets tests inject faults
// (error statuses, dropped connections, delays, HTML bodies, truncated
// lists) and read request counters.
//
//	srv := alletratest.NewTestServer(t, alletratest.WithMaxNameLength(63))
//	hc := srv.HTTPClient() // trusts the server's self-signed certificate
//	// POST srv.URL+"/api/v1/credentials" {"user":srv.Username(),"password":srv.Password()} ...
//
// The simulator speaks WSAPI from its own definitions, never from the
// go-alletra client's types, so that it catches client mistakes rather than
// mirroring them. It answers as the public evidence says an array does
// (docs/wsapi-evidence-simulator.md lists each behaviour and its source).
// Errors that the public record names without a number (for example
// INV_QUERY_STRING) are answered with their documented HTTP status and no
// "code" member; WithNamedErrorCode sets a number.
package alletratest
