package results

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Output is one output of a one-input run.
type Output struct {
	Name  string // how messages name it (the flag that gave it)
	Path  string // "" or "-" for none (stdout is never checked)
	Video bool   // a video ffmpeg writes, seeking back into it: it must be a regular file
}

// CheckOutputs refuses, before anything is sent, outputs of a one-input run that would lose
// something: an output that is an input (also through a symbolic or a hard link), two outputs
// that are one file, a video into a device or a pipe.
func CheckOutputs(outputs []Output, items []batch.Item) error {
	var outs []Output
	for _, o := range outputs {
		if o.Path != "" && o.Path != "-" {
			outs = append(outs, o)
		}
	}
	inputs := statInputs(items)
	for i, o := range outs {
		st, err := os.Stat(o.Path)
		if err == nil {
			if in, ok := inputs.find(st); ok {
				return usage.Errorf("choose another name for the output", "%s %s is the input %s: writing it would destroy the input", o.Name, o.Path, in)
			}
			if o.Video && !st.Mode().IsRegular() && !st.IsDir() {
				return usage.Errorf("choose a file name for the dubbed video", "%s %s is not a regular file: ffmpeg seeks back into the video it writes", o.Name, o.Path)
			}
		}
		for _, p := range outs[:i] {
			if SameOutput(p.Path, o.Path) {
				return usage.Errorf("choose another name for one of them", "%s and %s name the same file %s", p.Name, o.Name, o.Path)
			}
		}
	}
	return nil
}

