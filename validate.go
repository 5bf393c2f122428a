package alletra

import (
	"errors"

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
