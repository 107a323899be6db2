package fakeapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, got, want)
	}
}

func TestGoldenTextStream(t *testing.T) {
	_, url := newTestServer(t, Options{NoProbe: true})
	req := baseRequest(dataURL("audio/wav", wavFile(8000, 4000))) // 0.5 s
	req["translation_options"] = map[string]any{"source_lang": "zh", "target_lang": "en"}
	resp := post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
	if resp.Status != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d %q: %s", resp.Status, resp.Header.Get("Content-Type"), resp.Body)
	}
	golden(t, "text-stream.golden", resp.Body)

	// The text follows the documented template exactly.
	media := wavFile(8000, 4000)
	sum := sha256.Sum256(media)
	want := fmt.Sprintf("Hello from the livetranslate emulator. This is the Chinese to English translation of 0.5 seconds of wav audio (%d bytes, sha256 %s).",
		len(media), hex.EncodeToString(sum[:])[:8])
	if got := summarize(t, events(t, resp.Body)); got.Text != want || got.Words != 22 || got.Finish != "stop" || !got.Usage || !got.Done {
		t.Errorf("stream %+v\nwant text %q", got, want)
	}
	if id := resp.Header.Get("X-Request-Id"); id != requestUUID(1) || !strings.Contains(string(resp.Body), `"id":"chatcmpl-`+id+`"`) {
		t.Errorf("x-request-id %q not the chunks' id", id)
	}
}

func TestGoldenSpeechTruncated(t *testing.T) {
	_, url := newTestServer(t, Options{NoProbe: true})
	req := baseRequest(dataURL("audio/wav", wavFile(16000, 16000)))
	req["modalities"] = []string{"text", "audio"}
	req["audio"] = map[string]any{"voice": "Cherry", "format": "wav"}
	req["translation_options"] = map[string]any{"target_lang": "fr"}
	req["max_tokens"] = 10 // 2 words: 2 text + ceil(2 × 3.125) = 9 tokens
	resp := post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
	golden(t, "speech-length-stream.golden", resp.Body)
	got := summarize(t, events(t, resp.Body))
	if got.Text != "Bonjour de" || got.AudioBytes != 2*12000 || got.Finish != "length" {
		t.Errorf("stream %+v", got)
	}
	if !strings.Contains(string(resp.Body), `"usage":{"completion_tokens":9,"prompt_tokens":13,"total_tokens":22,`) {
		t.Errorf("usage: %s", resp.Body[bytes.LastIndex(resp.Body, []byte("usage")):])
	}
}

func TestGoldenCompletion(t *testing.T) {
	_, url := newTestServer(t, Options{NoProbe: true, Clock: func() time.Time { return time.Unix(1800000000, 0) }})
	req := baseRequest("https://example.com/clip.mp4")
	c := content(req)
	c["type"], c["video_url"] = "video_url", map[string]any{"url": "https://example.com/clip.mp4"}
	delete(c, "input_audio")
	req["stream"] = false
	delete(req, "stream_options")
	req["translation_options"] = map[string]any{"target_lang": "de"}
	resp := post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
	if resp.Status != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d %q: %s", resp.Status, resp.Header.Get("Content-Type"), resp.Body)
	}
	golden(t, "completion.golden", resp.Body)
}

