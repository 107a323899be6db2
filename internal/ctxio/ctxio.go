// Package ctxio opens and reads files that can block forever, a named pipe without a writer,
// a silent pipe or terminal on standard input, so that cancellation (Ctrl-C, SIGTERM) still ends
// the wait at once. The kernel call itself cannot be interrupted: it goes on in a goroutine of its
// own, which the caller abandons; the process is about to exit when that happens.
package ctxio

import (
	"context"
	"io"
	"os"
)

// Open opens path for reading, or returns ctx's error as soon as ctx is done, whichever comes
// first. A regular file is opened directly; anything else may wait for a writer.
func Open(ctx context.Context, path string) (*os.File, error) {
	return OpenFile(ctx, path, os.O_RDONLY)
}

// OpenFile is os.OpenFile(path, flag, 0) that returns ctx's error as soon as ctx is done: a
// named pipe opened for reading waits for a writer, and one opened for writing (-o fifo) for a
// reader.
func OpenFile(ctx context.Context, path string, flag int) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return os.OpenFile(path, flag, 0)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.OpenFile(path, flag, 0)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// maxRead is the most one read asks for: what a pipe holds by default, and more than
// io.Copy asks for at once.
const maxRead = 64 << 10

// Reader reads r in a goroutine so that a read blocked in the kernel does not hold its caller
// once ctx is done: Read returns ctx's error at once, and every later Read returns it too.
type Reader struct {
	ctx  context.Context
	r    io.Reader
	buf  []byte
	done chan result
	err  error
}

type result struct {
	n   int
	err error
}

// NewReader returns a Reader of r that stops with ctx.
func NewReader(ctx context.Context, r io.Reader) *Reader {
	return &Reader{ctx: ctx, r: r, done: make(chan result, 1)}
}

// Read reads into p what one read of the underlying reader returns, up to 64 KiB.
func (c *Reader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if err := c.ctx.Err(); err != nil {
		c.err = err
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if c.buf == nil {
		c.buf = make([]byte, maxRead)
	}
	// The goroutine reads into the Reader's own buffer, never into p: a read abandoned on
	// cancellation may still complete, and p is the caller's again by then.
	b := c.buf[:min(len(p), len(c.buf))]
	go func() {
		n, err := c.r.Read(b)
		c.done <- result{n, err}
	}()
	select {
	case r := <-c.done:
		copy(p, b[:r.n])
		return r.n, r.err
	case <-c.ctx.Done():
		c.err = c.ctx.Err()
		return 0, c.err
	}
}
