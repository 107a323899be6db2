// Package atomicfile writes a result file so that it exists only when complete: bytes go to a
// temporary file in the destination's directory, which Commit syncs and renames into place and
// Abort removes. A reader never sees a half-written result, and an interrupted run leaves nothing
// that poses as one.
//
// Only a regular file is replaced that way. A character device or a named pipe (/dev/null, a
// terminal, a FIFO, a process substitution's /dev/fd/N) is written into as it is: renaming a
// temporary file over it would put a regular file where the device or pipe was (as root, over the
// system's /dev/null), and its reader would never see a byte. Such a destination needs no
// overwrite permission, since nothing in it is replaced, and what was written cannot be taken
// back. A symbolic link is followed: the file it names is replaced, and the link stays.
package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/ctxio"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// The errors below come inside a usage error (the user's to fix), with a hint where one can be
// given without naming the command's flags.

// ExistsError reports a destination that already exists when overwriting was not allowed.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists", e.Path)
}

// DirError reports a destination whose directory is missing or not a directory.
type DirError struct {
	Path string
	Err  error
}

func (e *DirError) Error() string {
	return fmt.Sprintf("cannot write %s: directory %s does not exist", e.Path, filepath.Dir(e.Path))
}

func (e *DirError) Unwrap() error { return e.Err }

// KindError reports a destination that can be neither replaced nor written into: a directory, a
// block device, a socket.
type KindError struct {
	Path string
	Kind string // "a directory", "a block device", …
}

func (e *KindError) Error() string { return fmt.Sprintf("cannot write %s: it is %s", e.Path, e.Kind) }

// Dest is what a destination path turned out to be.
type Dest struct {
	// Path is the file to write: the path given, or the file a symbolic link there names.
	Path string
	// Direct is true for a character device or a named pipe, written into rather than replaced.
	Direct bool
	// Exists is true when something is there already.
	Exists bool
}

// Inspect says how path would be written, or why it cannot be: its directory must exist; an
// existing regular file is refused unless overwrite; a directory, a block device or a socket
// always.
func Inspect(path string, overwrite bool) (Dest, error) {
	d := Dest{Path: Resolve(path)}
	if _, ok := descriptorOf(path); ok {
		// One of this process's open descriptors (-o /dev/stdout, >(…)): written into as the
		// shell opened it (a >> file is appended to, not replaced).
		d.Exists, d.Direct = true, true
		return d, nil
	}
	st, err := os.Stat(path) // follows symbolic links: what matters is what is written
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Nothing there, or a link to nothing: the directory of the file to create must exist.
		dir := filepath.Dir(d.Path)
		dst, err := os.Stat(dir)
		if err != nil || !dst.IsDir() {
			if err == nil {
				err = fs.ErrInvalid
			}
			return d, usage.Wrap(&DirError{Path: path, Err: err}, "create the directory first (mkdir -p)")
		}
		return d, nil
	case err != nil:
		return d, fmt.Errorf("checking %s: %w", path, err)
	}
	d.Exists = true
	m := st.Mode()
	switch {
	case m.IsRegular():
	case m.IsDir():
		return d, usage.Wrap(&KindError{Path: path, Kind: "a directory"}, "choose a file name")
	case m&fs.ModeCharDevice != 0, m&fs.ModeNamedPipe != 0:
		d.Direct = true
		return d, nil
	case m&fs.ModeDevice != 0:
		return d, usage.Wrap(&KindError{Path: path, Kind: "a block device"}, "choose a file name")
	case m&fs.ModeSocket != 0:
		return d, usage.Wrap(&KindError{Path: path, Kind: "a socket"}, "choose a file name")
	default:
		return d, usage.Wrap(&KindError{Path: path, Kind: "not a regular file"}, "choose a file name")
	}
	if !overwrite {
		return d, usage.Wrap(&ExistsError{Path: path}, "")
	}
	return d, nil
}

// descriptorOf reports whether path names a descriptor this process has open: /dev/stdout,
// /dev/stderr, /dev/fd/N, /proc/self/fd/N. Opened again by name such a file would be a new
// opening of what is behind it: a file the shell opened to append to (>> log) would be written
// from its start, or replaced.
func descriptorOf(path string) (int, bool) {
	switch path {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	for _, prefix := range []string{"/dev/fd/", "/proc/self/fd/"} {
		if n, ok := strings.CutPrefix(path, prefix); ok {
			if fd, err := strconv.Atoi(n); err == nil && fd >= 0 {
				return fd, true
			}
		}
	}
	return 0, false
}

// Resolve follows the symbolic links at path to the file they name, which may not exist yet (as a
// shell's redirection creates it). A path that is no link, or a chain of links too long, is
// returned as it is.
func Resolve(path string) string {
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return p
		}
		t, err := os.Readlink(p)
		if err != nil {
			return p
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = t
	}
	return path
}

