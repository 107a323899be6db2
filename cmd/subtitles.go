package cmd

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/dub"
	"github.com/livetranslate/livetranslate/internal/job"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Timed output: subtitles (--format srt|vtt), a dubbed video (--dub) and speech aligned to the
// source (--align). job.TranslateTimed cuts the input at its pauses into pieces of speech of at
// most --cue-max and places each piece's text and speech at its source time; here are its flags,
// its destinations and the printing of its text.

// checkTimed validates the flags of timed output and notes in s whether the run is timed.
func checkTimed(opts *translateOptions, s *settings) error {
	s.subs, _ = subtitle.ParseFormat(s.format)
	s.timed = s.subs != 0 || opts.Dub != "" || opts.Align
	if opts.CueMax < time.Second || opts.CueMax > time.Minute {
		return usagef("e.g. --cue-max 5s", "--cue-max %s is out of range: must be in [1s, 1m]", opts.CueMax)
	}
	if math.IsNaN(opts.DubMix) || opts.DubMix < 0 || opts.DubMix > 1 {
		return usagef("e.g. --dub-mix 0.15", "--dub-mix %v is out of range: must be in [0, 1]", opts.DubMix)
	}
	if opts.DubMix > 0 && opts.Dub == "" {
		return usagef("add --dub OUT.mp4", "--dub-mix sets the original sound's volume under --dub")
	}
	if opts.Align && opts.AudioOut == "" && !opts.Speech {
		return usagef("add --audio-out FILE.wav (or --speech with --out-dir)", "--align places the speech of --audio-out along the source, and there is none")
	}
	if opts.Dub != "" {
		if _, ok := dub.ContainerFor(opts.Dub); !ok {
			return usagef("e.g. --dub talk.fr.mp4", "--dub %s: the dubbed video must be a .mp4, .mov, .mkv or .webm file", opts.Dub)
		}
	}
	if !s.timed {
		if opts.cueMaxGiven {
			return usagef("add --format srt|vtt, --dub FILE or --align", "--cue-max sets the pieces of subtitles and dubbing, and this run makes none")
		}
		return nil
	}
	if s.split == split.Never {
		return usagef("drop --split never", "subtitles and dubbing always cut the input at its pauses; --split never cannot be used with them")
	}
	if opts.Segment > 0 {
		return usagef("use --cue-max DUR", "--segment does not apply to subtitles and dubbing")
	}
	return nil
}

// checkTimedInputs refuses timed output the inputs cannot take.
func checkTimedInputs(opts *translateOptions, s *settings, items []batch.Item) error {
	switch {
	case !s.timed:
	case opts.Dub != "" && opts.OutDir != "":
		return usagef("dub one video at a time", "--dub writes one file; it cannot be used with --out-dir")
	case opts.Dub != "" && len(items) > 1:
		return usagef("dub one video at a time", "--dub takes one input, got %d", len(items))
	case s.subs != 0 && opts.OutDir == "" && len(items) > 1:
		return usagef("add --out-dir DIR to write NAME.<code>"+s.subs.Ext()+" for each input", "--format %s with several inputs needs --out-dir", s.format)
	}
	return nil
}

// timedText receives each piece's text in source order and ends the output.
type timedText interface {
	piece(p subtitle.Piece, text string) error
	finish(tr *job.Translation) error
}

func newTimedText(w io.Writer, s *settings, format, input string) timedText {
	if s.subs != 0 {
		return subtitleText{subtitle.NewWriter(w, s.subs)}
	}
	tw := newTextWriter(w, format, input, s.to.Code)
	return plainText{tw: tw, sink: tw.sink(nil), format: format}
}

// subtitleText lays each piece's text out as cues over the time its speech is heard.
type subtitleText struct{ w *subtitle.Writer }

func (t subtitleText) piece(p subtitle.Piece, text string) error {
	for _, c := range subtitle.Layout(text, p.Speech) {
		if err := t.w.Write(c); err != nil {
			return err
		}
	}
	return nil
}

