// Package pipeline takes one input of a run end to end, the same way whatever is asked of it:
//
//	resolve (media) → plan (split, pauses, subtitle) → send the parts (translate, api) → place the results (the sinks)
//
// The input is resolved (a file, a URL, standard input); the plan decides the parts it is sent
// in: the whole input, segments cut at its pauses to fit the service's caps (sent as they are
// cut), or, for timed output, pieces of speech each placed at its source time. The parts are sent
// Request.Jobs at once with the usage ledger wired in, and their results reach the caller's Sink
// in source order. Plain text, a long input, subtitles, aligned speech and a dub differ only in
// the plan and in the sinks. The pipeline prints nothing: output goes to the sinks, decisions and
// warnings to its callbacks.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/bytesize"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
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
	// Pauses tune the speech/pause finder.
	Pauses pauses.Options
}

// Pipeline translates the inputs of one run; it may translate several at once.
type Pipeline struct {
	Settings Settings
	Runner   *translate.Runner
	Recorder Recorder // nil: requests are not recorded
	// Estimate prices an input's usage, as the ledger prices its rows; nil or !ok: no estimate.
	Estimate func(model, kind string, usage *api.Usage) (cost float64, currency string, ok bool)
	// Info reports a decision or a fact (printed with -v); Warn a warning. Either may be nil.
	// They say things in the pipeline's words; an argument may be a typed note or warning
	// (split.Note, *NoSpeechWarning, *MixIgnoredWarning) that a caller can word its own way, its
	// String being the pipeline's words.
	Info, Warn func(format string, args ...any)
	// OnProgress, if set, is told how far an input's sending has come: once its parts are known
	// (or, for an input cut as it is read, each time one is cut) and each time one is answered.
	// It may be called from several goroutines, one call at a time.
	OnProgress func(Progress)
}

func (p *Pipeline) info(format string, args ...any) {
	if p.Info != nil {
		p.Info(format, args...)
	}
}

func (p *Pipeline) warn(format string, args ...any) {
	if p.Warn != nil {
		p.Warn(format, args...)
	}
}

// Result is the outcome of one input, as --format json prints it.
type Result struct {
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
	// DubFile is the dubbed video.
	DubFile *string `json:"dub_file,omitempty"`
	// Cached says the whole translation came from the local result cache: nothing was sent, and
	// EstimatedCost is 0 (of a translation in parts, it prices only the parts sent).
	Cached bool `json:"cached,omitempty"`
	// Paid is the usage of what was sent (not answered from the cache).
	Paid *api.Usage `json:"-"`
	// Segments are the requests of an input sent in parts; the usage above is their sum.
	Segments []Segment `json:"segments,omitempty"`
}

// PaidUsage is the usage this run paid for: what was sent, not what came from the cache.
func (r *Result) PaidUsage() *api.Usage {
	switch {
	case r.Paid != nil:
		return r.Paid
	case r.Cached:
		return nil
	}
	return r.Usage
}

// Segment is one part of an input sent in parts, in --format json.
type Segment struct {
	Index        int        `json:"index"`
	Start        float64    `json:"start_seconds"`
	End          float64    `json:"end_seconds"`
	RequestID    string     `json:"request_id"`
	FinishReason string     `json:"finish_reason"`
	Usage        *api.Usage `json:"usage"`
	Text         string     `json:"text,omitempty"`   // of each piece of timed output (subtitles, dubbing)
	Cached       bool       `json:"cached,omitempty"` // answered from the local result cache
}

// ErrNoSoundForSpeech is the cause of the usage error for speech asked of a video with no audio
// track: the command layer says which flags to drop.
var ErrNoSoundForSpeech = errors.New("speech asked of an input with no sound")

// Sink receives one input's translation in source order.
type Sink interface {
	// Text is text as it arrives: an input sent whole or in segments streams (a newline between
	// segments); each piece of timed output arrives whole, in one call.
	Text(string) error
	// End follows the results of each part, with the part: its source times and, for timed
	// output, the piece of speech it translated.
	End(Part) error
}

// Resetter is a Sink that can take back what it received (a file, a buffer), so that a request
// whose stream broke mid-way can be retried from the start. Without it (a terminal) such a break
// fails the input.
type Resetter interface {
	Reset() error
}

// Part is one part of an input as a Sink sees it.
type Part struct {
	Index int
	// Piece is the piece of speech a part of timed output translated: where its speech starts
	// and ends in the source. Zero for other plans.
	Piece subtitle.Piece
}

// Output is where one input's results go.
type Output struct {
	Sink  Sink
	Audio io.Writer        // the speech, as a WAV's samples; nil: no speech is asked for
	Dub   *atomicfile.File // the dubbed video (timed output); nil for none
	Files []string         // the files the results are written to, for the ledger
	// KeepText keeps the whole text for Result.Text (--format json prints it). Without it the
	// text only passes through to Sink, so memory stays flat however much arrives.
	KeepText bool
}

// speech reports whether out asks for speech.
func (out Output) speech() bool { return out.Audio != nil || out.Dub != nil }

