// Package job translates one input of a run end to end: it resolves the input (a file, a URL,
// standard input), decides how it is sent (whole, re-encoded, or split at silences; for timed
// output, cut at its pauses into pieces of speech), runs the requests with the usage ledger wired
// in, places timed text and speech at their source times (subtitles, aligned speech, a dubbed
// video), and returns the input's result record. It prints nothing: output goes to the caller's
// sinks and writers, decisions and warnings to its callbacks.
package job

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Settings are what the run decided for all its inputs.
type Settings struct {
	// Request is what every request asks for; its Voice only for inputs with speech.
	Request     translate.Settings
	InputFormat string    // overrides detection ("" = detect)
	Stdin       io.Reader // read for the input "-"
	Split       split.Mode
	Segment     time.Duration // the longest segment when splitting (0 = as long as the caps allow)
	InlineLimit int64         // the largest data URI sent inline (0 = no limit)
	// Timed is subtitles, a dub or aligned speech: the input is cut into pieces of speech of at
	// most CueMax, each placed at its source time.
	Timed  bool
	CueMax time.Duration
	Align  bool    // speech laid along the source's timeline, silence between
	DubMix float64 // the original sound's volume under a dub (0 = replaced)
	// Pauses tune the speech/pause finder (--pause-threshold, --min-pause).
	Pauses pauses.Options
}

// Translator translates the inputs of one run; it may translate several at once.
type Translator struct {
	Settings Settings
	Runner   *translate.Runner
	Recorder Recorder // nil: requests are not recorded
	// Estimate prices an input's usage, as the ledger prices its rows; nil or !ok: no estimate.
	Estimate func(model, kind string, usage *api.Usage) (cost float64, currency string, ok bool)
	// Info reports a decision or a fact (printed with -v); Warn a warning. Either may be nil.
	Info, Warn func(format string, args ...any)
}

func (t *Translator) info(format string, args ...any) {
	if t.Info != nil {
		t.Info(format, args...)
	}
}

func (t *Translator) warn(format string, args ...any) {
	if t.Warn != nil {
		t.Warn(format, args...)
	}
}

