package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// TestLargeInputFlatMemory sends a 200 MB file through the emulator with --inline-limit 0 (as for an
// OpenAI-compatible server without the 10 MiB cap) and checks that the bytes the emulator decoded
// are the file's, while the process's peak memory stays far below the file's size: the file is
// Base64-encoded into the request body as it is sent, never held whole.
func TestLargeInputFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 200 MB")
	}
	const size = 200 << 20
	path := filepath.Join(t.TempDir(), "large.wav")
	sum := writeLargeWAV(t, path, size)

	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, NoLimit: true, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()

	bin := realBinary(t)
	c := exec.Command(bin, "translate", path, "--input-format", "wav", "--to", "en", "--inline-limit", "0", "--no-ledger")
	// PATH holds only livetranslate: without ffprobe the input is not probed, so the peak memory
	// measured (which includes waited-for children) is the tool's own, not ffprobe's ~50 MB.
	c.Env = append(testEnv(t, t.TempDir(), srv.URL), "PATH="+filepath.Dir(bin))
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	peak, err := runMeasured(c)
	if err != nil {
		t.Fatalf("livetranslate: %v\n%s", err, out.String())
	}
	reqs := emu.Requests()
	if len(reqs) != 1 {
		t.Fatalf("emulator saw %d requests, want 1", len(reqs))
	}
	if reqs[0].MediaBytes != size || reqs[0].MediaSHA256 != sum {
		t.Fatalf("emulator decoded %d bytes, sha256 %s; want %d bytes, sha256 %s", reqs[0].MediaBytes, reqs[0].MediaSHA256, size, sum)
	}
	t.Logf("sent %d MiB (data URI %d MiB); peak resident memory of livetranslate: %.1f MiB",
		size>>20, reqs[0].DataURIBytes>>20, float64(peak)/(1<<20))
	if limit := int64(size / 4); peak > limit {
		t.Fatalf("peak memory %d MiB for a %d MiB file: the body is not streamed", peak>>20, size>>20)
	}
}

// writeLargeWAV writes a WAV header and size-44 bytes of noise, returning the file's sha256.
func writeLargeWAV(t *testing.T, path string, size int) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	hdr := make([]byte, 44)
	copy(hdr[0:], "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(size-8))
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	// 48 kHz stereo 32-bit float: 200 MB is 9 minutes, within the service's input-token cap.
	binary.LittleEndian.PutUint16(hdr[20:], 3) // IEEE float
	binary.LittleEndian.PutUint16(hdr[22:], 2)
	binary.LittleEndian.PutUint32(hdr[24:], 48000)
	binary.LittleEndian.PutUint32(hdr[28:], 48000*2*4)
	binary.LittleEndian.PutUint16(hdr[32:], 2*4)
	binary.LittleEndian.PutUint16(hdr[34:], 32)
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], uint32(size-44))
	if _, err := w.Write(hdr); err != nil {
		t.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte{1})
	buf := make([]byte, 1<<20)
	for left := size - 44; left > 0; left -= len(buf) {
		if left < len(buf) {
			buf = buf[:left]
		}
		rng.Read(buf)
		if _, err := w.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
