package results

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/usage"
)

func TestSameOutput(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	write(t, a, "x")
	sym, hard := filepath.Join(dir, "sym.txt"), filepath.Join(dir, "hard.txt")
	if err := os.Symlink(a, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(a, hard); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "b.txt")
	write(t, other, "x")
	missing := filepath.Join(dir, "new.txt")
	t.Chdir(dir)
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{a, sym, true},
		{a, hard, true},
		{sym, hard, true},
		{a, other, false},
		{missing, "new.txt", true}, // not there yet: one path, spelled two ways
		{missing, "./sub/../new.txt", true},
		{missing, "newer.txt", false},
		{a, missing, false},
		{os.DevNull, os.DevNull, false}, // a character device takes both
	} {
		if got := SameOutput(tc.a, tc.b); got != tc.want {
			t.Errorf("SameOutput(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "talk.mp3")
	write(t, in, "audio")
	sym := filepath.Join(dir, "out.txt")
	if err := os.Symlink(in, sym); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.wav")
	write(t, hard, "x")
	link := filepath.Join(dir, "link.wav")
	if err := os.Link(hard, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.mp4")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	items := []batch.Item{{Name: "talk.mp3", Path: in}}
	for _, tc := range []struct {
		name string
		outs []Output
		want string // "" for none
		hint string
	}{
		{"output is the input through a symbolic link", []Output{{Name: "-o", Path: sym}},
			"-o " + sym + " is the input talk.mp3: writing it would destroy the input", "choose another name for the output"},
		{"two outputs, one file through a hard link", []Output{{Name: "-o", Path: hard}, {Name: "--audio-out", Path: link}},
			"-o and --audio-out name the same file " + link, "choose another name for one of them"},
		{"a video into a pipe", []Output{{Name: "-o", Path: "-"}, {Name: "--dub", Path: fifo, Video: true}},
			"--dub " + fifo + " is not a regular file: ffmpeg seeks back into the video it writes", "choose a file name for the dubbed video"},
		{"text into a pipe", []Output{{Name: "-o", Path: fifo}}, "", ""},
		{"stdout twice", []Output{{Name: "-o", Path: "-"}, {Name: "--audio-out", Path: "-"}}, "", ""},
		{"devices", []Output{{Name: "-o", Path: os.DevNull}, {Name: "--audio-out", Path: os.DevNull}}, "", ""},
		{"new files", []Output{{Name: "-o", Path: filepath.Join(dir, "x.txt")}, {Name: "--audio-out", Path: filepath.Join(dir, "x.wav")}}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckOutputs(tc.outs, items)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				return
			}
			ue, ok := usage.As(err)
			if !ok || err.Error() != tc.want || ue.Hint != tc.hint {
				t.Fatalf("got %v (usage error %v, hint %q), want %q, hint %q", err, ok, hintOf(ue), tc.want, tc.hint)
			}
		})
	}
}

func hintOf(ue *usage.Error) string {
	if ue == nil {
		return ""
	}
	return ue.Hint
}

func TestCheckRefusesResultThatIsInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	in := filepath.Join(dir, "talk.mp3")
	write(t, in, "audio")
	// The JSON result's name is a hard link to the input.
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(out, "talk.fr.json")
	if err := os.Link(in, res); err != nil {
		t.Fatal(err)
	}
	items := []batch.Item{{Name: "talk.mp3", Path: in, Rel: "talk"}}
	_, err := layout(out).Check(items, "")
	var ie *InputError
	if !errors.As(err, &ie) || err.Error() != res+", the result of talk.mp3, is the input talk.mp3" {
		t.Fatalf("got %v", err)
	}
	if ue, ok := usage.As(err); !ok || ue.Hint != "" {
		t.Errorf("not a usage error without a hint (cmd names the flag): %v", err)
	}
}

