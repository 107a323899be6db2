package api

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// wavBytes is a 16 kHz mono 16-bit WAV of n samples: media the emulator accepts.
func wavBytes(n int) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(16000))
	le(uint32(32000))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(i % 1000))
	}
	return b.Bytes()
}

// opener is re-openable media that counts its openings and closings.
type opener struct {
	data           []byte
	opened, closed atomic.Int32
}

func (o *opener) open() (io.ReadCloser, error) {
	o.opened.Add(1)
	return &countedCloser{Reader: bytes.NewReader(o.data), closed: &o.closed}, nil
}

type countedCloser struct {
	io.Reader
	closed *atomic.Int32
}

func (c *countedCloser) Close() error {
	c.closed.Add(1)
	return nil
}

// openRequest is a valid request for the emulator whose media is re-openable.
func openRequest() (*Request, *opener) {
	o := &opener{data: wavBytes(1600)}
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Open: o.open, Size: int64(len(o.data))}
	return req, o
}

// sleeps records the waits of a RetryPolicy without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// retryEvents records OnRetry calls.
type retryEvents struct {
	mu sync.Mutex
	ev []RetryEvent
}

func (r *retryEvents) on(e RetryEvent) {
	r.mu.Lock()
	r.ev = append(r.ev, e)
	r.mu.Unlock()
}

func (r *retryEvents) all() []RetryEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RetryEvent(nil), r.ev...)
}

// emulator starts the project's emulator and returns a client of it with max retries that do
// not wait (their waits are recorded), a transport of its own, and the emulator.
func emulator(t *testing.T, max int) (*Client, *fakeapi.Server, *sleeps, *retryEvents) {
	t.Helper()
	fake := fakeapi.New(fakeapi.Options{APIKey: testKey, NoProbe: true})
	srv := httptest.NewServer(fake)
	tr := &http.Transport{}
	t.Cleanup(func() {
		srv.Close()
		tr.CloseIdleConnections()
	})
	sl, evs := &sleeps{}, &retryEvents{}
	c := &Client{
		BaseURL: srv.URL + "/compatible-mode/v1", APIKey: testKey, HTTP: &http.Client{Transport: tr},
		Retry: RetryPolicy{Max: max, Sleep: sl.sleep, OnRetry: evs.on, Rand: func() float64 { return 0.5 }},
	}
	return c, fake, sl, evs
}

// cleanText is the emulator's full translation of openRequest's media.
func cleanText(t *testing.T) string {
	t.Helper()
	c, _, _, _ := emulator(t, 0)
	req, _ := openRequest()
	var got collected
	if _, err := c.Translate(context.Background(), req, got.on); err != nil {
		t.Fatal(err)
	}
	if got.text() == "" {
		t.Fatal("the emulator sent no text")
	}
	return got.text()
}

func TestRetryAfter429(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter func() string
		min, max   time.Duration
	}{
		{"seconds", func() string { return "7" }, 7 * time.Second, 7 * time.Second},
		// An HTTP date has whole seconds: 30 s from now is 29 to 30 s away once parsed.
		{"HTTP date", func() string { return time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat) }, 28 * time.Second, 30 * time.Second},
		{"capped", func() string { return "86400" }, MaxRetryAfter, MaxRetryAfter},
	}
	want := cleanText(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, sl, evs := emulator(t, 3)
			fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 429, RetryAfter: tt.retryAfter(), Times: 1})
			req, media := openRequest()
			var got collected
			res, err := c.Translate(context.Background(), req, got.on)
			if err != nil {
				t.Fatal(err)
			}
			if got.text() != want || res.FinishReason != "stop" {
				t.Errorf("text %q, finish %q", got.text(), res.FinishReason)
			}
			waits := sl.waits()
			if len(waits) != 1 || waits[0] < tt.min || waits[0] > tt.max {
				t.Fatalf("waits %v, want one in [%v, %v]", waits, tt.min, tt.max)
			}
			ev := evs.all()
			if len(ev) != 1 || ev[0].Attempt != 2 || ev[0].Attempts != 4 || ev[0].Wait != waits[0] || ev[0].Reason != "HTTP 429 limit_requests" {
				t.Fatalf("OnRetry events %+v", ev)
			}
			var ae *Error
			if !errors.As(ev[0].Err, &ae) || ae.StatusCode != 429 {
				t.Errorf("event error %v", ev[0].Err)
			}
			if n := len(fake.Requests()); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
			if media.opened.Load() != 2 || media.closed.Load() != 2 {
				t.Errorf("media opened %d times, closed %d, want 2 and 2", media.opened.Load(), media.closed.Load())
			}
		})
	}
}

