package usage

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestErrorf(t *testing.T) {
	err := Errorf("choose another", "%s is %d bytes", "a.wav", 0)
	if err.Error() != "a.wav is 0 bytes" || err.Hint != "choose another" || err.Unwrap() != nil {
		t.Errorf("got %q, hint %q, cause %v", err.Error(), err.Hint, err.Unwrap())
	}
	// %w makes the cause one errors.Is finds; the message is the formatted one.
	err = Errorf("", "cannot read %s: %w", "a.wav", fs.ErrNotExist)
	if err.Error() != "cannot read a.wav: file does not exist" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %q, is ErrNotExist %v", err.Error(), errors.Is(err, fs.ErrNotExist))
	}
}

type typed struct{ Name string }

func (e *typed) Error() string { return e.Name + " is wrong" }

func TestWrap(t *testing.T) {
	if Wrap(nil, "hint") != nil {
		t.Error("Wrap(nil) is not nil")
	}
	err := Wrap(&typed{"x"}, "fix x")
	if err.Error() != "x is wrong" {
		t.Errorf("message %q: want the cause's", err.Error())
	}
	var tt *typed
	if !errors.As(err, &tt) || tt.Name != "x" {
		t.Error("the typed error is not found through the usage error")
	}
	ue, ok := As(fmt.Errorf("input: %w", err))
	if !ok || ue.Hint != "fix x" {
		t.Errorf("As through wrapping = %v, %v", ue, ok)
	}
	// Msg, when set, is the message whatever the cause says.
	if got := (&Error{Msg: "own", Err: &typed{"y"}}).Error(); got != "own" {
		t.Errorf("got %q", got)
	}
}

func TestAs(t *testing.T) {
	if ue, ok := As(errors.New("plain")); ok || ue != nil {
		t.Errorf("a plain error is a usage error: %v", ue)
	}
	if _, ok := As(nil); ok {
		t.Error("nil is a usage error")
	}
	// The first usage error in the chain answers.
	inner := &Error{Msg: "inner", Hint: "inner hint"}
	outer := &Error{Msg: "outer: inner", Hint: "outer hint", Err: inner}
	if ue, _ := As(errors.Join(errors.New("context"), outer)); ue != outer {
		t.Errorf("As = %v, want the outer error", ue)
	}
}
