package ctxio

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpenFIFOWithoutWriterEndsWithTheContext(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, fifo); !errors.Is(err, context.Canceled) {
		t.Fatalf("Open of a pipe without a writer after cancellation: %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := Open(ctx, fifo)
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Open cancelled while waiting for a writer: %v, want context.Canceled", err)
	}
}

func TestOpenRegularFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("x"), 0o600)
	f, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Open(context.Background(), p+".missing"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestReaderReadsEverything(t *testing.T) {
	want := strings.Repeat("0123456789", 20000)
	got, err := io.ReadAll(NewReader(context.Background(), strings.NewReader(want)))
	if err != nil || string(got) != want {
		t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(want))
	}
}

func TestReaderBlockedReadEndsWithTheContext(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cr := NewReader(ctx, r)
	errc := make(chan error, 1)
	go func() {
		_, err := cr.Read(make([]byte, 10))
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("blocked Read after cancellation: %v", err)
	}
	if _, err := cr.Read(make([]byte, 10)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read after cancellation: %v", err)
	}
}