func TestRetryServerErrorsThenSuccess(t *testing.T) {
	want := cleanText(t)
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, fake, sl, evs := emulator(t, 3)
			fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: status, Times: 2})
			req, media := openRequest()
			var got collected
			if _, err := c.Translate(context.Background(), req, got.on); err != nil {
				t.Fatal(err)
			}
			if got.text() != want {
				t.Errorf("text %q", got.text())
			}
			// Full jitter with Rand 0.5: half of 1 s, then half of 2 s.
			if w := sl.waits(); len(w) != 2 || w[0] != 500*time.Millisecond || w[1] != time.Second {
				t.Errorf("waits %v", w)
			}
			for i, e := range evs.all() {
				if e.Attempt != i+2 || !strings.HasPrefix(e.Reason, fmt.Sprintf("HTTP %d ", status)) {
					t.Errorf("event %d: %+v", i, e)
				}
			}
			if media.opened.Load() != 3 || media.closed.Load() != 3 {
				t.Errorf("media opened %d times, closed %d", media.opened.Load(), media.closed.Load())
			}
		})
	}
}

// TestRetryClassification runs every fault of the emulator on every attempt, with two retries
// allowed: each is retried to exhaustion or not at all, and ends in a one-line error of the
// right type that names what was wrong.
func TestRetryClassification(t *testing.T) {
	type check func(t *testing.T, err error)
	isError := func(status int) check {
		return func(t *testing.T, err error) {
			var ae *Error
			if !errors.As(err, &ae) || ae.StatusCode != status {
				t.Errorf("err = %v, want *Error with HTTP %d", err, status)
			}
		}
	}
	isProtocol := func(t *testing.T, err error) {
		var pe *ProtocolError
		if !errors.As(err, &pe) {
			t.Errorf("err = %v (%T), want a *ProtocolError", err, err)
		}
	}
	isBroken := func(t *testing.T, err error) {
		var be *BrokenStreamError
		if !errors.As(err, &be) || be.RequestID == "" {
			t.Errorf("err = %v (%T), want a *BrokenStreamError with a request id", err, err)
		}
	}
	isIdle := func(t *testing.T, err error) {
		var ie *IdleTimeoutError
		if !errors.As(err, &ie) || ie.Idle != 50*time.Millisecond {
			t.Errorf("err = %v (%T), want an *IdleTimeoutError", err, err)
		}
	}
	tests := []struct {
		name     string
		fault    fakeapi.Fault
		attempts int    // requests the server saw
		wantErr  string // in the error; "" for success
		check    check
	}{
		{"429", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 429, RetryAfter: "1"}, 3, "after 3 attempts: HTTP 429 limit_requests: Requests rate limit exceeded", isError(429)},
		{"500", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 500}, 3, "after 3 attempts: HTTP 500 internal_error", isError(500)},
		{"502", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 502}, 3, "after 3 attempts: HTTP 502 bad_gateway", isError(502)},
		{"503", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503}, 3, "after 3 attempts: HTTP 503 model_unavailable", isError(503)},
		{"504", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 504}, 3, "after 3 attempts: HTTP 504 request_timeout", isError(504)},
		{"501", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 501}, 1, "HTTP 501 internal_error", isError(501)},
		{"400", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 400}, 1, "HTTP 400 invalid_parameter_error", isError(400)},
		{"401", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 401}, 1, "HTTP 401 invalid_api_key", isError(401)},
		{"403", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 403}, 1, "HTTP 403 access_denied", isError(403)},
		{"404", fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 404}, 1, "HTTP 404 model_not_found", isError(404)},
		{"reset before headers", fakeapi.Fault{Kind: fakeapi.FaultReset}, 3, "after 3 attempts: sending the request: ", nil},
		{"break before output", fakeapi.Fault{Kind: fakeapi.FaultBreak}, 3, "after 3 attempts: reading the response: unexpected EOF", nil},
		{"break after output", fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 2}, 1,
			"the stream broke after text was printed: the connection closed in the middle of the response; not retried, to avoid printing it twice (request id ", isBroken},
		{"stall before output", fakeapi.Fault{Kind: fakeapi.FaultStall}, 3, "after 3 attempts: reading the response: no data from the server for 50ms", isIdle},
		{"stall after output", fakeapi.Fault{Kind: fakeapi.FaultStall, After: 3}, 1,
			"the stream broke after text was printed: no data from the server for 50ms; not retried", isBroken},
		{"no [DONE]", fakeapi.Fault{Kind: fakeapi.FaultNoDone}, 1, "", nil},
		{"cut after the finish_reason", fakeapi.Fault{Kind: fakeapi.FaultNoUsage}, 1, "", nil},
		{"malformed chunk", fakeapi.Fault{Kind: fakeapi.FaultMalformed}, 1, "invalid response from the service: chunk 1 is not valid JSON", isProtocol},
		{"malformed chunk after output", fakeapi.Fault{Kind: fakeapi.FaultMalformed, After: 2}, 1, "is not valid JSON", isProtocol},
		{"error inside the 200 stream", fakeapi.Fault{Kind: fakeapi.FaultInStreamError}, 1,
			"HTTP 200 (error inside the response stream) data_inspection_failed: Output data may contain inappropriate content.", isError(200)},
		{"SSE-framed error on a 400", fakeapi.Fault{Kind: fakeapi.FaultSSEError400}, 1,
			"HTTP 400 data_inspection_failed: Input data may contain inappropriate content.", isError(400)},
		{"HTML from a gateway", fakeapi.Fault{Kind: fakeapi.FaultHTML}, 3,
			"after 3 attempts: HTTP 502 Bad Gateway: an HTML page instead of an API response (from a proxy or gateway?): 502 Bad Gateway", isError(502)},
		{"HTML 403 from a gateway", fakeapi.Fault{Kind: fakeapi.FaultHTML, Status: 403}, 1, "HTTP 403 Forbidden: an HTML page instead of an API response", isError(403)},
		{"empty 200", fakeapi.Fault{Kind: fakeapi.FaultEmpty}, 3, "after 3 attempts: invalid response from the service: empty response body (text/event-stream)", isProtocol},
		{"finish_reason length", fakeapi.Fault{Kind: fakeapi.FaultLength}, 1, "", nil},
		{"huge line", fakeapi.Fault{Kind: fakeapi.FaultHugeLine, After: 1}, 1, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, _, evs := emulator(t, 2)
			// Short for the stalls; generous for the rest, where it must not fire (the emulator
			// takes a while to build a huge line, under -race longer still).
			c.IdleTimeout = 10 * time.Second
			if tt.fault.Kind == fakeapi.FaultStall {
				c.IdleTimeout = 50 * time.Millisecond
			}
			var trace []string
			c.Trace = func(s string) { trace = append(trace, s) }
			fake.SetFault(tt.fault)
			req, media := openRequest()
			req.Audio = &AudioOutput{Voice: "Cherry"}
			done := make(chan struct{})
			var err error
			go func() {
				defer close(done)
				_, err = c.Translate(context.Background(), req, nil)
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Translate hangs")
			}
			if n := len(fake.Requests()); n != tt.attempts {
				t.Errorf("%d requests, want %d", n, tt.attempts)
			}
			if len(evs.all()) != tt.attempts-1 {
				t.Errorf("%d OnRetry calls for %d attempts", len(evs.all()), tt.attempts)
			}
			if int(media.opened.Load()) != tt.attempts || media.closed.Load() != media.opened.Load() {
				t.Errorf("media opened %d times, closed %d", media.opened.Load(), media.closed.Load())
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v\nwant one containing %q", err, tt.wantErr)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error spans lines: %q", err)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(strings.Join(trace, "\n"), testKey) {
				t.Error("the key leaked into the error or the trace")
			}
			if tt.attempts > 1 && !strings.Contains(err.Error(), fmt.Sprintf("after %d attempts: ", tt.attempts)) {
				t.Errorf("the error does not count the attempts: %v", err)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
			for _, e := range evs.all() {
				if e.Reason == "" || strings.ContainsAny(e.Reason, "\r\n") || e.Err == nil {
					t.Errorf("retry event %+v", e)
				}
			}
		})
	}
}