// Translation is the outcome of one input, as --format json prints it.
type Translation struct {
	Input          string     `json:"input"`
	Kind           string     `json:"kind"`
	InputFormat    string     `json:"input_format"`
	Model          string     `json:"model"`
	SourceLanguage *string    `json:"source_language"`
	TargetLanguage string     `json:"target_language"`
	Text           string     `json:"text"`
	FinishReason   string     `json:"finish_reason"`
	Usage          *api.Usage `json:"usage"`
	// EstimatedCost prices Usage with the price table (configs/pricing.yaml, or the config file's).
	EstimatedCost  *float64 `json:"estimated_cost,omitempty"`
	Currency       string   `json:"currency,omitempty"`
	RequestID      string   `json:"request_id"`
	ID             string   `json:"id"`
	AudioFile      *string  `json:"audio_file"`
	AudioSeconds   *float64 `json:"audio_seconds,omitempty"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
	// DubFile is the dubbed video (--dub).
	DubFile *string `json:"dub_file,omitempty"`
	// Segments are the requests of an input that was split; the usage above is their sum.
	Segments []Segment `json:"segments,omitempty"`
}

// Segment is one segment of a split input in --format json.
type Segment struct {
	Index        int        `json:"index"`
	Start        float64    `json:"start_seconds"`
	End          float64    `json:"end_seconds"`
	RequestID    string     `json:"request_id"`
	FinishReason string     `json:"finish_reason"`
	Usage        *api.Usage `json:"usage"`
	Text         string     `json:"text,omitempty"` // of each piece of timed output (subtitles, dubbing)
}

// UsageError is an input the run cannot take as asked: the user's to fix, as the hint says.
type UsageError struct{ msg, hint string }

func usagef(hint, format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...), hint: hint}
}

func (e *UsageError) Error() string    { return e.msg }
func (e *UsageError) Hint() string     { return e.hint }
func (e *UsageError) UsageError() bool { return true }

// Output is where one input's results go.
type Output struct {
	Sink   translate.Sink // text, and speech with Speech, in source order as they arrive
	Speech bool           // ask for speech too (in Settings.Request.Voice)
	Files  []string       // the files the results are written to, for the ledger
	// KeepText keeps the whole text for Translation.Text (--format json prints it). Without it
	// the text only passes through to Sink, so memory stays flat however much arrives.
	KeepText bool
}

// request is what the input's requests ask for.
func (t *Translator) request(speech bool) translate.Settings {
	ts := t.Settings.Request
	if !speech {
		ts.Voice = ""
	}
	return ts
}

// Translate translates one input, delivering its text and speech to out.Sink as they arrive in
// order, and returns what --format json reports of it. An input over the service's caps is split
// at silences into segments (split.MakePlan) translated Request.Jobs at once.
func (t *Translator) Translate(ctx context.Context, it batch.Item, out Output) (*Translation, error) {
	start := time.Now() // elapsed_seconds is the input's wall time, its reading and planning too
	in, err := t.Resolve(ctx, it)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	name := it.Name
	if in.ConvertedFrom != "" {
		t.info("%s: converted %s to %s (the service does not take %s)", name, in.ConvertedFrom, in.Format, in.ConvertedFrom)
	}
	if in.URL == "" {
		t.info("%s: %s %s, %s; data URI %d bytes", name, in.Kind, in.Format, humanBytes(in.Size), api.DataURISize(in.MIME, in.Size))
	}
	plan, err := t.Plan(ctx, in, out.Speech)
	if err != nil {
		return nil, err
	}
	defer plan.Cleanup()
	ts := t.request(out.Speech)
	splitPath := "" // an input sent in segments: its rows name the whole file
	if plan.Split || !plan.Whole {
		splitPath = in.Path
	}
	runner := t.hook(ctx, ts, name, in.Kind.String(), out.Files, splitPath)

	sink := out.Sink
	var text strings.Builder // the whole text, with KeepText
	gotText := false
	counted := translate.Sink{Text: func(s string) error {
		if out.KeepText {
			text.WriteString(s)
		}
		gotText = gotText || s != ""
		return sink.Text(s)
	}, Audio: sink.Audio}
	if sink.Reset != nil {
		counted.Reset = func() error {
			text.Reset()
			gotText = false
			return sink.Reset()
		}
	}
	var res *translate.Result
	switch {
	case plan.NoSpeech:
		res = &translate.Result{}
	case plan.Split:
		// Segments are sent as they are cut, while the rest of the input is still being read.
		notes := len(plan.Notes)
		res, err = runner.RunFrom(ctx, func(ctx context.Context, yield func(translate.Part) error) error {
			return plan.Produce(ctx, func(seg split.Segment) error {
				return yield(partOf(plan, seg))
			})
		}, ts, counted)
		for _, n := range plan.Notes[notes:] {
			t.info("%s: %s", name, n)
		}
	default:
		if !plan.Whole {
			if err := plan.Prepare(ctx); err != nil {
				return nil, fmt.Errorf("%s: preparing segments: %w", name, err)
			}
		}
		res, err = runner.Run(ctx, partsOf(plan), ts, counted)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(res.Parts) == 0 {
		t.warn("%s", noSpeech(name, plan.Speech))
	} else if !gotText {
		t.warn("%s: the service returned no text", name)
	}
	tr := t.record(name, in, res)
	tr.Text = text.String()
	tr.ElapsedSeconds = math.Round(time.Since(start).Seconds()*1000) / 1000
	if len(res.Parts) > 1 || plan.Split {
		for _, p := range res.Parts {
			tr.Segments = append(tr.Segments, Segment{Index: p.Index + 1, Start: p.Start.Seconds(), End: p.End.Seconds(),
				RequestID: p.RequestID, FinishReason: p.FinishReason, Usage: p.Usage})
		}
	}
	return tr, nil
}

// noSpeech says that an input was not sent because nobody speaks in it, and what was measured.
func noSpeech(name string, rep *pauses.Report) string {
	if rep == nil {
		return fmt.Sprintf("%s: no speech heard: nothing was sent", name)
	}
	return fmt.Sprintf("%s: no speech heard (noise floor %.0f dB, threshold %.0f dB): nothing was sent; if it does have speech, set --pause-threshold below its level",
		name, rep.NoiseFloor, rep.Threshold)
}

// Resolve opens an input and decides how it is sent; an input the walk could not read fails here.
func (t *Translator) Resolve(ctx context.Context, it batch.Item) (*media.Input, error) {
	if it.Err != nil {
		return nil, it.Err
	}
	in, err := media.Resolve(ctx, it.Name, t.MediaOptions())
	if err == nil && in.Warning != "" {
		t.warn("%s", in.Warning)
	}
	return in, err
}

// MediaOptions are how the run's inputs are resolved. Under --split never, one request must carry
// the whole input, so no more of a pipe is read than its data URI can hold.
func (t *Translator) MediaOptions() media.Options {
	s := &t.Settings
	o := media.Options{Format: s.InputFormat, Stdin: s.Stdin}
	if s.Split == split.Never && s.InlineLimit > 0 {
		o.MaxSize = s.InlineLimit / 4 * 3
	}
	return o
}

// record is the result record of an input that res translated, priced with Estimate.
func (t *Translator) record(name string, in *media.Input, res *translate.Result) *Translation {
	ts := t.Settings.Request
	tr := &Translation{
		Input: name, Kind: in.Kind.String(), InputFormat: in.Format, Model: ts.Model, TargetLanguage: ts.TargetLang,
		FinishReason: res.FinishReason, Usage: res.Usage, RequestID: res.RequestID, ID: res.ID,
	}
	if ts.SourceLang != "" {
		tr.SourceLanguage = &ts.SourceLang
	}
	if t.Estimate != nil {
		if cost, cur, ok := t.Estimate(ts.Model, tr.Kind, res.Usage); ok {
			tr.EstimatedCost, tr.Currency = &cost, cur
		}
	}
	return tr
}

// Plan decides how the input is sent: whole, re-encoded, or split at silences; with timed
// output, the pieces of speech (as --dry-run shows them). Its notes go to Info.
func (t *Translator) Plan(ctx context.Context, in *media.Input, speech bool) (*split.Plan, error) {
	s := &t.Settings
	if s.Timed {
		tp, err := t.timedPlan(ctx, in, speech)
		if err != nil {
			return nil, err
		}
		for _, n := range tp.plan.Notes {
			t.info("%s: %s", in.Name, n)
		}
		return tp.sentPlan(), nil
	}
	if in.Kind == media.Video && in.Probe != nil && in.Probe.Audio() == nil {
		// The model translates what is said; the pictures only help it understand.
		if speech {
			return nil, usagef("drop --audio-out/--speech to send its pictures for text alone", "%s has no sound (no audio track): there is no speech to translate into speech", in.Name)
		}
		t.warn("%s has no sound (no audio track): only its pictures are sent", in.Name)
	}
	// The output cap is the service's: --max-tokens is the user's own limit, and a translation it
	// cuts short says so (finish_reason "length") rather than being split to avoid it.
	plan, err := split.MakePlan(ctx, in, split.Options{Mode: s.Split, Segment: s.Segment,
		MaxDataURI: s.InlineLimit, Speech: speech, Pauses: s.Pauses})
	if err != nil {
		return nil, err
	}
	for _, n := range plan.Notes {
		t.info("%s: %s", in.Name, n)
	}
	return plan, nil
}

// DryPlan is Plan with a split input's segments found (for --dry-run): the whole input is read
// for its pauses, nothing is encoded.
func (t *Translator) DryPlan(ctx context.Context, in *media.Input, speech bool) (*split.Plan, error) {
	plan, err := t.Plan(ctx, in, speech)
	if err != nil {
		return nil, err
	}
	notes := len(plan.Notes)
	if err := plan.Cut(ctx); err != nil {
		return nil, err
	}
	for _, n := range plan.Notes[notes:] {
		t.info("%s: %s", in.Name, n)
	}
	return plan, nil
}

// partsOf turns a plan into the requests to send.
func partsOf(plan *split.Plan) []translate.Part {
	var parts []translate.Part
	for _, seg := range plan.Segments {
		parts = append(parts, partOf(plan, seg))
	}
	return parts
}

// partOf is the request that sends one segment of a plan.
func partOf(plan *split.Plan, seg split.Segment) translate.Part {
	p := translate.Part{Index: seg.Index, Segment: plan.Split || len(plan.Segments) > 1, Start: seg.Start, End: seg.End,
		Path: seg.Path, Format: seg.Format, MIME: seg.MIME, Size: seg.Size, Kind: kindOf(seg.Kind)}
	if plan.Whole {
		p.URL = plan.Input.URL
	}
	return p
}

func kindOf(k media.Kind) api.Kind {
	if k == media.Video {
		return api.Video
	}
	return api.Audio
}

// humanBytes prints a size the way a user reads it, with the exact figure when it matters.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB (%d bytes)", float64(n)/(1<<30), n)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}
