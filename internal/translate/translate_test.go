package translate

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/cache"
	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

const key = "sk-translate-test"

// writeWAV writes a silent 16 kHz mono WAV of n samples.
func writeWAV(t *testing.T, path string, n int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+2*n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(16000), uint32(32000), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(2*n))
	b.Write(make([]byte, 2*n))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func parts(t *testing.T, n int) []Part {
	dir := t.TempDir()
	var ps []Part
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("seg%d.wav", i))
		samples := 16000 * (i + 1)
		writeWAV(t, p, samples)
		ps = append(ps, Part{Index: i, Segment: true, Start: time.Duration(i) * time.Second, End: time.Duration(i+1) * time.Second,
			Path: p, Kind: api.Audio, Format: "wav", MIME: "audio/wav", Size: int64(44 + 2*samples)})
	}
	return ps
}

// TestSegmentsJoinInOrder translates five segments three at a time, with the emulator pacing
// chunks so they interleave, and checks the sink got each segment's text and speech whole and in
// source order, with one request per segment.
func TestSegmentsJoinInOrder(t *testing.T) {
	emu := fakeapi.New(fakeapi.Options{APIKey: key, ChunkDelay: 2 * time.Millisecond, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	r := &Runner{Client: &api.Client{BaseURL: srv.URL + "/compatible-mode/v1", APIKey: key}}
	var mu sync.Mutex
	var sent []Sent
	r.OnSent = func(s Sent) { mu.Lock(); sent = append(sent, s); mu.Unlock() }

	var text strings.Builder
	var audio int
	sink := Sink{Text: func(s string) error { text.WriteString(s); return nil },
		Audio: func(b []byte) error { audio += len(b); return nil }}
	ps := parts(t, 5)
	res, err := joined(r, context.Background(), ps, Settings{Model: "qwen3-livetranslate-flash", TargetLang: "en", Voice: "Cherry", Stream: true, Jobs: 3}, sink)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(text.String(), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines of text, want 5:\n%s", len(lines), text.String())
	}
	for i, l := range lines {
		want := fmt.Sprintf("of %d.0 seconds of wav audio (%d bytes", i+1, ps[i].Size)
		if !strings.Contains(l, want) {
			t.Errorf("line %d = %q, want it to contain %q", i, l, want)
		}
		if !regexp.MustCompile(`^Hello from the livetranslate emulator\. .*\)\.$`).MatchString(l) {
			t.Errorf("line %d is not one whole translation: %q", i, l)
		}
	}
	// 20 words a segment, 0.25 s of 24 kHz 16-bit speech each.
	if want := 5 * 20 * 12000; audio != want {
		t.Errorf("speech bytes %d, want %d", audio, want)
	}
	if len(emu.Requests()) != 5 || len(sent) != 5 {
		t.Errorf("%d requests, %d recorded; want 5", len(emu.Requests()), len(sent))
	}
	if len(res.Parts) != 5 || res.Usage == nil || res.Usage.CompletionTokens == 0 || res.FinishReason != "stop" {
		t.Errorf("result %+v", res)
	}
	var sum int
	for _, p := range res.Parts {
		sum += p.Usage.TotalTokens
	}
	if sum != res.Usage.TotalTokens {
		t.Errorf("summed usage %d, parts add to %d", res.Usage.TotalTokens, sum)
	}
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "livetranslate-segment-*.pcm")); len(left) > 0 {
		t.Errorf("held speech left behind: %v", left)
	}
}

