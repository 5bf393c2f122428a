package naming

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxNameLen is the length limit of classic WSAPI object names (the
// "name31" type of 3PAR, Primera and Alletra 9000): volumes, snapshots,
// volume sets and hosts. Longer names get HTTP 400, code 57.
const MaxNameLen = 31

// HostName returns the array host name LXD uses for a server and connector
// mode: "<server>-<mode>", with every "/" in mode turned into "-". So
// HostName("node1", "nvme/tcp") is "node1-nvme-tcp" and HostName("node1",
// "iscsi") is "node1-iscsi".
//
// Like LXD it does no other mapping: resolving LXD's server name "none" to
// the machine's host name is the caller's job, and so is checking the result
// with ValidateName (a long server name can exceed MaxNameLen, which the
// array refuses with code 57; LXD finds hosts by their initiator, not by
// name, so such a caller may pick another name).
func HostName(server, mode string) string {
	return server + "-" + strings.ReplaceAll(mode, "/", "-")
}

// ValidateName checks name against the WSAPI rules for object names, before
// anything is sent to the array. The name must be non-empty (ErrEmptyName);
// consist of ASCII letters, digits, '.', '-' and '_' only, not start with
// '-', and not be "." or ".." (which would change the meaning of the URL path
// the name goes into) (ErrIllegalName); and, when maxLen > 0, be at most
// maxLen bytes long (ErrNameTooLong). Pass MaxNameLen for classic arrays.
// The checks run in that order; the error wraps the sentinel with detail.
func ValidateName(name string, maxLen int) error {
	if name == "" {
		return ErrEmptyName
	}
	for i := 0; i < len(name); i++ {
		if !legalNameByte(name[i]) {
			r, _ := utf8.DecodeRuneInString(name[i:])
			return fmt.Errorf("%w: %s: character %q at offset %d", ErrIllegalName, quoteName(name), r, i)
		}
	}
	if name[0] == '-' {
		return fmt.Errorf("%w: %s: starts with '-'", ErrIllegalName, quoteName(name))
	}
	if name == "." || name == ".." {
		return fmt.Errorf("%w: %s", ErrIllegalName, quoteName(name))
	}
	if maxLen > 0 && len(name) > maxLen {
		return fmt.Errorf("%w: %s: %d characters, the limit is %d", ErrNameTooLong, quoteName(name), len(name), maxLen)
	}
	return nil
}

func legalNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

// quoteName quotes a name for an error message, shortening a huge one.
func quoteName(name string) string {
	const max = 64
	if len(name) > max {
		return fmt.Sprintf("%q...", name[:max])
	}
	return fmt.Sprintf("%q", name)
}

// PurposeReverter is the purpose tag for the temporary snapshot a refresh
// takes so that it can revert a failed copy (LXD's "lxd-reverter-snapshot").
const PurposeReverter = "rv"

// TemporarySnapshotName returns the name for a temporary snapshot of the
// volume named parent, taken for purpose: "t" + purpose + "." + the compact
// name of parent. For example the reverter snapshot of
// "c-5a2504b06a6c48498ee7ddb0b674fd14" is "trv.c-WiUEsGpsSEmO592wtnT9FA".
//
// LXD names the reverter snapshot of every refresh with one literal,
// "lxd-reverter-snapshot". Array names are global, so two concurrent
// refreshes (even from different pools or LXD installations) collide, and one
// may delete or restore the other's snapshot. A name derived from the parent
// is unique per volume and content type (a VM's block volume and its
// filesystem companion share a UUID, but not a name), and it is the same
// every time: two operations with the same purpose on the same volume, which
// must not overlap anyway, get the same name, so the second one fails with
// "already exists" instead of using the first one's snapshot, and a snapshot
// left behind by a crash can be found and deleted by computing its name
// again.
//
// parent may be in either scheme (LXD or Compact; anything else gives an
// error matching ErrNotVolumeName); the result always uses the compact
// encoding, so it is at most 31 characters long (MaxNameLen). purpose is one
// or two lower-case ASCII letters or digits, such as PurposeReverter;
// anything else gives ErrIllegalName. Parse rejects the result: it is not a
// volume name, and a listing filtered through Parse skips it.
func TemporarySnapshotName(parent, purpose string) (string, error) {
	if len(purpose) < 1 || len(purpose) > 2 {
		return "", fmt.Errorf("%w: purpose %q must be 1 or 2 characters", ErrIllegalName, purpose)
	}
	for i := 0; i < len(purpose); i++ {
		if c := purpose[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return "", fmt.Errorf("%w: purpose %q must be lower-case letters or digits", ErrIllegalName, purpose)
		}
	}
	v, err := Parse(parent)
	if err != nil {
		return "", err
	}
	compact, err := Compact(v)
	if err != nil { // cannot happen: Parse returned a valid Volume
		return "", err
	}
	return "t" + purpose + "." + compact, nil
}
