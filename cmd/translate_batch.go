package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/progress"
	"github.com/livetranslate/livetranslate/internal/run"
	"github.com/livetranslate/livetranslate/internal/sink"
)

// translateBatch translates several inputs, -j at once: into --out-dir (one set of result files
// per input, existing ones skipped so a rerun resumes), or to stdout in input order; then the
// summary, and the exit code.
func (a *app) translateBatch(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	r := a.newRun(s, opts)
	b := run.Batch{Jobs: s.jobs, FailFast: opts.FailFast, Model: s.model}
	if opts.OutDir != "" {
		l := resultLayout(s, opts, textExt(s))
		b.Dir = &l
	} else if opts.Output != "" || opts.AudioOut != "" || opts.Dub != "" {
		f := singleFiles(opts) // one input into several targets (checkInputs)
		b.Files = &f
	}
	screen, end := progress.Start(&a.io, a.quiet, opts.Progress)
	if screen != nil {
		b.Progress = screen.Batch(len(items) * len(s.targets))
		r.Stdout = screen.Stdout(r.Stdout)
	}
	out, err := r.Batch(ctx, items, b)
	end()
	if err != nil {
		return err
	}
	return a.summarize(ctx, sink.Count(out.List, out.Stopped), out.Elapsed, r.Pipeline.Runner.Client.Throttle.Stats())
}

// summarize prints the batch summary on stderr, with how rate limits slowed it down, and decides
// the exit: 0 when every input was translated or skipped, 4 when some failed, the first
// failure's own code when all did. With -q the summary line is printed only when some input
// failed or was not done: it says what the failures it lists are out of.
func (a *app) summarize(parent context.Context, t sink.Tally, elapsed time.Duration, paced api.ThrottleStats) error {
	if !a.quiet || t.Failed > 0 || t.NotDone > 0 {
		fmt.Fprintln(a.io.Err, "livetranslate: "+t.Line(elapsed, paced.String()))
	}
	said := map[string]bool{}
	for _, f := range t.Failures {
		// Every error names its input; a newline in it is escaped. An input that failed before
		// it was sent fails each of its target languages alike: said once.
		line := a.redact(fmt.Sprintf("livetranslate: failed: %s\n", message(f.Err)))
		if !said[line] {
			said[line] = true
			fmt.Fprint(a.io.Err, line)
		}
	}
	if t.Truncated > 0 {
		a.exitWarnf("%d of the translations were cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096) or split the inputs", t.Truncated)
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
