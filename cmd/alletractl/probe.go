package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/internal/probe"
	"github.com/spf13/cobra"
)

// probeFlags are the flags of "alletractl probe".
type probeFlags struct {
	write, keepNames, againstSim, failOnDiff bool
	cpg                                      string
}

func (a *app) probeCommand() *cobra.Command {
	var f probeFlags
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Record how the array answers and list how it differs from the simulator",
		Long: `probe runs a fixed scenario against the array, records the shape of every
answer (method, path template, HTTP status, WSAPI code, member names and JSON
types, the headers that matter; never a value, key or password), runs the
same scenario against an in-process simulator configured like the array
(WSAPI build, name limit, iSCSI VLAN answer shape) and lists each difference.

By default it only reads. --write --cpg CPG adds a short scenario on objects
the probe creates and names itself ("prb" and six random hex digits) in that
CPG, and removes them all at the end, also when a step fails; whatever could
not be removed is listed under COULD NOT REMOVE. --against-sim (or --sim)
probes a simulator instead of an array: it must report no difference.

The default output is a summary for people, differences first; -o json is the
report as one JSON document (its schema is versioned by "schemaVersion"), to
attach to an issue (see CONTRIBUTING.md).

Differences are data, not a failure: the probe exits 0 when it ran, whatever
it found, unless --fail-on-diff is given (then exit 11 when there is a
difference). A probe that could not run (login refused, wrong URL, ...)
exits with the code of that error (see 'alletractl help exit-codes').`,
		Example: `  alletractl probe -o json > probe.json
  alletractl probe --write --cpg TEST_r6 -o json > probe.json
  alletractl probe --against-sim`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error { return a.probe(cmd.Context(), f) }),
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.write, "write", false, "also run the write scenario on objects the probe names and removes itself (needs --cpg)")
	fl.StringVar(&f.cpg, "cpg", "", "the CPG the write scenario creates its volumes in (use one meant for tests)")
	fl.BoolVar(&f.keepNames, "keep-names", false, "keep the names of your volumes, hosts and CPGs in the report (templated by default)")
	fl.BoolVar(&f.againstSim, "against-sim", false, "probe an in-process simulator instead of an array (no array needed)")
	fl.BoolVar(&f.failOnDiff, "fail-on-diff", false, "exit 11 when the report lists a difference")
	return cmd
}

// errDiffers is --fail-on-diff's failure: the probe ran and found
// differences.
var errDiffers = errors.New("the array differs from the simulator (--fail-on-diff)")

// probe runs the probe and prints its report.
func (a *app) probe(ctx context.Context, f probeFlags) error {
	if a.output == "name" {
		return invalidf("-o", "probe prints a summary or JSON (-o json), not names")
	}
	if f.write && f.cpg == "" && !f.againstSim && !a.sim {
		return invalidf("--cpg", "--write needs --cpg CPG: the CPG the probe creates its test volumes in")
	}
	if f.cpg != "" && !f.write {
		return invalidf("--cpg", "--cpg is only used with --write")
	}
	opts := probe.Options{Write: f.write, CPG: f.cpg, KeepNames: f.keepNames, AgainstSim: f.againstSim || a.sim,
		ClientOptions: []alletra.Option{alletra.WithUserAgent(userAgent())}}
	v := buildVersion()
	opts.ToolVersion, opts.SDKVersion = "alletractl "+v.Version, v.SDKVersion
	if a.debug {
		opts.ClientOptions = append(opts.ClientOptions, alletra.WithLogger(slog.New(slog.NewTextHandler(a.env.stderr,
			&slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if !opts.AgainstSim {
		cfg, err := a.config()
		if err != nil {
			return err
		}
		tr, err := cfg.transport() // TLS on the transport: the probe wraps it in its recorder
		if err != nil {
			return err
		}
		defer tr.CloseIdleConnections()
		opts.URL, opts.User, opts.Password, opts.HTTPClient = cfg.url, cfg.user, cfg.password, &http.Client{Transport: tr}
	}
	if a.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	rep, err := probe.Run(ctx, opts)
	if err != nil {
		if rep != nil && a.output == "json" {
			_ = a.printReport(rep) // what was recorded before the failure, for an issue
		}
		return err
	}
	if err := a.printReport(rep); err != nil {
		return err
	}
	if len(rep.Leftovers) > 0 {
		a.notef("%d object(s) the probe created could not be removed: see COULD NOT REMOVE (or \"leftovers\")", len(rep.Leftovers))
	}
	if f.failOnDiff && len(rep.Differences) > 0 {
		return fmt.Errorf("%d difference(s): %w", len(rep.Differences), errDiffers)
	}
	return nil
}

// printReport writes the report as JSON (-o json) or as the summary.
func (a *app) printReport(rep *probe.Report) error {
	if a.output != "json" {
		return rep.WriteText(a.env.stdout)
	}
	enc := json.NewEncoder(a.env.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
