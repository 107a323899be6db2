package translate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
)

// randomFile writes n random bytes and returns the file's path and hex SHA-256.
func randomFile(t testing.TB, n int) (string, string) {
	t.Helper()
	data := make([]byte, n)
	rng := rand.NewChaCha8([32]byte{byte(n), byte(n >> 8), byte(n >> 16)})
	rng.Read(data)
	path := filepath.Join(t.TempDir(), "media.mp3")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return path, hex.EncodeToString(sum[:])
}

func filePart(path string, size int) Part {
	return Part{Path: path, Kind: api.Audio, Format: "mp3", MIME: "audio/mpeg", Size: int64(size)}
}

// okStream answers a request with a one-chunk translation.
func okStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	io.WriteString(w, "data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
}

// hashers counts the goroutines hashing media right now.
func hashers() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "(*hashingFile).hash(")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// sendOne runs one part through a runner that records what OnSent was told.
func sendOne(t *testing.T, ctx context.Context, c *api.Client, p Part) (Sent, error) {
	t.Helper()
	var mu sync.Mutex
	var sent []Sent
	r := &Runner{Client: c, OnSent: func(s Sent) { mu.Lock(); sent = append(sent, s); mu.Unlock() }}
	_, err := joined(r, ctx, []Part{p}, Settings{Model: "m", TargetLang: "en", Stream: true, Jobs: 1},
		Sink{Text: func(string) error { return nil }})
	if len(sent) != 1 {
		t.Fatalf("OnSent called %d times, want once", len(sent))
	}
	// The hasher has signalled its end (done) when the request returns, but its goroutine may
	// take a moment more to leave the stack (it failed so once, under -race on a busy machine):
	// a goroutine still there after a second is one left behind.
	n := hashers()
	for deadline := time.Now().Add(time.Second); n != 0 && time.Now().Before(deadline); n = hashers() {
		time.Sleep(5 * time.Millisecond)
	}
	if n != 0 {
		t.Errorf("%d hashing goroutines still running a second after the request returned", n)
	}
	return sent[0], err
}

// The digest is of exactly the bytes of the file, whatever the sizes of the reads, and it is
// there when OnSent is called.
func TestSentSHA256IsTheFile(t *testing.T) {
	for _, size := range []int{1, 48<<10 - 1, 3<<20 + 12345} {
		path, want := randomFile(t, size)
		var got bytes.Buffer
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got.Reset()
			io.Copy(&got, r.Body)
			okStream(w)
		}))
		sent, err := sendOne(t, context.Background(), &api.Client{BaseURL: srv.URL, APIKey: key}, filePart(path, size))
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if sent.SHA256 != want {
			t.Errorf("%d bytes: SHA256 %q, want %s", size, sent.SHA256, want)
		}
		if got.Len() < size {
			t.Errorf("%d bytes: server got a body of %d bytes", size, got.Len())
		}
	}
}

// A retried request reports the digest of the attempt that was recorded, read afresh: the
// first attempt's connection breaks half-way through its body.
func TestSentSHA256AfterRetry(t *testing.T) {
	const size = 4 << 20
	path, want := randomFile(t, size)
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			io.CopyN(io.Discard, r.Body, size/2)
			panic(http.ErrAbortHandler) // drops the connection mid-body
		}
		io.Copy(io.Discard, r.Body)
		okStream(w)
	}))
	defer srv.Close()
	c := &api.Client{BaseURL: srv.URL, APIKey: key, Retry: api.RetryPolicy{Max: 2,
		Sleep: func(context.Context, time.Duration) error { return nil }}}
	sent, err := sendOne(t, context.Background(), c, filePart(path, size))
	if err != nil {
		t.Fatal(err)
	}
	if attempts.Load() != 2 || sent.SHA256 != want {
		t.Errorf("%d attempts, SHA256 %q; want 2 attempts and %s", attempts.Load(), sent.SHA256, want)
	}
}

// Cancelled while the body is still being sent: OnSent is told no digest (one of part of the
// file would name no input), and no hashing goroutine outlives the request.
func TestSentSHA256OnCancel(t *testing.T) {
	const size = 16 << 20 // more than loopback socket buffers hold: the upload cannot finish
	path, _ := randomFile(t, size)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.CopyN(io.Discard, r.Body, 1<<20)
		cancel() // the user presses Ctrl-C while the upload stalls
		<-release
	}))
	defer srv.Close()
	defer close(release)
	sent, err := sendOne(t, ctx, &api.Client{BaseURL: srv.URL, APIKey: key}, filePart(path, size))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if sent.SHA256 != "" {
		t.Errorf("SHA256 %q for a file not sent whole, want none", sent.SHA256)
	}
}

