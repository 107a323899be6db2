// Package atomicfile writes a result file so that it exists only when complete: bytes go to a
// temporary file in the destination's directory, which Commit syncs and renames into place and
// Abort removes. A reader never sees a half-written result, and an interrupted run leaves nothing
// that poses as one.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ExistsError reports a destination that already exists when overwriting was not allowed.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists", e.Path)
}

// Hint says what to do about it.
func (e *ExistsError) Hint() string { return "pass --overwrite to replace it, or choose another name" }

// UsageError marks it as the user's to fix.
func (e *ExistsError) UsageError() bool { return true }

// DirError reports a destination whose directory is missing or not a directory.
type DirError struct {
	Path string
	Err  error
}

func (e *DirError) Error() string {
	return fmt.Sprintf("cannot write %s: directory %s does not exist", e.Path, filepath.Dir(e.Path))
}

// Hint says what to do about it.
func (e *DirError) Hint() string     { return "create the directory first (mkdir -p)" }
func (e *DirError) UsageError() bool { return true }
func (e *DirError) Unwrap() error    { return e.Err }

// CheckDest verifies that path can be created: its directory exists and, unless overwrite, the
// file itself does not.
func CheckDest(path string, overwrite bool) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		if err == nil {
			err = fs.ErrInvalid
		}
		return &DirError{Path: path, Err: err}
	}
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return &DirError{Path: path, Err: fmt.Errorf("%s is a directory", path)}
		}
		if !overwrite {
			return &ExistsError{Path: path}
		}
	}
	return nil
}

// File is a result being written.
type File struct {
	*os.File
	path string
	done bool
}

// Create checks the destination and opens a temporary file beside it.
func Create(path string, overwrite bool) (*File, error) {
	if err := CheckDest(path, overwrite); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("creating temporary file for %s: %w", path, err)
	}
	return &File{File: tmp, path: path}, nil
}

// Commit syncs the temporary file, closes it and renames it to the destination.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: commit after commit or abort")
	}
	f.done = true
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.File.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.File.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	return nil
}

// Abort closes and removes the temporary file; it is a no-op after Commit and safe to call twice.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// Reset empties the temporary file to write it again from the start.
func (f *File) Reset() error {
	if err := f.File.Truncate(0); err != nil {
		return fmt.Errorf("resetting %s: %w", f.path, err)
	}
	if _, err := f.File.Seek(0, 0); err != nil {
		return fmt.Errorf("resetting %s: %w", f.path, err)
	}
	return nil
}

// Path is the destination.
func (f *File) Path() string { return f.path }
