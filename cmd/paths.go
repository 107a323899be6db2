package cmd

import (
	"os"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/results"
)

// checkPaths refuses, before anything is sent, outputs that would lose something: an output
// that is an input (also through a symbolic or a hard link), two outputs that are one file, a
// dubbed video into a device or a pipe; under --out-dir, two inputs with one result, a result
// that is an input, and standard input over an existing result. It moves results of an earlier
// run that the usage ledger says are an input's to its names, and warns about the others, which
// a rerun does not take as done.
func (a *app) checkPaths(s *settings, opts *translateOptions, items []batch.Item) error {
	if opts.OutDir == "" {
		var outs []results.Output
		for _, to := range s.targets {
			f := singleFiles(opts).For(to.Code)
			outs = append(outs, results.Output{Name: "-o", Path: f.Output},
				results.Output{Name: "--audio-out", Path: f.AudioOut}, results.Output{Name: "--dub", Path: f.Dub, Video: true})
		}
		return results.CheckOutputs(outs, items)
	}
	if st, err := os.Stat(opts.OutDir); err == nil && !st.IsDir() {
		return usagef("choose a directory, or a name that does not exist yet (it is created)", "--out-dir %s is not a directory", opts.OutDir)
	}
	ledgerPath := opts.Ledger
	if ledgerPath == "" {
		ledgerPath = ledger.DefaultPath(a.getenv())
	}
	var found results.Found
	for _, to := range s.targets {
		l := resultLayout(s, opts, textExt(s))
		l.Code = to.Code
		f, err := l.Check(items, ledgerPath)
		for _, m := range f.Moved {
			a.infof("%s: its result %s, from an earlier run (the usage ledger says so), moved to %s", m.Input, m.Old, m.New)
		}
		if err != nil {
			return err
		}
		found.Unclaimed = append(found.Unclaimed, f.Unclaimed...)
	}
	const shown = 5
	for i, m := range found.Unclaimed {
		if i == shown {
			a.warnf("%d more inputs have results under the names of an earlier run or version (-v lists them); they are translated", len(found.Unclaimed)-shown)
		}
		f := a.warnf
		if i >= shown {
			f = a.infof
		}
		f("%s, named by an earlier run or version without the input's folder or extension, is not taken as the result of %s, which is translated into %s (move it there first if it is that input's)", m.Old, m.Input, m.New)
	}
	return nil
}
