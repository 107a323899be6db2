package speech

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-audio/wav"
)

// A growing WAV is valid after every Sync, before Close: what a reader following it, or a run
// killed mid-way, finds.
func TestGrowingValidAtEverySync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.wav")
	g, err := CreateGrowing(path, false)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]byte, 4801) // an odd length: the last byte waits for its sample's other half
	for i := range pcm {
		pcm[i] = byte(i)
	}
	want := 0
	for round := 1; round <= 3; round++ {
		if _, err := g.Write(pcm); err != nil {
			t.Fatal(err)
		}
		want += len(pcm)
		if err := g.Sync(); err != nil {
			t.Fatal(err)
		}
		whole := int64(want &^ 1)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := int64(len(b)) - headerSize; got != whole {
			t.Fatalf("round %d: %d bytes of PCM on disk, want %d", round, got, whole)
		}
		if riff, data := binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[40:]); int64(data) != whole || int64(riff) != 36+whole {
			t.Fatalf("round %d: header says RIFF %d, data %d; want %d, %d", round, riff, data, 36+whole, whole)
		}
		f, _ := os.Open(path)
		d := wav.NewDecoder(f)
		if !d.IsValidFile() || d.SampleRate != SampleRate || d.NumChans != 1 {
			t.Fatalf("round %d: not a valid 24 kHz mono WAV", round)
		}
		f.Close()
	}
	if g.Samples() != int64(want/2) {
		t.Errorf("Samples() = %d, want %d", g.Samples(), want/2)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateGrowing(path, false); !errors.As(err, new(*ExistsError)) {
		t.Errorf("creating over an existing file: %v, want an ExistsError", err)
	}
	if g2, err := CreateGrowing(path, true); err != nil {
		t.Errorf("with overwrite: %v", err)
	} else {
		g2.Close()
	}
}
