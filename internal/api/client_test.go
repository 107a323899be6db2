package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "sk-test-0123456789abcdef"

// The reference's own example chunks, verbatim but for the audio data, which the reference
// elides with "......"; refAudioData is its documented start, valid Base64 on its own.
const (
	refAudioData = "///+//7////+////////////AAAAAAAAAAAB"

	refTextChunk = `{
  "id": "chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f",
  "choices": [
    {
      "delta": {
        "content": " of",
        "role": null,
        "audio": null
      },
      "finish_reason": null,
      "index": 0
    }
  ],
  "created": 1764755440,
  "model": "qwen3-livetranslate-flash",
  "object": "chat.completion.chunk"
}`
	refAudioChunk = `{
  "id": "chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f",
  "choices": [
    {
      "delta": {
        "content": null,
        "role": null,
        "audio": {
          "data": "` + refAudioData + `",
          "expires_at": 1764755440,
          "id": "audio_c22a54b8-40cc-4a1d-988b-f84cdf86868f"
        }
      },
      "finish_reason": null,
      "index": 0
    }
  ],
  "created": 1764755440,
  "model": "qwen3-livetranslate-flash",
  "object": "chat.completion.chunk"
}`
	refUsageChunk = `{
  "id": "chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f",
  "choices": [],
  "created": 1764755440,
  "model": "qwen3-livetranslate-flash",
  "object": "chat.completion.chunk",
  "usage": {
    "completion_tokens": 242,
    "prompt_tokens": 415,
    "total_tokens": 657,
    "completion_tokens_details": {
      "accepted_prediction_tokens": null,
      "audio_tokens": 191,
      "reasoning_tokens": null,
      "rejected_prediction_tokens": null,
      "text_tokens": 51
    },
    "prompt_tokens_details": {
      "audio_tokens": 415,
      "cached_tokens": null,
      "text_tokens": 0,
      "video_tokens": null
    }
  }
}`
	// The Chinese reference's shape: role in the first chunk, no "audio" key, many nulls.
	zhFirstChunk = `{"choices":[{"delta":{"content":"","role":"assistant"},"index":0,"logprobs":null,"finish_reason":null}],"object":"chat.completion.chunk","usage":null,"created":1764755440,"system_fingerprint":null,"model":"qwen3-livetranslate-flash","id":"chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f"}`
	zhTextChunk  = `{"choices":[{"delta":{"content":"Hello","function_call":null,"refusal":null,"role":null,"tool_calls":null},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1764755440,"system_fingerprint":null,"model":"qwen3-livetranslate-flash","id":"chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f","service_tier":null}`
	stopChunk    = `{"id":"chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f","choices":[{"delta":{"content":"","role":null,"audio":null},"finish_reason":"stop","index":0}],"created":1764755440,"model":"qwen3-livetranslate-flash","object":"chat.completion.chunk"}`
)

// sse frames JSON documents as a stream; a document spanning lines is sent as several data lines.
func sse(docs ...string) string {
	var b strings.Builder
	for _, d := range docs {
		for _, line := range strings.Split(d, "\n") {
			b.WriteString("data: " + line + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func mediaRequest(media []byte) *Request {
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "mp3", MIME: "audio/mpeg", Body: bytes.NewReader(media), Size: int64(len(media))}
	return req
}

func newClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Client{BaseURL: srv.URL + "/compatible-mode/v1/", APIKey: testKey, UserAgent: "livetranslate-test"}
}

// streamHandler replies with an event stream, after checking the request it got.
func streamHandler(t *testing.T, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			t.Errorf("reading the request: %v", err)
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "req-123")
		io.WriteString(w, body)
	}
}

type collected struct {
	events []Event
}

func (c *collected) on(ev Event) error {
	c.events = append(c.events, ev)
	return nil
}

func (c *collected) text() string {
	var s string
	for _, e := range c.events {
		s += e.Text
	}
	return s
}

