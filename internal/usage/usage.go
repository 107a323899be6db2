// Package usage holds the one error type for the user's mistakes: a bad flag, argument or input
// that the run cannot take as asked. The CLI exits with 2 for it and prints its message as the
// error line and its hint, if any, as the line under it.
//
// Internal packages return a *Error (or wrap one) in their domain's words; they do not name CLI
// flags. An error type that carries data callers inspect (lang.UnknownError, split.TooLargeError)
// stays its own type and is returned inside a *Error by Wrap, so errors.As finds both.
package usage

import (
	"errors"
	"fmt"
)

// Error is a usage error: Msg is the one-line message, Hint the optional line under it saying
// what to do, Err the underlying cause, if any.
type Error struct {
	Msg  string
	Hint string
	Err  error
}

// Error returns Msg, or the cause's message when Msg is empty.
func (e *Error) Error() string {
	if e.Msg == "" && e.Err != nil {
		return e.Err.Error()
	}
	return e.Msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a usage error with the formatted message and the hint ("" for none). A %w verb
// in format makes the wrapped error its cause.
func Errorf(hint, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Msg: err.Error(), Hint: hint, Err: errors.Unwrap(err)}
}

// Wrap marks err as a usage error with its own message and the hint ("" for none); a nil err
// stays nil.
func Wrap(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &Error{Hint: hint, Err: err}
}

// As returns the first usage error in err's chain: whether err is the user's to fix, and its hint.
func As(err error) (*Error, bool) {
	var ue *Error
	if errors.As(err, &ue) {
		return ue, true
	}
	return nil, false
}
