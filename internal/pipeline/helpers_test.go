package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/translate"
)

const (
	testKey   = "sk-pipeline-test"
	testModel = "qwen3-livetranslate-flash"
	// greeting starts every English translation the emulator makes.
	greeting = "Hello from the livetranslate emulator. This is the English translation of "
	// wordSpeech is the PCM the emulator sends after each word when speech is asked for: 0.25 s
	// of 24 kHz mono s16le.
	wordSpeech = 12000
)

// env is a pipeline wired to an in-process emulator, with what it reports kept for the test.
type env struct {
	emu  *fakeapi.Server
	p    *Pipeline
	rec  *memRecorder
	logs *logs
}

// newEnv starts an emulator and a pipeline that sends to it: English, streamed, two requests at
// once, retried once without waiting.
func newEnv(t *testing.T) *env {
	t.Helper()
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, NoProbe: true, TempDir: t.TempDir()})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := &api.Client{BaseURL: srv.URL + "/compatible-mode/v1", APIKey: testKey,
		Retry: api.RetryPolicy{Max: 1, Sleep: func(context.Context, time.Duration) error { return nil }}}
	e := &env{emu: emu, rec: &memRecorder{}, logs: &logs{}}
	e.p = &Pipeline{
		Settings: Settings{
			Request: translate.Settings{Model: testModel, TargetLang: "en", Voice: "Cherry", Stream: true, Jobs: 2},
		},
		Runner:   &translate.Runner{Client: client},
		Recorder: e.rec,
		Info:     e.logs.info,
		Warn:     e.logs.warn,
	}
	return e
}

// run translates the local file path into out.
func (e *env) run(t *testing.T, path string, out Output) (*Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return e.p.Run(ctx, batch.Item{Name: path, Path: path}, out)
}

// requestByID is the emulator's record of the request it answered with id.
func (e *env) requestByID(t *testing.T, id string) fakeapi.Recorded {
	t.Helper()
	for _, r := range e.emu.Requests() {
		if r.RequestID == id {
			return r
		}
	}
	t.Fatalf("the emulator answered no request %q", id)
	return fakeapi.Recorded{}
}

type logs struct {
	mu           sync.Mutex
	infos, warns []string
}

func (l *logs) info(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.infos = append(l.infos, fmt.Sprintf(format, args...))
}

func (l *logs) warn(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warns = append(l.warns, fmt.Sprintf(format, args...))
}

func (l *logs) warnings() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.warns...)
}

// memRecorder keeps the ledger's rows in memory.
type memRecorder struct {
	mu     sync.Mutex
	rows   []ledger.Row
	usages []*api.Usage
}

func (r *memRecorder) Record(_ context.Context, row ledger.Row, usage *api.Usage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, row)
	r.usages = append(r.usages, usage)
}

func (r *memRecorder) all() []ledger.Row {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ledger.Row(nil), r.rows...)
}

// event is one call on a Sink: Text (text) or End (part).
type event struct {
	end  bool
	text string
	part Part
}

// logSink records every call in order. It is not a Resetter.
type logSink struct {
	mu     sync.Mutex
	events []event
}

func (s *logSink) Text(t string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, event{text: t})
	return nil
}

func (s *logSink) End(p Part) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, event{end: true, part: p})
	return nil
}

// text is all the text the sink received.
func (s *logSink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, ev := range s.events {
		b.WriteString(ev.text)
	}
	return b.String()
}

// ends are the parts End was called with, in order.
func (s *logSink) ends() []Part {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ps []Part
	for _, ev := range s.events {
		if ev.end {
			ps = append(ps, ev.part)
		}
	}
	return ps
}

// resetSink is a logSink that can take back what it received.
type resetSink struct {
	logSink
	resets int
}

func (s *resetSink) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = nil
	s.resets++
	return nil
}

// countWriter counts the bytes written to it.
type countWriter struct {
	mu sync.Mutex
	n  int
}

func (w *countWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += len(b)
	return len(b), nil
}

func (w *countWriter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// span is a stretch of a generated recording: a tone, faint noise, or digital silence.
type span struct {
	tone, noise bool
	dur         time.Duration
}

// toneAt is a span of a 440 Hz tone whose level rises and falls four times a second, between
// -26 and -12 dBFS, as a voice's does from syllable to syllable.
func toneAt(d time.Duration) span { return span{tone: true, dur: d} }

// quiet is a span of faint noise (about -60 dBFS), as between the phrases of a recording.
func quiet(d time.Duration) span { return span{noise: true, dur: d} }

// silence is a span of digital silence.
func silence(d time.Duration) span { return span{dur: d} }

// writeWAV writes a 16 kHz mono 16-bit WAV of spans into dir/name and returns its path.
func writeWAV(t *testing.T, dir, name string, spans ...span) string {
	t.Helper()
	const rate = 16000
	var pcm bytes.Buffer
	n := 0
	seed := uint32(1)
	for _, s := range spans {
		samples := int(s.dur.Seconds() * rate)
		for range samples {
			var v int16
			switch {
			case s.tone:
				t := float64(n) / rate
				level := 0.15 + 0.1*math.Sin(2*math.Pi*4*t)
				v = int16(level * math.MaxInt16 * math.Sin(2*math.Pi*440*t))
			case s.noise:
				seed = seed*1664525 + 1013904223
				v = int16(seed>>16)%64 - 32
			}
			binary.Write(&pcm, binary.LittleEndian, v)
			n++
		}
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+pcm.Len()))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(2 * rate), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(pcm.Len()))
	b.Write(pcm.Bytes())
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileHash is the hex SHA-256 and the size of the file at path.
func fileHash(t *testing.T, path string) (string, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), int64(len(b))
}

// needFFmpeg skips a test that cuts or measures media when ffmpeg and ffprobe are missing.
func needFFmpeg(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found (make deps installs it)", tool)
		}
	}
}