func TestTranslateStream(t *testing.T) {
	media := randomBytes(10000, 3)
	var gotBody []byte
	var gotHeader http.Header
	var gotPath string
	var gotLength int64
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		gotBody, _ = io.ReadAll(r.Body)
		gotHeader, gotPath, gotLength = r.Header, r.URL.Path, r.ContentLength
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		w.Header().Set("X-Request-Id", "7f3e-req")
		io.WriteString(w, sse(zhFirstChunk, zhTextChunk, refTextChunk, refAudioChunk, stopChunk, refUsageChunk, "[DONE]"))
	})
	req := mediaRequest(media)
	req.Audio = &AudioOutput{Voice: "Cherry", Format: "wav"}
	var got collected
	res, err := c.Translate(context.Background(), req, got.on)
	if err != nil {
		t.Fatal(err)
	}

	// The request as the server saw it.
	if gotPath != "/compatible-mode/v1/chat/completions" {
		t.Errorf("path %q", gotPath)
	}
	for k, want := range map[string]string{
		"Authorization": "Bearer " + testKey, "Content-Type": "application/json",
		"Accept": "text/event-stream", "User-Agent": "livetranslate-test",
	} {
		if gotHeader.Get(k) != want {
			t.Errorf("header %s = %q, want %q", k, gotHeader.Get(k), want)
		}
	}
	if gotLength != int64(len(gotBody)) || gotLength != req.BodySize() {
		t.Errorf("Content-Length %d, body %d bytes, BodySize %d", gotLength, len(gotBody), req.BodySize())
	}
	doc, uri := decodeBody(t, gotBody)
	if dec, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:audio/mpeg;base64,")); !bytes.Equal(dec, media) {
		t.Error("the server got different media")
	}
	if !reflect.DeepEqual(doc["modalities"], []any{"text", "audio"}) {
		t.Errorf("modalities %v", doc["modalities"])
	}

	// The events, in order.
	if len(got.events) != 6 {
		t.Fatalf("%d events, want 6", len(got.events))
	}
	if got.text() != "Hello of" {
		t.Errorf("text %q", got.text())
	}
	wantPCM, _ := base64.StdEncoding.DecodeString(refAudioData)
	if ev := got.events[3]; !bytes.Equal(ev.Audio, wantPCM) || ev.Text != "" {
		t.Errorf("audio event %+v", ev)
	}
	for i, ev := range got.events {
		if i != 3 && ev.Audio != nil {
			t.Errorf("event %d has audio %v", i, ev.Audio)
		}
		if ev.ID != "chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f" {
			t.Errorf("event %d id %q", i, ev.ID)
		}
	}
	if got.events[4].FinishReason != "stop" || got.events[3].FinishReason != "" {
		t.Errorf("finish reasons %q %q", got.events[3].FinishReason, got.events[4].FinishReason)
	}
	if got.events[5].Usage == nil || got.events[4].Usage != nil {
		t.Errorf("usage on the wrong events")
	}

	wantUsage := &Usage{
		PromptTokens: 415, CompletionTokens: 242, TotalTokens: 657,
		CompletionTokensDetails: &CompletionTokensDetails{AudioTokens: 191, TextTokens: 51},
		PromptTokensDetails:     &PromptTokensDetails{AudioTokens: 415},
	}
	want := &Result{ID: "chatcmpl-c22a54b8-40cc-4a1d-988b-f84cdf86868f", RequestID: "7f3e-req",
		Model: "qwen3-livetranslate-flash", FinishReason: "stop", Usage: wantUsage}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("result\n got %+v\nwant %+v", res, want)
	}
}

