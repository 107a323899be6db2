package sink

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/subtitle"
)

func translated(tokens int, cost float64, cur, finish string) Outcome {
	return Translated(&pipeline.Result{Input: "x", Usage: &api.Usage{TotalTokens: tokens}, EstimatedCost: &cost, Currency: cur, FinishReason: finish})
}

func stoppedIfCanceled(err error) bool { return errors.Is(err, context.Canceled) }

func TestCountAndLine(t *testing.T) {
	outcomes := []Outcome{
		translated(100, 0.01, "CNY", "stop"),
		translated(50, 0.005, "CNY", "length"),
		{Status: StatusSkipped},
		Failed(errors.New("b.wav: HTTP 400")),
		Failed(context.Canceled), // the run was stopped: not done
		{},                       // never started: not done
	}
	tl := Count(outcomes, stoppedIfCanceled)
	if tl.Translated != 2 || tl.Skipped != 1 || tl.Failed != 1 || tl.NotDone != 2 || tl.Truncated != 1 || tl.Usage.TotalTokens != 150 {
		t.Fatalf("tally %+v", tl)
	}
	if len(tl.Failures) != 1 || tl.Failures[0].Err.Error() != "b.wav: HTTP 400" {
		t.Errorf("failures %v", tl.Failures)
	}
	want := "2 translated, 1 skipped, 1 failed, 2 not done; 150 tokens (estimated 0.0150 CNY); 1.23s; paced"
	if got := tl.Line(1234*time.Millisecond, "paced"); got != want {
		t.Errorf("line %q\nwant %q", got, want)
	}
	if got := Count([]Outcome{translated(1, 1, "CNY", ""), translated(1, 1, "USD", "")}, stoppedIfCanceled).Currency; got != "mixed currencies" {
		t.Errorf("currency %q for two currencies", got)
	}
}

func TestBatchDocument(t *testing.T) {
	outcomes := []Outcome{translated(100, 0.01, "CNY", "stop"), {Status: StatusSkipped}, Failed(errors.New("boom")), {}}
	failed := func(name string, err error) Result {
		return Result{Input: name, Status: StatusFailed, Error: &ErrorInfo{Code: "failure", Message: err.Error(), ExitCode: 1}}
	}
	doc := BatchDocument([]string{"a", "b", "c", "d"}, []string{"fr", "fr", "fr", "fr"}, outcomes, stoppedIfCanceled, 2*time.Second, failed, "m")
	var statuses []string
	for _, r := range doc.Results {
		statuses = append(statuses, r.Input+":"+r.Status)
	}
	if got := strings.Join(statuses, " "); got != "x:translated b:skipped c:failed d:not_run" {
		t.Errorf("results %s", got)
	}
	s := doc.Summary
	if s.Inputs != 4 || s.Translated != 1 || s.Skipped != 1 || s.Failed != 1 || s.NotRun != 1 || s.TotalTokens != 100 ||
		s.EstimatedCost == nil || *s.EstimatedCost != 0.01 || s.Currency != "CNY" || s.ElapsedSeconds != 2 {
		t.Errorf("summary %+v", s)
	}
	if doc.Results[1].Model != "m" || doc.Results[1].TargetLanguage != "fr" {
		t.Errorf("a skipped input's model and target: %+v", doc.Results[1])
	}
	// A translation that came from the cache whole is counted, as the text summary counts it.
	fromCache := translated(100, 0, "CNY", "stop")
	fromCache.Result.Cached = true
	doc = BatchDocument([]string{"a", "b"}, []string{"fr", "fr"}, []Outcome{fromCache, translated(10, 0.01, "CNY", "stop")},
		stoppedIfCanceled, time.Second, failed, "m")
	if s := doc.Summary; s.Translated != 2 || s.Cached != 1 || s.TotalTokens != 10 {
		t.Errorf("summary with one translation from the cache: %+v; want 2 translated, 1 cached, 10 tokens paid for", s)
	}
}

func TestText(t *testing.T) {
	tr := &pipeline.Result{Input: "a.wav", Text: "Bonjour.", Model: "m", TargetLanguage: "fr", FinishReason: "stop", RequestID: "r1"}
	for _, tt := range []struct {
		format string
		want   []string // substrings, in order
	}{
		{FormatText, []string{"Bonjour."}},
		{FormatJSONL, []string{`"type":"text"`, `"text":"Bonjour."`, `"type":"audio"`, `"bytes":4`, `"type":"done"`, `"request_id":"r1"`}},
		{FormatJSON, []string{`"schema_version": 1`, `"status": "translated"`, `"text": "Bonjour."`}},
	} {
		var b strings.Builder
		w := NewText(&b, tt.format, "a.wav", "fr")
		var audio strings.Builder
		if err := w.Text("Bonjour."); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Audio(&audio).Write([]byte{1, 2, 3, 4}); err != nil {
			t.Fatal(err)
		}
		if err := w.Finish(tr); err != nil {
			t.Fatal(err)
		}
		got, rest := b.String(), b.String()
		for _, s := range tt.want {
			i := strings.Index(rest, s)
			if i < 0 {
				t.Fatalf("%s: %q lacks %q (in order)", tt.format, got, s)
			}
			rest = rest[i+len(s):]
		}
		if tt.format == FormatText && got != "Bonjour.\n" {
			t.Errorf("text %q: the last line is ended", got)
		}
		if audio.Len() != 4 {
			t.Errorf("%s: %d bytes of speech passed on", tt.format, audio.Len())
		}
		if tt.format == FormatJSONL {
			for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
				if !json.Valid([]byte(line)) {
					t.Errorf("not JSON: %s", line)
				}
			}
		}
	}
}

func TestTimedOutputs(t *testing.T) {
	piece := func(i int, from, to time.Duration) pipeline.Part {
		return pipeline.Part{Index: i, Piece: subtitle.Piece{Speech: subtitle.Span{Start: from, End: to}}}
	}
	var srt strings.Builder
	out, tw := New(&srt, subtitle.SRT, true, FormatText, "a.wav", "fr")
	if tw != nil {
		t.Error("subtitles have a text writer")
	}
	for _, step := range []func() error{
		func() error { return out.Text(" Bonjour. ") },
		func() error { return out.End(piece(0, time.Second, 2500*time.Millisecond)) },
		func() error { return out.Text("  ") }, // a piece the service heard nothing in
		func() error { return out.End(piece(1, 3*time.Second, 4*time.Second)) },
		func() error { return out.Finish(&pipeline.Result{}) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if want := "1\n00:00:01,000 --> 00:00:02,500\nBonjour.\n"; !strings.HasPrefix(srt.String(), want) || strings.Count(srt.String(), "-->") != 1 {
		t.Errorf("srt %q, want one cue %q", srt.String(), want)
	}

	var lines strings.Builder
	out, _ = New(&lines, 0, true, FormatText, "a.wav", "fr")
	for i, text := range []string{"Un.", "", "Deux. "} {
		if err := out.Text(text); err != nil {
			t.Fatal(err)
		}
		if err := out.End(piece(i, 0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if err := out.Finish(&pipeline.Result{}); err != nil {
		t.Fatal(err)
	}
	if lines.String() != "Un.\nDeux.\n" {
		t.Errorf("lines %q, want a line a piece", lines.String())
	}
}
