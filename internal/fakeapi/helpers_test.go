package fakeapi

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testKey = "sk-test"

// wavFile returns a 16-bit mono PCM WAV of n samples at rate, filled with a
// simple ramp so digests differ between sizes.
func wavFile(rate, n int) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(rate))
	le(uint32(rate * 2))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(i % 1000))
	}
	return b.Bytes()
}

// dataURL makes a Base64 data URL.
func dataURL(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// baseRequest is a valid request as a mutable map.
func baseRequest(data string) map[string]any {
	return map[string]any{
		"model": "qwen3-livetranslate-flash",
		"messages": []any{map[string]any{
			"role": "user",
			"content": []any{map[string]any{
				"type":        "input_audio",
				"input_audio": map[string]any{"data": data, "format": "wav"},
			}},
		}},
		"stream":              true,
		"stream_options":      map[string]any{"include_usage": true},
		"translation_options": map[string]any{"target_lang": "en"},
	}
}

// content returns the request's content item for editing.
func content(req map[string]any) map[string]any {
	return req["messages"].([]any)[0].(map[string]any)["content"].([]any)[0].(map[string]any)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
	Err    error // reading the body failed
}

// post sends body with the test key and returns the whole answer.
func post(t *testing.T, url string, body io.Reader, key string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/chat/completions", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b, Err: rerr}
}

func newTestServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + "/compatible-mode/v1"
}

// events splits an SSE body into its data payloads.
func events(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("line without data: prefix: %.80q", line)
		}
		out = append(out, data)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// wireChunk is the test's own decoding of a stream chunk.
type wireChunk struct {
	ID      string `json:"id"`
	Choices []struct {
		Delta struct {
			Content *string `json:"content"`
			Role    *string `json:"role"`
			Audio   *struct {
				Data string `json:"data"`
			} `json:"audio"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		CompletionTokens int `json:"completion_tokens"`
		PromptTokens     int `json:"prompt_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
	Error *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// streamSummary decodes every event of a stream.
type streamSummary struct {
	Text       string
	Words      int
	AudioBytes int
	Finish     string
	Usage      bool
	Done       bool
	Error      string
	Malformed  int
}

func summarize(t *testing.T, evs []string) streamSummary {
	t.Helper()
	var s streamSummary
	for _, e := range evs {
		if e == "[DONE]" {
			s.Done = true
			continue
		}
		var c wireChunk
		if err := json.Unmarshal([]byte(e), &c); err != nil {
			s.Malformed++
			continue
		}
		if c.Error != nil {
			s.Error = c.Error.Code
		}
		if c.Usage != nil {
			s.Usage = true
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil && *ch.Delta.Content != "" {
				s.Text += *ch.Delta.Content
				s.Words++
			}
			if ch.Delta.Audio != nil {
				pcm, err := base64.StdEncoding.DecodeString(ch.Delta.Audio.Data)
				if err != nil {
					t.Fatalf("audio chunk: %v", err)
				}
				s.AudioBytes += len(pcm)
			}
			if ch.FinishReason != nil {
				s.Finish = *ch.FinishReason
			}
		}
	}
	return s
}
