package main

// How alletractl words an error: one "alletractl:" prefix, the SDK's own
// "alletra:" prefixes and repeated class names dropped, argument names as the
// command line spells them, the array's HTTP status, WSAPI code and text kept,
// and, for the common fixes, one hint line. The wording is for people; the
// exit code (exitcodes.go) is what scripts branch on, and it is decided from
// the error's class, never from this text.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"unicode"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

// sdkPrefix is the prefix of every SDK error text.
const sdkPrefix = "alletra: "

// sentinels are the SDK's class errors whose text, when a message repeats
// it after a more precise one, is dropped.
var sentinels = func() []error {
	var all []error
	for _, row := range exitTable {
		all = append(all, row.errs...)
	}
	return append(all, alletra.ErrSessionExpired, alletra.ErrClosed, alletra.ErrBadResponse)
}()

// fieldNames maps the SDK's request fields (in a *ValidationError) to the
// flag or argument that set them.
var fieldNames = map[string]string{
	"Name": "NAME", "name": "NAME",
	"SizeMiB": "--size", "sizeMiB": "--size", "DeltaMiB": "--by", "deltaMiB": "--by",
	"CPG": "--cpg", "cpg": "--cpg", "UserCPG": "--cpg", "SnapCPG": "--snap-cpg",
	"HostName": "--host", "hostname": "--host", "host": "--host",
	"VolumeName": "VOLUME", "volumeName": "VOLUME", "volume": "VOLUME",
	"LUN": "--lun", "lun": "--lun", "PortPos": "--port", "portPos": "--port",
	"ISCSINames": "--iscsi", "iSCSINames": "--iscsi", "FCWWNs": "--wwn", "NQN": "--nqn", "nqn": "--nqn",
	"Priority": "--priority", "priority": "--priority", "Comment": "--comment",
	"SetMembers": "--member", "setmembers": "--member", "Members": "--member",
	"ParentName": "--volume", "parent": "--volume", "Destination": "DEST", "destVolume": "DEST",
	"ReadOnly": "--read-only", "ExpirationHours": "--expire", "RetentionHours": "--retain",
	"id": "ID", "ID": "ID", "taskID": "ID",
}

// refAlternates name the flag that sets an array's ref in the commands
// without the flag fieldNames gives: volume grow sends its --by as sizeMiB.
var refAlternates = map[string]string{"sizeMiB": "--by"}

// sdkAdvice are the SDK's pieces of advice to a Go programmer, replaced by
// their command-line counterpart.
var sdkAdvice = strings.NewReplacer(
	": sizes are in MiB; use VolumeSizeMiB", "",
	"; use VolumeSizeMiB", "",
	"use VolumeSizeMiB", "--size takes units, e.g. 10GiB",
)

// describe returns the one-line message for err and, for the errors a flag
// or setting fixes, a hint; cmd is the command that failed (nil when
// unknown), so that a hint names only flags it has.
func describe(cmd *cobra.Command, err error) (msg, hint string) {
	msg = err.Error()
	var ve *alletra.ValidationError
	if errors.As(err, &ve) && !isInputError(err) {
		reason := sdkAdvice.Replace(strings.ReplaceAll(ve.Reason, sdkPrefix, ""))
		whole := ve.Error()
		msg = strings.Replace(msg, whole, "invalid "+argName(ve.Field)+": "+reason, 1)
	}
	var ae *alletra.APIError
	if errors.As(err, &ae) && ae.Ref != "" {
		// The array's ref names the request member it refused: say which
		// flag or argument set it, not the member's wire name.
		n, ok := fieldNames[ae.Ref]
		if alt, has := refAlternates[ae.Ref]; has && cmd != nil && cmd.Flags().Lookup(strings.TrimPrefix(n, "--")) == nil &&
			cmd.Flags().Lookup(strings.TrimPrefix(alt, "--")) != nil {
			n = alt // the command sets the member with another flag
		}
		if ok {
			msg = strings.Replace(msg, "(ref "+ae.Ref+")", "(about "+n+")", 1)
		}
	}
	msg = strings.ReplaceAll(msg, sdkPrefix, "")
	switch msg {
	case context.DeadlineExceeded.Error():
		msg = "stopped: --timeout reached"
	case context.Canceled.Error():
		msg = "interrupted"
	}
	for _, s := range sentinels {
		text, ok := strings.CutPrefix(s.Error(), sdkPrefix)
		if !ok || msg == text {
			continue // the class is all there is to say
		}
		msg = strings.ReplaceAll(msg, ": "+text+" (", " (")
		msg = strings.TrimSuffix(msg, ": "+text)
	}
	return msg, hintFor(cmd, err)
}

// isInputError reports whether err is alletractl's own input error, worded
// for the command line already.
func isInputError(err error) bool {
	var ie *inputError
	return errors.As(err, &ie)
}

// argName is how the command line names the SDK field: its flag or
// argument, or the field in words.
func argName(field string) string {
	if n, ok := fieldNames[field]; ok {
		return n
	}
	rs := []rune(field)
	var b strings.Builder
	for i, r := range rs {
		// a word starts at an upper-case letter after a lower-case one, or
		// at the last capital of an acronym that a lower-case letter follows
		if i > 0 && unicode.IsUpper(r) && (!unicode.IsUpper(rs[i-1]) ||
			i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// hintFor returns the one-line hint for err, or "".
func hintFor(cmd *cobra.Command, err error) string {
	has := func(flag string) bool { return cmd != nil && cmd.Flags().Lookup(flag) != nil }
	var unknownCA x509.UnknownAuthorityError
	var certInvalid x509.CertificateInvalidError
	var hostname x509.HostnameError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &verify), errors.As(err, &certInvalid):
		return "trust the array's certificate with --ca FILE or ALLETRA_CA=FILE (a PEM file of its CA); --insecure skips the check"
	case errors.As(err, &hostname):
		return "the certificate is not for this address: use the name it was issued for in --url, or --insecure"
	case errors.Is(err, alletra.ErrAuthentication):
		return "check ALLETRA_USER and the password; ALLETRA_PASSWORD_FILE or --password-stdin read it from a file or standard input"
	case errors.Is(err, alletra.ErrEndpoint):
		return "--url (ALLETRA_URL) is the array's address, e.g. https://array:8080, with no path beyond /api/v1"
	case errors.Is(err, alletra.ErrSessionLimit):
		return "the array has no free session: close other clients or try again later"
	case errors.Is(err, alletra.ErrAlreadyExists) || errors.Is(err, alletra.ErrConflict):
		if has("exists-ok") {
			return "--exists-ok makes an existing object of that name success when it matches"
		}
	case errors.Is(err, alletra.ErrExported):
		if has("online") {
			return "--online works while the volume is exported; or unexport it first (alletractl vlun unexport)"
		}
	case errors.Is(err, alletra.ErrNotFound):
		if has("missing-ok") {
			return "--missing-ok makes a missing object success"
		}
	}
	var te *alletra.TransportError
	if errors.As(err, &te) {
		return "no answer from the array: check --url (ALLETRA_URL), its scheme (http or https) and port, and the network"
	}
	return ""
}
