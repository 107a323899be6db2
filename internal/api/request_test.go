package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func ptr[T any](v T) *T { return &v }

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func baseRequest() *Request {
	return &Request{Model: "qwen3-livetranslate-flash", Stream: true, IncludeUsage: true, TargetLang: "en"}
}

// decodeBody parses a written body generically and returns it with the media data string.
func decodeBody(t *testing.T, body []byte) (map[string]any, string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("body is not valid JSON: %v\n%.300s", err, body)
	}
	msgs := doc["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	msg := msgs[0].(map[string]any)
	if msg["role"] != "user" {
		t.Fatalf("role = %v", msg["role"])
	}
	content := msg["content"].([]any)
	if len(content) != 1 {
		t.Fatalf("%d content items", len(content))
	}
	item := content[0].(map[string]any)
	switch item["type"] {
	case "input_audio":
		return doc, item["input_audio"].(map[string]any)["data"].(string)
	case "video_url":
		return doc, item["video_url"].(map[string]any)["url"].(string)
	}
	t.Fatalf("content type %v", item["type"])
	return nil, ""
}

// TestWriteBodySize checks, for sizes around the Base64 group and buffer boundaries, that
// BodySize is exactly what WriteBody writes, that the body is valid JSON, and that its data URI
// decodes back to the input.
func TestWriteBodySize(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 4, 5, 100, 48<<10 - 1, 48 << 10, 48<<10 + 1, 64<<10 + 7, 300001}
	for _, kind := range []Kind{Audio, Video} {
		for _, n := range sizes {
			media := randomBytes(n, uint64(n))
			req := baseRequest()
			req.Media = Media{Kind: kind, Format: "mp3", MIME: "audio/mpeg", Body: bytes.NewReader(media), Size: int64(n)}
			if kind == Video {
				req.Media = Media{Kind: Video, MIME: "video/mp4", Body: bytes.NewReader(media), Size: int64(n)}
			}
			want := req.BodySize()
			var buf bytes.Buffer
			if err := req.WriteBody(&buf); err != nil {
				t.Fatalf("%v %d: %v", kind, n, err)
			}
			if int64(buf.Len()) != want {
				t.Errorf("%v %d bytes: wrote %d, BodySize %d", kind, n, buf.Len(), want)
			}
			_, uri := decodeBody(t, buf.Bytes())
			if int64(len(uri)) != DataURISize(req.Media.MIME, int64(n)) {
				t.Errorf("%v %d bytes: data URI is %d bytes, DataURISize %d", kind, n, len(uri), DataURISize(req.Media.MIME, int64(n)))
			}
			prefix := "data:" + req.Media.MIME + ";base64,"
			if !strings.HasPrefix(uri, prefix) {
				t.Fatalf("data URI starts %.40q", uri)
			}
			got, err := base64.StdEncoding.DecodeString(uri[len(prefix):])
			if err != nil || !bytes.Equal(got, media) {
				t.Errorf("%v %d bytes: decoded data differs (err %v, %d bytes)", kind, n, err, len(got))
			}
		}
	}
}

func TestWriteBodyURL(t *testing.T) {
	for _, kind := range []Kind{Audio, Video} {
		req := baseRequest()
		req.Media = Media{Kind: kind, Format: "wav", URL: "https://example.com/a b.wav?x=1&y=<2>", Size: -1}
		var buf bytes.Buffer
		if err := req.WriteBody(&buf); err != nil {
			t.Fatal(err)
		}
		if int64(buf.Len()) != req.BodySize() {
			t.Errorf("%v: wrote %d, BodySize %d", kind, buf.Len(), req.BodySize())
		}
		if _, data := decodeBody(t, buf.Bytes()); data != req.Media.URL {
			t.Errorf("%v: data = %q", kind, data)
		}
	}
}

func TestWriteBodyUnknownSize(t *testing.T) {
	media := randomBytes(100000, 9)
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Body: iotest.HalfReader(bytes.NewReader(media)), Size: -1}
	if got := req.BodySize(); got != -1 {
		t.Errorf("BodySize = %d, want -1", got)
	}
	var buf bytes.Buffer
	if err := req.WriteBody(&buf); err != nil {
		t.Fatal(err)
	}
	_, uri := decodeBody(t, buf.Bytes())
	got, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:audio/wav;base64,"))
	if !bytes.Equal(got, media) {
		t.Error("decoded data differs")
	}
}

