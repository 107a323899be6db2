package main

import (
	"io"
	"math"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// Real recordings are not quiet between phrases. These tests run the tool on speech under pink
// noise 10 dB below it (scripts/make-fixtures.sh: noisy-speech.wav, and the same speech without
// the noise, noisy-speech.clean.wav, which is the truth), and on noise alone.

// trueSpeech is the speech of the clean recording: the stretches between its true pauses.
func trueSpeech(t *testing.T, clean string) [][2]float64 {
	t.Helper()
	var spans [][2]float64
	pos := 0.0
	for _, p := range truePauses(t, clean) {
		if p.Start.Seconds() > pos {
			spans = append(spans, [2]float64{pos, p.Start.Seconds()})
		}
		pos = p.End.Seconds()
	}
	if end := wavSeconds(t, clean); end-pos > 0.05 {
		spans = append(spans, [2]float64{pos, end})
	}
	return spans
}

// TestSubtitlesOfNoisySpeech: cues start where the speaker starts and end where the speaker ends
// (within 150 ms), though the pauses are full of noise; the old fixed -35 dB threshold found no
// pause in this recording and timed its cues from 0.
func TestSubtitlesOfNoisySpeech(t *testing.T) {
	media := mediaDir(t)
	src := filepath.Join(media, "noisy-speech.wav")
	truth := trueSpeech(t, filepath.Join(media, "noisy-speech.clean.wav"))
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	for _, cueMax := range []string{"7s", "3s"} {
		t.Run(cueMax, func(t *testing.T) {
			dir := t.TempDir()
			runIn(t, srv.URL, dir, "translate", src, "--to", "en", "--format", "srt", "--cue-max", cueMax, "-o", "out.srt")
			pieces := piecesOf(parseCues(t, filepath.Join(dir, "out.srt")))
			if len(pieces) < 2 {
				t.Fatalf("%d pieces of cues: the pauses were not found (truth %v)", len(pieces), truth)
			}
			for i, p := range pieces {
				onset, offset := math.Inf(1), math.Inf(1)
				for _, s := range truth {
					onset, offset = math.Min(onset, math.Abs(p.start-s[0])), math.Min(offset, math.Abs(p.end-s[1]))
				}
				if onset > 0.15 || offset > 0.15 {
					t.Errorf("piece %d on screen %.3f–%.3f: %.0f ms from the nearest start of speech, %.0f ms from the nearest end (truth %v)",
						i+1, p.start, p.end, onset*1000, offset*1000, truth)
				}
			}
		})
	}
}

// TestSplitNoisySpeechAtPauses: a noisy recording split into short segments is cut inside its
// true pauses only.
func TestSplitNoisySpeechAtPauses(t *testing.T) {
	media := mediaDir(t)
	dir := t.TempDir()
	loop := func(src, dst string) {
		if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-stream_loop", "3", "-i", src, "-c", "copy", dst).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, out)
		}
	}
	src, clean := filepath.Join(dir, "noisy4.wav"), filepath.Join(dir, "clean4.wav")
	loop(filepath.Join(media, "noisy-speech.wav"), src)
	loop(filepath.Join(media, "noisy-speech.clean.wav"), clean)
	silences := truePauses(t, clean)

	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	tr, _ := runJSON(t, srv.URL, "translate", src, "--to", "en", "--format", "json", "--split", "always", "--segment", "8s", "--no-ledger")
	if len(tr.Segments) < 4 {
		t.Fatalf("%d segments of 38 s at --segment 8s", len(tr.Segments))
	}
	for i, seg := range tr.Segments[:len(tr.Segments)-1] {
		if !inSilence(silences, seg.End) {
			t.Errorf("cut %d at %.3f s is inside speech (true pauses %v)", i+1, seg.End, silences)
		}
	}
}

// TestNoSpeechIsNotSent: 40 s of noise is not sent, whole or split, and says why; the dry run
// says so too.
func TestNoSpeechIsNotSent(t *testing.T) {
	media := mediaDir(t)
	src := filepath.Join(media, "noise.wav")
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	for _, args := range [][]string{{}, {"--split", "always", "--segment", "10s"}, {"--format", "srt"}} {
		dir := t.TempDir()
		c, out := startCommand(t, srv.URL, dir, append([]string{"translate", src, "--to", "en", "--no-ledger"}, args...)...)
		stdout, _ := readAllString(out)
		if err := c.Wait(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, c.Stderr)
		}
		if stderr := c.Stderr.(*strings.Builder).String(); !strings.Contains(stderr, "no speech") {
			t.Errorf("%v: stderr does not say there is no speech: %q", args, stderr)
		}
		if strings.TrimSpace(stdout) != "" {
			t.Errorf("%v: stdout %q, want nothing", args, stdout)
		}
	}
	if n := len(emu.Requests()); n != 0 {
		t.Errorf("the emulator saw %d requests for noise alone", n)
	}

	dir := t.TempDir()
	c, out := startCommand(t, srv.URL, dir, "translate", src, "--to", "en", "--dry-run", "--split", "always", "--segment", "10s")
	plan, _ := readAllString(out)
	if err := c.Wait(); err != nil {
		t.Fatalf("dry run: %v\n%s", err, c.Stderr)
	}
	if !strings.Contains(plan, "0 (no speech)") || !strings.Contains(plan, "speech 0%") {
		t.Errorf("the dry run does not show that nothing would be sent:\n%s", plan)
	}
}

func readAllString(r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	return string(b), err
}

// TestSubtitlesOfLateSound: in a video whose sound starts 3 s after its picture, cues are on the
// video's timeline: the first starts when the voice does, 3 s in.
func TestSubtitlesOfLateSound(t *testing.T) {
	media := mediaDir(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "late.mp4")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=5",
		"-itsoffset", "3", "-i", filepath.Join(media, "speech.wav"), "-t", "12", "-map", "0:v", "-map", "1:a",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", src).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	truth := trueSpeech(t, filepath.Join(media, "speech.wav"))
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	runIn(t, srv.URL, dir, "translate", src, "--to", "en", "--format", "srt", "--cue-max", "3s", "-o", "late.srt")
	pieces := piecesOf(parseCues(t, filepath.Join(dir, "late.srt")))
	if len(pieces) != len(truth) {
		t.Fatalf("%d pieces, want one for each of the %d sentences: %+v", len(pieces), len(truth), pieces)
	}
	for i, p := range pieces {
		// The sound starts at 3 s, less the AAC encoder's priming (about 0.05 s).
		if want := truth[i][0] + 3; math.Abs(p.start-want) > 0.15 {
			t.Errorf("piece %d starts at %.3f s, the voice at %.3f s", i+1, p.start, want)
		}
	}
}