func TestBrokenAfterOutputRestartable(t *testing.T) {
	want := cleanText(t)
	t.Run("reset and retried", func(t *testing.T) {
		c, fake, _, evs := emulator(t, 2)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 2, Times: 1})
		req, _ := openRequest()
		var got collected
		var partial string
		resets := 0
		res, err := c.TranslateRestartable(context.Background(), req, got.on, func() error {
			resets++
			partial = got.text()
			got.events = nil
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if resets != 1 || partial == "" || !strings.HasPrefix(want, partial) || partial == want {
			t.Errorf("%d resets; partial output %q", resets, partial)
		}
		if got.text() != want || res.FinishReason != "stop" {
			t.Errorf("text after the restart %q", got.text())
		}
		if e := evs.all(); len(e) != 1 || e[0].Reason != "the connection closed in the middle of the response" {
			t.Errorf("retry events %+v", e)
		}
	})
	t.Run("reset fails", func(t *testing.T) {
		c, fake, _, _ := emulator(t, 2)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 2, Times: 1})
		req, _ := openRequest()
		_, err := c.TranslateRestartable(context.Background(), req, nil, func() error { return errors.New("disk full") })
		if err == nil || !strings.Contains(err.Error(), "discarding partial output before a retry: disk full") {
			t.Fatalf("err = %v", err)
		}
		if n := len(fake.Requests()); n != 1 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("without retries the plain error", func(t *testing.T) {
		c, fake, _, _ := emulator(t, 0)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 2, Times: 1})
		req, _ := openRequest()
		_, err := c.Translate(context.Background(), req, nil)
		var be *BrokenStreamError
		if err == nil || errors.As(err, &be) || !strings.Contains(err.Error(), "unexpected EOF") {
			t.Fatalf("err = %v; with no retries allowed, the break itself is the error", err)
		}
	})
	t.Run("not reset when nothing was delivered", func(t *testing.T) {
		c, fake, _, _ := emulator(t, 2)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503, Times: 1})
		req, _ := openRequest()
		resets := 0
		if _, err := c.TranslateRestartable(context.Background(), req, nil, func() error { resets++; return nil }); err != nil {
			t.Fatal(err)
		}
		if resets != 0 {
			t.Errorf("%d resets", resets)
		}
	})
}