// TestSegmentFailureFailsInput makes one segment fail: the input fails, naming the segment.
func TestSegmentFailureFailsInput(t *testing.T) {
	emu := fakeapi.New(fakeapi.Options{APIKey: key, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	ps := parts(t, 3)
	ps[1].Format = "mp3" // the emulator refuses a WAV declared as MP3
	r := &Runner{Client: &api.Client{BaseURL: srv.URL + "/compatible-mode/v1", APIKey: key}}
	_, err := joined(r, context.Background(), ps, Settings{Model: "qwen3-livetranslate-flash", TargetLang: "en", Stream: true, Jobs: 1},
		Sink{Text: func(string) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "segment 2 (0:01–0:02)") || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("err = %v", err)
	}
}

// TestEachKeepsPartsApart translates four parts three at a time into a sink each: every sink gets
// its own part's whole translation and speech, nothing of another's, and done is called once
// per part, after that part's output is complete.
func TestEachKeepsPartsApart(t *testing.T) {
	emu := fakeapi.New(fakeapi.Options{APIKey: key, ChunkDelay: time.Millisecond, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	r := &Runner{Client: &api.Client{BaseURL: srv.URL + "/compatible-mode/v1", APIKey: key}}
	ps := parts(t, 4)
	texts := make([]strings.Builder, len(ps))
	audio := make([]int, len(ps))
	var mu sync.Mutex
	var done []int
	sinkFor := func(i int) Sink {
		return Sink{Text: func(s string) error { texts[i].WriteString(s); return nil },
			Audio: func(b []byte) error { audio[i] += len(b); return nil }}
	}
	res, err := r.Send(context.Background(), List(ps), Settings{Model: "qwen3-livetranslate-flash", TargetLang: "en", Voice: "Cherry", Stream: true, Jobs: 3},
		sinkFor, func(i int) error {
			mu.Lock()
			defer mu.Unlock()
			if !strings.HasSuffix(texts[i].String(), ").") {
				t.Errorf("done(%d) before its text was complete: %q", i, texts[i].String())
			}
			done = append(done, i)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ps {
		want := fmt.Sprintf("of %d.0 seconds of wav audio (%d bytes", i+1, ps[i].Size)
		if got := texts[i].String(); !strings.Contains(got, want) || strings.Count(got, "Hello") != 1 || strings.Contains(got, "\n") {
			t.Errorf("part %d text %q, want one translation containing %q", i, got, want)
		}
		if audio[i] != 20*12000 {
			t.Errorf("part %d speech %d bytes, want %d", i, audio[i], 20*12000)
		}
	}
	if len(done) != len(ps) || len(res.Parts) != len(ps) {
		t.Errorf("done called for %v, %d results; want each of %d parts once", done, len(res.Parts), len(ps))
	}
}

// TestEachStopsOnDoneError: an error from done fails the whole, naming the segment.
func TestEachStopsOnDoneError(t *testing.T) {
	emu := fakeapi.New(fakeapi.Options{APIKey: key, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	r := &Runner{Client: &api.Client{BaseURL: srv.URL + "/compatible-mode/v1", APIKey: key}}
	_, err := r.Send(context.Background(), List(parts(t, 3)), Settings{Model: "qwen3-livetranslate-flash", TargetLang: "en", Stream: true, Jobs: 1},
		func(int) Sink { return Sink{Text: func(string) error { return nil }} },
		func(i int) error {
			if i == 1 {
				return fmt.Errorf("disk full")
			}
			return nil
		})
	if err == nil || !strings.Contains(err.Error(), "segment 2 ") || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
}

// TestOrderedGrowsWhileHolding: parts of a streamed input arrive one by one, so the join grows
// while a later part's text is held; the held text survives the growth and comes out in order.
func TestOrderedGrowsWhileHolding(t *testing.T) {
	var out strings.Builder
	j := NewOrdered(0, Sink{Text: func(s string) error { out.WriteString(s); return nil }}, "|", t.TempDir())
	defer j.Close()
	first := j.Sink(0)
	second := j.Sink(1)
	if err := second.Text("b1"); err != nil { // held: part 0 has not finished
		t.Fatal(err)
	}
	for i := 2; i < 40; i++ { // the parts slice grows several times
		j.Sink(i)
	}
	if err := second.Text("b2"); err != nil {
		t.Fatal(err)
	}
	if err := first.Text("a"); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if err := j.Finish(i); err != nil {
			t.Fatal(err)
		}
	}
	if got := out.String(); got != "a|b1b2" {
		t.Errorf("joined %q, want %q", got, "a|b1b2")
	}
}

// TestOrderedHoldAll: with HoldAll every part, the first too, reaches the sink whole once it has
// finished, End following each in source order; a part is reset while held, even the first.
func TestOrderedHoldAll(t *testing.T) {
	var out strings.Builder
	sink := Sink{
		Text: func(s string) error { out.WriteString("[" + s + "]"); return nil },
		End:  func(i int) error { fmt.Fprintf(&out, "end%d ", i); return nil },
	}
	j := NewOrdered(0, sink, "", t.TempDir())
	j.HoldAll = true
	defer j.Close()
	s0, s1, s2 := j.Sink(0), j.Sink(1), j.Sink(2)
	for _, step := range []func() error{
		func() error { return s0.Text("a") },
		func() error { return s0.Reset() }, // a broken stream, retried from the start
		func() error { return s0.Text("A") },
		func() error { return s0.Text("A") },
		func() error { return s2.Text("C") },
		func() error { return j.Finish(2) },
		func() error { return s1.Text("B") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != 0 {
		t.Fatalf("the sink got %q before any part finished", out.String())
	}
	if err := j.Finish(0); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "[AA]end0 " {
		t.Fatalf("after part 0: %q", got)
	}
	if err := j.Finish(1); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "[AA]end0 [B]end1 [C]end2 "; got != want {
		t.Errorf("joined %q, want %q", got, want)
	}
}

// TestOrderedFirstPartReset: the first part writes to the sink from its start, so it is reset
// with the sink's own Reset, and has no Reset when the sink has none.
func TestOrderedFirstPartReset(t *testing.T) {
	var out strings.Builder
	text := func(s string) error { out.WriteString(s); return nil }
	if r := NewOrdered(0, Sink{Text: text}, "|", "").Sink(0).Reset; r != nil {
		t.Error("the first part of a sink that cannot be reset has a Reset")
	}
	resets := 0
	j := NewOrdered(0, Sink{Text: text, Reset: func() error { resets++; out.Reset(); return nil }}, "|", "")
	first := j.Sink(0)
	for _, step := range []func() error{
		func() error { return first.Text("x") },
		first.Reset,
		func() error { return first.Text("a") },
		func() error { return j.Sink(1).Text("b") },
		func() error { return j.Finish(0) },
		func() error { return j.Finish(1) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if got := out.String(); got != "a|b" || resets != 1 {
		t.Errorf("joined %q after %d resets, want %q after 1", got, resets, "a|b")
	}
	if err := first.Reset(); err == nil {
		t.Error("the first part was reset after the next had written")
	}
}

// joined translates parts into sink in source order, a newline between their text, as the
// pipeline sends the segments of a long input.
func joined(r *Runner, ctx context.Context, parts []Part, s Settings, sink Sink) (*Result, error) {
	j := NewOrdered(0, sink, "\n", "")
	defer j.Close()
	return r.Send(ctx, List(parts), s, j.Sink, j.Finish)
}

// TestCacheThatCannotStoreNeverFailsARequest: the cache's directory goes away while an answer
// with speech is kept: the answer arrives whole, the failure to keep it is reported once, and
// the next request is sent without the cache trying again.
func TestCacheThatCannotStoreNeverFailsARequest(t *testing.T) {
	emu := fakeapi.New(fakeapi.Options{APIKey: key, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	var reported []error
	store := &cache.Store{Dir: filepath.Join(t.TempDir(), "results"), OnStoreError: func(err error) { reported = append(reported, err) }}
	r := &Runner{Client: &api.Client{BaseURL: srv.URL + "/compatible-mode/v1", APIKey: key}, Cache: store}
	s := Settings{Model: "qwen3-livetranslate-flash", TargetLang: "en", Voice: "Cherry", Stream: true, Jobs: 1}
	for i, p := range parts(t, 2) {
		var text strings.Builder
		var audio int
		sink := Sink{Text: func(s string) error {
			os.RemoveAll(store.Dir) // the answer's speech is being kept in there
			text.WriteString(s)
			return nil
		}, Audio: func(b []byte) error { audio += len(b); return nil }}
		p.Segment = false
		res, err := joined(r, context.Background(), []Part{p}, s, sink)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if res.FinishReason != "stop" || !strings.HasPrefix(text.String(), "Hello from the livetranslate emulator.") || audio != 20*12000 {
			t.Errorf("request %d: %q, %d bytes of speech, finish %q; want the whole answer", i, text.String(), audio, res.FinishReason)
		}
	}
	if len(reported) != 1 {
		t.Errorf("reported %v; want one failure", reported)
	}
	if n := len(emu.Requests()); n != 2 {
		t.Errorf("%d requests sent, want 2", n)
	}
	if _, err := os.Stat(store.Dir); !os.IsNotExist(err) {
		t.Errorf("the cache tried again after it failed: %s is there (%v)", store.Dir, err)
	}
}
