package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
)

// makeAudio encodes 1.37 s of a tone (or, with input args, something else) with ffmpeg.
func makeAudio(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	all := []string{"-nostdin", "-v", "error", "-y"}
	if len(args) == 0 || args[0] != "-i" && args[0] != "-f" {
		all = append(all, "-f", "lavfi", "-i", "sine=frequency=440:duration=1.37")
	}
	all = append(append(all, args...), out)
	if b, err := exec.Command("ffmpeg", all...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %.300s: %v\n%s", strings.Join(all, " "), err, b)
	}
	return out
}

func fileProbe(t *testing.T, path string) (*ProbeInfo, bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, headerSize)
	n, _ := f.ReadAt(head, 0)
	return probeFromHeader(f, fi.Size(), sniff(head[:n]))
}

// packetEnd is where ffprobe's last audio packet ends: the exact length of a stream whose
// format duration ffprobe only estimates from the bit rate (ADTS, AMR).
func packetEnd(t *testing.T, path string) time.Duration {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=time_base:packet=pts,duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe packets of %s: %v", path, err)
	}
	var r struct {
		Streams []struct {
			TimeBase string `json:"time_base"`
		} `json:"streams"`
		Packets []struct {
			PTS      int64 `json:"pts"`
			Duration int64 `json:"duration"`
		} `json:"packets"`
	}
	if err := json.Unmarshal(out, &r); err != nil || len(r.Streams) != 1 || len(r.Packets) == 0 {
		t.Fatalf("ffprobe packets of %s: %v\n%.300s", path, err, out)
	}
	tb, ok := new(big.Rat).SetString(r.Streams[0].TimeBase)
	if !ok {
		t.Fatalf("time base %q", r.Streams[0].TimeBase)
	}
	last := r.Packets[len(r.Packets)-1]
	micros := new(big.Rat).Mul(tb, big.NewRat((last.PTS+last.Duration)*1_000_000, 1))
	f, _ := micros.Float64()
	return time.Duration(f+0.5) * time.Microsecond
}

