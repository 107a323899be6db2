package cmd

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/ledger"
)

// checkPaths refuses, before anything is sent, outputs that would lose something: an output
// that is an input (also through a symbolic or a hard link), two outputs that are one file, a
// dubbed video into a device or a pipe; under --out-dir, two inputs with one result, a result
// that is an input, and standard input over an existing result. It warns about results of an
// earlier version that a rerun does not take as done.
func (a *app) checkPaths(s *settings, opts *translateOptions, items []batch.Item) error {
	if opts.OutDir == "" {
		return checkOutputs(opts, items)
	}
	if st, err := os.Stat(opts.OutDir); err == nil && !st.IsDir() {
		return usagef("choose a directory, or a name that does not exist yet (it is created)", "--out-dir %s is not a directory", opts.OutDir)
	}
	return a.checkDirResults(s, opts, items)
}

// checkOutputs checks -o, --audio-out and --dub of a one-input run.
func checkOutputs(opts *translateOptions, items []batch.Item) error {
	type output struct{ flag, path string }
	var outs []output
	for _, o := range []output{{"-o", opts.Output}, {"--audio-out", opts.AudioOut}, {"--dub", opts.Dub}} {
		if o.path != "" && o.path != "-" {
			outs = append(outs, o)
		}
	}
	inputs := statInputs(items)
	for i, o := range outs {
		st, err := os.Stat(o.path)
		if err == nil {
			if in, ok := inputs.find(st); ok {
				return usagef("choose another name for the output", "%s %s is the input %s: writing it would destroy the input", o.flag, o.path, in)
			}
			if o.flag == "--dub" && !st.Mode().IsRegular() && !st.IsDir() {
				return usagef("choose a file name for the dubbed video", "--dub %s is not a regular file: ffmpeg seeks back into the video it writes", o.path)
			}
		}
		for _, p := range outs[:i] {
			if sameOutput(p.path, o.path) {
				return usagef("choose another name for one of them", "%s and %s name the same file %s", p.flag, o.flag, o.path)
			}
		}
	}
	return nil
}

