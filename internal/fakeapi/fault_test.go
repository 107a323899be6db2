package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// faultRequest is a small valid request body.
func faultRequest(t *testing.T, stream bool) []byte {
	req := baseRequest(dataURL("audio/wav", wavFile(16000, 1600)))
	if !stream {
		req["stream"] = false
		delete(req, "stream_options")
	}
	return mustJSON(t, req)
}

// send posts without failing the test on transport errors.
func send(t *testing.T, ctx context.Context, url string, body []byte) (response, error) {
	t.Helper()
	req := mustRequest(t, "POST", url+"/chat/completions", body)
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b, Err: rerr}, nil
}

func TestFaults(t *testing.T) {
	const fullWords = 20
	for _, tc := range []struct {
		name  string
		fault Fault
		check func(t *testing.T, r response, err error)
	}{
		{"status 429 with Retry-After", Fault{Kind: FaultStatus, Status: 429, RetryAfter: "2"}, func(t *testing.T, r response, err error) {
			checkError(t, r, 429, "limit_requests", "Requests rate limit exceeded, please try again later.", "")
			if r.Header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
			}
		}},
		{"status 500 default", Fault{Kind: FaultStatus}, func(t *testing.T, r response, err error) {
			checkError(t, r, 500, "internal_error", "An internal error has occured, please try again later or contact service support.", "")
		}},
		{"status 503 custom", Fault{Kind: FaultStatus, Status: 503, Code: "ModelServingError", Message: "Too many requests."}, func(t *testing.T, r response, err error) {
			checkError(t, r, 503, "ModelServingError", "Too many requests.", "")
		}},
		{"status 502", Fault{Kind: FaultStatus, Status: 502}, func(t *testing.T, r response, err error) {
			checkError(t, r, 502, "bad_gateway", "Bad gateway, please try again later.", "")
		}},
		{"status 504", Fault{Kind: FaultStatus, Status: 504}, func(t *testing.T, r response, err error) {
			checkError(t, r, 504, "request_timeout", "Request timed out, please try again later.", "")
		}},
		{"reset", Fault{Kind: FaultReset}, func(t *testing.T, r response, err error) {
			if err == nil {
				t.Errorf("got a response: %d %s", r.Status, r.Body)
			}
		}},
		{"break", Fault{Kind: FaultBreak, After: 3}, func(t *testing.T, r response, err error) {
			if err != nil || r.Status != 200 || !errors.Is(r.Err, io.ErrUnexpectedEOF) {
				t.Fatalf("err %v status %d body error %v", err, r.Status, r.Err)
			}
			if s := summarize(t, events(t, r.Body)); s.Words != 3 || s.Finish != "" || s.Done {
				t.Errorf("before the break: %+v", s)
			}
		}},
		{"malformed", Fault{Kind: FaultMalformed, After: 2}, func(t *testing.T, r response, err error) {
			evs := events(t, r.Body)
			if !strings.HasPrefix(evs[2], `{"id":"chatcmpl-`) || json.Valid([]byte(evs[2])) {
				t.Errorf("third event is %q", evs[2])
			}
			if s := summarize(t, evs); s.Malformed != 1 || s.Words != fullWords || !s.Done {
				t.Errorf("stream %+v", s)
			}
		}},
		{"nodone", Fault{Kind: FaultNoDone}, func(t *testing.T, r response, err error) {
			evs := events(t, r.Body)
			if s := summarize(t, evs); s.Done || !s.Usage || s.Finish != "stop" || s.Words != fullWords {
				t.Errorf("stream %+v", s)
			}
			if !strings.Contains(evs[len(evs)-1], `"usage"`) {
				t.Errorf("last event %q", evs[len(evs)-1])
			}
		}},
		{"nousage", Fault{Kind: FaultNoUsage}, func(t *testing.T, r response, err error) {
			if err != nil || r.Status != 200 || !errors.Is(r.Err, io.ErrUnexpectedEOF) {
				t.Fatalf("err %v status %d body error %v", err, r.Status, r.Err)
			}
			if s := summarize(t, events(t, r.Body)); s.Done || s.Usage || s.Finish != "stop" || s.Words != fullWords {
				t.Errorf("stream %+v", s)
			}
		}},
		{"instream-error", Fault{Kind: FaultInStreamError, After: 2}, func(t *testing.T, r response, err error) {
			evs := events(t, r.Body)
			s := summarize(t, evs)
			if r.Status != 200 || s.Words != 2 || s.Error != "data_inspection_failed" || s.Done || s.Finish != "" {
				t.Errorf("stream %+v", s)
			}
			want := `{"error":{"message":"Output data may contain inappropriate content.","type":"data_inspection_failed","param":null,"code":"data_inspection_failed"},"id":"chatcmpl-`
			if !strings.HasPrefix(evs[len(evs)-1], want) {
				t.Errorf("last event %q", evs[len(evs)-1])
			}
		}},
		{"length", Fault{Kind: FaultLength, After: 4}, func(t *testing.T, r response, err error) {
			if s := summarize(t, events(t, r.Body)); s.Words != 4 || s.Finish != "length" || !s.Done || s.Text != "Hello from the livetranslate" {
				t.Errorf("stream %+v", s)
			}
		}},
		{"length half", Fault{Kind: FaultLength}, func(t *testing.T, r response, err error) {
			if s := summarize(t, events(t, r.Body)); s.Words != fullWords/2 || s.Finish != "length" {
				t.Errorf("stream %+v", s)
			}
		}},
		{"hugeline", Fault{Kind: FaultHugeLine, After: 1}, func(t *testing.T, r response, err error) {
			evs := events(t, r.Body)
			if len(evs[1]) < 5<<20 {
				t.Errorf("second event is %d bytes", len(evs[1]))
			}
			if s := summarize(t, evs); s.AudioBytes != hugeWords*12000 || s.Words != fullWords || !s.Done {
				t.Errorf("stream %+v", s)
			}
		}},
		{"sse-error-400", Fault{Kind: FaultSSEError400}, func(t *testing.T, r response, err error) {
			if r.Status != 400 || r.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("status %d %q", r.Status, r.Header.Get("Content-Type"))
			}
			body := strings.TrimSuffix(string(r.Body), "\n\n")
			data, ok := strings.CutPrefix(body, "data: ")
			var e wireError
			if !ok || json.Unmarshal([]byte(data), &e) != nil || e.Error.Code != "data_inspection_failed" || e.RequestID == "" {
				t.Errorf("body %q", r.Body)
			}
		}},
		{"html", Fault{Kind: FaultHTML}, func(t *testing.T, r response, err error) {
			if r.Status != 502 || r.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(r.Body), "<h1>502 Bad Gateway</h1>") {
				t.Errorf("%d %q %s", r.Status, r.Header.Get("Content-Type"), r.Body)
			}
		}},
		{"empty", Fault{Kind: FaultEmpty}, func(t *testing.T, r response, err error) {
			if r.Status != 200 || len(r.Body) != 0 || r.Err != nil || r.Header.Get("Content-Type") != "text/event-stream" {
				t.Errorf("%d %q %q %v", r.Status, r.Header.Get("Content-Type"), r.Body, r.Err)
			}
		}},
		{"unknown kind", Fault{Kind: "gremlins"}, func(t *testing.T, r response, err error) {
			if r.Status != 500 || !strings.Contains(string(r.Body), `unknown fault kind \"gremlins\"`) {
				t.Errorf("%d %s", r.Status, r.Body)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, url := newTestServer(t, Options{NoProbe: true})
			s.SetFault(Fault{Kind: tc.fault.Kind, Status: tc.fault.Status, Code: tc.fault.Code, Message: tc.fault.Message,
				RetryAfter: tc.fault.RetryAfter, After: tc.fault.After, Times: 1})
			r, err := send(t, context.Background(), url, faultRequest(t, true))
			tc.check(t, r, err)
			// Times: 1 used the fault up; the next request is answered well.
			r, err = send(t, context.Background(), url, faultRequest(t, true))
			if err != nil || r.Status != 200 {
				t.Fatalf("after the fault: %v %d %s", err, r.Status, r.Body)
			}
			if s := summarize(t, events(t, r.Body)); s.Words != fullWords || !s.Done || s.Finish != "stop" {
				t.Errorf("after the fault: %+v", s)
			}
		})
	}
}