// Cancelled while the body writer is blocked reading the media (a file on a stalled network
// mount; here a named pipe with no writer behind it): the client does not wait for the writer,
// and neither may the hash, which is abandoned with no goroutine left behind.
func TestSentSHA256OnCancelWhileReading(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "stalled.mp3")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	const sent1 = 1 << 20
	feeder := make(chan *os.File, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			feeder <- nil
			return
		}
		w.Write(make([]byte, sent1)) // then nothing more: the reader blocks
		feeder <- w
	}()
	defer func() {
		if w := <-feeder; w != nil {
			w.Close() // lets the abandoned writer finish
		}
		// and its hasher with it, before the next test counts hashers
		for deadline := time.Now().Add(5 * time.Second); hashers() != 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.CopyN(io.Discard, r.Body, sent1) // Base64 of the bytes the pipe held
		cancel()
		<-release
	}))
	defer srv.Close()
	defer close(release)
	sent, err := sendOne(t, ctx, &api.Client{BaseURL: srv.URL, APIKey: key}, filePart(fifo, 4*sent1))
	if !errors.Is(err, context.Canceled) || sent.SHA256 != "" {
		t.Errorf("err = %v, SHA256 %q; want context.Canceled and no digest", err, sent.SHA256)
	}
}

// The server refuses the request without reading its body: the request fails (with the HTTP
// 400, or, when the connection drops first, with a write error), the digest is the file's or
// none (never one of part of it), and nothing is left running.
func TestSentSHA256OnEarlyError(t *testing.T) {
	const size = 16 << 20
	path, want := randomFile(t, size)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"message":"Exceeded limit on max bytes per data-uri item : 10485760","type":"invalid_request_error","code":"invalid_parameter"}}`)
	}))
	defer srv.Close()
	sent, err := sendOne(t, context.Background(), &api.Client{BaseURL: srv.URL, APIKey: key}, filePart(path, size))
	if err == nil {
		t.Fatal("the request succeeded")
	}
	if sent.SHA256 != "" && sent.SHA256 != want {
		t.Errorf("SHA256 %q is neither the file's nor none", sent.SHA256)
	}
}

// The file has grown since it was resolved: the request fails, before reading the file to its
// end, with no digest.
func TestSentSHA256OnReadError(t *testing.T) {
	path, _ := randomFile(t, 2<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		okStream(w)
	}))
	defer srv.Close()
	sent, err := sendOne(t, context.Background(), &api.Client{BaseURL: srv.URL, APIKey: key}, filePart(path, 1<<20))
	if err == nil || !strings.Contains(err.Error(), "longer than its declared size") || sent.SHA256 != "" {
		t.Errorf("err = %v, SHA256 %q; want a failure and no digest", err, sent.SHA256)
	}
}

// Without OnSent nothing is hashed: the client reads the file itself.
func TestNoHashWithoutOnSent(t *testing.T) {
	path, want := randomFile(t, 100)
	rc, err := openMedia(path, nil)()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rc.(*os.File); !ok {
		t.Errorf("Open returned %T without a hash wanted, want the *os.File", rc)
	}
	rc.Close()

	hashes := &attemptHashes{}
	rc, err = openMedia(path, hashes)()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rc.(*hashingFile); !ok {
		t.Fatalf("Open returned %T with a hash wanted", rc)
	}
	// Reads larger than one buffer, then the end of the file.
	if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, make([]byte, 3*hashBlock)); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if got := hashes.digest(context.Background()); got != want {
		t.Errorf("digest %q, want %s", got, want)
	}
}

// A hash whose file was closed before its end gives no digest, and an abandoned one does not
// hold up a reader that goes on reading.
func TestHashingFilePartialAndAbandoned(t *testing.T) {
	path, _ := randomFile(t, 1<<20)
	open := func() *hashingFile {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		return newHashingFile(f)
	}
	h := open()
	io.CopyN(io.Discard, h, 1000)
	h.Close()
	if got := h.digest(context.Background()); got != "" {
		t.Errorf("digest of a file read in part: %q, want none", got)
	}

	h = open()
	io.CopyN(io.Discard, h, 1000)
	h.abandon()
	n, err := io.Copy(io.Discard, h) // the writer of an attempt that is over may still read
	h.Close()
	if err != nil || n != 1<<20-1000 {
		t.Errorf("read %d bytes after abandon (err %v), want the rest of the file", n, err)
	}
	// (abandon returns once the hasher has; the count of hashers in the process, asserted here
	// before, also counted another test's hasher still ending on a busy machine.)
	if h.sum != nil {
		t.Errorf("abandoned hash: sum %x, want none", h.sum)
	}
}

// BenchmarkSendHashed is the request path of one part as the CLI sends it, with the usage
// ledger's SHA-256 (OnSent set) and without; MB/s is of file sent. With -cpu 1,2 it shows
// the hash moving off the request's path when there is a second core:
//
//	go test -run '^$' -bench SendHashed -cpu 1,2 ./internal/translate/
func BenchmarkSendHashed(b *testing.B) {
	const size = 64 << 20
	path, _ := randomFile(b, size)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		okStream(w)
	}))
	defer srv.Close()
	for _, ledger := range []bool{false, true} {
		name := "ledger=off"
		if ledger {
			name = "ledger=on"
		}
		b.Run(name, func(b *testing.B) {
			r := &Runner{Client: &api.Client{BaseURL: srv.URL, APIKey: key, HTTP: srv.Client()}}
			if ledger {
				r.OnSent = func(s Sent) {
					if s.SHA256 == "" {
						b.Error("no digest")
					}
				}
			}
			b.SetBytes(size)
			for b.Loop() {
				if _, err := r.send(context.Background(), filePart(path, size), Settings{Model: "m", TargetLang: "en", Stream: true},
					Sink{Text: func(string) error { return nil }}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
