package probe

import (
	"fmt"
	"io"
	"strings"
)

// SchemaVersion is the version of the Report's JSON schema. It changes
// only when a member is removed or changes meaning; new members may appear
// without a change.
const SchemaVersion = 1

// Report is the probe's result, stable as JSON (json.Marshal(report)):
//
//	{
//	  "schemaVersion": 1,
//	  "tool": "go-alletra probe",
//	  "toolVersion": "v0.2.0", "sdkVersion": "v0.2.0",
//	  "mode": "read-only" | "write",
//	  "againstSim": false,
//	  "array": {"model": "...", "wsapiVersion": "1.15.0", "build": 100500031,
//	            "namesAccepted": {"31": true, "63": false}},
//	  "simulator": {"build": 100500031, "maxNameLength": 31, "iscsiVlansEnvelope": true},
//	  "differences": [{"step": "...", "index": 0, "method": "GET", "path": "...",
//	                   "kind": "status", "member": "", "array": "404", "simulator": "400"}],
//	  "notCompared": ["tasks.get"],
//	  "steps": [{"step": "volumes.list", "result": "ok"}],
//	  "exchanges": [Exchange, ...],
//	  "stopped": "write.host.create",
//	  "leftovers": ["volume prb1a2b3c-v31-..."],
//	  "send": {"url": "https://github.com/openalletra/go-alletra/issues/new?template=probe-report.md",
//	           "title": "probe: <model> <WSAPI version>", "how": "..."}
//	}
//
// Nothing in it identifies the customer: names are templated (unless
// KeepNames), serial numbers, WWNs, addresses, session keys and passwords
// are never recorded. Leftovers holds only names the probe made up itself.
type Report struct {
	// SchemaVersion is SchemaVersion.
	SchemaVersion int `json:"schemaVersion"`
	// Tool is "go-alletra probe".
	Tool string `json:"tool"`
	// ToolVersion and SDKVersion are the versions of the program that ran
	// the probe and of go-alletra ("(devel)" for a build from a checkout).
	ToolVersion string `json:"toolVersion,omitempty"`
	SDKVersion  string `json:"sdkVersion,omitempty"`
	// Mode is "read-only" or "write".
	Mode string `json:"mode"`
	// AgainstSim is true when the probed "array" was a simulator.
	AgainstSim bool `json:"againstSim"`
	// Array describes the probed array.
	Array ArrayInfo `json:"array"`
	// Simulator is how the reference simulator was configured.
	Simulator SimInfo `json:"simulator"`
	// Differences between the array's answers and the simulator's, in
	// scenario order. Empty when they agree.
	Differences []Difference `json:"differences"`
	// NotCompared lists sample steps only one side could run (the array
	// had no task to read, say).
	NotCompared []string `json:"notCompared,omitempty"`
	// Steps is the outcome of each scenario step on the array.
	Steps []StepResult `json:"steps"`
	// Exchanges are the array's requests and answer shapes.
	Exchanges []Exchange `json:"exchanges"`
	// Stopped names the write step that failed and stopped the write
	// scenario (the cleanup ran after it); "" when it ran to the end.
	Stopped string `json:"stopped,omitempty"`
	// Leftovers are objects the probe created on the array and could not
	// remove (its own names, to remove by hand). Empty when all is clean.
	Leftovers []string `json:"leftovers,omitempty"`
	// Send says where and how to send the report.
	Send *SendTo `json:"send,omitempty"`
}

// SendTo is where and how to send a report: an issue in the project's
// repository, from its probe template.
type SendTo struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	How   string `json:"how"`
}

// sendTo is every report's SendTo.
var sendTo = SendTo{
	URL:   "https://github.com/openalletra/go-alletra/issues/new?template=probe-report.md",
	Title: "probe: <model> <WSAPI version>",
	How: "open an issue from the probe template, paste the summary (alletractl probe) into it and attach " +
		"the JSON (alletractl probe -o json > probe.json); say whether you ran --write. Read the file first: " +
		"it holds no names, addresses or serial numbers, only the shape of the answers.",
}

// ArrayInfo is what the probe learnt about the array.
type ArrayInfo struct {
	// Model is the system's model, e.g. "HPE Alletra MP".
	Model string `json:"model,omitempty"`
	// WSAPIVersion is major.minor.revision from GET /api.
	WSAPIVersion string `json:"wsapiVersion,omitempty"`
	// Build is the WSAPI build from GET /api.
	Build int `json:"build,omitempty"`
	// NamesAccepted tells, by length ("31", "63"), whether the array
	// accepted a volume name that long (write mode only).
	NamesAccepted map[string]bool `json:"namesAccepted,omitempty"`
}

