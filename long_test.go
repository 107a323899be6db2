package main

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// longMedia makes (once) the 20-minute recording and the 12 MB video with scripts/make-long-media.sh.
func longMedia(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("long media")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "long"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", filepath.Join("scripts", "make-long-media.sh"), dir).CombinedOutput(); err != nil {
		t.Fatalf("making long media: %v\n%s", err, out)
	}
	return dir
}

// runJSON runs livetranslate against srv and decodes its --format json output.
func runJSON(t *testing.T, srvURL string, args ...string) (translation, string) {
	t.Helper()
	dir := t.TempDir()
	c, out := startCommand(t, srvURL, dir, args...)
	b, err := io.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatalf("livetranslate %v: %v\n%s", args, err, c.Stderr)
	}
	var tr translation
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, b)
	}
	return tr, dir
}

// translation is the part of --format json these tests read.
type translation struct {
	Text     string     `json:"text"`
	Usage    *api.Usage `json:"usage"`
	Segments []struct {
		Index     int        `json:"index"`
		Start     float64    `json:"start_seconds"`
		End       float64    `json:"end_seconds"`
		RequestID string     `json:"request_id"`
		Usage     *api.Usage `json:"usage"`
	} `json:"segments"`
}

// TestLongAudioIsSplitAtSilences translates 20 minutes of speech with pauses, text and speech,
// through the emulator with its 10 MiB limit: the input is split, each segment sent once, every
// cut lies in a silence of the source, the joined text lists the segments in order, the usage is
// their sum, and the speech WAV is as long as all the segments' speech together.
func TestLongAudioIsSplitAtSilences(t *testing.T) {
	dir := longMedia(t)
	src := filepath.Join(dir, "long-speech.wav")
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	tr, work := runJSON(t, srv.URL, "translate", src, "--to", "en", "--format", "json", "--audio-out", "speech.wav")
	n := len(tr.Segments)
	if n < 5 {
		t.Fatalf("%d segments for 20 minutes with speech output; want at least 5 (about 4 minutes each)", n)
	}
	reqs := emu.Requests()
	if len(reqs) != n {
		t.Fatalf("emulator saw %d requests for %d segments", len(reqs), n)
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.Status != 200 || seen[r.MediaSHA256] {
			t.Errorf("request %s: status %d, sent before: %v", r.RequestID, r.Status, seen[r.MediaSHA256])
		}
		seen[r.MediaSHA256] = true
	}

	silences := truePauses(t, src)
	lines := strings.Split(tr.Text, "\n")
	if len(lines) != n {
		t.Fatalf("%d lines of text for %d segments:\n%s", len(lines), n, tr.Text)
	}
	secs := regexp.MustCompile(`translation of ([0-9.]+) seconds of opus audio`)
	var sum api.Usage
	prevEnd := 0.0
	for i, seg := range tr.Segments {
		if seg.Start != prevEnd {
			t.Errorf("segment %d starts at %.3f, the previous ended at %.3f", i+1, seg.Start, prevEnd)
		}
		prevEnd = seg.End
		if seg.End-seg.Start > 4*60 {
			t.Errorf("segment %d is %.1f s long: over the ~4 minutes one request's speech output holds", i+1, seg.End-seg.Start)
		}
		if i < n-1 && !inSilence(silences, seg.End) {
			t.Errorf("cut at %.3f s is not inside a silence of the source", seg.End)
		}
		// The emulator names the length of what it received: segment i's line matches segment i.
		m := secs.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("line %d is not a translation of a segment: %q", i+1, lines[i])
		}
		got, _ := strconv.ParseFloat(m[1], 64)
		if math.Abs(got-(seg.End-seg.Start)) > 0.2 {
			t.Errorf("line %d translates %.1f s, segment %d is %.1f s: out of order", i+1, got, i+1, seg.End-seg.Start)
		}
		sum.Add(*seg.Usage)
	}
	if math.Abs(prevEnd-20*60) > 1 {
		t.Errorf("segments end at %.1f s, the recording at 1200 s", prevEnd)
	}
	if sum.TotalTokens != tr.Usage.TotalTokens || tr.Usage.TotalTokens == 0 {
		t.Errorf("usage %d, segments add up to %d", tr.Usage.TotalTokens, sum.TotalTokens)
	}
	// The emulator speaks 0.25 s a word: the WAV holds every segment's speech, in one file.
	words := len(strings.Fields(tr.Text))
	if d := wavSeconds(t, filepath.Join(work, "speech.wav")); math.Abs(d-float64(words)*0.25) > 0.001 {
		t.Errorf("speech.wav is %.3f s; the segments' speech adds up to %.3f s", d, float64(words)*0.25)
	}
}

// span is a stretch of a recording.
type span struct{ Start, End time.Duration }

// truePauses are the pauses of a recording made over digital silence, as an independent judge of
// the tool's own finder: ffmpeg's silencedetect far below any speech (-50 dB), for 0.15 s or more.
// A silence still open at the end runs to the end.
func truePauses(t *testing.T, path string) []span {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", path, "-map", "0:a:0",
		"-af", "silencedetect=noise=-50dB:d=0.15", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("silencedetect: %v\n%s", err, out)
	}
	field := func(line, key string) time.Duration {
		_, rest, _ := strings.Cut(line, key)
		f, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("silencedetect line %q: %v", line, err)
		}
		return time.Duration(max(v, 0) * float64(time.Second))
	}
	var spans []span
	open := time.Duration(-1)
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.Contains(line, "silence_start:"):
			open = field(line, "silence_start:")
		case strings.Contains(line, "silence_end:") && open >= 0:
			spans = append(spans, span{open, field(line, "silence_end:")})
			open = -1
		}
	}
	if open >= 0 {
		spans = append(spans, span{open, time.Duration(wavSeconds(t, path) * float64(time.Second))})
	}
	return spans
}

