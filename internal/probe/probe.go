// Package probe is the engine of "alletractl probe": it runs a fixed,
// safe scenario against a real array, records the shape of every answer
// (never its values), runs the same scenario against an in-process
// simulator configured like the array, and reports each difference in
// status, WSAPI code, member set, JSON type or header.
//
// The CLI wires it up as:
//
//	rep, err := probe.Run(ctx, probe.Options{URL: url, User: user, Password: pw,
//		HTTPClient: hc, Write: write, CPG: cpg, KeepNames: keep, AgainstSim: sim})
//	if rep != nil {
//		if jsonOut { json.NewEncoder(os.Stdout).Encode(rep) } else { rep.WriteText(os.Stdout) }
//	}
//
// A Report is returned whenever anything was recorded, also with an error
// (a failed login, say). Report's doc comment documents the JSON schema.
//
// By default the scenario only reads: login, GET /api, the system, the WSAPI
// configuration, CPGs, ports and the iSCSI VLANs of VLAN-tagged ports, the
// first volumes, hosts, volume sets, vLUNs, tasks, reads of a volume, host,
// volume set, task and vLUN that cannot exist, the queries go-alletra sends,
// logout. With Write it also creates, changes and removes objects it names
// itself (prefix "prb" and six random hex digits): a volume set, volumes
// with names of 31 and 63 characters, a snapshot, a grow, an offline
// promote while exported and an online one, a physical copy, a host, an
// export and a duplicate export, a set add and remove twice each, a delete
// with cascade=true. Whatever it created is removed at the end, also when
// a step fails; what could not be removed is in Report.Leftovers.
package probe