func TestTranslateNoStream(t *testing.T) {
	pcm := randomBytes(4801, 5)
	completion := fmt.Sprintf(`{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"qwen3-livetranslate-flash",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Good morning.","audio":{"id":"audio_1","data":%q,"expires_at":1,"transcript":"Good morning."}},"finish_reason":"stop"}],
		"usage":{"prompt_tokens":20,"completion_tokens":30,"total_tokens":50,"prompt_tokens_details":{"audio_tokens":20,"text_tokens":0,"video_tokens":null}}}`,
		base64.StdEncoding.EncodeToString(pcm))
	var gotAccept string
	var gotDoc map[string]any
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		gotAccept = r.Header.Get("Accept")
		json.NewDecoder(r.Body).Decode(&gotDoc)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, completion)
	})
	req := mediaRequest([]byte("abc"))
	req.Stream = false
	req.Audio = &AudioOutput{Voice: "Cherry"}
	var got collected
	res, err := c.Translate(context.Background(), req, got.on)
	if err != nil {
		t.Fatal(err)
	}
	if gotAccept != "application/json" || gotDoc["stream"] != false || gotDoc["stream_options"] != nil {
		t.Errorf("request: Accept %q, stream %v, stream_options %v", gotAccept, gotDoc["stream"], gotDoc["stream_options"])
	}
	if len(got.events) != 1 {
		t.Fatalf("%d events", len(got.events))
	}
	ev := got.events[0]
	if ev.Text != "Good morning." || !bytes.Equal(ev.Audio, pcm) || ev.FinishReason != "stop" || ev.Usage == nil || ev.Usage.TotalTokens != 50 {
		t.Errorf("event %+v", ev)
	}
	if res.ID != "chatcmpl-1" || res.FinishReason != "stop" || res.Usage.PromptTokensDetails.AudioTokens != 20 {
		t.Errorf("result %+v", res)
	}
}

func TestTranslateNoStreamProblems(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"no finish_reason", `{"id":"x","choices":[{"message":{"content":"hi"},"finish_reason":null}]}`, "no finish_reason"},
		{"no choices", `{"id":"x","choices":[]}`, "no choices"},
		{"truncated", `{"id":"x","choices":[{"message":{"content":"hi"`, "not valid JSON"},
		{"bad audio", `{"id":"x","choices":[{"message":{"content":"hi","audio":{"data":"!!!!"}},"finish_reason":"stop"}]}`, "not valid Base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, tt.body)
			})
			req := mediaRequest([]byte("abc"))
			req.Stream = false
			called := false
			_, err := c.Translate(context.Background(), req, func(Event) error { called = true; return nil })
			var pe *ProtocolError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a *ProtocolError containing %q", err, tt.want)
			}
			if called {
				t.Error("onEvent was called for a bad response")
			}
		})
	}
}

