package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// server is a loopback HTTP server whose connections are timed at the socket: when the first
// request byte arrived, when the last one did, when the first SSE event left and the last byte.
type server struct {
	URL  string // base URL, …/compatible-mode/v1
	Emu  *fakeapi.Server
	hs   *http.Server
	mu   sync.Mutex
	wire []*connTimes
	reqs []reqTimes
}

// reqTimes is one request's time in the handler: from its headers read to the handler's return
// (its last response byte written), and in between the last request byte read before the first
// SSE event left and that event: the server's own time to first token is FirstEvent minus
// BodyLast, per request, whatever else its connection carried.
type reqTimes struct {
	Start, End           time.Time
	BodyLast, FirstEvent time.Time // zero when no event was sent
	ID                   string    // the x-request-id answered
}

// connTimes is one connection's timeline. Every run here is one request per connection except
// the batch and the long input, whose connections carry several requests one after another: there
// only the first request of a connection is told apart (FirstRead to FirstEvent).
type connTimes struct {
	FirstRead, LastRead   time.Time
	FirstEvent, LastWrite time.Time
	// ReadBeforeEvent is the last request byte read before the first event left: the server's
	// own time to first token is FirstEvent minus this.
	ReadBeforeEvent time.Time
	ReadBytes       int64
}

func newServer(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &server{URL: "http://" + ln.Addr().String() + "/compatible-mode/v1"}
	timed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		body := &timedBody{ReadCloser: r.Body}
		r.Body = body
		tw := &timedResponse{ResponseWriter: w, body: body}
		h.ServeHTTP(tw, r)
		end := time.Now()
		s.mu.Lock()
		s.reqs = append(s.reqs, reqTimes{Start: start, End: end, BodyLast: tw.bodyLast, FirstEvent: tw.firstEvent, ID: w.Header().Get("X-Request-Id")})
		s.mu.Unlock()
	})
	s.hs = &http.Server{Handler: timed, ReadHeaderTimeout: 10 * time.Second}
	go s.hs.Serve(&timedListener{Listener: ln, s: s})
	return s, nil
}

// newEmulator serves the project's emulator.
func newEmulator(opts fakeapi.Options) (*server, error) {
	opts.APIKey = benchKey
	emu := fakeapi.New(opts)
	s, err := newServer(emu)
	if err != nil {
		return nil, err
	}
	s.Emu = emu
	return s, nil
}

func (s *server) Close() { s.hs.Close() }

// Conns returns the timelines of the connections so far.
func (s *server) Conns() []connTimes {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]connTimes, len(s.wire))
	for i, c := range s.wire {
		out[i] = *c
	}
	return out
}

// Requests returns the handler's timelines of the requests so far, in the order they ended.
func (s *server) Requests() []reqTimes {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]reqTimes(nil), s.reqs...)
}

// Reset forgets the connections and requests seen so far.
func (s *server) Reset() {
	s.mu.Lock()
	s.wire, s.reqs = nil, nil
	s.mu.Unlock()
}

type timedListener struct {
	net.Listener
	s *server
}

func (l *timedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	t := &connTimes{}
	l.s.mu.Lock()
	l.s.wire = append(l.s.wire, t)
	l.s.mu.Unlock()
	return &timedConn{Conn: c, s: l.s, t: t}, nil
}

type timedConn struct {
	net.Conn
	s *server
	t *connTimes
}

var dataPrefix = []byte("data: ")

func (c *timedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		now := time.Now()
		c.s.mu.Lock()
		if c.t.FirstRead.IsZero() {
			c.t.FirstRead = now
		}
		c.t.LastRead = now
		c.t.ReadBytes += int64(n)
		c.s.mu.Unlock()
	}
	return n, err
}

func (c *timedConn) Write(p []byte) (int, error) {
	event := bytes.Contains(p, dataPrefix)
	before := time.Now()
	n, err := c.Conn.Write(p)
	after := time.Now()
	c.s.mu.Lock()
	if event && c.t.FirstEvent.IsZero() {
		c.t.FirstEvent = before
		c.t.ReadBeforeEvent = c.t.LastRead
	}
	c.t.LastWrite = after
	c.s.mu.Unlock()
	return n, err
}

// timedBody notes when the last request byte was read.
type timedBody struct {
	io.ReadCloser
	mu   sync.Mutex
	last time.Time
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		now := time.Now()
		b.mu.Lock()
		b.last = now
		b.mu.Unlock()
	}
	return n, err
}

func (b *timedBody) lastRead() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// timedResponse notes when the first SSE event is written, and the last request byte read by
// then. It passes Flush and the connection's other controls through (http.ResponseController
// unwraps it).
type timedResponse struct {
	http.ResponseWriter
	body                 *timedBody
	bodyLast, firstEvent time.Time
}

func (w *timedResponse) Write(p []byte) (int, error) {
	if w.firstEvent.IsZero() && bytes.Contains(p, dataPrefix) {
		w.firstEvent, w.bodyLast = time.Now(), w.body.lastRead()
	}
	return w.ResponseWriter.Write(p)
}

func (w *timedResponse) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// benchKey is the key every server here expects.
const benchKey = "sk-bench-0f-the-emulat0r"

// sinkHandler reads and discards the request body and answers a minimal valid stream: the
// request path measured alone, without the emulator's decoding and hashing.
func sinkHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: "+textChunk("ok", true)+"\n\n")
		io.WriteString(w, "data: "+finishChunk()+"\n\ndata: [DONE]\n\n")
	})
}

// speechHandler answers every request with speech: seconds of 24 kHz s16le mono PCM in chunks
// of 0.2 s (what the service sends: one Base64 string per chunk), with one word of text first.
// The chunk is built once, so the server's own cost stays far below the client's.
func speechHandler(seconds int) http.Handler {
	const chunkSamples = 24000 / 5
	pcm := make([]byte, 2*chunkSamples)
	for i := range chunkSamples {
		v := int16(3000 * math.Sin(2*math.Pi*440*float64(i)/24000))
		pcm[2*i], pcm[2*i+1] = byte(v), byte(uint16(v)>>8)
	}
	audio := []byte("data: " + audioChunk(base64.StdEncoding.EncodeToString(pcm)) + "\n\n")
	chunks := seconds * 5
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: "+textChunk("Hello.", true)+"\n\n")
		flush := http.NewResponseController(w).Flush
		flush()
		for range chunks {
			if _, err := w.Write(audio); err != nil {
				return
			}
			flush()
		}
		io.WriteString(w, "data: "+finishChunk()+"\n\ndata: [DONE]\n\n")
	})
}

// speechPCMBytes is the PCM speechHandler sends for seconds of speech.
func speechPCMBytes(seconds int) int64 { return int64(seconds) * 24000 * 2 }

const chunkHead = `{"id":"chatcmpl-bench","choices":[{"delta":`
const chunkTail = `,"index":0}],"created":1764755440,"model":"qwen3-livetranslate-flash","object":"chat.completion.chunk"}`

func textChunk(text string, first bool) string {
	role := "null"
	if first {
		role = `"assistant"`
	}
	return chunkHead + `{"content":"` + text + `","role":` + role + `,"audio":null},"finish_reason":null` + chunkTail
}

func audioChunk(b64 string) string {
	return chunkHead + `{"content":null,"role":null,"audio":{"data":"` + b64 + `","expires_at":1764755440,"id":"audio_bench"}},"finish_reason":null` + chunkTail
}

func finishChunk() string { return chunkHead + `{},"finish_reason":"stop"` + chunkTail }
