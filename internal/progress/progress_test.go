package progress

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/livetranslate/livetranslate/internal/pipeline"
)

// terminal records what stderr ("E") and stdout ("O") write, in the order a shared terminal
// would show it.
type terminal struct {
	mu     sync.Mutex
	events []string
}

func (t *terminal) writer(tag string) writerFunc {
	return func(p []byte) (int, error) {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.events = append(t.events, tag+string(p))
		return len(p), nil
	}
}

func (t *terminal) stderr() string {
	var b strings.Builder
	for _, e := range t.events {
		if e[0] == 'E' {
			b.WriteString(e[1:])
		}
	}
	return b.String()
}

// drawings are the status lines drawn on stderr.
func drawings(stderr string) []string {
	var out []string
	for _, d := range strings.Split(stderr, "\r") {
		if d = strings.TrimSuffix(d, "\x1b[K"); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// clock is a fake time that moves when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time        { return c.t }
func (c *fakeClock) add(d time.Duration)   { c.t = c.t.Add(d) }
func newClock() *fakeClock                 { return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }
func width(n int) func() int               { return func() int { return n } }
func (c *fakeClock) options(w int) Options { return Options{Width: width(w), Now: c.now} }
func sharedOptions(c *fakeClock, w int) Options {
	o := c.options(w)
	o.Shared = true
	return o
}

func TestPlainLines(t *testing.T) {
	var b strings.Builder
	s := NewScreen(&b, Lines, Options{})
	p := s.Batch(2)
	p.Start("a.wav")
	p.Start("b\n.wav")
	p.Done("b\n.wav", "failed")
	p.Done("a.wav", "translated")
	s.Close()
	want := "livetranslate: [1/2] failed \"b\\n.wav\"\nlivetranslate: [2/2] translated a.wav\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestOffPrintsNothing(t *testing.T) {
	var b strings.Builder
	s := NewScreen(&b, Off, Options{Shared: true})
	p := s.Batch(1)
	p.Start("a.wav")
	p.Done("a.wav", "translated")
	s.Parts("b.wav").Update(pipeline.Progress{Done: 1, Known: 3})
	s.Close()
	if b.Len() != 0 {
		t.Errorf("--progress never printed %q", b.String())
	}
}

// TestFitKeepsCharacters: a status line is cut to the terminal's width between characters as
// the terminal shows them: never inside a letter and its accent, a flag, a family emoji, or a
// wide character.
func TestFitKeepsCharacters(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("é", 30), strings.Repeat("e\u0301", 30), strings.Repeat("名", 30),
		strings.Repeat("🇫🇷", 20), strings.Repeat("👩‍👩‍👧", 20), "العربية " + strings.Repeat("محاضرة", 10),
	} {
		for w := 2; w < uniseg.StringWidth(s); w++ {
			got := Fit(s, w)
			if uniseg.StringWidth(got) > w || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
				t.Fatalf("Fit(%q, %d) = %q (%d columns)", s, w, got, uniseg.StringWidth(got))
			}
			kept := strings.TrimSuffix(got, "…")
			if !strings.HasPrefix(s, kept) {
				t.Fatalf("Fit(%q, %d) = %q, not a prefix", s, w, got)
			}
			// What is kept ends where a grapheme cluster ends.
			if n := uniseg.GraphemeClusterCount(kept); n != uniseg.GraphemeClusterCount(s[:len(kept)]) ||
				uniseg.GraphemeClusterCount(s[len(kept):])+n != uniseg.GraphemeClusterCount(s) {
				t.Fatalf("Fit(%q, %d) = %q cuts a character", s, w, got)
			}
		}
	}
	if Fit("short.wav", 40) != "short.wav" {
		t.Error("a short name was changed")
	}
}

// TestBarFitsTheTerminal: every status line drawn fits the terminal's width less a column,
// whatever the names; the bar and the count are shown, and Close clears the line.
func TestBarFitsTheTerminal(t *testing.T) {
	c := newClock()
	for _, w := range []int{30, 60, 120} {
		var term terminal
		s := NewScreen(term.writer("E"), Bar, c.options(w))
		p := s.Batch(2)
		long := strings.Repeat("名", 30) + ".wav"
		p.Start(long)
		p.Start("👩‍👩‍👧 family.wav")
		c.add(3 * time.Second)
		p.Done(long, "translated")
		s.Close()
		out := term.stderr()
		if !strings.HasSuffix(out, "\r\x1b[K") {
			t.Errorf("width %d: the line is not cleared at the end: %q", w, out)
		}
		if strings.Contains(out, "livetranslate: [") {
			t.Errorf("width %d: plain lines beside the bar: %q", w, out)
		}
		ds := drawings(out)
		for _, d := range ds {
			if uniseg.StringWidth(d) > w-1 || !utf8.ValidString(d) {
				t.Errorf("width %d: %q is %d columns", w, d, uniseg.StringWidth(d))
			}
		}
		last := ds[len(ds)-1]
		if !strings.Contains(last, "(1/2)") || !strings.Contains(last, "0:03, about 0:03 left") {
			t.Errorf("width %d: last drawing %q, want (1/2) and the time left", w, last)
		}
		if w >= 60 && !strings.Contains(last, "█") {
			t.Errorf("width %d: no bar in %q", w, last)
		}
	}
}

