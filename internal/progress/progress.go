// Package progress shows how a run is going on stderr. On a terminal it is one status line
// redrawn in place: a bar over a batch's inputs, or one input's parts with the time left, so a
// long input does not sit silent until its first text. Elsewhere (a log, TERM=dumb) it is plain
// lines, one an event, so logs stay readable. The status line never runs into other text: it is
// cleared before any line is written to stderr (a warning) and drawn again under it, and when
// standard output is the same terminal it is cleared before the text and drawn again only once
// the text has ended its line. It is cut to the terminal's width between characters as the
// terminal shows them (grapheme clusters, their display width), never inside one.
package progress

import (
	"io"
	"strings"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/rivo/uniseg"
)

// Mode is how progress is shown.
type Mode int

const (
	Off   Mode = iota // nothing
	Lines             // a plain line an event
	Bar               // one status line redrawn in place
)

// Options are what the Screen knows of the terminal.
type Options struct {
	// Width is the terminal's width in columns, asked before each drawing (a window may be
	// resized); nil or 0: 80.
	Width func() int
	// Shared says that standard output is the same terminal (its writer is then Screen.Stdout).
	Shared bool
	// Tick redraws the status line this often, so its clock moves while nothing happens; 0: only
	// when something happens.
	Tick time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Screen is stderr as progress shares it with the run's other output. Its methods and those of
// its reporters may be called from several goroutines.
type Screen struct {
	mu      sync.Mutex
	mode    Mode
	w       io.Writer // stderr
	opts    Options
	status  func(now time.Time) string // the reporter's status line; nil: none yet
	drawn   bool                       // the status line is on the screen
	midLine bool                       // standard output (shared) has not ended its line
	held    []string                   // plain lines waiting for standard output to end its line
	closed  bool
	stop    chan struct{}
	stopped sync.WaitGroup
}

// NewScreen shows progress on w (stderr) in mode; Close ends it.
func NewScreen(w io.Writer, mode Mode, opts Options) *Screen {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Screen{mode: mode, w: w, opts: opts, stop: make(chan struct{})}
	if mode == Bar && opts.Tick > 0 {
		s.stopped.Add(1)
		go s.tick()
	}
	return s
}

func (s *Screen) tick() {
	defer s.stopped.Done()
	t := time.NewTicker(s.opts.Tick)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.mu.Lock()
			s.draw()
			s.mu.Unlock()
		}
	}
}

// Close clears the status line and stops drawing it; plain lines still held are dropped.
func (s *Screen) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.clear()
	s.closed, s.held = true, nil
	close(s.stop)
	s.mu.Unlock()
	s.stopped.Wait()
}

// width is the room for the status line: the terminal's width less one column, so that the
// line never reaches the last column (some terminals wrap there).
func (s *Screen) width() int {
	w := 0
	if s.opts.Width != nil {
		w = s.opts.Width()
	}
	if w <= 0 {
		w = 80
	}
	return max(w-1, 10)
}

// draw writes the status line over the current one; the caller holds mu.
func (s *Screen) draw() {
	if s.mode != Bar || s.closed || s.status == nil || s.midLine {
		return
	}
	io.WriteString(s.w, "\r"+Fit(s.status(s.opts.Now()), s.width())+"\x1b[K")
	s.drawn = true
}

// clear takes the status line off the screen; the caller holds mu.
func (s *Screen) clear() {
	if s.drawn {
		io.WriteString(s.w, "\r\x1b[K")
		s.drawn = false
	}
}

// line prints one plain line (Lines mode), or holds it until standard output ends its line.
func (s *Screen) line(l string) {
	if s.mode != Lines || s.closed {
		return
	}
	if s.midLine {
		s.held = append(s.held, l)
		return
	}
	io.WriteString(s.w, l+"\n")
}

// release notes whether what was just written left standard output at the start of a line, and
// if so brings back the status line, or prints the plain lines held; the caller holds mu.
func (s *Screen) release(p []byte) {
	if len(p) == 0 {
		return
	}
	s.midLine = p[len(p)-1] != '\n'
	if s.midLine {
		return
	}
	for _, l := range s.held {
		io.WriteString(s.w, l+"\n")
	}
	s.held = nil
	s.draw()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Stdout wraps the writer of standard output when it is the same terminal as stderr
// (Options.Shared): the status line is cleared before text is written, and drawn again only when
// the text has ended its line, so it never lands in the middle of a sentence. Without Shared it
// returns w as it is.
func (s *Screen) Stdout(w io.Writer) io.Writer {
	if !s.opts.Shared || s.mode == Off {
		return w
	}
	return writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.clear()
		n, err := w.Write(p)
		s.release(p[:n])
		return n, err
	})
}

// Messages is stderr for the run's own lines (warnings, -v): the status line is cleared before
// each and drawn again under it.
func (s *Screen) Messages() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.clear()
		n, err := s.w.Write(p)
		if n > 0 && p[n-1] == '\n' {
			s.draw()
		}
		return n, err
	})
}

// Fit cuts s to at most width columns of a terminal, "…" included, between grapheme clusters
// (an accent stays on its letter, a flag or a family emoji whole, a wide character is never
// halved).
func Fit(s string, width int) string {
	if uniseg.StringWidth(s) <= width {
		return s
	}
	var b strings.Builder
	used, state := 0, -1
	rest := s
	for rest != "" {
		var c string
		var w int
		c, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+w > width-1 {
			break
		}
		b.WriteString(c)
		used += w
	}
	return b.String() + "…"
}

// barText is a bar of width cells, filled to fraction f.
func barText(f float64, width int) string {
	full := int(f*float64(width) + 0.5)
	full = min(max(full, 0), width)
	return strings.Repeat("█", full) + strings.Repeat("░", width-full)
}

// timeText is the time spent, and the time left when a share f of the work is done in it.
func timeText(elapsed time.Duration, f float64) string {
	if f <= 0 || f >= 1 {
		return textfmt.Clock(elapsed)
	}
	left := time.Duration(float64(elapsed) * (1 - f) / f)
	return textfmt.Clock(elapsed) + ", about " + textfmt.Clock(left) + " left"
}

// lineOf lays out a status line in width columns: what it is about (cut first when the line is
// too long, left out when there is no room for a few columns of it), a bar filled to f when there
// is room for one (none for f < 0), and the figures.
func lineOf(about string, f float64, figures string, width int) string {
	const barMax, barMin, aboutMin = 20, 8, 12
	room := width - uniseg.StringWidth(figures) - 2
	if room < aboutMin {
		return Fit(figures, width)
	}
	bar := ""
	if f >= 0 && room-barMin-2 >= aboutMin {
		n := min(barMax, room-aboutMin-2)
		bar = barText(f, n) + "  "
		room -= n + 2
	}
	return Fit(about, room) + "  " + bar + figures
}
