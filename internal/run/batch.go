package run

import (
	"context"
	"errors"
	"io"
	"syscall"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/progress"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Batch is how a run of several inputs goes.
type Batch struct {
	Jobs     int             // inputs at once
	FailFast bool            // stop at the first failure
	Bar      bool            // progress as a bar (else a line an input)
	Dir      *results.Layout // their result files; nil: to stdout, in input order
	Model    string          // for the JSON document's inputs that were not translated
}

// Outcomes are how the inputs of a batch ended, in input order, and how long it took.
type Outcomes struct {
	List    []sink.Outcome
	Elapsed time.Duration
	// Stopped tells the failure of an input that was stopped (the run was interrupted, or
	// --fail-fast stopped it) from one that failed.
	Stopped func(error) bool
}

// Batch translates several inputs, b.Jobs at once: into b.Dir (one set of result files per
// input, existing ones skipped so a rerun resumes), or to stdout in input order, each under a
// header line as tail(1) writes one, or in one JSON document at the end.
func (r *Run) Batch(ctx context.Context, items []batch.Item, b Batch) (Outcomes, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ord *translate.Ordered
	if b.Dir == nil {
		ord = translate.NewOrdered(len(items), translate.Sink{Text: func(t string) error {
			_, err := io.WriteString(r.Stdout, t)
			return err
		}}, "", "")
		defer ord.Close()
	}
	prog := progress.New(r.Stderr, b.Bar, len(items))
	defer prog.Close()

	list := make([]sink.Outcome, len(items))
	batch.Each(ctx, len(items), b.Jobs, func(i int) {
		it := items[i]
		prog.Start(it.Name)
		ctx := ctx
		if r.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, r.Timeout)
			defer cancel()
		}
		var o sink.Outcome
		if ord != nil {
			o = r.toStdout(ctx, it, ord, i)
		} else {
			o = r.toDir(ctx, it, b.Dir)
		}
		switch {
		case o.Status != sink.StatusFailed || ctx.Err() != nil:
		case errors.Is(o.Err, syscall.EPIPE):
			cancel() // the reader of stdout left: nothing more can be written, or paid for
		case b.FailFast:
			cancel()
		}
		o.Err = r.limit(o.Err, it.Name)
		list[i] = o
		shown := o.Status
		if o.Status == sink.StatusFailed && errors.Is(o.Err, context.Canceled) && ctx.Err() != nil {
			shown = "not done" // as the summary counts it: stopped, not failed
		}
		prog.Done(it.Name, shown)
	})
	prog.Close()
	out := Outcomes{List: list, Elapsed: time.Since(start),
		Stopped: func(err error) bool { return errors.Is(err, context.Canceled) && ctx.Err() != nil }}
	for _, o := range list {
		if errors.Is(o.Err, syscall.EPIPE) {
			return out, o.Err // as a single input's run ends: quietly, as if killed by SIGPIPE
		}
	}
	if ord != nil && r.Format.Name == sink.FormatJSON {
		names := make([]string, len(items))
		for i, it := range items {
			names[i] = it.Name
		}
		doc := sink.BatchDocument(names, list, out.Stopped, out.Elapsed, r.Report.Failed, b.Model, r.Format.Target)
		if err := prettyjson.Write(r.Stdout, doc); err != nil {
			return out, err
		}
	}
	return out, nil
}

// toDir translates one input into its result files: NAME.<code>.txt (.srt, .vtt for subtitles),
// NAME.<code>.wav with speech (aligned with --align), NAME.<code>.json for the JSON format. The
// text file is committed last: it marks the input done for a rerun.
func (r *Run) toDir(ctx context.Context, it batch.Item, l *results.Layout) sink.Outcome {
	if it.Err != nil {
		return sink.Failed(it.Err)
	}
	d := l.Input(it)
	if d.Done() {
		r.Report.Skipped(it.Name, d.TextPath)
		return sink.Outcome{Status: sink.StatusSkipped}
	}
	removed, err := d.Open(ctx)
	for _, f := range removed {
		r.Report.Info("removed %s, left by a run that was stopped", f)
	}
	if err != nil {
		return sink.Failed(err)
	}
	defer d.Abort()
	f := r.Format
	text, tw := sink.New(d.Text(), f.Subs, f.Timed, sink.FormatText, it.Name, f.Target)
	out := pipeline.Output{Sink: sink.WithReset(text, func() error {
		if tw != nil {
			tw.Forget()
		}
		return d.Reset()
	}), Files: d.Outputs, KeepText: f.Name == sink.FormatJSON}
	if d.Speech() != nil {
		out.Audio = d.Speech()
	}
	tr, err := r.Pipeline.Run(ctx, it, out)
	if err == nil {
		err = text.Finish(tr)
	}
	if err == nil {
		err = d.Commit(tr, WriteJSONFile)
	}
	if err != nil {
		return sink.Failed(err)
	}
	r.usage(tr)
	if tr.FinishReason == "length" {
		r.Report.Warn("%s: the translation was cut short at the output limit (finish_reason: length)", it.Name)
	}
	return sink.Translated(tr)
}

// toStdout translates one input of several printed to stdout in input order, each preceded by a
// header line as tail(1) does, or as JSON.
func (r *Run) toStdout(ctx context.Context, it batch.Item, ord *translate.Ordered, i int) sink.Outcome {
	if it.Err != nil {
		ord.Finish(i)
		return sink.Failed(it.Err)
	}
	part := ord.Sink(i)
	f := r.Format
	// The header goes out with the input's first text (or when it is done with none): an input
	// that fails first gets no empty section, only its line in the summary.
	headed := false
	header := func() error {
		if headed || f.Name != sink.FormatText {
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
	format := f.Name
	if format == sink.FormatJSON {
		format = sink.FormatNone // the batch's one document is written at the end
	}
	text, w := sink.New(out, f.Subs, f.Timed, format, it.Name, f.Target)
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
	tr, err := r.Pipeline.Run(ctx, it, pipeline.Output{Sink: rs, KeepText: f.keepsText()})
	if err == nil {
		err = header() // translated, even if nothing was said
	}
	if err == nil {
		err = text.Finish(tr)
	}
	if err == nil {
		r.usage(tr)
	}
	if err != nil {
		if w != nil && (!(errors.Is(err, context.Canceled) && ctx.Err() != nil) || f.Name == sink.FormatJSONL) {
			// (jsonl says that an input whose text events began was interrupted)
			_ = w.Fail(r.Report.Failed(it.Name, r.limit(err, it.Name)))
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
