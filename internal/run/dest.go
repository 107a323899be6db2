package run

import (
	"context"
	"errors"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// dest is where the results of one input in one target language go: opened before the input is
// sent, finished after it.
type dest interface {
	// open prepares the destination; a non-nil Outcome (skipped, or failed to open) means this
	// target of the input is not sent.
	open(ctx context.Context) (pipeline.Output, *sink.Outcome)
	// finish completes the destination with the target's result, or abandons it for err.
	finish(tr *pipeline.Result, err error) sink.Outcome
}

// input translates one input into each of the run's targets, dests[t] taking target t's
// results: the input is read, planned and cut once, and sent once per target still to do.
func (r *Run) input(ctx context.Context, it batch.Item, dests []dest) []sink.Outcome {
	outs := make([]sink.Outcome, len(dests))
	var targets []pipeline.Target
	var sent []int
	for t, d := range dests {
		out, o := d.open(ctx)
		if o != nil {
			outs[t] = *o
			continue
		}
		target := r.Targets[t]
		target.Output = out
		targets = append(targets, target)
		sent = append(sent, t)
	}
	if len(targets) == 0 {
		return outs
	}
	res, err := r.Pipeline.RunTargets(ctx, it, targets)
	for k, t := range sent {
		var tr *pipeline.Result
		e := err
		if err == nil {
			tr, e = res[k].Result, res[k].Err
		}
		outs[t] = dests[t].finish(tr, e)
	}
	return outs
}

// unitName is how progress and errors name one input in one target: its name, and the target
// when there are several.
func (r *Run) unitName(name string, t int) string {
	if len(r.Targets) == 1 {
		return name
	}
	return name + " [" + r.Targets[t].Lang + "]"
}

// dirDest is an input's result files under an output directory, in one target: NAME.<code>.txt
// (.srt, .vtt for subtitles), NAME.<code>.wav with speech (aligned with --align), NAME.<code>.json
// for the JSON format. The text file is committed last: it marks the target done for a rerun.
type dirDest struct {
	r    *Run
	it   batch.Item
	t    int
	d    *results.Dir
	text sink.Output
	tw   *sink.Text
}

func (r *Run) dirDest(it batch.Item, l results.Layout, t int) *dirDest {
	l.Code = r.Targets[t].Lang
	return &dirDest{r: r, it: it, t: t, d: l.Input(it)}
}

func (dd *dirDest) open(ctx context.Context) (pipeline.Output, *sink.Outcome) {
	r, it, d := dd.r, dd.it, dd.d
	if it.Err != nil {
		o := sink.Failed(it.Err)
		return pipeline.Output{}, &o
	}
	if d.Done() {
		r.Report.Skipped(r.unitName(it.Name, dd.t), d.TextPath)
		return pipeline.Output{}, &sink.Outcome{Status: sink.StatusSkipped}
	}
	removed, err := d.Open(ctx)
	for _, f := range removed {
		r.Report.Info("removed %s, left by a run that was stopped", f)
	}
	if err != nil {
		o := sink.Failed(err)
		return pipeline.Output{}, &o
	}
	f := r.Format
	dd.text, dd.tw = sink.New(d.Text(), f.Subs, f.Timed, sink.FormatText, it.Name, r.Targets[dd.t].Lang)
	out := pipeline.Output{Sink: sink.WithReset(dd.text, func() error {
		if dd.tw != nil {
			dd.tw.Forget()
		}
		return d.Reset()
	}), Files: d.Outputs, KeepText: f.Name == sink.FormatJSON}
	if d.Speech() != nil {
		out.Audio = d.Speech()
	}
	return out, nil
}

func (dd *dirDest) finish(tr *pipeline.Result, err error) sink.Outcome {
	defer dd.d.Abort()
	if err == nil {
		err = dd.text.Finish(tr)
	}
	if err == nil {
		err = dd.d.Commit(tr, WriteJSONFile)
	}
	if err != nil {
		return sink.Failed(err)
	}
	dd.r.usage(tr)
	if tr.FinishReason == "length" {
		dd.r.Report.Warn("%s: the translation was cut short at the output limit (finish_reason: length)", dd.r.unitName(dd.it.Name, dd.t))
	}
	return sink.Translated(tr)
}

// stdoutDest is one input's results in one target where the text goes to stdout or to a file
// (Files.Output), the speech to Files.AudioOut, the dubbed video to Files.Dub. Alone in its run
// (ord nil) it writes to stdout directly; among others (several inputs, or targets) its text is
// printed in input, then target, order, unit being its place, under a header line as tail(1)
// writes one, or in the batch's one JSON document. Every file appears only when all of them are
// complete.
type stdoutDest struct {
	r     *Run
	it    batch.Item
	t     int
	files Single
	ord   *translate.Ordered
	unit  int

	held *held // the unit's place in ord; nil for a single input
	res  *results.Single
	text sink.Output
	w    *sink.Text
	dub  *atomicfile.File
}

// held is a unit's place in the order of a batch's stdout: what it writes waits there until the
// units before it are done. Text to stdout goes under the unit's header line, written with its
// first text (or when it is done with none): one that fails first gets no empty section, only
// its line in the summary.
type held struct {
	part   translate.Sink
	header string // "" for none
	headed bool
}

func (h *held) Write(p []byte) (int, error) {
	if err := h.writeHeader(); err != nil {
		return 0, err
	}
	return len(p), h.part.Text(string(p))
}

// writeHeader writes the header line, once; a nil held has none.
func (h *held) writeHeader() error {
	if h == nil || h.headed || h.header == "" {
		return nil
	}
	h.headed = true
	return h.part.Text(h.header)
}

// reset drops what the unit wrote so far, header included: its request starts again.
func (h *held) reset() error {
	if err := h.part.Reset(); err != nil {
		return err
	}
	h.headed = false
	return nil
}

func (dd *stdoutDest) open(ctx context.Context) (pipeline.Output, *sink.Outcome) {
	failed := func(err error) (pipeline.Output, *sink.Outcome) {
		dd.end()
		o := sink.Failed(err)
		return pipeline.Output{}, &o
	}
	r, it, f, files := dd.r, dd.it, dd.r.Format, dd.files
	if it.Err != nil {
		return failed(it.Err)
	}
	stdout := r.Stdout
	toStdout := files.Output == "" || files.Output == "-"
	if dd.ord != nil {
		dd.held = &held{part: dd.ord.Sink(dd.unit)}
		if f.Name == sink.FormatText && toStdout {
			dd.held.header = "==> " + sink.ShownName(r.unitName(it.Name, dd.t)) + " <==\n"
			if dd.unit > 0 {
				dd.held.header = "\n" + dd.held.header
			}
		}
		stdout = dd.held
	}
	res, err := results.OpenSingle(ctx, stdout, files.Output, files.AudioOut, files.Overwrite, files.Dub)
	if err != nil {
		return failed(err)
	}
	dd.res = res
	if files.Dub != "" {
		if dd.dub, err = atomicfile.Create(ctx, files.Dub, files.Overwrite); err != nil {
			res.Close()
			return failed(err)
		}
	}
	format := f.Name
	if format == sink.FormatJSON && dd.ord != nil && files.Output == "" {
		format = sink.FormatNone // the batch's one document is written at the end
	}
	dd.text, dd.w = sink.New(res.Out, f.Subs, f.Timed, format, it.Name, r.Targets[dd.t].Lang)
	out := pipeline.Output{Sink: dd.text, Audio: res.Audio, Dub: dd.dub, Files: res.Outputs, KeepText: f.keepsText()}
	canReset := res.CanReset(f.Name == sink.FormatJSON)
	heldText := dd.held != nil && toStdout
	if heldText {
		// Possible only while the unit's output is still held: drop it and start again.
		canReset = dd.held.part.Reset != nil && res.CanReset(true)
	}
	if canReset {
		out.Sink = sink.WithReset(dd.text, func() error {
			if heldText {
				if err := dd.held.reset(); err != nil {
					return err
				}
			}
			if dd.w != nil {
				dd.w.Forget()
			}
			return res.Reset()
		})
	}
	if res.Audio != nil && !f.Timed {
		out.Audio = dd.w.Audio(res.Audio)
	}
	return out, nil
}

// end releases the unit's place in the order of stdout, if it has one.
func (dd *stdoutDest) end() error {
	if dd.ord == nil {
		return nil
	}
	return dd.ord.Finish(dd.unit)
}

func (dd *stdoutDest) finish(tr *pipeline.Result, err error) sink.Outcome {
	r, f := dd.r, dd.r.Format
	defer dd.res.Close()
	if dd.dub != nil {
		defer dd.dub.Abort()
	}
	if err == nil {
		err = dd.commit(tr)
	}
	if err != nil {
		stopped := errors.Is(err, context.Canceled) && dd.ord != nil
		toStdout := dd.files.Output == "" || dd.files.Output == "-"
		if dd.w != nil && toStdout && (!stopped || f.Name == sink.FormatJSONL) {
			// The error itself goes to stderr; stdout's JSON says it too, as its error line
			// does (jsonl says that an input whose text events began was interrupted).
			_ = dd.w.Fail(r.Report.Failed(dd.it.Name, r.limit(err, r.unitName(dd.it.Name, dd.t))))
		}
		dd.end()
		return sink.Failed(err)
	}
	if err := dd.end(); err != nil {
		return sink.Failed(err)
	}
	return sink.Translated(tr)
}

// commit puts the target's files in place, speech and dub first, the text last.
func (dd *stdoutDest) commit(tr *pipeline.Result) error {
	r := dd.r
	if err := dd.res.CommitSpeech(tr); err != nil {
		return err
	}
	if dd.dub != nil {
		if err := dd.dub.Commit(); err != nil {
			return err
		}
		path := dd.files.Dub
		tr.DubFile = &path
	}
	if err := dd.held.writeHeader(); err != nil { // translated, even if nothing was said
		return err
	}
	if err := dd.text.Finish(tr); err != nil {
		return err
	}
	r.usage(tr)
	if tr.AudioFile != nil {
		r.Report.Info("wrote %s (%.3f s of speech)", *tr.AudioFile, *tr.AudioSeconds)
	}
	if tr.DubFile != nil {
		r.Report.Info("wrote %s", *tr.DubFile)
	}
	return dd.res.CommitText()
}