// OpenDirect opens a character device or named pipe for writing. Opening a pipe waits for its
// reader, as a shell's redirection does, until ctx is done (Ctrl-C ends the wait).
func OpenDirect(ctx context.Context, path string) (*os.File, error) {
	if fd, ok := descriptorOf(path); ok {
		f, err := openDescriptor(fd, path)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		return f, nil
	}
	f, err := ctxio.OpenFile(ctx, path, os.O_WRONLY)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("waiting for a reader of %s: %w", path, err)
		}
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return f, nil
}

// File is a result being written.
type File struct {
	*os.File
	path    string // the destination as given
	target  string // the file renamed over: path, or what a symbolic link at path names
	direct  bool
	written int64 // bytes written, for Reset of a direct destination
	done    bool
}

// Create checks the destination and opens a temporary file beside it, or, for a character device
// or a named pipe, the destination itself.
func Create(ctx context.Context, path string, overwrite bool) (*File, error) {
	d, err := Inspect(path, overwrite)
	if err != nil {
		return nil, err
	}
	if d.Direct {
		f, err := OpenDirect(ctx, path)
		if err != nil {
			return nil, err
		}
		return &File{File: f, path: path, target: path, direct: true}, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(d.Path), "."+filepath.Base(d.Path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("creating temporary file for %s: %w", path, err)
	}
	return &File{File: tmp, path: path, target: d.Path}, nil
}

// Direct reports whether the destination is written into as it is (a device or a pipe): what
// was written cannot be taken back by Reset or Abort.
func (f *File) Direct() bool { return f.direct }

// Write writes to the temporary file, or into the direct destination. (Write, WriteString and
// ReadFrom count what went into a direct destination, for Reset.)
func (f *File) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	f.written += int64(n)
	return n, err
}

// WriteString is Write of a string.
func (f *File) WriteString(s string) (int, error) {
	n, err := f.File.WriteString(s)
	f.written += int64(n)
	return n, err
}

// ReadFrom copies r to the file.
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	n, err := f.File.ReadFrom(r)
	f.written += n
	return n, err
}

// Commit syncs the temporary file, closes it and renames it to the destination; a direct
// destination is only closed.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: commit after commit or abort")
	}
	f.done = true
	if f.direct {
		if err := f.File.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
		return nil
	}
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.File.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.File.Name(), f.target)
	}
	if err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	return nil
}

// Abort closes and removes the temporary file (a direct destination is only closed); it is a
// no-op after Commit and safe to call twice.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	if !f.direct {
		os.Remove(f.File.Name())
	}
}

// Reset empties the temporary file to write it again from the start. A direct destination can
// be reset only while nothing has been written into it.
func (f *File) Reset() error {
	if f.direct {
		if f.written > 0 {
			return fmt.Errorf("cannot take back what was written into %s (a device or a pipe)", f.path)
		}
		return nil
	}
	if err := f.File.Truncate(0); err != nil {
		return fmt.Errorf("resetting %s: %w", f.path, err)
	}
	if _, err := f.File.Seek(0, 0); err != nil {
		return fmt.Errorf("resetting %s: %w", f.path, err)
	}
	f.written = 0
	return nil
}

// Path is the destination.
func (f *File) Path() string { return f.path }

// StaleAge is how long a temporary file must have lain untouched before RemoveStale takes it for
// the leftover of a run that was killed (kill -9, a crash): a live run writes into its own as
// the results arrive.
const StaleAge = time.Hour

// RemoveStale removes the files in dir whose names match one of patterns (filepath.Match) and
// that were last modified more than StaleAge ago, and returns their names.
func RemoveStale(dir string, patterns ...string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		for _, p := range patterns {
			if ok, _ := filepath.Match(p, e.Name()); !ok {
				continue
			}
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > StaleAge {
				if os.Remove(filepath.Join(dir, e.Name())) == nil {
					removed = append(removed, filepath.Join(dir, e.Name()))
				}
			}
			break
		}
	}
	return removed
}