func TestTranslateErrorResponses(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		header      map[string]string
		body        string
		want        Error
		wantString  string
	}{
		{
			name: "401 plain JSON", status: 401, contentType: "application/json",
			body: `{"error":{"message":"Incorrect API key provided. ","type":"invalid_request_error","param":null,"code":"invalid_api_key"},"request_id":"d4dea040-7e62-9e43-857f-a723792def05"}`,
			want: Error{StatusCode: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Incorrect API key provided.",
				RequestID: "d4dea040-7e62-9e43-857f-a723792def05"},
			wantString: "HTTP 401 invalid_api_key: Incorrect API key provided. (request id d4dea040-7e62-9e43-857f-a723792def05)",
		},
		{
			name: "400 SSE-framed", status: 400, contentType: "text/event-stream",
			body: "data: {\"error\":{\"code\":\"data_inspection_failed\",\"param\":null,\"message\":\"Input data may contain inappropriate content.\",\"type\":\"data_inspection_failed\"},\"id\":\"chatcmpl-1\"}\n\n",
			want: Error{StatusCode: 400, Code: "data_inspection_failed", Type: "data_inspection_failed",
				Message: "Input data may contain inappropriate content.", RequestID: "hdr-1"},
			header:     map[string]string{"X-Request-Id": "hdr-1"},
			wantString: "HTTP 400 data_inspection_failed: Input data may contain inappropriate content. (request id hdr-1)",
		},
		{
			name: "400 data-uri limit, framed without space", status: 400, contentType: "application/json",
			body: "data:{\"error\":{\"code\":\"invalid_parameter_error\",\"param\":null,\"message\":\"Exceeded limit on max bytes per data-uri item : 10485760\",\"type\":\"invalid_request_error\"},\"request_id\":\"r-2\"}",
			want: Error{StatusCode: 400, Code: "invalid_parameter_error", Type: "invalid_request_error",
				Message: "Exceeded limit on max bytes per data-uri item : 10485760", RequestID: "r-2"},
			wantString: "HTTP 400 invalid_parameter_error: Exceeded limit on max bytes per data-uri item : 10485760 (request id r-2)",
		},
		{
			name: "400 seed with param", status: 400, contentType: "application/json",
			body:       `{"error":{"code":"invalid_value","param":"seed","message":"-1 is lesser than the minimum of 0 - 'seed'","type":"invalid_request_error"}}`,
			want:       Error{StatusCode: 400, Code: "invalid_value", Type: "invalid_request_error", Param: "seed", Message: "-1 is lesser than the minimum of 0 - 'seed'"},
			wantString: "HTTP 400 invalid_value: -1 is lesser than the minimum of 0 - 'seed' (param seed)",
		},
		{
			name: "429 with Retry-After", status: 429, contentType: "application/json",
			header: map[string]string{"Retry-After": "7"},
			body:   `{"error":{"message":"You have exceeded your current request limit.","type":"limit_requests","code":"limit_requests"}}`,
			want: Error{StatusCode: 429, Code: "limit_requests", Type: "limit_requests",
				Message: "You have exceeded your current request limit.", RetryAfter: 7 * time.Second},
			wantString: "HTTP 429 limit_requests: You have exceeded your current request limit.",
		},
		{
			name: "native DashScope shape", status: 403, contentType: "application/json",
			body:       `{"code":"AccessDenied","message":"Access denied.","request_id":"n-1"}`,
			want:       Error{StatusCode: 403, Code: "AccessDenied", Message: "Access denied.", RequestID: "n-1"},
			wantString: "HTTP 403 AccessDenied: Access denied. (request id n-1)",
		},
		{
			name: "HTML from a proxy", status: 502, contentType: "text/html; charset=utf-8",
			body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
			want: Error{StatusCode: 502,
				Message: "an HTML page instead of an API response (from a proxy or gateway?): 502 Bad Gateway"},
			wantString: "HTTP 502 Bad Gateway: an HTML page instead of an API response (from a proxy or gateway?): 502 Bad Gateway",
		},
		{
			name: "empty 503", status: 503,
			want:       Error{StatusCode: 503, Message: "empty response body (no content type)"},
			wantString: "HTTP 503 Service Unavailable: empty response body (no content type)",
		},
		{
			name: "JSON that is not an error", status: 500, contentType: "application/json", body: `{"ok":false}`,
			want:       Error{StatusCode: 500, Message: `unexpected response body (application/json): {"ok":false}`},
			wantString: `HTTP 500 Internal Server Error: unexpected response body (application/json): {"ok":false}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			called := false
			res, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), func(Event) error { called = true; return nil })
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if !reflect.DeepEqual(*ae, tt.want) {
				t.Errorf("error\n got %+v\nwant %+v", *ae, tt.want)
			}
			if err.Error() != tt.wantString {
				t.Errorf("Error()\n got %s\nwant %s", err.Error(), tt.wantString)
			}
			if res == nil || res.RequestID != tt.want.RequestID {
				t.Errorf("result %+v", res)
			}
			if called {
				t.Error("onEvent called")
			}
		})
	}
}

func TestTranslateInStreamError(t *testing.T) {
	inStream := `{"error":{"message":"Output data may contain inappropriate content.","type":"data_inspection_failed","param":null,"code":"data_inspection_failed"}}`
	c := newClient(t, streamHandler(t, sse(refTextChunk, inStream)+"data: [DONE]\n\n"))
	var got collected
	res, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), got.on)
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *Error", err)
	}
	want := Error{StatusCode: 200, InStream: true, Code: "data_inspection_failed", Type: "data_inspection_failed",
		Message: "Output data may contain inappropriate content.", RequestID: "req-123"}
	if !reflect.DeepEqual(*ae, want) {
		t.Errorf("error\n got %+v\nwant %+v", *ae, want)
	}
	if ae.Temporary() {
		t.Error("an in-stream error counted as temporary")
	}
	if wantS := "HTTP 200 (error inside the response stream) data_inspection_failed: Output data may contain inappropriate content. (request id req-123)"; err.Error() != wantS {
		t.Errorf("Error() = %s", err)
	}
	if got.text() != " of" || res.RequestID != "req-123" {
		t.Errorf("text before the error %q, result %+v", got.text(), res)
	}
}

func TestTranslateBrokenStreams(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"cut after text", sse(refTextChunk), "the stream ended before its finish_reason"},
		{"cut after usage-less text", sse(refTextChunk, refTextChunk), "the stream ended before its finish_reason"},
		{"empty stream", "", "empty response body (text/event-stream)"},
		{"DONE without finish_reason", sse(refTextChunk, "[DONE]"), "without a finish_reason"},
		{"malformed chunk", sse(refTextChunk, `{"id":"x","choices":[{"delta":{"content":"a"}`, stopChunk, "[DONE]"), "chunk 2 is not valid JSON"},
		{"cut mid-line", sse(refTextChunk) + `data: {"id":"x","choices":[{"delta":{"au`, "chunk 2 is not valid JSON"},
		{"bad Base64 audio", sse(`{"id":"x","choices":[{"delta":{"audio":{"data":"QUJD$"}}}]}`, stopChunk, "[DONE]"), "not valid Base64"},
		{"content of the wrong type", sse(`{"id":"x","choices":[{"delta":{"content":5}}]}`, stopChunk, "[DONE]"), "chunk 1 is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, streamHandler(t, tt.body))
			res, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), nil)
			var pe *ProtocolError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a *ProtocolError containing %q", err, tt.want)
			}
			if pe.RequestID != "req-123" || res.RequestID != "req-123" {
				t.Errorf("request id %q / %q", pe.RequestID, res.RequestID)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

// TestTranslateUnterminated: a stream that delivered its finish_reason is complete however it
// ends after it (no data: [DONE], no usage chunk, a cut connection, a stall), unless ctx ended.
func TestTranslateUnterminated(t *testing.T) {
	cut := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, body)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // the chunked body is never ended
		}
	}
	stall := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, body)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}
	tests := []struct {
		name         string
		h            http.HandlerFunc
		unterminated string
		usage        bool
	}{
		{"with [DONE]", streamHandler(t, sse(refTextChunk, stopChunk, refUsageChunk, "[DONE]")), "", true},
		{"no [DONE]", streamHandler(t, sse(refTextChunk, stopChunk, refUsageChunk)), "at the end of the response", true},
		{"no usage, no [DONE]", streamHandler(t, sse(refTextChunk, stopChunk)), "at the end of the response", false},
		{"cut after the finish_reason", cut(sse(refTextChunk, stopChunk)), "the connection closed in the middle of the response", false},
		{"cut after the usage", cut(sse(refTextChunk, stopChunk, refUsageChunk)), "the connection closed in the middle of the response", true},
		{"stalled after the finish_reason", stall(sse(refTextChunk, stopChunk)), "no data from the server for 100ms", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, tt.h)
			c.IdleTimeout = 100 * time.Millisecond
			c.Retry = RetryPolicy{Max: 3, Sleep: (&sleeps{}).sleep}
			var got collected
			res, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), got.on)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if res.FinishReason != "stop" || res.Unterminated != tt.unterminated || (res.Usage != nil) != tt.usage {
				t.Errorf("result %+v", res)
			}
			if got.text() != " of" {
				t.Errorf("text %q", got.text())
			}
		})
	}
	t.Run("cancelled after the finish_reason", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := newClient(t, stall(sse(refTextChunk, stopChunk)))
		_, err := c.Translate(ctx, mediaRequest([]byte("abc")), func(ev Event) error {
			if ev.FinishReason != "" {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestTranslateContentTypes(t *testing.T) {
	stream := sse(refTextChunk, stopChunk, "[DONE]")
	tests := []struct {
		name, contentType, body string
		noStream                bool
		wantErr                 string // "" = success
	}{
		{"stream without content type", "", stream, false, ""},
		{"stream as octet-stream", "application/octet-stream", stream, false, ""},
		{"HTML with 200", "text/html", "<html><body>Login required</body></html>", false, "an HTML page instead of an API response (from a proxy or gateway?): Login required"},
		{"stream as text/plain for a no-stream request", "text/plain", stream, true, ""},
		{"stream as JSON", "application/json", stream, false, ""},
		{"plain text", "text/plain", "Internal error", false, "unexpected response body (text/plain): Internal error"},
		{"empty", "", "", false, "empty response body (no content type)"},
		{"stream for a no-stream request", "text/event-stream", stream, true, ""},
		{"JSON error with 200", "application/json", `{"error":{"code":"x","message":"y"}}`, false, "HTTP 200 x: y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header()["Content-Type"] = nil // stop net/http from sniffing one
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				io.WriteString(w, tt.body)
			})
			req := mediaRequest([]byte("abc"))
			req.Stream = !tt.noStream
			var got collected
			_, err := c.Translate(context.Background(), req, got.on)
			if tt.wantErr == "" {
				if err != nil || got.text() != " of" {
					t.Fatalf("err = %v, text %q", err, got.text())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestTranslateLargeAudioLine sends one speech chunk of 5 MB of Base64 on a single line.
func TestTranslateLargeAudioLine(t *testing.T) {
	pcm := randomBytes(5<<20/4*3, 11)
	big := fmt.Sprintf(`{"id":"x","choices":[{"delta":{"content":null,"audio":{"data":%q,"id":"a","expires_at":1}},"finish_reason":null,"index":0}]}`,
		base64.StdEncoding.EncodeToString(pcm))
	c := newClient(t, streamHandler(t, sse(big, stopChunk, "[DONE]")))
	var got collected
	if _, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), got.on); err != nil {
		t.Fatal(err)
	}
	if len(got.events) != 2 || !bytes.Equal(got.events[0].Audio, pcm) {
		t.Fatalf("%d events; audio of %d bytes, want %d", len(got.events), len(got.events[0].Audio), len(pcm))
	}
}

func TestTranslateUnpaddedAudio(t *testing.T) {
	c := newClient(t, streamHandler(t, sse(`{"id":"x","choices":[{"delta":{"audio":{"data":"AAE"}}}]}`,
		`{"id":"x","choices":[{"delta":{"audio":{"data":"AgM="}}}]}`, `{"id":"x","choices":[{"delta":{"audio":{"transcript":"hi"}}}]}`, stopChunk, "[DONE]")))
	var got collected
	if _, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), got.on); err != nil {
		t.Fatal(err)
	}
	var pcm []byte
	for _, ev := range got.events {
		pcm = append(pcm, ev.Audio...)
	}
	if !bytes.Equal(pcm, []byte{0, 1, 2, 3}) || got.events[2].Audio != nil {
		t.Errorf("pcm %v; transcript-only event audio %v", pcm, got.events[2].Audio)
	}
}

func TestTranslateCallbackError(t *testing.T) {
	stop := errors.New("disk full")
	c := newClient(t, streamHandler(t, sse(zhFirstChunk, refTextChunk, stopChunk, "[DONE]")))
	n := 0
	_, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), func(Event) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Fatalf("err = %v after %d events", err, n)
	}
	var pe *ProtocolError
	if errors.As(err, &pe) {
		t.Error("a callback error passed as a protocol error")
	}
}

// TestTranslateCancelMidStream cancels while the server holds the stream open: Translate must
// return at once with an error that is context.Canceled.
func TestTranslateCancelMidStream(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, sse(refTextChunk))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Translate(ctx, mediaRequest([]byte("abc")), func(Event) error {
			cancel() // the first chunk has arrived; stop now
			return nil
		})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Translate did not return after cancellation (hang)")
	}
}

