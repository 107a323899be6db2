package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/cache"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/progress"
	"github.com/livetranslate/livetranslate/internal/run"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// runTranslate is the translate command: validate (nothing opened yet), the inputs and what the
// options ask of them, the outputs' paths, then a dry run, or the run of one input or of several.
func runTranslate(ctx context.Context, a *app, opts *translateOptions) error {
	s, err := opts.validate(a.cfg)
	if err != nil {
		return a.fromSource(err)
	}
	for _, w := range s.warnings {
		a.warnf("%s", w)
	}
	items, err := a.expandInputs(ctx, opts)
	if err != nil {
		return err
	}
	if err := opts.checkInputs(s, items); err != nil {
		return err
	}
	if err := a.checkPaths(s, opts, items); err != nil {
		return err
	}
	// One input and one target is a single run (bare text on stdout, -o, --audio-out), decided
	// by the inputs given, not by this shard's share of them: a worker of a batch whose share is
	// one input still prints it as a batch does, under its header, as the other workers do; an
	// input given alone prints the same with --shard as without.
	single := len(items) == 1 && opts.OutDir == "" && len(s.targets) == 1
	if s.shard != nil {
		// Every input was checked (two results in one place are found whichever shards they
		// fall in); this worker takes its share.
		all := len(items)
		if items = s.shard.Of(items); len(items) == 0 {
			a.infof("shard %s: none of the %d inputs", s.shard, all)
			return a.nothingToDo(ctx, s, opts)
		}
		a.infof("shard %s: %d of the %d inputs", s.shard, len(items), all)
	}
	// The cache first: a dry run and --max-cost price at 0 what it would answer.
	a.openCache(s)
	defer a.trimCache(s)
	if opts.DryRun {
		return a.dryRun(ctx, s, opts, items)
	}
	if err := a.holdToCap(ctx, s, opts, items); err != nil {
		return err
	}
	if s.ledger, err = a.openLedger(ctx, s, opts.Ledger, opts.NoLedger); err != nil {
		return err
	}
	defer s.ledger.Close()
	if s.timeout > 0 && single {
		// --timeout bounds each input (a batch sets it per input), not the whole run.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	if single {
		return a.translateSingle(ctx, s, opts, items[0])
	}
	return a.translateBatch(ctx, s, opts, items)
}

// openCache gives the run its result cache, unless it is off (or there is no place for it). A
// cache that cannot be written to never fails a run: a warning, once, and the run goes on,
// storing nothing (and still answering from what the cache holds).
func (a *app) openCache(s *settings) {
	dir := cache.DefaultDir(a.getenv())
	if dir == "" || s.cache == "never" {
		return
	}
	s.store = &cache.Store{Dir: dir, MaxSize: s.cacheMax, OnStoreError: func(err error) {
		a.warnf("result cache %s cannot be written to (%s): this run goes on without storing answers in it (--no-cache turns the cache off)",
			dir, innermost(err))
	}}
}

// innermost is the reason of a failed file operation without the path and the operation, which
// the caller words: "permission denied", "not a directory".
func innermost(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// trimCache keeps the result cache within --cache-max-size once the run is done, when the run
// stored something in it (trimming walks the whole cache).
func (a *app) trimCache(s *settings) {
	if s.store == nil {
		return
	}
	if err := s.store.TrimIfStored(); err != nil {
		a.infof("%v", err)
	}
}

// nothingToDo ends a run left with no inputs (an empty shard) as one with inputs would end: a
// dry run's plan and a JSON document say that there was nothing, so a script reading them gets
// what it parses.
func (a *app) nothingToDo(ctx context.Context, s *settings, opts *translateOptions) error {
	switch {
	case opts.DryRun:
		return a.dryRun(ctx, s, opts, nil)
	case s.format == sink.FormatJSON && opts.OutDir == "":
		doc := sink.BatchDocument(nil, nil, nil, func(error) bool { return false }, 0, nil, s.model)
		return prettyjson.Write(a.io.Out, doc)
	}
	return nil
}

// expandInputs turns the arguments and --files-from into the run's inputs.
func (a *app) expandInputs(ctx context.Context, opts *translateOptions) ([]batch.Item, error) {
	items, skipped, err := batch.Collect(ctx, batch.Request{Args: opts.Inputs, List: opts.FilesFrom, Nul: opts.Null, In: a.io.In,
		Options: batch.Options{Include: opts.Include, Exclude: opts.Exclude, IsMedia: media.IsMediaFile, OutDir: opts.OutDir}})
	for _, sk := range skipped {
		a.infof("skipping %s: %s", sk.Path, skipReason(sk.Why))
	}
	return items, err
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
	r := &translate.Runner{Client: c}
	if s.store != nil {
		r.Cache = s.store
		r.CacheAlways = s.cache == "always"
	}
	return r
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
		Recorder: s.ledger.Recorder(),
		Estimate: s.ledger.Estimate,
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
		Sampling:   s.sampling,
		Jobs:       s.jobs,
	}
	if s.from != nil {
		ts.SourceLang = s.from.Code
	}
	return ts
}

