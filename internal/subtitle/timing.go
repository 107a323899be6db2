// Package subtitle times a translation to its source. Pieces cuts a recording at its pauses
// (as the pauses package finds them) into pieces of speech of at most a given length, each translated on its
// own; Layout spreads a piece's translated text over the time its speech is heard, as cues of
// at most two lines of 42 characters; Writer writes the cues as SubRip (.srt) or WebVTT (.vtt).
// The package sends nothing and runs no tool: the caller finds the pauses, says where the
// sound ends, translates the pieces and says where the cues go.
package subtitle

import (
	"cmp"
	"slices"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// Span is a stretch of the source.
type Span struct{ Start, End time.Duration }

// Duration is End - Start.
func (s Span) Duration() time.Duration { return s.End - s.Start }

// Piece is one request's worth of speech.
type Piece struct {
	// Speech is where the piece's speech is heard: its cues are on screen then, and a dub
	// starts its translated speech at Speech.Start.
	Speech Span
	// Send is what is translated: Speech with up to Pad of the pauses around it, so a soft
	// first or last syllable under the silence threshold is not clipped. Consecutive pieces
	// whose pause is short meet in its middle.
	Send Span
}

const (
	// Pad is how much of the pause on either side of a piece's speech is sent with it.
	Pad = 500 * time.Millisecond
	// MaxJoinedPause is the longest pause kept inside one piece: past it, a cue would stay on
	// screen through a silence a viewer notices, so the speech after it starts a piece of its own.
	MaxJoinedPause = time.Second
	// MinSpeech is the shortest sound between two silences that counts as speech; shorter ones
	// are clicks and breaths.
	MinSpeech = 100 * time.Millisecond
	// minGap is the shortest stretch between two pieces that is left out of both: a shorter one
	// is shared between them, as there is nothing gained by not sending it.
	minGap = 500 * time.Millisecond
)

// PiecesAtQuiet cuts [0, total] into pieces of speech of at most longest each. The speech is what
// lies between the silences; a pause longer than MaxJoinedPause always ends a piece, and speech
// that runs on longer than longest between such pauses is divided at its longest pauses (the end
// of a sentence, more often than not, and in noisy speech the pause most surely a pause), until
// each piece fits. Speech that runs on longer than longest without a pause is divided at its gaps
// (quiet stretches too short to be pauses) the same way; where it has none, at its quietest
// moments (quietest, as pauses.Track finds them) near the points that would divide it evenly,
// rather than exactly at those points, which fall in the middle of words (nil quietest: at those
// points). With no silences at all, the whole is speech. It returns nil when all of it is
// silence.
func PiecesAtQuiet(silences, gaps []pauses.Pause, quietest func(from, to time.Duration) (time.Duration, bool), total, longest time.Duration) []Piece {
	if total <= 0 || longest <= 0 {
		return nil
	}
	var spans []Span
	for _, s := range speechSpans(silences, total) {
		spans = append(spans, divideSpan(s, gaps, quietest, longest)...)
	}
	var groups []Span
	for from := 0; from < len(spans); {
		to := from + 1
		for to < len(spans) && spans[to].Start-spans[to-1].End <= MaxJoinedPause {
			to++
		}
		groups = divide(groups, spans[from:to], longest)
		from = to
	}
	pieces := make([]Piece, len(groups))
	for i, g := range groups {
		pieces[i] = Piece{Speech: g, Send: g}
	}
	for i := range pieces {
		p := &pieces[i]
		if i == 0 {
			p.Send.Start = max(0, p.Speech.Start-edgeRoom(p.Speech.Start))
		} else {
			prev := &pieces[i-1]
			gap := p.Speech.Start - prev.Speech.End
			if gap <= 2*Pad+minGap {
				mid := prev.Speech.End + gap/2
				prev.Send.End, p.Send.Start = mid, mid
			} else {
				prev.Send.End, p.Send.Start = prev.Speech.End+Pad, p.Speech.Start-Pad
			}
		}
		if i == len(pieces)-1 {
			p.Send.End = min(total, p.Speech.End+edgeRoom(total-p.Speech.End))
		}
	}
	return pieces
}

// divide appends to groups the spans of one run of speech, as few pieces of at most longest as
// its longest pauses allow: the run is divided at the pause that weighs most (its length, and
// how evenly it divides the run), and each side again until it fits.
func divide(groups []Span, run []Span, longest time.Duration) []Span {
	whole := Span{run[0].Start, run[len(run)-1].End}
	if len(run) == 1 || whole.Duration() <= longest {
		return append(groups, whole)
	}
	best, bestScore := 1, -1.0
	for i := 1; i < len(run); i++ {
		pause := (run[i].Start - run[i-1].End).Seconds()
		shorter := min(run[i-1].End-whole.Start, whole.End-run[i].Start).Seconds()
		if score := pause * (0.5 + shorter/whole.Duration().Seconds()); score > bestScore {
			best, bestScore = i, score
		}
	}
	groups = divide(groups, run[:best], longest)
	return divide(groups, run[best:], longest)
}

// divideSpan divides one stretch of speech longer than longest at its gaps, as divide does at
// pauses; what still does not fit is cut into parts as even as the quiet moments allow.
func divideSpan(s Span, gaps []pauses.Pause, quietest func(from, to time.Duration) (time.Duration, bool), longest time.Duration) []Span {
	if s.Duration() <= longest {
		return []Span{s}
	}
	var run []Span
	pos := s.Start
	for _, g := range gaps {
		if g.Start > pos && g.End < s.End {
			run = append(run, Span{pos, g.Start})
			pos = g.End
		}
	}
	run = append(run, Span{pos, s.End})
	var out []Span
	for _, piece := range divide(nil, run, longest) {
		out = append(out, evenParts(piece, quietest, longest)...)
	}
	return out
}

// evenParts cuts s into as few parts of at most longest as it takes, each cut at the quietest
// moment within a sixth of a part of the even point (when quietest is set), never so far that
// a part would run over longest or the rest would need another part.
func evenParts(s Span, quietest func(from, to time.Duration) (time.Duration, bool), longest time.Duration) []Span {
	n := int((s.Duration() + longest - 1) / longest)
	var out []Span
	pos := s.Start
	for k := n; k > 1; k-- { // k parts left
		ideal := pos + (s.End-pos)/time.Duration(k)
		cut := ideal
		if quietest != nil {
			reach := s.Duration() / time.Duration(6*n)
			lo := max(ideal-reach, s.End-time.Duration(k-1)*longest)
			hi := min(ideal+reach, pos+longest)
			if at, ok := quietest(lo, hi); ok && lo < hi && at > pos && at < s.End {
				cut = at
			}
		}
		out = append(out, Span{pos, cut})
		pos = cut
	}
	return append(out, Span{pos, s.End})
}

// edgeRoom is how much of a silence of length d at the start or end of the recording is sent:
// all of it when what is left would be too short to bother leaving out.
func edgeRoom(d time.Duration) time.Duration {
	if d <= Pad+minGap {
		return d
	}
	return Pad
}

// speechSpans is the complement of the silences in [0, total], without sounds shorter than
// MinSpeech.
func speechSpans(silences []pauses.Pause, total time.Duration) []Span {
	quiet := make([]Span, 0, len(silences))
	for _, s := range silences {
		s.Start, s.End = max(s.Start, 0), min(s.End, total)
		if s.End > s.Start {
			quiet = append(quiet, Span{s.Start, s.End})
		}
	}
	slices.SortFunc(quiet, func(a, b Span) int { return cmp.Compare(a.Start, b.Start) })
	var spans []Span
	pos := time.Duration(0)
	add := func(end time.Duration) {
		if end-pos >= MinSpeech {
			spans = append(spans, Span{pos, end})
		}
	}
	for _, q := range quiet {
		if q.Start > pos {
			add(q.Start)
		}
		pos = max(pos, q.End)
	}
	if pos < total {
		add(total)
	}
	return spans
}