// TestTranslateCancelWhileSending cancels while the body is still being sent to a server that
// never reads it.
func TestTranslateCancelWhileSending(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
	})
	ctx, cancel := context.WithCancel(context.Background())
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Body: endless{}, Size: -1}
	done := make(chan error, 1)
	go func() {
		_, err := c.Translate(ctx, req, nil)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Translate did not return after cancellation (hang)")
	}
}

// endless is media that never ends, counting nothing.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestTranslateEarlyErrorStopsWriter: the server refuses before reading the (endless) body.
// Translate waits for its body writer before returning, so its return proves the writer ended.
func TestTranslateEarlyErrorStopsWriter(t *testing.T) {
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, `{"error":{"message":"Incorrect API key provided.","code":"invalid_api_key"}}`)
	})
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Body: endless{}, Size: -1}
	done := make(chan error, 1)
	go func() {
		_, err := c.Translate(context.Background(), req, nil)
		done <- err
	}()
	select {
	case err := <-done:
		var ae *Error
		if !errors.As(err, &ae) || ae.StatusCode != 401 {
			t.Fatalf("err = %v, want HTTP 401", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Translate did not return (body writer stuck)")
	}
}

// failingReader returns some bytes, then an error.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	clear(p[:k])
	f.n -= k
	return k, nil
}

