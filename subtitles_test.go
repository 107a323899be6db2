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
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// runIn runs livetranslate in dir against srvURL and returns its stdout; it fails the test unless
// the command succeeds.
func runIn(t *testing.T, srvURL, dir string, args ...string) []byte {
	t.Helper()
	c, out := startCommand(t, srvURL, dir, append(args, "--no-ledger")...)
	b, err := io.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatalf("livetranslate %v: %v\n%s", args, err, c.Stderr)
	}
	return b
}

// cue is one subtitle as a player reads it.
type cue struct {
	start, end float64
	text       string // the lines joined with spaces
}

var cueTimes = regexp.MustCompile(`^(\d{2,}):(\d{2}):(\d{2})[,.](\d{3}) --> (\d{2,}):(\d{2}):(\d{2})[,.](\d{3})$`)

// parseCues reads an SRT or WebVTT file the way a player does: blocks separated by blank lines,
// each with a timing line and the text after it.
func parseCues(t *testing.T, path string) []cue {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cues []cue
	for _, block := range strings.Split(strings.TrimSpace(string(b)), "\n\n") {
		lines := strings.Split(block, "\n")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " --> ") })
		if i < 0 {
			continue // the WEBVTT header
		}
		m := cueTimes.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("%s: bad timing line %q", path, lines[i])
		}
		secs := func(h, mi, s, ms string) float64 {
			n := func(x string) float64 { v, _ := strconv.Atoi(x); return float64(v) }
			return n(h)*3600 + n(mi)*60 + n(s) + n(ms)/1000
		}
		if len(lines[i+1:]) == 0 || len(lines[i+1:]) > 2 {
			t.Errorf("%s: cue at %s has %d lines", path, lines[i], len(lines[i+1:]))
		}
		for _, l := range lines[i+1:] {
			if n := len([]rune(l)); n > 42 {
				t.Errorf("%s: line %q is %d characters", path, l, n)
			}
		}
		cues = append(cues, cue{start: secs(m[1], m[2], m[3], m[4]), end: secs(m[5], m[6], m[7], m[8]), text: strings.Join(lines[i+1:], " ")})
	}
	return cues
}

// piecesOf groups cues into the pieces they were laid out from: a piece's cues follow each other
// without a gap; between pieces lies a pause.
func piecesOf(cues []cue) []cue {
	var pieces []cue
	for i, c := range cues {
		if i > 0 && c.start == cues[i-1].end {
			p := &pieces[len(pieces)-1]
			p.end, p.text = c.end, p.text+" "+c.text
			continue
		}
		pieces = append(pieces, c)
	}
	return pieces
}

// timedJSON is what these tests read of --format json.
type timedJSON struct {
	Text     string `json:"text"`
	DubFile  string `json:"dub_file"`
	Segments []struct {
		Start float64 `json:"start_seconds"`
		End   float64 `json:"end_seconds"`
		Text  string  `json:"text"`
	} `json:"segments"`
}

var pieceText = regexp.MustCompile(`^Hello from the livetranslate emulator\. This is the English translation of ([0-9.]+) seconds of opus audio \(\d+ bytes, sha256 [0-9a-f]{8}\)\.$`)