// TestIdleTimeout: the limit applies to silence from the server, after the body was sent or
// the headers came; a slow upload and a slow but steady stream are not silence.
func TestIdleTimeout(t *testing.T) {
	const idle = 50 * time.Millisecond
	t.Run("stall retried", func(t *testing.T) {
		c, fake, _, evs := emulator(t, 1)
		c.IdleTimeout = idle
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStall, Times: 1})
		req, _ := openRequest()
		if _, err := c.Translate(context.Background(), req, nil); err != nil {
			t.Fatal(err)
		}
		if e := evs.all(); len(e) != 1 || e[0].Reason != "no data from the server for 50ms" {
			t.Errorf("retry events %+v", e)
		}
	})
	t.Run("no headers", func(t *testing.T) {
		c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		})
		c.IdleTimeout = idle
		_, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), nil)
		var ie *IdleTimeoutError
		if !errors.As(err, &ie) || err.Error() != "waiting for the response: no data from the server for 50ms" {
			t.Fatalf("err = %v", err)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			t.Error("an idle timeout passed as the end of ctx")
		}
	})
	t.Run("slow steady stream", func(t *testing.T) {
		c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/event-stream")
			for range 12 {
				io.WriteString(w, sse(refTextChunk))
				w.(http.Flusher).Flush()
				time.Sleep(100 * time.Millisecond)
			}
			io.WriteString(w, sse(stopChunk, "[DONE]"))
		})
		// Under the whole (1.2 s), eight times each gap: a busy machine's scheduling stalls of a
		// few hundred milliseconds (seen in CI-like runs at load 5) do not end it.
		c.IdleTimeout = 800 * time.Millisecond
		if _, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("slow upload", func(t *testing.T) {
		c := newClient(t, streamHandler(t, sse(refTextChunk, stopChunk, "[DONE]")))
		c.IdleTimeout = idle
		req := baseRequest()
		data := make([]byte, 8<<10)
		req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
			return io.NopCloser(&slowReader{r: bytes.NewReader(data), delay: idle / 2, chunk: 1 << 10}), nil
		}}
		if _, err := c.Translate(context.Background(), req, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// slowReader returns at most chunk bytes a read, each after delay.
type slowReader struct {
	r     io.Reader
	delay time.Duration
	chunk int
}

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.delay)
	return s.r.Read(p[:min(len(p), s.chunk)])
}

