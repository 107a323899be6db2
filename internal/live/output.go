package live

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/subtitle"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Formats of the live output.
const (
	FormatText  = "text"  // a line an utterance, as it arrives
	FormatJSONL = "jsonl" // an event a line
	FormatSRT   = "srt"   // cue by cue
	FormatVTT   = "vtt"
)

// Files are where the output of a stretch of the run goes (the whole run, or an hour of it).
type Files struct {
	Text  io.Writer // nil: no text output
	Audio AudioOut  // nil: no speech
}

// AudioOut takes the translated speech (24 kHz mono s16le) as it arrives; Sync is called after
// each utterance, where the output is complete.
type AudioOut interface {
	io.Writer
	Sync() error
}

// Dest gives the files the output of an utterance written at t goes to: the same *Files until
// they change (an hour's files follow the last hour's).
type Dest interface {
	At(t time.Time) (*Files, error)
	Close() error
}

// Writer is the Output in one of the formats.
type Writer struct {
	Format     string
	Timestamps bool // text: each line begins with the utterance's time in the source
	Source     string
	Target     string
	Dest       Dest
	// ErrorInfo describes a gap's reason in JSON (nil: the message alone).
	ErrorInfo func(error) *sink.ErrorInfo
	Now       func() time.Time

	cur     *Files
	subs    *subtitle.Writer
	enc     *json.Encoder
	open    *Utterance // the utterance being written
	started bool       // its text line is begun
	wrote   bool       // something of it reached the files
	text    strings.Builder
}

// Event is one line of --format jsonl: a piece of an utterance's text or speech as it arrived,
// an utterance translated, or a gap where one was not.
type Event struct {
	SchemaVersion  int             `json:"schema_version"`
	Type           string          `json:"type"` // text, audio, utterance, gap
	Source         string          `json:"source"`
	TargetLanguage string          `json:"target_language"`
	Utterance      int             `json:"utterance"`
	Start          float64         `json:"start"` // seconds of the source
	End            float64         `json:"end"`
	Text           *string         `json:"text,omitempty"`
	Bytes          int             `json:"bytes,omitempty"`
	FinishReason   string          `json:"finish_reason,omitempty"`
	RequestID      string          `json:"request_id,omitempty"`
	Usage          *sink.Usage     `json:"usage,omitempty"`
	Error          *sink.ErrorInfo `json:"error,omitempty"`
}

func (w *Writer) event(typ string, u *Utterance) Event {
	return Event{SchemaVersion: sink.SchemaVersion, Type: typ, Source: w.Source, TargetLanguage: w.Target,
		Utterance: u.Index + 1, Start: seconds(u.Start), End: seconds(u.End)}
}

func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// begin starts writing u's output, in the files of the moment.
func (w *Writer) begin(u *Utterance) error {
	if w.open == u {
		return nil
	}
	w.open, w.started, w.wrote = u, false, false
	w.text.Reset()
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	f, err := w.Dest.At(now())
	if err != nil {
		return err
	}
	if f != w.cur {
		if err := w.closeSubs(); err != nil {
			return err
		}
		w.cur, w.subs, w.enc = f, nil, nil
		if f.Text != nil {
			if subs, ok := subtitle.ParseFormat(w.Format); ok {
				w.subs = subtitle.NewWriter(f.Text, subs)
			} else if w.Format == FormatJSONL {
				w.enc = json.NewEncoder(f.Text)
				w.enc.SetEscapeHTML(false)
			}
		}
	}
	return nil
}

// oneLine keeps an utterance's text on its line: the line is the utterance.
var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func (w *Writer) Text(u *Utterance, s string) error {
	if err := w.begin(u); err != nil {
		return err
	}
	s = oneLine.Replace(s)
	w.text.WriteString(s)
	if w.cur.Text == nil {
		return nil
	}
	switch w.Format {
	case FormatText:
		if !w.started {
			w.started = true
			if w.Timestamps {
				s = "[" + textfmt.Clock(u.Start) + "] " + s
			}
		}
		return w.write(s)
	case FormatJSONL:
		ev := w.event("text", u)
		ev.Text = &s
		return w.encode(ev)
	}
	return nil
}

