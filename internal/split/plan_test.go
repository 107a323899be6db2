package split

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// The long recordings are made once per machine by scripts/make-long-media.sh (stamped with its
// hash, so later runs reuse them) under the gitignored testdata/long/, and once per test binary
// the script is asked whether they are up to date.
var longMedia struct {
	once sync.Once
	dir  string
	err  error
}

// cutPlan is MakePlan followed by Cut, so a split plan lists its segments.
func cutPlan(ctx context.Context, in *media.Input, opts Options) (*Plan, error) {
	p, err := MakePlan(ctx, in, opts)
	if err == nil {
		err = p.Cut(ctx)
	}
	return p, err
}

// prepareAll prepares a plan the way a run does: Produce, taking every segment.
func prepareAll(ctx context.Context, p *Plan) error {
	return p.Produce(ctx, func(Segment) error { return nil })
}

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run scripts/install-deps.sh", tool)
		}
	}
}

func longMediaFile(t *testing.T, name string) string {
	t.Helper()
	requireTools(t, "espeak-ng", "ffmpeg", "ffprobe")
	longMedia.once.Do(func() {
		root := filepath.Join("..", "..")
		dir := filepath.Join(root, "testdata", "long")
		out, err := exec.Command("bash", filepath.Join(root, "scripts", "make-long-media.sh"), dir).CombinedOutput()
		if err != nil {
			longMedia.err = errors.New("make-long-media.sh: " + err.Error() + "\n" + string(out))
			return
		}
		longMedia.dir = dir
	})
	if longMedia.err != nil {
		t.Fatal(longMedia.err)
	}
	return filepath.Join(longMedia.dir, name)
}

func resolve(t *testing.T, path string) *media.Input {
	t.Helper()
	in, err := media.Resolve(context.Background(), path, media.Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("resolve %s: %v", path, err)
	}
	t.Cleanup(func() { in.Close() })
	return in
}

// probed is what ffprobe says about a prepared file.
type probed struct {
	duration time.Duration            // the container's
	streams  []string                 // codec types in order
	lengths  map[string]time.Duration // codec type → its first stream's duration
}