// request is what the input's requests ask for.
func (p *Pipeline) request(speech bool) translate.Settings {
	ts := p.Settings.Request
	if !speech {
		ts.Voice = ""
	}
	return ts
}

// targetRequest is what the requests into target t ask for.
func (p *Pipeline) targetRequest(speech bool, t Target) translate.Settings {
	ts := p.request(speech)
	ts.TargetLang = t.Lang
	if t.Voice != "" && ts.Voice != "" {
		ts.Voice = t.Voice
	}
	return ts
}

// Target is one language an input is translated into, and where its results go.
type Target struct {
	Lang   string // its code
	Voice  string // of its speech, when Output asks for speech ("" = Request.Voice)
	Output Output
}

// Outcome is how one target of an input ended: its Result, or why it failed.
type Outcome struct {
	Result *Result
	Err    error
}

// Run translates one input into the run's target language (Request.TargetLang): resolve, plan,
// send the parts, place the results. Its text (and speech) reach out as they arrive, in source
// order; the Result is what --format json reports.
func (p *Pipeline) Run(ctx context.Context, it batch.Item, out Output) (*Result, error) {
	outs, err := p.RunTargets(ctx, it, []Target{{Lang: p.Settings.Request.TargetLang, Output: out}})
	if err != nil {
		return nil, err
	}
	return outs[0].Result, outs[0].Err
}

// RunTargets translates one input into each of targets: the input is resolved and planned (cut,
// encoded) once, and each part is sent once per target, the requests of all targets sharing
// Request.Jobs at once. The targets ask for the same outputs (speech for all or none). An error
// before anything is sent fails them all and is returned; after that each target ends on its
// own, a failed request failing only its own target.
func (p *Pipeline) RunTargets(ctx context.Context, it batch.Item, targets []Target) ([]Outcome, error) {
	start := time.Now() // elapsed_seconds is the input's wall time, its reading and planning too
	in, err := p.Resolve(ctx, it)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	if !p.Settings.Timed {
		p.noteInput(in) // timed output is sent as pieces, each re-encoded
	}
	for _, t := range targets {
		if err := checkDub(ctx, in, t.Output.Dub); err != nil {
			return nil, err
		}
	}
	pl, err := p.plan(ctx, in, targets[0].Output.speech())
	if err != nil {
		return nil, err
	}
	defer pl.cleanup()

	tr := p.track(pl, len(targets))
	produce, stop := tee(ctx, tr.produce(pl.produce), len(targets))
	defer stop()
	slots := make(chan struct{}, max(p.Settings.Request.Jobs, 1))
	outs := make([]Outcome, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts := p.targetRequest(t.Output.speech(), t)
			ts.Slots = slots
			label := in.Name // what its errors and warnings name
			if len(targets) > 1 {
				label += " [" + t.Lang + "]"
			}
			r, err := p.send(ctx, in, label, pl, ts, t.Output, produce[i], tr, i == 0)
			if err == nil {
				r.ElapsedSeconds = math.Round(time.Since(start).Seconds()*1000) / 1000
			}
			outs[i] = Outcome{Result: r, Err: err}
		}()
	}
	wg.Wait()
	return outs, nil
}

// send sends an input's parts as produce hands them over, with the settings of one target, and
// places their results in out; tr (nil for none) counts the parts answered. label names the input (and the target, when there are several)
// in errors and warnings; first is the input's first target, the one that says what is true of
// the input whatever its language (that nobody speaks in it).
func (p *Pipeline) send(ctx context.Context, in *media.Input, label string, pl *inputPlan, ts translate.Settings, out Output, produce translate.Producer, tr *tracker, first bool) (*Result, error) {
	name := label
	runner := p.hook(ctx, ts, in.Name, in.Kind.String(), out.Files, pl.wholePath())
	place := p.placement(pl, out)
	defer place.cleanup()
	kept := &keeper{keep: out.KeepText || pl.pieces != nil}
	joined := translate.Sink{
		Text: func(s string) error {
			kept.text(s)
			return out.Sink.Text(s)
		},
		End: func(i int) error {
			kept.end()
			if err := place.end(i); err != nil {
				return err
			}
			return out.Sink.End(pl.part(i))
		},
	}
	if r, ok := out.Sink.(Resetter); ok {
		joined.Reset = func() error {
			kept.reset()
			return r.Reset()
		}
	}
	if out.speech() {
		joined.Audio = place.audio
	}
	j := translate.NewOrdered(0, joined, pl.separator, "") // held speech in $TMPDIR
	j.HoldAll = pl.pieces != nil                           // a piece is placed whole
	defer j.Close()
	finish := func(i int) error {
		if err := j.Finish(i); err != nil {
			return err
		}
		tr.answered(i)
		return nil
	}
	res, err := runner.Send(ctx, produce, ts, j.Sink, finish)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case len(res.Parts) > 0 && !kept.any:
		p.warn("%s: the service returned no text", name)
	case len(res.Parts) == 0 && first:
		p.warn("%s", &NoSpeechWarning{Name: in.Name, Report: pl.Speech})
	}
	if err := place.finish(ctx, in); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := p.record(in.Name, in, res, ts)
	r.Text = kept.all(pl.pieces != nil)
	if len(res.Parts) > 1 || pl.Split || pl.pieces != nil {
		for i, part := range res.Parts {
			seg := Segment{Index: i + 1, Start: part.Start.Seconds(), End: part.End.Seconds(),
				RequestID: part.RequestID, FinishReason: part.FinishReason, Usage: part.Usage, Cached: part.Cached}
			if pl.pieces != nil {
				seg.Text = kept.part(i)
			}
			r.Segments = append(r.Segments, seg)
		}
	}
	return r, nil
}

