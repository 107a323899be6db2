package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run scripts/install-deps.sh", tool)
		}
	}
}

// makeWAV writes a 1.37 s tone with ffmpeg in the given codec, rate and channels, plus extra
// output options.
func makeWAV(t *testing.T, dir, name, codec string, rate, channels int, extra ...string) string {
	t.Helper()
	return makeAudio(t, dir, name, append([]string{"-ar", strconv.Itoa(rate), "-ac", strconv.Itoa(channels), "-c:a", codec}, extra...)...)
}

func headerProbe(t *testing.T, path string) (*ProbeInfo, bool) {
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
	return wavHeaderProbe(f, fi.Size())
}

// The header reading must say exactly what ffprobe says of every plain WAV, or the plan made
// from it (the duration decides the token estimates and the cuts) would change.
func TestWAVHeaderProbeMatchesFFprobe(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	dir := t.TempDir()
	files := []string{
		makeWAV(t, dir, "s16-16k-mono.wav", "pcm_s16le", 16000, 1),
		makeWAV(t, dir, "s16-22k-mono-bare.wav", "pcm_s16le", 22050, 1, "-map_metadata", "-1", "-fflags", "+bitexact"),
		makeWAV(t, dir, "u8-8k.wav", "pcm_u8", 8000, 1),
		makeWAV(t, dir, "s24-44k-stereo.wav", "pcm_s24le", 44100, 2),                     // WAVE_FORMAT_EXTENSIBLE
		makeWAV(t, dir, "s32-48k-6ch.wav", "pcm_s32le", 48000, 6),                        // extensible, 6 channels
		makeWAV(t, dir, "f32-48k-8ch.wav", "pcm_f32le", 48000, 8),                        // float
		makeWAV(t, dir, "f64-11k.wav", "pcm_f64le", 11025, 1),                            // double
		makeWAV(t, dir, "s16-96k.wav", "pcm_s16le", 96000, 1),                            // a rate the service refuses: converted
		makeWAV(t, dir, "s16-44k-plainfmt.wav", "pcm_s16le", 44100, 2, "-rf64", "never"), // no extensible header
	}
	// Cut short mid-data: the data chunk claims more than the file holds.
	whole, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut-short.wav")
	if err := os.WriteFile(cut, whole[:len(whole)*2/3+1], 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, cut)

	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			got, ok := headerProbe(t, path)
			if !ok {
				t.Fatal("not read from the header: a plain WAV went to ffprobe")
			}
			want, err := Probe(context.Background(), "", path)
			if err != nil {
				t.Fatal(err)
			}
			if got.FormatName != want.FormatName || got.Duration != want.Duration {
				t.Errorf("format %q, duration %v; ffprobe says %q, %v", got.FormatName, got.Duration, want.FormatName, want.Duration)
			}
			if d := got.BitRate - want.BitRate; d < -1 || d > 1 {
				t.Errorf("bit rate %d; ffprobe says %d", got.BitRate, want.BitRate)
			}
			if len(got.Streams) != 1 || len(want.Streams) != 1 || got.Streams[0] != want.Streams[0] {
				t.Errorf("streams %+v; ffprobe says %+v", got.Streams, want.Streams)
			}
		})
	}
}