func TestFaultStall(t *testing.T) {
	s, url := newTestServer(t, Options{NoProbe: true})
	s.SetFault(Fault{Kind: FaultStall, After: 2})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := mustRequest(t, "POST", url+"/chat/completions", faultRequest(t, true))
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got bytes.Buffer
	readDone := make(chan error, 1)
	go func() {
		_, err := io.Copy(&got, resp.Body)
		readDone <- err
	}()
	select {
	case err := <-readDone:
		t.Fatalf("a stalled stream ended: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	cancel()
	if err := <-readDone; err == nil {
		t.Error("reading a cancelled stall succeeded")
	}
	if s := summarize(t, events(t, got.Bytes())); s.Words != 2 {
		t.Errorf("before the stall: %+v", s)
	}
}

// TestFaultEndlessAndComments: "endless" sends text without end, "comments" only keep-alive
// comments; both until the client goes away. Each is read for a while, then left.
func TestFaultEndlessAndComments(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		check func(t *testing.T, body []byte)
	}{
		{FaultEndless, func(t *testing.T, body []byte) {
			evs := events(t, body[:bytes.LastIndex(body, []byte("\n\n"))+2])
			s := summarize(t, evs)
			// Two words, then the whole text (20 words) again and again.
			if s.Finish != "" || s.Done || s.Usage || s.Words < 500 {
				t.Errorf("stream: %d words, finish %q, done %t, usage %t", s.Words, s.Finish, s.Done, s.Usage)
			}
			if !strings.HasPrefix(s.Text, "Hello from Hello from the livetranslate emulator.") || strings.Count(s.Text, "). Hello from the livetranslate emulator.") < 500 {
				t.Errorf("the text does not repeat: %.300q", s.Text)
			}
		}},
		{FaultComments, func(t *testing.T, body []byte) {
			head, tail, _ := bytes.Cut(body, []byte(": keep-alive\n\n"))
			if s := summarize(t, events(t, head)); s.Words != 2 || s.Finish != "" {
				t.Errorf("before the comments: %+v", s)
			}
			if rest := bytes.ReplaceAll(tail, []byte(": keep-alive\n\n"), nil); len(rest) > 0 && !bytes.HasPrefix([]byte(": keep-alive\n\n"), rest) {
				t.Errorf("after the first comment, more than comments: %q", rest)
			}
		}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			s, url := newTestServer(t, Options{NoProbe: true})
			s.SetFault(Fault{Kind: tc.kind, After: 2})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req := mustRequest(t, "POST", url+"/chat/completions", faultRequest(t, true))
			resp, err := http.DefaultClient.Do(req.WithContext(ctx))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			// Enough to see each fault for what it is: 200 KB of endless text, or a few comments.
			want := int64(200 << 10)
			if tc.kind == FaultComments {
				want = 600
			}
			body, err := io.ReadAll(io.LimitReader(resp.Body, want))
			if err != nil || int64(len(body)) != want {
				t.Fatalf("read %d bytes: %v", len(body), err)
			}
			cancel()
			tc.check(t, body)
		})
	}
}