// SameOutput reports whether two outputs are one file, which is fine only for a character
// device such as /dev/null.
func SameOutput(a, b string) bool {
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

// Earlier is a text result under the name that an earlier run or version gave an input's results
// (without the input's folder or extension), where the input has none under its own name.
type Earlier struct {
	Input string // the input, as shown
	Old   string // the text result under the earlier name
	New   string // the input's text result now
}

// Found is what Check found of earlier runs' results.
type Found struct {
	// Moved are results the usage ledger says were the input's: moved to the input's names, they
	// mark it done.
	Moved []Earlier
	// Unclaimed are results of which nothing says whose they are: they stay, and the input is
	// translated.
	Unclaimed []Earlier
}

// Check checks the result files of every input, before anything is sent: two inputs with one
// result, a result that is an input, standard input over an existing result (unless the layout
// overwrites) are refused. Results that an earlier run or version wrote under an input's old
// name are moved to its names when the usage ledger at ledgerPath says they were its; the others
// are returned, as Found.Unclaimed. The moves done are returned also with an error.
func (l Layout) Check(items []batch.Item, ledgerPath string) (Found, error) {
	if err := batch.Collide(items, l.Dir, l.Code, l.TextExt); err != nil {
		return Found{}, err
	}
	earlier, err := l.scan(items)
	if err != nil || len(earlier) == 0 || l.Overwrite {
		return Found{Unclaimed: earlier}, err
	}
	return l.claim(earlier, earlierOwners(ledgerPath))
}

// scan checks each input's results and finds those under earlier names.
func (l Layout) scan(items []batch.Item) ([]Earlier, error) {
	inputs := statInputs(items)
	texts := map[string]bool{}
	for _, it := range items {
		if it.Err == nil {
			texts[l.path(it, l.TextExt)] = true
		}
	}
	var earlier []Earlier
	for _, it := range items {
		if it.Err != nil {
			continue // it fails when its turn comes, with no results
		}
		if err := l.notInput(it, inputs); err != nil {
			return nil, err
		}
		text := l.path(it, l.TextExt)
		switch {
		case l.Overwrite:
		case it.Stdin() && exists(text):
			return nil, usage.Wrap(&StdinExistsError{Path: text}, "")
		case it.Legacy != "" && !exists(text):
			// A result under the old name may be this input's or another's of the same name.
			old := l.path(batch.Item{Rel: it.Legacy}, l.TextExt)
			if exists(old) && !texts[old] {
				earlier = append(earlier, Earlier{Input: it.Name, Old: old, New: text})
			}
		}
	}
	return earlier, nil
}

// notInput refuses a result of it that is one of the inputs.
func (l Layout) notInput(it batch.Item, inputs inputFiles) error {
	for _, p := range []string{l.path(it, l.TextExt), l.path(it, ".wav"), l.path(it, ".json")} {
		if st, err := os.Stat(p); err == nil {
			if in, ok := inputs.find(st); ok {
				return usage.Wrap(&InputError{Result: p, Of: it.Name, Input: in}, "")
			}
		}
	}
	return nil
}

// claim moves an earlier run's results under the old name to the input's names when the usage
// ledger says the input's last translation wrote them (owners): the input is done. Without that
// record, a result under a shared old name may be another input's: it stays.
func (l Layout) claim(earlier []Earlier, owners map[string]string) (Found, error) {
	var f Found
	var kept []Earlier
	for _, m := range earlier {
		if owners[m.Old] != m.Input {
			kept = append(kept, m)
			continue
		}
		if err := l.move(m.Old, m.New); err != nil {
			return f, err
		}
		f.Moved = append(f.Moved, m)
	}
	for _, m := range kept {
		if exists(m.Old) { // not moved away for another input just now
			f.Unclaimed = append(f.Unclaimed, m)
		}
	}
	return f, nil
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

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

// earlierOwners reads, from the usage ledger at path, which input each result file was last
// written for (paths as the runs gave them). Without a ledger it knows nothing.
func earlierOwners(path string) map[string]string {
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

// move renames an input's results from the old name of its text result to the new one: the
// text, and the speech and JSON beside it when they exist.
func (l Layout) move(oldText, newText string) error {
	suffix := "." + l.Code + l.TextExt
	oldBase, newBase := strings.TrimSuffix(oldText, suffix), strings.TrimSuffix(newText, suffix)
	if err := os.MkdirAll(filepath.Dir(newText), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(newText), err)
	}
	for _, e := range []string{".wav", ".json", l.TextExt} { // the text last: it marks the input done
		from, to := oldBase+"."+l.Code+e, newBase+"."+l.Code+e
		if _, err := os.Lstat(from); err != nil {
			continue
		}
		if err := os.Rename(from, to); err != nil {
			return fmt.Errorf("moving %s to %s: %w", from, to, err)
		}
	}
	return nil
}

// shownUnclaimed is how many unclaimed results CheckDir warns about one by one; the others are
// counted in one warning and named through info.
const shownUnclaimed = 5

// CheckDir checks, before anything is sent, that the output directory is one (or not there
// yet), and the results in it of every target language (codes) as Check does; it reports what
// it found: the results it moved to an input's names through info, and through warn those of an
// earlier run it does not take as an input's (past the first few, one warning counts the
// others, an *UnclaimedNote, and info names them).
func (l Layout) CheckDir(codes []string, items []batch.Item, ledgerPath string, warn, info func(format string, args ...any)) error {
	if st, err := os.Stat(l.Dir); err == nil && !st.IsDir() {
		return usage.Wrap(&NotDirError{Path: l.Dir}, "")
	}
	var unclaimed []Earlier
	for _, code := range codes {
		l.Code = code
		f, err := l.Check(items, ledgerPath)
		for _, m := range f.Moved {
			info("%s: its result %s, from an earlier run (the usage ledger says so), moved to %s", m.Input, m.Old, m.New)
		}
		if err != nil {
			return err
		}
		unclaimed = append(unclaimed, f.Unclaimed...)
	}
	for i, m := range unclaimed {
		if i == shownUnclaimed {
			warn("%s", &UnclaimedNote{More: len(unclaimed) - shownUnclaimed})
		}
		report := warn
		if i >= shownUnclaimed {
			report = info
		}
		report("%s, named by an earlier run or version without the input's folder or extension, is not taken as the result of %s, which is translated into %s (move it there first if it is that input's)", m.Old, m.Input, m.New)
	}
	return nil
}