// TestSubtitlesFollowSilences makes SRT and WebVTT subtitles of speech.wav (four sentences with
// pauses) at two --cue-max settings and checks them against the source's silences as
// ffmpeg's silencedetect finds them far below the speech (the recording is over digital silence): every piece of cues starts where a silence ends (or at 0) and
// ends where one starts (or where the sound ends), within 100 ms; ffmpeg reads the file as a
// subtitle stream; and each piece's text is the emulator's translation of that very piece, in order
// (the emulator names the length of what it received, which --format json of the same run with
// aligned speech lists per piece).
func TestSubtitlesFollowSilences(t *testing.T) {
	media := mediaDir(t)
	src := filepath.Join(media, "speech.wav")
	silences := truePauses(t, src)
	soundEnd := wavSeconds(t, src)
	near := func(a, b float64) bool { return math.Abs(a-b) <= 0.1 }
	startsSpeech := func(at float64) bool {
		ok := near(at, 0)
		for _, s := range silences {
			ok = ok || near(at, s.End.Seconds())
		}
		return ok
	}
	endsSpeech := func(at float64) bool {
		ok := near(at, soundEnd)
		for _, s := range silences {
			ok = ok || near(at, s.Start.Seconds())
		}
		return ok
	}
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		format, cueMax string
		pieces         int
		codec          string
	}{{"srt", "7s", 2, "subrip"}, {"vtt", "3s", 4, "webvtt"}} {
		t.Run(tc.format+"-"+tc.cueMax, func(t *testing.T) {
			dir := t.TempDir()
			out := "out." + tc.format
			runIn(t, srv.URL, dir, "translate", src, "--to", "en", "--format", tc.format, "--cue-max", tc.cueMax, "-o", out)
			probe, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "compact=p=0", filepath.Join(dir, out)).Output()
			if err != nil || strings.TrimSpace(string(probe)) != "codec_name="+tc.codec+"|codec_type=subtitle" {
				t.Errorf("ffprobe %s: %v %s; want one %s subtitle stream", out, err, probe, tc.codec)
			}
			var js timedJSON
			if err := json.Unmarshal(runIn(t, srv.URL, dir, "translate", src, "--to", "en", "--format", "json", "--cue-max", tc.cueMax,
				"--audio-out", "aligned.wav", "--align"), &js); err != nil {
				t.Fatal(err)
			}

			cues := parseCues(t, filepath.Join(dir, out))
			pieces := piecesOf(cues)
			if len(pieces) != tc.pieces || len(js.Segments) != tc.pieces {
				t.Fatalf("%d pieces of cues, %d segments in JSON; want %d:\n%+v", len(pieces), len(js.Segments), tc.pieces, cues)
			}
			for i, p := range pieces {
				if !startsSpeech(p.start) || !endsSpeech(p.end) {
					t.Errorf("piece %d runs %.3f–%.3f: not from the end of a silence to the start of one (silences %v)", i+1, p.start, p.end, silences)
				}
				seg := js.Segments[i]
				if p.start < seg.Start-0.001 || p.end > seg.End+0.001 {
					t.Errorf("piece %d on screen %.3f–%.3f, outside what was sent for it, %.3f–%.3f", i+1, p.start, p.end, seg.Start, seg.End)
				}
				m := pieceText.FindStringSubmatch(p.text)
				if m == nil {
					t.Fatalf("piece %d is not one whole translation: %q", i+1, p.text)
				}
				if got, _ := strconv.ParseFloat(m[1], 64); math.Abs(got-(seg.End-seg.Start)) > 0.15 {
					t.Errorf("piece %d translates %.1f s; the piece sent was %.3f s: out of order", i+1, got, seg.End-seg.Start)
				}
			}
			for i := 1; i < len(cues); i++ {
				if cues[i].start < cues[i-1].end {
					t.Errorf("cue %d starts at %.3f, before cue %d ends at %.3f", i+1, cues[i].start, i, cues[i-1].end)
				}
			}
		})
	}
}

// pcm decodes path's first audio stream to 24 kHz mono samples.
func pcm(t *testing.T, path string) []int16 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a:0", "-f", "s16le", "-ar", "24000", "-ac", "1", "-").Output()
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	s := make([]int16, len(out)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(out[2*i:]))
	}
	return s
}

// rms is the loudness of samples from a to b seconds.
func rms(s []int16, a, b float64) float64 {
	from, to := int(a*24000), min(int(b*24000), len(s))
	var sum float64
	for _, v := range s[from:to] {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(max(to-from, 1)))
}