// TestWriteBodyFields pins the JSON the service sees: which fields appear, their names and values.
func TestWriteBodyFields(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Request)
		want string // the body with the data URI replaced by DATA
	}{
		{"stream text only", func(r *Request) {},
			`{"model":"qwen3-livetranslate-flash","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"DATA","format":"mp3"}}]}],` +
				`"stream":true,"stream_options":{"include_usage":true},"modalities":["text"],"translation_options":{"target_lang":"en"}}`},
		{"no stream drops stream_options", func(r *Request) { r.Stream = false },
			`{"model":"qwen3-livetranslate-flash","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"DATA","format":"mp3"}}]}],` +
				`"stream":false,"modalities":["text"],"translation_options":{"target_lang":"en"}}`},
		{"everything", func(r *Request) {
			r.SourceLang = "zh"
			r.Audio = &AudioOutput{Voice: "Cherry"}
			r.Sampling.MaxTokens = ptr(4096)
			r.Sampling.Seed = ptr(int64(42))
			r.Sampling.Temperature = ptr(0.000001)
			r.Sampling.TopP = ptr(0.8)
			r.Sampling.PresencePenalty = ptr(0.0)
			r.Sampling.TopK = ptr(1)
			r.Sampling.RepetitionPenalty = ptr(1.05)
			r.Sampling.SpeechRate = ptr(1.5)
		},
			`{"model":"qwen3-livetranslate-flash","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"DATA","format":"mp3"}}]}],` +
				`"stream":true,"stream_options":{"include_usage":true},"modalities":["text","audio"],"audio":{"voice":"Cherry","format":"wav"},` +
				`"translation_options":{"source_lang":"zh","target_lang":"en"},"max_tokens":4096,"seed":42,"temperature":0.000001,"top_p":0.8,` +
				`"presence_penalty":0,"top_k":1,"repetition_penalty":1.05,"speech_rate":1.5}`},
		{"video", func(r *Request) {
			r.Media = Media{Kind: Video, MIME: "video/mp4", Body: strings.NewReader("abc"), Size: 3}
			r.IncludeUsage = false
		},
			`{"model":"qwen3-livetranslate-flash","messages":[{"role":"user","content":[{"type":"video_url","video_url":{"url":"DATA"}}]}],` +
				`"stream":true,"stream_options":{"include_usage":false},"modalities":["text"],"translation_options":{"target_lang":"en"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := baseRequest()
			req.Media = Media{Kind: Audio, Format: "mp3", MIME: "audio/mp3", Body: strings.NewReader("abc"), Size: 3}
			tt.edit(req)
			var buf bytes.Buffer
			if err := req.WriteBody(&buf); err != nil {
				t.Fatal(err)
			}
			got := strings.Replace(buf.String(), "data:"+req.Media.MIME+";base64,YWJj", "DATA", 1)
			if got != tt.want {
				t.Errorf("body\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestWriteBodyDefaultAudioMIME(t *testing.T) {
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "mp3", Body: strings.NewReader(""), Size: 0}
	var buf bytes.Buffer
	if err := req.WriteBody(&buf); err != nil {
		t.Fatal(err)
	}
	if _, uri := decodeBody(t, buf.Bytes()); uri != "data:audio/mp3;base64," {
		t.Errorf("data URI %q", uri)
	}
}

func TestWriteBodyInvalid(t *testing.T) {
	body := func() Media {
		return Media{Kind: Audio, Format: "mp3", MIME: "audio/mpeg", Body: strings.NewReader("x"), Size: 1}
	}
	tests := []struct {
		name string
		edit func(*Request)
		want string
	}{
		{"no model", func(r *Request) { r.Model = "" }, "no model"},
		{"no target", func(r *Request) { r.TargetLang = "" }, "no target language"},
		{"no media", func(r *Request) { r.Media = Media{Kind: Audio, Format: "mp3"} }, "neither a URL nor a body"},
		{"URL and body", func(r *Request) { r.Media.URL = "https://x/a.mp3" }, "both a URL and a body"},
		{"file URL", func(r *Request) { r.Media = Media{Kind: Audio, Format: "mp3", URL: "file:///etc/passwd"} }, "is not http(s)"},
		{"audio without format", func(r *Request) { r.Media.Format = "" }, "no format"},
		{"video without MIME", func(r *Request) { r.Media = Media{Kind: Video, Body: strings.NewReader("x"), Size: 1} }, "no MIME type"},
		{"bad kind", func(r *Request) { r.Media.Kind = 7 }, "unknown media kind"},
		{"speech without voice", func(r *Request) { r.Audio = &AudioOutput{} }, "without a voice"},
		{"NaN temperature", func(r *Request) { r.Sampling.Temperature = ptr(math.NaN()) }, "unsupported value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := baseRequest()
			req.Media = body()
			tt.edit(req)
			err := req.WriteBody(io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if req.BodySize() != -1 {
				t.Errorf("BodySize = %d for an invalid request", req.BodySize())
			}
		})
	}
}

func TestWriteBodyMediaErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	tests := []struct {
		name  string
		body  io.Reader
		size  int64
		check func(error) bool
	}{
		{"read error", io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), -1, func(err error) bool { return errors.Is(err, boom) }},
		{"read error with size", io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 10, func(err error) bool { return errors.Is(err, boom) }},
		{"shorter than size", strings.NewReader("abc"), 10, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"longer than size", strings.NewReader("abcdef"), 3, func(err error) bool { return errors.Is(err, errMediaTooLong) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := baseRequest()
			req.Media = Media{Kind: Audio, Format: "mp3", MIME: "audio/mpeg", Body: tt.body, Size: tt.size}
			err := req.WriteBody(io.Discard)
			if err == nil || !tt.check(err) || !strings.HasPrefix(err.Error(), "reading media") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestWriteBodyWriterError(t *testing.T) {
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "mp3", MIME: "audio/mpeg", Body: bytes.NewReader(randomBytes(1<<20, 1)), Size: 1 << 20}
	pr, pw := io.Pipe()
	pr.CloseWithError(io.ErrClosedPipe)
	err := req.WriteBody(pw)
	if !errors.Is(err, io.ErrClosedPipe) || !strings.HasPrefix(err.Error(), "writing request body") {
		t.Fatalf("err = %v", err)
	}
}

func TestDataURISize(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 3, 7_864_303, 7_864_320} {
		want := int64(len("data:audio/mpeg;base64,") + base64.StdEncoding.EncodedLen(int(n)))
		if got := DataURISize("audio/mpeg", n); got != want {
			t.Errorf("DataURISize(%d) = %d, want %d", n, got, want)
		}
	}
	// The largest mp3 that fits under the service's limit.
	if DataURISize("audio/mpeg", 7_864_302) >= MaxDataURISize || DataURISize("audio/mpeg", 7_864_320) < MaxDataURISize {
		t.Error("limit arithmetic is off")
	}
}

func TestKindString(t *testing.T) {
	got := []string{Audio.String(), Video.String(), Kind(0).String(), Kind(5).String()}
	if want := []string{"audio", "video", "unknown", "Kind(5)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
}
