package main

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// makeTree writes n distinct WAV files (copies of speech.wav with one sample changed) in
// subfolders, plus a text file and a truncated WAV that fails.
func makeTree(t *testing.T, media, root string, n int) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(media, "speech.wav"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range n {
		rel := filepath.Join(fmt.Sprintf("group%d", i%5), fmt.Sprintf("talk%02d.wav", i))
		b := append([]byte(nil), src...)
		b[len(b)-2] = byte(i) // a distinct last sample: a distinct sha256
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, rel)
	}
	os.WriteFile(filepath.Join(root, "README.txt"), []byte("not media\n"), 0o644)
	os.WriteFile(filepath.Join(root, "group0", "broken.wav"), src[:20], 0o644)
	return names
}

// TestBatchInterruptAndResume translates a tree of 50 files, interrupts the batch halfway with
// SIGINT, reruns the same command, and checks that every result exists once and is complete,
// that no partial file is left, and that the emulator saw each input once, beyond the few that
// were in flight when the batch was interrupted.
func TestBatchInterruptAndResume(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, ChunkDelay: 15 * time.Millisecond, NoProbe: true})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	names := makeTree(t, media, in, 50)
	args := []string{"translate", in, "--to", "de", "--out-dir", out, "-j", "4", "--progress", "never"}

	c, _ := startCommand(t, srv.URL, dir, args...)
	waitUntil(t, 60*time.Second, "the batch made no progress", func() bool { return countResults(out) >= 20 })
	interrupt(t, c)
	first := countResults(out)
	if first >= len(names) {
		t.Fatalf("all %d results done before the interrupt: the test interrupted nothing", first)
	}
	assertNoPartials(t, dir)
	seenFirst := len(emu.Requests())

	c, _ = startCommand(t, srv.URL, dir, args...)
	err := c.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 4 {
		t.Fatalf("rerun: %v, want exit 4 (broken.wav fails); stderr:\n%s", err, c.Stderr)
	}
	stderr := c.Stderr.(*strings.Builder).String()
	if !strings.Contains(stderr, fmt.Sprintf("%d translated, %d skipped, 1 failed", len(names)-first, first)) {
		t.Errorf("rerun summary:\n%s", stderr)
	}
	assertNoPartials(t, dir)
	for _, rel := range names {
		p := filepath.Join(out, strings.TrimSuffix(rel, ".wav")+".de.txt")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("missing result: %v", err)
			continue
		}
		if !strings.HasPrefix(string(b), "Hallo") || !strings.HasSuffix(string(b), ").\n") || strings.Count(string(b), "\n") != 1 {
			t.Errorf("%s is not one complete translation: %q", p, b)
		}
	}
	if n := countResults(out); n != len(names) {
		t.Errorf("%d result files, want %d", n, len(names))
	}
	// Each input was sent once, except those in flight at the interrupt (at most -j of them).
	sent := map[string]int{}
	for _, r := range emu.Requests() {
		if r.MediaSHA256 == "" {
			continue // a body cut off by the interrupt: the emulator refused it (400) unread
		}
		sent[r.MediaSHA256]++
	}
	twice := 0
	for _, n := range sent {
		if n > 2 {
			t.Errorf("an input was sent %d times", n)
		}
		if n == 2 {
			twice++
		}
	}
	if len(sent) != len(names) || twice > 4 {
		t.Errorf("emulator saw %d distinct inputs (want %d), %d sent twice (at most 4)", len(sent), len(names), twice)
	}
	t.Logf("interrupted after %d of %d results (%d requests); rerun sent %d more", first, len(names), seenFirst, len(emu.Requests())-seenFirst)
}

func countResults(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".de.txt") {
			n++
		}
		return nil
	})
	return n
}

func assertNoPartials(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".tmp") || strings.Contains(filepath.Base(p), "livetranslate-")) {
			t.Errorf("partial file left: %s", p)
		}
		return nil
	})
}

// BenchmarkBatch translates 200 small inputs with the emulator answering after 200 ms, at -j 1,
// 4 and 16, and reports the wall time against the ideal (inputs × latency / jobs).
// Run it with: go test -run '^$' -bench BenchmarkBatch -benchtime 1x .
func BenchmarkBatch(b *testing.B) {
	const inputs, latency = 200, 200 * time.Millisecond
	dir := b.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	for i := range inputs {
		writeTinyWAV(b, filepath.Join(in, fmt.Sprintf("in%03d.wav", i)), i)
	}
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, Latency: latency, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	bin, err := exec.LookPath("livetranslate")
	if err != nil {
		b.Fatal(err)
	}
	for _, jobs := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("j%d", jobs), func(b *testing.B) {
			for range b.N {
				out := filepath.Join(dir, fmt.Sprintf("out-%d-%d", jobs, time.Now().UnixNano()))
				c := exec.Command(bin, "translate", in, "--to", "en", "--out-dir", out, "-j", fmt.Sprint(jobs), "--progress", "never")
				c.Env = testEnv(b, dir, srv.URL)
				start := time.Now()
				if out, err := c.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
				wall := time.Since(start)
				ideal := time.Duration(inputs) * latency / time.Duration(jobs)
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.ReportMetric(ideal.Seconds(), "ideal-s")
				b.ReportMetric(wall.Seconds()/ideal.Seconds(), "wall/ideal")
			}
		})
	}
}

// writeTinyWAV writes a 0.1 s silent 16 kHz WAV whose last sample is i (distinct content).
func writeTinyWAV(b *testing.B, path string, i int) {
	const n = 1600
	h := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data")
	size := 2 * n
	h[4], h[5] = byte((36+size)&0xff), byte((36+size)>>8)
	data := make([]byte, size)
	data[size-2] = byte(i)
	data[size-1] = byte(i >> 8)
	body := append(append(h, byte(size&0xff), byte(size>>8), 0, 0), data...)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		b.Fatal(err)
	}
}