func TestCompletionWithSpeech(t *testing.T) {
	_, url := newTestServer(t, Options{NoProbe: true})
	req := baseRequest(dataURL("audio/wav", wavFile(16000, 16000)))
	req["stream"] = false
	delete(req, "stream_options")
	req["modalities"] = []string{"text", "audio"}
	req["audio"] = map[string]any{"voice": "Nofish", "format": "wav"}
	resp := post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
	var c struct {
		Choices []struct {
			FinishReason string `json:"finish_reason"`
			Message      struct {
				Role, Content string
				Audio         struct{ Data, ID string }
			} `json:"message"`
		} `json:"choices"`
		Object string `json:"object"`
		Usage  struct {
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(resp.Body, &c); err != nil {
		t.Fatal(err)
	}
	words := len(strings.Fields(c.Choices[0].Message.Content))
	pcm, _ := base64.StdEncoding.DecodeString(c.Choices[0].Message.Audio.Data)
	if c.Object != "chat.completion" || c.Choices[0].Message.Role != "assistant" || len(pcm) != words*12000 ||
		c.Usage.CompletionTokens != words+(words*25+7)/8 || !strings.HasPrefix(c.Choices[0].Message.Audio.ID, "audio_") {
		t.Errorf("completion %+v with %d bytes of speech", c, len(pcm))
	}
}

func TestSpeechChunksAreQuietSine(t *testing.T) {
	_, url := newTestServer(t, Options{NoProbe: true})
	req := baseRequest(dataURL("audio/wav", wavFile(16000, 1600)))
	req["modalities"] = []string{"text", "audio"}
	req["audio"] = map[string]any{"voice": "Cherry", "format": "wav"}
	resp := post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
	evs := events(t, resp.Body)
	var kinds []string
	for _, e := range evs {
		var c wireChunk
		json.Unmarshal([]byte(e), &c)
		switch {
		case e == "[DONE]":
			kinds = append(kinds, "done")
		case len(c.Choices) == 0:
			kinds = append(kinds, "usage")
		case c.Choices[0].Delta.Audio != nil:
			pcm, _ := base64.StdEncoding.DecodeString(c.Choices[0].Delta.Audio.Data)
			if len(pcm) != 12000 || pcm[0] != 0 || pcm[1] != 0 {
				t.Fatalf("audio chunk of %d bytes starting %x", len(pcm), pcm[:4])
			}
			kinds = append(kinds, "audio")
		case c.Choices[0].Delta.Content != nil:
			kinds = append(kinds, "text")
		default:
			kinds = append(kinds, "finish")
		}
	}
	got := strings.Join(kinds, " ")
	want := strings.Repeat("text audio ", 20) + "finish usage done" // 20 words without source_lang
	if got != want {
		t.Errorf("event kinds\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(evs[1], `"expires_at":1764755440,"id":"audio_`+requestUUID(1)+`"`) {
		t.Errorf("audio chunk: %.300s", evs[1])
	}
}

func TestDataURILimitBoundary(t *testing.T) {
	s, url := newTestServer(t, Options{NoProbe: true})
	const limit = DefaultMaxDataURI
	// One payload, three headers of 23, 24 and 25 characters: the data URI
	// is limit-1, limit and limit+1 long.
	payloadChars := limit - 24
	media := wavFile(16000, payloadChars/4*3/2-22)
	b64 := base64.StdEncoding.EncodeToString(media)
	if len(b64) != payloadChars {
		t.Fatalf("payload is %d characters, want %d", len(b64), payloadChars)
	}
	for _, tc := range []struct {
		mime   string
		length int
		status int
	}{
		{"audio/wave", limit - 1, 200},
		{"audio/x-wav", limit, 400},
		{"audio/x-wave", limit + 1, 400},
	} {
		uri := "data:" + tc.mime + ";base64," + b64
		if len(uri) != tc.length {
			t.Fatalf("uri is %d long, want %d", len(uri), tc.length)
		}
		resp := post(t, url, bytes.NewReader(mustJSON(t, baseRequest(uri))), testKey)
		if tc.status == 200 {
			if resp.Status != 200 {
				t.Errorf("%d bytes: status %d %s", tc.length, resp.Status, resp.Body)
			}
			continue
		}
		checkError(t, resp, 400, "invalid_parameter_error", "Exceeded limit on max bytes per data-uri item : 10485760", "messages[0].content[0].input_audio.data")
	}
	reqs := s.Requests()
	if reqs[0].DataURIBytes != limit-1 || reqs[0].MediaBytes != int64(len(media)) || reqs[1].DataURIBytes != limit || reqs[1].Status != 400 {
		t.Errorf("recorded %+v / %+v", reqs[0], reqs[1])
	}
}

func TestConfigurableLimit(t *testing.T) {
	media := wavFile(16000, 1000)
	uri := dataURL("audio/wav", media)
	for _, tc := range []struct {
		opts   Options
		status int
	}{
		{Options{MaxDataURI: int64(len(uri))}, 400},
		{Options{MaxDataURI: int64(len(uri)) + 1}, 200},
		{Options{MaxDataURI: 10, NoLimit: true}, 200},
	} {
		tc.opts.NoProbe = true
		_, url := newTestServer(t, tc.opts)
		if resp := post(t, url, bytes.NewReader(mustJSON(t, baseRequest(uri))), testKey); resp.Status != tc.status {
			t.Errorf("%+v: status %d %s", tc.opts, resp.Status, resp.Body)
		}
	}
}

func TestRequestsRecordsMedia(t *testing.T) {
	s, url := newTestServer(t, Options{NoProbe: true})
	media := wavFile(22050, 22050*3)
	req := baseRequest(dataURL("audio/x-wav", media))
	req["seed"], req["temperature"] = 42, 0.5
	post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
	sum := sha256.Sum256(media)
	got := s.Requests()
	if len(got) != 1 {
		t.Fatalf("%d requests recorded", len(got))
	}
	r := got[0]
	if r.MediaSHA256 != hex.EncodeToString(sum[:]) || r.MediaBytes != int64(len(media)) || r.MIME != "audio/x-wav" ||
		r.DataURIBytes != int64(len(dataURL("audio/x-wav", media))) || r.Format != "wav" || r.ContentType != "input_audio" ||
		r.Model != "qwen3-livetranslate-flash" || !r.Stream || !r.IncludeUsage || r.TargetLang != "en" || r.Status != 200 ||
		r.Params["seed"] != float64(42) || r.Params["temperature"] != 0.5 || r.RequestID != requestUUID(1) {
		t.Errorf("recorded %+v", r)
	}
	// The copy is the caller's own.
	got[0].Params["seed"] = 1
	if s.Requests()[0].Params["seed"] != float64(42) {
		t.Error("Requests shares its maps")
	}
}

func TestDurationFromFFprobe(t *testing.T) {
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed")
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	dir := t.TempDir()
	wav := filepath.Join(dir, "a.wav")
	os.WriteFile(wav, wavFile(16000, 16000*2), 0o644)
	flac := filepath.Join(dir, "a.flac")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-i", wav, flac).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	media, _ := os.ReadFile(flac)
	req := baseRequest(dataURL("audio/flac", media))
	content(req)["input_audio"].(map[string]any)["format"] = "flac"

	_, url := newTestServer(t, Options{TempDir: dir})
	got := summarize(t, events(t, post(t, url, bytes.NewReader(mustJSON(t, req)), testKey).Body))
	if !strings.Contains(got.Text, " 2.0 seconds of flac audio (") {
		t.Errorf("with ffprobe: %q", got.Text)
	}
	_, url = newTestServer(t, Options{NoProbe: true})
	got = summarize(t, events(t, post(t, url, bytes.NewReader(mustJSON(t, req)), testKey).Body))
	if !strings.Contains(got.Text, " flac audio of unknown length (") {
		t.Errorf("without ffprobe: %q", got.Text)
	}
	// A WAV needs no ffprobe: its header gives the duration.
	_, url = newTestServer(t, Options{TempDir: dir})
	wavBody := mustJSON(t, baseRequest(dataURL("audio/wav", wavFile(16000, 16000*2))))
	got = summarize(t, events(t, post(t, url, bytes.NewReader(wavBody), testKey).Body))
	if !strings.Contains(got.Text, " 2.0 seconds of wav audio (") {
		t.Errorf("wav: %q", got.Text)
	}
	// Spool files go when the handler returns, which may be just after the
	// client has read the last byte.
	deadline := time.Now().Add(2 * time.Second)
	for {
		left, _ := filepath.Glob(filepath.Join(dir, "fakeapi-media-*"))
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("spool files left: %v", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestVideoTokens(t *testing.T) {
	// Vendor formula: 10 s at 2 fps = 20 frames; 640x360 → 352x640 →
	// ceil(20/2) × 11 × 20 + 2.
	if got := videoTokens(10*time.Second, 640, 360); got != 2202 {
		t.Errorf("videoTokens = %d, want 2202", got)
	}
	// Short clips count at least 4 frames; 320x240 is below the minimum
	// pixels and scales up to 448x320: ceil(4/2) × 10 × 14 + 2.
	if got := videoTokens(time.Second, 320, 240); got != 282 {
		t.Errorf("videoTokens = %d, want 282", got)
	}
}

// genReader produces n deterministic bytes without holding them.
type genReader struct {
	n, off int64
	sum    io.Writer
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.n-g.off)]
	for i := range p {
		p[i] = byte((g.off + int64(i)) * 31 >> 3)
	}
	g.off += int64(len(p))
	g.sum.Write(p)
	return len(p), nil
}

// TestMemoryStaysFlat sends a 100 MB file (a 133 MB body) through the
// handler and watches the heap while it is read.
func TestMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 133 MB")
	}
	const size = 100 << 20
	s := New(Options{APIKey: testKey, NoLimit: true, NoProbe: true})

	header := wavFile(16000, 0)
	binary := size - int64(len(header))
	sum := sha256.New()
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"model":"qwen3-livetranslate-flash","stream":true,"translation_options":{"target_lang":"en"},` +
			`"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"format":"wav","data":"data:audio/wav;base64,`))
		enc := base64.NewEncoder(base64.StdEncoding, pw)
		sum.Write(header)
		enc.Write(header)
		io.Copy(enc, &genReader{n: binary, sum: sum})
		enc.Close()
		pw.Write([]byte(`"}}]}]}`))
		pw.Close()
	}()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	req := httptest.NewRequest("POST", "/compatible-mode/v1/chat/completions", pr)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	close(stop)
	<-sampled

	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	r := s.Requests()[0]
	if r.MediaBytes != size || r.MediaSHA256 != hex.EncodeToString(sum.Sum(nil)) {
		t.Errorf("recorded %d bytes sha %s", r.MediaBytes, r.MediaSHA256)
	}
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("heap in use grew by %.1f MB while reading a %d MB body", float64(grew)/(1<<20), int64(r.DataURIBytes)>>20)
	if grew > 16<<20 {
		t.Errorf("heap in use grew by %d bytes; the body must not be held in memory", grew)
	}
	if text := summarize(t, events(t, rec.Body.Bytes())).Text; !strings.HasSuffix(text, "wav audio (104857600 bytes, sha256 "+r.MediaSHA256[:8]+").") {
		t.Errorf("text does not identify the media: %q", text)
	}
}

func TestRequestIDsAreDeterministic(t *testing.T) {
	_, url1 := newTestServer(t, Options{NoProbe: true})
	_, url2 := newTestServer(t, Options{NoProbe: true})
	body := mustJSON(t, baseRequest(dataURL("audio/wav", wavFile(16000, 160))))
	a := post(t, url1, bytes.NewReader(body), testKey)
	b := post(t, url2, bytes.NewReader(body), testKey)
	c := post(t, url2, bytes.NewReader(body), testKey)
	if !bytes.Equal(a.Body, b.Body) || a.Header.Get("X-Request-Id") != b.Header.Get("X-Request-Id") {
		t.Error("two servers answered the same first request differently")
	}
	id := c.Header.Get("X-Request-Id")
	if id == b.Header.Get("X-Request-Id") || len(id) != 36 || id[14] != '4' {
		t.Errorf("second request id %q", id)
	}
}

// Latency and ChunkDelay are honoured, and a client that goes away ends a
// paced stream early.
func TestPacingHonoursCancellation(t *testing.T) {
	_, url := newTestServer(t, Options{NoProbe: true, ChunkDelay: 50 * time.Millisecond, Latency: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req := mustRequest(t, "POST", url+"/chat/completions", mustJSON(t, baseRequest(dataURL("audio/wav", wavFile(16000, 160)))))
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("a 22-word stream at 50 ms a chunk finished within 200 ms: %d bytes", len(b))
	}
	if n := strings.Count(string(b), "data: "); n < 1 || n > 6 {
		t.Errorf("%d events before the deadline", n)
	}
}