func TestCheckStdin(t *testing.T) {
	out := t.TempDir()
	items := []batch.Item{{Name: "-", Rel: "stdin"}}
	l := Layout{Dir: out, Code: "fr", TextExt: ".srt"}
	if _, err := l.Check(items, ""); err != nil {
		t.Fatalf("no result yet: %v", err)
	}
	text := filepath.Join(out, "stdin.fr.srt")
	write(t, text, "1\n")
	_, err := l.Check(items, "")
	var se *StdinExistsError
	if !errors.As(err, &se) || se.Path != text || err.Error() != text+" exists, and standard input cannot be recognised as translated already" {
		t.Fatalf("got %v", err)
	}
	l.Overwrite = true
	if _, err := l.Check(items, ""); err != nil {
		t.Fatalf("overwriting: %v", err)
	}
}

func TestCheckCollision(t *testing.T) {
	items := []batch.Item{{Name: "a/x.mp3", Rel: "x"}, {Name: "b/x.mp3", Rel: "x"}}
	_, err := layout(t.TempDir()).Check(items, "")
	var ce *batch.CollisionError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v", err)
	}
}

// record writes a ledger row saying input's translation wrote outputs.
func record(t *testing.T, path, input, status string, outputs ...string) {
	t.Helper()
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = l.Record(context.Background(), ledger.Row{Start: time.Now(), Input: input, Kind: ledger.KindAudio,
		Status: status, Outputs: strings.Join(outputs, ",")})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckEarlierResults(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	db := filepath.Join(dir, "usage.db")
	// An earlier version named results by the input's base name without its extension.
	mine := batch.Item{Name: "a/talk.mp3", Rel: "a/talk.mp3", Legacy: "talk"}
	theirs := batch.Item{Name: "b/song.mp3", Rel: "b/song.mp3", Legacy: "song"}
	old := func(base, ext string) string { return filepath.Join(out, base+".fr"+ext) }
	write(t, old("talk", ".txt"), "bonjour\n")
	ownWAV(t, old("talk", ".wav"))
	write(t, old("talk", ".json"), `{"schema_version":1}`)
	write(t, old("song", ".txt"), "la la\n")
	l := layout(out)
	items := []batch.Item{mine, theirs}

	// Without a ledger nothing says whose they are: both stay, and are reported.
	found, err := l.Check(items, db)
	if err != nil {
		t.Fatal(err)
	}
	want := []Earlier{
		{Input: "a/talk.mp3", Old: old("talk", ".txt"), New: filepath.Join(out, "a", "talk.mp3.fr.txt")},
		{Input: "b/song.mp3", Old: old("song", ".txt"), New: filepath.Join(out, "b", "song.mp3.fr.txt")},
	}
	if len(found.Moved) != 0 || !slices.Equal(found.Unclaimed, want) {
		t.Fatalf("found %+v", found)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the check created a ledger")
	}

	// The ledger says the talk's last translation wrote them (a failed one since, for another
	// input, does not count): they are moved, the text last, and the song's stays.
	record(t, db, "a/talk.mp3", ledger.StatusOK, old("talk", ".txt"), old("talk", ".wav"), old("talk", ".json"))
	record(t, db, "b/song.mp3", ledger.StatusFailed, old("talk", ".txt"))
	found, err = l.Check(items, db)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(found.Moved, want[:1]) || !slices.Equal(found.Unclaimed, want[1:]) {
		t.Fatalf("found %+v", found)
	}
	got := names(t, out)
	wantFiles := []string{"a/talk.mp3.fr.json", "a/talk.mp3.fr.txt", "a/talk.mp3.fr.wav", "song.fr.txt"}
	if !slices.Equal(got, wantFiles) {
		t.Errorf("files %q, want %q", got, wantFiles)
	}
	// Moved, the talk is done.
	if !l.Input(mine).Done() {
		t.Error("the moved results do not mark the input done")
	}

	// Overwriting, nothing is moved or reported.
	l.Overwrite = true
	if found, err := l.Check(items, db); err != nil || len(found.Moved)+len(found.Unclaimed) != 0 {
		t.Errorf("overwriting: %+v, %v", found, err)
	}
}

func TestCheckEarlierResultOfAnotherInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	db := filepath.Join(dir, "usage.db")
	// Two inputs share the old name; the ledger says the second wrote it: it is moved for the
	// second, and the first has nothing to be told about.
	a := batch.Item{Name: "a/talk.mp3", Rel: "a/talk.mp3", Legacy: "talk"}
	b := batch.Item{Name: "b/talk.mp3", Rel: "b/talk.mp3", Legacy: "talk"}
	old := filepath.Join(out, "talk.fr.txt")
	write(t, old, "bonjour\n")
	record(t, db, "b/talk.mp3", ledger.StatusOK, old)
	l := Layout{Dir: out, Code: "fr", TextExt: ".txt"}
	found, err := l.Check([]batch.Item{a, b}, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Unclaimed) != 0 || len(found.Moved) != 1 || found.Moved[0].Input != "b/talk.mp3" {
		t.Fatalf("found %+v", found)
	}
	if got := names(t, out); !slices.Equal(got, []string{"b/talk.mp3.fr.txt"}) {
		t.Errorf("files %q", got)
	}
}