func TestOverallDeadline(t *testing.T) {
	t.Run("stalled stream", func(t *testing.T) {
		c, fake, _, _ := emulator(t, 3)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStall, After: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := openRequest()
		_, err := c.Translate(ctx, req, nil)
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want DeadlineExceeded", err)
		}
		if !strings.HasPrefix(err.Error(), "the request exceeded its timeout while reading the response") {
			t.Errorf("message %q", err)
		}
		if n := len(fake.Requests()); n != 1 {
			t.Errorf("%d requests after the deadline", n)
		}
	})
	t.Run("no headers", func(t *testing.T) {
		c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := c.Translate(ctx, mediaRequest([]byte("abc")), nil)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "the request exceeded its timeout while sending the request") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a wait past the deadline is not begun", func(t *testing.T) {
		c, fake, sl, _ := emulator(t, 3)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 429, RetryAfter: "60"})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, _ := openRequest()
		_, err := c.Translate(ctx, req, nil)
		var ae *Error
		if !errors.As(err, &ae) || ae.StatusCode != 429 || !strings.HasSuffix(err.Error(), "; not retried: the next attempt, in 60s, would pass the deadline") {
			t.Fatalf("err = %v", err)
		}
		if len(sl.waits()) != 0 || len(fake.Requests()) != 1 {
			t.Errorf("waits %v, %d requests", sl.waits(), len(fake.Requests()))
		}
	})
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		c, fake, _, _ := emulator(t, 3)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503})
		c.Retry.Sleep = nil // the real timer, cancelled below
		c.Retry.Base = time.Hour
		ctx, cancel := context.WithCancel(context.Background())
		c.Retry.OnRetry = func(RetryEvent) { cancel() }
		req, _ := openRequest()
		_, err := c.Translate(ctx, req, nil)
		if !errors.Is(err, context.Canceled) || err.Error() != "waiting to send the request: context canceled" {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestThrottleShared: a 429 to one client makes another, sharing the Throttle, wait before its
// first attempt, while the first is still waiting.
func TestThrottleShared(t *testing.T) {
	a, fake, sleepsA, _ := emulator(t, 1)
	b := *a
	b.Retry = RetryPolicy{}
	sleepsB := &sleeps{}
	b.Retry.Sleep = sleepsB.sleep
	shared := &Throttle{}
	a.Throttle, b.Throttle = shared, shared

	held := make(chan struct{})
	release := make(chan struct{})
	a.Retry.OnRetry = func(RetryEvent) { close(held) }
	a.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		sleepsA.sleep(ctx, d)
		<-release // a is still waiting while b starts
		return nil
	}
	fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 429, RetryAfter: "5", Times: 1})

	var wg sync.WaitGroup
	var errA, errB error
	wg.Add(2)
	go func() {
		defer wg.Done()
		req, _ := openRequest()
		_, errA = a.Translate(context.Background(), req, nil)
	}()
	go func() {
		defer wg.Done()
		defer close(release)
		<-held
		req, _ := openRequest()
		_, errB = b.Translate(context.Background(), req, nil)
	}()
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("errors %v / %v", errA, errB)
	}
	if w := sleepsA.waits(); len(w) != 1 || w[0] != 5*time.Second {
		t.Errorf("a waited %v", w)
	}
	if w := sleepsB.waits(); len(w) != 1 || w[0] <= 4*time.Second || w[0] > 5*time.Second {
		t.Errorf("b waited %v, want just under 5s", w)
	}
	if until := time.Until(shared.NotBefore()); until <= 4*time.Second || until > 5*time.Second {
		t.Errorf("the throttle is held for %v", until)
	}
	// Only a 429 holds the throttle.
	var fresh Throttle
	a.Throttle = &fresh
	a.Retry.Sleep = (&sleeps{}).sleep
	a.Retry.OnRetry = nil
	fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503, Times: 1})
	req, _ := openRequest()
	if _, err := a.Translate(context.Background(), req, nil); err != nil || !fresh.NotBefore().IsZero() {
		t.Errorf("err %v; a 503 held the throttle until %v", err, fresh.NotBefore())
	}
}

