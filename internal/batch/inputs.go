// Package batch turns what the user named (files, directories, URLs, a list from another command)
// into the inputs of a run, and names the result files of each under --out-dir so that every
// input has its own, decided before anything is sent, and a rerun finds what is already done.
//
// Where an input's results go (Item.Rel): a file found in a directory walk mirrors its path
// below that directory; a file named on the command line or in a --files-from list mirrors its
// path as given (./a/talk.wav → a/talk), or, when that path is absolute or climbs out with "..",
// its path below the common directory of all such inputs; a URL is named after the last segment
// of its path. The name loses its extension unless another audio or video file of the same name
// sits in the same folder (talk.mp3 beside talk.flac → talk.mp3), so the name does not depend on
// which of them a run takes. Two inputs that would still share a result are refused (Collide).
//
// The tool's own results are never inputs: a walk skips the --out-dir and, wherever they are,
// files that look like a speech result (IsResult); a --files-from list skips the latter too.
package batch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/livetranslate/livetranslate/internal/bytesize"
	"github.com/livetranslate/livetranslate/internal/ctxio"
	"github.com/livetranslate/livetranslate/internal/lang"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Item is one input of a run.
type Item struct {
	Name string // as shown to the user: the path or URL given, or the walked file's path
	Path string // local file ("" for a URL or standard input)
	URL  string // http(s) URL passed through
	// Rel is where the item's results go under --out-dir, without the language and extension
	// (see the package comment).
	Rel string
	// Legacy is where versions before per-input result paths put the results, when that differs
	// from Rel: named files by their base name alone, and without their extension. Results
	// found there are not taken as this item's (they may be another input's): a rerun says so.
	Legacy string
	// Err is why the item cannot be translated, found while expanding the inputs (a directory
	// that cannot be read): the run reports it as this input's failure, and goes on with the rest.
	Err error
}

// Stdin reports whether the item is standard input.
func (it Item) Stdin() bool { return it.Name == "-" }

// Options filter what a directory walk finds.
type Options struct {
	Include []string // glob patterns a walked file's base name or relative path must match (any)
	Exclude []string // glob patterns that skip a walked file or directory
	// IsMedia says whether a file is audio or video (by content).
	IsMedia func(path string) (bool, error)
	// OutDir is the run's --out-dir ("" for none): a walk does not enter it.
	OutDir string
}

// Skipped is a file a walk or a list left out, and why, for -v.
type Skipped struct {
	Path string
	Why  Reason
}

// Reason is why a file was left out, in this package's words; the command layer may word the
// ones about its options (OutDir, Include, Exclude) naming the flag.
type Reason string

const (
	SkipOutDir      Reason = "it is the output directory"
	SkipExcluded    Reason = "filtered out by an exclude pattern"
	SkipNotIncluded Reason = "not matched by an include pattern"
	SkipResult      Reason = "a result of livetranslate"
	SkipNotMedia    Reason = "not an audio or video file"
)

// Expand turns arguments, then the entries of a --files-from list, into items, in the order
// given; directories are walked recursively in lexical order, skipping hidden files and
// directories, files that are not audio or video, the --out-dir and the tool's results. A file
// named twice is kept once.
func Expand(args, listed []string, o Options) (items []Item, skipped []Skipped, err error) {
	for _, p := range append(o.Include, o.Exclude...) {
		if _, err := path.Match(p, ""); err != nil {
			return nil, nil, &usage.Error{Msg: fmt.Sprintf("bad pattern %q: %v", p, err)}
		}
	}
	e := &expansion{o: o, seen: map[string]bool{}}
	if o.OutDir != "" {
		e.outDir, _ = os.Stat(o.OutDir) // nil until the first run creates it
	}
	for i, a := range append(append([]string(nil), args...), listed...) {
		if err := e.arg(a, i >= len(args)); err != nil {
			return nil, nil, err
		}
	}
	name(e.items, e.places, o.IsMedia)
	return e.items, e.skipped, nil
}

// expansion is the inputs found so far, each once.
type expansion struct {
	o       Options
	outDir  fs.FileInfo // the results' directory, never walked; nil when it does not exist yet
	seen    map[string]bool
	items   []Item
	places  []place
	skipped []Skipped
}

// add keeps it, unless an input of the same file or URL was kept already.
func (e *expansion) add(it Item, pl place) {
	key := it.Path
	if key == "" {
		key = it.Name
	}
	if abs, err := filepath.Abs(key); err == nil && it.Path != "" {
		key = abs
	}
	if !e.seen[key] {
		e.seen[key] = true
		e.items = append(e.items, it)
		e.places = append(e.places, pl)
	}
}