// newRun makes the run of the inputs: the pipeline, and where and how it prints.
func (a *app) newRun(s *settings, opts *translateOptions) *run.Run {
	return &run.Run{
		Pipeline: a.newPipeline(s, opts),
		Stdout:   a.io.Out,
		Format:   run.Format{Name: s.format, Subs: s.subs, Timed: s.timed},
		Targets:  s.runTargets(),
		Timeout:  s.timeout,
		Report:   reporter{a, s},
	}
}

// runTargets are the run's target languages, each with its voice when speech is asked for.
func (s *settings) runTargets() []pipeline.Target {
	ts := make([]pipeline.Target, len(s.targets))
	for i, l := range s.targets {
		ts[i].Lang = l.Code
		if i < len(s.voices) {
			ts[i].Voice = s.voices[i]
		}
	}
	return ts
}

// reporter words what a run says: its lines on stderr, and its errors in the JSON output.
type reporter struct {
	a *app
	s *settings
}

func (r reporter) Info(format string, args ...any) { r.a.infof(format, args...) }
func (r reporter) Warn(format string, args ...any) { r.a.warnf(format, args...) }
func (r reporter) Failed(name string, err error) sink.Result {
	return r.a.failedJSON(name, r.s, err)
}

// Limit says which input ran out of --timeout, and that it was the timeout, where the error
// would otherwise read "context deadline exceeded".
func (r reporter) Limit(err error, name string) error {
	return fmt.Errorf("%s: not done within --timeout %s: %w", name, r.s.timeout, err)
}

func (r reporter) Skipped(name, path string) {
	r.a.infof("skipping %s: %s exists (--overwrite redoes it)", name, path)
}

// singleFiles are the destinations of one input: -o, --audio-out and --dub, each path's {lang}
// standing for the target's code.
func singleFiles(opts *translateOptions) run.Single {
	return run.Single{Output: opts.Output, AudioOut: opts.AudioOut, Dub: opts.Dub, Overwrite: opts.Overwrite}
}

// translateSingle is the one-input run: text (or subtitles) to stdout or -o, speech to
// --audio-out, the dubbed video to --dub. Every file appears only when all of them are complete.
func (a *app) translateSingle(ctx context.Context, s *settings, opts *translateOptions, it batch.Item) error {
	r := a.newRun(s, opts)
	screen, end := progress.Start(&a.io, a.quiet, opts.Progress)
	if screen != nil {
		r.Pipeline.OnProgress = screen.Parts(it.Name).Update
		r.Stdout = screen.Stdout(r.Stdout)
	}
	tr, err := r.Single(ctx, it, singleFiles(opts).For(s.to.Code))
	end()
	if err != nil {
		return err
	}
	if tr.FinishReason == "length" {
		if s.timed {
			a.exitWarnf("%s: a piece's translation was cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096)", it.Name)
		} else {
			a.exitWarnf("%s: the translation was cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096) or split the input", it.Name)
		}
		return &silentExit{code: exitTruncated}
	}
	return nil
}