// Anything less plain is left to ffprobe: compressed codecs, RF64, a placeholder size, headers
// that are damaged or disagree with themselves.
func TestWAVHeaderProbeLeavesTheRestToFFprobe(t *testing.T) {
	requireTools(t, "ffmpeg")
	dir := t.TempDir()
	pcm := bytes.Repeat([]byte{1, 2}, 8000)
	canonical := func(mutate func(h []byte)) []byte {
		h := canonicalHeader(1, 1, 16000, 16, len(pcm))
		if mutate != nil {
			mutate(h)
		}
		return append(h, pcm...)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	le := binary.LittleEndian
	files := map[string]string{
		"adpcm":             makeWAV(t, dir, "adpcm.wav", "adpcm_ms", 16000, 1),
		"mu-law":            makeWAV(t, dir, "mulaw.wav", "pcm_mulaw", 8000, 1),
		"rf64":              makeWAV(t, dir, "rf64.wav", "pcm_s16le", 16000, 1, "-rf64", "always"),
		"streamed size":     write("streamed.wav", canonical(func(h []byte) { le.PutUint32(h[40:], 0xFFFFFFFF) })),
		"zero data size":    write("zero.wav", canonical(func(h []byte) { le.PutUint32(h[40:], 0) })),
		"block align":       write("align.wav", canonical(func(h []byte) { le.PutUint16(h[32:], 4) })),
		"byte rate":         write("rate.wav", canonical(func(h []byte) { le.PutUint32(h[28:], 1000) })),
		"no channels":       write("nochan.wav", canonical(func(h []byte) { le.PutUint16(h[22:], 0) })),
		"12-bit":            write("12bit.wav", canonical(func(h []byte) { le.PutUint16(h[34:], 12) })),
		"data before fmt":   write("order.wav", append([]byte("RIFF\x00\x00\x00\x00WAVEdata\x04\x00\x00\x00\x00\x00\x00\x00"), canonical(nil)[12:]...)),
		"header only":       write("header.wav", canonical(nil)[:44]),
		"cut in fmt":        write("cutfmt.wav", canonical(nil)[:30]),
		"not RIFF":          write("notriff.wav", append([]byte("RIFX"), canonical(nil)[4:]...)),
		"odd fmt chunk":     write("fmt14.wav", canonical(func(h []byte) { le.PutUint32(h[16:], 14) })),
		"extensible, 20/24": write("valid20.wav", extensible(20)),
	}
	for name, path := range files {
		t.Run(name, func(t *testing.T) {
			if info, ok := headerProbe(t, path); ok {
				t.Errorf("read from the header as %+v; want ffprobe to decide", info)
			}
		})
	}
}

func canonicalHeader(format, channels, rate, bits, dataBytes int) []byte {
	le := binary.LittleEndian
	h := []byte("RIFF")
	h = le.AppendUint32(h, uint32(36+dataBytes))
	h = append(h, "WAVEfmt "...)
	h = le.AppendUint32(h, 16)
	h = le.AppendUint16(h, uint16(format))
	h = le.AppendUint16(h, uint16(channels))
	h = le.AppendUint32(h, uint32(rate))
	h = le.AppendUint32(h, uint32(rate*channels*bits/8))
	h = le.AppendUint16(h, uint16(channels*bits/8))
	h = le.AppendUint16(h, uint16(bits))
	h = append(h, "data"...)
	return le.AppendUint32(h, uint32(dataBytes))
}

// extensible is a WAVE_FORMAT_EXTENSIBLE file of 24-bit containers holding validBits.
func extensible(validBits int) []byte {
	le := binary.LittleEndian
	data := make([]byte, 3*1000)
	h := []byte("RIFF")
	h = le.AppendUint32(h, uint32(4+8+40+8+len(data)))
	h = append(h, "WAVEfmt "...)
	h = le.AppendUint32(h, 40)
	h = le.AppendUint16(h, wavTagExtensible)
	h = le.AppendUint16(h, 1)
	h = le.AppendUint32(h, 16000)
	h = le.AppendUint32(h, 16000*3)
	h = le.AppendUint16(h, 3)
	h = le.AppendUint16(h, 24)
	h = le.AppendUint16(h, 22)
	h = le.AppendUint16(h, uint16(validBits))
	h = le.AppendUint32(h, 4)
	h = le.AppendUint16(h, wavTagPCM)
	h = append(h, wavSubformatTail...)
	h = append(h, "data"...)
	h = le.AppendUint32(h, uint32(len(data)))
	return append(h, data...)
}

func TestWAVDeclaredEnd(t *testing.T) {
	header := func(riff, data uint32) []byte {
		b := make([]byte, 44)
		copy(b, "RIFF")
		binary.LittleEndian.PutUint32(b[4:], riff)
		copy(b[8:], "WAVEfmt ")
		binary.LittleEndian.PutUint32(b[16:], 16)
		copy(b[36:], "data")
		binary.LittleEndian.PutUint32(b[40:], data)
		return b
	}
	for _, tc := range []struct {
		name string
		head []byte
		end  int64
		ok   bool
	}{
		{"sizes", header(36+1000, 1000), 1044, true},
		{"odd data padded", header(36+1001, 1001), 1046, true},
		{"riff larger", header(5000, 1000), 5008, true},
		{"streamed data", header(0xFFFFFFFF, 0xFFFFFFFF), 0, false},
		{"zero data", header(36, 0), 0, false},
		{"not a wav", []byte("ID3\x03\x00\x00\x00\x00\x00\x00\x00\x00"), 0, false},
	} {
		end, ok := wavDeclaredEnd(tc.head)
		if end != tc.end || ok != tc.ok {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, end, ok, tc.end, tc.ok)
		}
	}
}