// The header readers must say what ffprobe says: the codec, rate and channels exactly (decide
// turns them into the format to send or a conversion), and the duration (planning turns it into
// token estimates and cut points) to the microsecond where ffprobe reads it from a header too.
// Where ffprobe estimates it from the bit rate (ADTS, AMR) the readers count frames, and are held
// to the end of ffprobe's last packet instead.
//
// Against the source, every length here is longer by the encoder's padding, as ffprobe's is:
// MP3 counts whole frames, LAME's 1105-sample delay and its padding of up to two frames included
// (~80 ms at 44.1 kHz, ~100 ms at 22 kHz, ~210 ms at 8 kHz; the espeak-ng fixture comes out 74 ms
// over its WAV); AAC its 1024-sample priming and last frame; Opus its 312-sample pre-skip and
// last frame. Each case says how far over its source it may come out.
func TestHeaderProbeMatchesFFprobe(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	dir := t.TempDir()
	fx := newFixtures(t)
	cover := makeAudio(t, dir, "cover.png", "-f", "lavfi", "-i", "color=c=red:size=64x64", "-frames:v", "1")
	tone := 1370 * time.Millisecond
	longComment := filepath.Join(dir, "comment.txt") // more than one command-line argument may hold
	if err := os.WriteFile(longComment, []byte(";FFMETADATA1\ncomment="+strings.Repeat("x", 150_000)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	withID3v1 := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tag := append([]byte("TAG"), make([]byte, 125)...)
		out := strings.TrimSuffix(path, ".mp3") + "-id3v1.mp3"
		if err := os.WriteFile(out, append(b, tag...), 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	type tc struct {
		path     string
		counted  bool          // ffprobe estimates the length: compare with its packets
		source   time.Duration // the length encoded (0: not compared)
		overhead time.Duration // how much longer than the source it may come out
	}
	// LAME's delay and padding: 1105 samples before, up to two frames after.
	mp3Overhead := func(rate int) time.Duration {
		frame := 1152
		if rate < 32000 {
			frame = 576
		}
		return time.Duration(1105+2*frame) * time.Second / time.Duration(rate)
	}
	mp3 := func(name string, rate int, args ...string) tc {
		args = append([]string{"-ar", strconv.Itoa(rate)}, args...)
		return tc{path: makeAudio(t, dir, name, args...), source: tone, overhead: mp3Overhead(rate)}
	}
	cases := []tc{
		mp3("cbr-44k-stereo.mp3", 44100, "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"), // Info tag
		mp3("vbr-48k-stereo.mp3", 48000, "-ac", "2", "-c:a", "libmp3lame", "-q:a", "2"),    // Xing tag
		mp3("mpeg2-22k.mp3", 22050, "-c:a", "libmp3lame", "-b:a", "64k"),
		mp3("mpeg25-8k.mp3", 8000, "-c:a", "libmp3lame", "-b:a", "16k"),
		mp3("untagged-32k.mp3", 32000, "-ac", "2", "-c:a", "libmp3lame", "-b:a", "96k", "-write_xing", "0"),
		mp3("untagged-bare.mp3", 44100, "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0", "-id3v2_version", "0"),
		{path: makeAudio(t, dir, "cover.mp3", "-f", "lavfi", "-i", "sine=duration=1.37", "-i", cover, "-map", "0", "-map", "1",
			"-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic", "-id3v2_version", "3"), source: tone, overhead: mp3Overhead(44100)},
		{path: fx.path("speech.mp3")},
		{path: makeAudio(t, dir, "s16-44k-stereo.flac", "-ar", "44100", "-ac", "2", "-c:a", "flac"), source: tone},
		{path: makeAudio(t, dir, "s24-96k.flac", "-ar", "96000", "-c:a", "flac", "-sample_fmt", "s32"), source: tone},
		{path: makeAudio(t, dir, "8k.flac", "-ar", "8000", "-c:a", "flac"), source: tone},
		{path: makeAudio(t, dir, "cover.flac", "-f", "lavfi", "-i", "sine=duration=1.37", "-i", cover, "-map", "0", "-map", "1",
			"-c:a", "flac", "-c:v", "png", "-disposition:v", "attached_pic"), source: tone},
		{path: fx.path("speech.flac")},
		{path: makeAudio(t, dir, "mono.opus", "-c:a", "libopus"), source: tone, overhead: 30 * time.Millisecond},
		{path: makeAudio(t, dir, "stereo-60ms.opus", "-ac", "2", "-c:a", "libopus", "-frame_duration", "60"), source: tone, overhead: 70 * time.Millisecond},
		{path: makeAudio(t, dir, "celt-2.5ms.opus", "-c:a", "libopus", "-frame_duration", "2.5"), source: tone, overhead: 30 * time.Millisecond},
		{path: makeAudio(t, dir, "long-tags.opus", "-f", "lavfi", "-i", "sine=duration=1.37", "-i", longComment, "-map_metadata", "1",
			"-c:a", "libopus"), source: tone, overhead: 30 * time.Millisecond}, // OpusTags over three pages
		{path: fx.path("speech.opus")},
		{path: makeAudio(t, dir, "44k-stereo.aac", "-ar", "44100", "-ac", "2", "-c:a", "aac", "-f", "adts"), counted: true, source: tone, overhead: 50 * time.Millisecond},
		{path: makeAudio(t, dir, "8k.aac", "-ar", "8000", "-c:a", "aac", "-f", "adts"), counted: true, source: tone, overhead: 260 * time.Millisecond},
		{path: makeAudio(t, dir, "96k.aac", "-ar", "96000", "-c:a", "aac", "-f", "adts"), counted: true, source: tone, overhead: 30 * time.Millisecond},
		{path: fx.path("speech.aac"), counted: true},
		{path: makeAudio(t, dir, "moov-last.m4a", "-ar", "44100", "-ac", "2", "-c:a", "aac"), source: tone, overhead: 50 * time.Millisecond},
		{path: makeAudio(t, dir, "faststart.m4a", "-c:a", "aac", "-movflags", "+faststart"), source: tone, overhead: 50 * time.Millisecond},
		{path: makeAudio(t, dir, "96k.m4a", "-ar", "96000", "-c:a", "aac"), source: tone, overhead: 50 * time.Millisecond},
		{path: makeAudio(t, dir, "cover.m4a", "-f", "lavfi", "-i", "sine=duration=1.37", "-i", cover, "-map", "0", "-map", "1",
			"-c:a", "aac", "-c:v", "png", "-disposition:v", "attached_pic"), source: tone, overhead: 50 * time.Millisecond},
		{path: makeAudio(t, dir, "isom-brand.mp4", "-c:a", "aac", "-brand", "isom"), source: tone, overhead: 50 * time.Millisecond},
		{path: fx.path("speech.m4a")},
		{path: amrWB(t, dir), counted: true},
	}
	cases = append(cases, tc{path: withID3v1(cases[0].path), source: tone, overhead: mp3Overhead(44100)},
		tc{path: withID3v1(cases[4].path), source: tone, overhead: mp3Overhead(32000)})
	if hasFFmpegEncoder(t, "libshine") {
		cases = append(cases, mp3("shine.mp3", 44100, "-c:a", "libshine", "-b:a", "128k"))
	}
	if soxWritesAMR(t, dir) {
		cases = append(cases, tc{path: fx.path("speech.amr"), counted: true})
	}

	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			got, ok := fileProbe(t, c.path)
			if !ok {
				t.Fatal("not read from the headers: went to ffprobe")
			}
			want, err := Probe(context.Background(), "", c.path)
			if err != nil {
				t.Fatal(err)
			}
			// The stream's own length is the file's (checked below against what ffprobe measures,
			// which for ADTS and AMR is only its estimate); every other field must match exactly.
			sameStream := func(a, b StreamInfo) bool { a.Duration, b.Duration = 0, 0; return a == b }
			if got.FormatName != want.FormatName || len(got.Streams) != 1 || want.Audio() == nil || !sameStream(got.Streams[0], *want.Audio()) || want.HasVideo() {
				t.Errorf("format %q, streams %+v; ffprobe says %q, %+v", got.FormatName, got.Streams, want.FormatName, want.Streams)
			}
			if got.Streams[0].Duration != got.Duration {
				t.Errorf("stream length %v, file length %v", got.Streams[0].Duration, got.Duration)
			}
			wantDuration := want.Duration
			if c.counted {
				wantDuration = packetEnd(t, c.path)
			}
			if d := got.Duration - wantDuration; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("duration %v; ffprobe says %v (format %v)", got.Duration, wantDuration, want.Duration)
			}
			if c.source > 0 && (got.Duration < c.source || got.Duration > c.source+c.overhead+time.Microsecond) {
				t.Errorf("duration %v of %v encoded: more than %v over", got.Duration, c.source, c.overhead)
			}
			if got.BitRate <= 0 {
				t.Errorf("bit rate %d", got.BitRate)
			}
		})
	}
}

