package media

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fixtures makes test media on demand in one temp dir, each file at most once, from a short
// espeak-ng sentence: real encoder output, not hand-made headers, is what detection must handle.
type fixtures struct {
	t    *testing.T
	dir  string
	made map[string]string
}

func newFixtures(t *testing.T) *fixtures {
	t.Helper()
	for _, tool := range []string{"espeak-ng", "ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run scripts/install-deps.sh", tool)
		}
	}
	return &fixtures{t: t, dir: t.TempDir(), made: map[string]string{}}
}

// path returns the fixture's path, generating it (and what it is made from) first.
func (f *fixtures) path(name string) string {
	f.t.Helper()
	if p, ok := f.made[name]; ok {
		return p
	}
	out := filepath.Join(f.dir, name)
	speech := func() string { return f.path("speech.wav") }
	// A 160x120 test pattern at 5 fps under the speech: video that encodes in a blink.
	video := func(args ...string) {
		f.ffmpeg(append([]string{"-f", "lavfi", "-i", "testsrc=size=160x120:rate=5", "-i", speech(), "-shortest"},
			append(args, out)...)...)
	}
	h264 := []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"}
	switch name {
	case "speech.wav":
		f.run("espeak-ng", "-v", "en-us", "-s", "190", "-w", out, "Hello, this is a short test.")
	case "speech.mp3", "mislabeled.wav":
		f.ffmpeg("-i", speech(), "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", out)
	case "speech.m4a":
		f.ffmpeg("-i", speech(), "-c:a", "aac", out)
	case "speech-audio.mp4": // audio only, but with MP4's generic brand, not M4A's
		f.ffmpeg("-i", speech(), "-c:a", "aac", "-brand", "isom", out)
	case "speech-alac.m4a":
		f.ffmpeg("-i", speech(), "-c:a", "alac", out)
	case "speech.aac":
		f.ffmpeg("-i", speech(), "-c:a", "aac", "-f", "adts", out)
	case "speech.flac":
		f.ffmpeg("-i", speech(), "-c:a", "flac", out)
	case "speech.ogg":
		f.ffmpeg("-i", speech(), "-c:a", "libvorbis", out)
	case "speech.opus":
		f.ffmpeg("-i", speech(), "-c:a", "libopus", "-b:a", "32k", out)
	case "speech-audio.webm":
		f.ffmpeg("-i", speech(), "-c:a", "libopus", "-b:a", "32k", "-f", "webm", out)
	case "speech-audio.mkv":
		f.ffmpeg("-i", speech(), "-c:a", "pcm_s16le", "-f", "matroska", out)
	case "speech.aiff":
		f.ffmpeg("-i", speech(), "-f", "aiff", out)
	case "speech-96k.wav":
		f.ffmpeg("-i", speech(), "-ar", "96000", out)
	case "speech-rf64.wav":
		f.ffmpeg("-i", speech(), "-rf64", "always", out)
	case "speech.ts": // MPEG-TS: mimetype does not know it, ffprobe does
		f.ffmpeg("-i", speech(), "-c:a", "aac", "-f", "mpegts", out)
	case "speech.amr":
		switch {
		case hasFFmpegEncoder(f.t, "libopencore_amrnb"):
			f.ffmpeg("-i", speech(), "-ar", "8000", "-ac", "1", "-c:a", "libopencore_amrnb", out)
		case soxWritesAMR(f.t, f.dir):
			f.run("sox", speech(), "-r", "8000", "-c", "1", "-t", "amr-nb", out)
		default:
			f.t.Skip("no AMR-NB encoder: ffmpeg lacks libopencore_amrnb and sox lacks amr-nb")
		}
	case "clip.mp4", "clip.mov", "clip.mkv":
		video(h264...)
	case "clip.webm":
		video("-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus")
	case "clip.avi":
		video("-c:v", "mpeg4", "-c:a", "libmp3lame")
	case "clip.flv":
		video("-c:v", "flv", "-c:a", "libmp3lame", "-ar", "22050")
	case "notes.txt":
		f.write(out, []byte("These are meeting notes, not a recording.\n"))
	case "image.png":
		f.ffmpeg("-f", "lavfi", "-i", "color=c=blue:size=32x32", "-frames:v", "1", out)
	case "truncated.wav":
		wav, err := os.ReadFile(speech())
		if err != nil {
			f.t.Fatal(err)
		}
		f.write(out, wav[:20])
	case "empty.wav":
		f.write(out, nil)
	case "folder":
		if err := os.Mkdir(out, 0o755); err != nil {
			f.t.Fatal(err)
		}
	default:
		f.t.Fatalf("no recipe for fixture %s", name)
	}
	f.made[name] = out
	return out
}

func (f *fixtures) ffmpeg(args ...string) {
	f.t.Helper()
	f.run("ffmpeg", append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)...)
}

func (f *fixtures) run(name string, args ...string) {
	f.t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		f.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func (f *fixtures) write(path string, data []byte) {
	f.t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func hasFFmpegEncoder(t *testing.T, encoder string) bool {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-encoders").Output()
	return err == nil && bytes.Contains(out, []byte(" "+encoder+" "))
}

func soxWritesAMR(t *testing.T, dir string) bool {
	t.Helper()
	if _, err := exec.LookPath("sox"); err != nil {
		return false
	}
	probe := filepath.Join(dir, "sox-probe.amr")
	defer os.Remove(probe)
	return exec.Command("sox", "-n", "-r", "8000", "-c", "1", "-t", "amr-nb", probe, "trim", "0", "0.1").Run() == nil
}