func TestThrottleHold(t *testing.T) {
	var th Throttle
	if !th.NotBefore().IsZero() {
		t.Fatal("a new Throttle holds")
	}
	now := time.Now()
	th.Hold(now.Add(time.Minute))
	th.Hold(now.Add(time.Second)) // earlier: no change
	if got := th.NotBefore(); !got.Equal(now.Add(time.Minute)) {
		t.Errorf("NotBefore %v", got)
	}
}

// TestBodyOnlyMedia: a Body is read once, so a request is retried only if it failed before the
// body was read.
func TestBodyOnlyMedia(t *testing.T) {
	t.Run("read, then not retried", func(t *testing.T) {
		c, fake, _, _ := emulator(t, 3)
		fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503})
		req := baseRequest()
		data := wavBytes(1600)
		req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Body: bytes.NewReader(data), Size: int64(len(data))}
		_, err := c.Translate(context.Background(), req, nil)
		var ae *Error
		if !errors.As(err, &ae) || ae.StatusCode != 503 || strings.Contains(err.Error(), "attempts") {
			t.Fatalf("err = %v", err)
		}
		if n := len(fake.Requests()); n != 1 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("connection refused, retried", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		evs := &retryEvents{}
		c := &Client{BaseURL: srv.URL, APIKey: testKey, Retry: RetryPolicy{Max: 2, Sleep: (&sleeps{}).sleep, OnRetry: evs.on}}
		body := &failingReader{n: 10, err: errors.New("read")} // would fail the request if read
		req := baseRequest()
		req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Body: body, Size: -1}
		_, err := c.Translate(context.Background(), req, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "after 3 attempts: sending the request: ") || !strings.HasSuffix(err.Error(), "connection refused") {
			t.Fatalf("err = %v", err)
		}
		if e := evs.all(); len(e) != 2 || e[0].Reason != "connection refused" {
			t.Errorf("retry events %+v", e)
		}
		if body.n != 10 {
			t.Error("the body was read")
		}
	})
}

func TestMediaOpen(t *testing.T) {
	data := randomBytes(1000, 5)
	o := &opener{data: data}
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "mp3", Open: o.open, Size: int64(len(data))}
	var buf bytes.Buffer
	if err := req.WriteBody(&buf); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != req.BodySize() || o.opened.Load() != 1 || o.closed.Load() != 1 {
		t.Errorf("body %d bytes (BodySize %d); opened %d, closed %d", buf.Len(), req.BodySize(), o.opened.Load(), o.closed.Load())
	}
	if _, uri := decodeBody(t, buf.Bytes()); !strings.HasPrefix(uri, "data:audio/mp3;base64,") {
		t.Errorf("uri %.40s", uri)
	}

	both := *req
	both.Media.Body = bytes.NewReader(data)
	if err := both.WriteBody(io.Discard); err == nil || !strings.Contains(err.Error(), "both Body and Open") {
		t.Errorf("Body and Open: %v", err)
	}
	withURL := *req
	withURL.Media.URL = "https://example.com/a.mp3"
	if err := withURL.WriteBody(io.Discard); err == nil || !strings.Contains(err.Error(), "both a URL and a body") {
		t.Errorf("URL and Open: %v", err)
	}

	// A failure to open is the media's, not the network's: not retried.
	c, fake, _, _ := emulator(t, 3)
	boom := errors.New("permission denied")
	failing := baseRequest()
	failing.Media = Media{Kind: Audio, Format: "wav", Size: -1, Open: func() (io.ReadCloser, error) { return nil, boom }}
	_, err := c.Translate(context.Background(), failing, nil)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "opening media: ") {
		t.Errorf("err = %v", err)
	}
	if n := len(fake.Requests()); n > 1 {
		t.Errorf("%d requests", n)
	}
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{Rand: func() float64 { return 0.5 }}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second, 15 * time.Second, 15 * time.Second}
	for i, w := range want {
		if got := p.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	p = RetryPolicy{Base: 100 * time.Millisecond, MaxDelay: 250 * time.Millisecond, Rand: func() float64 { return 0.999 }}
	if got := p.backoff(100); got < 249*time.Millisecond || got > 250*time.Millisecond {
		t.Errorf("capped backoff %v", got)
	}
	p.Rand = func() float64 { return 7 } // out of range: treated as 0.5
	if got := p.backoff(1); got != 50*time.Millisecond {
		t.Errorf("backoff with a broken Rand %v", got)
	}
	p.Rand = nil
	for range 100 {
		if got := p.backoff(2); got < 0 || got >= 200*time.Millisecond {
			t.Fatalf("jittered backoff %v out of [0, 200ms)", got)
		}
	}
}

