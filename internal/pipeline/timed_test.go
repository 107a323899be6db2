package pipeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
)

// threePhrases is a recording of three phrases between pauses too long to join them in one
// piece, and where the phrases are heard.
func threePhrases(t *testing.T) (path string, speech []subtitle.Span, total time.Duration) {
	const on, off, edge = 1200 * time.Millisecond, 1500 * time.Millisecond, 500 * time.Millisecond
	spans := []span{quiet(edge), toneAt(on), quiet(off), toneAt(on), quiet(off), toneAt(on), quiet(edge)}
	at := time.Duration(0)
	for _, s := range spans {
		if s.tone {
			speech = append(speech, subtitle.Span{Start: at, End: at + s.dur})
		}
		at += s.dur
	}
	return writeWAV(t, t.TempDir(), "phrases.wav", spans...), speech, at
}

// TestTimedPieces cuts a recording into its pieces of speech at the pauses: one request a piece,
// each piece's text whole in one Text call before its End, End once a piece in order with where
// its speech is heard, and the pieces listed in the Result with their text.
func TestTimedPieces(t *testing.T) {
	needFFmpeg(t)
	e := newEnv(t)
	e.p.Settings.Timed, e.p.Settings.CueMax = true, 5*time.Second
	path, truth, total := threePhrases(t)
	sink := &logSink{}
	res, err := e.run(t, path, Output{Sink: sink, Files: []string{"phrases.srt"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.emu.Requests()); n != len(truth) {
		t.Fatalf("%d requests for %d phrases", n, len(truth))
	}
	if len(sink.events) != 2*len(truth) {
		t.Fatalf("sink calls %+v, want Text and End for each of %d pieces", sink.events, len(truth))
	}
	if len(res.Segments) != len(truth) {
		t.Fatalf("%d segments in the result, want %d", len(res.Segments), len(truth))
	}
	var texts []string
	var prevSend time.Duration
	const slack = 60 * time.Millisecond // the finder measures in 10 ms steps, around a tone's rise
	for i, want := range truth {
		text, end := sink.events[2*i], sink.events[2*i+1]
		if text.end || !end.end {
			t.Fatalf("piece %d: calls %+v then %+v, want Text then End", i, text, end)
		}
		p := end.part
		if p.Index != i {
			t.Errorf("End #%d with part %d", i, p.Index)
		}
		sp := p.Piece.Speech
		if sp.Start < want.Start-slack || sp.End > want.End+slack || sp.End-sp.Start < want.End-want.Start-2*slack {
			t.Errorf("piece %d's speech %v–%v, the phrase is at %v–%v", i, sp.Start, sp.End, want.Start, want.End)
		}
		// What is sent holds the speech, in source order, the pieces apart, within the input.
		send := p.Piece.Send
		if send.Start > sp.Start || send.End < sp.End || send.Start < prevSend || send.End > total {
			t.Errorf("piece %d sends %v–%v for speech at %v–%v (the one before ended at %v)", i, send.Start, send.End, sp.Start, sp.End, prevSend)
		}
		prevSend = send.End
		seg := res.Segments[i]
		req := e.requestByID(t, seg.RequestID)
		if !strings.HasPrefix(text.text, greeting) || !strings.HasSuffix(text.text, fmt.Sprintf("(%d bytes, sha256 %s).", req.MediaBytes, req.MediaSHA256[:8])) {
			t.Errorf("piece %d's text is not its request's whole translation: %q", i, text.text)
		}
		if seg.Index != i+1 || seg.Text != text.text || seg.FinishReason != "stop" ||
			seg.Start != p.Piece.Send.Start.Seconds() || seg.End != p.Piece.Send.End.Seconds() {
			t.Errorf("segment %+v, piece %+v", seg, p.Piece)
		}
		texts = append(texts, text.text)
	}
	if res.Text != strings.Join(texts, "\n") {
		t.Errorf("Result.Text %q, want the pieces' text a line each", res.Text)
	}
	if res.FinishReason != "stop" || res.Usage == nil || res.RequestID != res.Segments[0].RequestID {
		t.Errorf("result %+v", res)
	}

	hash, size := fileHash(t, path)
	rows := e.rec.all()
	if len(rows) != len(truth) {
		t.Fatalf("%d ledger rows", len(rows))
	}
	for _, r := range rows {
		if r.Status != ledger.StatusOK || r.Segment < 1 || r.Segment > len(truth) || r.InputSHA256 != hash || r.InputSize != size {
			t.Errorf("row %+v, want ok, numbered by piece, naming the whole file", r)
		}
	}
}

// TestTimedSpeech lays the pieces' speech along the source's timeline (--align): the WAV's
// samples last as long as the source, whatever the speech's length; without Align the speech
// follows on, every byte the emulator sent.
func TestTimedSpeech(t *testing.T) {
	needFFmpeg(t)
	for _, align := range []bool{true, false} {
		t.Run(fmt.Sprintf("Align=%v", align), func(t *testing.T) {
			e := newEnv(t)
			e.p.Settings.Timed, e.p.Settings.CueMax, e.p.Settings.Align = true, 5*time.Second, align
			path, truth, total := threePhrases(t)
			sink, audio := &logSink{}, &countWriter{}
			if _, err := e.run(t, path, Output{Sink: sink, Audio: audio}); err != nil {
				t.Fatal(err)
			}
			if n := len(sink.ends()); n != len(truth) {
				t.Fatalf("%d pieces, want %d", n, len(truth))
			}
			for _, r := range e.emu.Requests() {
				if r.Voice != "Cherry" {
					t.Errorf("a piece was sent without the voice: %+v", r)
				}
			}
			if align {
				// 24 kHz mono 16-bit: 48,000 bytes a second; within a sample.
				want := int(total.Seconds() * 48000)
				if got := audio.count(); got < want-2 || got > want+2 || got%2 != 0 {
					t.Errorf("%d bytes of aligned speech, want %d (%.1f s)", got, want, total.Seconds())
				}
				return
			}
			// Each piece's text comes in one call, with nothing between pieces.
			words := 0
			for _, ev := range sink.events {
				words += len(strings.Fields(ev.text))
			}
			if got := audio.count(); got != words*wordSpeech {
				t.Errorf("%d bytes of speech for %d words, want %d", got, words, words*wordSpeech)
			}
		})
	}
}

// TestTimedHeldRetry breaks a piece's stream: every piece is held until it ends, so it is retried
// from the start even for a sink that cannot take anything back, and its text arrives once.
func TestTimedHeldRetry(t *testing.T) {
	needFFmpeg(t)
	e := newEnv(t)
	e.p.Settings.Timed, e.p.Settings.CueMax = true, 5*time.Second
	e.p.Settings.Request.Jobs = 1
	path, truth, _ := threePhrases(t)
	e.emu.SetFault(fakeapi.Fault{Kind: fakeapi.FaultBreak, After: 3, Times: 1})
	sink := &logSink{}
	res, err := e.run(t, path, Output{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.emu.Requests()); n != len(truth)+1 {
		t.Errorf("%d requests, want %d (one retried)", n, len(truth)+1)
	}
	if len(sink.events) != 2*len(truth) {
		t.Fatalf("sink calls %+v", sink.events)
	}
	for i := range truth {
		if text := sink.events[2*i].text; strings.Count(text, greeting) != 1 || text != res.Segments[i].Text {
			t.Errorf("piece %d's text %q", i, text)
		}
	}
	var statuses []string
	for _, r := range e.rec.all() {
		statuses = append(statuses, fmt.Sprintf("%d:%s", r.Segment, r.Status))
	}
	if strings.Join(statuses, ",") != "1:failed,1:ok,2:ok,3:ok" {
		t.Errorf("ledger rows %v", statuses)
	}
}

// TestNoSpeech sends nothing for a recording of digital silence: no request, a warning saying
// why, an empty Result and no End.
func TestNoSpeech(t *testing.T) {
	needFFmpeg(t)
	for _, tc := range []struct {
		name string
		set  func(*Settings)
	}{
		{"timed", func(s *Settings) { s.Timed, s.CueMax = true, 5*time.Second }},
		{"timed align", func(s *Settings) { s.Timed, s.CueMax, s.Align = true, 5*time.Second, true }},
		{"split", func(s *Settings) { s.Split, s.Segment = split.Always, 2*time.Second }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			tc.set(&e.p.Settings)
			path := writeWAV(t, t.TempDir(), "silence.wav", silence(4*time.Second))
			sink, audio := &logSink{}, &countWriter{}
			res, err := e.run(t, path, Output{Sink: sink, Audio: audio, KeepText: true})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(e.emu.Requests()); n != 0 {
				t.Errorf("%d requests for silence", n)
			}
			if len(sink.events) != 0 {
				t.Errorf("sink calls %+v", sink.events)
			}
			if w := e.logs.warnings(); len(w) != 1 || !strings.HasPrefix(w[0], path+": no speech heard") {
				t.Errorf("warnings %q, want one saying no speech was heard in %s", w, path)
			}
			if res.Text != "" || res.Usage != nil || res.RequestID != "" || res.FinishReason != "" || len(res.Segments) != 0 {
				t.Errorf("result %+v, want it empty", res)
			}
			if res.Input != path || res.Kind != "audio" {
				t.Errorf("result %+v does not name the input", res)
			}
			if rows := e.rec.all(); len(rows) != 0 {
				t.Errorf("ledger rows %+v", rows)
			}
			// Aligned speech of a silent source is silence as long as it; otherwise nothing.
			want := 0
			if e.p.Settings.Align {
				want = 4 * 48000
			}
			if got := audio.count(); got != want {
				t.Errorf("%d bytes of speech, want %d", got, want)
			}
		})
	}
}