func (e *expansion) skip(p string, why Reason) { e.skipped = append(e.skipped, Skipped{p, why}) }

// arg expands one argument (listed: it came from a list of inputs, not the command line).
func (e *expansion) arg(a string, listed bool) error {
	switch {
	case a == "-":
		e.add(Item{Name: "-", Rel: "stdin"}, place{})
		return nil
	case isURL(a):
		e.add(Item{Name: a, URL: a, Rel: urlStem(a)}, place{})
		return nil
	}
	st, err := os.Stat(a)
	if err != nil || !st.IsDir() {
		if listed && IsResult(a) {
			e.skip(a, SkipResult)
			return nil
		}
		// Files (and missing paths) are kept: translating them reports the precise error.
		e.add(Item{Name: a, Path: a, Legacy: stem(filepath.Base(a))}, named(a))
		return nil
	}
	// Walk the directory itself when a symbolic link names it (WalkDir does not follow links).
	root, err := filepath.EvalSymlinks(a)
	if err != nil {
		return fmt.Errorf("walking %s: %w", a, err)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		return e.visit(filepath.Join(a, rel), rel, d, err)
	})
	if err != nil {
		return fmt.Errorf("walking %s: %w", a, err)
	}
	return nil
}

// visit takes one entry of a walked directory: p as the user named it, rel within the directory.
func (e *expansion) visit(p, rel string, d fs.DirEntry, err error) error {
	if err != nil {
		// A folder that cannot be read fails as an input of its own; the walk goes on.
		e.add(Item{Name: p, Err: unreadableDir(p, err)}, place{})
		return nil
	}
	if rel != "." {
		if skip, err := e.pruned(p, rel, d); skip {
			return err
		}
	}
	if d.IsDir() || !d.Type().IsRegular() {
		return nil
	}
	if why, skip := e.refused(p, rel, d); skip {
		e.skip(p, why)
		return nil
	}
	e.add(Item{Name: p, Path: p, Legacy: filepath.Join(filepath.Dir(rel), stem(d.Name()))}, place{rel: rel})
	return nil
}

// pruned reports whether the walk leaves out an entry below the directory it walks (hidden
// files and folders, the results' directory, what --exclude names), and what to tell WalkDir.
func (e *expansion) pruned(p, rel string, d fs.DirEntry) (bool, error) {
	if strings.HasPrefix(d.Name(), ".") {
		return true, skipDir(d)
	}
	if d.IsDir() && e.outDir != nil {
		if fi, err := d.Info(); err == nil && os.SameFile(fi, e.outDir) {
			e.skip(p, SkipOutDir)
			return true, filepath.SkipDir
		}
	}
	if matchAny(e.o.Exclude, rel, d.Name()) {
		if !d.IsDir() {
			e.skip(p, SkipExcluded)
		}
		return true, skipDir(d)
	}
	return false, nil
}

// skipDir is what WalkDir is told of a pruned entry: skip it, and all of it if it is a folder.
func skipDir(d fs.DirEntry) error {
	if d.IsDir() {
		return filepath.SkipDir
	}
	return nil
}

// refused says why a file of a walked directory is not an input: not what --include names, a
// result of this tool, not audio or video.
func (e *expansion) refused(p, rel string, d fs.DirEntry) (Reason, bool) {
	if len(e.o.Include) > 0 && !matchAny(e.o.Include, rel, d.Name()) {
		return SkipNotIncluded, true
	}
	if IsResult(p) {
		return SkipResult, true
	}
	if e.o.IsMedia != nil {
		// A file that cannot be read is kept: translating it reports why, as its failure.
		if ok, err := e.o.IsMedia(p); err == nil && !ok {
			return SkipNotMedia, true
		}
	}
	return "", false
}

// unreadableDir is the failure of a directory the walk could not read.
func unreadableDir(p string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return &usage.Error{Msg: fmt.Sprintf("cannot read directory %s: permission denied (check its permissions)", p)}
	}
	return fmt.Errorf("reading directory %s: %w", p, err)
}

// place is where a local file's results go before its name is decided: rel, its path below the
// out-dir with its extension, or abs for a file named outside the working directory (placed
// below the common directory of all such files).
type place struct{ rel, abs string }

// named places a file named by the user: its path as given, unless it is absolute or climbs out
// of the working directory, which would put its results outside the --out-dir.
func named(p string) place {
	c := filepath.Clean(p)
	if !filepath.IsAbs(c) && c != ".." && !strings.HasPrefix(c, ".."+string(filepath.Separator)) {
		return place{rel: c}
	}
	abs, err := filepath.Abs(c)
	if err != nil {
		return place{rel: filepath.Base(c)}
	}
	return place{abs: abs}
}

