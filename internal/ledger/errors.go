package ledger

import (
	"errors"
	"fmt"
)

// ErrNoPath is Open's error for no path: neither XDG_STATE_HOME nor HOME gives the default one,
// and none was named. The command layer says how to name one.
var ErrNoPath = errors.New("usage ledger: no path (set XDG_STATE_HOME or HOME, or name one)")

// NotLedgerError is Open's error for a file that is not a usage ledger (damaged, or another kind
// of file); Err is SQLite's. The command layer says how to name another path.
type NotLedgerError struct {
	Path string // absolute
	Err  error
}

func (e *NotLedgerError) Error() string {
	return fmt.Sprintf("%s is not a usage ledger (damaged, or another kind of file): move it aside, or use another path: %v", e.Path, e.Err)
}

func (e *NotLedgerError) Unwrap() error { return e.Err }
