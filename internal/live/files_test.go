package live

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/translate"
)

// A run that lasts past the hour starts new files on the hour, each a complete file of its own
// (subtitles numbered from 1, a WebVTT header each), with the speech beside them.
func TestHourlyFilesRotate(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 5, 13, 59, 58, 0, time.Local)
	w := &Writer{Format: FormatVTT, Source: "pulse:default", Target: "fr",
		Dest: &Hourly{Dir: dir, Target: "fr", Ext: ".vtt", Speech: true}, Now: func() time.Time { return now }}
	say := func(i int, text string) {
		u := &Utterance{Index: i, Start: time.Duration(i) * 3 * time.Second, End: time.Duration(i)*3*time.Second + 2*time.Second}
		if err := w.Text(u, text); err != nil {
			t.Fatal(err)
		}
		if err := w.Audio(u, make([]byte, 4800)); err != nil {
			t.Fatal(err)
		}
		if err := w.End(u, &translate.PartResult{FinishReason: "stop"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	say(0, "Bonjour.")
	now = now.Add(3 * time.Second) // 14:00:01
	say(1, "Au revoir.")
	say(2, "Encore.")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"2026-12-05T13.fr.vtt", "2026-12-05T13.fr.wav", "2026-12-05T14.fr.vtt", "2026-12-05T14.fr.wav"}
	if !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
	first, _ := os.ReadFile(filepath.Join(dir, want[0]))
	second, _ := os.ReadFile(filepath.Join(dir, want[2]))
	if !strings.HasPrefix(string(first), "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nBonjour.\n") || strings.Contains(string(first), "revoir") {
		t.Errorf("13h file:\n%s", first)
	}
	if !strings.HasPrefix(string(second), "WEBVTT\n\n00:00:03.000 --> 00:00:05.000\nAu revoir.\n") || strings.Count(string(second), "-->") != 2 {
		t.Errorf("14h file:\n%s", second)
	}
	for _, name := range []string{want[1], want[3]} {
		fi, _ := os.Stat(filepath.Join(dir, name))
		if name == want[1] && fi.Size() != 44+4800 || name == want[3] && fi.Size() != 44+2*4800 {
			t.Errorf("%s: %d bytes", name, fi.Size())
		}
	}
}