import (
	"context"
	"errors"
	"net/http"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// Options says what to probe and how.
type Options struct {
	// URL, User and Password reach the array (see alletra.NewClient).
	// Ignored with AgainstSim.
	URL, User, Password string
	// HTTPClient carries the TLS settings (a CA pool, or an explicit
	// InsecureSkipVerify) on its *http.Transport; the probe wraps that
	// Transport in its Recorder. nil: http.DefaultTransport. Because of
	// the wrapping, go-alletra refuses alletra.WithTLSConfig and
	// alletra.WithInsecureSkipVerify in ClientOptions: set TLS here.
	HTTPClient *http.Client
	// ClientOptions are passed to alletra.NewClient after the probe's own
	// (e.g. alletra.WithRetry). Both the array and the simulator get them.
	ClientOptions []alletra.Option
	// Write runs the write scenario too, in CPG.
	Write bool
	// CPG is where the write scenario creates its volumes; required with
	// Write (with AgainstSim it defaults to the simulator's "SSD_r6").
	CPG string
	// KeepNames keeps the names of objects the probe did not create (and
	// of CPGs) in the recorded paths. Off by default: a report names
	// nothing of the customer's.
	KeepNames bool
	// AgainstSim probes a fresh in-process simulator instead of an array:
	// the report must show no difference.
	AgainstSim bool
	// ToolVersion and SDKVersion are recorded in the report: the version
	// of the program running the probe (e.g. alletractl's module version)
	// and of the go-alletra module it was built with.
	ToolVersion, SDKVersion string
	// SimOptions are added to the reference simulator's configuration
	// (after the build, name limit and CPG learnt from the array).
	SimOptions []alletratest.Option
}

// run is what one pass of the scenario left.
type run struct {
	exchanges []Exchange
	steps     []StepResult
	info      ArrayInfo
	left      []string
	stopped   string
}

// Run probes the array (or, with AgainstSim, a simulator), then a
// reference simulator configured like it, and compares the two.
func Run(ctx context.Context, opts Options) (*Report, error) {
	cpg := opts.CPG
	if opts.AgainstSim && cpg == "" {
		cpg = "SSD_r6"
	}
	if opts.Write && cpg == "" {
		return nil, errors.New("probe: the write scenario needs a CPG")
	}
	target := opts
	if opts.AgainstSim {
		srv, err := startSim(ctx, cpg)
		if err != nil {
			return nil, err
		}
		defer srv.Close()
		target.URL, target.User, target.Password, target.HTTPClient = srv.URL, srv.Username(), srv.Password(), srv.HTTPClient()
		defer target.HTTPClient.CloseIdleConnections()
	}
	arr, err := probeOnce(ctx, target, cpg)
	rep := &Report{SchemaVersion: SchemaVersion, Tool: "go-alletra probe", ToolVersion: opts.ToolVersion,
		SDKVersion: opts.SDKVersion, Mode: "read-only",
		AgainstSim: opts.AgainstSim, Array: arr.info, Steps: arr.steps, Exchanges: arr.exchanges,
		Leftovers: arr.left, Stopped: arr.stopped, Differences: []Difference{}, Send: &sendTo}
	if opts.Write {
		rep.Mode = "write"
	}
	if err != nil {
		return rep, err
	}

	// The reference: a simulator with the array's build and name limit.
	simOpts := []alletratest.Option{alletratest.WithMaxNameLength(31)}
	rep.Simulator.MaxNameLength = 31
	if arr.info.NamesAccepted["63"] {
		simOpts[0] = alletratest.WithMaxNameLength(63)
		rep.Simulator.MaxNameLength = 63
	}
	if arr.info.Build > 0 {
		simOpts = append(simOpts, alletratest.WithBuild(int64(arr.info.Build)))
	}
	if vlansEnvelope(arr.exchanges) {
		simOpts = append(simOpts, alletratest.WithISCSIVlansEnvelope())
		rep.Simulator.ISCSIVlansEnvelope = true
	}
	ref, err := startSim(ctx, cpg, append(simOpts, opts.SimOptions...)...)
	if err != nil {
		return rep, err
	}
	defer ref.Close()
	refOpts := opts
	refOpts.URL, refOpts.User, refOpts.Password, refOpts.HTTPClient = ref.URL, ref.Username(), ref.Password(), ref.HTTPClient()
	defer refOpts.HTTPClient.CloseIdleConnections()
	sim, err := probeOnce(ctx, refOpts, cpg)
	rep.Simulator.Build = sim.info.Build
	if err != nil {
		return rep, errors.New("probe: the reference simulator failed: " + err.Error())
	}
	rep.Differences, rep.NotCompared = compare(arr.exchanges, sim.exchanges)
	if rep.Differences == nil {
		rep.Differences = []Difference{}
	}
	return rep, nil
}

// vlansEnvelope reports whether the array answered a port's iSCSI VLANs in
// the collection envelope {"total":N,"members":[...]} rather than as
// {"iSCSIVlans":[...]}: both shapes are seen in the public record, and the
// reference simulator answers the array's.
func vlansEnvelope(exchanges []Exchange) bool {
	for _, x := range exchanges {
		if x.Step == "ports.iscsivlans" && x.Status == http.StatusOK {
			_, ok := x.Members["members"]
			return ok
		}
	}
	return false
}

// startSim starts a simulator with the CPG and seeds it with one of each
// object the read-only scenario samples (a volume with a snapshot and a
// promote task, a host, an export), so that those reads have a
// counterpart. Seed objects are not named like the probe's.
func startSim(ctx context.Context, cpg string, opts ...alletratest.Option) (*alletratest.Server, error) {
	if cpg != "" {
		opts = append([]alletratest.Option{alletratest.WithCPG(cpg)}, opts...)
	} else {
		cpg = "SSD_r6"
	}
	srv := alletratest.NewServer(opts...)
	c, err := srv.Client()
	if err == nil {
		err = seed(ctx, c, cpg)
		err = errors.Join(err, c.Close(ctx))
	}
	if err != nil {
		srv.Close()
		return nil, errors.New("probe: cannot seed the simulator: " + outcome(err))
	}
	return srv, nil
}

func seed(ctx context.Context, c *alletra.Client, cpg string) error {
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "seed-vol", CPG: cpg, SizeMiB: 1024}); err != nil {
		return err
	}
	if err := c.Snapshots.Create(ctx, "seed-vol", &alletra.SnapshotCreateRequest{Name: "seed-snap"}); err != nil {
		return err
	}
	if err := c.Snapshots.Restore(ctx, "seed-snap"); err != nil {
		return err
	}
	if err := c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "seed-host",
		ISCSINames: []string{"iqn.2026-12.org.openalletra:seed-host"}}); err != nil {
		return err
	}
	_, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: "seed-vol", HostName: "seed-host", AutoLUN: true})
	return err
}

// probeOnce runs the scenario against one array with a fresh set of names.
func probeOnce(ctx context.Context, opts Options, cpg string) (*run, error) {
	n, err := newNames()
	if err != nil {
		return &run{}, err
	}
	rec := &Recorder{Names: n.labels, KeepNames: opts.KeepNames}
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		*hc = *opts.HTTPClient
		rec.Base = opts.HTTPClient.Transport
	}
	hc.Transport = rec
	defer hc.CloseIdleConnections()
	c, err := alletra.NewClient(opts.URL, opts.User, opts.Password,
		append([]alletra.Option{alletra.WithHTTPClient(hc)}, opts.ClientOptions...)...)
	if err != nil {
		return &run{}, &classError{prefix: "probe: ", err: err}
	}
	r := &runner{c: c, n: n, cpg: cpg}
	err = r.readOnly(ctx)
	out := &run{}
	if err == nil && opts.Write {
		var stop *stopError
		if errors.As(r.write(ctx), &stop) {
			out.stopped = stop.step
		}
		r.removeAll(ctx)
	}
	end := context.WithoutCancel(ctx)
	_ = r.step(end, "logout", c.Close)
	out.exchanges, out.steps, out.info, out.left = rec.Exchanges(), r.steps, r.info, r.left
	return out, err
}
