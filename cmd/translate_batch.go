package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// outcome is how one input of a batch ended.
type outcome struct {
	status string // "translated", "skipped", "failed"
	err    error
	usage  *api.Usage
	cost   *float64
	cur    string
	tr     *pipeline.Result // what was translated, for the batch's JSON document
	// truncated: the translation was cut short at the output limit (finish_reason length).
	truncated bool
}

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
	prog := newProgress(a, opts.Progress, len(items))
	defer prog.close()

	results := make([]outcome, len(items))
	batch.Each(ctx, len(items), s.jobs, func(i int) {
		it := items[i]
		prog.start(it.Name)
		ctx := ctx
		if s.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, s.timeout)
			defer cancel()
		}
		var o outcome
		switch {
		case ord != nil:
			o = a.batchToStdout(ctx, s, j, it, ord, i)
		default:
			o = a.toDir(ctx, s, opts, j, it)
		}
		if o.status == "failed" && ctx.Err() == nil && opts.FailFast {
			cancel()
		}
		o.err = timedOut(o.err, it.Name, s.timeout)
		results[i] = o
		shown := o
		if o.status == "failed" && errors.Is(o.err, context.Canceled) && ctx.Err() != nil {
			shown.status = "not done" // as the summary counts it: stopped, not failed
		}
		prog.done(it.Name, shown)
	})
	prog.close()
	elapsed := time.Since(start)
	if ord != nil && s.format == "json" {
		if err := a.writeBatchJSON(ctx, s, items, results, elapsed); err != nil {
			return err
		}
	}
	return a.summarize(parent, ctx, results, elapsed, j.Runner.Client.Throttle.Stats())
}

// writeBatchJSON prints the one JSON document of a batch to stdout: every input in the order
// given, with its result or its error, and the summary.
func (a *app) writeBatchJSON(ctx context.Context, s *settings, items []batch.Item, results []outcome, elapsed time.Duration) error {
	doc := sink.Batch{SchemaVersion: sink.SchemaVersion, Results: make([]sink.Result, len(items))}
	sum := &doc.Summary
	sum.Inputs, sum.ElapsedSeconds = len(items), roundMillis(elapsed.Seconds())
	var cost float64
	priced := true
	for i, o := range results {
		name := items[i].Name
		switch {
		case o.status == "translated" && o.tr != nil:
			doc.Results[i] = sink.ResultOf(o.tr)
			sum.Translated++
			if o.tr.Usage != nil {
				sum.TotalTokens += o.tr.Usage.TotalTokens
			}
			if o.cost != nil && (sum.Currency == "" || sum.Currency == o.cur) {
				cost, sum.Currency = cost+*o.cost, o.cur
			} else {
				priced = false
			}
		case o.status == "failed" && !(errors.Is(o.err, context.Canceled) && ctx.Err() != nil):
			doc.Results[i] = a.failedJSON(name, s, o.err)
			sum.Failed++
		case o.status == "skipped":
			doc.Results[i] = sink.Result{Input: name, Status: sink.StatusSkipped, Model: s.model, TargetLanguage: s.to.Code}
			sum.Skipped++
		default:
			doc.Results[i] = sink.Result{Input: name, Status: sink.StatusNotRun, Model: s.model, TargetLanguage: s.to.Code}
			sum.NotRun++
		}
	}
	if priced && sum.Currency != "" {
		cost = roundCost(cost)
		sum.EstimatedCost = &cost
	} else {
		sum.Currency = ""
	}
	return writeJSON(a.io.Out, doc)
}

// toDir translates one input into its result files under --out-dir: NAME.<code>.txt (.srt,
// .vtt for subtitles), NAME.<code>.wav with --speech (aligned with --align), NAME.<code>.json
// with --format json. The text file is committed last: it marks the input done for a rerun.
func (a *app) toDir(ctx context.Context, s *settings, opts *translateOptions, p *pipeline.Pipeline, it batch.Item) outcome {
	ext := ".txt"
	if s.subs != 0 {
		ext = s.subs.Ext()
	}
	d, skip, err := a.openDirResults(ctx, s, opts, it, ext)
	switch {
	case skip:
		return outcome{status: "skipped"}
	case err != nil:
		return outcome{status: "failed", err: err}
	}
	defer d.abort()
	text, tw := sink.New(d.bw, s.subs, s.timed, sink.FormatText, it.Name, s.to.Code)
	out := pipeline.Output{Sink: sink.WithReset(text, func() error {
		if tw != nil {
			tw.Forget()
		}
		return d.reset()
	}), Files: d.outputs, KeepText: s.format == "json"}
	if d.wav != nil {
		out.Audio = d.wav
	}
	tr, err := p.Run(ctx, it, out)
	return a.finishDir(d, s, it, tr, err, text.Finish)
}