func probeFile(t *testing.T, path string) probed {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type,duration",
		"-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var raw struct {
		Streams []struct {
			CodecType string `json:"codec_type"`
			Duration  string `json:"duration"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	secs := func(s string) time.Duration {
		f, _ := strconv.ParseFloat(s, 64)
		return time.Duration(f * float64(time.Second))
	}
	p := probed{duration: secs(raw.Format.Duration), lengths: map[string]time.Duration{}}
	for _, st := range raw.Streams {
		p.streams = append(p.streams, st.CodecType)
		if _, seen := p.lengths[st.CodecType]; !seen {
			p.lengths[st.CodecType] = secs(st.Duration)
		}
	}
	return p
}

// checkCoverage asserts that the segments tile [0, Duration] in order, none longer than target.
func checkCoverage(t *testing.T, p *Plan, target time.Duration) {
	t.Helper()
	if len(p.Segments) == 0 {
		t.Fatal("plan has no segments")
	}
	var at time.Duration
	for i, s := range p.Segments {
		if s.Index != i {
			t.Errorf("segment %d has Index %d", i, s.Index)
		}
		if s.Start != at {
			t.Errorf("segment %d starts at %v, previous ended at %v: gap or overlap", i, s.Start, at)
		}
		if s.End <= s.Start {
			t.Errorf("segment %d is empty: %v-%v", i, s.Start, s.End)
		}
		if target > 0 && s.Duration() > target {
			t.Errorf("segment %d lasts %v, over the %v target", i, s.Duration(), target)
		}
		at = s.End
	}
	if at != p.Duration {
		t.Errorf("segments end at %v, input lasts %v", at, p.Duration)
	}
}

// checkCaps asserts each segment's estimates are under every cap.
func checkCaps(t *testing.T, p *Plan, limit int64, outLimit int) {
	t.Helper()
	for i, s := range p.Segments {
		if s.EstInputTokens <= 0 || s.EstInputTokens >= MaxInputTokens {
			t.Errorf("segment %d: %d estimated input tokens", i, s.EstInputTokens)
		}
		if s.EstOutputTokens <= 0 || s.EstOutputTokens >= outLimit {
			t.Errorf("segment %d: %d estimated output tokens, cap %d", i, s.EstOutputTokens, outLimit)
		}
		if uri := api.DataURISize(s.MIME, s.Size); uri >= limit {
			t.Errorf("segment %d: data URI of %d bytes, limit %d", i, uri, limit)
		}
	}
}

// checkPrepared asserts the prepared files exist, fit the data-URI limit, and hold as much sound
// as their segments (the sum within 50 ms per cut of the input). Sound, because a 2 fps picture
// stream ends on a whole frame: up to half a second past the segment's end.
func checkPrepared(t *testing.T, p *Plan, limit int64) (sizes []int64) {
	t.Helper()
	var sum time.Duration
	for i, s := range p.Segments {
		fi, err := os.Stat(s.Path)
		if err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		if fi.Size() != s.Size {
			t.Errorf("segment %d: Size %d, file has %d bytes", i, s.Size, fi.Size())
		}
		if uri := api.DataURISize(s.MIME, s.Size); uri >= limit {
			t.Errorf("segment %d: data URI of %d bytes, limit %d", i, uri, limit)
		}
		f := probeFile(t, s.Path)
		d := f.lengths["audio"]
		if diff := (d - s.Duration()).Abs(); diff > 50*time.Millisecond {
			t.Errorf("segment %d holds %v of sound, segment %v", i, d, s.Duration())
		}
		if diff := (f.duration - s.Duration()).Abs(); diff > time.Second/SegmentVideoFrameRate+50*time.Millisecond {
			t.Errorf("segment %d file lasts %v, segment %v", i, f.duration, s.Duration())
		}
		sum += d
		sizes = append(sizes, s.Size)
	}
	cuts := time.Duration(len(p.Segments) - 1)
	if diff := (sum - p.Duration).Abs(); diff > 50*time.Millisecond*max(cuts, 1) {
		t.Errorf("segment files last %v together, input %v", sum, p.Duration)
	}
	return sizes
}

func checkCleanup(t *testing.T, p *Plan, parent string) {
	t.Helper()
	dir := filepath.Dir(p.Segments[0].Path)
	if err := p.Cleanup(); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("segment directory %s still there after Cleanup (%v)", dir, err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("temp dir not empty after Cleanup: %v", entries)
	}
	if err := p.Cleanup(); err != nil {
		t.Errorf("second Cleanup: %v", err)
	}
}

func TestPlanLongSpeech(t *testing.T) {
	path := longMediaFile(t, "long-speech.wav")
	in := resolve(t, path)
	tmp := t.TempDir()
	ctx := context.Background()
	opts := Options{MaxDataURI: api.MaxDataURISize, TempDir: tmp}

	start := time.Now()
	p, err := cutPlan(ctx, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	planned := time.Since(start)
	if p.Whole || p.Reencoded || len(p.Segments) < 2 {
		t.Fatalf("20 minutes of speech: Whole=%v Reencoded=%v, %d segments; want a split", p.Whole, p.Reencoded, len(p.Segments))
	}
	longest, _ := p.maxSegment()
	checkCoverage(t, p, longest)
	checkCaps(t, p, api.MaxDataURISize, MaxOutputTokens)

	rep, err := pauses.Find(ctx, path, pauses.Options{})
	if err != nil {
		t.Fatal(err)
	}
	silences := rep.Pauses
	for _, s := range p.Segments[1:] {
		if !inside(s.Start, silences) {
			t.Errorf("cut at %v is not inside a detected silence", s.Start)
		}
	}
	if !strings.Contains(notesText(p), "cut at "+textfmt.Plural(len(p.Segments)-1, "pause")) {
		t.Errorf("notes do not say every cut is at a silence: %q", p.Notes)
	}

	start = time.Now()
	if err := prepareAll(ctx, p); err != nil {
		t.Fatal(err)
	}
	prepared := time.Since(start)
	sizes := checkPrepared(t, p, api.MaxDataURISize)
	for i, s := range p.Segments {
		head := make([]byte, 64)
		f, err := os.Open(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadFull(f, head)
		f.Close()
		if !bytes.HasPrefix(head, []byte("OggS")) || !bytes.Contains(head, []byte("OpusHead")) {
			t.Errorf("segment %d is not Ogg-Opus: % x", i, head[:8])
		}
		if s.Format != "opus" || s.MIME != "audio/opus" || s.Kind != api.Audio {
			t.Errorf("segment %d sent as %v %s %s", i, s.Kind, s.Format, s.MIME)
		}
	}
	t.Logf("%v of %s (%d bytes): %d segments %v, sizes %v; plan %v, prepare %v; notes %q",
		p.Duration, filepath.Base(path), in.Size, len(p.Segments), segmentLengths(p), sizes, planned, prepared, p.Notes)
	// The files themselves start and end in silence at every cut: no word is cut in two.
	for i, s := range p.Segments {
		if i > 0 && edgeVolume(t, s.Path, false) > -35 {
			t.Errorf("segment %d starts in sound: %.1f dB", i, edgeVolume(t, s.Path, false))
		}
		if i < len(p.Segments)-1 && edgeVolume(t, s.Path, true) > -35 {
			t.Errorf("segment %d ends in sound: %.1f dB", i, edgeVolume(t, s.Path, true))
		}
	}
	if err := prepareAll(ctx, p); err != nil {
		t.Errorf("second Prepare: %v", err)
	}
	checkCleanup(t, p, tmp)
}

// edgeVolume is the loudest the first or last 120 ms of a file get, in dB.
func edgeVolume(t *testing.T, path string, atEnd bool) float64 {
	t.Helper()
	args := []string{"-hide_banner", "-nostats", "-i", path, "-t", "0.12"}
	if atEnd {
		args = []string{"-hide_banner", "-nostats", "-sseof", "-0.12", "-i", path}
	}
	out, err := exec.Command("ffmpeg", append(args, "-af", "volumedetect", "-f", "null", "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("volumedetect on %s: %v\n%s", path, err, out)
	}
	_, rest, ok := strings.Cut(string(out), "max_volume:")
	if !ok {
		t.Fatalf("no max_volume from volumedetect on %s:\n%s", path, out)
	}
	field, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	db, err := strconv.ParseFloat(field, 64)
	if err != nil {
		t.Fatalf("max_volume %q: %v", field, err)
	}
	return db
}

func segmentLengths(p *Plan) []string {
	var out []string
	for _, s := range p.Segments {
		out = append(out, s.Duration().Round(100*time.Millisecond).String())
	}
	return out
}

func TestPlanSpeechOutput(t *testing.T) {
	in := resolve(t, longMediaFile(t, "long-speech.wav"))
	p, err := cutPlan(context.Background(), in, Options{MaxDataURI: api.MaxDataURISize, Speech: true})
	if err != nil {
		t.Fatal(err)
	}
	// Speech shares the 4,096 output tokens with text: about 3½ minutes of source a request.
	checkCoverage(t, p, 4*time.Minute)
	checkCaps(t, p, api.MaxDataURISize, MaxOutputTokens)
	if n := len(p.Segments); n < 6 {
		t.Errorf("20 minutes with speech in %d segments: more than 3m20s each", n)
	}
	t.Logf("with speech: %d segments %v", len(p.Segments), segmentLengths(p))
}

func TestPlanOptionsSegmentAndOutputLimit(t *testing.T) {
	in := resolve(t, longMediaFile(t, "long-speech.mp3"))
	ctx := context.Background()

	p, err := cutPlan(ctx, in, Options{MaxDataURI: api.MaxDataURISize, Segment: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	longest, _ := p.maxSegment()
	if !strings.Contains(notesText(p), "clamped to "+roundDuration(longest)) {
		t.Errorf("a 1h --segment is not reported clamped to %v: %q", longest, p.Notes)
	}
	checkCoverage(t, p, longest)

	p, err = cutPlan(ctx, in, Options{MaxDataURI: api.MaxDataURISize, Segment: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// A first segment of at most a minute (FirstSegment), then at least four; a sixth when the
	// cuts, kept in pauses, fall short of every 5 minutes.
	checkCoverage(t, p, 5*time.Minute)
	if n := len(p.Segments); n < 5 || n > 6 || p.Segments[0].Duration() > FirstSegment {
		t.Errorf("20 minutes at --segment 5m: %d segments %v", n, segmentLengths(p))
	}

	p, err = cutPlan(ctx, in, Options{MaxDataURI: api.MaxDataURISize, OutputTokenLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	checkCaps(t, p, api.MaxDataURISize, 1000)

	var uerr *usage.Error
	var short *SegmentTooShortError
	if _, err := cutPlan(ctx, in, Options{Segment: 100 * time.Millisecond}); !errors.As(err, &uerr) || !errors.As(err, &short) ||
		short.Segment != 100*time.Millisecond || short.Min != MinSegment {
		t.Errorf("--segment 100ms: error %v, want a usage error with a SegmentTooShortError", err)
	}
	var unsplit *UnsplittableError
	if _, err := cutPlan(ctx, in, Options{MaxDataURI: 1000}); !errors.As(err, &uerr) || !errors.As(err, &unsplit) ||
		unsplit.Cap != CapDataURI || unsplit.Limit != 1000 || strings.Contains(err.Error(), "--") {
		t.Errorf("a 1000-byte inline limit: error %v, want a usage error with an UnsplittableError for the data URI cap, naming no flag", err)
	}
}

func TestPlanNeverRefusesLongMP3(t *testing.T) {
	in := resolve(t, longMediaFile(t, "long-speech.mp3"))
	_, err := cutPlan(context.Background(), in, Options{Mode: Never, MaxDataURI: api.MaxDataURISize})
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("error %v, want *TooLargeError", err)
	}
	// 20 minutes is under the input cap but over the output cap (and the data URI limit).
	if tl.Cap != CapOutputTokens || tl.Need != 6001 || tl.Limit != MaxOutputTokens {
		t.Errorf("TooLargeError %+v, want output tokens 6,001 of 4,096", tl)
	}
	want := "would need about 6,001 output tokens of text (20 min of audio); one request returns at most 4,096"
	if !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), in.Name) {
		t.Errorf("message %q\nwant it to name the input and say %q", err, want)
	}
}

// writeWAV writes a 16 kHz mono WAV of exactly size bytes, its samples taken from src's.
func writeWAV(t *testing.T, path, src string, size int64) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 512)
	if _, err := io.ReadFull(f, head); err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(head, []byte("data"))
	if at < 0 {
		t.Fatal("no data chunk in the first 512 bytes of " + src)
	}
	if _, err := f.Seek(int64(at+8), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	data := uint32(size - 44)
	var h bytes.Buffer
	h.WriteString("RIFF")
	binary.Write(&h, binary.LittleEndian, uint32(size-8))
	h.WriteString("WAVEfmt ")
	binary.Write(&h, binary.LittleEndian, []uint32{16})
	binary.Write(&h, binary.LittleEndian, []uint16{1, 1})         // PCM, mono
	binary.Write(&h, binary.LittleEndian, []uint32{16000, 32000}) // rate, bytes per second
	binary.Write(&h, binary.LittleEndian, []uint16{2, 16})        // block align, bits
	h.WriteString("data")
	binary.Write(&h, binary.LittleEndian, data)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := out.Write(h.Bytes()); err != nil {
		t.Fatal(err)
	}
	if n, err := io.CopyN(out, f, int64(data)); err != nil {
		t.Fatalf("copied %d of %d bytes: %v", n, data, err)
	}
}

func TestPlanAroundTheDataURILimit(t *testing.T) {
	src := longMediaFile(t, "long-speech.wav")
	const mime = "audio/wav"
	limit := int64(api.MaxDataURISize)
	fits := limit * 3 / 4
	for api.DataURISize(mime, fits+1) < limit {
		fits++
	}
	for api.DataURISize(mime, fits) >= limit {
		fits--
	}
	fits -= fits % 2 // whole 16-bit samples
	dir := t.TempDir()
	under, over := filepath.Join(dir, "under.wav"), filepath.Join(dir, "over.wav")
	writeWAV(t, under, src, fits)
	writeWAV(t, over, src, fits+2)
	ctx := context.Background()
	opts := Options{MaxDataURI: limit, TempDir: t.TempDir()}

	in := resolve(t, under)
	p, err := cutPlan(ctx, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Whole || len(p.Segments) != 1 || p.Segments[0].Path != in.Path || p.Segments[0].Size != fits {
		t.Fatalf("%d bytes (data URI %d): Whole=%v %+v; want it whole", fits, api.DataURISize(mime, fits), p.Whole, p.Segments)
	}
	if err := prepareAll(ctx, p); err != nil || p.Segments[0].Path != in.Path {
		t.Errorf("Prepare on a whole plan: %v, path %s", err, p.Segments[0].Path)
	}
	if err := p.Cleanup(); err != nil {
		t.Errorf("Cleanup on a whole plan: %v", err)
	}
	if _, err := os.Stat(in.Path); err != nil {
		t.Errorf("Cleanup of a whole plan touched the input: %v", err)
	}

	in = resolve(t, over)
	_, err = cutPlan(ctx, in, Options{Mode: Never, MaxDataURI: limit})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Cap != CapDataURI || tl.Need != api.DataURISize(mime, fits+2) || tl.Limit != limit {
		t.Fatalf("just over the limit under --split never: %v (%+v), want a data URI TooLargeError", err, tl)
	}
	if want := "its data URI would be " + humanize.Comma(tl.Need) + " bytes; one request takes less than 10,485,760"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q lacks %q", err, want)
	}

	// Auto: re-encoding alone makes it fit.
	p, err = cutPlan(ctx, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.Whole || !p.Reencoded || len(p.Segments) != 1 {
		t.Fatalf("just over: Whole=%v Reencoded=%v %d segments; want one re-encoded", p.Whole, p.Reencoded, len(p.Segments))
	}
	checkCoverage(t, p, 0)
	if err := prepareAll(ctx, p); err != nil {
		t.Fatal(err)
	}
	sizes := checkPrepared(t, p, limit)
	t.Logf("%d-byte WAV re-encoded to %d bytes; notes %q", fits+2, sizes[0], p.Notes)
	checkCleanup(t, p, opts.TempDir)
}

func TestPlanVideo(t *testing.T) {
	path := longMediaFile(t, "long-video.mp4")
	in := resolve(t, path)
	if in.Kind != api.Video {
		t.Fatalf("%s resolved as %v", path, in.Kind)
	}
	tmp := t.TempDir()
	ctx := context.Background()
	p, err := cutPlan(ctx, in, Options{MaxDataURI: api.MaxDataURISize, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	if p.Whole || len(p.Segments) < 2 {
		t.Fatalf("%d-byte video: Whole=%v, %d segments; want a split", in.Size, p.Whole, len(p.Segments))
	}
	longest, _ := p.maxSegment()
	checkCoverage(t, p, longest)
	checkCaps(t, p, api.MaxDataURISize, MaxOutputTokens)

	start := time.Now()
	if err := prepareAll(ctx, p); err != nil {
		t.Fatal(err)
	}
	prepared := time.Since(start)
	sizes := checkPrepared(t, p, api.MaxDataURISize)
	for i, s := range p.Segments {
		if s.Kind != api.Video || s.Format != "mp4" || s.MIME != "video/mp4" {
			t.Errorf("segment %d sent as %v %s %s", i, s.Kind, s.Format, s.MIME)
		}
		if f := probeFile(t, s.Path); strings.Join(f.streams, ",") != "video,audio" {
			t.Errorf("segment %d has streams %v, want video and audio", i, f.streams)
		}
	}
	t.Logf("%v video of %d bytes: %d segments %v, sizes %v, prepare %v; notes %q",
		p.Duration, in.Size, len(p.Segments), segmentLengths(p), sizes, prepared, p.Notes)
	checkCleanup(t, p, tmp)
}

func TestPrepareCancelled(t *testing.T) {
	in := resolve(t, longMediaFile(t, "long-video.mp4"))
	tmp := t.TempDir()
	p, err := cutPlan(context.Background(), in, Options{MaxDataURI: api.MaxDataURISize, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the first segment's file has appeared: ffmpeg is mid-encode.
	go func() {
		defer cancel()
		for range 1000 {
			if matches, _ := filepath.Glob(filepath.Join(tmp, "*", "segment-*")); len(matches) > 0 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	err = prepareAll(ctx, p)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Prepare under cancellation: %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("cancelled Prepare left %v behind", entries)
	}
	if err := p.Cleanup(); err != nil {
		t.Errorf("Cleanup after a failed Prepare: %v", err)
	}
}

// TestPlanNoiseHasNoSpeech: a recording of noise alone is not sent, whole or split.
func TestPlanNoiseHasNoSpeech(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	noise := filepath.Join(t.TempDir(), "noise.wav")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
		"-i", "anoisesrc=d=30:c=pink:a=0.3:r=16000", noise).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	in := resolve(t, noise)
	ctx := context.Background()
	for _, mode := range []Mode{Auto, Always} {
		p, err := cutPlan(ctx, in, Options{Mode: mode, Segment: 10 * time.Second, MaxDataURI: api.MaxDataURISize, TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if err := prepareAll(ctx, p); err != nil {
			t.Fatal(err)
		}
		if !p.NoSpeech || len(p.Segments) != 0 {
			t.Errorf("30 s of pink noise, --split %s: NoSpeech=%v, %d segments; want nothing to send (notes %q)", mode, p.NoSpeech, len(p.Segments), p.Notes)
		}
	}
}

// TestPlanHardCutsWithoutPauses: a sound that never pauses is cut at its quietest moments, each
// segment within the target.
func TestPlanHardCutsWithoutPauses(t *testing.T) {
	requireTools(t, "ffmpeg", "ffprobe")
	hum := filepath.Join(t.TempDir(), "warble.wav")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
		"-i", "sine=f=300:d=30:r=16000,tremolo=f=3:d=0.6,volume=0.5", hum).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	in := resolve(t, hum)
	ctx := context.Background()
	tmp := t.TempDir()
	p, err := cutPlan(ctx, in, Options{Mode: Always, Segment: 10 * time.Second, MaxDataURI: api.MaxDataURISize, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	checkCoverage(t, p, 10*time.Second)
	if len(p.Segments) != 3 {
		t.Errorf("30 s without a pause at 10 s segments: %v", segmentLengths(p))
	}
	if notes := notesText(p); !strings.Contains(notes, "0 pauses and 2 cuts at the quietest moment") {
		t.Errorf("notes do not report hard cuts: %q", p.Notes)
	}
	if err := prepareAll(ctx, p); err != nil {
		t.Fatal(err)
	}
	checkPrepared(t, p, api.MaxDataURISize)
	checkCleanup(t, p, tmp)

	// Always on an input that fits is one re-encoded segment when no --segment asks for less.
	p, err = cutPlan(ctx, in, Options{Mode: Always, MaxDataURI: api.MaxDataURISize})
	if err != nil || !p.Reencoded || len(p.Segments) != 1 {
		t.Errorf("always without --segment on 30 s: %v, %+v", err, p)
	}
}

func TestPlanWithoutFFprobe(t *testing.T) {
	requireTools(t, "espeak-ng", "ffmpeg", "ffprobe")
	dir := t.TempDir()
	wav := filepath.Join(dir, "short.wav")
	if out, err := exec.Command("espeak-ng", "-w", wav, "A short sentence.").CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v\n%s", err, out)
	}
	in := resolve(t, wav)
	missing := filepath.Join(dir, "no-such-ffprobe")
	ctx := context.Background()

	p, err := cutPlan(ctx, in, Options{MaxDataURI: api.MaxDataURISize, FFprobe: missing})
	if err != nil || !p.Whole || !strings.Contains(notesText(p), "ffprobe not found") {
		t.Errorf("small input without ffprobe: %v, %+v; want whole with a note", err, p)
	}
	_, err = cutPlan(ctx, in, Options{MaxDataURI: 1000, FFprobe: missing})
	var mt *media.MissingToolError
	if !errors.As(err, &mt) || mt.Tool != "ffprobe" || !strings.Contains(err.Error(), "too large for one request") {
		t.Errorf("input over the limit without ffprobe: %v, want a *media.MissingToolError saying why", err)
	}
	_, err = cutPlan(ctx, in, Options{Mode: Always, MaxDataURI: 1000, FFmpeg: filepath.Join(dir, "no-such-ffmpeg")})
	if !errors.As(err, &mt) || mt.Tool != "ffmpeg" {
		t.Errorf("a split without ffmpeg: %v, want *media.MissingToolError for ffmpeg", err)
	}
}

func TestPlanURL(t *testing.T) {
	in := &media.Input{Name: "https://example.com/talk.mp3", URL: "https://example.com/talk.mp3", Kind: api.Audio, Format: "mp3", MIME: "audio/mpeg", Size: -1}
	p, err := cutPlan(context.Background(), in, Options{Mode: Always, MaxDataURI: api.MaxDataURISize, FFprobe: "/nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Whole || len(p.Segments) != 1 || p.Segments[0].Size != -1 || len(p.Notes) != 2 {
		t.Errorf("URL plan: %+v", p)
	}
	if _, ok := p.Notes[len(p.Notes)-1].(*URLUnsplitNote); !ok {
		t.Errorf("URL plan under Always: notes %q, want a URLUnsplitNote last", p.Notes)
	}
	// A URL whose name says nothing of its format is sent as mp3, a note says, naming no flag.
	in = &media.Input{Name: "https://example.com/get", URL: "https://example.com/get", Kind: api.Audio, Format: "mp3", MIME: "audio/mpeg", Size: -1, Assumed: true}
	if p, err = cutPlan(context.Background(), in, Options{}); err != nil {
		t.Fatal(err)
	}
	if n, ok := p.Notes[len(p.Notes)-1].(*AssumedFormatNote); !ok || n.Format != "mp3" ||
		n.String() != "its name ends in no known extension, so it is sent as mp3 audio" {
		t.Errorf("URL plan of an unknown extension: notes %q, want an AssumedFormatNote for mp3", p.Notes)
	}
	// Under Always without ffprobe, the plan fails for ffprobe, naming no flag.
	local := &media.Input{Name: "a.mp3", Path: "a.mp3", Kind: api.Audio, Format: "mp3", MIME: "audio/mpeg", Size: 1000}
	_, err = cutPlan(context.Background(), local, Options{Mode: Always, FFprobe: "/nonexistent"})
	var always *AlwaysNeedsFFprobeError
	var mt *media.MissingToolError
	if !errors.As(err, &always) || !errors.As(err, &mt) || strings.Contains(err.Error(), "--") {
		t.Errorf("Always without ffprobe: %v, want an AlwaysNeedsFFprobeError wrapping a MissingToolError", err)
	}
	if err := p.Prepare(context.Background()); err != nil {
		t.Errorf("Prepare on a URL plan: %v", err)
	}
}

// notesText is a plan's notes, a line each.
func notesText(p *Plan) string {
	var lines []string
	for _, n := range p.Notes {
		lines = append(lines, n.String())
	}
	return strings.Join(lines, "\n")
}
