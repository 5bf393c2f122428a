package alletra

import (
	"errors"
	"fmt"
)

// checkName validates a WSAPI object name before it is sent: not empty, only
// letters, digits, '.', '-' and '_', not starting with '-', and not longer
// than WithMaxNameLength when that option is set.
func (c *Client) checkName(field, name string) error {
	if err := validName(name, c.opts.maxNameLength); err != nil {
		ve := &ValidationError{Field: field, Reason: err.Error()}
		if errors.Is(err, errNameLength) {
			ve.Err = ErrNameTooLong
		}
		return ve
	}
	return nil
}

var errNameLength = errors.New("too long")

func validName(name string, maxLen int) error {
	if name == "" {
		return errors.New("empty")
	}
	if maxLen > 0 && len(name) > maxLen {
		return fmt.Errorf("%q is %d characters, limit %d: %w", name, len(name), maxLen, errNameLength)
	}
	if name[0] == '-' {
		return fmt.Errorf("%q starts with '-'", name)
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-' || b == '_') {
			return fmt.Errorf("%q has an illegal character at %d (allowed: letters, digits, '.', '-', '_')", name, i)
		}
	}
	return nil
}
