// Package iostreams holds the process's standard streams and what they are: whether stderr is a
// terminal, whether stdout is that same terminal, the terminal's width, and the environment. It
// is decided once, by System for a real run, and passed down, so that commands never touch
// os.Stdout and tests inject streams of their own (buffers, a made-up environment).
package iostreams

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the process's standard streams and what they are.
type IOStreams struct {
	In        io.Reader
	Out       io.Writer
	Err       io.Writer
	StderrTTY bool
	// SharedTTY: standard output is the same terminal as stderr, so a progress line on stderr
	// would land in the text.
	SharedTTY bool
	// Width is the terminal's width in columns (0 when stderr is not a terminal).
	Width func() int
	// Getenv reads the environment; nil reads the process's.
	Getenv func(string) string
	// Environ lists the environment's variables as KEY=value (for the warnings about variables
	// that are no setting); nil lists the process's when Getenv is nil too, and none when only
	// Getenv was injected, so an injected environment is never mixed with the process's.
	Environ func() []string
}

// System is the process's own streams: stdin, stdout, stderr, the terminal they are on, and the
// process's environment.
func System() IOStreams {
	return IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		Err:       os.Stderr,
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		SharedTTY: sameTerminal(os.Stdout, os.Stderr),
		Width: func() int {
			w, _, err := term.GetSize(int(os.Stderr.Fd()))
			if err != nil {
				return 0
			}
			return w
		},
		Getenv:  os.Getenv,
		Environ: os.Environ,
	}
}

// Env is how the streams' environment is read: Getenv, or the process's when none was given.
func (s *IOStreams) Env() func(string) string {
	if s.Getenv != nil {
		return s.Getenv
	}
	return os.Getenv
}

// Environment is the environment's variables, as Environ says.
func (s *IOStreams) Environment() []string {
	switch {
	case s.Environ != nil:
		return s.Environ()
	case s.Getenv == nil:
		return os.Environ()
	}
	return nil
}

// sameTerminal reports whether a and b are one terminal (a shell's stdout and stderr, unless
// one is redirected).
func sameTerminal(a, b *os.File) bool {
	if !term.IsTerminal(int(a.Fd())) || !term.IsTerminal(int(b.Fd())) {
		return false
	}
	ai, aerr := a.Stat()
	bi, berr := b.Stat()
	return aerr == nil && berr == nil && os.SameFile(ai, bi)
}
