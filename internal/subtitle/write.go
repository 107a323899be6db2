package subtitle

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Format is a subtitle file format.
type Format int

const (
	SRT Format = iota + 1 // SubRip: numbered cues, 00:00:01,000
	VTT                   // WebVTT: a WEBVTT header, 00:00:01.000, HTML-like escapes
)

// ParseFormat reads "srt" or "vtt" (as --format gives them).
func ParseFormat(s string) (Format, bool) {
	switch strings.ToLower(s) {
	case "srt":
		return SRT, true
	case "vtt":
		return VTT, true
	}
	return 0, false
}

// Ext is the file extension of the format, with its dot.
func (f Format) Ext() string {
	if f == VTT {
		return ".vtt"
	}
	return ".srt"
}

// Timestamp formats d as the format writes cue times: hours, minutes, seconds and milliseconds,
// rounded to the nearest millisecond (00:01:02,345 for SRT, 00:01:02.345 for WebVTT).
func Timestamp(d time.Duration, f Format) string {
	ms := max(d.Round(time.Millisecond).Milliseconds(), 0)
	sep := ","
	if f == VTT {
		sep = "."
	}
	return fmt.Sprintf("%02d:%02d:%02d%s%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
}

// Writer writes cues, in the order given, as one subtitle file.
type Writer struct {
	w      io.Writer
	format Format
	n      int  // cues written
	begun  bool // the header (WebVTT) is written
}

// NewWriter returns a Writer of format f to w. Nothing is written until the first cue or Close.
func NewWriter(w io.Writer, f Format) *Writer { return &Writer{w: w, format: f} }

// Write writes one cue. Cue times must not go backwards; a cue without text is skipped, as players
// show nothing for it.
func (w *Writer) Write(c Cue) error {
	var lines []string
	for _, l := range c.Lines {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	if err := w.begin(); err != nil {
		return err
	}
	w.n++
	var b strings.Builder
	if w.format == SRT {
		fmt.Fprintf(&b, "%d\n", w.n)
	}
	fmt.Fprintf(&b, "%s --> %s\n", Timestamp(c.Start, w.format), Timestamp(c.End, w.format))
	for _, l := range lines {
		if w.format == VTT {
			l = vttEscaper.Replace(l)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	if _, err := io.WriteString(w.w, b.String()); err != nil {
		return fmt.Errorf("writing subtitles: %w", err)
	}
	return nil
}

// vttEscaper escapes what WebVTT cue text reads as markup; "-->" cannot then appear either.
var vttEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Close ends the file: a WebVTT file with no cues still gets its header, so it stays valid.
// It does not close the underlying writer.
func (w *Writer) Close() error { return w.begin() }

// Cues is how many cues were written.
func (w *Writer) Cues() int { return w.n }

func (w *Writer) begin() error {
	if w.begun {
		return nil
	}
	w.begun = true
	if w.format == VTT {
		if _, err := io.WriteString(w.w, "WEBVTT\n\n"); err != nil {
			return fmt.Errorf("writing subtitles: %w", err)
		}
	}
	return nil
}
