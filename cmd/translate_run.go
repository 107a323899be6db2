package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/ctxio"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

func runTranslate(ctx context.Context, a *app, opts *translateOptions) error {
	s, err := opts.validate(a.cfg)
	if err != nil {
		return a.fromSource(err)
	}
	items, err := a.expandInputs(ctx, opts)
	if err != nil {
		return err
	}
	if err := opts.checkInputs(s, items); err != nil {
		return err
	}
	single := len(items) == 1 && opts.OutDir == ""
	if err := a.checkPaths(s, opts, items); err != nil {
		return err
	}
	if opts.DryRun {
		return a.dryRun(ctx, s, opts, items)
	}
	if s.ledger, err = a.openLedger(ctx, s, opts.Ledger, opts.NoLedger); err != nil {
		return err
	}
	defer s.ledger.close()
	if s.timeout > 0 && single {
		// --timeout bounds each input (a batch sets it per input), not the whole run.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	switch {
	case single:
		return a.translateSingle(ctx, s, opts, items[0])
	}
	return a.translateBatch(ctx, s, opts, items)
}

// timedOut says which input ran out of --timeout, and that it was the timeout, where the error
// would otherwise read "context deadline exceeded".
func timedOut(err error, name string, timeout time.Duration) error {
	if err == nil || timeout <= 0 || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%s: not done within --timeout %s: %w", name, timeout, err)
}

// expandInputs turns the arguments and --files-from into the run's inputs.
func (a *app) expandInputs(ctx context.Context, opts *translateOptions) ([]batch.Item, error) {
	var list []string
	if opts.FilesFrom != "" {
		var r io.Reader = a.io.In
		if opts.FilesFrom != "-" {
			f, err := ctxio.Open(ctx, opts.FilesFrom)
			switch {
			case ctx.Err() != nil:
				return nil, ctx.Err()
			case err != nil:
				return nil, usagef("", "--files-from: %v", err)
			}
			defer f.Close()
			r = f
		}
		var err error
		if list, err = batch.ReadList(ctx, r, opts.Null); err != nil {
			return nil, fmt.Errorf("--files-from %s: %w", opts.FilesFrom, err)
		}
	}
	if len(opts.Inputs)+len(list) == 0 {
		return nil, usagef("give files, directories, http(s) URLs, - for standard input, or --files-from", "translate needs an input")
	}
	items, skipped, err := batch.Expand(opts.Inputs, list, batch.Options{
		Include: opts.Include, Exclude: opts.Exclude, IsMedia: media.IsMediaFile, OutDir: opts.OutDir,
	})
	if err != nil {
		return nil, err
	}
	for _, sk := range skipped {
		a.infof("skipping %s: %s", sk.Path, skipReason(sk.Why))
	}
	if len(items) == 0 {
		return nil, usagef("name the files, or check --include/--exclude", "no audio or video files found in %s", strings.Join(append(opts.Inputs, list...), ", "))
	}
	stdin := 0
	for _, it := range items {
		if it.Stdin() {
			stdin++
		}
	}
	if stdin > 0 && (len(items) > 1 || opts.FilesFrom == "-") {
		return nil, usagef("", "standard input (-) can only be translated on its own")
	}
	return items, nil
}

// newRunner makes the run's client: one Throttle for all its requests, so a 429 slows the whole
// batch down (fewer requests at once, a shared wait) instead of each input hammering on and
// failing; retries, changes of the pace and request traces reported with -v.
func (a *app) newRunner(s *settings) *translate.Runner {
	c := &api.Client{
		BaseURL:     s.baseURL,
		APIKey:      s.apiKey,
		HTTP:        &http.Client{},
		UserAgent:   "livetranslate/" + versionString(),
		IdleTimeout: s.idle,
		Throttle:    &api.Throttle{OnChange: func(c api.ThrottleChange) { a.infof("%s", c) }},
		Retry: api.RetryPolicy{Max: s.retries, OnRetry: func(e api.RetryEvent) {
			a.infof("%s", e)
		}},
	}
	if a.verbose {
		c.Trace = func(line string) { a.infof("%s", line) }
	}
	return &translate.Runner{Client: c}
}