func TestTranslateMediaReadError(t *testing.T) {
	var reached atomic.Bool
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err == nil {
			reached.Store(true) // a whole body arrived: the failure was not passed on
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, sse(stopChunk, "[DONE]"))
	})
	boom := errors.New("input/output error")
	for _, size := range []int64{-1, 200000} {
		req := baseRequest()
		req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Body: &failingReader{n: 100000, err: boom}, Size: size}
		_, err := c.Translate(context.Background(), req, nil)
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "reading media") {
			t.Errorf("size %d: err = %v, want the read error", size, err)
		}
	}
	if reached.Load() {
		t.Error("the server received a complete body despite the read error")
	}
}

// TestTranslateNeverLeaksKey: whatever the server echoes, the key is not in the error text.
func TestTranslateNeverLeaksKey(t *testing.T) {
	echoes := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"JSON error", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %[1]s","code":"invalid_api_key %[1]s","param":"%[1]s"},"request_id":"%[1]s"}`,
				strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		}},
		{"HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprintf(w, "<p>%s</p>", r.Header.Get("Authorization"))
		}},
		{"in stream", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: {\"error\":{\"message\":%q}}\n\n", r.Header.Get("Authorization"))
		}},
		{"malformed chunk", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: {%s\n\n", r.Header.Get("Authorization"))
		}},
		{"200 HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, "%s", r.Header.Get("Authorization"))
		}},
		{"request id header", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", testKey)
			w.WriteHeader(500)
		}},
	}
	for _, tt := range echoes {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, tt.h)
			_, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), nil)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(fmt.Sprintf("%+v", err), testKey) {
				t.Errorf("the key leaked: %s", err)
			}
		})
	}
	t.Run("key with a newline", func(t *testing.T) {
		c := newClient(t, streamHandler(t, ""))
		c.APIKey = testKey + "\n"
		_, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), nil)
		if err == nil || strings.Contains(err.Error(), testKey) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unreachable server", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		c := &Client{BaseURL: srv.URL, APIKey: testKey}
		_, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), nil)
		if err == nil || strings.Contains(err.Error(), testKey) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestTranslateInvalidRequest(t *testing.T) {
	called := false
	c := newClient(t, func(http.ResponseWriter, *http.Request) { called = true })
	req := mediaRequest([]byte("abc"))
	req.TargetLang = ""
	if _, err := c.Translate(context.Background(), req, nil); err == nil || !strings.Contains(err.Error(), "no target language") {
		t.Errorf("err = %v", err)
	}
	if _, err := c.Translate(context.Background(), nil, nil); err == nil {
		t.Error("nil request accepted")
	}
	if called {
		t.Error("an invalid request was sent")
	}
}

