package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/progress"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// translateBatch translates several inputs, -j at once: into --out-dir (one set of result files
// per input, existing ones skipped so a rerun resumes), or to stdout in input order.
func (a *app) translateBatch(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	start := time.Now()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	j := a.newPipeline(s, opts)
	var ord *translate.Ordered
	if opts.OutDir == "" {
		ord = translate.NewOrdered(len(items), translate.Sink{Text: func(t string) error {
			_, err := io.WriteString(a.io.Out, t)
			return err
		}}, "", "")
		defer ord.Close()
	}
	bar := opts.Progress == "always" || (opts.Progress == "auto" && a.io.StderrTTY)
	prog := progress.New(a.io.Err, bar, len(items))
	defer prog.Close()

	results := make([]sink.Outcome, len(items))
	batch.Each(ctx, len(items), s.jobs, func(i int) {
		it := items[i]
		prog.Start(it.Name)
		ctx := ctx
		if s.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, s.timeout)
			defer cancel()
		}
		var o sink.Outcome
		switch {
		case ord != nil:
			o = a.batchToStdout(ctx, s, j, it, ord, i)
		default:
			o = a.toDir(ctx, s, opts, j, it)
		}
		if o.Status == sink.StatusFailed && ctx.Err() == nil && opts.FailFast {
			cancel()
		}
		o.Err = timedOut(o.Err, it.Name, s.timeout)
		results[i] = o
		shown := o
		if o.Status == sink.StatusFailed && errors.Is(o.Err, context.Canceled) && ctx.Err() != nil {
			shown.Status = "not done" // as the summary counts it: stopped, not failed
		}
		prog.Done(it.Name, shown.Status)
	})
	prog.Close()
	elapsed := time.Since(start)
	stopped := func(err error) bool { return errors.Is(err, context.Canceled) && ctx.Err() != nil }
	if ord != nil && s.format == "json" {
		names := make([]string, len(items))
		for i, it := range items {
			names[i] = it.Name
		}
		failed := func(name string, err error) sink.Result { return a.failedJSON(name, s, err) }
		if err := writeJSON(a.io.Out, sink.BatchDocument(names, results, stopped, elapsed, failed, s.model, s.to.Code)); err != nil {
			return err
		}
	}
	return a.summarize(parent, sink.Count(results, stopped), elapsed, j.Runner.Client.Throttle.Stats())
}

// toDir translates one input into its result files under --out-dir: NAME.<code>.txt (.srt,
// .vtt for subtitles), NAME.<code>.wav with --speech (aligned with --align), NAME.<code>.json
// with --format json. The text file is committed last: it marks the input done for a rerun.
func (a *app) toDir(ctx context.Context, s *settings, opts *translateOptions, p *pipeline.Pipeline, it batch.Item) sink.Outcome {
	ext := ".txt"
	if s.subs != 0 {
		ext = s.subs.Ext()
	}
	d, skip, err := a.openDirResults(ctx, s, opts, it, ext)
	switch {
	case skip:
		return sink.Outcome{Status: sink.StatusSkipped}
	case err != nil:
		return sink.Failed(err)
	}
	defer d.Abort()
	text, tw := sink.New(d.Text(), s.subs, s.timed, sink.FormatText, it.Name, s.to.Code)
	out := pipeline.Output{Sink: sink.WithReset(text, func() error {
		if tw != nil {
			tw.Forget()
		}
		return d.Reset()
	}), Files: d.Outputs, KeepText: s.format == "json"}
	if d.Speech() != nil {
		out.Audio = d.Speech()
	}
	tr, err := p.Run(ctx, it, out)
	return a.finishDir(d, it, tr, err, text.Finish)
}

// batchToStdout translates one input of several printed to stdout in input order, each preceded
// by a header line as tail(1) does, or as JSON.
func (a *app) batchToStdout(ctx context.Context, s *settings, j *pipeline.Pipeline, it batch.Item, ord *translate.Ordered, i int) sink.Outcome {
	if it.Err != nil {
		ord.Finish(i)
		return sink.Failed(it.Err)
	}
	part := ord.Sink(i)
	// The header goes out with the input's first text (or when it is done with none): an input
	// that fails first gets no empty section, only its line in the summary.
	headed := false
	header := func() error {
		if headed || s.format != "text" {
			return nil
		}
		headed = true
		sep := "\n"
		if i == 0 {
			sep = ""
		}
		return part.Text(sep + "==> " + sink.ShownName(it.Name) + " <==\n")
	}
	out := writerFunc(func(p []byte) (int, error) {
		if err := header(); err != nil {
			return 0, err
		}
		return len(p), part.Text(string(p))
	})
	format := s.format
	if format == "json" {
		format = sink.FormatNone // the batch's one document is written at the end (writeBatchJSON)
	}
	text, w := sink.New(out, s.subs, s.timed, format, it.Name, s.to.Code)
	var rs pipeline.Sink = text
	if part.Reset != nil {
		rs = sink.WithReset(text, func() error {
			// Possible only while the input's output is still held: drop it and start again.
			if err := part.Reset(); err != nil {
				return err
			}
			if w != nil {
				w.Forget()
			}
			headed = false
			return nil
		})
	}
	tr, err := j.Run(ctx, it, pipeline.Output{Sink: rs, KeepText: keepsText(s.format)})
	if err == nil {
		err = header() // translated, even if nothing was said
	}
	if err == nil {
		err = text.Finish(tr)
	}
	if err == nil {
		a.reportUsage(tr)
	}
	if err != nil {
		if w != nil && (!(errors.Is(err, context.Canceled) && ctx.Err() != nil) || s.format == "jsonl") {
			// (jsonl says that an input whose text events began was interrupted)
			_ = w.Fail(a.failedJSON(it.Name, s, timedOut(err, it.Name, s.timeout)))
		}
		ord.Finish(i)
		return sink.Failed(err)
	}
	if err := ord.Finish(i); err != nil {
		return sink.Failed(err)
	}
	return sink.Translated(tr)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// summarize prints the batch summary on stderr, with how rate limits slowed it down, and decides
// the exit: 0 when every input was translated or skipped, 4 when some failed, the first
// failure's own code when all did.
func (a *app) summarize(parent context.Context, t sink.Tally, elapsed time.Duration, paced api.ThrottleStats) error {
	fmt.Fprintln(a.io.Err, "livetranslate: "+t.Line(elapsed, paced.String()))
	for _, f := range t.Failures {
		// Every error names its input; a newline in it is escaped.
		fmt.Fprint(a.io.Err, a.redact(fmt.Sprintf("livetranslate: failed: %s\n", message(f.Err))))
	}
	if t.Truncated > 0 {
		a.warnf("%d of the translations were cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096) or split the inputs", t.Truncated)
	}
	// The first failure that says what to do says it once, under the summary.
	for _, f := range t.Failures {
		if f.Err != nil && !errors.Is(f.Err, context.Canceled) && a.printHint(f.Err) {
			break
		}
	}
	switch {
	case parent.Err() != nil:
		return parent.Err() // interrupted: exit 130
	case t.Failed == 0 && t.Truncated > 0:
		return &silentExit{code: exitTruncated}
	case t.Failed == 0:
		return nil
	case t.Translated+t.Skipped == 0:
		return &silentExit{code: exitCode(t.Failures[0].Err)}
	}
	return &silentExit{code: exitPartial}
}
