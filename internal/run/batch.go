package run

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Batch is how a run of several inputs, or of one into several targets, goes.
type Batch struct {
	Jobs     int             // inputs at once
	FailFast bool            // stop at the first failure
	Progress Progress        // told as each input starts and ends; nil: nothing is told
	Dir      *results.Layout // their result files; nil: to stdout, in input order
	// Files are the destinations of one input's targets, their paths holding the target's
	// code in place of Lang ("{lang}"): -o, --audio-out, --dub of one input into several targets.
	Files *Single
	Model string // for the JSON document's inputs that were not translated
}

// Progress is told as each input of a batch (in each target language) starts and ends, from
// several goroutines at once.
type Progress interface {
	Start(name string)
	// Done says how the input ended: "translated", "skipped", "failed" or "not done".
	Done(name, status string)
}

type noProgress struct{}

func (noProgress) Start(string)        {}
func (noProgress) Done(string, string) {}

// Lang is the placeholder, in Batch.Files' paths, that each target's code replaces.
const Lang = "{lang}"

// Outcomes are how the inputs of a batch ended, input by input and, within each, target by
// target, and how long it took.
type Outcomes struct {
	List    []sink.Outcome
	Elapsed time.Duration
	// Stopped tells the failure of an input that was stopped (the run was interrupted, or
	// --fail-fast stopped it) from one that failed.
	Stopped func(error) bool
}

// batchDests are where the results of input i go, one per target: its files under b.Dir, or its
// turn on stdout (ord) and -o's files.
func (r *Run) batchDests(it batch.Item, i int, b Batch, ord *translate.Ordered) []dest {
	nt := len(r.Targets)
	dests := make([]dest, nt)
	for t := range dests {
		if b.Dir != nil {
			dests[t] = r.dirDest(it, *b.Dir, t)
			continue
		}
		d := &stdoutDest{r: r, it: it, t: t, ord: ord, unit: i*nt + t}
		if b.Files != nil {
			d.files = b.Files.For(r.Targets[t].Lang)
		}
		dests[t] = d
	}
	return dests
}

// Batch translates several inputs, b.Jobs at once, each into every target: into b.Dir (one set
// of result files per input and target, existing ones skipped so a rerun resumes), or to stdout
// in input order, each under a header line as tail(1) writes one, or in one JSON document at the
// end. An input and a target are a unit: each is counted, reported and fails on its own.
func (r *Run) Batch(ctx context.Context, items []batch.Item, b Batch) (Outcomes, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nt := len(r.Targets)
	units := len(items) * nt
	var ord *translate.Ordered
	if b.Dir == nil {
		ord = translate.NewOrdered(units, translate.Sink{Text: func(t string) error {
			_, err := io.WriteString(r.Stdout, t)
			return err
		}}, "", "")
		defer ord.Close()
	}
	prog := b.Progress
	if prog == nil {
		prog = noProgress{}
	}

	list := make([]sink.Outcome, units)
	// piped: the reader of stdout left (… | head -1). The run ends as if killed by SIGPIPE,
	// quietly: the unit whose text could not be written did not fail, nor did those stopped
	// after it, so neither is reported. Set before cancel, so a unit that sees the cancellation
	// sees it too.
	var piped atomic.Bool
	batch.Each(ctx, len(items), b.Jobs, func(i int) {
		it := items[i]
		for t := range nt {
			prog.Start(r.unitName(it.Name, t))
		}
		ctx := ctx
		if r.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, r.Timeout)
			defer cancel()
		}
		for t, o := range r.input(ctx, it, r.batchDests(it, i, b, ord)) {
			name := r.unitName(it.Name, t)
			switch {
			case o.Status != sink.StatusFailed || ctx.Err() != nil:
			case errors.Is(o.Err, syscall.EPIPE):
				piped.Store(true)
				cancel() // nothing more can be written, or paid for
			case b.FailFast:
				cancel()
			}
			o.Err = r.limit(o.Err, name)
			list[i*nt+t] = o
			if piped.Load() {
				continue
			}
			shown := o.Status
			if o.Status == sink.StatusFailed && errors.Is(o.Err, context.Canceled) && ctx.Err() != nil {
				shown = "not done" // as the summary counts it: stopped, not failed
			}
			prog.Done(name, shown)
		}
	})
	out := Outcomes{List: list, Elapsed: time.Since(start),
		Stopped: func(err error) bool { return errors.Is(err, context.Canceled) && ctx.Err() != nil }}
	for _, o := range list {
		if errors.Is(o.Err, syscall.EPIPE) {
			return out, o.Err // as a single input's run ends: quietly, as if killed by SIGPIPE
		}
	}
	if ord != nil && r.Format.Name == sink.FormatJSON && (b.Files == nil || b.Files.Output == "" || b.Files.Output == "-") {
		return out, r.document(items, out, b.Model)
	}
	return out, nil
}

// document writes the batch's one JSON document to stdout: every input into each target, in
// order, with its result or its error, and the summary.
func (r *Run) document(items []batch.Item, out Outcomes, model string) error {
	names := make([]string, 0, len(out.List))
	targets := make([]string, 0, len(out.List))
	for _, it := range items {
		for _, t := range r.Targets {
			names, targets = append(names, it.Name), append(targets, t.Lang)
		}
	}
	return prettyjson.Write(r.Stdout, sink.BatchDocument(names, targets, out.List, out.Stopped, out.Elapsed, r.Report.Failed, model))
}

// For is s with each path's {lang} replaced by the code of a target.
func (s Single) For(code string) Single {
	s.Output = strings.ReplaceAll(s.Output, Lang, code)
	s.AudioOut = strings.ReplaceAll(s.AudioOut, Lang, code)
	s.Dub = strings.ReplaceAll(s.Dub, Lang, code)
	return s
}
