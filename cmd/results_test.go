package cmd

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/results"
)

// The result files' errors that a flag changes read as before they moved to internal/results:
// the package says what is wrong, cmd names the flag in the hint.
func TestResultErrorsNameTheFlags(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "talk.mp3")
	if err := os.WriteFile(in, []byte("audio"), 0o644); err != nil {
		t.Fatal(err)
	}
	wav := filepath.Join(dir, "talk.fr.wav")
	if err := os.WriteFile(wav, []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	talk := batch.Item{Name: "talk.mp3", Path: in, Rel: "talk"}
	l := results.Layout{Dir: dir, Code: "fr", TextExt: ".txt", Speech: true}
	_, foreign := l.Input(talk).Open(context.Background())

	if err := os.Link(in, filepath.Join(dir, "talk.fr.txt")); err != nil {
		t.Fatal(err)
	}
	_, isInput := l.Check([]batch.Item{talk}, "")

	stdin := batch.Item{Name: "-", Rel: "talk"}
	_, stdinExists := l.Check([]batch.Item{stdin}, "")

	for _, tc := range []struct {
		err       error
		msg, hint string
	}{
		{foreign, wav + " exists and is not a result of livetranslate (the .wav result of talk.mp3 would replace it)",
			"move it, or pass --overwrite to replace it"},
		{isInput, filepath.Join(dir, "talk.fr.txt") + ", the result of talk.mp3, is the input talk.mp3",
			"choose an --out-dir outside the inputs, or rename the input"},
		{stdinExists, filepath.Join(dir, "talk.fr.txt") + " exists, and standard input cannot be recognised as translated already",
			"pass --overwrite to replace it, or write to -o FILE"},
	} {
		if tc.err == nil {
			t.Errorf("no error for %q", tc.msg)
			continue
		}
		if got := message(tc.err); got != tc.msg {
			t.Errorf("message %q, want %q", got, tc.msg)
		}
		if got := hintOf(tc.err, ""); got != tc.hint {
			t.Errorf("%s: hint %q, want %q", tc.msg, got, tc.hint)
		}
		if got := exitCode(tc.err); got != exitUsage {
			t.Errorf("%s: exit %d", tc.msg, got)
		}
	}
}