// amrWB writes an AMR-WB file by hand (no encoder for it here): speech and comfort-noise frames
// of random payload and a couple of empty ones. ffprobe splits the frames without decoding them.
func amrWB(t *testing.T, dir string) string {
	t.Helper()
	b := []byte("#!AMR-WB\n")
	for i := range 120 {
		ft := []int{2, 8, 8, 9, 15, 1}[i%6]
		b = append(b, byte(ft<<3|4))
		b = append(b, bytes.Repeat([]byte{byte(i*37 + 1)}, amrWBFrameLen[ft]-1)...)
	}
	path := filepath.Join(dir, "hand-made.amr")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Anything the readers cannot read exactly goes to ffprobe: damaged or unusual structure,
// other codecs, streams that do not start at zero, lengths only estimated.
func TestHeaderProbeLeavesTheRestToFFprobe(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	dir := t.TempDir()
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	patched := func(name string, from string, patch func(b []byte) []byte) string {
		return write(name, patch(read(from)))
	}
	mp3 := makeAudio(t, dir, "tagged.mp3", "-c:a", "libmp3lame", "-b:a", "64k")
	untagged := makeAudio(t, dir, "untagged.mp3", "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0")
	flac := makeAudio(t, dir, "tone.flac", "-c:a", "flac")
	opus := makeAudio(t, dir, "long.opus", "-f", "lavfi", "-i", "sine=duration=3", "-c:a", "libopus")
	adts := makeAudio(t, dir, "tone.aac", "-c:a", "aac", "-f", "adts")
	amr := amrWB(t, dir)
	cases := map[string]string{
		"mp3, variable rate, no tag": makeAudio(t, dir, "vbr-untagged.mp3", "-c:a", "libmp3lame", "-q:a", "4", "-write_xing", "0"),
		"mp3 layer II":               makeAudio(t, dir, "layer2.mp3", "-c:a", "mp2", "-f", "mp2"),
		"mp3, junk at the end":       patched("junk.mp3", untagged, func(b []byte) []byte { return append(b, make([]byte, 1000)...) }),
		"mp3, cut mid-frame":         patched("cut.mp3", untagged, func(b []byte) []byte { return b[:len(b)-100] }),
		"mp3, tag says more":         patched("short.mp3", mp3, func(b []byte) []byte { return b[:len(b)*3/4] }),
		"mp3, two files in one":      patched("twice.mp3", mp3, func(b []byte) []byte { return append(b, b...) }),
		"ID3 tag and nothing else":   write("id3only.mp3", append([]byte("ID3\x03\x00\x00\x00\x00\x00\x10"), make([]byte, 2000)...)),
		"flac, length unknown": patched("unknown.flac", flac, func(b []byte) []byte {
			c := bytes.Clone(b)
			c[21] &= 0xF0 // the sample count's top bits
			c[22], c[23], c[24], c[25] = 0, 0, 0, 0
			return c
		}),
		"flac, no frame":   patched("noframe.flac", flac, func(b []byte) []byte { return b[:42] }),
		"ogg vorbis":       makeAudio(t, dir, "tone.ogg", "-c:a", "libvorbis"),
		"ogg flac":         makeAudio(t, dir, "flac.ogg", "-c:a", "flac", "-f", "ogg"),
		"ogg speex":        makeAudio(t, dir, "speex.ogg", "-ar", "16000", "-c:a", "libspeex"),
		"opus, one page":   makeAudio(t, dir, "short.opus", "-f", "lavfi", "-i", "sine=duration=0.3", "-c:a", "libopus"),
		"opus, cut short":  patched("cut.opus", opus, func(b []byte) []byte { return b[:len(b)-500] }),
		"opus, late start": patched("late.opus", opus, func(b []byte) []byte { return shiftOpusStart(t, b, 48000) }),
		"aac, cut short":   patched("cut.aac", adts, func(b []byte) []byte { return b[:len(b)-5] }),
		"aac, junk at end": patched("junk.aac", adts, func(b []byte) []byte { return append(b, "TAG"...) }),
		"amr, cut short":   patched("cut.amr", amr, func(b []byte) []byte { return b[:len(b)-3] }),
		"amr, reserved frame type": patched("reserved.amr", amr, func(b []byte) []byte {
			return append(append([]byte(nil), b...), 11<<3)
		}),
		"mp4 alac":       makeAudio(t, dir, "alac.m4a", "-c:a", "alac"),
		"mp4 with video": makeAudio(t, dir, "clip.mp4", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p"),
		"mp4 fragmented": makeAudio(t, dir, "frag.m4a", "-c:a", "aac", "-movflags", "frag_keyframe+empty_moov"),
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			if info, ok := fileProbe(t, path); ok {
				t.Errorf("read from the headers as %+v (%v); want ffprobe to decide", info.Streams, info.Duration)
			}
		})
	}
	// Too large to count frames in: ffprobe's fixed cost is the cheaper.
	f, err := os.Open(adts)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok := adtsProbe(f, maxCountedSize+1); ok {
		t.Error("counted the frames of a file over maxCountedSize")
	}
}