func (t subtitleText) finish(*job.Translation) error { return t.w.Close() }

// plainText writes the pieces' text as --format text (one line a piece), jsonl or json does.
type plainText struct {
	tw     *textWriter
	sink   translate.Sink
	format string
}

func (t plainText) piece(_ subtitle.Piece, text string) error {
	if t.format == "text" {
		text += "\n"
	}
	return t.sink.Text(text)
}

func (t plainText) finish(tr *job.Translation) error { return t.tw.finish(tr) }

// timedSingle is the one-input timed run: subtitles or text to stdout or -o, speech to
// --audio-out, the dubbed video to --dub. Every file appears only when all of them are complete.
func (a *app) timedSingle(ctx context.Context, s *settings, opts *translateOptions, it batch.Item) error {
	r, err := a.openSingleResults(ctx, opts, opts.Dub)
	if err != nil {
		return err
	}
	defer r.close()
	text := newTimedText(r.out, s, s.format, it.Name)
	out := job.TimedOutput{Piece: text.piece, Audio: r.audio, Files: r.outputs}
	if opts.Dub != "" {
		if out.Dub, err = atomicfile.Create(ctx, opts.Dub, opts.Overwrite); err != nil {
			return err
		}
		defer out.Dub.Abort()
	}
	tr, err := a.newJob(s, opts).TranslateTimed(ctx, it, out)
	if err != nil {
		err = timedOut(err, it.Name, s.timeout) // the JSON's message is the error line's
		if pt, ok := text.(plainText); ok && (opts.Output == "" || opts.Output == "-") {
			_ = pt.tw.fail(a.failedJSON(it.Name, s, err)) // the error itself goes to stderr
		}
		return err
	}
	if err := r.commitSpeech(tr, opts.AudioOut); err != nil {
		return err
	}
	if out.Dub != nil {
		if err := out.Dub.Commit(); err != nil {
			return err
		}
		tr.DubFile = &opts.Dub
	}
	if err := text.finish(tr); err != nil {
		return err
	}
	a.reportUsage(tr)
	if tr.AudioFile != nil {
		a.infof("wrote %s (%.3f s of speech)", *tr.AudioFile, *tr.AudioSeconds)
	}
	if tr.DubFile != nil {
		a.infof("wrote %s", *tr.DubFile)
	}
	if err := r.commitText(); err != nil {
		return err
	}
	if tr.FinishReason == "length" {
		a.warnf("%s: a piece's translation was cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096)", it.Name)
		return &silentExit{code: exitTruncated}
	}
	return nil
}

// timedToDir is one input of a batch with timed output: NAME.<code>.srt (.vtt; .txt for the
// other formats), NAME.<code>.wav with --speech (aligned with --align), NAME.<code>.json with
// --format json. The text file is committed last: it marks the input done for a rerun.
func (a *app) timedToDir(ctx context.Context, s *settings, opts *translateOptions, j *job.Translator, it batch.Item) outcome {
	ext := ".txt"
	if s.subs != 0 {
		ext = s.subs.Ext()
	}
	fail := func(err error) outcome { return outcome{status: "failed", err: err} }
	d, skip, err := a.openDirResults(ctx, s, opts, it, ext)
	switch {
	case skip:
		return outcome{status: "skipped"}
	case err != nil:
		return fail(err)
	}
	defer d.abort()
	text := newTimedText(d.bw, s, "text", it.Name)
	out := job.TimedOutput{Piece: text.piece, Files: d.outputs}
	if d.wav != nil {
		out.Audio = d.wav
	}
	tr, err := j.TranslateTimed(ctx, it, out)
	return a.finishDir(d, s, it, tr, err, text.finish)
}

func writeJSONFile(ctx context.Context, path string, tr *job.Translation) error {
	f, err := atomicfile.Create(ctx, path, true)
	if err != nil {
		return err
	}
	defer f.Abort()
	r := resultJSON(tr)
	r.SchemaVersion = schemaVersion
	if err := writeJSON(f, r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}