// SimInfo is the configuration of the reference simulator.
type SimInfo struct {
	// Build is the WSAPI build it reported (the array's).
	Build int `json:"build"`
	// MaxNameLength is its name-length limit.
	MaxNameLength int `json:"maxNameLength"`
	// ISCSIVlansEnvelope is true when it answered the iSCSI VLANs of a
	// port in the collection envelope {"total":N,"members":[...]}, because
	// the array did; false for the {"iSCSIVlans":[...]} shape.
	ISCSIVlansEnvelope bool `json:"iscsiVlansEnvelope,omitempty"`
}

// Difference is one way the array answered otherwise than the simulator.
type Difference struct {
	// Step and Index (the request's position in the step) locate it.
	Step  string `json:"step"`
	Index int    `json:"index"`
	// Method and Path are the array's request (the simulator's when the
	// array had none).
	Method string `json:"method"`
	Path   string `json:"path"`
	// Kind is one of "step" (a step only one side ran), "exchange" (a
	// request only one side sent), "path", "query", "status", "code",
	// "member" (a member only one side has), "type", "header", "body",
	// "transport".
	Kind string `json:"kind"`
	// Member is the member path or header name for "member", "type" and
	// "header".
	Member string `json:"member,omitempty"`
	// Array and Simulator are what each side had ("" = absent).
	Array     string `json:"array"`
	Simulator string `json:"simulator"`
}

// StepResult is the outcome of one step: "ok" or the class of its error
// (e.g. "ErrNotFound (404/23)"), never the error text, which may name
// objects.
type StepResult struct {
	Step   string `json:"step"`
	Result string `json:"result"`
}

// WriteText writes the human summary: differences first, then the array,
// the steps that failed and what could not be removed.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(r.Differences) == 0 {
		b.WriteString("No differences from the simulator.\n")
	} else {
		fmt.Fprintf(&b, "%d difference(s) from the simulator:\n", len(r.Differences))
		for _, d := range r.Differences {
			what := d.Kind
			if d.Member != "" {
				what += " " + d.Member
			}
			fmt.Fprintf(&b, "  %s #%d %s %s: %s: array %s, simulator %s\n",
				d.Step, d.Index, d.Method, d.Path, what, orAbsent(d.Array), orAbsent(d.Simulator))
		}
	}
	fmt.Fprintf(&b, "\nArray: model %s, WSAPI %s, build %d (mode %s", orUnknown(r.Array.Model),
		orUnknown(r.Array.WSAPIVersion), r.Array.Build, r.Mode)
	if r.AgainstSim {
		b.WriteString(", a simulator")
	}
	b.WriteString(")\n")
	for _, n := range []string{"31", "63"} {
		if ok, seen := r.Array.NamesAccepted[n]; seen {
			fmt.Fprintf(&b, "  %s-character names: %s\n", n, map[bool]string{true: "accepted", false: "refused"}[ok])
		}
	}
	fmt.Fprintf(&b, "Simulator: build %d, name limit %d", r.Simulator.Build, r.Simulator.MaxNameLength)
	if r.Simulator.ISCSIVlansEnvelope {
		b.WriteString(", iSCSI VLANs in a members envelope (as the array)")
	}
	b.WriteString("\n")
	failed := 0
	for _, s := range r.Steps {
		if s.Result != "ok" {
			failed++
		}
	}
	fmt.Fprintf(&b, "Steps: %d, %d with an error (an error is often the answer being probed):\n", len(r.Steps), failed)
	for _, s := range r.Steps {
		if s.Result != "ok" {
			fmt.Fprintf(&b, "  %s: %s\n", s.Step, s.Result)
		}
	}
	if r.Stopped != "" {
		fmt.Fprintf(&b, "The write scenario stopped at %s; the cleanup ran.\n", r.Stopped)
	}
	if len(r.NotCompared) > 0 {
		fmt.Fprintf(&b, "Not compared (only one side had an object to read): %s\n", strings.Join(r.NotCompared, ", "))
	}
	if len(r.Leftovers) > 0 {
		fmt.Fprintf(&b, "COULD NOT REMOVE (remove by hand):\n")
		for _, l := range r.Leftovers {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	} else if r.Mode == "write" {
		b.WriteString("Every object the probe created was removed.\n")
	}
	if r.ToolVersion != "" || r.SDKVersion != "" {
		fmt.Fprintf(&b, "Versions: %s, go-alletra %s\n", orUnknown(r.ToolVersion), orUnknown(r.SDKVersion))
	}
	send := sendTo
	if r.Send != nil {
		send = *r.Send
	}
	fmt.Fprintf(&b, "\nSend this report: %s\n  title: %s\n  %s\n", send.URL, send.Title, send.How)
	_, err := io.WriteString(w, b.String())
	return err
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
