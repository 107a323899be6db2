package results

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/usage"
)

var talk = batch.Item{Name: "in/talk.mp3", Path: "in/talk.mp3", Rel: "talk"}

func layout(dir string) Layout {
	return Layout{Dir: dir, Code: "fr", TextExt: ".txt", Speech: true, JSON: true}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ownWAV writes a WAV as this tool writes its speech.
func ownWAV(t *testing.T, path string) {
	t.Helper()
	w, err := speech.Create(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, 480)); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

// names lists the files under dir, relative to it.
func names(t *testing.T, dir string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

func TestInputNamesResults(t *testing.T) {
	l := layout("out")
	l.TextExt = ".srt"
	d := l.Input(talk)
	if d.TextPath != filepath.Join("out", "talk.fr.srt") || d.WAVPath != filepath.Join("out", "talk.fr.wav") || d.JSONPath != filepath.Join("out", "talk.fr.json") {
		t.Errorf("paths %q %q %q", d.TextPath, d.WAVPath, d.JSONPath)
	}
	if !slices.Equal(d.Outputs, []string{d.TextPath, d.WAVPath, d.JSONPath}) {
		t.Errorf("outputs %q", d.Outputs)
	}
	l.Speech, l.JSON = false, false
	if d := l.Input(talk); !slices.Equal(d.Outputs, []string{d.TextPath}) {
		t.Errorf("text alone: outputs %q", d.Outputs)
	}
}

func TestDoneWhenAllExist(t *testing.T) {
	dir := t.TempDir()
	l := layout(dir)
	d := l.Input(talk)
	write(t, d.TextPath, "bonjour\n")
	if d.Done() {
		t.Error("done with the text alone, when speech and JSON are asked for")
	}
	ownWAV(t, d.WAVPath)
	write(t, d.JSONPath, `{"schema_version":1}`)
	if !d.Done() {
		t.Error("not done with every result there")
	}
	l.Overwrite = true
	if l.Input(talk).Done() {
		t.Error("done when overwriting")
	}
	l.Overwrite, l.Speech, l.JSON = false, false, false
	if err := os.Remove(d.WAVPath); err != nil {
		t.Fatal(err)
	}
	if !l.Input(talk).Done() {
		t.Error("text alone asked for and there: not done")
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
	}{
		{"wav of another format", "talk.fr.wav", "RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x44\xac\x00\x00...."},
		{"short wav", "talk.fr.wav", "RIFF"},
		{"json of another program", "talk.fr.json", `{"name": "mine"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			write(t, path, tc.content)
			d := layout(dir).Input(talk)
			_, err := d.Open(context.Background())
			var fe *ForeignError
			if !errors.As(err, &fe) || fe.Path != path || fe.Input != talk.Name {
				t.Fatalf("got %v, want a ForeignError for %s", err, path)
			}
			if _, ok := usage.As(err); !ok {
				t.Errorf("%v is not a usage error", err)
			}
			want := path + " exists and is not a result of livetranslate (the " + filepath.Ext(path) + " result of in/talk.mp3 would replace it)"
			if err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			if got := names(t, dir); !slices.Equal(got, []string{tc.file}) {
				t.Errorf("files %q: the foreign file alone should be there", got)
			}
			// --overwrite replaces it.
			l := layout(dir)
			l.Overwrite = true
			d = l.Input(talk)
			if _, err := d.Open(context.Background()); err != nil {
				t.Fatalf("overwriting: %v", err)
			}
			d.Abort()
		})
	}
}

func TestOpenTakesOwnResults(t *testing.T) {
	dir := t.TempDir()
	d := layout(dir).Input(talk)
	ownWAV(t, d.WAVPath)
	write(t, d.JSONPath, `{"schema_version": 1, "finish_reason": "stop"}`)
	if _, err := d.Open(context.Background()); err != nil {
		t.Fatalf("an interrupted run's own speech and JSON: %v", err)
	}
	d.Abort()
	if foreignFile(filepath.Join(dir, "missing.wav")) || foreignFile(d.TextPath) {
		t.Error("a missing file, or a text result, taken as foreign")
	}
}

func TestCommitPutsTextLast(t *testing.T) {
	dir := t.TempDir()
	d := layout(dir).Input(talk)
	if _, err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if _, err := d.Text().Write([]byte("bonjour\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Speech().Write(make([]byte, 48000)); err != nil { // 1 s
		t.Fatal(err)
	}
	tr := &pipeline.Result{}
	jsonWritten := false
	err := d.Commit(tr, func(_ context.Context, path string, got *pipeline.Result) error {
		jsonWritten = true
		if path != d.JSONPath || got != tr {
			t.Errorf("JSON to %s", path)
		}
		if tr.AudioFile == nil || *tr.AudioFile != d.WAVPath || *tr.AudioSeconds != 1 {
			t.Errorf("the JSON's speech: %v %v", tr.AudioFile, tr.AudioSeconds)
		}
		for _, p := range []string{d.TextPath, d.WAVPath} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("%s in place before the JSON is written", p)
			}
		}
		write(t, path, `{"schema_version":1}`)
		return nil
	})
	if err != nil || !jsonWritten {
		t.Fatalf("commit: %v (JSON written: %v)", err, jsonWritten)
	}
	if b, err := os.ReadFile(d.TextPath); err != nil || string(b) != "bonjour\n" {
		t.Errorf("text %q, %v", b, err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"talk.fr.json", "talk.fr.txt", "talk.fr.wav"}) {
		t.Errorf("files %q", got)
	}
}

func TestCommitFailureLeavesNoText(t *testing.T) {
	dir := t.TempDir()
	d := layout(dir).Input(talk)
	if _, err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Text().Write([]byte("bonjour\n")); err != nil {
		t.Fatal(err)
	}
	// The speech cannot be put in place (a directory with something in it has its name): the
	// text, committed last, is not either, and the input is not marked done.
	write(t, filepath.Join(d.WAVPath, "keep"), "x")
	if err := d.Commit(&pipeline.Result{}, func(context.Context, string, *pipeline.Result) error { return nil }); err == nil {
		t.Fatal("commit over a directory succeeded")
	}
	d.Abort()
	if got := names(t, dir); !slices.Equal(got, []string{filepath.Join("talk.fr.wav", "keep")}) {
		t.Errorf("files %q after a failed commit", got)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	l := layout(dir)
	l.JSON = false
	d := l.Input(batch.Item{Name: "a/b.mp3", Rel: "a/b"})
	if _, err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Text().Write([]byte("bonjour\n")); err != nil {
		t.Fatal(err)
	}
	if err := d.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Speech().Write(make([]byte, 480)); err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("files %q after abort", got)
	}
}

func TestSpeechNilWithout(t *testing.T) {
	l := layout(t.TempDir())
	l.Speech = false
	d := l.Input(talk)
	if _, err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if d.Speech() != nil {
		t.Error("a speech writer without speech asked for")
	}
}

func TestOpenRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	stale := []string{".talk.fr.txt.123.tmp", ".talk.fr.wav.9.tmp", ".talk.fr.json.7.tmp", ".livetranslate-5.wav.tmp"}
	fresh := []string{".talk.fr.txt.456.tmp", ".other.fr.txt.1.tmp"}
	for _, n := range stale {
		write(t, filepath.Join(dir, n), "x")
		if err := os.Chtimes(filepath.Join(dir, n), old, old); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range fresh {
		write(t, filepath.Join(dir, n), "x")
	}
	// Another input's, however old, is left alone.
	if err := os.Chtimes(filepath.Join(dir, ".other.fr.txt.1.tmp"), old, old); err != nil {
		t.Fatal(err)
	}
	d := layout(dir).Input(talk)
	removed, err := d.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	var want []string
	for _, n := range stale {
		want = append(want, filepath.Join(dir, n))
	}
	slices.Sort(want)
	slices.Sort(removed)
	if !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	got := names(t, dir)
	for _, n := range fresh {
		if !slices.Contains(got, n) {
			t.Errorf("%s removed", n)
		}
	}
	if len(got) != len(fresh) {
		t.Errorf("files %q, want %q", got, fresh)
	}
}

func TestOpenCreatesFolders(t *testing.T) {
	dir := t.TempDir()
	d := layout(dir).Input(batch.Item{Name: "x/y/z.mp3", Rel: "x/y/z"})
	if _, err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if st, err := os.Stat(filepath.Join(dir, "x", "y")); err != nil || !st.IsDir() {
		t.Errorf("folder: %v", err)
	}
	// A file where the folder goes fails plainly.
	write(t, filepath.Join(dir, "f"), "x")
	d = layout(dir).Input(batch.Item{Name: "f/z.mp3", Rel: "f/z"})
	if _, err := d.Open(context.Background()); err == nil || !strings.Contains(err.Error(), "creating "+filepath.Join(dir, "f")) {
		t.Errorf("got %v", err)
	}
}
