package translate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"os"
	"sync"
	"time"
)

// The usage ledger records the SHA-256 of every request's media. Hashing in line with the body
// (a TeeReader) put about half a second of CPU per GB on the request's critical path: one core
// sent 846 instead of 1480 MB per CPU-second. Here the request path only copies each block it
// reads (a memcpy, a few per cent of the cost of Base64-encoding it) into a buffer for a hashing
// goroutine, so with a second core the hash runs beside the request instead of inside it. The
// queue is bounded (hashQueue buffers, recycled): on one core, or when hashing falls behind,
// the reader waits for a free buffer instead of piling up copies of the file. The buffers are
// each request's own (a free list, not a package-level sync.Pool): 256 KiB that live as long as
// the request.
// digestWait bounds how long a finished request waits for its body writer to close the file.
const digestWait = 10 * time.Second

const (
	hashBlock = 64 << 10 // the request path reads 48 KiB at a time: one buffer a read
	hashQueue = 4        // buffers in flight: enough to keep the hasher busy between reads
)

// hashingFile reads a file and feeds a copy of every byte read, in order, to a goroutine that
// hashes it. Read and Close are called from one goroutine (the request's body writer); abandon
// and digest may be called from another.
type hashingFile struct {
	f    *os.File
	full chan []byte   // blocks read, in order; closed by Close
	free chan []byte   // blocks the hasher is done with
	stop chan struct{} // closed by abandon: the digest is no longer wanted
	done chan struct{} // closed when the hasher has returned

	made      int  // buffers allocated so far, at most hashQueue (reader's goroutine only)
	eof       bool // the reader saw the end of the file; read by the hasher after full is closed
	closeOnce sync.Once
	stopOnce  sync.Once

	sum []byte // the digest of the whole file, or nil; valid once done is closed
}

func newHashingFile(f *os.File) *hashingFile {
	h := &hashingFile{
		f:    f,
		full: make(chan []byte, hashQueue),
		free: make(chan []byte, hashQueue),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go h.hash(sha256.New())
	return h
}

// hash consumes the queue until Close (then the digest is kept if the whole file was read) or
// abandon (then the rest is dropped).
func (h *hashingFile) hash(sum hash.Hash) {
	defer close(h.done)
	for {
		select {
		case b, ok := <-h.full:
			if !ok {
				if h.eof {
					h.sum = sum.Sum(nil)
				}
				return
			}
			sum.Write(b)
			h.free <- b[:cap(b)] // never blocks: free holds every buffer there is
		case <-h.stop:
			return
		}
	}
}

func (h *hashingFile) Read(p []byte) (int, error) {
	n, err := h.f.Read(p)
	for rest := p[:n]; len(rest) > 0; {
		buf, ok := h.buffer()
		if !ok {
			break // abandoned: nothing more to hash
		}
		k := copy(buf, rest)
		select {
		case h.full <- buf[:k]:
		case <-h.stop:
			return n, err
		}
		rest = rest[k:]
	}
	if err == io.EOF {
		h.eof = true
	}
	return n, err
}

// buffer returns a free buffer, allocating up to hashQueue of them, then waiting for the hasher
// to hand one back; ok is false once the hash is abandoned.
func (h *hashingFile) buffer() (buf []byte, ok bool) {
	select {
	case buf = <-h.free:
		return buf, true
	default:
	}
	if h.made < hashQueue {
		h.made++
		return make([]byte, hashBlock), true
	}
	select {
	case buf = <-h.free:
		return buf, true
	case <-h.stop:
		return nil, false
	}
}

// Close closes the file and tells the hasher the data has ended.
func (h *hashingFile) Close() error {
	h.closeOnce.Do(func() { close(h.full) })
	return h.f.Close()
}

// abandon stops the hasher without a digest and waits for it to return. A Read still running
// on the writer's goroutine then passes the file's bytes through unhashed.
func (h *hashingFile) abandon() {
	h.stopOnce.Do(func() { close(h.stop) })
	<-h.done
}

// digest waits for the hasher and returns the hex SHA-256 of the file, or "" when the attempt
// did not read it to the end (it failed or was cancelled mid-way: a digest of part of the file
// would name no input). The wait needs the body writer to have closed the file. It usually has
// once Client.Translate returned, but not always: when the server answers before reading the
// whole body, net/http may still be writing it, and closes it only when that write ends, which
// on a connection the server keeps open can be never (a test hung on it once, under load). So
// the wait ends with ctx, or after digestWait, and the hash is then abandoned.
func (h *hashingFile) digest(ctx context.Context) string {
	t := time.NewTimer(digestWait)
	defer t.Stop()
	select {
	case <-h.done:
	case <-ctx.Done():
		h.abandon()
	case <-t.C:
		h.abandon()
	}
	if h.sum == nil {
		return ""
	}
	return hex.EncodeToString(h.sum)
}

// attemptHashes hashes the media of one part's attempts, each opened afresh by the client, and
// keeps the last one's: that is the one whose bytes the recorded result is for.
type attemptHashes struct {
	mu     sync.Mutex
	last   *hashingFile
	closed bool // digest was taken: a writer that opens the file after that is not hashed
}

// open wraps a freshly opened file for one attempt, abandoning the previous attempt's hash.
func (a *attemptHashes) open(f *os.File) io.ReadCloser {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return f
	}
	prev := a.last
	a.last = newHashingFile(f)
	rc := a.last
	a.mu.Unlock()
	if prev != nil {
		prev.abandon()
	}
	return rc
}

// digest returns the last attempt's digest (see hashingFile.digest), "" if none was opened. No
// hashing goroutine of this part runs after it returns.
func (a *attemptHashes) digest(ctx context.Context) string {
	a.mu.Lock()
	a.closed = true
	last := a.last
	a.mu.Unlock()
	if last == nil {
		return ""
	}
	return last.digest(ctx)
}
