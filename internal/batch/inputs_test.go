package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// touch creates each file (and its folders) under dir.
func touch(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// media says every file but .txt, .srt, .vtt and .json is audio or video.
func media(p string) (bool, error) {
	switch filepath.Ext(p) {
	case ".txt", ".srt", ".vtt", ".json":
		return false, nil
	}
	return true, nil
}

func rels(items []Item) map[string]string {
	m := map[string]string{}
	for _, it := range items {
		m[filepath.ToSlash(it.Name)] = filepath.ToSlash(it.Rel)
	}
	return m
}

func TestExpandNamesEveryInputApart(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	touch(t, ".", "folder/talk.flac", "folder/talk.mp3", "folder/talk.txt", "folder/solo.wav",
		"a/talk.wav", "b/talk.wav", "c/x.wav")
	abs := filepath.Join(dir, "c", "x.wav")
	items, _, err := Expand([]string{"folder", "./a/talk.wav", "b//talk.wav", "a/../c/x.wav", abs}, nil, Options{IsMedia: media})
	if err != nil {
		t.Fatal(err)
	}
	got := rels(items)
	want := map[string]string{
		"folder/talk.flac": "talk.flac", // a sibling shares the name: the extension stays
		"folder/talk.mp3":  "talk.mp3",  // (talk.txt is no media: it does not count)
		"folder/solo.wav":  "solo",
		"./a/talk.wav":     "a/talk", // named: the path as given
		"b//talk.wav":      "b/talk",
		"a/../c/x.wav":     "c/x", // cleaned; the absolute path to the same file is dropped as a repeat
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: Rel %q, want %q", k, got[k], v)
		}
	}
	for _, it := range items {
		if it.Name == "./a/talk.wav" && it.Legacy != "talk" {
			t.Errorf("legacy of %s: %q, want talk", it.Name, it.Legacy)
		}
		if it.Name == "folder/solo.wav" && it.Legacy != "" {
			t.Errorf("legacy of %s: %q, want none (unchanged)", it.Name, it.Legacy)
		}
	}
}

func TestExpandPlacesOutsidePathsBelowTheirCommonDirectory(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "data/x/talk.wav", "data/y/z/talk.wav", "work/in.wav")
	t.Chdir(filepath.Join(dir, "work"))
	items, _, err := Expand([]string{filepath.Join(dir, "data/x/talk.wav"), "../data/y/z/talk.wav", "in.wav"}, nil, Options{IsMedia: media})
	if err != nil {
		t.Fatal(err)
	}
	got := rels(items)
	if got[filepath.ToSlash(filepath.Join(dir, "data/x/talk.wav"))] != "x/talk" || got["../data/y/z/talk.wav"] != "y/z/talk" || got["in.wav"] != "in" {
		t.Errorf("got %v", got)
	}
	// One absolute file alone: below its own folder, by its name.
	items, _, _ = Expand([]string{filepath.Join(dir, "data/x/talk.wav")}, nil, Options{IsMedia: media})
	if items[0].Rel != "talk" {
		t.Errorf("one absolute file: Rel %q, want talk", items[0].Rel)
	}
}

func TestExpandSkipsResults(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	touch(t, ".", "in/a.wav", "in/out/a.en.txt", "in/out/a.en.wav", "in/old/b.fr.wav", "in/old/b.fr.srt",
		"in/lecture.de.wav")
	items, skipped, err := Expand([]string{"in"}, []string{"in/old/b.fr.wav", "in/lecture.de.wav"}, Options{IsMedia: media, OutDir: "in/out"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range items {
		names = append(names, filepath.ToSlash(it.Name))
	}
	// lecture.de.wav has no text result beside it: it is the user's recording, named twice.
	if strings.Join(names, " ") != "in/a.wav in/lecture.de.wav" {
		t.Errorf("items %v", names)
	}
	why := map[string]Reason{}
	for _, s := range skipped {
		why[filepath.ToSlash(s.Path)] = s.Why
	}
	if why["in/out"] != SkipOutDir || why["in/old/b.fr.wav"] != SkipResult {
		t.Errorf("skipped %v", why)
	}
}

func TestCollide(t *testing.T) {
	items := []Item{{Name: "a/talk.wav", Rel: "talk"}, {Name: "x.wav", Rel: "x"}, {Name: "b/talk.wav", Rel: "talk"}}
	err := Collide(items, "out", "en", ".txt")
	want := "a/talk.wav and b/talk.wav would both be written to " + filepath.Join("out", "talk.en.txt")
	if err == nil || err.Error() != want {
		t.Fatalf("Collide: %v, want %s", err, want)
	}
	if err := Collide(items[:2], "out", "en", ".txt"); err != nil {
		t.Errorf("Collide without a repeat: %v", err)
	}
}

func TestCommonDir(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"", "/x/y", "/x/y"},
		{"/x/y", "/x/y/z", "/x/y"},
		{"/x/y/z", "/x/w", "/x"},
		{"/x", "/y", "/"},
		{"/x/yz", "/x/y", "/x"},
	} {
		if got := commonDir(filepath.FromSlash(c.a), filepath.FromSlash(c.b)); got != filepath.FromSlash(c.want) {
			t.Errorf("commonDir(%s, %s) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}

func TestReadListBounds(t *testing.T) {
	ctx := context.Background()
	got, err := ReadList(ctx, strings.NewReader("a.wav\x00\x00b.wav\x00"), true)
	if err != nil || strings.Join(got, ",") != "a.wav,b.wav" {
		t.Fatalf("%q, %v", got, err)
	}
	var ue *usage.Error
	if _, err := ReadList(ctx, strings.NewReader(strings.Repeat("\x00", maxEmptyEntries)), true); !errors.As(err, &ue) {
		t.Errorf("a million NUL bytes: %v, want a usage error", err)
	}
	if _, err := ReadList(ctx, strings.NewReader(strings.Repeat("x", maxListEntry+1)), false); !errors.As(err, &ue) {
		t.Errorf("an entry over 1 MiB: %v, want a usage error", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ReadList(cancelled, strings.NewReader("a.wav\n"), false); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
