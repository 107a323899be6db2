package cmd

import (
	"context"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/sink"
)

// textExt is the text result's extension under --out-dir: .txt, or the subtitles'.
func textExt(s *settings) string {
	if s.subs != 0 {
		return s.subs.Ext()
	}
	return ".txt"
}

// resultLayout is where the run puts each input's results under --out-dir, and which.
func resultLayout(s *settings, opts *translateOptions, textExt string) results.Layout {
	return results.Layout{Dir: opts.OutDir, Code: s.to.Code, TextExt: textExt, Speech: opts.Speech,
		JSON: s.format == "json", Overwrite: opts.Overwrite}
}

// openDirResults opens the input's results under --out-dir for writing, unless they all exist
// already and --overwrite is not given (then skip is true).
func (a *app) openDirResults(ctx context.Context, s *settings, opts *translateOptions, it batch.Item, textExt string) (d *results.Dir, skip bool, err error) {
	if it.Err != nil {
		return nil, false, it.Err
	}
	d = resultLayout(s, opts, textExt).Input(it)
	if d.Done() {
		a.infof("skipping %s: %s exists (--overwrite redoes it)", it.Name, d.TextPath)
		return nil, true, nil
	}
	removed, err := d.Open(ctx)
	for _, f := range removed {
		a.infof("removed %s, left by a run that was stopped", f)
	}
	if err != nil {
		return nil, false, err
	}
	return d, false, nil
}

// finishDir ends one input of a batch written under --out-dir, whatever produced it: the output's
// last bytes (finish), every file put in place, the -v usage line, and the input's outcome.
func (a *app) finishDir(d *results.Dir, it batch.Item, tr *pipeline.Result, err error, finish func(*pipeline.Result) error) sink.Outcome {
	if err == nil {
		err = finish(tr)
	}
	if err == nil {
		err = d.Commit(tr, writeJSONFile)
	}
	if err != nil {
		return sink.Failed(err)
	}
	a.reportUsage(tr)
	if tr.FinishReason == "length" {
		a.warnf("%s: the translation was cut short at the output limit (finish_reason: length)", it.Name)
	}
	return sink.Translated(tr)
}
