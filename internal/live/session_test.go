package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// session is a Session of kind's source that records what it says, priced in CNY.
func session(kind SourceKind, quiet bool) (*Session, *[]string) {
	var said []string
	say := func(prefix string) func(string, ...any) {
		return func(format string, args ...any) { said = append(said, prefix+fmt.Sprintf(format, args...)) }
	}
	s := &Session{
		Settings: Settings{Source: Source{Name: "src", Kind: kind}},
		Model:    "m",
		Estimate: func(model, _ string, u *api.Usage) (float64, string, bool) {
			return float64(u.TotalTokens) / 1000, "CNY", model == "m"
		},
		Report:   Report{Warn: say("warn: "), Info: say("info: "), Note: say("note: ")},
		Summary:  func(line string) { said = append(said, "summary: "+line) },
		ExitWarn: say("exit warn: "),
		Quiet:    quiet,
	}
	return s, &said
}

// How a run ended decides its outcome, and what is said about it: the summary (left out when
// quiet and nothing went wrong), no speech heard, translations cut short.
func TestSessionEnd(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	failed := errors.New("the key was refused")
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		quiet   bool
		sum     Summary
		err     error
		want    Outcome
		wantErr error
		said    []string // prefixes of what is said, in order
	}{
		{name: "all translated", sum: Summary{Utterances: 2, Translated: 2, Audio: time.Minute},
			want: Done, said: []string{"summary: 2 of 2 utterances translated"}},
		{name: "quiet, all translated", quiet: true, sum: Summary{Utterances: 2, Translated: 2, Audio: time.Minute},
			want: Done},
		{name: "quiet, one dropped", quiet: true, sum: Summary{Utterances: 2, Translated: 1, Dropped: 1, Audio: time.Minute},
			want: Partial, said: []string{"summary: 1 of 2 utterances translated (1 dropped)"}},
		{name: "cap reached", sum: Summary{Utterances: 3, Translated: 2, NotSent: 1, CapReached: true, Audio: time.Minute},
			want: Partial, said: []string{"summary: 2 of 3 utterances translated (1 not sent)"}},
		{name: "cut short", sum: Summary{Utterances: 2, Translated: 2, Truncated: 2, Audio: time.Minute},
			want: Truncated, said: []string{"summary: ", "exit warn: 2 translations were cut short"}},
		{name: "interrupted", ctx: cancelled, sum: Summary{Utterances: 1, Translated: 1, Truncated: 1, Audio: time.Minute},
			want: Interrupted, said: []string{"summary: ", "exit warn: 1 translation was cut short"}},
		{name: "no speech", sum: Summary{Audio: 5 * time.Second},
			want: Done, said: []string{"summary: 0 of 0 utterances", "warn: no speech heard in 0:05 of src"}},
		{name: "no speech in a moment", sum: Summary{Audio: 2 * time.Second},
			want: Done, said: []string{"summary: "}},
		{name: "failed, after playing", sum: Summary{Utterances: 1, Failed: 1, Audio: time.Minute}, err: failed,
			wantErr: failed, said: []string{"summary: 0 of 1 utterance translated (1 failed)"}},
		{name: "failed before playing", err: failed, wantErr: failed},
		{name: "output failed", sum: Summary{Utterances: 1, Audio: time.Minute}, err: &OutputError{Err: failed}, wantErr: failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, said := session(Device, tc.quiet)
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got, err := s.end(ctx, &tc.sum, tc.err, time.Minute)
			if got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Errorf("outcome %d, %v; want %d, %v", got, err, tc.want, tc.wantErr)
			}
			if len(*said) != len(tc.said) {
				t.Fatalf("said %q, want %q", *said, tc.said)
			}
			for i, p := range tc.said {
				if !strings.HasPrefix((*said)[i], p) {
					t.Errorf("said %q, want %q first", (*said)[i], p)
				}
			}
		})
	}
}

