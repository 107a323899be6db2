package speech

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-audio/wav"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// tone returns n samples of a 440 Hz sine as s16le: distinct values, so a byte lost or
// doubled at a chunk boundary shows up as a mismatch.
func tone(n int) []byte {
	pcm := make([]byte, 2*n)
	for i := range n {
		v := int16(12000 * math.Sin(2*math.Pi*440*float64(i)/SampleRate))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
	}
	return pcm
}

// splits cuts data into chunks of the given sizes, cycling, so samples straddle chunk edges.
func splits(data []byte, sizes ...int) [][]byte {
	var chunks [][]byte
	for i := 0; len(data) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(data))
		chunks = append(chunks, data[:n])
		data = data[n:]
	}
	return chunks
}

func TestWriterCommit(t *testing.T) {
	const samples = 36_017 // 1.5 s and a bit, more than several encoder blocks
	pcm := tone(samples)
	out := filepath.Join(t.TempDir(), "talk.fr.wav")
	w, err := Create(t.Context(), out, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s exists before Commit: %v", out, err)
	}
	for _, chunk := range splits(pcm, 9601, 1, 3, 0, 20000, 4095, 8193) {
		n, err := w.Write(chunk)
		if err != nil || n != len(chunk) {
			t.Fatalf("Write(%d bytes) = %d, %v", len(chunk), n, err)
		}
	}
	if w.Samples() != samples {
		t.Errorf("Samples() = %d, want %d", w.Samples(), samples)
	}
	wantDur := time.Duration(samples) * time.Second / SampleRate
	if w.Duration() != wantDur {
		t.Errorf("Duration() = %v, want %v", w.Duration(), wantDur)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if _, err := w.Write(pcm[:2]); !errors.Is(err, ErrFinished) {
		t.Errorf("Write after Commit: err = %v", err)
	}
	assertOnlyFile(t, filepath.Dir(out), "talk.fr.wav")
	assertModeLikeCreate(t, out)

	// go-audio/wav reads back the same format and the very same samples.
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := wav.NewDecoder(f)
	buf, err := dec.FullPCMBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if dec.SampleRate != SampleRate || dec.NumChans != 1 || dec.BitDepth != 16 || dec.WavAudioFormat != 1 {
		t.Errorf("decoded format %d Hz, %d ch, %d bit, format %d", dec.SampleRate, dec.NumChans, dec.BitDepth, dec.WavAudioFormat)
	}
	if len(buf.Data) != samples {
		t.Fatalf("decoded %d samples, want %d", len(buf.Data), samples)
	}
	for i, v := range buf.Data {
		if want := int(int16(binary.LittleEndian.Uint16(pcm[2*i:]))); v != want {
			t.Fatalf("sample %d = %d, want %d", i, v, want)
		}
	}
	if fi, _ := f.Stat(); fi.Size() != 44+2*samples {
		t.Errorf("file is %d bytes, want a 44-byte header and %d bytes of PCM", fi.Size(), 2*samples)
	}

	// ffprobe, which players and the splitter trust, agrees on format and length.
	p := ffprobe(t, out)
	if p.SampleRate != "24000" || p.Channels != 1 || p.SampleFmt != "s16" || p.Codec != "pcm_s16le" {
		t.Errorf("ffprobe: %+v", p)
	}
	if diff := p.Duration - wantDur; diff < -time.Millisecond || diff > time.Millisecond {
		t.Errorf("ffprobe duration %v, want %v within 1 ms", p.Duration, wantDur)
	}
}

func TestWriterOddTrailingByteDropped(t *testing.T) {
	out := filepath.Join(t.TempDir(), "odd.wav")
	w, err := Create(t.Context(), out, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(tone(10)[:19]); err != nil {
		t.Fatal(err)
	}
	if w.Samples() != 9 {
		t.Errorf("Samples() = %d with half a sample pending, want 9", w.Samples())
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() != 44+18 {
		t.Errorf("stat: %v %v, want 62 bytes", fi, err)
	}
}

func TestWriterEmptyIsValidWAV(t *testing.T) {
	out := filepath.Join(t.TempDir(), "silent.wav")
	w, err := Create(t.Context(), out, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 44 || string(data[:4]) != "RIFF" || binary.LittleEndian.Uint32(data[4:]) != 36 ||
		string(data[36:40]) != "data" || binary.LittleEndian.Uint32(data[40:]) != 0 {
		t.Errorf("empty WAV header = % x", data)
	}
}

func TestWriterAbort(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.wav")
	w, err := Create(t.Context(), out, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(tone(5000)); err != nil {
		t.Fatal(err)
	}
	assertTempCount(t, dir, 1)
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if err := w.Commit(); !errors.Is(err, ErrFinished) {
		t.Errorf("Commit after Abort: err = %v", err)
	}
	assertOnlyFile(t, dir)
}

func TestCreateRefusals(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "done.wav")
	if err := os.WriteFile(existing, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err := Create(t.Context(), existing, false)
	wantUsage(t, err, existing+" already exists, and is replaced only when asked")
	if exists := new(ExistsError); !errors.As(err, &exists) || exists.Path != existing {
		t.Errorf("err = %v, want an *ExistsError for %s", err, existing)
	}
	if data, _ := os.ReadFile(existing); string(data) != "keep me" {
		t.Errorf("refused Create changed the existing file: %q", data)
	}

	missing := filepath.Join(dir, "no", "such", "dir", "out.wav")
	_, err = Create(t.Context(), missing, false)
	wantUsage(t, err, "cannot write speech to "+missing+": directory "+filepath.Dir(missing)+" does not exist (create it first)")

	_, err = Create(t.Context(), filepath.Join(existing, "out.wav"), false)
	wantUsage(t, err, "cannot write speech to "+filepath.Join(existing, "out.wav")+": "+existing+" is not a directory")

	_, err = Create(t.Context(), dir, true)
	wantUsage(t, err, "cannot write speech to "+dir+": it is a directory")
	assertOnlyFile(t, dir, "done.wav")
}

func TestWriterOverwrite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.wav")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(t.Context(), out, true)
	if err != nil {
		t.Fatal(err)
	}
	// Until Commit the old result stays whole: a cancelled rerun loses nothing.
	if data, _ := os.ReadFile(out); string(data) != "old" {
		t.Errorf("file replaced before Commit")
	}
	w.Write(tone(100))
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(out); fi.Size() != 244 {
		t.Errorf("size %d after overwrite, want 244", fi.Size())
	}
	assertOnlyFile(t, dir, "talk.wav")
}

// A file that appears at the path between Create and Commit (another job) is not clobbered.
func TestCommitRefusesLateArrival(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.wav")
	w, err := Create(t.Context(), out, false)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(tone(100))
	if err := os.WriteFile(out, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ue *usage.Error
	if err := w.Commit(); !errors.As(err, &ue) {
		t.Fatalf("Commit: err = %v, want a *usage.Error", err)
	}
	if data, _ := os.ReadFile(out); string(data) != "theirs" {
		t.Errorf("Commit clobbered the file: %q", data)
	}
	assertOnlyFile(t, dir, "talk.wav")
}

func TestStreamWriter(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	const samples = 24_001
	pcm := tone(samples)
	var out bytes.Buffer
	s := NewStream(&out)
	if out.Len() != 0 {
		t.Fatalf("header written before any audio")
	}
	for _, chunk := range splits(pcm, 3, 1000, 1, 4801) {
		if n, err := s.Write(chunk); err != nil || n != len(chunk) {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if _, err := s.Write([]byte{0x7f}); err != nil { // half a sample at the very end
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.Samples() != samples || s.Duration() != time.Second+time.Second/SampleRate {
		t.Errorf("Samples() = %d, Duration() = %v", s.Samples(), s.Duration())
	}
	if out.Len() != 44+len(pcm) || !bytes.Equal(out.Bytes()[44:], pcm) {
		t.Fatalf("stream is %d bytes, want the header and the PCM unchanged (%d)", out.Len(), 44+len(pcm))
	}
	if !bytes.Equal(out.Bytes()[:44], streamHeader()) {
		t.Errorf("header = % x", out.Bytes()[:44])
	}

	// ffmpeg reads it from a pipe, as a player downstream of --audio-out - would.
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0", "-f", "s16le", "-")
	cmd.Stdin = bytes.NewReader(out.Bytes())
	decoded, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg could not read the stream: %v", err)
	}
	if !bytes.Equal(decoded, pcm) {
		t.Errorf("ffmpeg decoded %d bytes, want the %d written", len(decoded), len(pcm))
	}
}

func TestStreamWriterEmpty(t *testing.T) {
	var out bytes.Buffer
	s := NewStream(&out)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if !bytes.Equal(out.Bytes(), streamHeader()) || len(streamHeader()) != 44 {
		t.Errorf("empty stream = % x, want just the 44-byte header", out.Bytes())
	}
	if _, err := s.Write([]byte{1, 2}); !errors.Is(err, ErrFinished) {
		t.Errorf("Write after Close: err = %v", err)
	}
}

// BenchmarkWriter writes the service's 0.2 s chunks into a WAV on disk, as a long response
// does, starting a new file every 10 minutes of speech (outside the timing) so that a fast run
// neither reaches the 4 GiB a WAV can hold nor fills the disk. Besides MB/s (of PCM) and
// allocs/op (per chunk) it reports allocs/MB and B/MB, and heap-growth-B: the live heap at the
// end less at the start, each with one writer open, which stays flat however long the speech
// (the audio goes to disk as it comes, none of it is kept).
func BenchmarkWriter(b *testing.B) {
	const perFile = 10 * 60 * 5
	chunk := tone(SampleRate / 5) // 0.2 s, about the size of one streamed speech chunk
	path := filepath.Join(b.TempDir(), "bench.wav")
	create := func() *Writer {
		os.Remove(path)
		w, err := Create(b.Context(), path, false)
		if err != nil {
			b.Fatal(err)
		}
		return w
	}
	w := create()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if n > 0 && n%perFile == 0 {
			b.StopTimer()
			if err := w.Commit(); err != nil {
				b.Fatal(err)
			}
			w = create()
			b.StartTimer()
		}
		if _, err := w.Write(chunk); err != nil {
			b.Fatal(err)
		}
		n++
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	mb := float64(n*len(chunk)) / 1e6
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/mb, "allocs/MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/mb, "B/MB")
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)), "heap-growth-B")
	if err := w.Commit(); err != nil {
		b.Fatal(err)
	}
}

// Memory stays flat however long the speech: the live heap after 5 minutes of it is within
// 1 MB of what it was after 10 s (the audio is on disk, not held).
func TestWriterMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 14 MB")
	}
	w, err := Create(t.Context(), filepath.Join(t.TempDir(), "long.wav"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	chunk := tone(SampleRate / 5)
	write := func(seconds int) {
		for range seconds * 5 {
			if _, err := w.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
	}
	live := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	write(10)
	early := live()
	write(300)
	if late := live(); late-early > 1<<20 {
		t.Errorf("live heap grew by %d bytes over 5 minutes of speech, want under 1 MB", late-early)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

type probed struct {
	Codec, SampleRate, SampleFmt string
	Channels                     int
	Duration                     time.Duration
}

func ffprobe(t *testing.T, path string) probed {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed")
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries",
		"stream=codec_name,sample_rate,channels,sample_fmt,duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var raw struct {
		Streams []struct {
			CodecName  string `json:"codec_name"`
			SampleRate string `json:"sample_rate"`
			SampleFmt  string `json:"sample_fmt"`
			Channels   int    `json:"channels"`
			Duration   string `json:"duration"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &raw); err != nil || len(raw.Streams) != 1 {
		t.Fatalf("ffprobe output %s: %v", out, err)
	}
	s := raw.Streams[0]
	secs, err := strconv.ParseFloat(s.Duration, 64)
	if err != nil {
		t.Fatalf("ffprobe duration %q: %v", s.Duration, err)
	}
	return probed{Codec: s.CodecName, SampleRate: s.SampleRate, SampleFmt: s.SampleFmt, Channels: s.Channels,
		Duration: time.Duration(math.Round(secs * float64(time.Second)))}
}

func wantUsage(t *testing.T, err error, msg string) {
	t.Helper()
	var ue *usage.Error
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v (%T), want a *usage.Error", err, err)
	}
	if ue.Error() != msg {
		t.Errorf("message\n got %q\nwant %q", ue.Error(), msg)
	}
}

// assertOnlyFile checks dir holds exactly the named files: no temp file left behind.
func assertOnlyFile(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
	for i := range names {
		if got[i] != names[i] {
			t.Fatalf("%s holds %v, want %v", dir, got, names)
		}
	}
}

func assertTempCount(t *testing.T, dir string, want int) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, ".livetranslate-*.wav.tmp"))
	if len(matches) != want {
		t.Errorf("%d temp files in %s, want %d", len(matches), dir, want)
	}
}

// assertModeLikeCreate checks the result has the permissions os.Create would give it under the
// current umask, not the 0600 of a temp file.
func assertModeLikeCreate(t *testing.T, path string) {
	t.Helper()
	ref, err := os.Create(filepath.Join(t.TempDir(), "reference"))
	if err != nil {
		t.Fatal(err)
	}
	ref.Close()
	want, _ := os.Stat(ref.Name())
	got, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("%s has mode %v, want %v like any new file", path, got.Mode().Perm(), want.Mode().Perm())
	}
}

// TestCreateWritesIntoAPipe: a FIFO at the destination is written into as a streamed WAV (sizes
// unknown), needs no overwrite, and is still a FIFO afterwards.
func TestCreateWritesIntoAPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.wav")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	w, err := Create(t.Context(), fifo, false)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Direct() {
		t.Fatal("a FIFO is not written directly")
	}
	if _, err := w.Write([]byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Reset(); err == nil {
		t.Error("Reset after speech went into a pipe succeeded")
	}
	if _, err := w.Write([]byte{4}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	b := <-got
	want := append(streamHeader(), 1, 2, 3, 4)
	if !bytes.Equal(b, want) {
		t.Errorf("the reader got % x, want % x", b, want)
	}
	if w.Samples() != 2 {
		t.Errorf("Samples %d, want 2", w.Samples())
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is gone: %v %v", fi, err)
	}
}
