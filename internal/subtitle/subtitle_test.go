package subtitle

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

func sec(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func sil(start, end time.Duration) pauses.Pause { return pauses.Pause{Start: start, End: end} }

func TestTimestamp(t *testing.T) {
	for _, tc := range []struct {
		d        time.Duration
		srt, vtt string
	}{
		{0, "00:00:00,000", "00:00:00.000"},
		{sec(1), "00:00:01,000", "00:00:01.000"},
		{sec(4.5), "00:00:04,500", "00:00:04.500"},
		{sec(62.3456), "00:01:02,346", "00:01:02.346"}, // rounded, not truncated
		{sec(3599.9996), "01:00:00,000", "01:00:00.000"},
		{10*time.Hour + 2*time.Minute + 3*time.Second + 4*time.Millisecond, "10:02:03,004", "10:02:03.004"},
		{120 * time.Hour, "120:00:00,000", "120:00:00.000"},
		{-time.Second, "00:00:00,000", "00:00:00.000"},
	} {
		if got := Timestamp(tc.d, SRT); got != tc.srt {
			t.Errorf("Timestamp(%v, SRT) = %s, want %s", tc.d, got, tc.srt)
		}
		if got := Timestamp(tc.d, VTT); got != tc.vtt {
			t.Errorf("Timestamp(%v, VTT) = %s, want %s", tc.d, got, tc.vtt)
		}
	}
}

func TestWriterSRT(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b, SRT)
	for _, c := range []Cue{
		{Start: sec(1), End: sec(4.5), Lines: []string{"Hello there,", "general Kenobi."}},
		{Start: sec(4.5), End: sec(5), Lines: []string{"  "}}, // blank: skipped, not numbered
		{Start: sec(6), End: sec(7.25), Lines: []string{"a < b & c"}},
	} {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "1\n00:00:01,000 --> 00:00:04,500\nHello there,\ngeneral Kenobi.\n\n2\n00:00:06,000 --> 00:00:07,250\na < b & c\n\n"
	if b.String() != want || w.Cues() != 2 {
		t.Errorf("SRT (%d cues):\n%q\nwant\n%q", w.Cues(), b.String(), want)
	}
}

func TestWriterVTT(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b, VTT)
	if err := w.Write(Cue{Start: sec(1), End: sec(4.5), Lines: []string{"a <b> & c --> d"}}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	want := "WEBVTT\n\n00:00:01.000 --> 00:00:04.500\na &lt;b&gt; &amp; c --&gt; d\n\n"
	if b.String() != want {
		t.Errorf("VTT:\n%q\nwant\n%q", b.String(), want)
	}
	// No cues: still a valid WebVTT file; an SRT file is empty.
	var empty strings.Builder
	NewWriter(&empty, VTT).Close()
	if empty.String() != "WEBVTT\n\n" {
		t.Errorf("empty VTT %q", empty.String())
	}
	empty.Reset()
	NewWriter(&empty, SRT).Close()
	if empty.String() != "" {
		t.Errorf("empty SRT %q", empty.String())
	}
}

// checkCues asserts the layout rules: at most two lines of at most 42 columns, cues covering
// span back to back, and no word lost or reordered.
func checkCues(t *testing.T, text string, span Span, cues []Cue) {
	t.Helper()
	if len(cues) == 0 {
		t.Fatalf("no cues for %q", text)
	}
	at := span.Start
	var words []string
	for i, c := range cues {
		if c.Start != at || c.End <= c.Start {
			t.Errorf("cue %d runs %v–%v, want it to start at %v and end after", i, c.Start, c.End, at)
		}
		at = c.End
		if len(c.Lines) == 0 || len(c.Lines) > MaxLines {
			t.Errorf("cue %d has %d lines: %q", i, len(c.Lines), c.Lines)
		}
		for _, l := range c.Lines {
			if w := textWidth(l); w > MaxLineWidth {
				t.Errorf("cue %d line %q is %d columns wide", i, l, w)
			}
			words = append(words, strings.Fields(l)...)
		}
	}
	if at != span.End {
		t.Errorf("cues end at %v, the span at %v", at, span.End)
	}
	if got, want := strings.Join(words, " "), strings.Join(strings.Fields(text), " "); got != want {
		t.Errorf("the cues say\n%q\nthe text is\n%q", got, want)
	}
}

func TestLayout(t *testing.T) {
	span := Span{sec(2), sec(9)}
	t.Run("short", func(t *testing.T) {
		got := Layout("  Good morning,\n and welcome. ", span)
		want := []Cue{{Start: sec(2), End: sec(9), Lines: []string{"Good morning, and welcome."}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("two even lines", func(t *testing.T) {
		text := "Today we talk about the translation tool that reads audio."
		got := Layout(text, span)
		checkCues(t, text, span, got)
		if len(got) != 1 || len(got[0].Lines) != 2 {
			t.Fatalf("%q: want one cue of two lines, got %q", text, got)
		}
		// The break that makes the longer line shortest: 23 and 34 columns, not 35 and 22.
		if want := []string{"Today we talk about the", "translation tool that reads audio."}; !reflect.DeepEqual(got[0].Lines, want) {
			t.Errorf("lines %q, want %q", got[0].Lines, want)
		}
	})
	t.Run("several cues", func(t *testing.T) {
		text := "Hello from the livetranslate emulator. This is the English translation of 6.9 seconds of opus audio (27648 bytes, sha256 1a2b3c4d)."
		got := Layout(text, span)
		checkCues(t, text, span, got)
		if len(got) != 2 {
			t.Errorf("%d cues for %d characters, want 2: %q", len(got), len(text), got)
		}
		// Time is shared by length: the cues' durations are within a tenth of each other's share.
		for _, c := range got {
			n := 0
			for _, l := range c.Lines {
				n += len(l) + 1
			}
			share := float64(span.Duration()) * float64(n) / float64(len(text)+1)
			if d := float64(c.End - c.Start); d < share*0.9 || d > share*1.1 {
				t.Errorf("cue %q is on for %v, its share is %v", c.Lines, c.End-c.Start, time.Duration(share))
			}
		}
	})
	t.Run("chinese", func(t *testing.T) {
		text := "大家早上好，欢迎各位。今天我们来谈谈这个翻译工具，它可以读取音频和视频文件，并把它们翻译成其他语言。谢谢大家的收听。"
		got := Layout(text, span)
		if len(got) < 2 {
			t.Fatalf("want the text over several cues, got %q", got)
		}
		var all strings.Builder
		for _, c := range got {
			for _, l := range c.Lines {
				if w := textWidth(l); w > MaxLineWidth {
					t.Errorf("line %q is %d columns", l, w)
				}
				if strings.HasPrefix(l, "，") || strings.HasPrefix(l, "。") {
					t.Errorf("line %q starts with closing punctuation", l)
				}
				all.WriteString(l)
			}
		}
		if all.String() != text {
			t.Errorf("text changed:\n%s\n%s", all.String(), text)
		}
	})
	t.Run("blank", func(t *testing.T) {
		if got := Layout(" \n\t", span); got != nil {
			t.Errorf("cues for blank text: %q", got)
		}
	})
}

// TestLayoutLongWord breaks a word longer than a line where the line ends.
func TestLayoutLongWord(t *testing.T) {
	word := strings.Repeat("x", 90)
	got := Layout("see "+word+" now", Span{0, sec(3)})
	var lines []string
	for _, c := range got {
		if len(c.Lines) > MaxLines {
			t.Errorf("cue with %d lines", len(c.Lines))
		}
		lines = append(lines, c.Lines...)
	}
	joined := strings.ReplaceAll(strings.Join(lines, ""), " ", "")
	if joined != "see"+word+"now" {
		t.Errorf("lines %q lost characters", lines)
	}
	for _, l := range lines {
		if len(l) > MaxLineWidth {
			t.Errorf("line %q is %d long", l, len(l))
		}
	}
}

func spans(ps []Piece) (speech, send []Span) {
	for _, p := range ps {
		speech, send = append(speech, p.Speech), append(send, p.Send)
	}
	return
}

func TestPieces(t *testing.T) {
	// speech.wav of the end-to-end tests: four sentences, nil, pauses of 0.3-0.66 s.
	wav := []pauses.Pause{sil(sec(1.378), sec(2.015)), sil(sec(4.032), sec(4.668)), sil(sec(6.488), sec(7.145)), sil(sec(8.195), sec(8.4976))}
	for _, tc := range []struct {
		name          string
		silences      []pauses.Pause
		total, max    time.Duration
		speech, sends []Span
	}{
		{"sentences joined, divided at the pause that splits them most evenly", wav, sec(8.4976), sec(7),
			[]Span{{0, sec(4.032)}, {sec(4.668), sec(8.195)}},
			[]Span{{0, sec(4.35)}, {sec(4.35), sec(8.4976)}}},
		{"a clearly longer pause wins over an even split", []pauses.Pause{sil(sec(2), sec(3.5)), sil(sec(4), sec(4.3)), sil(sec(9), sec(10))}, sec(10), sec(7),
			[]Span{{0, sec(2)}, {sec(3.5), sec(9)}},
			[]Span{{0, sec(2.75)}, {sec(2.75), sec(10)}}},
		{"one sentence each", wav, sec(8.4976), sec(3),
			[]Span{{0, sec(1.378)}, {sec(2.015), sec(4.032)}, {sec(4.668), sec(6.488)}, {sec(7.145), sec(8.195)}},
			[]Span{{0, sec(1.6965)}, {sec(1.6965), sec(4.35)}, {sec(4.35), sec(6.8165)}, {sec(6.8165), sec(8.4976)}}},
		{"a long pause is not joined, and only its edges are sent", []pauses.Pause{sil(0, sec(3)), sil(sec(5), sec(8)), sil(sec(9), sec(20))}, sec(20), sec(7),
			[]Span{{sec(3), sec(5)}, {sec(8), sec(9)}},
			[]Span{{sec(2.5), sec(5.5)}, {sec(7.5), sec(9.5)}}},
		{"speech without a pause is cut evenly", nil, sec(20), sec(7),
			[]Span{{0, sec(20.0 / 3)}, {sec(20.0 / 3), sec(40.0 / 3)}, {sec(40.0 / 3), sec(20)}},
			[]Span{{0, sec(20.0 / 3)}, {sec(20.0 / 3), sec(40.0 / 3)}, {sec(40.0 / 3), sec(20)}}},
		{"clicks are not speech", []pauses.Pause{sil(0, sec(4)), sil(sec(4.05), sec(10))}, sec(10), sec(7), nil, nil},
		{"silence only", []pauses.Pause{sil(0, sec(10))}, sec(10), sec(7), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			speech, send := spans(Pieces(tc.silences, nil, tc.total, tc.max))
			if !closeSpans(speech, tc.speech) || !closeSpans(send, tc.sends) {
				t.Errorf("speech %v\nwant   %v\nsend   %v\nwant   %v", speech, tc.speech, send, tc.sends)
			}
			for i, s := range speech {
				if s.Duration() > tc.max {
					t.Errorf("piece %d is %v long, over %v", i, s.Duration(), tc.max)
				}
			}
		})
	}
}

func closeSpans(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i].Start-b[i].Start).Abs() > time.Millisecond || (a[i].End-b[i].End).Abs() > time.Millisecond {
			return false
		}
	}
	return true
}

func ExampleLayout() {
	for _, c := range Layout("Hello from the livetranslate emulator. This is the English translation of 6.9 seconds of opus audio.", Span{sec(1), sec(7.9)}) {
		fmt.Printf("%s --> %s\n%s\n", Timestamp(c.Start, SRT), Timestamp(c.End, SRT), strings.Join(c.Lines, "\n"))
	}
	// Output:
	// 00:00:01,000 --> 00:00:04,450
	// Hello from the livetranslate
	// emulator. This is the
	// 00:00:04,450 --> 00:00:07,900
	// English translation of
	// 6.9 seconds of opus audio.
}

// TestPiecesAtQuiet: speech that never pauses is cut at its quietest moment near each even point,
// never making a part longer than the limit; without levels, at the even points.
func TestPiecesAtQuiet(t *testing.T) {
	quiet := func(at time.Duration) func(from, to time.Duration) (time.Duration, bool) {
		return func(from, to time.Duration) (time.Duration, bool) {
			return min(max(at, from), to), true
		}
	}
	speech := []pauses.Pause{sil(0, sec(1)), sil(sec(13), sec(14))} // 12 s of speech, limit 7 s: two parts
	if got := Pieces(speech, nil, sec(14), sec(7)); len(got) != 2 || got[0].Speech != (Span{sec(1), sec(7)}) {
		t.Errorf("without levels: %v, want the cut at the even point, 7 s", got)
	}
	if got := PiecesAtQuiet(speech, nil, quiet(sec(6.2)), sec(14), sec(7)); len(got) != 2 || got[0].Speech != (Span{sec(1), sec(6.2)}) {
		t.Errorf("quiet at 6.2 s: %v, want the cut there", got)
	}
	// A quiet moment far from the even point is out of reach (a sixth of a part: 1 s), and one
	// that would leave more than the limit after it is too.
	if got := PiecesAtQuiet(speech, nil, quiet(sec(3)), sec(14), sec(7)); len(got) != 2 || got[0].Speech.End != sec(6) {
		t.Errorf("quiet at 3 s: %v, want the cut at the edge of reach, 6 s", got)
	}
	for _, p := range PiecesAtQuiet(speech, nil, quiet(sec(5)), sec(14), sec(7)) {
		if p.Speech.Duration() > sec(7) {
			t.Errorf("part %v over the 7 s limit", p.Speech)
		}
	}
}

// Pieces is PiecesAtQuiet without the quietest moments: speech without a pause or a gap is cut
// into equal parts.
func Pieces(silences, gaps []pauses.Pause, total, longest time.Duration) []Piece {
	return PiecesAtQuiet(silences, gaps, nil, total, longest)
}