type streamInfo struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Duration  string `json:"duration"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func probeStreams(t *testing.T, path string) streamInfo {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,duration:format=duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var p streamInfo
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// videoMD5 is the MD5 of path's first picture stream's packets, as copied: equal for a stream
// that was copied, different for one re-encoded.
func videoMD5(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-c", "copy", "-f", "md5", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// spacedMedia makes, in dir, a recording of two sentences 7 s apart (the first sentence of
// speech.wav twice), as spaced.wav and, under a test picture, spaced.mp4: each piece's slot is long
// enough for the emulator's speech (about 5.5 s a piece), so silence follows it.
func spacedMedia(t *testing.T, dir string) (wav, mp4 string) {
	t.Helper()
	src := filepath.Join(mediaDir(t), "speech.wav")
	wav, mp4 = filepath.Join(dir, "spaced.wav"), filepath.Join(dir, "spaced.mp4")
	ff := func(args ...string) {
		if out, err := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
		}
	}
	ff("-i", src, "-filter_complex", "[0:a]atrim=0:1.4,asetpts=N/SR/TB,asplit[a][b];[a]apad=pad_dur=7[a1];[a1][b]concat=n=2:v=0:a=1", wav)
	ff("-f", "lavfi", "-i", "testsrc=size=160x120:rate=5", "-i", wav, "-shortest", "-c:v", "libx264", "-preset", "ultrafast",
		"-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", mp4)
	return wav, mp4
}

// TestDubbedVideo dubs a video of two sentences 7 s apart into French and checks with ffprobe and
// ffmpeg: one video stream, its packets those of the source, and one audio stream, both as long as
// the source; the emulator's speech (a 440 Hz tone, 0.25 s a word) is heard from each piece's start,
// for as long as its words last, and nothing between; --dub-mix brings the source's own voice back
// underneath.
func TestDubbedVideo(t *testing.T) {
	_, src := spacedMedia(t, t.TempDir())
	srcInfo := probeStreams(t, src)
	srcDur, _ := strconv.ParseFloat(srcInfo.Format.Duration, 64)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	runIn(t, srv.URL, dir, "translate", src, "--to", "fr", "--dub", "dub.mp4", "--format", "srt", "-o", "dub.srt")
	runIn(t, srv.URL, dir, "translate", src, "--to", "fr", "--dub", "mix.mp4", "--dub-mix", "0.15", "-o", "mix.txt")
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"dub.mp4", "dub.srt", "mix.mp4", "mix.txt"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}

	for _, name := range []string{"dub.mp4", "mix.mp4"} {
		p := probeStreams(t, filepath.Join(dir, name))
		var kinds []string
		for _, s := range p.Streams {
			kinds = append(kinds, s.CodecType+"/"+s.CodecName)
			if d, err := strconv.ParseFloat(s.Duration, 64); err != nil || math.Abs(d-srcDur) > 0.1 {
				t.Errorf("%s: %s stream lasts %s s, the source %.3f s", name, s.CodecType, s.Duration, srcDur)
			}
		}
		if !slices.Equal(kinds, []string{"video/h264", "audio/aac"}) {
			t.Errorf("%s: streams %v, want one h264 video and one aac audio", name, kinds)
		}
		if d, _ := strconv.ParseFloat(p.Format.Duration, 64); math.Abs(d-srcDur) > 0.1 {
			t.Errorf("%s lasts %.3f s, the source %.3f s", name, d, srcDur)
		}
		if videoMD5(t, filepath.Join(dir, name)) != videoMD5(t, src) {
			t.Errorf("%s: the picture was re-encoded, not copied", name)
		}
	}

	pieces := piecesOf(parseCues(t, filepath.Join(dir, "dub.srt")))
	if len(pieces) != 2 {
		t.Fatalf("%d pieces, want 2: %+v", len(pieces), pieces)
	}
	dub := pcm(t, filepath.Join(dir, "dub.mp4"))
	first := float64(len(strings.Fields(pieces[0].text))) * 0.25 // seconds of speech for piece 1
	if end := pieces[0].start + first; end >= pieces[1].start {
		t.Fatalf("piece 1's speech (%.2f s) does not fit before piece 2: the test expects it to", first)
	}
	// Loud while piece 1's speech lasts; silent from its end to piece 2's start; loud again after.
	// The tone's RMS is about 700.
	for _, w := range []struct {
		a, b float64
		loud bool
	}{
		{pieces[0].start + 0.1, pieces[0].start + first - 0.1, true},
		{pieces[0].start + first + 0.1, pieces[1].start - 0.1, false},
		{pieces[1].start + 0.1, srcDur - 0.15, true},
	} {
		v := rms(dub, w.a, w.b)
		if w.loud && v < 300 || !w.loud && v > 10 {
			t.Errorf("dub.mp4 from %.2f to %.2f s: RMS %.0f, want it %s", w.a, w.b, v, map[bool]string{true: "loud", false: "silent"}[w.loud])
		}
	}
	// While the source speaks its first sentence, the mix has the source's voice at 0.15 under the
	// dub's tone: louder than the dub alone.
	mix := pcm(t, filepath.Join(dir, "mix.mp4"))
	if d, m := rms(dub, pieces[0].start+0.1, pieces[0].end-0.1), rms(mix, pieces[0].start+0.1, pieces[0].end-0.1); m < d*1.1 {
		t.Errorf("mix.mp4: RMS %.0f while the source speaks, the dub alone %.0f: the original is not underneath", m, d)
	}
}

// TestAlignedSpeech: --audio-out --align writes a WAV as long as the source to the sample, with
// each piece's speech from the piece's start and silence (zeros) between.
func TestAlignedSpeech(t *testing.T) {
	src, _ := spacedMedia(t, t.TempDir())
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	runIn(t, srv.URL, dir, "translate", src, "--to", "en", "--audio-out", "aligned.wav", "--align", "--format", "vtt", "-o", "a.vtt")
	if got, want := wavSeconds(t, filepath.Join(dir, "aligned.wav")), wavSeconds(t, src); math.Abs(got-want) > 1.0/24000 {
		t.Errorf("aligned.wav lasts %.6f s, the source %.6f s", got, want)
	}
	pieces := piecesOf(parseCues(t, filepath.Join(dir, "a.vtt")))
	s := pcm(t, filepath.Join(dir, "aligned.wav"))
	if len(pieces) != 2 {
		t.Fatalf("%d pieces, want 2", len(pieces))
	}
	speechEnd := pieces[0].start + float64(len(strings.Fields(pieces[0].text)))*0.25
	if speechEnd >= pieces[1].start {
		t.Fatalf("piece 1's speech ends at %.2f s, after piece 2 starts: the test expects it to fit", speechEnd)
	}
	if rms(s, pieces[0].start, speechEnd) < 300 || rms(s, pieces[1].start, pieces[1].start+0.5) < 300 {
		t.Error("no speech where the pieces start")
	}
	if v := rms(s, speechEnd+0.01, pieces[1].start-0.01); v != 0 {
		t.Errorf("RMS %.1f between piece 1's speech and piece 2: want silence", v)
	}
}

// TestTimedInterruptLeavesNothing sends SIGINT while the pieces of a dub with subtitles and aligned
// speech are being translated (their streams stalled after some speech has arrived and been held):
// the process exits 130, and no result, temporary file, held speech or segment file remains.
func TestTimedInterruptLeavesNothing(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	emu.SetFault(fakeapi.Fault{Kind: "stall", After: 3})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close) // after the command is killed: a stalled stream holds the server open

	dir := t.TempDir()
	c, _ := startCommand(t, srv.URL, dir, "translate", filepath.Join(media, "clip.mp4"), "--to", "en", "--no-ledger",
		"--format", "srt", "-o", "out.srt", "--dub", "out.mp4", "--audio-out", "out.wav", "--align")
	waitUntil(t, 20*time.Second, "fewer than both pieces reached the emulator", func() bool { return len(emu.Requests()) >= 2 })
	time.Sleep(200 * time.Millisecond) // let the first chunks of speech reach their held files
	var held int
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".pcm") {
			held++
		}
		return nil
	})
	if held == 0 {
		t.Error("no held speech before the interrupt: the test does not test what it says")
	}
	interruptClean(t, c, dir)
}
