// Package naming turns LXD storage volumes into HPE Alletra / 3PAR object
// names and back, and checks names against the WSAPI rules.
//
// # Volume names
//
// A volume is described by a [Volume]: its LXD volume type, its content type,
// its UUID (LXD's volatile.uuid) and whether it is a snapshot. Two schemes
// turn it into an array name; both have the same structure:
//
//	[s]<t>-<uuid>[-<c>]
//
// where the optional leading "s" marks a snapshot, <t> is the volume type
// (c container, v virtual machine, i image, u custom), <c> is the content
// type (b block, i ISO; a filesystem volume has no suffix), and <uuid> is the
// UUID's 16 bytes in one of two encodings:
//
//   - [LXD]: 32 lowercase hex digits. This is byte for byte what LXD's
//     alletra driver creates, e.g. "v-a5289556c903409a8aa04af18a46738d-b",
//     so it is the scheme for adopting volumes that LXD made. Its names are
//     34 to 37 characters long.
//   - [Compact]: 22 characters of unpadded base64 over the alphabet
//     A-Z a-z 0-9 '.' '_' (standard base64 with '+' as '.' and '/' as '_'),
//     e.g. "v-pSiVVskDQJqKoErxikZzjQ-b". Its names are 24 to 27 characters
//     long.
//
// The distinction matters because classic WSAPI object names (the "name31"
// type of 3PAR, Primera and Alletra 9000) are limited to 31 characters: the
// array refuses longer ones with HTTP 400, code 57 INV_INPUT_EXCEEDS_LENGTH.
// Every LXD-scheme name is longer than that. Only some arrays (apparently
// Alletra MP, which LXD is tested against) accept them; the compact scheme
// fits everywhere. The compact alphabet has no '-', so the dashes in a
// compact name are exactly the structural ones. It is case-sensitive, like
// base64; an array comparing names case-insensitively would make two
// names collide only if their encodings differed in case alone, which for
// random UUIDs is vanishingly unlikely.
//
// [Parse] reverses both schemes (the lengths do not overlap) and is strict:
// it accepts exactly the names that [LXD] or [Compact] produce, and rejects
// everything else, including LXD's global "lxd-reverter-snapshot" and the
// names of [TemporarySnapshotName].
//
// [ParseVolumeType] and [ParseContentType] read LXD's own strings for the
// types back ("container" or the drivers' "containers", "virtual-machine",
// "block", "iso", ...), so a driver goes from what it holds to a [Volume]
// without a translation table of its own.
//
// # Other names
//
// [HostName] builds the host name LXD uses for a server and connector, and
// [TemporarySnapshotName] names a per-volume temporary snapshot, such as the
// reverter snapshot of a refresh. [ValidateName] checks any name against the
// WSAPI character rules and a length limit.
package naming
