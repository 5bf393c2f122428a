package naming

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// VolumeType is the LXD volume type, the first letter of a volume name. The
// zero value is not a valid type, so a Volume whose Type was never set is
// refused instead of silently named as a container.
type VolumeType int

// The LXD volume types.
const (
	Container      VolumeType = iota + 1 // an instance's root volume: prefix "c-"
	VirtualMachine                       // a VM's volumes (block and its filesystem companion): prefix "v-"
	Image                                // an image volume: prefix "i-"
	Custom                               // a custom volume, including ISO volumes: prefix "u-"
)

// String returns "container", "virtual-machine", "image" or "custom", or
// "VolumeType(n)" for a value out of range.
func (t VolumeType) String() string {
	switch t {
	case Container:
		return "container"
	case VirtualMachine:
		return "virtual-machine"
	case Image:
		return "image"
	case Custom:
		return "custom"
	}
	return "VolumeType(" + strconv.Itoa(int(t)) + ")"
}

// ParseVolumeType returns the VolumeType LXD calls s. It accepts the names
// String returns ("container", "virtual-machine", "image", "custom"), which
// are those of LXD's API and database, and the names of LXD's storage drivers
// (drivers.VolumeType in lxd/storage/drivers: "containers",
// "virtual-machines", "images", "custom"). The match is exact (lower case, no
// spaces); anything else gives an error matching ErrInvalidVolume.
func ParseVolumeType(s string) (VolumeType, error) {
	switch s {
	case "container", "containers":
		return Container, nil
	case "virtual-machine", "virtual-machines":
		return VirtualMachine, nil
	case "image", "images":
		return Image, nil
	case "custom":
		return Custom, nil
	}
	return 0, fmt.Errorf("%w: unknown volume type %q", ErrInvalidVolume, s)
}

func (t VolumeType) letter() byte {
	switch t {
	case Container:
		return 'c'
	case VirtualMachine:
		return 'v'
	case Image:
		return 'i'
	case Custom:
		return 'u'
	}
	return 0
}

func volumeTypeOf(letter byte) (VolumeType, bool) {
	switch letter {
	case 'c':
		return Container, true
	case 'v':
		return VirtualMachine, true
	case 'i':
		return Image, true
	case 'u':
		return Custom, true
	}
	return 0, false
}

// ContentType is the LXD content type, the suffix of a volume name. The zero
// value is not a valid content type.
type ContentType int

// The LXD content types.
const (
	Filesystem ContentType = iota + 1 // a filesystem volume: no suffix
	Block                             // a block volume: suffix "-b"
	ISO                               // an ISO image (a custom volume): suffix "-i"
)

// String returns "filesystem", "block" or "iso", or "ContentType(n)" for a
// value out of range.
func (c ContentType) String() string {
	switch c {
	case Filesystem:
		return "filesystem"
	case Block:
		return "block"
	case ISO:
		return "iso"
	}
	return "ContentType(" + strconv.Itoa(int(c)) + ")"
}

// ParseContentType returns the ContentType LXD calls s: "filesystem",
// "block" or "iso", as String returns them and as LXD's API and storage
// drivers name them, and "fs", the drivers' name for filesystem content in
// older LXD releases. The match is exact; anything else gives an error
// matching ErrInvalidVolume.
func ParseContentType(s string) (ContentType, error) {
	switch s {
	case "filesystem", "fs":
		return Filesystem, nil
	case "block":
		return Block, nil
	case "iso":
		return ISO, nil
	}
	return 0, fmt.Errorf("%w: unknown content type %q", ErrInvalidVolume, s)
}

func (c ContentType) suffix() (string, bool) {
	switch c {
	case Filesystem:
		return "", true
	case Block:
		return "-b", true
	case ISO:
		return "-i", true
	}
	return "", false
}

