package alletra

import (
	"errors"
	"fmt"

	"github.com/openalletra/go-alletra/naming"
)

// checkName validates a WSAPI object name before it is sent, with
// naming.ValidateName: not empty, only letters, digits, '.', '-' and '_',
// not starting with '-', not "." or "..", and not longer than
// WithMaxNameLength when that option is set.
func (c *Client) checkName(field, name string) error {
	err := naming.ValidateName(name, c.opts.maxNameLength)
	if err == nil {
		return nil
	}
	ve := &ValidationError{Field: field, Reason: err.Error()}
	if errors.Is(err, naming.ErrNameTooLong) {
		ve.Err = ErrNameTooLong
	}
	return ve
}

// validName is naming.ValidateName, for checks that build their own error.
func validName(name string, maxLen int) error { return naming.ValidateName(name, maxLen) }

// checkComment refuses a comment the array would refuse.
func checkComment(c string) error {
	if len(c) > maxCommentLen {
		return invalid("Comment", fmt.Sprintf("%d characters, the limit is %d", len(c), maxCommentLen))
	}
	return nil
}

func checkHours(field string, h int) error {
	if h < 0 || h > maxSnapshotHours {
		return invalid(field, fmt.Sprintf("must be between 0 (unset) and %d, got %d", maxSnapshotHours, h))
	}
	return nil
}

// checkKnownSizes refuses negative sizes, and a dest smaller than src when
// the caller gave both sizes.
func checkKnownSizes(src, dest string, srcMiB, destMiB int64) error {
	if srcMiB < 0 {
		return invalid("SrcSizeMiB", fmt.Sprintf("must not be negative, got %d", srcMiB))
	}
	if destMiB < 0 {
		return invalid("DestSizeMiB", fmt.Sprintf("must not be negative, got %d", destMiB))
	}
	if srcMiB > 0 && destMiB > 0 && destMiB < srcMiB {
		return &ValidationError{Field: "dest",
			Reason: fmt.Sprintf("volume %s is %d MiB, smaller than the %d MiB of %s", dest, destMiB, srcMiB, src),
			Err:    ErrCannotShrink}
	}
	return nil
}

// checkVolumeCreate checks the optional members of a create against the
// WSAPI's ranges.
func checkVolumeCreate(req *VolumeCreateRequest) error {
	if req.ID < 0 {
		return invalid("ID", fmt.Sprintf("must not be negative, got %d", req.ID))
	}
	if req.SnapCPG != "" {
		if err := validName(req.SnapCPG, 0); err != nil {
			return invalid("SnapCPG", err.Error())
		}
	}
	for _, p := range []struct {
		field string
		v     int
	}{{"SsSpcAllocWarningPct", req.SsSpcAllocWarningPct}, {"SsSpcAllocLimitPct", req.SsSpcAllocLimitPct},
		{"UsrSpcAllocWarningPct", req.UsrSpcAllocWarningPct}, {"UsrSpcAllocLimitPct", req.UsrSpcAllocLimitPct}} {
		if p.v < 0 || p.v > 100 {
			return invalid(p.field, fmt.Sprintf("a percentage, got %d", p.v))
		}
	}
	if err := checkHours("ExpirationHours", req.ExpirationHours); err != nil {
		return err
	}
	if err := checkHours("RetentionHours", req.RetentionHours); err != nil {
		return err
	}
	return checkComment(req.Comment)
}

// checkMiB refuses a size in MiB above the Client's guard (WithMaxSizeMiB,
// default DefaultMaxSizeMiB) before any I/O: such a number is most likely a
// byte count. Sizes below it go to the array, whose 400 code 28 says
// whether they exceed its own limit.
func (c *Client) checkMiB(field string, mib int64) error {
	if mib > c.opts.maxSizeMiB {
		return &ValidationError{Field: field, Err: ErrTooLarge, Reason: fmt.Sprintf(
			"%d MiB is above %d MiB, the client's guard against byte counts (WithMaxSizeMiB): sizes are in MiB; use VolumeSizeMiB",
			mib, c.opts.maxSizeMiB)}
	}
	return nil
}

func isHexWWN(w string) bool {
	if len(w) != 16 && len(w) != 32 {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
