package cmd

import (
	"github.com/livetranslate/livetranslate/internal/results"
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