// Volume identifies an LXD storage volume, or one of its snapshots, by what
// its array name encodes.
type Volume struct {
	// Type is the LXD volume type: the name's prefix letter.
	Type VolumeType
	// Content is the LXD content type: the name's suffix.
	Content ContentType
	// UUID is LXD's volatile.uuid of the volume, or for a snapshot of the
	// snapshot itself (not of its parent). LXD and Compact accept it in any
	// case, hyphenated (8-4-4-4-12) or as 32 hex digits; Parse returns the
	// canonical lowercase hyphenated form.
	UUID string
	// Snapshot marks a snapshot; its name gets a leading "s".
	Snapshot bool
}

// Errors of this package. They are returned wrapped with detail: test for
// them with errors.Is.
var (
	// ErrInvalidVolume: a Volume has a Type or Content out of range.
	ErrInvalidVolume = errors.New("naming: invalid volume type or content type")
	// ErrInvalidUUID: a Volume's UUID is not 16 bytes in hex, hyphenated or not.
	ErrInvalidUUID = errors.New("naming: invalid UUID")
	// ErrNotVolumeName: Parse was given a name that neither LXD nor Compact produces.
	ErrNotVolumeName = errors.New("naming: not a volume name")
	// ErrEmptyName: ValidateName was given an empty name.
	ErrEmptyName = errors.New("naming: empty name")
	// ErrIllegalName: a name has a character the WSAPI does not allow, or starts with '-'.
	ErrIllegalName = errors.New("naming: illegal name")
	// ErrNameTooLong: a name is longer than the limit given to ValidateName.
	ErrNameTooLong = errors.New("naming: name too long")
)

// Name lengths of the two schemes.
const (
	lxdUUIDLen     = 32 // hex digits
	compactUUIDLen = 22 // base64 characters for 16 bytes, unpadded
)

// compactAlphabet is standard base64 with '+' as '.' and '/' as '_': only
// characters WSAPI names allow, and no '-'.
const compactAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

// compactEncoding rejects non-canonical input (non-zero trailing bits), so
// each UUID has exactly one compact spelling.
var compactEncoding = base64.NewEncoding(compactAlphabet).WithPadding(base64.NoPadding).Strict()

// LXD returns the array name LXD's alletra driver gives v, byte for byte:
// an "s" for a snapshot, the type prefix ("c-", "v-", "i-", "u-"), the
// UUID as 32 lowercase hex digits, and the content suffix ("-b" block, "-i"
// ISO, none for a filesystem). For example a VM block volume with UUID
// a5289556-c903-409a-8aa0-4af18a46738d is "v-a5289556c903409a8aa04af18a46738d-b".
//
// The result is 34 to 37 characters long, longer than the 31 characters that
// classic WSAPI arrays accept; use Compact for those. Every type and content
// combination is accepted, as in LXD. An out-of-range Type or Content gives
// ErrInvalidVolume, a malformed UUID ErrInvalidUUID.
func LXD(v Volume) (string, error) {
	id, err := v.check()
	if err != nil {
		return "", err
	}
	return v.format(hex.EncodeToString(id[:])), nil
}

// Compact returns the name of v in the compact scheme: the same prefix and
// suffix as LXD, around a 22-character unpadded base64 encoding of the
// UUID's 16 bytes (alphabet A-Z a-z 0-9 '.' '_'). For example the VM block
// volume above is "v-pSiVVskDQJqKoErxikZzjQ-b". The result is 24 to 27
// characters long, within the 31-character WSAPI limit. Errors are those of
// LXD.
func Compact(v Volume) (string, error) {
	id, err := v.check()
	if err != nil {
		return "", err
	}
	return v.format(compactEncoding.EncodeToString(id[:])), nil
}

// Parse returns the Volume named name by LXD or Compact, with the UUID in
// canonical lowercase hyphenated form. It is strict: it accepts a name only
// if formatting the result with the same scheme gives name back, so it
// rejects wrong lengths, unknown prefixes, a double "s", a suffix without its
// dash, upper-case hex, non-canonical base64, LXD's "lxd-reverter-snapshot",
// the names of TemporarySnapshotName and every other name, with an error
// matching ErrNotVolumeName.
//
// The scheme can be told by length: LXD names have 34 to 37 characters,
// compact names 24 to 27.
func Parse(name string) (Volume, error) {
	v, err := parse(name)
	if err != nil {
		return Volume{}, fmt.Errorf("%w: %q: %s", ErrNotVolumeName, name, err.Error())
	}
	return v, nil
}

