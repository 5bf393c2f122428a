package alletratest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	alletra "github.com/openalletra/go-alletra"
)

// FaultKind says how an injected fault disturbs a request.
type FaultKind int

// Fault kinds; see Server.InjectFault.
const (
	// FaultStatus answers Status (default 500) with the JSON error
	// {"code":Code,...}; the array's state is untouched.
	FaultStatus FaultKind = iota + 1
	// FaultCommitThenDrop performs the operation, then aborts the
	// connection without a response.
	FaultCommitThenDrop
	// FaultDropBeforeCommit aborts the connection without doing anything.
	FaultDropBeforeCommit
	// FaultDelay waits Delay (real time, even if the client gives up), then
	// processes the request normally.
	FaultDelay
	// FaultHTMLBody answers Status (default 500) with an HTML page, as a
	// proxy in front of the array would.
	FaultHTMLBody
	// FaultTruncateList processes the request, sends the first part of the
	// body chunked, then aborts without the terminating chunk.
	FaultTruncateList
)

var faultKinds = map[FaultKind]string{
	FaultStatus:           "FaultStatus",
	FaultCommitThenDrop:   "FaultCommitThenDrop",
	FaultDropBeforeCommit: "FaultDropBeforeCommit",
	FaultDelay:            "FaultDelay",
	FaultHTMLBody:         "FaultHTMLBody",
	FaultTruncateList:     "FaultTruncateList",
}

