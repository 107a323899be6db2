package speech

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

// goAudioWAV is the file go-audio/wav's encoder makes of pcm (s16le mono at SampleRate): what
// Writer made before it wrote the PCM bytes itself.
func goAudioWAV(t *testing.T, pcm []byte) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "encoder.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := wav.NewEncoder(f, SampleRate, bitDepth, channels, wavFormatPCM)
	buf := &audio.IntBuffer{Format: &audio.Format{NumChannels: channels, SampleRate: SampleRate}, SourceBitDepth: bitDepth}
	for i := 0; i+1 < len(pcm); i += 2 {
		buf.Data = append(buf.Data, int(int16(binary.LittleEndian.Uint16(pcm[i:]))))
	}
	if err := enc.Write(buf); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Writer's file is byte for byte the one go-audio/wav's encoder writes of the same speech,
// whatever the chunking (samples split across chunks, chunks larger than the write buffer).
func TestWriterMatchesGoAudioEncoder(t *testing.T) {
	pcm := tone(3*SampleRate + 7) // 3 s: several write buffers
	for name, sizes := range map[string][]int{
		"service chunks": {9600},
		"odd splits":     {9601, 1, 3, 0, 20000, 4095, 8193},
		"one byte":       {1},
		"huge":           {len(pcm)},
	} {
		t.Run(name, func(t *testing.T) {
			chunks := splits(pcm, sizes...)
			if name == "one byte" {
				chunks = splits(pcm[:999], sizes...) // 499 samples and a half, byte by byte
			}
			out := filepath.Join(t.TempDir(), "out.wav")
			w, err := Create(t.Context(), out, false)
			if err != nil {
				t.Fatal(err)
			}
			var sent []byte
			for _, c := range chunks {
				if _, err := w.Write(c); err != nil {
					t.Fatal(err)
				}
				sent = append(sent, c...)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if want := goAudioWAV(t, sent); !bytes.Equal(got, want) {
				t.Fatalf("file differs from go-audio/wav's: %d bytes, header % x; want %d bytes, header % x",
					len(got), got[:min(44, len(got))], len(want), want[:min(44, len(want))])
			}
		})
	}
}

// Reset drops everything written before it, buffered or on disk, and a half sample pending.
func TestWriterReset(t *testing.T) {
	out := filepath.Join(t.TempDir(), "retry.wav")
	w, err := Create(t.Context(), out, false)
	if err != nil {
		t.Fatal(err)
	}
	first := tone(2 * SampleRate) // more than the write buffer: part of it is on disk
	if _, err := w.Write(first[:len(first)-1]); err != nil {
		t.Fatal(err)
	}
	if err := w.Reset(); err != nil {
		t.Fatal(err)
	}
	if w.Samples() != 0 {
		t.Errorf("Samples() = %d after Reset", w.Samples())
	}
	second := tone(1234)[2:] // a different start
	if _, err := w.Write(second); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := goAudioWAV(t, second); !bytes.Equal(got, want) {
		t.Fatalf("after Reset the file holds %d bytes, want only the second attempt's %d", len(got), len(want))
	}
}

// Until Commit the temp file holds a header that says "empty": a killed run never leaves a WAV
// that reads as complete, even with speech already on disk.
func TestWriterTempFileReadsEmptyUntilCommit(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(t.Context(), filepath.Join(dir, "out.wav"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if _, err := w.Write(tone(SampleRate)); err != nil { // 48 KB: partly flushed to disk
		t.Fatal(err)
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, ".livetranslate-*.wav.tmp"))
	if len(tmps) != 1 {
		t.Fatalf("temp files: %v", tmps)
	}
	b, err := os.ReadFile(tmps[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 44 || string(b[0:4]) != "RIFF" || binary.LittleEndian.Uint32(b[40:]) != 0 || binary.LittleEndian.Uint32(b[4:]) != 36 {
		t.Fatalf("temp file header % x: want a valid header with no data", b[:min(44, len(b))])
	}
}
