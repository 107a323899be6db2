package progress

import (
	"time"

	"github.com/livetranslate/livetranslate/internal/iostreams"
)

// Choose decides, once, how a run shows its progress, from choice ("auto", "always" or "never",
// as the user asked) and the terminal: nothing when quiet or asked for none; the status line on
// a terminal, or when asked for it; plain lines elsewhere (a log) and on a terminal that says it
// cannot redraw a line (term "dumb").
func Choose(quiet bool, choice string, stderrTTY bool, term string) Mode {
	switch {
	case quiet || choice == "never":
		return Off
	case choice == "always":
		return Bar
	case stderrTTY && term != "dumb":
		return Bar
	}
	return Lines
}

// Start opens a run's progress on s's stderr, as Choose decides from s, nil when it shows none.
// While it is open the run's own lines on stderr (warnings, -v) go through it, so the status
// line never runs into them: s.Err is the screen's until end, which closes it and gives stderr
// back, before the summary is printed.
func Start(s *iostreams.IOStreams, quiet bool, choice string) (screen *Screen, end func()) {
	mode := Choose(quiet, choice, s.StderrTTY, s.Env()("TERM"))
	if mode == Off {
		return nil, func() {}
	}
	stderr := s.Err
	screen = NewScreen(stderr, mode, Options{Width: s.Width, Shared: s.SharedTTY, Tick: time.Second})
	s.Err = screen.Messages()
	return screen, func() {
		screen.Close()
		s.Err = stderr
	}
}