// shiftOpusStart moves every granule position of an Ogg Opus file on by n, as in a stream cut
// from a longer one, and fixes the page checksums.
func shiftOpusStart(t *testing.T, b []byte, n int64) []byte {
	t.Helper()
	b = bytes.Clone(b)
	for off := 0; off < len(b); {
		p, ok := parseOggPage(b[off:])
		if !ok {
			t.Fatalf("no Ogg page at %d", off)
		}
		page := b[off : off+p.size()]
		if p.granule > 0 {
			binary.LittleEndian.PutUint64(page[6:], uint64(p.granule+n))
			binary.LittleEndian.PutUint32(page[22:], 0)
			var crc uint32
			for _, c := range page {
				crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^c]
			}
			binary.LittleEndian.PutUint32(page[22:], crc)
		}
		off += p.size()
	}
	return b
}

// Resolve reads audio the headers tell all about without running ffprobe, with the outcome
// ffprobe would give; other inputs, and files the headers cannot vouch for, still go through
// ffprobe; and a file ffprobe refuses is still refused.
func TestResolveWithoutRunningFFprobe(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	fx := newFixtures(t)
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	wrapper := filepath.Join(dir, "ffprobe")
	real, _ := exec.LookPath("ffprobe")
	script := "#!/bin/sh\necho \"$@\" >>'" + calls + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	fixtures := []struct {
		name    string
		probed  bool
		counted bool // ffprobe only estimates the length: compare with its packets
	}{
		{name: "speech.wav"},
		{name: "speech-96k.wav"}, // converted because of its rate, which the header tells
		{name: "speech.mp3"},
		{name: "mislabeled.wav"}, // an MP3 by its content
		{name: "speech.flac"},
		{name: "speech.opus"},
		{name: "speech.aac", counted: true},
		{name: "speech.m4a"},
		{name: "speech-audio.mp4"},
		{name: "speech-alac.m4a", probed: true}, // converted: ffprobe names the codec
		{name: "speech.ogg", probed: true},      // Vorbis
		{name: "speech-rf64.wav", probed: true},
		{name: "clip.mp4", probed: true},
	}
	if soxWritesAMR(t, dir) {
		fixtures = append(fixtures, struct {
			name            string
			probed, counted bool
		}{name: "speech.amr", counted: true})
	}
	for _, tc := range fixtures {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(calls)
			path := fx.path(tc.name)
			in, err := Resolve(context.Background(), path, Options{FFprobe: wrapper, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			_, statErr := os.Stat(calls)
			if ran := statErr == nil; ran != tc.probed {
				t.Errorf("ffprobe ran: %v, want %v", ran, tc.probed)
			}
			// The same input as ffprobe sees it, without the header readers.
			want, err := Probe(context.Background(), "", path)
			if err != nil {
				t.Fatal(err)
			}
			s := sniff(mustHead(t, path))
			d, err := decide(path, s, want, filepath.Ext(path))
			if err != nil {
				t.Fatal(err)
			}
			wantFormat, wantFrom := d.format, ""
			if d.convert != nil {
				wantFormat, wantFrom = targetFor(*d.convert).format, d.convert.from
			}
			wantDuration := want.Duration
			if tc.counted {
				wantDuration = packetEnd(t, path)
			}
			if in.Format != wantFormat || in.ConvertedFrom != wantFrom || (!tc.probed || d.convert == nil) && absDuration(in.Duration-wantDuration) > time.Microsecond {
				t.Errorf("resolved as %s %q, %v; ffprobe's reading gives %s %q, %v", in.Format, in.ConvertedFrom, in.Duration,
					wantFormat, wantFrom, wantDuration)
			}
			if in.ConvertedFrom == "" && (in.Probe == nil || in.Probe.Duration != in.Duration || in.Probe.Audio() == nil && in.Kind == api.Audio) {
				t.Errorf("Input.Probe = %+v, want the facts planning needs", in.Probe)
			}
		})
	}

	// Files ffprobe cannot read are refused as before: the header readers pass them on.
	ogg, err := os.ReadFile(fx.path("speech.opus"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"id3-only.mp3": append([]byte("ID3\x03\x00\x00\x00\x00\x00\x10"), bytes.Repeat([]byte{0x5A}, 2000)...),
		"damaged.opus": append(bytes.Clone(ogg[:100]), bytes.Repeat([]byte{0x5A}, 3000)...),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			in, err := Resolve(context.Background(), path, Options{FFprobe: wrapper, TempDir: t.TempDir()})
			if err == nil {
				in.Close()
				t.Fatalf("resolved as %+v; want it refused", in)
			}
			if !isUsage(err) || !strings.Contains(err.Error(), "cannot be decoded") {
				t.Errorf("err = %v, want a usage error saying it cannot be decoded", err)
			}
		})
	}
}