func TestRetryEventString(t *testing.T) {
	for _, tt := range []struct {
		ev   RetryEvent
		want string
	}{
		{RetryEvent{Attempt: 2, Attempts: 4, Wait: 7 * time.Second, Reason: "HTTP 429 limit_requests"}, "retrying in 7s (attempt 2 of 4): HTTP 429 limit_requests"},
		{RetryEvent{Attempt: 3, Attempts: 4, Wait: 1340 * time.Millisecond, Reason: "connection reset"}, "retrying in 1.3s (attempt 3 of 4): connection reset"},
		{RetryEvent{Attempt: 2, Attempts: 2, Wait: 250400 * time.Microsecond, Reason: "x"}, "retrying in 250ms (attempt 2 of 2): x"},
		{RetryEvent{Attempt: 2, Attempts: 2, Wait: 5 * time.Minute, Reason: "x"}, "retrying in 300s (attempt 2 of 2): x"},
	} {
		if got := tt.ev.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestRedactedHeader(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+testKey)
	h.Set("Proxy-Authorization", "Basic dXNlcjpwYXNz")
	h.Add("Set-Cookie", "a=1")
	h.Add("Set-Cookie", "b=2")
	h.Set("X-Api-Key", testKey)
	h.Set("Content-Type", "application/json")
	got := RedactedHeader(h)
	want := http.Header{
		"Authorization":       {"Bearer [redacted]"},
		"Proxy-Authorization": {"Basic [redacted]"},
		"Set-Cookie":          {"[redacted]", "[redacted]"},
		"X-Api-Key":           {"[redacted]"},
		"Content-Type":        {"application/json"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if h.Get("Authorization") != "Bearer "+testKey {
		t.Error("RedactedHeader changed its argument")
	}
	if RedactedHeader(http.Header{"Authorization": {testKey}}).Get("Authorization") != "[redacted]" {
		t.Error("a bare key was not redacted")
	}
	if RedactedHeader(nil) != nil {
		t.Error("nil in, non-nil out")
	}
}

func TestTrace(t *testing.T) {
	c, fake, _, _ := emulator(t, 1)
	var lines []string
	c.Trace = func(s string) { lines = append(lines, s) }
	fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 503, Times: 1})
	req, _ := openRequest()
	if _, err := c.Translate(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	ids := fake.Requests()
	if len(lines) != 4 || len(ids) != 2 {
		t.Fatalf("%d trace lines, %d requests:\n%s", len(lines), len(ids), strings.Join(lines, "\n"))
	}
	wantParts := [][]string{
		{"request (attempt 1): POST " + c.BaseURL + "/chat/completions", fmt.Sprintf("Content-Length: %d", req.BodySize()), "Authorization: Bearer [redacted]", "Accept: text/event-stream", "Content-Type: application/json"},
		{"response after ", "HTTP 503 Service Unavailable (request id " + ids[0].RequestID + ", content length ", "X-Request-Id: " + ids[0].RequestID},
		{"request (attempt 2): POST "},
		{"HTTP 200 OK (request id " + ids[1].RequestID + ", content length unknown)", "Content-Type: text/event-stream"},
	}
	for i, parts := range wantParts {
		for _, p := range parts {
			if !strings.Contains(lines[i], p) {
				t.Errorf("line %d lacks %q:\n%s", i, p, lines[i])
			}
		}
	}
	for _, l := range lines {
		if strings.Contains(l, testKey) || strings.ContainsAny(l, "\r\n") {
			t.Errorf("bad trace line %q", l)
		}
	}

	// A failed connection is one line too, and the key stays out of it even in the URL.
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	lines = nil
	c = &Client{BaseURL: strings.Replace(srv.URL, "://", "://user:"+testKey+"@", 1), APIKey: testKey, Trace: func(s string) { lines = append(lines, s) }}
	_, err := c.Translate(context.Background(), mediaRequest([]byte("abc")), nil)
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Errorf("err = %v", err)
	}
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "no response after ") {
		t.Fatalf("trace %q", lines)
	}
	for _, l := range lines {
		if strings.Contains(l, testKey) {
			t.Errorf("the key leaked: %q", l)
		}
	}
}

