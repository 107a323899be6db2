package cmd

import (
	"time"

	"github.com/livetranslate/livetranslate/internal/progress"
)

// progressMode decides, once, how a translate run shows its progress: nothing with -q or
// --progress never; the status line on a terminal (or with --progress always); plain lines
// elsewhere (a log) and on a terminal that says it cannot redraw a line (TERM=dumb).
func (a *app) progressMode(opts *translateOptions) progress.Mode {
	switch {
	case a.quiet || opts.Progress == "never":
		return progress.Off
	case opts.Progress == "always":
		return progress.Bar
	case a.io.StderrTTY && a.getenv()("TERM") != "dumb":
		return progress.Bar
	}
	return progress.Lines
}

// startProgress opens the run's progress on stderr, nil when it shows none. While it is open the
// run's own lines on stderr (warnings, -v) go through it, so the status line never runs into
// them; end closes it and gives stderr back, before the summary is printed.
func (a *app) startProgress(opts *translateOptions) (screen *progress.Screen, end func()) {
	mode := a.progressMode(opts)
	if mode == progress.Off {
		return nil, func() {}
	}
	screen = progress.NewScreen(a.io.Err, mode, progress.Options{
		Width: a.io.Width, Shared: a.io.SharedTTY, Tick: time.Second,
	})
	stderr := a.io.Err
	a.io.Err = screen.Messages()
	return screen, func() {
		screen.Close()
		a.io.Err = stderr
	}
}
