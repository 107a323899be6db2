package sink

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/subtitle"
)

// Output is a writer of one input's results: a pipeline.Sink, and how its output ends.
type Output interface {
	pipeline.Sink
	// Finish ends the output of a translated input with what only the end knows.
	Finish(tr *pipeline.Result) error
}

// Formats of the text.
const (
	FormatText  = "text"
	FormatJSON  = "json"  // one document at the end
	FormatJSONL = "jsonl" // one event a line
	FormatNone  = "none"  // nothing: a batch's document is written by its caller
)

// New is the writer of one input's text to w: subtitles timed to each piece (subs set), each
// piece's text a line of its own (timed output in the other formats), or the text as it arrives.
// t is the text writer of the formats that have one (nil for subtitles): it also words a failure.
func New(w io.Writer, subs subtitle.Format, timed bool, format, input, target string) (out Output, t *Text) {
	if subs != 0 {
		return &Subtitles{w: subtitle.NewWriter(w, subs)}, nil
	}
	t = NewText(w, format, input, target)
	if timed {
		return &Lines{t: t, format: format}, t
	}
	return t, t
}

// Text writes one input's output in the chosen format: text as it arrives (a newline at the
// end), JSON Lines events as they happen, or one JSON object at the end.
type Text struct {
	out         io.Writer
	format      string
	input       string // named in events
	target      string // the target language's code, in events
	lastNewline bool
	wrote       bool
	enc         *json.Encoder
}

// NewText writes to out in format for the input, into the target language.
func NewText(out io.Writer, format, input, target string) *Text {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false) // text as it is, as in the JSON document
	return &Text{out: out, format: format, input: input, target: target, lastNewline: true, enc: enc}
}

// Text writes text as it arrives: as it is, or as a text event.
func (w *Text) Text(t string) error {
	switch w.format {
	case FormatText:
		if _, err := io.WriteString(w.out, t); err != nil {
			return fmt.Errorf("writing text: %w", err)
		}
		w.wrote, w.lastNewline = true, strings.HasSuffix(t, "\n")
	case FormatJSONL:
		ev := NewEvent("text", w.input, w.target)
		ev.Text = &t
		if err := w.enc.Encode(ev); err != nil {
			return fmt.Errorf("writing event: %w", err)
		}
	}
	return nil
}

// End marks the end of a segment's text, which the joined text does not show.
func (w *Text) End(pipeline.Part) error { return nil }

// Audio is audio, with an audio event for each write in JSON Lines.
func (w *Text) Audio(audio io.Writer) io.Writer {
	if w.format != FormatJSONL {
		return audio
	}
	return writerFunc(func(b []byte) (int, error) {
		if _, err := audio.Write(b); err != nil {
			return 0, err
		}
		ev := NewEvent("audio", w.input, w.target)
		ev.Bytes = len(b)
		if err := w.enc.Encode(ev); err != nil {
			return 0, fmt.Errorf("writing event: %w", err)
		}
		return len(b), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Forget forgets what was written, for a retry from the start.
func (w *Text) Forget() { w.wrote, w.lastNewline = false, true }

// Finish ends the output: the newline after text, the JSON object, or the done event.
func (w *Text) Finish(tr *pipeline.Result) error {
	switch w.format {
	case FormatText:
		return w.endLine()
	case FormatJSON:
		r := ResultOf(tr)
		r.SchemaVersion = SchemaVersion
		return prettyjson.Write(w.out, r)
	case FormatJSONL:
		r := ResultOf(tr)
		ev := NewEvent("done", w.input, w.target)
		ev.Result = &r
		if err := w.enc.Encode(ev); err != nil {
			return fmt.Errorf("writing event: %w", err)
		}
	}
	return nil
}

// Fail ends the output of an input that failed: the JSON document or event saying why, so that
// a script reading stdout sees every input (text has nothing to add to the error on stderr).
func (w *Text) Fail(r Result) error {
	switch w.format {
	case FormatText:
		return w.endLine()
	case FormatJSON:
		r.SchemaVersion = SchemaVersion
		return prettyjson.Write(w.out, r)
	case FormatJSONL:
		ev := NewEvent("error", w.input, w.target)
		ev.Error = r.Error
		if err := w.enc.Encode(ev); err != nil {
			return fmt.Errorf("writing event: %w", err)
		}
	}
	return nil
}

// endLine ends text that did not end its last line.
func (w *Text) endLine() error {
	if w.wrote && !w.lastNewline {
		w.lastNewline = true
		if _, err := io.WriteString(w.out, "\n"); err != nil {
			return fmt.Errorf("writing text: %w", err)
		}
	}
	return nil
}

// Subtitles lays each piece's text out as cues over the time its speech is heard.
type Subtitles struct {
	w    *subtitle.Writer
	text strings.Builder
}

// Text takes the piece's text, which arrives whole.
func (t *Subtitles) Text(s string) error { t.text.WriteString(s); return nil }

// End lays the piece's text out as cues.
func (t *Subtitles) End(p pipeline.Part) error {
	text := strings.TrimSpace(t.text.String())
	t.text.Reset()
	if text == "" {
		return nil // the service may hear nothing in a piece
	}
	for _, c := range subtitle.Layout(text, p.Piece.Speech) {
		if err := t.w.Write(c); err != nil {
			return err
		}
	}
	return nil
}

// Finish ends the subtitle file.
func (t *Subtitles) Finish(*pipeline.Result) error { return t.w.Close() }

// Lines writes each piece's text as its format does: a line a piece in text, an event in JSON
// Lines, in the document for JSON.
type Lines struct {
	t      *Text
	format string
	text   strings.Builder
}

// Text takes the piece's text, which arrives whole.
func (l *Lines) Text(s string) error { l.text.WriteString(s); return nil }

// End writes the piece's text.
func (l *Lines) End(pipeline.Part) error {
	text := strings.TrimSpace(l.text.String())
	l.text.Reset()
	if text == "" {
		return nil
	}
	if l.format == FormatText {
		text += "\n"
	}
	return l.t.Text(text)
}

// Finish ends the output as the text writer does.
func (l *Lines) Finish(tr *pipeline.Result) error { return l.t.Finish(tr) }

// Resettable is an Output whose output can be taken back, with reset.
type Resettable struct {
	Output
	reset func() error
}

// WithReset is out, taken back by reset.
func WithReset(out Output, reset func() error) Resettable { return Resettable{out, reset} }

// Reset takes back what was written.
func (r Resettable) Reset() error { return r.reset() }
