// Command alletrasim serves the go-alletra simulator, an in-memory HPE
// Alletra / 3PAR / Primera WSAPI array, on a fixed address until it is
// interrupted, so that clients in any language (HPE's python-3parclient,
// LXD, Ansible modules, curl) can be pointed at it.
//
//	go run github.com/openalletra/go-alletra/cmd/alletrasim -addr 127.0.0.1:8080 -cert sim.pem
//
// It prints the URL and the credentials to log in with. State lives in
// memory and is lost when the command stops. The TLS certificate is a
// fixed test certificate, valid for 127.0.0.1, ::1 and example.com; -cert
// writes it to a file for clients to trust. Use -plain for HTTP.
//
// Fixtures that outside test suites expect (domains, extra CPGs, IP ports,
// tasks that stay active, the numbers of named errors, volume and snapshot
// limits) are set with flags or a JSON file (-config); see the README.
package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/openalletra/go-alletra/alletratest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the usage is printed; asking for help is no error
		}
		fmt.Fprintln(os.Stderr, "alletrasim:", err)
		os.Exit(2)
	}
}

// run serves the simulator as args say until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("alletrasim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: alletrasim [flags]\n\nServes a simulated WSAPI array until interrupted.\n\nFlags:")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `host:port` (port 0 picks a free one)")
	plain := fs.Bool("plain", false, "serve plain HTTP instead of HTTPS")
	user := fs.String("user", "3paradm", "the user name the array accepts")
	password := fs.String("password", "3pardata", "the password the array accepts (a test password: it is printed)")
	certFile := fs.String("cert", "", "write the certificate clients should trust (PEM) to `FILE`")
	maxName := fs.Int("max-name", 0, "longest accepted volume, host and set name (`N` characters; 0: by build, 63 for volumes and sets on Alletra MP builds, 31 otherwise and for hosts)")
	serialize := fs.Bool("serialize", false, "serialise requests that share a session key, as real arrays do")
	taskDuration := fs.Duration("task-duration", 0, "how long promote and physical-copy tasks run (`D`, e.g. 5s)")
	build := fs.Int64("build", 0, "the WSAPI build `N` the array reports (0: the simulator's default, an Alletra MP build, where GET /api needs a session)")
	verbose := fs.Bool("v", false, "log each request on stderr")
	configFile := fs.String("config", "", "read fixtures from the JSON `FILE` (see the README); the flags below add to it")
	var domains, cpgs, ipPorts, tasks, codes listFlag
	fs.Var(&domains, "domain", "create the domain `NAME` (repeatable)")
	fs.Var(&cpgs, "cpg", "create the CPG `NAME` or NAME@DOMAIN beside SSD_r6 (repeatable)")
	fs.Var(&ipPorts, "ip-port", "add a ready IP port (protocol 4) at a position with an address, `N:S:P=ADDRESS` (repeatable)")
	fs.Var(&tasks, "task", "start a background task that stays active for a time, `NAME=DURATION` (repeatable)")
	fs.Var(&codes, "error-code", "send the code your array sends for a named error, `NAME=NUMBER` (default: the placeholder "+
		strconv.Itoa(alletratest.PlaceholderCode)+"; repeatable)")
	maxVolumes := fs.Int("max-volumes", 0, "answer 503 VV_LIMIT_REACHED beyond `N` volumes (0: no limit)")
	maxSnapshots := fs.Int("max-snapshots", 0, "answer 503 SNAPSHOT_LIMIT_REACHED beyond `N` snapshots (0: no limit)")
	untagged := fs.Bool("untagged-vlan-entry", false, "give the VLAN-tagged port 1:2:1 an untagged address its VLAN list repeats")
	linked := fs.String("linked", "", "also serve a second array on `host:port`, linked with the first as each other's remote copy target, with the same fixtures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var fx fixtures
	if *configFile != "" {
		var err error
		if fx, err = loadFixtures(*configFile); err != nil {
			return err
		}
	}
	if err := fx.addFlags(domains, cpgs, ipPorts, tasks, codes); err != nil {
		return err
	}
	if *maxVolumes != 0 {
		fx.MaxVolumes = *maxVolumes
	}
	if *maxSnapshots != 0 {
		fx.MaxSnapshots = *maxSnapshots
	}
	fx.UntaggedVlanEntry = fx.UntaggedVlanEntry || *untagged
	fxOpts, err := fx.options()
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case *user == "" || *password == "":
		return errors.New("-user and -password must not be empty")
	case *maxName < 0:
		return fmt.Errorf("-max-name %d: must not be negative", *maxName)
	case *build < 0:
		return fmt.Errorf("-build %d: must not be negative", *build)
	case *taskDuration < 0:
		return fmt.Errorf("-task-duration %v: must not be negative", *taskDuration)
	case *plain && *certFile != "":
		return errors.New("-cert needs HTTPS; drop -plain")
	}

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	opts := []alletratest.Option{
		alletratest.WithListener(l),
		alletratest.WithCredentials(*user, *password),
		alletratest.WithMaxNameLength(*maxName),
		alletratest.WithTaskDuration(*taskDuration),
	}
	if *plain {
		opts = append(opts, alletratest.WithPlainHTTP())
	}
	if *build > 0 {
		opts = append(opts, alletratest.WithBuild(*build))
	}
	if *serialize {
		opts = append(opts, alletratest.WithSerializedSessions())
	}
	if *verbose {
		opts = append(opts, alletratest.WithRequestLog(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	srv := alletratest.NewServer(append(opts, fxOpts...)...)
	defer srv.Close()
	fx.apply(srv)
	if *linked != "" {
		second, err := serveLinked(*linked, append(opts, fxOpts...), srv, stdout)
		if err != nil {
			return err
		}
		defer second.Close()
		fx.apply(second)
	}

	if *certFile != "" {
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(*certFile, data, 0o644); err != nil {
			return err
		}
	}
	url := reachableURL(srv.URL, l.Addr())
	fmt.Fprintf(stdout, "URL:      %s\n", url)
	fmt.Fprintf(stdout, "User:     %s\n", srv.Username())
	fmt.Fprintf(stdout, "Password: %s\n", srv.Password())
	if *certFile != "" {
		fmt.Fprintf(stdout, "Cert:     %s\n", *certFile)
	}
	fmt.Fprintf(stdout, "WSAPI at %s/api/v1; log in with POST %s/api/v1/credentials. Stop with Ctrl-C.\n", url, url)

	<-ctx.Done()
	fmt.Fprintln(stderr, "alletrasim: stopping")
	srv.Close()
	return nil
}

// reachableURL is u with an unspecified listen address (0.0.0.0, ::)
// replaced by the loopback address, which clients can dial and the
// certificate covers.
func reachableURL(u string, a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok || !ta.IP.IsUnspecified() {
		return u
	}
	scheme, _, _ := strings.Cut(u, "://")
	return fmt.Sprintf("%s://127.0.0.1:%d", scheme, ta.Port)
}
