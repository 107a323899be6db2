package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestCreateReplacesARegularFileOnlyWithOverwrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	var exists *ExistsError
	if _, err := Create(t.Context(), p, false); !errors.As(err, &exists) {
		t.Fatalf("Create over a file without overwrite: %v, want ExistsError", err)
	}
	f, err := Create(t.Context(), p, true)
	if err != nil {
		t.Fatal(err)
	}
	if f.Direct() {
		t.Error("a regular file is written directly")
	}
	f.WriteString("new")
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("before Commit the file holds %q", b)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("after Commit the file holds %q", b)
	}
}

func TestCreateFollowsSymbolicLinks(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(filepath.Join("real", "t.txt"), link); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"first", "second"} {
		f, err := Create(t.Context(), link, true)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(text)
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the link was replaced: %v %v", fi, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "real", "t.txt")); string(b) != text {
			t.Errorf("the linked file holds %q, want %q", b, text)
		}
	}
}

func TestCreateWritesIntoAPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	f, err := Create(t.Context(), fifo, false) // no overwrite needed: nothing is replaced
	if err != nil {
		t.Fatal(err)
	}
	if !f.Direct() {
		t.Fatal("a FIFO is not written directly")
	}
	if err := f.Reset(); err != nil {
		t.Errorf("Reset before any write: %v", err)
	}
	f.WriteString("hello")
	if err := f.Reset(); err == nil {
		t.Error("Reset after a write into a pipe succeeded")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "hello" {
		t.Errorf("the reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is gone: %v %v", fi, err)
	}
}

func TestInspectKinds(t *testing.T) {
	dir := t.TempDir()
	var kind *KindError
	if _, err := Inspect(dir, true); !errors.As(err, &kind) {
		t.Errorf("a directory: %v, want KindError", err)
	}
	var missing *DirError
	if _, err := Inspect(filepath.Join(dir, "no", "x.txt"), true); !errors.As(err, &missing) {
		t.Errorf("a missing directory: %v, want DirError", err)
	}
	if d, err := Inspect(os.DevNull, false); err == nil && !d.Direct {
		t.Errorf("%s: %+v", os.DevNull, d) // a system whose /dev/null was replaced by a file errs instead
	}
}