// keeper keeps the text of an input as it passes to the sink: the whole of it, and each part's
// (for the pieces of timed output, each listed with its text).
type keeper struct {
	keep  bool
	any   bool // some text that is not only white space
	whole strings.Builder
	cur   strings.Builder
	parts []string
}

func (k *keeper) text(s string) {
	k.any = k.any || strings.TrimSpace(s) != ""
	if k.keep {
		k.whole.WriteString(s)
		k.cur.WriteString(s)
	}
}

func (k *keeper) reset() {
	k.any = false
	k.whole.Reset()
	k.cur.Reset()
	k.parts = k.parts[:0]
}

func (k *keeper) end() {
	if k.keep {
		k.parts = append(k.parts, strings.TrimSpace(k.cur.String()))
		k.cur.Reset()
	}
}

func (k *keeper) part(i int) string {
	if i < len(k.parts) {
		return k.parts[i]
	}
	return ""
}

// all is the whole text: as it was written, or the pieces' text a line each.
func (k *keeper) all(pieces bool) string {
	if !pieces {
		return k.whole.String()
	}
	var lines []string
	for _, t := range k.parts {
		if t != "" {
			lines = append(lines, t)
		}
	}
	return strings.Join(lines, "\n")
}

// NoSpeechWarning warns that an input was not sent because nobody speaks in it: Report is what
// the pause finder measured (nil if it did not run). Its String is the pipeline's words; with a
// Report, the caller may add how to set the threshold lower.
type NoSpeechWarning struct {
	Name   string
	Report *pauses.Report
}

func (w *NoSpeechWarning) String() string {
	if w.Report == nil {
		return fmt.Sprintf("%s: no speech heard: nothing was sent", w.Name)
	}
	return fmt.Sprintf("%s: no speech heard (noise floor %.0f dB, threshold %.0f dB): nothing was sent",
		w.Name, w.Report.NoiseFloor, w.Report.Threshold)
}

// Resolve opens an input and decides how it is sent; an input the walk could not read fails here.
func (p *Pipeline) Resolve(ctx context.Context, it batch.Item) (*media.Input, error) {
	if it.Err != nil {
		return nil, it.Err
	}
	in, err := media.Resolve(ctx, it.Name, p.MediaOptions())
	if err != nil {
		return nil, err
	}
	if in.Warning != "" {
		p.warn("%s", in.Warning)
	}
	if in.Mismatch != nil {
		p.warn("%s", in.Mismatch)
	}
	return in, nil
}

// noteInput says, with -v, what an input sent as it is (not cut into pieces) is and how it goes.
func (p *Pipeline) noteInput(in *media.Input) {
	if in.ConvertedFrom != "" {
		p.info("%s: converted %s to %s (the service does not take %s)", in.Name, in.ConvertedFrom, in.Format, in.ConvertedFrom)
	}
	if in.URL == "" {
		p.info("%s: %s %s, %s; data URI %s", in.Name, in.Kind, in.Format, bytesize.Text(in.Size), bytesize.Text(api.DataURISize(in.MIME, in.Size)))
	}
}

// MediaOptions are how the run's inputs are resolved. Under --split never, one request must carry
// the whole input, so no more of a pipe is read than its data URI can hold.
func (p *Pipeline) MediaOptions() media.Options {
	s := &p.Settings
	o := media.Options{Format: s.InputFormat, Stdin: s.Stdin}
	if s.Split == split.Never && s.InlineLimit > 0 {
		o.MaxSize = s.InlineLimit / 4 * 3
	}
	return o
}

// record is the result record of an input that res translated, priced with Estimate.
func (p *Pipeline) record(name string, in *media.Input, res *translate.Result, ts translate.Settings) *Result {
	r := &Result{
		Input: name, Kind: in.Kind.String(), InputFormat: in.Format, Model: ts.Model, TargetLanguage: ts.TargetLang,
		FinishReason: res.FinishReason, Usage: res.Usage, RequestID: res.RequestID, ID: res.ID,
	}
	if ts.SourceLang != "" {
		r.SourceLanguage = &ts.SourceLang
	}
	r.Paid, r.Cached = res.Sent, res.Cached > 0 && res.Cached == len(res.Parts)
	paid := res.Sent
	if paid == nil && res.Cached > 0 {
		paid = &api.Usage{} // priced, at nothing
	}
	if p.Estimate != nil {
		if cost, cur, ok := p.Estimate(ts.Model, r.Kind, paid); ok {
			r.EstimatedCost, r.Currency = &cost, cur
		}
	}
	return r
}
