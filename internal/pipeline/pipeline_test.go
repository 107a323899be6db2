package pipeline

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/cache"
	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/split"
)

// wholeTranslation is the emulator's English translation of a WAV of secs seconds sent whole.
func wholeTranslation(t *testing.T, path string, secs float64) string {
	sum, size := fileHash(t, path)
	return fmt.Sprintf("%s%.1f seconds of wav audio (%d bytes, sha256 %s).", greeting, secs, size, sum[:8])
}

// TestWholeWAV sends a short WAV whole: the sink gets the emulator's text and one End, the
// Result describes the request, the ledger gets one ok row naming the file's content, and
// Result.Text holds the text only when KeepText asks for it.
func TestWholeWAV(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("KeepText=%v", keep), func(t *testing.T) {
			e := newEnv(t)
			e.p.Settings.Request.SourceLang = "fr"
			var estimated []string
			e.p.Estimate = func(model, kind string, u *api.Usage) (float64, string, bool) {
				estimated = append(estimated, model+" "+kind)
				return 0.5, "USD", u != nil
			}
			path := writeWAV(t, t.TempDir(), "one.wav", toneAt(time.Second))
			sink := &logSink{}
			res, err := e.run(t, path, Output{Sink: sink, Files: []string{"out.txt", "out.wav"}, KeepText: keep})
			if err != nil {
				t.Fatal(err)
			}
			sum, size := fileHash(t, path)
			want := fmt.Sprintf("Hello from the livetranslate emulator. This is the French to English translation of 1.0 seconds of wav audio (%d bytes, sha256 %s).", size, sum[:8])
			if got := sink.text(); got != want {
				t.Errorf("sink text\n got %q\nwant %q", got, want)
			}
			if ends := sink.ends(); len(ends) != 1 || ends[0] != (Part{Index: 0}) {
				t.Errorf("End calls %+v, want one with Part{Index: 0}", ends)
			}
			if last := sink.events[len(sink.events)-1]; !last.end {
				t.Errorf("the last call on the sink is Text(%q), not End", last.text)
			}

			reqs := e.emu.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			req := reqs[0]
			if req.Format != "wav" || req.MediaBytes != size || req.MediaSHA256 != sum || req.TargetLang != "en" || req.SourceLang != "fr" {
				t.Errorf("request %+v: want the file itself as wav, fr to en", req)
			}
			if req.Voice != "" || len(req.Modalities) != 1 {
				t.Errorf("no Audio in Output, yet the request asked for speech: voice %q, modalities %v", req.Voice, req.Modalities)
			}

			if res.Input != path || res.Kind != "audio" || res.InputFormat != "wav" || res.Model != testModel ||
				res.TargetLanguage != "en" || res.SourceLanguage == nil || *res.SourceLanguage != "fr" {
				t.Errorf("result %+v", res)
			}
			if res.RequestID != req.RequestID || res.RequestID == "" || !strings.Contains(res.ID, req.RequestID) {
				t.Errorf("result request_id %q, id %q; the emulator answered %q", res.RequestID, res.ID, req.RequestID)
			}
			if res.FinishReason != "stop" {
				t.Errorf("finish_reason %q, want stop", res.FinishReason)
			}
			words := len(strings.Fields(want))
			if res.Usage == nil || res.Usage.CompletionTokens != words || res.Usage.PromptTokens == 0 ||
				res.Usage.TotalTokens != res.Usage.PromptTokens+res.Usage.CompletionTokens {
				t.Errorf("usage %+v, want %d completion tokens (one a word)", res.Usage, words)
			}
			if res.Segments != nil {
				t.Errorf("an input sent whole lists segments: %+v", res.Segments)
			}
			if res.EstimatedCost == nil || *res.EstimatedCost != 0.5 || res.Currency != "USD" || len(estimated) != 1 || estimated[0] != testModel+" audio" {
				t.Errorf("estimate %v %q, Estimate called with %v", res.EstimatedCost, res.Currency, estimated)
			}
			if res.ElapsedSeconds <= 0 {
				t.Errorf("elapsed_seconds %v", res.ElapsedSeconds)
			}
			if keep && res.Text != want {
				t.Errorf("KeepText: Result.Text %q, want %q", res.Text, want)
			}
			if !keep && res.Text != "" {
				t.Errorf("without KeepText, Result.Text is %q, want empty", res.Text)
			}

			rows := e.rec.all()
			if len(rows) != 1 {
				t.Fatalf("%d ledger rows, want 1: %+v", len(rows), rows)
			}
			row := rows[0]
			if row.Status != ledger.StatusOK || row.InputSHA256 != sum || row.InputSize != size || row.Segment != 0 ||
				row.Input != path || row.Kind != "audio" || row.Model != testModel || row.SourceLang != "fr" || row.TargetLang != "en" ||
				row.Modalities != "text" || row.Voice != "" || row.RequestID != req.RequestID || row.Outputs != "out.txt,out.wav" {
				t.Errorf("ledger row %+v", row)
			}
			if row.End.Before(row.Start) || row.Start.IsZero() {
				t.Errorf("ledger row times %v – %v", row.Start, row.End)
			}
			if u := e.rec.usages[0]; u == nil || !reflect.DeepEqual(u, res.Usage) {
				t.Errorf("ledger usage %+v, want the result's %+v", u, res.Usage)
			}
			if w := e.logs.warnings(); len(w) != 0 {
				t.Errorf("warnings: %q", w)
			}
		})
	}
}

