package pipeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/split"
)

// phrases is a recording of n tones of on, each followed by a pause of off.
func phrases(n int, on, off time.Duration) []span {
	var s []span
	for range n {
		s = append(s, toneAt(on), quiet(off))
	}
	return s
}

// TestSplitInput sends an input in segments cut at its pauses: each segment is one request, the
// text reaches the sink in source order a segment a line, End follows each segment once, the
// Result lists the segments end to end, and every ledger row is numbered by its segment and
// names the whole file's content.
func TestSplitInput(t *testing.T) {
	needFFmpeg(t)
	for _, tc := range []struct {
		name  string
		set   func(*Settings)
		audio bool
	}{
		{name: "always", set: func(s *Settings) { s.Split, s.Segment = split.Always, 3*time.Second }},
		{name: "always with speech", set: func(s *Settings) { s.Split, s.Segment = split.Always, 3*time.Second }, audio: true},
		// 8.4 s of WAV at 16 kHz is a data URI of 358 KB; re-encoded, more than 30 KB.
		{name: "over the inline limit", set: func(s *Settings) { s.InlineLimit = 30000 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.p.Settings.Request.Jobs = 3
			tc.set(&e.p.Settings)
			path := writeWAV(t, t.TempDir(), "long.wav", phrases(4, 1500*time.Millisecond, 600*time.Millisecond)...)
			sink := &logSink{}
			out := Output{Sink: sink, KeepText: true, Files: []string{"long.txt"}}
			var audio *countWriter
			if tc.audio {
				audio = &countWriter{}
				out.Audio = audio
			}
			res, err := e.run(t, path, out)
			if err != nil {
				t.Fatal(err)
			}
			n := len(res.Segments)
			reqs := e.emu.Requests()
			if n < 2 || len(reqs) != n {
				t.Fatalf("%d segments, %d requests; want at least 2, one request each", n, len(reqs))
			}
			lines := strings.Split(sink.text(), "\n")
			if len(lines) != n {
				t.Fatalf("%d lines of text for %d segments:\n%s", len(lines), n, sink.text())
			}
			if res.Text != sink.text() {
				t.Errorf("Result.Text %q is not what the sink got", res.Text)
			}
			var prevEnd float64
			words := 0
			for i, seg := range res.Segments {
				if seg.Index != i+1 || seg.FinishReason != "stop" || seg.Usage == nil || seg.Text != "" {
					t.Errorf("segment %+v", seg)
				}
				if seg.Start != prevEnd || seg.End <= seg.Start {
					t.Errorf("segment %d is %.3f–%.3f s, after one ending at %.3f s", i+1, seg.Start, seg.End, prevEnd)
				}
				prevEnd = seg.End
				// Line i is the translation of segment i's request: the emulator names the
				// content it was sent.
				req := e.requestByID(t, seg.RequestID)
				if !strings.HasPrefix(lines[i], greeting) || !strings.Contains(lines[i], fmt.Sprintf("(%d bytes, sha256 %s)", req.MediaBytes, req.MediaSHA256[:8])) {
					t.Errorf("line %d is not segment %d's translation (%d bytes, sha256 %s): %q", i+1, i+1, req.MediaBytes, req.MediaSHA256[:8], lines[i])
				}
				if limit := e.p.Settings.InlineLimit; limit > 0 && req.DataURIBytes >= limit {
					t.Errorf("segment %d's data URI is %d bytes, over the limit of %d", i+1, req.DataURIBytes, limit)
				}
				words += len(strings.Fields(lines[i]))
			}
			if total := 4 * 2.1; prevEnd < total-0.05 || prevEnd > total+0.05 {
				t.Errorf("the segments end at %.3f s, the input at %.1f s", prevEnd, total)
			}
			ends := sink.ends()
			if len(ends) != n {
				t.Errorf("%d End calls for %d segments", len(ends), n)
			}
			for i, p := range ends {
				if p != (Part{Index: i}) {
					t.Errorf("End #%d with %+v", i, p)
				}
			}
			if audio != nil && audio.count() != words*wordSpeech {
				t.Errorf("%d bytes of speech for %d words, want %d", audio.count(), words, words*wordSpeech)
			}
			var sum int
			for _, s := range res.Segments {
				sum += s.Usage.TotalTokens
			}
			if res.Usage == nil || res.Usage.TotalTokens != sum || res.RequestID != res.Segments[0].RequestID {
				t.Errorf("result usage %+v (segments add to %d), request_id %q", res.Usage, sum, res.RequestID)
			}

			hash, size := fileHash(t, path)
			rows := e.rec.all()
			if len(rows) != n {
				t.Fatalf("%d ledger rows for %d segments", len(rows), n)
			}
			seen := map[int]bool{}
			for _, r := range rows {
				seen[r.Segment] = true
				if r.Status != ledger.StatusOK || r.InputSHA256 != hash || r.InputSize != size || r.Input != path || r.Outputs != "long.txt" {
					t.Errorf("row %+v: want ok, naming the whole file (%s, %d bytes)", r, hash[:8], size)
				}
				if r.RequestID != res.Segments[r.Segment-1].RequestID {
					t.Errorf("row of segment %d has request %q, the segment %q", r.Segment, r.RequestID, res.Segments[r.Segment-1].RequestID)
				}
			}
			for i := 1; i <= n; i++ {
				if !seen[i] {
					t.Errorf("no ledger row for segment %d", i)
				}
			}
		})
	}
}

// endHook is a resetSink that calls onEnd before each End.
type endHook struct {
	resetSink
	onEnd func(Part)
}

func (h *endHook) End(p Part) error {
	h.onEnd(p)
	return h.resetSink.End(p)
}

// TestSplitLaterSegmentBreaks breaks the stream of a segment that was already writing to the
// sink (the one before it had ended): its words cannot be taken back on their own, so the input
// fails naming the segment, even for a sink that can be reset, and the ledger has one row per
// request sent: none for a retry that never happened.
func TestSplitLaterSegmentBreaks(t *testing.T) {
	needFFmpeg(t)
	e := newEnv(t)
	e.p.Settings.Split, e.p.Settings.Segment = split.Always, 3*time.Second
	e.p.Settings.Request.Jobs = 1 // segment 2 is sent once segment 1 has ended
	path := writeWAV(t, t.TempDir(), "long.wav", phrases(4, 1500*time.Millisecond, 600*time.Millisecond)...)
	sink := &endHook{onEnd: func(p Part) {
		if p.Index == 0 {
			e.emu.SetFault(fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 3, Times: 1})
		}
	}}
	_, err := e.run(t, path, Output{Sink: sink})
	if err == nil || !strings.HasPrefix(err.Error(), path+": segment 2 (") {
		t.Fatalf("err = %v, want the input to fail naming segment 2", err)
	}
	reqs := e.emu.Requests()
	if len(reqs) != 2 {
		t.Errorf("%d requests, want 2 (segment 2 not retried)", len(reqs))
	}
	if sink.resets != 0 {
		t.Errorf("the sink was reset %d times: segment 1's text is not the broken request's to take back", sink.resets)
	}
	if lines := strings.Split(sink.text(), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], greeting) || len(strings.Fields(lines[1])) != 3 {
		t.Errorf("sink text %q, want segment 1's and segment 2's first 3 words", sink.text())
	}
	var rows []string
	for _, r := range e.rec.all() {
		rows = append(rows, fmt.Sprintf("%d:%s", r.Segment, r.Status))
	}
	if strings.Join(rows, ",") != "1:ok,2:failed" {
		t.Errorf("ledger rows %v for %d requests, want 1:ok,2:failed", rows, len(reqs))
	}
}