// String returns the kind's name, e.g. "FaultStatus".
func (k FaultKind) String() string {
	if name, ok := faultKinds[k]; ok {
		return name
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault describes an injected fault.
type Fault struct {
	// Kind says how the request is disturbed.
	Kind FaultKind
	// Status is the HTTP status for FaultStatus and FaultHTMLBody (0: 500).
	Status int
	// Code is the WSAPI error code for FaultStatus (0 omits the code member).
	Code alletra.ErrorCode
	// Times is how many matching requests the fault disturbs: 0 means 1,
	// -1 means every one until ClearFaults.
	Times int
	// Delay is how long FaultDelay holds the request.
	Delay time.Duration
}

// InjectFault queues f for the requests that match method and route, and
// returns an error, queueing nothing, for a method or route the simulator
// does not serve or an invalid Fault.
//
// The method is any case ("get" is GET); "" or "*" means every method of
// the route. The route is a template from the list below, or a concrete
// path such as "/api/v1/volumes/vol1", which stands for its template: the
// fault disturbs requests for any volume. The route "*" matches every
// request. Faults are consumed in FIFO order; PendingFaults tells which have
// not fired, and a NewTestServer fails its test at cleanup if any has not.
//
// The routes the simulator serves:
//
//	/api                                           GET
//	/api/v1/credentials                            POST
//	/api/v1/credentials/{key}                      DELETE
//	/api/v1/volumes                                GET POST
//	/api/v1/volumes/{name}                         DELETE GET POST PUT
//	/api/v1/volumes/{name}/objectKeyValues         GET POST
//	/api/v1/volumes/{name}/objectKeyValues/{key}   DELETE GET PUT
//	/api/v1/volumesets                             GET POST
//	/api/v1/volumesets/{name}                      DELETE GET POST PUT
//	/api/v1/hostsets                               GET POST
//	/api/v1/hostsets/{name}                        DELETE GET PUT
//	/api/v1/qos                                    GET POST
//	/api/v1/qos/{target}                           DELETE GET PUT
//	/api/v1/hosts                                  GET POST
//	/api/v1/hosts/{name}                           DELETE GET PUT
//	/api/v1/vluns                                  GET POST
//	/api/v1/vluns/{id}                             DELETE GET
//	/api/v1/tasks                                  GET
//	/api/v1/tasks/{id}                             GET PUT
//	/api/v1/ports                                  GET
//	/api/v1/ports/{pos}                            GET
//	/api/v1/ports/{pos}/iSCSIVlans                 GET
//	/api/v1/system                                 GET
//	/api/v1/capacity                               GET
//	/api/v1/cpgs                                   GET POST
//	/api/v1/cpgs/{name}                            DELETE GET
//	/api/v1/spacereporter                          POST
//	/api/v1/wsapiconfiguration                     GET
//	/api/v1/systemreporter/{mode}/{report}/{spec}  GET
//	/api/v1                                        POST
//	/api/v1/flashcache                             DELETE GET
//	/api/v1/remotecopy                             GET
//	/api/v1/remotecopytargets                      GET
//	/api/v1/remotecopygroups                       GET POST
//	/api/v1/remotecopygroups/{name}                DELETE GET POST PUT
//	/api/v1/remotecopygroups/{name}/volumes        GET
//	/api/v1/remotecopygroups/{name}/volumes/{vol}  DELETE GET
func (s *Server) InjectFault(method, route string, f Fault) error {
	method = strings.ToUpper(method)
	if _, ok := faultKinds[f.Kind]; !ok {
		return fmt.Errorf("alletratest: InjectFault: unknown fault kind %v", f.Kind)
	}
	switch {
	case f.Times < -1:
		return fmt.Errorf("alletratest: InjectFault: Times %d (want -1, 0 or more)", f.Times)
	case f.Kind == FaultDelay && f.Delay <= 0:
		return fmt.Errorf("alletratest: InjectFault: FaultDelay needs a positive Delay")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("alletratest: InjectFault: HTTP status %d", f.Status)
	}
	if method == "*" {
		method = ""
	}
	if route == "*" {
		if method != "" && !servedAnywhere(method) {
			return fmt.Errorf("alletratest: InjectFault: no route serves %s", method)
		}
		s.e.InjectFault(method, route, f)
		return nil
	}
	if strings.Contains(route, "?") {
		return fmt.Errorf("alletratest: InjectFault: route %q has a query; give the path only", route)
	}
	rt, ok := routeOf(route)
	if !ok {
		return fmt.Errorf("alletratest: InjectFault: the simulator serves no route %q", route)
	}
	if method != "" && !slices.Contains(rt.Methods, method) {
		return fmt.Errorf("alletratest: InjectFault: %s serves %s, not %s", rt.Template, strings.Join(rt.Methods, ", "), method)
	}
	s.e.InjectFault(method, rt.Template, f)
	return nil
}

func servedAnywhere(method string) bool {
	for _, rt := range Routes() {
		if slices.Contains(rt.Methods, method) {
			return true
		}
	}
	return false
}

// ClearFaults drops all queued faults.
func (s *Server) ClearFaults() { s.e.ClearFaults() }

// PendingFault is a queued fault that has not disturbed as many requests as
// it was asked to (for a fault with Times -1: none yet).
type PendingFault struct {
	Method string // "" for every method
	Route  string // the route template, or "*"
	Fault  Fault
	Fired  int // requests it disturbed so far
}

// String describes the fault, e.g. "FaultStatus on POST /api/v1/volumes
// (fired 0 of 1)".
func (p PendingFault) String() string {
	method := p.Method
	if method == "" {
		method = "*"
	}
	want := strconv.Itoa(max(p.Fault.Times, 1))
	if p.Fault.Times < 0 {
		want = "forever"
	}
	return fmt.Sprintf("%v on %s %s (fired %d of %s)", p.Fault.Kind, method, p.Route, p.Fired, want)
}

// PendingFaults returns the faults that have not fired as often as asked,
// oldest first. A test that expects its faults to be hit checks that this
// is empty; NewTestServer does so at cleanup.
func (s *Server) PendingFaults() []PendingFault { return s.e.PendingFaults() }

// Route is a URL template the simulator serves and the methods it accepts
// there.
type Route struct {
	Template string   // e.g. "/api/v1/volumes/{name}"
	Methods  []string // e.g. DELETE, GET, POST, PUT, sorted
}
