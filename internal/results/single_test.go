package results

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/usage"
)

func TestSingleToFiles(t *testing.T) {
	dir := t.TempDir()
	text, wav, dub := filepath.Join(dir, "t.txt"), filepath.Join(dir, "s.wav"), filepath.Join(dir, "d.mp4")
	var stdout bytes.Buffer
	r, err := OpenSingle(context.Background(), &stdout, text, wav, false, dub)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !slices.Equal(r.Outputs, []string{text, wav, dub}) {
		t.Errorf("outputs %q", r.Outputs)
	}
	if !r.CanReset(false) {
		t.Error("files cannot be reset")
	}
	if _, err := r.Out.Write([]byte("first try")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Audio.Write(make([]byte, 4800)); err != nil {
		t.Fatal(err)
	}
	if err := r.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Out.Write([]byte("bonjour\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Audio.Write(make([]byte, 24000)); err != nil { // 0.5 s
		t.Fatal(err)
	}
	tr := &pipeline.Result{}
	if err := r.CommitSpeech(tr); err != nil {
		t.Fatal(err)
	}
	if tr.AudioFile == nil || *tr.AudioFile != wav || *tr.AudioSeconds != 0.5 {
		t.Errorf("speech in the result: %v %v", tr.AudioFile, tr.AudioSeconds)
	}
	if _, err := os.Stat(text); err == nil {
		t.Error("text in place before CommitText")
	}
	if err := r.CommitText(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(text); err != nil || string(b) != "bonjour\n" {
		t.Errorf("text %q, %v", b, err)
	}
	if st, err := os.Stat(wav); err != nil || st.Size() != 44+24000 {
		t.Errorf("speech: %v", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestSingleToStdout(t *testing.T) {
	var stdout bytes.Buffer
	r, err := OpenSingle(context.Background(), &stdout, "-", "-", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Out != &stdout || r.Audio == nil || len(r.Outputs) != 0 {
		t.Fatalf("out %v, audio %v, outputs %q", r.Out, r.Audio, r.Outputs)
	}
	if r.CanReset(true) {
		t.Error("a WAV streamed to stdout can be reset")
	}
	if _, err := r.Audio.Write(make([]byte, 480)); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if !bytes.HasPrefix(stdout.Bytes(), []byte("RIFF")) {
		t.Errorf("no WAV streamed: %q", stdout.Bytes()[:min(8, stdout.Len())])
	}
	// Text alone to stdout is taken back only when it is held to the end.
	r, err = OpenSingle(context.Background(), &stdout, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Audio != nil || r.CanReset(false) || !r.CanReset(true) {
		t.Errorf("audio %v, can reset %v/%v", r.Audio, r.CanReset(false), r.CanReset(true))
	}
	if err := r.CommitSpeech(&pipeline.Result{}); err != nil || r.CommitText() != nil {
		t.Error("committing nothing failed")
	}
}

func TestSingleIntoFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	r, err := OpenSingle(context.Background(), &bytes.Buffer{}, fifo, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.CanReset(false) {
		t.Error("text written into a FIFO can be reset")
	}
	if _, err := r.Out.Write([]byte("bonjour\n")); err != nil {
		t.Fatal(err)
	}
	if err := r.CommitText(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if b := <-got; string(b) != "bonjour\n" {
		t.Errorf("read %q", b)
	}
}

func TestSingleRefusesAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	text, wav := filepath.Join(dir, "t.txt"), filepath.Join(dir, "s.wav")
	write(t, wav, "mine")
	// The WAV exists (refused by speech.Create): nothing is left of the text file opened before it.
	_, err := OpenSingle(context.Background(), &bytes.Buffer{}, text, wav, false)
	if _, ok := usage.As(err); !ok || !strings.Contains(err.Error(), wav+" already exists") {
		t.Fatalf("got %v", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"s.wav"}) {
		t.Errorf("files %q", got)
	}
	// Overwriting, an uncommitted run leaves the old file as it was.
	r, err := OpenSingle(context.Background(), &bytes.Buffer{}, text, wav, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Audio.Write(make([]byte, 480)); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if b, _ := os.ReadFile(wav); string(b) != "mine" {
		t.Errorf("WAV %q", b)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"s.wav"}) {
		t.Errorf("files %q", got)
	}
}
