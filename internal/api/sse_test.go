package api

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type sseGot struct {
	Type, ID, Data string
}

// readAllEvents reads every event from r, copying the data (it is only valid until Next).
func readAllEvents(r io.Reader) ([]sseGot, error) {
	s := NewSSEReader(r)
	var out []sseGot
	for {
		ev, err := s.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, sseGot{ev.Type, ev.ID, string(ev.Data)})
	}
}

// readerVariants wraps an input in readers that split it differently, down to one byte a read.
var readerVariants = map[string]func(string) io.Reader{
	"whole":   func(s string) io.Reader { return strings.NewReader(s) },
	"onebyte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
	"half":    func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	"dataerr": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
}

func TestSSEReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []sseGot
	}{
		{"one event", "data: {\"a\":1}\n\n", []sseGot{{"", "", `{"a":1}`}}},
		{"no space after colon", "data:{\"a\":1}\n\n", []sseGot{{"", "", `{"a":1}`}}},
		{"only one space removed", "data:  x\n\n", []sseGot{{"", "", " x"}}},
		{"CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", []sseGot{{"", "", "a"}, {"", "", "b"}}},
		{"comments skipped", ": keep-alive\ndata: a\n: another\n\n:\n\n", []sseGot{{"", "", "a"}}},
		{"multi-line data joined", "data: a\ndata: b\ndata\n\n", []sseGot{{"", "", "a\nb\n"}}},
		{"event and id fields", "event: error\nid: 7\ndata: x\n\ndata: y\n\n", []sseGot{{"error", "7", "x"}, {"", "7", "y"}}},
		{"event type without data is dropped", "event: ping\n\ndata: y\n\n", []sseGot{{"", "", "y"}}},
		{"unknown fields ignored", "retry: 10\nfoo: bar\ndata: z\n\n", []sseGot{{"", "", "z"}}},
		{"empty data is an event", "data:\n\n", []sseGot{{"", "", ""}}},
		{"blank lines between events", "\n\n\ndata: a\n\n\n\ndata: b\n\n", []sseGot{{"", "", "a"}, {"", "", "b"}}},
		{"last event without blank line", "data: a\n\ndata: [DONE]\n", []sseGot{{"", "", "a"}, {"", "", "[DONE]"}}},
		{"last line without newline", "data: a\n\ndata: [DONE]", []sseGot{{"", "", "a"}, {"", "", "[DONE]"}}},
		{"BOM at start", "\xEF\xBB\xBFdata: a\n\n", []sseGot{{"", "", "a"}}},
		{"BOM only at start", "data: a\n\n\xEF\xBB\xBFdata: b\n\n", []sseGot{{"", "", "a"}}},
		{"colon inside value kept", "data: {\"u\":\"http://x\"}\n\n", []sseGot{{"", "", `{"u":"http://x"}`}}},
		{"empty input", "", nil},
		{"only comments", ": a\n: b\n", nil},
	}
	for _, tt := range tests {
		for vname, mk := range readerVariants {
			t.Run(tt.name+"/"+vname, func(t *testing.T) {
				got, err := readAllEvents(mk(tt.in))
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("events = %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func TestSSEEventIsDone(t *testing.T) {
	for data, want := range map[string]bool{"[DONE]": true, " [DONE] ": true, "[DONE]x": false, "": false, `{"a":1}`: false} {
		if got := (SSEEvent{Data: []byte(data)}).IsDone(); got != want {
			t.Errorf("IsDone(%q) = %v, want %v", data, got, want)
		}
	}
}

// TestSSEReaderLongLine checks that a data line far longer than any buffer (a speech chunk can be
// megabytes) comes back whole, however the input is split.
func TestSSEReaderLongLine(t *testing.T) {
	long := strings.Repeat("QUJD", 5<<20/4) // 5 MiB of Base64
	in := ": c\ndata: " + long + "\r\n\r\ndata: next\n\n"
	for vname, mk := range readerVariants {
		t.Run(vname, func(t *testing.T) {
			got, err := readAllEvents(mk(in))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Data != long || got[1].Data != "next" {
				t.Fatalf("got %d events; first has %d bytes, want %d", len(got), len(got[0].Data), len(long))
			}
		})
	}
}

func TestSSEReaderErrorIsSticky(t *testing.T) {
	boom := errors.New("boom")
	s := NewSSEReader(io.MultiReader(strings.NewReader("data: a\n\ndata: partial"), iotest.ErrReader(boom)))
	ev, err := s.Next()
	if err != nil || string(ev.Data) != "a" {
		t.Fatalf("first event = %q, %v", ev.Data, err)
	}
	for i := 0; i < 2; i++ {
		if _, err := s.Next(); !errors.Is(err, boom) {
			t.Fatalf("call %d: err = %v, want boom", i, err)
		}
	}
}

// FuzzSSE checks that the reader never panics and that how the input is split across reads never
// changes the events.
func FuzzSSE(f *testing.F) {
	for _, s := range []string{
		"data: {\"a\":1}\n\n",
		"data:x\r\n\r\n: c\ndata: [DONE]\n\n",
		"event: e\nid: 1\ndata: a\ndata: b\n\n",
		"\xEF\xBB\xBFdata: a",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		whole, err := readAllEvents(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("error from a bytes.Reader: %v", err)
		}
		split, err := readAllEvents(iotest.OneByteReader(bytes.NewReader(in)))
		if err != nil {
			t.Fatalf("error from a OneByteReader: %v", err)
		}
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("events differ by read size:\nwhole %q\nsplit %q", whole, split)
		}
		total := 0
		for _, ev := range whole {
			total += len(ev.Data)
		}
		if total > len(in) {
			t.Fatalf("%d bytes of data from %d bytes of input", total, len(in))
		}
	})
}

// FuzzStream checks the chunk decoder on arbitrary streams: it never panics, fails only with the
// package's typed errors, and never calls a stream complete without a finish_reason.
func FuzzStream(f *testing.F) {
	f.Add([]byte(sse(refTextChunk, refAudioChunk, stopChunk, refUsageChunk, "[DONE]")))
	f.Add([]byte(sse(zhFirstChunk, zhTextChunk, `{"error":{"code":"x","message":"y"}}`)))
	f.Add([]byte(sse(`{"choices":[{"delta":{"content":["a"],"audio":{"data":"AA"}},"finish_reason":"length"}]}`, "[DONE]")))
	f.Fuzz(func(t *testing.T, in []byte) {
		var res Result
		err := readStream(bytes.NewReader(in), &res, testKey, nil, nil, nil)
		var pe *ProtocolError
		var ae *Error
		switch {
		case err == nil:
			if res.FinishReason == "" {
				t.Fatal("success without a finish_reason")
			}
		case errors.As(err, &pe), errors.As(err, &ae):
		default:
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}
