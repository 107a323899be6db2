package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// TestStreamEnds covers answers that end unusually but deliver a translation: cut short at the
// output limit (truncated), without data: [DONE] (complete, noted), and without the usage chunk
// (complete, its tokens not counted: a warning).
func TestStreamEnds(t *testing.T) {
	for _, tc := range []struct {
		kind   string
		finish string
		status string
		usage  bool
		info   string // in an Info line
		warn   string // in the one warning, "" for none
	}{
		{kind: fakeapi.FaultLength, finish: "length", status: ledger.StatusTruncated, usage: true},
		{kind: fakeapi.FaultNoDone, finish: "stop", status: ledger.StatusOK, usage: true, info: "without data: [DONE]"},
		{kind: fakeapi.FaultNoUsage, finish: "stop", status: ledger.StatusOK, info: "without data: [DONE]", warn: "the service sent no usage"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			e := newEnv(t)
			path := writeWAV(t, t.TempDir(), "ends.wav", toneAt(time.Second))
			e.emu.SetFault(fakeapi.Fault{Kind: tc.kind, After: 5})
			sink := &logSink{}
			res, err := e.run(t, path, Output{Sink: sink, Files: []string{"ends.txt"}})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(e.emu.Requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if res.FinishReason != tc.finish || (res.Usage != nil) != tc.usage {
				t.Errorf("finish_reason %q, usage %+v; want %q, usage %v", res.FinishReason, res.Usage, tc.finish, tc.usage)
			}
			if tc.finish == "length" && len(strings.Fields(sink.text())) != 5 {
				t.Errorf("a translation cut short after 5 words: %q", sink.text())
			}
			if tc.finish == "stop" && sink.text() != wholeTranslation(t, path, 1) {
				t.Errorf("text %q", sink.text())
			}
			rows := e.rec.all()
			if len(rows) != 1 || rows[0].Status != tc.status || rows[0].Outputs != "ends.txt" || (e.rec.usages[0] != nil) != tc.usage {
				t.Errorf("ledger rows %+v, usage %+v; want one %s", rows, e.rec.usages, tc.status)
			}
			if tc.info != "" && !strings.Contains(strings.Join(e.logs.infos, "\n"), tc.info) {
				t.Errorf("no Info saying %q: %q", tc.info, e.logs.infos)
			}
			w := e.logs.warnings()
			if tc.warn == "" && len(w) != 0 || tc.warn != "" && (len(w) != 1 || !strings.HasPrefix(w[0], path+": ") || !strings.Contains(w[0], tc.warn)) {
				t.Errorf("warnings %q, want %q", w, tc.warn)
			}
		})
	}
}

// TestStdin translates standard input ("-"): read from Settings.Stdin, sent whole, its ledger
// row naming what was read.
func TestStdin(t *testing.T) {
	e := newEnv(t)
	path := writeWAV(t, t.TempDir(), "in.wav", toneAt(time.Second))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e.p.Settings.Stdin, e.p.Settings.InputFormat = bytes.NewReader(data), "wav" // a pipe has no name to tell its format by
	sink := &logSink{}
	res, err := e.p.Run(context.Background(), batch.Item{Name: "-"}, Output{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	if sink.text() != wholeTranslation(t, path, 1) {
		t.Errorf("text %q", sink.text())
	}
	sum, size := fileHash(t, path)
	if res.Input != "-" || res.InputFormat != "wav" {
		t.Errorf("result %+v", res)
	}
	if rows := e.rec.all(); len(rows) != 1 || rows[0].Input != "-" || rows[0].InputSHA256 != sum || rows[0].InputSize != size {
		t.Errorf("ledger rows %+v, want one for - naming %s", rows, sum[:8])
	}
}

// TestRefused covers inputs the pipeline refuses before sending anything.
func TestRefused(t *testing.T) {
	walkErr := errors.New("reading the directory: permission denied")
	for _, tc := range []struct {
		name  string
		set   func(*Settings)
		item  func(path string) batch.Item
		out   func() Output
		usage bool   // a UsageError
		inErr string // in the error
	}{
		{name: "unreadable item", item: func(string) batch.Item { return batch.Item{Name: "x.wav", Err: walkErr} }, inErr: walkErr.Error()},
		{name: "timed URL", set: func(s *Settings) { s.Timed, s.CueMax = true, 5*time.Second },
			item: func(string) batch.Item {
				return batch.Item{Name: "https://example.com/a.wav", URL: "https://example.com/a.wav"}
			},
			usage: true, inErr: "a URL is passed through unread"},
		{name: "dub of audio", out: func() Output { return Output{Sink: &logSink{}, Dub: mustDubFile(t)} },
			usage: true, inErr: "only a video can be dubbed"},
		{name: "over the limit, split never", set: func(s *Settings) { s.Split, s.InlineLimit = split.Never, 20000 },
			usage: true, inErr: "too large to send inline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.set != nil {
				tc.set(&e.p.Settings)
			}
			path := writeWAV(t, t.TempDir(), "in.wav", toneAt(time.Second))
			it := batch.Item{Name: path, Path: path}
			if tc.item != nil {
				it = tc.item(path)
			}
			out := Output{Sink: &logSink{}}
			if tc.out != nil {
				out = tc.out()
			}
			res, err := e.p.Run(context.Background(), it, out)
			if err == nil || res != nil {
				t.Fatalf("Run = %+v, %v; want it refused", res, err)
			}
			if !strings.Contains(err.Error(), tc.inErr) {
				t.Errorf("err = %q, want it to say %q", err, tc.inErr)
			}
			if _, isUsage := usage.As(err); isUsage != tc.usage {
				t.Errorf("err %q is a usage error: %v, want %v", err, isUsage, tc.usage)
			}
			if n := len(e.emu.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
			if rows := e.rec.all(); len(rows) != 0 {
				t.Errorf("ledger rows %+v", rows)
			}
			var nv *NotVideoError
			if errors.As(err, &nv) != (tc.name == "dub of audio") {
				t.Errorf("err %q: a NotVideoError only for the dub of audio", err)
			}
		})
	}
}

// TestMediaOptions: under --split never, no more of a pipe is read than its data URI can hold.
func TestMediaOptions(t *testing.T) {
	for _, tc := range []struct {
		mode  split.Mode
		limit int64
		max   int64
	}{
		{split.Never, 4000, 3000},
		{split.Never, 0, 0},
		{split.Auto, 4000, 0},
		{split.Always, 4000, 0},
	} {
		p := &Pipeline{Settings: Settings{Split: tc.mode, InlineLimit: tc.limit, InputFormat: "mp3"}}
		if o := p.MediaOptions(); o.MaxSize != tc.max || o.Format != "mp3" {
			t.Errorf("split %s, inline limit %d: MaxSize %d, format %q; want %d", tc.mode, tc.limit, o.MaxSize, o.Format, tc.max)
		}
	}
}

// mustDubFile is a dubbed video's output file, aborted when the test ends.
func mustDubFile(t *testing.T) *atomicfile.File {
	t.Helper()
	f, err := atomicfile.Create(context.Background(), filepath.Join(t.TempDir(), "dub.mp4"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Abort)
	return f
}
