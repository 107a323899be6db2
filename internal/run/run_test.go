package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/translate"
)

const testKey = "sk-run-test"

// silentWAV writes n seconds of 16 kHz mono WAV to dir/name: a low hum, not digital silence.
func silentWAV(t *testing.T, dir, name string, n int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := &audio.IntBuffer{Format: &audio.Format{NumChannels: 1, SampleRate: 16000}, SourceBitDepth: 16, Data: make([]int, 16000*n)}
	for i := range buf.Data {
		buf.Data[i] = i%7 - 3
	}
	e := wav.NewEncoder(f, 16000, 16, 1, 1)
	if err := e.Write(buf); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// skips keeps the inputs a run skipped; what else it says is not looked at. A batch reports from
// several goroutines at once.
type skips struct {
	mu    sync.Mutex
	names []string
}

func (m *skips) Info(string, ...any) {}
func (m *skips) Warn(string, ...any) {}
func (m *skips) Failed(name string, err error) sink.Result {
	return sink.Result{Input: name, Status: sink.StatusFailed, Error: &sink.ErrorInfo{Code: "failure", Message: err.Error(), ExitCode: 1}}
}
func (m *skips) Limit(err error, name string) error {
	return fmt.Errorf("%s: over the limit: %w", name, err)
}
func (m *skips) Skipped(name, path string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.names = append(m.names, name)
}

func newRun(t *testing.T, format string) (*Run, *bytes.Buffer, *skips) {
	t.Helper()
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, NoProbe: true, TempDir: t.TempDir()})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := &api.Client{BaseURL: srv.URL + "/compatible-mode/v1", APIKey: testKey}
	p := &pipeline.Pipeline{
		Settings: pipeline.Settings{Request: translate.Settings{Model: "qwen3-livetranslate-flash", TargetLang: "fr", Stream: true, Jobs: 2}},
		Runner:   &translate.Runner{Client: client},
	}
	var out bytes.Buffer
	rep := &skips{}
	return &Run{Pipeline: p, Stdout: &out, Format: Format{Name: format}, Targets: []pipeline.Target{{Lang: "fr"}}, Report: rep}, &out, rep
}

// TestBatchToStdout: several inputs to stdout come out in input order, each under its header,
// whatever order they finish in; one that cannot be read fails on its own.
func TestBatchToStdout(t *testing.T) {
	dir := t.TempDir()
	items := []batch.Item{
		{Name: silentWAV(t, dir, "long.wav", 3)},
		{Name: filepath.Join(dir, "gone.wav"), Err: errors.New("gone.wav: no such file")},
		{Name: silentWAV(t, dir, "short.wav", 1)},
	}
	r, out, _ := newRun(t, sink.FormatText)
	got, err := r.Batch(context.Background(), items, Batch{Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	first, second := strings.Index(text, "==> "+items[0].Name+" <=="), strings.Index(text, "==> "+items[2].Name+" <==")
	if first != 0 || second <= first || strings.Contains(text, "gone.wav") {
		t.Errorf("stdout:\n%s", text)
	}
	statuses := []string{got.List[0].Status, got.List[1].Status, got.List[2].Status}
	if strings.Join(statuses, " ") != "translated failed translated" {
		t.Errorf("outcomes %v", statuses)
	}
}

// doneLog records how each unit of a batch ended, as the progress lines would say it.
type doneLog struct {
	mu    sync.Mutex
	lines []string
}

func (d *doneLog) Start(string) {}
func (d *doneLog) Done(name, status string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lines = append(d.lines, status+" "+filepath.Base(name))
}

// TestBatchStdoutGone: when the reader of stdout leaves (… | head -1), the batch stops and ends
// with the EPIPE, as if killed by SIGPIPE; neither the input whose text could not be written nor
// those stopped after it are reported as failed or not done.
func TestBatchStdoutGone(t *testing.T) {
	dir := t.TempDir()
	var items []batch.Item
	for _, name := range []string{"a.wav", "b.wav", "c.wav", "d.wav"} {
		items = append(items, batch.Item{Name: silentWAV(t, dir, name, 1)})
	}
	r, _, _ := newRun(t, sink.FormatText)
	r.Stdout = writerFunc(func([]byte) (int, error) {
		return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}
	})
	var log doneLog
	_, err := r.Batch(context.Background(), items, Batch{Jobs: 1, Progress: &log})
	if !errors.Is(err, syscall.EPIPE) {
		t.Errorf("Batch() = %v, want the EPIPE", err)
	}
	for _, l := range log.lines {
		if strings.HasPrefix(l, sink.StatusFailed) || strings.HasPrefix(l, "not done") {
			t.Errorf("reported %q after the reader of stdout left; all: %q", l, log.lines)
		}
	}
}

// TestBatchToDirResumes: results go under the directory; a rerun skips the inputs whose results
// exist.
func TestBatchToDirResumes(t *testing.T) {
	dir, outDir := t.TempDir(), t.TempDir()
	silentWAV(t, dir, "a.wav", 1)
	silentWAV(t, dir, "b.wav", 1)
	items, _, err := batch.Expand([]string{dir}, nil, batch.Options{OutDir: outDir, IsMedia: func(string) (bool, error) { return true, nil }})
	if err != nil || len(items) != 2 {
		t.Fatalf("inputs %v, %v", items, err)
	}
	layout := results.Layout{Dir: outDir, Code: "fr", TextExt: ".txt"}
	for round, want := range []string{sink.StatusTranslated, sink.StatusSkipped} {
		r, _, rep := newRun(t, sink.FormatText)
		got, err := r.Batch(context.Background(), items, Batch{Jobs: 2, Dir: &layout})
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range got.List {
			if o.Status != want {
				t.Errorf("round %d: %s %s (%v), want %s", round, items[i].Name, o.Status, o.Err, want)
			}
		}
		if round == 1 && len(rep.names) != 2 {
			t.Errorf("skipped %v", rep.names)
		}
	}
	texts, _ := filepath.Glob(filepath.Join(outDir, "*.fr.txt"))
	if len(texts) != 2 {
		t.Errorf("results %v", texts)
	}
}

// TestSingleTimeLimit: an input that runs out of the run's time limit fails worded by the
// Reporter, and leaves no result file.
func TestSingleTimeLimit(t *testing.T) {
	dir := t.TempDir()
	r, _, _ := newRun(t, sink.FormatText)
	r.Timeout = time.Nanosecond
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	in := silentWAV(t, dir, "a.wav", 1)
	out := filepath.Join(dir, "a.fr.txt")
	_, err := r.Single(ctx, batch.Item{Name: in, Path: in}, Single{Output: out})
	if err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("error %v, want the Reporter's wording of the limit", err)
	}
	if _, serr := os.Stat(out); serr == nil {
		t.Error("a result file was left")
	}
}

// writerFunc is a Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