// TestLimit: with SetLimit, requests beyond InFlight at once are refused with 429 (and the
// limit's Retry-After), admitted ones answered after Hold; a zero Limit lifts it.
func TestLimit(t *testing.T) {
	s, url := newTestServer(t, Options{NoProbe: true})
	s.SetLimit(Limit{InFlight: 2, Hold: 300 * time.Millisecond, RetryAfter: "1"})
	const n = 5
	results := make(chan response, n)
	for range n {
		go func() {
			r, err := send(t, context.Background(), url, faultRequest(t, true))
			if err != nil {
				r.Status = -1
			}
			results <- r
		}()
	}
	got := map[int]int{}
	for range n {
		r := <-results
		got[r.Status]++
		if r.Status == 429 {
			checkError(t, r, 429, "limit_requests", "Requests rate limit exceeded, please try again later.", "")
			if r.Header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
			}
		}
	}
	// Five at once against a hold of 300 ms: two answered, three refused (a request that came
	// after an admitted one had ended would be answered too, hence at least two).
	if got[200] < 2 || got[200]+got[429] != n {
		t.Errorf("statuses %v, want at least 2 answered and the rest refused with 429", got)
	}
	s.SetLimit(Limit{})
	for range 3 {
		if r, err := send(t, context.Background(), url, faultRequest(t, true)); err != nil || r.Status != 200 {
			t.Fatalf("without a limit: %v %d", err, r.Status)
		}
	}
}