// batchToStdout translates one input of several printed to stdout in input order, each preceded
// by a header line as tail(1) does, or as JSON.
func (a *app) batchToStdout(ctx context.Context, s *settings, j *pipeline.Pipeline, it batch.Item, ord *translate.Ordered, i int) outcome {
	if it.Err != nil {
		ord.Finish(i)
		return outcome{status: "failed", err: it.Err}
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
		return part.Text(sep + "==> " + shownName(it.Name) + " <==\n")
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
		return outcome{status: "failed", err: err}
	}
	if err := ord.Finish(i); err != nil {
		return outcome{status: "failed", err: err}
	}
	o := translated(tr)
	o.tr = tr
	return o
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func allExist(paths []string) bool {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	return true
}

// summarize prints the batch summary on stderr, with how rate limits slowed it down, and decides
// the exit: 0 when every input was translated or skipped, 4 when some failed, the first
// failure's own code when all did.
func (a *app) summarize(parent, ctx context.Context, results []outcome, elapsed time.Duration, paced api.ThrottleStats) error {
	var translated, skipped, failed, notRun, truncated int
	var total api.Usage
	var cost float64
	currency := ""
	var firstErr error
	var failures []string
	for _, o := range results {
		switch o.status {
		case "translated":
			translated++
			if o.truncated {
				truncated++
			}
			if o.usage != nil {
				total.Add(*o.usage)
			}
			if o.cost != nil {
				cost += *o.cost
				if currency == "" || currency == o.cur {
					currency = o.cur
				} else {
					currency = "mixed currencies"
				}
			}
		case "skipped":
			skipped++
		case "failed":
			if errors.Is(o.err, context.Canceled) && ctx.Err() != nil {
				notRun++
				continue
			}
			failed++
			if firstErr == nil {
				firstErr = o.err
			}
			failures = append(failures, message(o.err)) // every error names its input
		default:
			notRun++
		}
	}
	fmt.Fprintf(a.io.Err, "livetranslate: %d translated, %d skipped, %d failed", translated, skipped, failed)
	if notRun > 0 {
		fmt.Fprintf(a.io.Err, ", %d not done", notRun)
	}
	fmt.Fprintf(a.io.Err, "; %d tokens", total.TotalTokens)
	if currency != "" {
		fmt.Fprintf(a.io.Err, " (estimated %.4f %s)", cost, currency)
	}
	fmt.Fprintf(a.io.Err, "; %s", elapsed.Round(10*time.Millisecond))
	if p := paced.String(); p != "" {
		fmt.Fprintf(a.io.Err, "; %s", p)
	}
	fmt.Fprintln(a.io.Err)
	for _, f := range failures {
		fmt.Fprint(a.io.Err, a.redact(fmt.Sprintf("livetranslate: failed: %s\n", f))) // a newline in it is escaped
	}
	if truncated > 0 {
		a.warnf("%d of the translations were cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096) or split the inputs", truncated)
	}
	if failed > 0 {
		// The first failure that says what to do says it once, under the summary.
		for _, o := range results {
			if o.status == "failed" && o.err != nil && !errors.Is(o.err, context.Canceled) && a.printHint(o.err) {
				break
			}
		}
	}
	switch {
	case parent.Err() != nil:
		return parent.Err() // interrupted: exit 130
	case failed == 0 && truncated > 0:
		return &silentExit{code: exitTruncated}
	case failed == 0:
		return nil
	case translated+skipped == 0:
		return &silentExit{code: exitCode(firstErr)}
	}
	return &silentExit{code: exitPartial}
}
