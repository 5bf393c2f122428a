package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

// env is what a run sees of the process: its streams and environment. Tests
// and main fill it in; nothing reads os.* behind its back.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	isTerm         func(w io.Writer) bool // reports whether w is a terminal
}

// app holds one run's global flags and the client built from them.
type app struct {
	env *env

	url, user, ca string
	insecure      bool
	passwordStdin bool
	output        string
	sim           bool
	timeout       time.Duration
	debug         bool
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, e *env) int {
	a := &app{env: e}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var re *runError
	if !errors.As(err, &re) {
		// cobra's own errors: an unknown command or flag, a wrong number of
		// arguments. Nothing was sent to the array.
		fmt.Fprintf(e.stderr, "alletractl: %v\nRun 'alletractl --help' for usage.\n", err)
		return exitInvalid
	}
	msg, hint := describe(cmd, re.err)
	fmt.Fprintf(e.stderr, "alletractl: %s\n", msg)
	if hint != "" {
		fmt.Fprintf(e.stderr, "hint: %s\n", hint)
	}
	return exitCode(re.err)
}

// runError marks an error returned by a command's own code (as opposed to
// cobra's argument checks), so run can classify it.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// runE adapts a command body to cobra, marking its errors.
func runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := f(cmd, args); err != nil {
			return &runError{err: err}
		}
		return nil
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "alletractl",
		Short: "Drive an HPE Alletra / Primera / 3PAR array's WSAPI from the shell",
		Long: `alletractl drives an HPE Alletra, Primera or 3PAR array through its WSAPI,
with the go-alletra SDK's sessions, safe retries, typed errors and size rounding.

The array:   --url or ALLETRA_URL (e.g. https://array:8080)
The user:    --user or ALLETRA_USER
Password:    ALLETRA_PASSWORD, ALLETRA_PASSWORD_FILE (a file holding it) or
             --password-stdin (the first line of standard input). There is no
             password flag: ps would show it.
TLS:         --ca or ALLETRA_CA (a PEM file of the CA to trust); --insecure
             skips certificate checks (explicit opt-in only).
Simulator:   --sim runs the command against a throw-away in-process array.

Output is a table by default, one JSON document with -o json (stable field
names, enums as names), or one name per line with -o name. Exit codes are
listed by 'alletractl help exit-codes'.`,
		Example: `  alletractl --sim volume create vol1 --size 10GiB --cpg SSD_r6
  alletractl volume list -o json | jq -r '.[].name'
  alletractl snapshot restore vol1-snap --wait`,
		Version:       buildVersion().Version, // the module's version from the build information
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	f := root.PersistentFlags()
	f.StringVar(&a.url, "url", "", "WSAPI endpoint, e.g. https://array:8080 (default $ALLETRA_URL)")
	f.StringVar(&a.user, "user", "", "user name (default $ALLETRA_USER)")
	f.BoolVar(&a.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	f.StringVar(&a.ca, "ca", "", "PEM file with the CA certificate to trust (default $ALLETRA_CA)")
	f.BoolVar(&a.insecure, "insecure", false, "do not verify the array's certificate")
	f.StringVarP(&a.output, "output", "o", "table", "output format: table, json or name")
	f.BoolVar(&a.sim, "sim", false, "run against a throw-away in-process simulated array")
	f.DurationVar(&a.timeout, "timeout", 0, "give up after this long, e.g. 5m (default: no limit)")
	f.BoolVar(&a.debug, "debug", false, "log each WSAPI request (method, path, status; never secrets) to stderr")
	_ = root.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"table", "json", "name"}, cobra.ShellCompDirectiveNoFileComp
	})
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		switch a.output {
		case "table", "json", "name":
		default:
			return fmt.Errorf("-o %q: want table, json or name", a.output)
		}
		if a.timeout < 0 {
			return fmt.Errorf("--timeout %v: must not be negative", a.timeout)
		}
		return nil
	}

	root.AddGroup(&cobra.Group{ID: "objects", Title: "Objects:"}, &cobra.Group{ID: "array", Title: "The array:"})
	for _, c := range []*cobra.Command{a.volumeCommand(), a.snapshotCommand(), a.volumeSetCommand(),
		a.hostCommand(), a.vlunCommand()} {
		c.GroupID = "objects"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{a.portCommand(), a.cpgCommand(), a.taskCommand(), a.systemCommand(),
		a.probeCommand()} {
		c.GroupID = "array"
		root.AddCommand(c)
	}
	root.AddCommand(a.versionCommand(), a.rcopyCommand(), exitCodesTopic()) // rcopy.go
	a.addNameCompletion(root)
	return root
}

// group returns a parent command that only holds subcommands.
func group(use, short string, aliases ...string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Aliases: aliases, Args: cobra.NoArgs, DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
}

// withClient runs f with a client for the configured array (or a simulator),
// bounded by --timeout, and logs out afterwards, also when f failed or was
// interrupted.
func (a *app) withClient(cmd *cobra.Command, f func(ctx context.Context, c *alletra.Client) error) error {
	return a.withClientCtx(cmd.Context(), f)
}

// withClientCtx is withClient with an explicit context.
func (a *app) withClientCtx(ctx context.Context, f func(ctx context.Context, c *alletra.Client) error) error {
	if a.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	c, closeFn, err := a.connect()
	if err != nil {
		return err
	}
	defer closeFn()
	return f(ctx, c)
}

// connect builds the client from flags and environment. The returned
// function logs out (with its own short deadline, so a Ctrl-C still ends the
// session) and stops the simulator, if any.
func (a *app) connect() (*alletra.Client, func(), error) {
	opts := []alletra.Option{alletra.WithUserAgent(userAgent())}
	if a.debug {
		opts = append(opts, alletra.WithLogger(slog.New(slog.NewTextHandler(a.env.stderr,
			&slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if a.sim {
		return a.connectSim(opts)
	}
	cfg, err := a.config()
	if err != nil {
		return nil, nil, err
	}
	base, err := cfg.transport()
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts, alletra.WithHTTPClient(&http.Client{Transport: base}))
	c, err := alletra.NewClient(cfg.url, cfg.user, cfg.password, opts...)
	if err != nil {
		return nil, nil, err
	}
	return c, func() { logout(c) }, nil
}

// logout ends the session; its error is not the command's concern.
func logout(c *alletra.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = c.Close(ctx)
}
