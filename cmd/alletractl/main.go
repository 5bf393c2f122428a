// Command alletractl drives an HPE Alletra, Primera or 3PAR array's WSAPI
// from the shell, through the go-alletra SDK: sessions and logout, safe
// retries, typed errors, size rounding and idempotent ensure/delete come with
// every command.
//
//	alletractl volume create NAME --size SIZE --cpg CPG
//	alletractl volume get NAME
//	alletractl volume list
//	alletractl volume delete NAME [--missing-ok]
//
// The array is named by --url or ALLETRA_URL, the user by --user or
// ALLETRA_USER, the password by ALLETRA_PASSWORD, ALLETRA_PASSWORD_FILE or
// --password-stdin (never a flag with the password itself), a CA to trust by
// --ca or ALLETRA_CA. --sim runs the command against a throw-away in-process
// simulator instead. Output is a table, JSON (-o json) or names (-o name);
// exit codes are listed by "alletractl help exit-codes".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // the first Ctrl-C stops the command cleanly (logout, task id); a second one kills it
	}()
	code := run(ctx, os.Args[1:], &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		isTerm: isTerminal,
	})
	stop()
	os.Exit(code)
}