// TestNoGoroutineLeak runs requests that end every way there is and checks that nothing they
// started outlives them: body writers, idle timers, and connections whose response body was
// not closed (the server stays up, so only the client can end those).
func TestNoGoroutineLeak(t *testing.T) {
	fake := fakeapi.New(fakeapi.Options{APIKey: testKey, NoProbe: true})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &Client{BaseURL: srv.URL, APIKey: testKey, HTTP: &http.Client{Transport: tr}, IdleTimeout: 50 * time.Millisecond,
		Retry: RetryPolicy{Max: 1, Sleep: (&sleeps{}).sleep}}
	before := runtime.NumGoroutine()

	faults := []fakeapi.Fault{
		{}, {Kind: fakeapi.FaultStatus, Status: 429, RetryAfter: "1"}, {Kind: fakeapi.FaultReset},
		{Kind: fakeapi.FaultBreak, After: 1}, {Kind: fakeapi.FaultStall}, {Kind: fakeapi.FaultStall, After: 2},
		{Kind: fakeapi.FaultMalformed}, {Kind: fakeapi.FaultInStreamError}, {Kind: fakeapi.FaultEmpty},
		{Kind: fakeapi.FaultNoDone}, {Kind: fakeapi.FaultHTML},
	}
	for _, f := range faults {
		if f.Kind == "" {
			fake.ClearFaults()
		} else {
			fake.SetFault(f)
		}
		req, _ := openRequest()
		c.Translate(context.Background(), req, nil)
	}
	// Timed out while the stream stalls, cancelled mid-stream, stopped by onEvent.
	fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStall, After: 1})
	c.IdleTimeout = 0
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	req, _ := openRequest()
	c.Translate(ctx, req, nil)
	cancel()
	ctx, cancel = context.WithCancel(context.Background())
	req, _ = openRequest()
	c.Translate(ctx, req, func(Event) error { cancel(); return nil })
	fake.ClearFaults()
	req, _ = openRequest()
	c.Translate(context.Background(), req, func(Event) error { return errors.New("stop") })

	tr.CloseIdleConnections()
	after := runtime.NumGoroutine()
	for i := 0; i < 200 && after > before; i++ {
		time.Sleep(10 * time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func TestTransportReason(t *testing.T) {
	for _, tt := range []struct {
		err       error
		reason    string
		transient bool
	}{
		{fmt.Errorf("x: %w", io.ErrUnexpectedEOF), "the connection closed in the middle of the response", true},
		{io.EOF, "the connection closed before a response", true},
		{errors.New(`Post "http://x": http: server closed idle connection`), "the server closed an idle connection", true},
		{&IdleTimeoutError{Idle: time.Minute}, "no data from the server for 60s", true},
		{errors.New("unsupported protocol scheme \"ftp\""), "unsupported protocol scheme \"ftp\"", false},
	} {
		reason, transient := transportReason(tt.err)
		if reason != tt.reason || transient != tt.transient {
			t.Errorf("transportReason(%v) = %q, %v", tt.err, reason, transient)
		}
	}
}
