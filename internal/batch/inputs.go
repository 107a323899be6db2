// Package batch turns what the user named (files, directories, URLs, a list from another command)
// into the inputs of a run, and names the result files of each under --out-dir, mirroring the
// input tree so a rerun finds what is already done.
package batch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Item is one input of a run.
type Item struct {
	Name string // as shown to the user: the path or URL given, or the walked file's path
	Path string // local file ("" for a URL or standard input)
	URL  string // http(s) URL passed through
	// Rel is where the item's results go under --out-dir, without extension: the path relative
	// to the directory it was found in, or the file's base name.
	Rel string
}

// Stdin reports whether the item is standard input.
func (it Item) Stdin() bool { return it.Name == "-" }

// Options filter what a directory walk finds.
type Options struct {
	Include []string // glob patterns a walked file's base name or relative path must match (any)
	Exclude []string // glob patterns that skip a walked file or directory
	// IsMedia says whether a walked file is audio or video (by content).
	IsMedia func(path string) (bool, error)
}

// UsageError is a bad argument: a missing path, a bad pattern.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string    { return e.Msg }
func (e *UsageError) UsageError() bool { return true }

// Expand turns arguments into items, in the order given; directories are walked recursively in
// lexical order, skipping hidden files and directories and files that are not audio or video.
// A file named twice is kept once. skipped lists the walked files left out, for -v.
func Expand(args []string, o Options) (items []Item, skipped []string, err error) {
	for _, p := range append(o.Include, o.Exclude...) {
		if _, err := path.Match(p, ""); err != nil {
			return nil, nil, &UsageError{Msg: fmt.Sprintf("bad pattern %q: %v", p, err)}
		}
	}
	seen := map[string]bool{}
	add := func(it Item) {
		key := it.Path
		if key == "" {
			key = it.Name
		}
		if abs, err := filepath.Abs(key); err == nil && it.Path != "" {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			items = append(items, it)
		}
	}
	for _, a := range args {
		switch {
		case a == "-":
			add(Item{Name: "-", Rel: "stdin"})
			continue
		case isURL(a):
			add(Item{Name: a, URL: a, Rel: urlStem(a)})
			continue
		}
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			// Files (and missing paths) are kept: translating them reports the precise error.
			add(Item{Name: a, Path: a, Rel: stem(filepath.Base(a))})
			continue
		}
		// Walk the directory itself when a symbolic link names it (WalkDir does not follow links).
		root, err := filepath.EvalSymlinks(a)
		if err != nil {
			return nil, nil, fmt.Errorf("walking %s: %w", a, err)
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			p = filepath.Join(a, rel)
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if rel != "." && matchAny(o.Exclude, rel, d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				skipped = append(skipped, p)
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if len(o.Include) > 0 && !matchAny(o.Include, rel, d.Name()) {
				skipped = append(skipped, p)
				return nil
			}
			if o.IsMedia != nil {
				ok, err := o.IsMedia(p)
				if err != nil || !ok {
					skipped = append(skipped, p)
					return nil
				}
			}
			add(Item{Name: p, Path: p, Rel: filepath.Join(filepath.Dir(rel), stem(d.Name()))})
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("walking %s: %w", a, err)
		}
	}
	return items, skipped, nil
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
	if b := path.Base(u.Path); b != "" && b != "/" && b != "." {
		return stem(b)
	}
	return u.Hostname()
}

// ReadList reads one input per line (or per NUL-terminated record with nul), skipping empty
// lines, for --files-from.
func ReadList(r io.Reader, nul bool) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
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
	for sc.Scan() {
		line := sc.Text()
		if !nul {
			line = strings.TrimRight(line, "\r")
		}
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the list of inputs: %w", err)
	}
	return out, nil
}

// ResultPath is where an item's result with extension ext (".txt", ".wav", ".json") goes:
// OUTDIR/REL.<code>.ext.
func ResultPath(outDir string, it Item, code, ext string) string {
	return filepath.Join(outDir, it.Rel+"."+code+ext)
}

// ErrNoInputs is returned when nothing was left to translate.
var ErrNoInputs = errors.New("no inputs")