// newPipeline makes the pipeline every input of the run goes through, with the run's one client.
func (a *app) newPipeline(s *settings, opts *translateOptions) *pipeline.Pipeline {
	return &pipeline.Pipeline{
		Settings: pipeline.Settings{
			Request: a.requestSettings(s, opts), InputFormat: opts.InputFormat, Stdin: a.io.In,
			Split: s.split, Segment: opts.Segment, InlineLimit: int64(opts.InlineLimit),
			Timed: s.timed, CueMax: opts.CueMax, Align: opts.Align, DubMix: opts.DubMix, Pauses: s.pauses,
		},
		Runner:   a.newRunner(s),
		Recorder: s.ledger.recorder(),
		Estimate: s.ledger.estimate,
		Info:     worded(a.infof),
		Warn:     worded(a.warnf),
	}
}

// requestSettings is what every request of the run asks for; job uses the voice only for inputs
// with speech.
func (a *app) requestSettings(s *settings, opts *translateOptions) translate.Settings {
	ts := translate.Settings{
		Model:      s.model,
		Stream:     !opts.NoStream,
		TargetLang: s.to.Code,
		LangNames:  s.langNames,
		Voice:      s.voice,
		Sampling:   opts.Sampling,
		Jobs:       s.jobs,
	}
	if s.from != nil {
		ts.SourceLang = s.from.Code
	}
	return ts
}

// translateSingle is the one-input run: text (or subtitles) to stdout or -o, speech to
// --audio-out, the dubbed video to --dub. Every file appears only when all of them are complete.
func (a *app) translateSingle(ctx context.Context, s *settings, opts *translateOptions, it batch.Item) error {
	r, err := results.OpenSingle(ctx, a.io.Out, opts.Output, opts.AudioOut, opts.Overwrite, opts.Dub)
	if err != nil {
		return err
	}
	defer r.Close()
	text, tw := sink.New(r.Out, s.subs, s.timed, s.format, it.Name, s.to.Code)
	out := pipeline.Output{Sink: text, Audio: r.Audio, Files: r.Outputs, KeepText: keepsText(s.format)}
	if r.CanReset(s.format == "json") {
		out.Sink = sink.WithReset(text, func() error {
			if tw != nil {
				tw.Forget()
			}
			return r.Reset()
		})
	}
	if r.Audio != nil && !s.timed {
		out.Audio = tw.Audio(r.Audio)
	}
	if opts.Dub != "" {
		if out.Dub, err = atomicfile.Create(ctx, opts.Dub, opts.Overwrite); err != nil {
			return err
		}
		defer out.Dub.Abort()
	}
	tr, err := a.newPipeline(s, opts).Run(ctx, it, out)
	if err != nil {
		err = timedOut(err, it.Name, s.timeout) // the JSON's message is the error line's
		if tw != nil && (opts.Output == "" || opts.Output == "-") {
			_ = tw.Fail(a.failedJSON(it.Name, s, err)) // the error itself goes to stderr
		}
		return err
	}
	if err := r.CommitSpeech(tr); err != nil {
		return err
	}
	if out.Dub != nil {
		if err := out.Dub.Commit(); err != nil {
			return err
		}
		tr.DubFile = &opts.Dub
	}
	if err := text.Finish(tr); err != nil {
		return err
	}
	a.reportUsage(tr)
	if tr.AudioFile != nil {
		a.infof("wrote %s (%.3f s of speech)", *tr.AudioFile, *tr.AudioSeconds)
	}
	if tr.DubFile != nil {
		a.infof("wrote %s", *tr.DubFile)
	}
	if err := r.CommitText(); err != nil {
		return err
	}
	if tr.FinishReason == "length" {
		if s.timed {
			a.warnf("%s: a piece's translation was cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096)", it.Name)
		} else {
			a.warnf("%s: the translation was cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096) or split the input", it.Name)
		}
		return &silentExit{code: exitTruncated}
	}
	return nil
}

// keepsText reports whether a format prints the whole text at the end (json, and jsonl's done
// event), so the input's text must be kept until then; text goes out as it arrives.
func keepsText(format string) bool { return format == "json" || format == "jsonl" }

// reportUsage prints, with -v, the tokens and request id of a finished input. It is called once
// the input's output is complete, so the line never lands in the middle of text on a terminal.
func (a *app) reportUsage(tr *pipeline.Result) {
	if line := sink.UsageLine(tr); line != "" {
		a.infof("%s", line)
	}
}