// TestSpeech asks for speech: the request carries the voice and Output.Audio gets every byte of
// PCM the emulator sent; without Audio no voice is sent, and speech arriving anyway fails the
// input as a protocol error.
func TestSpeech(t *testing.T) {
	t.Run("with Audio", func(t *testing.T) {
		e := newEnv(t)
		path := writeWAV(t, t.TempDir(), "speech.wav", toneAt(2*time.Second))
		sink, audio := &logSink{}, &countWriter{}
		res, err := e.run(t, path, Output{Sink: sink, Audio: audio})
		if err != nil {
			t.Fatal(err)
		}
		if want := wholeTranslation(t, path, 2); sink.text() != want {
			t.Errorf("text %q, want %q", sink.text(), want)
		}
		words := len(strings.Fields(sink.text()))
		if got, want := audio.count(), words*wordSpeech; got != want {
			t.Errorf("%d bytes of speech, want %d (%d words × %d)", got, want, words, wordSpeech)
		}
		req := e.emu.Requests()[0]
		if req.Voice != "Cherry" || strings.Join(req.Modalities, ",") != "text,audio" {
			t.Errorf("request voice %q, modalities %v", req.Voice, req.Modalities)
		}
		rows := e.rec.all()
		if len(rows) != 1 || rows[0].Voice != "Cherry" || rows[0].Modalities != "text,audio" {
			t.Errorf("ledger rows %+v", rows)
		}
		if res.Usage == nil || res.Usage.CompletionTokens <= words {
			t.Errorf("usage %+v: speech tokens not counted", res.Usage)
		}
	})
	t.Run("without Audio", func(t *testing.T) {
		e := newEnv(t)
		path := writeWAV(t, t.TempDir(), "speech.wav", toneAt(time.Second))
		if _, err := e.run(t, path, Output{Sink: &logSink{}}); err != nil {
			t.Fatal(err)
		}
		if req := e.emu.Requests()[0]; req.Voice != "" || strings.Join(req.Modalities, ",") != "text" {
			t.Errorf("text only asked for, yet the request has voice %q, modalities %v", req.Voice, req.Modalities)
		}
		// The emulator's hugeline fault sends speech even to a request for text alone.
		e.emu.SetFault(fakeapi.Fault{Kind: fakeapi.FaultHugeLine, After: 2, Times: 1})
		_, err := e.run(t, path, Output{Sink: &logSink{}})
		var pe *api.ProtocolError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "speech arrived") {
			t.Errorf("err = %v, want a protocol error naming %s", err, path)
		}
	})
}