func TestFaultTimesAndClear(t *testing.T) {
	s, url := newTestServer(t, Options{NoProbe: true})
	statuses := func(n int) []int {
		var out []int
		for range n {
			r, err := send(t, context.Background(), url, faultRequest(t, true))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r.Status)
		}
		return out
	}
	s.SetFault(Fault{Kind: FaultStatus, Status: 503, Times: 2})
	// An invalid request is refused as usual and does not use the fault up.
	if r, _ := send(t, context.Background(), url, []byte(`{"model":"qwen3-livetranslate-flash"}`)); r.Status != 400 {
		t.Errorf("invalid request: %d", r.Status)
	}
	if got := statuses(3); got[0] != 503 || got[1] != 503 || got[2] != 200 {
		t.Errorf("Times 2: %v", got)
	}
	s.SetFault(Fault{Kind: FaultStatus, Status: 429})
	if got := statuses(3); got[0] != 429 || got[2] != 429 {
		t.Errorf("Times 0: %v", got)
	}
	s.ClearFaults()
	if got := statuses(1); got[0] != 200 {
		t.Errorf("cleared: %v", got)
	}
}

func TestFaultsWithoutStreaming(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		check func(t *testing.T, r response)
	}{
		{FaultBreak, func(t *testing.T, r response) {
			if r.Err == nil {
				t.Errorf("body read fully: %s", r.Body)
			}
		}},
		{FaultMalformed, func(t *testing.T, r response) {
			if r.Status != 200 || r.Err != nil || json.Valid(r.Body) || len(r.Body) == 0 {
				t.Errorf("%d %v %s", r.Status, r.Err, r.Body)
			}
		}},
		{FaultInStreamError, func(t *testing.T, r response) {
			if r.Status != 200 || !strings.HasPrefix(string(r.Body), `{"error":{"message":"Output data may contain inappropriate content."`) {
				t.Errorf("%d %s", r.Status, r.Body)
			}
		}},
		{FaultLength, func(t *testing.T, r response) {
			if !strings.Contains(string(r.Body), `"finish_reason":"length"`) {
				t.Errorf("%s", r.Body)
			}
		}},
		{FaultEmpty, func(t *testing.T, r response) {
			if r.Status != 200 || len(r.Body) != 0 || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%d %q", r.Status, r.Body)
			}
		}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			s, url := newTestServer(t, Options{NoProbe: true})
			s.SetFault(Fault{Kind: tc.kind})
			r, err := send(t, context.Background(), url, faultRequest(t, false))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
		})
	}
}

// Every fault kind has its line in the package documentation.
func TestFaultKindsAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range FaultKinds() {
		if !strings.Contains(string(doc), "\n//\t"+k+" ") {
			t.Errorf("fault kind %q is not documented in doc.go", k)
		}
	}
}