// TestPartsTimeLeft: one input's parts done of those known, with the time left from the source
// time done so far; "+" while the input is still being cut.
func TestPartsTimeLeft(t *testing.T) {
	c := newClock()
	var term terminal
	s := NewScreen(term.writer("E"), Bar, c.options(100))
	p := s.Parts("talk.mp3")
	c.add(2 * time.Second)
	p.Update(pipeline.Progress{Known: 1, Cutting: true, TotalTime: 40 * time.Second})
	c.add(8 * time.Second)
	p.Update(pipeline.Progress{Done: 1, Known: 3, Cutting: true, DoneTime: 10 * time.Second, TotalTime: 40 * time.Second})
	p.Update(pipeline.Progress{Done: 1, Known: 4, DoneTime: 10 * time.Second, TotalTime: 40 * time.Second})
	s.Close()
	ds := drawings(term.stderr())
	want := []string{"talk.mp3  preparing  0:00", "0/1+ parts  0:02", "1/3+ parts  0:10, about 0:30 left", "1/4 parts  0:10, about 0:30 left"}
	if len(ds) != len(want) {
		t.Fatalf("drawn %q, want %d lines", ds, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(ds[i], "talk.mp3  ") || !strings.HasSuffix(ds[i], w) {
			t.Errorf("drawing %d: %q, want it to end in %q", i, ds[i], w)
		}
	}
}

// TestPartsPlainLines: off a terminal, a line for the first part answered, then at most every
// 10 s, and none for the last (the result says it).
func TestPartsPlainLines(t *testing.T) {
	c := newClock()
	var b strings.Builder
	s := NewScreen(&b, Lines, c.options(0))
	p := s.Parts("long.wav")
	p.Update(pipeline.Progress{Known: 4, TotalTime: 40 * time.Second})
	for i := 1; i <= 4; i++ {
		c.add(6 * time.Second)
		p.Update(pipeline.Progress{Done: i, Known: 4, DoneTime: time.Duration(i) * 10 * time.Second, TotalTime: 40 * time.Second})
	}
	s.Close()
	want := "livetranslate: long.wav: 1/4 parts done in 0:06, about 0:18 left\n" +
		"livetranslate: long.wav: 3/4 parts done in 0:18, about 0:06 left\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestSharedTerminal: when standard output is the same terminal, the status line is cleared
// before any text and not drawn again until the text has ended its line; so no drawing ever
// lands after text on its line.
func TestSharedTerminal(t *testing.T) {
	c := newClock()
	var term terminal
	s := NewScreen(term.writer("E"), Bar, sharedOptions(c, 80))
	stdout := s.Stdout(term.writer("O"))
	p := s.Parts("talk.mp3")
	p.Update(pipeline.Progress{Known: 2, TotalTime: 20 * time.Second})
	fmt.Fprint(stdout, "Hello")
	p.Update(pipeline.Progress{Done: 1, Known: 2, DoneTime: 10 * time.Second, TotalTime: 20 * time.Second})
	s.Messages().Write([]byte("livetranslate: warning: w\n"))
	fmt.Fprint(stdout, " world.\n")
	p.Update(pipeline.Progress{Done: 2, Known: 2, DoneTime: 20 * time.Second, TotalTime: 20 * time.Second})
	s.Close()

	mid, drawn, drawnAfterNewline := false, false, false
	for _, e := range term.events {
		tag, text := e[0], e[1:]
		switch {
		case tag == 'O' && drawn:
			t.Errorf("text %q written over a status line not cleared: %q", text, term.events)
		case tag == 'O':
			mid = !strings.HasSuffix(text, "\n")
		case text == "\r\x1b[K":
			drawn = false
		case strings.HasPrefix(text, "\r"):
			if mid {
				t.Errorf("status line %q drawn after text on its line", text)
			}
			drawn = true
			drawnAfterNewline = drawnAfterNewline || strings.Contains(text, "1/2 parts")
		}
	}
	if !drawnAfterNewline {
		t.Errorf("the status line was not drawn again once the text ended its line: %q", term.events)
	}
}

// TestSharedTerminalPlainLines: plain lines on a shared terminal (TERM=dumb) wait for the text
// to end its line.
func TestSharedTerminalPlainLines(t *testing.T) {
	var term terminal
	s := NewScreen(term.writer("E"), Lines, Options{Shared: true})
	stdout := s.Stdout(term.writer("O"))
	b := s.Batch(2)
	fmt.Fprint(stdout, "==> a.wav <==\nBonjour")
	b.Done("a.wav", "translated")
	fmt.Fprint(stdout, ".\n")
	s.Close()
	got := strings.Join(term.events, "|")
	if want := "O==> a.wav <==\nBonjour|O.\n|Elivetranslate: [1/2] translated a.wav\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestMessagesClearTheLine: a warning written while the status line is drawn clears it first
// and has it drawn again under it.
func TestMessagesClearTheLine(t *testing.T) {
	var term terminal
	s := NewScreen(term.writer("E"), Bar, newClock().options(80))
	s.Batch(3)
	s.Messages().Write([]byte("livetranslate: warning: x\n"))
	s.Close()
	out := term.stderr()
	if !strings.Contains(out, "\x1b[K\r\x1b[Klivetranslate: warning: x\n\rtranslating") {
		t.Errorf("stderr %q", out)
	}
}

// TestTick: the status line is drawn again on its own, so its clock moves while nothing happens.
func TestTick(t *testing.T) {
	var term terminal
	s := NewScreen(term.writer("E"), Bar, Options{Tick: time.Millisecond})
	s.Parts("a.wav")
	deadline := time.Now().Add(10 * time.Second)
	for {
		term.mu.Lock()
		n := len(term.events)
		term.mu.Unlock()
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the line was not redrawn")
		}
		time.Sleep(time.Millisecond)
	}
	s.Close()
	term.mu.Lock()
	n := len(term.events)
	term.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	term.mu.Lock()
	defer term.mu.Unlock()
	if len(term.events) != n {
		t.Error("drawn after Close")
	}
}