func parse(name string) (Volume, error) {
	var v Volume
	rest := name
	if len(rest) > 0 && rest[0] == 's' {
		v.Snapshot = true
		rest = rest[1:]
	}
	if len(rest) < 2 || rest[1] != '-' {
		return v, errors.New("no type prefix")
	}
	t, ok := volumeTypeOf(rest[0])
	if !ok {
		return v, errors.New("unknown type prefix")
	}
	v.Type = t
	body := rest[2:]

	var encoded string
	switch len(body) {
	case lxdUUIDLen, compactUUIDLen:
		v.Content, encoded = Filesystem, body
	case lxdUUIDLen + 2, compactUUIDLen + 2:
		n := len(body) - 2
		switch body[n:] {
		case "-b":
			v.Content = Block
		case "-i":
			v.Content = ISO
		default:
			return v, errors.New("unknown content suffix")
		}
		encoded = body[:n]
	default:
		return v, errors.New("wrong length")
	}

	var id [16]byte
	if len(encoded) == lxdUUIDLen {
		if !isLowerHex(encoded) {
			return v, errors.New("UUID is not 32 lowercase hex digits")
		}
		_, _ = hex.Decode(id[:], []byte(encoded))
	} else {
		n, err := compactEncoding.Decode(id[:], []byte(encoded))
		if err != nil || n != len(id) {
			return v, errors.New("UUID is not 22 characters of compact base64")
		}
	}
	v.UUID = formatUUID(id)

	// Belt and braces: only accept what formats back to the same name.
	var again string
	if len(encoded) == lxdUUIDLen {
		again, _ = LXD(v)
	} else {
		again, _ = Compact(v)
	}
	if again != name {
		return v, errors.New("not in canonical form")
	}
	return v, nil
}

// check validates v and returns its UUID's bytes.
func (v Volume) check() ([16]byte, error) {
	if v.Type.letter() == 0 {
		return [16]byte{}, fmt.Errorf("%w: %v", ErrInvalidVolume, v.Type)
	}
	if _, ok := v.Content.suffix(); !ok {
		return [16]byte{}, fmt.Errorf("%w: %v", ErrInvalidVolume, v.Content)
	}
	id, ok := parseUUID(v.UUID)
	if !ok {
		return id, fmt.Errorf("%w: %q", ErrInvalidUUID, v.UUID)
	}
	return id, nil
}

// format assembles a name from a checked v and the encoded UUID.
func (v Volume) format(encoded string) string {
	suffix, _ := v.Content.suffix()
	b := make([]byte, 0, 3+len(encoded)+len(suffix))
	if v.Snapshot {
		b = append(b, 's')
	}
	b = append(b, v.Type.letter(), '-')
	b = append(b, encoded...)
	b = append(b, suffix...)
	return string(b)
}

// parseUUID accepts exactly 32 hex digits, or 8-4-4-4-12 hex digits with
// hyphens, in any case. Nothing else: no braces, no "urn:uuid:" prefix.
func parseUUID(s string) ([16]byte, bool) {
	var id [16]byte
	var digits [32]byte
	switch len(s) {
	case 32:
		copy(digits[:], s)
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return id, false
		}
		copy(digits[:], s[0:8])
		copy(digits[8:], s[9:13])
		copy(digits[12:], s[14:18])
		copy(digits[16:], s[19:23])
		copy(digits[20:], s[24:36])
	default:
		return id, false
	}
	if _, err := hex.Decode(id[:], digits[:]); err != nil {
		return id, false
	}
	return id, true
}

// formatUUID returns the canonical lowercase hyphenated form.
func formatUUID(id [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return string(b[:])
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
