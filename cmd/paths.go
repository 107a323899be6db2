package cmd

import (
	"cmp"

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
	var codes []string
	var outs []results.Output
	for _, to := range s.targets {
		f := singleFiles(opts).For(to.Code)
		codes = append(codes, to.Code)
		outs = append(outs, results.Output{Name: "-o", Path: f.Output},
			results.Output{Name: "--audio-out", Path: f.AudioOut}, results.Output{Name: "--dub", Path: f.Dub, Video: true})
	}
	if opts.OutDir != "" {
		ledgerPath := cmp.Or(opts.Ledger, ledger.DefaultPath(a.getenv()))
		return resultLayout(s, opts, textExt(s)).CheckDir(codes, items, ledgerPath, worded(a.warnf), a.infof)
	}
	return results.CheckOutputs(outs, items)
}