// Standard input that ffmpeg could not read, with no format given, is raw audio most likely: the
// error says so (a RawInputError, a usage error), and nothing is summed up. With a format given,
// or from another source, the error is as it came.
func TestSessionEndRawInput(t *testing.T) {
	unread := usage.Wrap(errors.New("reading -: not audio"), "")
	s, said := session(Stdin, false)
	_, err := s.end(context.Background(), &Summary{}, unread, time.Second)
	var raw *RawInputError
	if !errors.As(err, &raw) || !errors.Is(err, unread) || len(*said) != 0 {
		t.Errorf("got %v, said %q", err, *said)
	}
	s.FormatGiven = true
	if _, err := s.end(context.Background(), &Summary{}, unread, time.Second); errors.As(err, &raw) || err != unread {
		t.Errorf("format given: got %v", err)
	}
}

// The cap is an amount in the price table's currency: the model must be priced, and a cap in
// another currency is refused.
func TestSessionCap(t *testing.T) {
	s, _ := session(Device, false)
	if got, err := s.capAmount(); got != nil || err != nil {
		t.Errorf("no cap: %v, %v", got, err)
	}
	s.Cap = &dryrun.Cap{Amount: 0.5, Currency: "cny"}
	if got, err := s.capAmount(); err != nil || got == nil || *got != 0.5 {
		t.Errorf("a cap in the table's currency: %v, %v", got, err)
	}
	var ce *CapError
	s.Cap = &dryrun.Cap{Amount: 2, Currency: "USD"}
	if _, err := s.capAmount(); !errors.As(err, &ce) || ce.Currency != "CNY" || err.Error() != "cost cap 2 USD: the price table is in CNY" {
		t.Errorf("a cap in another currency: %v", err)
	}
	s.Model = "unpriced"
	if _, err := s.capAmount(); !errors.As(err, &ce) || ce.Reason() != "the price table has no price for unpriced" {
		t.Errorf("an unpriced model: %v", err)
	}
	// Run refuses it before the output is opened.
	s.Dest = Destination{Output: filepath.Join(t.TempDir(), "out.txt"), Format: FormatText}
	if sum, _, err := s.Run(context.Background()); !errors.As(err, &ce) || sum != nil {
		t.Errorf("Run with an unpriced model: %v", err)
	}
	if _, err := os.Stat(s.Dest.Output); err == nil {
		t.Error("the output was created before the cap was refused")
	}
}

// An output that is the source file (also through a link), or the other output, is refused,
// named as given; a device, a stream or standard input has no file to destroy.
func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "talk.wav")
	if err := os.WriteFile(src, []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.wav")
	if err := os.Link(src, link); err != nil {
		t.Fatal(err)
	}
	file := Source{Name: src, Kind: File}
	text := func(p string) results.Output { return results.Output{Name: "text", Path: p} }
	audio := func(p string) results.Output { return results.Output{Name: "audio", Path: p} }
	out := filepath.Join(dir, "out.txt")
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src         Source
		text, audio string
		want        string
	}{
		{file, out, "", ""},
		{file, link, "", "text " + link + " is the source: writing it would destroy it"},
		{file, "-", src, "audio " + src + " is the source: writing it would destroy it"},
		{Source{Name: "pulse:default", Kind: Device}, "pulse:default", "", ""},
		{file, out, out, "text and audio name the same file, " + out},
		{file, "-", "-", ""},
		{file, os.DevNull, os.DevNull, ""},                               // a character device takes both, as translate's outputs
		{file, fifo, fifo, "text and audio name the same file, " + fifo}, // text and WAV interleaved
	} {
		err := CheckOutputs(tc.src, text(tc.text), audio(tc.audio))
		if _, usageErr := usage.As(err); tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want || !usageErr) {
			t.Errorf("%s, %s: got %v, want %q", tc.text, tc.audio, err, tc.want)
		}
	}
}