// sameOutput reports whether two outputs are one file, which is fine only for a character
// device such as /dev/null.
func sameOutput(a, b string) bool {
	sa, erra := os.Stat(a)
	sb, errb := os.Stat(b)
	switch {
	case erra == nil && errb == nil:
		return os.SameFile(sa, sb) && sa.Mode()&fs.ModeCharDevice == 0
	case erra == nil || errb == nil:
		return false
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// checkDirResults checks the result files of every input under --out-dir.
func (a *app) checkDirResults(s *settings, opts *translateOptions, items []batch.Item) error {
	ext := ".txt"
	if s.subs != 0 {
		ext = s.subs.Ext()
	}
	code := s.to.Code
	if err := batch.Collide(items, opts.OutDir, code, ext); err != nil {
		return err
	}
	inputs := statInputs(items)
	exists := func(p string) bool { _, err := os.Lstat(p); return err == nil }
	texts := map[string]bool{}
	for _, it := range items {
		if it.Err == nil {
			texts[batch.ResultPath(opts.OutDir, it, code, ext)] = true
		}
	}
	type moved struct {
		it       batch.Item
		old, now string
	}
	var earlier []moved
	for _, it := range items {
		if it.Err != nil {
			continue // it fails when its turn comes, with no results
		}
		text := batch.ResultPath(opts.OutDir, it, code, ext)
		for _, p := range []string{text, batch.ResultPath(opts.OutDir, it, code, ".wav"), batch.ResultPath(opts.OutDir, it, code, ".json")} {
			if st, err := os.Stat(p); err == nil {
				if in, ok := inputs.find(st); ok {
					return usagef("choose an --out-dir outside the inputs, or rename the input", "%s, the result of %s, is the input %s", p, it.Name, in)
				}
			}
		}
		switch {
		case opts.Overwrite:
		case it.Stdin() && exists(text):
			return usagef("pass --overwrite to replace it, or write to -o FILE", "%s exists, and standard input cannot be recognised as translated already", text)
		case it.Legacy != "" && !exists(text):
			// A result under the old name may be this input's or another's of the same name.
			old := batch.ResultPath(opts.OutDir, batch.Item{Rel: it.Legacy}, code, ext)
			if exists(old) && !texts[old] {
				earlier = append(earlier, moved{it, old, text})
			}
		}
	}
	// An earlier run's result under the old name is this input's when the usage ledger says the
	// input's last translation wrote it: it is moved to the input's name now, and the input is
	// done. (Without that record, a result under a shared old name may be another input's.)
	if len(earlier) > 0 && !opts.Overwrite {
		owners := a.earlierOwners(opts)
		kept := earlier[:0]
		for _, m := range earlier {
			if owners[m.old] == m.it.Name {
				if err := moveResults(m.old, m.now, code, ext); err != nil {
					return err
				}
				a.infof("%s: its result %s, from an earlier run (the usage ledger says so), moved to %s", m.it.Name, m.old, m.now)
				continue
			}
			kept = append(kept, m)
		}
		earlier = kept[:0]
		for _, m := range kept {
			if exists(m.old) { // not moved away for another input just now
				earlier = append(earlier, m)
			}
		}
	}
	const shown = 5
	for i, m := range earlier {
		if i == shown {
			a.warnf("%d more inputs have results under the names of an earlier run or version (-v lists them); they are translated", len(earlier)-shown)
		}
		f := a.warnf
		if i >= shown {
			f = a.infof
		}
		f("%s, named by an earlier run or version without the input's folder or extension, is not taken as the result of %s, which is translated into %s (move it there first if it is that input's)", m.old, m.it.Name, m.now)
	}
	return nil
}

// inputFiles are a run's local inputs, by size, to find an output among them.
type inputFiles map[int64][]inputFile

type inputFile struct {
	name string
	info fs.FileInfo
}

func statInputs(items []batch.Item) inputFiles {
	in := inputFiles{}
	for _, it := range items {
		if it.Path == "" {
			continue
		}
		if st, err := os.Stat(it.Path); err == nil && st.Mode().IsRegular() {
			in[st.Size()] = append(in[st.Size()], inputFile{it.Name, st})
		}
	}
	return in
}

// find names the input that st is, through any symbolic or hard link.
func (in inputFiles) find(st fs.FileInfo) (string, bool) {
	for _, f := range in[st.Size()] {
		if os.SameFile(f.info, st) {
			return f.name, true
		}
	}
	return "", false
}

// earlierOwners reads, from the usage ledger, which input each result file was last written for
// (paths as the runs gave them). Without a ledger it knows nothing.
func (a *app) earlierOwners(opts *translateOptions) map[string]string {
	path := opts.Ledger
	if path == "" {
		path = ledger.DefaultPath(a.getenv())
	}
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		return nil
	}
	defer l.Close()
	rows, err := l.List(context.Background(), ledger.Query{}) // newest first
	if err != nil {
		return nil
	}
	owners := map[string]string{}
	for _, r := range rows {
		if r.Status != ledger.StatusOK || r.Outputs == "" {
			continue
		}
		for _, out := range strings.Split(r.Outputs, ",") {
			if _, seen := owners[out]; !seen {
				owners[out] = r.Input
			}
		}
	}
	return owners
}

// moveResults renames an input's results from the old name of its text result to the new one:
// the text, and the speech and JSON beside it when they exist.
func moveResults(oldText, newText, code, ext string) error {
	oldBase, newBase := strings.TrimSuffix(oldText, "."+code+ext), strings.TrimSuffix(newText, "."+code+ext)
	if err := os.MkdirAll(filepath.Dir(newText), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(newText), err)
	}
	for _, e := range []string{".wav", ".json", ext} { // the text last: it marks the input done
		from, to := oldBase+"."+code+e, newBase+"."+code+e
		if _, err := os.Lstat(from); err != nil {
			continue
		}
		if err := os.Rename(from, to); err != nil {
			return fmt.Errorf("moving %s to %s: %w", from, to, err)
		}
	}
	return nil
}