// TestFailedRequest makes the emulator fail the request: Run fails naming the input, and the
// ledger records the failed attempts (a retried one too) with their status.
func TestFailedRequest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  fakeapi.Fault
		ok     bool     // the retry succeeds
		status []string // the ledger rows' statuses, in order
		http   int      // the first row's HTTP status
		inErr  string
	}{
		{name: "400", fault: fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 400, Code: "InvalidParameter"},
			status: []string{ledger.StatusAPIError}, http: 400, inErr: "HTTP 400"},
		{name: "reset", fault: fakeapi.Fault{Kind: fakeapi.FaultReset},
			status: []string{ledger.StatusFailed, ledger.StatusFailed}},
		{name: "500 once", fault: fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 500, Times: 1}, ok: true,
			status: []string{ledger.StatusAPIError, ledger.StatusOK}, http: 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			path := writeWAV(t, t.TempDir(), "fails.wav", toneAt(time.Second))
			e.emu.SetFault(tc.fault)
			sink := &logSink{}
			res, err := e.run(t, path, Output{Sink: sink})
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if want := wholeTranslation(t, path, 1); sink.text() != want {
					t.Errorf("text after the retry %q, want %q", sink.text(), want)
				}
				if res.RequestID != e.emu.Requests()[1].RequestID {
					t.Errorf("result request_id %q is not the retry's", res.RequestID)
				}
			} else {
				if err == nil {
					t.Fatal("Run succeeded")
				}
				if !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.inErr) {
					t.Errorf("err = %q, want it to start with the input's name and say %q", err, tc.inErr)
				}
				if res != nil {
					t.Errorf("a failed input has a result: %+v", res)
				}
				if ends := sink.ends(); len(ends) != 0 {
					t.Errorf("End called for a failed input: %+v", ends)
				}
			}
			rows := e.rec.all()
			var got []string
			for _, r := range rows {
				got = append(got, r.Status)
				if r.Input != path || r.Segment != 0 {
					t.Errorf("row %+v", r)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.status, ",") {
				t.Fatalf("ledger statuses %v, want %v", got, tc.status)
			}
			if rows[0].HTTPStatus != tc.http {
				t.Errorf("first row's http_status %d, want %d", rows[0].HTTPStatus, tc.http)
			}
			if tc.http != 0 && rows[0].RequestID == "" {
				t.Errorf("the refused request's row has no request_id")
			}
			sum, _ := fileHash(t, path)
			if last := rows[len(rows)-1]; tc.ok && (last.InputSHA256 != sum || last.Outputs != "") {
				t.Errorf("the ok row %+v", last)
			}
		})
	}
}

// TestBrokenStream cuts the stream after some words: a sink that can take back what it got sees
// the request retried from the start (the text once, not doubled); one that cannot fails the
// input rather than print the words twice.
func TestBrokenStream(t *testing.T) {
	t.Run("Resetter", func(t *testing.T) {
		e := newEnv(t)
		path := writeWAV(t, t.TempDir(), "broken.wav", toneAt(time.Second))
		e.emu.SetFault(fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 4, Times: 1})
		sink := &resetSink{}
		res, err := e.run(t, path, Output{Sink: sink, KeepText: true})
		if err != nil {
			t.Fatal(err)
		}
		want := wholeTranslation(t, path, 1)
		if sink.text() != want || res.Text != want {
			t.Errorf("sink text %q, Result.Text %q; want %q once", sink.text(), res.Text, want)
		}
		if sink.resets != 1 {
			t.Errorf("%d resets, want 1", sink.resets)
		}
		if ends := sink.ends(); len(ends) != 1 {
			t.Errorf("End calls %+v, want 1", ends)
		}
		if n := len(e.emu.Requests()); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
		rows := e.rec.all()
		if len(rows) != 2 || rows[0].Status != ledger.StatusFailed || rows[1].Status != ledger.StatusOK {
			t.Errorf("ledger rows %+v, want a failed attempt and an ok one", rows)
		}
	})
	t.Run("no Resetter", func(t *testing.T) {
		e := newEnv(t)
		path := writeWAV(t, t.TempDir(), "broken.wav", toneAt(time.Second))
		e.emu.SetFault(fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 4, Times: 1})
		sink := &logSink{}
		_, err := e.run(t, path, Output{Sink: sink})
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
			t.Fatalf("err = %v, want the input to fail", err)
		}
		if n := len(e.emu.Requests()); n != 1 {
			t.Errorf("%d requests, want 1 (not retried)", n)
		}
		if got := strings.Fields(sink.text()); len(got) != 4 {
			t.Errorf("the sink got %q, want the 4 words sent before the break", sink.text())
		}
		if rows := e.rec.all(); len(rows) != 1 || rows[0].Status != ledger.StatusFailed {
			t.Errorf("ledger rows %+v, want one failed", rows)
		}
	})
}

