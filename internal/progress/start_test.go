package progress

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/iostreams"
)

func TestChoose(t *testing.T) {
	for _, tt := range []struct {
		quiet  bool
		choice string
		tty    bool
		term   string
		want   Mode
	}{
		{false, "auto", true, "xterm", Bar},
		{false, "auto", true, "", Bar},
		{false, "auto", true, "dumb", Lines}, // a terminal that cannot redraw a line
		{false, "auto", false, "xterm", Lines},
		{false, "always", false, "dumb", Bar},
		{false, "never", true, "xterm", Off},
		{true, "auto", true, "xterm", Off},
		{true, "always", true, "xterm", Off},
	} {
		if got := Choose(tt.quiet, tt.choice, tt.tty, tt.term); got != tt.want {
			t.Errorf("Choose(quiet %v, %q, tty %v, TERM %q) = %v, want %v", tt.quiet, tt.choice, tt.tty, tt.term, got, tt.want)
		}
	}
}

// While progress is open, lines written to the streams' stderr go through it (the status line is
// cleared before them); end gives stderr back.
func TestStart(t *testing.T) {
	var stderr bytes.Buffer
	s := &iostreams.IOStreams{Err: &stderr, StderrTTY: true, Width: width(60),
		Getenv: func(k string) string { return map[string]string{"TERM": "xterm"}[k] }}
	screen, end := Start(s, false, "auto")
	if screen == nil {
		t.Fatal("Start on a terminal gave no screen")
	}
	screen.Batch(2).Start("a.wav")
	fmt.Fprintln(s.Err, "livetranslate: warning: w")
	end()
	if s.Err != &stderr {
		t.Error("end did not give stderr back")
	}
	out := stderr.String()
	if !strings.Contains(out, "\r\x1b[Klivetranslate: warning: w\n") {
		t.Errorf("the warning did not clear the status line: %q", out)
	}
	if !strings.Contains(out, "\rtranslating a.wav  ") {
		t.Errorf("no status line drawn: %q", out)
	}

	// TERM is read from the streams' environment: a dumb terminal gets plain lines.
	stderr.Reset()
	s.Getenv = func(k string) string { return map[string]string{"TERM": "dumb"}[k] }
	screen, end = Start(s, false, "auto")
	screen.Batch(1).Done("a.wav", "translated")
	end()
	if out := stderr.String(); out != "livetranslate: [1/1] translated a.wav\n" {
		t.Errorf("TERM=dumb: stderr %q, want one plain line", out)
	}

	quiet := &iostreams.IOStreams{Err: &stderr}
	screen, end = Start(quiet, true, "always")
	end()
	if screen != nil || quiet.Err != &stderr {
		t.Errorf("Start when quiet: screen %v, stderr %v; want none and stderr untouched", screen, quiet.Err)
	}
}
