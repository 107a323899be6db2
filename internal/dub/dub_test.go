package dub

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sec(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func TestFitSlot(t *testing.T) {
	for _, tc := range []struct {
		length, slot time.Duration
		want         Fit
	}{
		{sec(2), sec(3), Fit{Tempo: 1, Keep: sec(2)}},
		{sec(3), sec(3), Fit{Tempo: 1, Keep: sec(3)}},
		{sec(3.6), sec(3), Fit{Tempo: 1.2, Keep: sec(3)}},
		{sec(4.5), sec(3), Fit{Tempo: 1.5, Keep: sec(3)}},
		{sec(6), sec(3), Fit{Tempo: 1.5, Keep: sec(3), Cut: true}}, // 4 s at 1.5×: the last second cut
		{sec(2), 0, Fit{Tempo: 1, Keep: 0, Cut: true}},
	} {
		got := FitSlot(tc.length, tc.slot)
		if math.Abs(got.Tempo-tc.want.Tempo) > 1e-9 || (got.Keep-tc.want.Keep).Abs() > time.Millisecond || got.Cut != tc.want.Cut {
			t.Errorf("FitSlot(%v, %v) = %+v, want %+v", tc.length, tc.slot, got, tc.want)
		}
	}
}

// writeClip writes n samples of a constant level as a PCM clip.
func writeClip(t *testing.T, dir, name string, n int, level int16) string {
	t.Helper()
	b := make([]byte, 2*n)
	for i := range n {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(level))
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func samples(b []byte) []int16 {
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

// TestAlign lays three clips on a 10-second track: the first fits its slot, the second runs
// 1.2× over and is sped up to fit, the third (2.5 s in a 1 s slot) is sped up 1.5× and still cut,
// fading out. The track is exactly 10 s, silent outside the clips, each clip starting at its time.
func TestAlign(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	dir := t.TempDir()
	clips := []Clip{
		{At: sec(1), Path: writeClip(t, dir, "a.pcm", 24000, 1000)},   // 1 s in a 3 s slot
		{At: sec(4), Path: writeClip(t, dir, "b.pcm", 3*28800, 2000)}, // 3.6 s in a 3 s slot
		{At: sec(7), Path: ""}, // nothing said
		{At: sec(9), Path: writeClip(t, dir, "c.pcm", 60000, 3000)},  // 2.5 s in the last 1 s
		{At: sec(12), Path: writeClip(t, dir, "d.pcm", 24000, 4000)}, // past the end: dropped
	}
	var out bytes.Buffer
	rep, err := Align(context.Background(), clips, sec(10), &out, Options{TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s := samples(out.Bytes())
	if len(s) != 240000 {
		t.Fatalf("track is %d samples, want 240000 (10 s)", len(s))
	}
	if rep.SpedUp != 2 || rep.Cut != 1 {
		t.Errorf("report %+v, want 2 sped up, 1 cut", rep)
	}
	at := func(f float64) int16 { return s[int(f*24000)] }
	for _, c := range []struct {
		t    float64
		want int16
	}{{0.5, 0}, {1.001, 1000}, {1.999, 1000}, {2.01, 0}, {3.99, 0}, {4.001, 2000}, {6.9, 2000}, {7.01, 0}, {8.99, 0}, {9.001, 3000}, {9.5, 3000}} {
		// atempo keeps a constant level but may round it by a few units.
		if got := at(c.t); math.Abs(float64(got-c.want)) > 10 {
			t.Errorf("sample at %.3f s = %d, want %d", c.t, got, c.want)
		}
	}
	// The cut clip fades out over its last 40 ms, down to nearly nothing at the end.
	if last := s[len(s)-1]; last > 100 || last < 0 {
		t.Errorf("last sample %d: the cut is not faded", last)
	}
	if mid := at(10 - 0.02); mid > 2000 || mid < 1000 {
		t.Errorf("sample half-way through the fade = %d, want about 1500", mid)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "livetranslate-tempo-*")); len(left) > 0 {
		t.Errorf("sped-up speech left behind: %v", left)
	}
}

// TestAlignRefusesDisorder: clips out of order are a bug in the caller.
func TestAlignRefusesDisorder(t *testing.T) {
	dir := t.TempDir()
	clips := []Clip{{At: sec(2), Path: writeClip(t, dir, "a.pcm", 100, 1)}, {At: sec(1), Path: writeClip(t, dir, "b.pcm", 100, 1)}}
	if _, err := Align(context.Background(), clips, sec(3), &bytes.Buffer{}, Options{}); err == nil {
		t.Fatal("no error for clips out of order")
	}
}

func TestContainerFor(t *testing.T) {
	for path, want := range map[string]string{"a.mp4": "mp4", "A.MOV": "mov", "x/y.mkv": "matroska", "b.webm": "webm", "c.m4v": "mp4", "d.avi": "", "mp4": ""} {
		c, ok := ContainerFor(path)
		if c.Muxer != want || ok != (want != "") {
			t.Errorf("ContainerFor(%q) = %q, %v; want %q", path, c.Muxer, ok, want)
		}
	}
}

type probed struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func probe(t *testing.T, path string) probed {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name", "-of", "json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// meanVolume is ffmpeg volumedetect's mean volume of path's audio, in dB.
func meanVolume(t *testing.T, path string) float64 {
	t.Helper()
	out, _ := exec.Command("ffmpeg", "-hide_banner", "-nostats", "-i", path, "-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-").CombinedOutput()
	i := bytes.Index(out, []byte("mean_volume: "))
	if i < 0 {
		t.Fatalf("no volumedetect output:\n%s", out)
	}
	rest := out[i+len("mean_volume: "):]
	v, err := strconv.ParseFloat(string(rest[:bytes.IndexByte(rest, ' ')]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMux dubs a 4-second video: one picture stream (copied: still h264) and one audio stream,
// as long as the source; with Mix the original tone is heard under the silent track.
func TestMux(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	dir := t.TempDir()
	video := filepath.Join(dir, "in.mp4")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5",
		"-f", "lavfi", "-i", "sine=frequency=300", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
		"-c:a", "aac", video).CombinedOutput(); err != nil {
		t.Fatalf("making the video: %v\n%s", err, out)
	}
	track := filepath.Join(dir, "track.pcm")
	if err := os.WriteFile(track, make([]byte, 4*24000*2), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _ := ContainerFor("out.mp4")
	for _, mix := range []float64{0, 0.5} {
		out := filepath.Join(dir, "out"+strconv.FormatFloat(mix, 'f', -1, 64)+".mp4")
		if err := Mux(context.Background(), video, track, out, MuxOptions{Container: c, Mix: mix}); err != nil {
			t.Fatal(err)
		}
		p := probe(t, out)
		if len(p.Streams) != 2 || p.Streams[0].CodecType != "video" || p.Streams[0].CodecName != "h264" || p.Streams[1].CodecType != "audio" {
			t.Errorf("mix %v: streams %+v, want h264 video and audio", mix, p.Streams)
		}
		if d, _ := strconv.ParseFloat(p.Format.Duration, 64); math.Abs(d-4) > 0.1 {
			t.Errorf("mix %v: duration %.3f, want 4", mix, d)
		}
		v := meanVolume(t, out)
		if mix == 0 && v > -80 {
			t.Errorf("the original sound is still there without --dub-mix: mean volume %.1f dB", v)
		}
		if mix > 0 && v < -40 {
			t.Errorf("the original sound is missing with a mix of %v: mean volume %.1f dB", mix, v)
		}
	}
}

// TestCheckContainer: a picture the container cannot take is refused up front, naming the codec.
func TestCheckContainer(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	dir := t.TempDir()
	video := filepath.Join(dir, "in.webm")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5",
		"-t", "1", "-c:v", "libvpx", "-deadline", "realtime", video).CombinedOutput(); err != nil {
		t.Fatalf("making the video: %v\n%s", err, out)
	}
	mp4, _ := ContainerFor("out.mp4")
	err := CheckContainer(context.Background(), video, "out.mp4", mp4, Options{TempDir: dir})
	var ce *ContainerError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "vp8") || !strings.Contains(err.Error(), "out.mp4") {
		t.Fatalf("VP8 into MP4: err = %v, want a ContainerError naming vp8", err)
	}
	mkv, _ := ContainerFor("out.mkv")
	if err := CheckContainer(context.Background(), video, "out.mkv", mkv, Options{TempDir: dir}); err != nil {
		t.Fatalf("VP8 into Matroska: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "livetranslate-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