// name sets each local item's Rel from its place: files named outside the working directory go
// below their common directory; a name keeps its extension where a sibling shares its stem.
func name(items []Item, places []place, isMedia func(string) (bool, error)) {
	common := ""
	for _, pl := range places {
		if pl.abs != "" {
			common = commonDir(common, filepath.Dir(pl.abs))
		}
	}
	sib := siblings{isMedia: isMedia, dirs: map[string]map[string][]string{}, media: map[string]bool{}}
	for i := range items {
		it, pl := &items[i], places[i]
		if it.Path == "" {
			continue
		}
		rel := pl.rel
		if pl.abs != "" {
			rel, _ = filepath.Rel(common, pl.abs)
		}
		base := filepath.Base(it.Path)
		n := stem(base)
		if sib.shared(filepath.Dir(it.Path), base) {
			n = base
		}
		it.Rel = filepath.Join(filepath.Dir(rel), n)
		if it.Legacy == it.Rel {
			it.Legacy = ""
		}
	}
}

// commonDir is the deepest directory holding both a and b ("" is none yet).
func commonDir(a, b string) string {
	if a == "" {
		return b
	}
	for {
		if r, err := filepath.Rel(a, b); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return a
		}
		up := filepath.Dir(a)
		if up == a {
			return a
		}
		a = up
	}
}

// siblings answers whether another audio or video file shares a file's name without extension
// in its folder, reading each folder once.
type siblings struct {
	isMedia func(string) (bool, error)
	dirs    map[string]map[string][]string // folder → stem → file names
	media   map[string]bool
}

func (s *siblings) shared(dir, base string) bool {
	stems, ok := s.dirs[dir]
	if !ok {
		stems = map[string][]string{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if n := e.Name(); !strings.HasPrefix(n, ".") && !e.IsDir() {
				stems[stem(n)] = append(stems[stem(n)], n)
			}
		}
		s.dirs[dir] = stems
	}
	for _, n := range stems[stem(base)] {
		if n == base {
			continue
		}
		p := filepath.Join(dir, n)
		m, ok := s.media[p]
		if !ok {
			m = s.isMedia == nil
			if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || IsResult(p) {
				m = false
			} else if s.isMedia != nil {
				m, _ = s.isMedia(p)
			}
			s.media[p] = m
		}
		if m {
			return true
		}
	}
	return false
}

// IsResult reports whether path looks like a speech result of this tool: NAME.<code>.wav,
// <code> a language the tool translates to, beside NAME.<code>.txt (.srt, .vtt), the text
// result that is always written, last, with it.
func IsResult(p string) bool {
	base := filepath.Base(p)
	st, ok := strings.CutSuffix(base, ".wav")
	if !ok {
		return false
	}
	code := strings.TrimPrefix(filepath.Ext(st), ".")
	if code == "" || !isCode(code) {
		return false
	}
	for _, ext := range []string{".txt", ".srt", ".vtt"} {
		if fi, err := os.Stat(filepath.Join(filepath.Dir(p), st+ext)); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

func isCode(code string) bool {
	for _, l := range lang.All() {
		if l.Code == code {
			return true
		}
	}
	return false
}

func matchAny(patterns []string, rel, base string) bool {
	rel = filepath.ToSlash(rel)
	for _, p := range patterns {
		if ok, _ := path.Match(p, base); ok {
			return true
		}
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
	}
	return false
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// stem is a file name without its extension.
func stem(name string) string {
	if ext := filepath.Ext(name); ext != "" && ext != name {
		return strings.TrimSuffix(name, ext)
	}
	return name
}

// urlStem names a URL's results after its last path segment, or its host.
func urlStem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "url"
	}
	if b := path.Base(u.Path); b != "" && b != "/" && b != "." && b != ".." {
		return stem(b)
	}
	return u.Hostname()
}

// ReadList reads one input per line (or per NUL-terminated record with nul), skipping empty
// lines, for --files-from. It stops when ctx is done, also while a read waits on a silent pipe,
// and refuses what cannot be a list of names: an entry over 1 MiB, or a million empty entries in
// a row (--files-from /dev/zero).
func ReadList(ctx context.Context, r io.Reader, nul bool) ([]string, error) {
	sc := bufio.NewScanner(ctxio.NewReader(ctx, r))
	sc.Buffer(make([]byte, 64<<10), maxListEntry)
	if nul {
		sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
			if i := bytes.IndexByte(data, 0); i >= 0 {
				return i + 1, data[:i], nil
			}
			if atEOF && len(data) > 0 {
				return len(data), data, nil
			}
			return 0, nil, nil
		})
	}
	var out []string
	empty := 0
	for sc.Scan() {
		line := sc.Text()
		if !nul {
			line = strings.TrimRight(line, "\r")
		}
		if strings.TrimSpace(line) == "" {
			if empty++; empty == maxEmptyEntries {
				return nil, &usage.Error{Msg: fmt.Sprintf("the list of inputs has %d empty entries in a row and no name: is it the right file?", empty)}
			}
			if empty%4096 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		empty = 0
		out = append(out, line)
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		hint := ""
		if !nul {
			hint = " (-0 reads names ended by NUL bytes)"
		}
		return nil, &usage.Error{Msg: fmt.Sprintf("the list of inputs has an entry over %s: is it the right file?%s", bytesize.Text(maxListEntry), hint)}
	case err != nil:
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("reading the list of inputs: %w", err)
	}
	return out, nil
}