// The newest row that names a file says whose it is (rows of one millisecond by their order).
func TestEarlierOwnersNewestFirst(t *testing.T) {
	db := filepath.Join(t.TempDir(), "usage.db")
	if got := earlierOwners(db); got != nil {
		t.Errorf("no ledger: %v", got)
	}
	record(t, db, "old.mp3", ledger.StatusOK, "r.txt", "s.txt")
	record(t, db, "new.mp3", ledger.StatusOK, "r.txt")
	got := earlierOwners(db)
	if got["r.txt"] != "new.mp3" || got["s.txt"] != "old.mp3" || len(got) != 2 {
		t.Errorf("owners %v", got)
	}
}

// CheckDir checks every target language's results and says what it found: the moves through
// info, the first five results it leaves through warn, the others counted in one warning and
// named through info.
func TestCheckDirReports(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	db := filepath.Join(dir, "usage.db")
	var items []batch.Item
	for i := range 4 {
		base := fmt.Sprintf("talk%d", i)
		items = append(items, batch.Item{Name: "a/" + base + ".mp3", Rel: "a/" + base + ".mp3", Legacy: base})
		for _, code := range []string{"fr", "de"} {
			write(t, filepath.Join(out, base+"."+code+".txt"), "bonjour\n")
		}
	}
	// The ledger says the first input's French text is its: moved, not left.
	record(t, db, "a/talk0.mp3", ledger.StatusOK, filepath.Join(out, "talk0.fr.txt"))
	var warned, told []string
	report := func(to *[]string) func(string, ...any) {
		return func(format string, args ...any) { *to = append(*to, fmt.Sprintf(format, args...)) }
	}
	l := Layout{Dir: out, TextExt: ".txt"}
	if err := l.CheckDir([]string{"fr", "de"}, items, db, report(&warned), report(&told)); err != nil {
		t.Fatal(err)
	}
	if len(warned) != 6 || !strings.Contains(warned[0], "talk1.fr.txt, named by an earlier run") ||
		warned[5] != "2 more inputs have results under the names of an earlier run or version; they are translated" {
		t.Errorf("warned %q: want five results named, then the other two counted", warned)
	}
	if len(told) != 3 || !strings.Contains(told[0], "a/talk0.mp3: its result "+filepath.Join(out, "talk0.fr.txt")) ||
		!strings.Contains(told[2], "talk3.de.txt, named by an earlier run") {
		t.Errorf("told %q: want the move, then the two results past the first five", told)
	}
	if !exists(filepath.Join(out, "a", "talk0.mp3.fr.txt")) {
		t.Error("the result the ledger claims was not moved")
	}

	// An output directory that is a file is refused before anything is looked at.
	file := filepath.Join(dir, "file")
	write(t, file, "x")
	err := Layout{Dir: file}.CheckDir([]string{"fr"}, items, db, report(&warned), report(&told))
	var notDir *NotDirError
	if _, ok := usage.As(err); !ok || !errors.As(err, &notDir) || notDir.Path != file {
		t.Errorf("a file as the directory: %v", err)
	}
}