func TestErrorTemporary(t *testing.T) {
	for status, want := range map[int]bool{400: false, 401: false, 403: false, 404: false, 429: true, 500: true, 501: false, 502: true, 503: true, 504: true} {
		if got := (&Error{StatusCode: status}).Temporary(); got != want {
			t.Errorf("Temporary(%d) = %v", status, got)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 120 ":                         2 * time.Minute,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"999999999":                     24 * time.Hour,
		"Thu, 26 Nov 2026 12:00:30 GMT": 30 * time.Second,
		"Thu, 26 Nov 2026 11:00:00 GMT": 0,
	}
	for in, want := range tests {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestProtocolErrorString(t *testing.T) {
	if got := (&ProtocolError{Msg: "m", RequestID: "r"}).Error(); got != "invalid response from the service: m (request id r)" {
		t.Errorf("got %q", got)
	}
	if got := (&ProtocolError{Msg: "m"}).Error(); got != "invalid response from the service: m" {
		t.Errorf("got %q", got)
	}
}

func TestUsageAdd(t *testing.T) {
	var sum Usage
	a := Usage{PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15,
		PromptTokensDetails: &PromptTokensDetails{AudioTokens: 10}, CompletionTokensDetails: &CompletionTokensDetails{AudioTokens: 3, TextTokens: 2}}
	b := Usage{PromptTokens: 7, CompletionTokens: 1, TotalTokens: 8,
		PromptTokensDetails: &PromptTokensDetails{AudioTokens: 4, VideoTokens: 3, CachedTokens: ptr(2)}, CompletionTokensDetails: &CompletionTokensDetails{TextTokens: 1}}
	sum.Add(a)
	sum.Add(b)
	sum.Add(Usage{})
	want := Usage{PromptTokens: 17, CompletionTokens: 6, TotalTokens: 23,
		PromptTokensDetails:     &PromptTokensDetails{AudioTokens: 14, VideoTokens: 3, CachedTokens: ptr(2)},
		CompletionTokensDetails: &CompletionTokensDetails{AudioTokens: 3, TextTokens: 3}}
	if !reflect.DeepEqual(sum, want) {
		t.Errorf("sum %+v / %+v / %+v", sum, *sum.PromptTokensDetails, *sum.CompletionTokensDetails)
	}
	if a.PromptTokensDetails.AudioTokens != 10 || *b.PromptTokensDetails.CachedTokens != 2 {
		t.Error("Add changed its argument")
	}
	// The reference's usage object survives a round trip with its nulls.
	var u struct {
		Usage Usage `json:"usage"`
	}
	if err := json.Unmarshal([]byte(refUsageChunk), &u); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(u.Usage)
	if want := `{"prompt_tokens":415,"completion_tokens":242,"total_tokens":657,"completion_tokens_details":{"audio_tokens":191,"text_tokens":51,"reasoning_tokens":null,"accepted_prediction_tokens":null,"rejected_prediction_tokens":null},"prompt_tokens_details":{"audio_tokens":415,"text_tokens":0,"video_tokens":0,"cached_tokens":null}}`; string(out) != want {
		t.Errorf("round trip\n got %s\nwant %s", out, want)
	}
}