func (w *Writer) Audio(u *Utterance, pcm []byte) error {
	if err := w.begin(u); err != nil {
		return err
	}
	if w.cur.Audio != nil {
		w.wrote = true
		if _, err := w.cur.Audio.Write(pcm); err != nil {
			return err
		}
	}
	if w.Format == FormatJSONL && w.cur.Text != nil {
		ev := w.event("audio", u)
		ev.Bytes = len(pcm)
		return w.encode(ev)
	}
	return nil
}

// Reset takes back what the Writer holds of u, when nothing of it reached the files.
func (w *Writer) Reset(u *Utterance) error {
	if w.open != u {
		return nil
	}
	if w.wrote {
		return errShown
	}
	w.text.Reset()
	return nil
}

func (w *Writer) End(u *Utterance, r *translate.PartResult, gap error) error {
	if err := w.begin(u); err != nil {
		return err
	}
	defer func() { w.open = nil }()
	if w.cur.Audio != nil {
		if err := w.cur.Audio.Sync(); err != nil {
			return err
		}
	}
	if w.cur.Text == nil {
		return nil
	}
	span := textfmt.Clock(u.Start) + "–" + textfmt.Clock(u.End)
	switch w.Format {
	case FormatText:
		switch {
		case gap == nil && w.started:
			return w.write("\n")
		case gap == nil:
			return nil // nothing was said in the target language
		case w.started:
			return w.write(fmt.Sprintf(" [the rest of %s was lost: %v]\n", span, gap))
		}
		return w.write(fmt.Sprintf("[%s not translated: %v]\n", span, gap))
	case FormatJSONL:
		if gap != nil {
			ev := w.event("gap", u)
			ev.Error = w.errorInfo(gap)
			return w.encode(ev)
		}
		ev := w.event("utterance", u)
		text := w.text.String()
		ev.Text, ev.FinishReason, ev.RequestID, ev.Usage = &text, r.FinishReason, r.RequestID, sink.UsageOf(r.Usage)
		return w.encode(ev)
	}
	span2 := subtitle.Span{Start: u.Start, End: u.End}
	if gap != nil {
		return w.subs.Write(subtitle.Cue{Start: u.Start, End: u.End, Lines: []string{"[not translated]"}})
	}
	for _, c := range subtitle.Layout(w.text.String(), span2) {
		if err := w.subs.Write(c); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) errorInfo(err error) *sink.ErrorInfo {
	if w.ErrorInfo != nil {
		return w.ErrorInfo(err)
	}
	return &sink.ErrorInfo{Code: "failure", Message: err.Error(), ExitCode: 1}
}

func (w *Writer) write(s string) error {
	w.wrote = true
	if _, err := io.WriteString(w.cur.Text, s); err != nil {
		return fmt.Errorf("writing the translation: %w", err)
	}
	return nil
}

func (w *Writer) encode(ev Event) error {
	w.wrote = true
	if err := w.enc.Encode(ev); err != nil {
		return fmt.Errorf("writing an event: %w", err)
	}
	return nil
}

// closeSubs ends the subtitles of the current files (a WebVTT file without cues gets its header).
func (w *Writer) closeSubs() error {
	if w.subs == nil {
		return nil
	}
	return w.subs.Close()
}

// Close ends the output and closes its files. A run that wrote nothing still leaves a valid
// subtitle file.
func (w *Writer) Close() error {
	if subs, ok := subtitle.ParseFormat(w.Format); ok && w.cur == nil {
		if f, err := w.Dest.At(time.Now()); err == nil && f.Text != nil {
			w.cur, w.subs = f, subtitle.NewWriter(f.Text, subs)
		}
	}
	err := w.closeSubs()
	if cerr := w.Dest.Close(); err == nil {
		err = cerr
	}
	return err
}