func inSilence(silences []span, at float64) bool {
	t := time.Duration(at * float64(time.Second))
	for _, s := range silences {
		if t >= s.Start-50*time.Millisecond && t <= s.End+50*time.Millisecond {
			return true
		}
	}
	return false
}

func wavSeconds(t *testing.T, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLongVideoIsSplitKeepingPicture translates a 12 MB, 6-minute video: it goes as several
// video_url segments, each under the limit and each with a picture stream.
func TestLongVideoIsSplitKeepingPicture(t *testing.T) {
	dir := longMedia(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	tr, _ := runJSON(t, srv.URL, "translate", filepath.Join(dir, "long-video.mp4"), "--to", "en", "--format", "json")
	reqs := emu.Requests()
	if len(tr.Segments) < 2 || len(reqs) != len(tr.Segments) {
		t.Fatalf("%d segments, %d requests; want a split into at least 2", len(tr.Segments), len(reqs))
	}
	for _, r := range reqs {
		if r.ContentType != "video_url" || !r.VideoStream || r.DataURIBytes >= api.MaxDataURISize {
			t.Errorf("segment request %+v: want video_url with a picture stream under 10 MiB", r)
		}
	}
}

// TestLimitBoundary: an input whose data URI is just under 10 MiB goes whole and unchanged; one
// just over is refused by --split never, with the figures.
func TestLimitBoundary(t *testing.T) {
	dir := longMedia(t)
	src, err := os.ReadFile(filepath.Join(dir, "long-speech.wav"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	// A data URI is 22 + 4·ceil(n/3) bytes for audio/wav: 7,864,302 bytes → 10,485,758 (limit − 2);
	// 7,864,305 bytes → 10,485,762 (limit + 2).
	under, over := filepath.Join(work, "under.wav"), filepath.Join(work, "over.wav")
	writeWAVPrefix(t, under, src, 7864302)
	writeWAVPrefix(t, over, src, 7864305)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	tr, _ := runJSON(t, srv.URL, "translate", under, "--to", "en", "--format", "json")
	reqs := emu.Requests()
	if len(tr.Segments) != 0 || len(reqs) != 1 || reqs[0].Format != "wav" || reqs[0].DataURIBytes != 10485758 {
		t.Fatalf("just under the limit: %d segments, requests %+v; want one whole wav", len(tr.Segments), reqs)
	}
	c, _ := startCommand(t, srv.URL, work, "translate", over, "--to", "en", "--split", "never")
	err = c.Wait()
	var ee *exec.ExitError
	stderr := c.Stderr.(*strings.Builder).String()
	if !asExit(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(stderr, "10,485,762") || !strings.Contains(stderr, "10,485,760") {
		t.Fatalf("just over with --split never: %v\n%s", err, stderr)
	}
	if len(emu.Requests()) != 1 {
		t.Fatal("the refused input was sent")
	}
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

// writeWAVPrefix writes an n-byte 16 kHz mono WAV: a 44-byte header and the start of src's speech.
func writeWAVPrefix(t *testing.T, path string, src []byte, n int) {
	t.Helper()
	pcm := src[len(src)-(20*60*16000*2):] // the recording's samples, past its (longer) ffmpeg header
	b := make([]byte, 44, n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(n-8))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], 16000)
	binary.LittleEndian.PutUint32(b[28:], 32000)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n-44))
	b = append(b, pcm[:n-44]...)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLongDryRunShowsPlan: --dry-run lists the segments (times, sizes, estimated tokens) and sends nothing.
func TestLongDryRunShowsPlan(t *testing.T) {
	dir := longMedia(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, out := startCommand(t, srv.URL, t.TempDir(), "translate", filepath.Join(dir, "long-speech.mp3"), "--to", "en", "--dry-run")
	b, _ := io.ReadAll(out)
	if err := c.Wait(); err != nil {
		t.Fatalf("%v\n%s", err, c.Stderr)
	}
	got := string(b)
	// A first segment of at most a minute (sent while the rest is read), then two of ten minutes.
	for _, want := range []string{`(?m)^\S*long-speech.mp3 +audio +mp3 +9\.2 MiB +20:00\.[0-9] +3 `,
		`(?m)^  speech [0-9]+% `, `(?m)^  segment 1 +0:00\.0–[01]:[0-9]{2}\.[0-9] +~[0-9.]+ [KM]iB +`,
		`(?m)^  segment 2 +[01]:[0-9]{2}\.[0-9]–10:0[0-9]\.[0-9] `, `(?m)^  segment 3 +10:0[0-9]\.[0-9]–20:00\.[0-9] `, `(?m)^TOTAL 1 inputs`} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("dry run output does not match %s:\n%s", want, got)
		}
	}
	if len(emu.Requests()) != 0 {
		t.Error("a dry run sent requests")
	}
}

// TestLongInterruptRemovesSegments interrupts a split translation: exit 130, and neither the
// segment directory nor any result is left.
func TestLongInterruptRemovesSegments(t *testing.T) {
	dir := longMedia(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, ChunkDelay: 200 * time.Millisecond})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	work := t.TempDir()
	c, _ := startCommand(t, srv.URL, work, "translate", filepath.Join(dir, "long-speech.mp3"), "--to", "en", "-o", "out.txt")
	waitUntil(t, 60*time.Second, "no request reached the emulator", func() bool { return len(emu.Requests()) > 0 })
	interruptClean(t, c, work)
}