func mustHead(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, headerSize)
	n, _ := f.ReadAt(head, 0)
	return head[:n]
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// FuzzHeaderReaders feeds arbitrary bytes to every header reader: none may panic or loop, and
// whatever one accepts must be one audio stream of some length.
//
//	go test -run '^$' -fuzz FuzzHeaderReaders ./internal/media/
func FuzzHeaderReaders(f *testing.F) {
	f.Add([]byte("ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00"))
	f.Add([]byte("fLaC\x00\x00\x00\x22\x10\x00\x10\x00\x00\x00\x00\x00\x00\x00\x0a\xc4\x40\xf0\x00\x00\x10\x00"))
	f.Add([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x13OpusHead\x01\x01\x38\x01"))
	f.Add([]byte("\xff\xf1\x50\x80\x01\x1f\xfc\x00"))
	f.Add([]byte("#!AMR\n\x3c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom\x00\x00\x00\x08moov"))
	readers := map[string]func(io.ReaderAt, int64) (*ProbeInfo, bool){
		"mp3": mp3Probe, "flac": flacProbe, "ogg": oggProbe, "aac": adtsProbe, "amr": amrProbe, "mp4": isoAudioProbe, "wav": wavHeaderProbe,
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for name, read := range readers {
			info, ok := read(bytes.NewReader(data), int64(len(data)))
			if ok && (info.Duration <= 0 || len(info.Streams) != 1 || info.Audio() == nil || info.HasVideo()) {
				t.Errorf("%s reader accepted %q as %+v", name, data, info)
			}
		}
	})
}