// Bounds of a list of inputs: no path is a megabyte long, and a million empty lines or NUL
// bytes in a row are not a list.
const (
	maxListEntry    = 1 << 20
	maxEmptyEntries = 1 << 20
)

// ResultPath is where an item's result with extension ext (".txt", ".wav", ".json") goes:
// OUTDIR/REL.<code>.ext.
func ResultPath(outDir string, it Item, code, ext string) string {
	return filepath.Join(outDir, it.Rel+"."+code+ext)
}

// CollisionError reports two inputs whose results would be one file; Collide returns it inside a
// usage error (nothing was sent).
type CollisionError struct {
	A, B   string // the inputs, as named
	Result string // the file both would be written to
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("%s and %s would both be written to %s", e.A, e.B, e.Result)
}

// Collide refuses two items whose results would share a path (OUTDIR/REL.<code>.ext).
func Collide(items []Item, outDir, code, ext string) error {
	first := map[string]int{}
	for i, it := range items {
		if it.Err != nil {
			continue // it has no results
		}
		p := ResultPath(outDir, it, code, ext)
		if j, ok := first[p]; ok {
			return usage.Wrap(&CollisionError{A: items[j].Name, B: it.Name, Result: p}, "")
		}
		first[p] = i
	}
	return nil
}

// ErrNoInputs is returned when nothing was left to translate.
var ErrNoInputs = errors.New("no inputs")

// Request is what names a run's inputs: the arguments, and a list of them (List: a path, "-"
// for In, "" for none) read one a line, or NUL-separated.
type Request struct {
	Args []string
	List string
	Nul  bool
	In   io.Reader // standard input, for a list read from "-"
	Options
}

// Typed refusals of Collect, which the command layer words.
var (
	// ErrNoInput: neither an argument nor a list names an input.
	ErrNoInput = errors.New("no input")
	// ErrStdinNotAlone: standard input named with other inputs, or a list read from it too.
	ErrStdinNotAlone = errors.New("standard input (-) can only be translated on its own")
)

// ListError is a list of inputs that cannot be opened (Open) or read.
type ListError struct {
	Path string
	Open bool
	Err  error
}

func (e *ListError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *ListError) Unwrap() error { return e.Err }

// NoMediaError is a run whose arguments and list named no audio or video file.
type NoMediaError struct{ Named []string }

func (e *NoMediaError) Error() string {
	return "no audio or video files found in " + strings.Join(e.Named, ", ")
}

// Collect is Expand over r's arguments and list, refusing a run with nothing to translate and
// standard input named with anything else.
func Collect(ctx context.Context, r Request) ([]Item, []Skipped, error) {
	var listed []string
	if r.List != "" {
		in := r.In
		if r.List != "-" {
			f, err := ctxio.Open(ctx, r.List)
			switch {
			case ctx.Err() != nil:
				return nil, nil, ctx.Err()
			case err != nil:
				return nil, nil, &usage.Error{Err: &ListError{Path: r.List, Open: true, Err: err}}
			}
			defer f.Close()
			in = f
		}
		var err error
		if listed, err = ReadList(ctx, in, r.Nul); err != nil {
			return nil, nil, &ListError{Path: r.List, Err: err}
		}
	}
	if len(r.Args)+len(listed) == 0 {
		return nil, nil, &usage.Error{Err: ErrNoInput}
	}
	items, skipped, err := Expand(r.Args, listed, r.Options)
	if err != nil {
		return nil, skipped, err
	}
	if len(items) == 0 {
		return nil, skipped, &usage.Error{Err: &NoMediaError{Named: append(append([]string(nil), r.Args...), listed...)}}
	}
	for _, it := range items {
		if it.Stdin() && (len(items) > 1 || r.List == "-") {
			return nil, skipped, &usage.Error{Err: ErrStdinNotAlone}
		}
	}
	return items, skipped, nil
}
