package api

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// TestOutputBound: a response that delivers more than its request's output cap can hold is
// stopped as a *ProtocolError, not retried, and what reached onEvent stays within the bound.
func TestOutputBound(t *testing.T) {
	for _, tt := range []struct {
		name      string
		maxTokens *int
		tokens    int
	}{
		{"max_tokens 100", intPtr(100), 100},
		{"the service's cap", nil, DefaultMaxOutputTokens},
		{"max_tokens under the least bound", intPtr(5), minBoundTokens},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, _, evs := emulator(t, 2)
			fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultEndless, After: 3})
			req, _ := openRequest()
			req.Sampling.MaxTokens = tt.maxTokens
			var got collected
			_, err := c.Translate(context.Background(), req, got.on)
			var pe *ProtocolError
			want := fmt.Sprintf("the response ran past its output cap (more text than %d output tokens can hold: ", tt.tokens)
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
				t.Fatalf("err = %v, want a *ProtocolError containing %q", err, want)
			}
			if n := len(got.text()); n > tt.tokens*textBytesPerToken || n < tt.tokens*textBytesPerToken-1000 {
				t.Errorf("%d bytes of text delivered, want just under %d", n, tt.tokens*textBytesPerToken)
			}
			if len(fake.Requests()) != 1 || len(evs.all()) != 0 {
				t.Errorf("%d requests, %d retries: a response past its cap is not sent again", len(fake.Requests()), len(evs.all()))
			}
		})
	}
	// Speech: 1 s chunks (48,000 bytes of PCM) without end.
	second := base64.StdEncoding.EncodeToString(make([]byte, 48000))
	speechChunk := `{"id":"x","choices":[{"delta":{"audio":{"data":"` + second + `"}},"finish_reason":null}]}`
	t.Run("endless speech", func(t *testing.T) {
		c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/event-stream")
			for r.Context().Err() == nil {
				if _, err := io.WriteString(w, sse(refTextChunk, speechChunk)); err != nil {
					return
				}
			}
		})
		var pcm int
		_, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), func(ev Event) error {
			pcm += len(ev.Audio)
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "more text and speech than 4096 output tokens can hold") {
			t.Fatalf("err = %v", err)
		}
		if limit := DefaultMaxOutputTokens * speechBytesPerToken; pcm > limit || pcm < limit-8*48000 { // the text counts too
			t.Errorf("%d bytes of speech delivered, want just under %d", pcm, limit)
		}
	})
	// The whole cap in speech, and a little more (the real service may run past it), passes.
	t.Run("a full response", func(t *testing.T) {
		const seconds = 340 // 4,250 tokens at 12.5 a second
		c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/event-stream")
			for range seconds {
				io.WriteString(w, sse(refTextChunk, speechChunk))
			}
			io.WriteString(w, sse(stopChunk, "[DONE]"))
		})
		var pcm int
		if _, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), func(ev Event) error {
			pcm += len(ev.Audio)
			return nil
		}); err != nil || pcm != seconds*48000 {
			t.Fatalf("err = %v, %d bytes of speech", err, pcm)
		}
	})
	t.Run("not streamed", func(t *testing.T) {
		body := `{"id":"x","choices":[{"message":{"content":"` + strings.Repeat("a", 64*textBytesPerToken+1) + `"},"finish_reason":"stop"}]}`
		c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		})
		req := mediaRequest([]byte("abc"))
		req.Stream, req.Sampling.MaxTokens = false, intPtr(64)
		_, err := c.Translate(context.Background(), req, nil)
		if err == nil || !strings.Contains(err.Error(), "more text than 64 output tokens can hold") {
			t.Fatalf("err = %v", err)
		}
	})
}

func intPtr(n int) *int { return &n }

// TestSSEReaderLimits: an event longer than MaxEvent (in one long line, or in many data lines)
// ends the stream with ErrEventTooLong; OnData is called for data, not for comments, other
// fields or empty data lines.
func TestSSEReaderLimits(t *testing.T) {
	for _, in := range []string{
		"data: " + strings.Repeat("a", 100<<10) + "\n\n", // longer than the reader's buffer
		"data: " + strings.Repeat("a", 2000) + "\n\n",
		strings.Repeat("data: "+strings.Repeat("a", 100)+"\n", 50) + "\n",
	} {
		s := NewSSEReader(strings.NewReader("data: ok\n\n" + in + "data: after\n\n"))
		s.MaxEvent = 1024
		if ev, err := s.Next(); err != nil || string(ev.Data) != "ok" {
			t.Fatalf("first event %q, %v", ev.Data, err)
		}
		if _, err := s.Next(); !errors.Is(err, ErrEventTooLong) {
			t.Errorf("err = %v, want ErrEventTooLong", err)
		}
	}
	calls := 0
	s := NewSSEReader(strings.NewReader(": keep-alive\n\n: more\ndata:\nevent: x\nid: 3\n\ndata: a\n\n: c\n\ndata: " + strings.Repeat("b", 200<<10) + "\n\n"))
	s.OnData = func() { calls++ }
	if ev, err := s.Next(); err != nil || string(ev.Data) != "" {
		t.Fatalf("event %q, %v", ev.Data, err)
	}
	if calls != 0 {
		t.Errorf("%d calls for comments, fields and an empty data line", calls)
	}
	if ev, err := s.Next(); err != nil || string(ev.Data) != "a" || calls != 1 {
		t.Fatalf("event %q, %v, %d calls", ev.Data, err, calls)
	}
	if ev, err := s.Next(); err != nil || len(ev.Data) != 200<<10 || calls < 3 {
		t.Fatalf("long event of %d bytes, %v, %d calls: each piece of a long data line counts", len(ev.Data), err, calls)
	}
}

// TestIdleTimeoutComments: keep-alive comments do not keep a stalled stream alive: with or
// without output delivered, the attempt ends at the idle timeout.
func TestIdleTimeoutComments(t *testing.T) {
	for _, after := range []int{0, 2} {
		t.Run(fmt.Sprint("after ", after), func(t *testing.T) {
			c, fake, _, evs := emulator(t, 1)
			c.IdleTimeout = 200 * time.Millisecond
			fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultComments, After: after})
			req, _ := openRequest()
			done := make(chan error, 1)
			go func() {
				_, err := c.Translate(context.Background(), req, nil)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("comments kept the stream alive")
			}
			var ie *IdleTimeoutError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), "no data from the server for 200ms") {
				t.Fatalf("err = %v", err)
			}
			retries := 1 // before output, retried (and the fault strikes again)
			if after > 0 {
				retries = 0
			}
			if len(evs.all()) != retries {
				t.Errorf("%d retries, want %d", len(evs.all()), retries)
			}
		})
	}
}