// TestCachedAnswerIsRecorded: a request answered from the result cache is recorded as such, with
// the input, outputs and tokens of a request sent and the request id of the answer it reused, and
// the usage it reused for the recorder to count (and not price).
func TestCachedAnswerIsRecorded(t *testing.T) {
	e := newEnv(t)
	e.p.Runner.Cache = &cache.Store{Dir: t.TempDir()}
	path := writeWAV(t, t.TempDir(), "speech.wav", toneAt(time.Second))
	for range 2 {
		if _, err := e.run(t, path, Output{Sink: &logSink{}, Files: []string{"out.txt"}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.emu.Requests()); n != 1 {
		t.Fatalf("%d requests sent, want 1 (the second answered from the cache)", n)
	}
	rows := e.rec.all()
	if len(rows) != 2 {
		t.Fatalf("%d ledger rows, want 2: %+v", len(rows), rows)
	}
	sent, cached := rows[0], rows[1]
	if sent.Status != ledger.StatusOK || cached.Status != ledger.StatusCached {
		t.Fatalf("statuses %q, %q; want ok, then cached", sent.Status, cached.Status)
	}
	if cached.RequestID != sent.RequestID || cached.InputSHA256 != sent.InputSHA256 || cached.InputSHA256 == "" ||
		cached.InputSize != sent.InputSize || cached.Outputs != "out.txt" || cached.Input != path {
		t.Errorf("the row of the answer from the cache %+v; the request sent %+v", cached, sent)
	}
	if u := e.rec.usages[1]; u == nil || !reflect.DeepEqual(u, e.rec.usages[0]) {
		t.Errorf("usage recorded with the answer from the cache %+v, want the answer's %+v", u, e.rec.usages[0])
	}
}

// TestCacheHoldsWhatTheRunWouldFind: for a dry run, an input sent whole is looked up in the cache
// with the key the run uses: held once translated into that language, not into another, and not
// when it would be split.
func TestCacheHoldsWhatTheRunWouldFind(t *testing.T) {
	e := newEnv(t)
	e.p.Runner.Cache = &cache.Store{Dir: t.TempDir()}
	path := writeWAV(t, t.TempDir(), "speech.wav", toneAt(time.Second))
	holds := func(lang string) bool {
		t.Helper()
		in, err := e.p.Resolve(t.Context(), batch.Item{Name: path, Path: path})
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		plan, err := e.p.DryPlan(t.Context(), in, false)
		if err != nil {
			t.Fatal(err)
		}
		defer plan.Cleanup()
		return e.p.CacheHolds(plan, false, Target{Lang: lang})
	}
	if holds("en") {
		t.Fatal("held before anything was translated")
	}
	if _, err := e.run(t, path, Output{Sink: &logSink{}}); err != nil {
		t.Fatal(err)
	}
	if !holds("en") || holds("de") {
		t.Errorf("after a translation into en: en held %v (want true), de held %v (want false)", holds("en"), holds("de"))
	}
	e.p.Settings.Split = split.Always
	if holds("en") {
		t.Error("a split input is looked up")
	}
}
