package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// external is a finder whose speech segments were found outside the harness (another voice
// activity detector, say) and written per recording as DIR/<recording>.json,
// {"speech": [[start, end], ...]} in seconds, optionally with "probs", a speech probability for
// every "window_s" seconds. It is scored as the truth is scored as a finder: its pauses through
// the tool's cutter (split.Cuts: a cut with no pause in reach is at the ideal point) and the
// tool's piece rule, so its figures read beside the new finder's. Where it gives probabilities,
// they stand in for the new finder's level track: a run of speech too long for one piece is cut
// where the speech is least likely, as the new finder's is cut where it is quietest.
//
// The hybrid keeps the new finder's cuts and pieces and moves their edges by the external
// finder's, at most reach: rule "snap" moves each start (end) to the nearest external start
// (end); rule "trim" only moves an edge that lies where the external finder hears no speech, a
// start forward to its next start and an end back to its last end, so it can only shorten a
// piece (a reverberation tail or a noise the new finder took for speech); rule "trim-end" does
// so for the ends only, the starts stay the new finder's.
type external struct {
	dir   string
	rule  string
	reach time.Duration
}

// hybrid applies the external finder's edges to the new finder's pieces by e.rule.
func (e external) hybrid(ps, speech []span) []span {
	switch e.rule {
	case "trim":
		return trimPieces(ps, speech, e.reach, true)
	case "trim-end":
		return trimPieces(ps, speech, e.reach, false)
	}
	return snapPieces(ps, speech, e.reach)
}

// load reads the external finder's segments for one recording and turns them into pauses as
// the new finder reports them: the stretches between speech of pauses.DefaultMinPause or more are
// pauses, those of pauses.MinGap up to that are gaps, shorter ones count as speech.
func (e external) load(file string, total time.Duration) (found, []span, error) {
	path := filepath.Join(e.dir, strings.TrimSuffix(file, filepath.Ext(file))+".json")
	var rec externalRecord
	if err := readJSON(path, &rec); err != nil {
		if os.IsNotExist(err) {
			return found{}, nil, fmt.Errorf("no external segments for %s: %w", file, err)
		}
		return found{}, nil, err
	}
	speech := truth{Speech: rec.Speech}.spans()
	if !slices.IsSortedFunc(speech, func(a, b span) int { return int(a.Start - b.Start) }) {
		return found{}, nil, fmt.Errorf("%s: speech segments out of order", path)
	}
	var f found
	for _, p := range complement(speech, total, 0) {
		switch {
		case p.len() >= pauses.DefaultMinPause:
			f.Pauses = append(f.Pauses, p)
		case p.len() >= pauses.MinGap:
			f.Gaps = append(f.Gaps, p)
		}
	}
	if len(rec.Probs) > 0 && rec.WindowS > 0 {
		f.Track = probTrack(rec.Probs, seconds(rec.WindowS), total)
	}
	return f, speech, nil
}

// externalRecord is one recording's DIR/<recording>.json.
type externalRecord struct {
	Speech  [][2]float64 `json:"speech"`
	WindowS float64      `json:"window_s"`
	Probs   []float64    `json:"probs"`
}

// probTrack makes speech probabilities a level track, 10 ms a frame: the level is
// 10·log10(probability) dB (down to -120), so the track's quietest 200 ms are where the summed
// probability is least.
func probTrack(probs []float64, window, total time.Duration) pauses.Track {
	const frame = 10 * time.Millisecond
	t := make(pauses.Track, int(total/frame))
	for i := range t {
		p := probs[min(int(time.Duration(i)*frame/window), len(probs)-1)]
		t[i] = int8(max(math.Round(10*math.Log10(max(p, 1e-12))), -120))
	}
	return t
}

// snapPieces moves each piece's start to the nearest segment start, and its end to the nearest
// segment end, of the external finder's speech when one lies within snap and the piece keeps a
// positive length.
func snapPieces(ps, speech []span, snap time.Duration) []span {
	starts := make([]time.Duration, len(speech))
	ends := make([]time.Duration, len(speech))
	for i, s := range speech {
		starts[i], ends[i] = s.Start, s.End
	}
	slices.Sort(starts)
	slices.Sort(ends)
	nearestIn := func(t time.Duration, sorted []time.Duration) time.Duration {
		i, _ := slices.BinarySearch(sorted, t)
		best, moved := t, false
		for _, j := range []int{i - 1, i} {
			if j < 0 || j >= len(sorted) {
				continue
			}
			if d := absDur(sorted[j] - t); d <= snap && (!moved || d < absDur(best-t)) {
				best, moved = sorted[j], true
			}
		}
		return best
	}
	out := make([]span, len(ps))
	for i, p := range ps {
		q := span{nearestIn(p.Start, starts), nearestIn(p.End, ends)}
		if q.End <= q.Start {
			q = p
		}
		out[i] = q
	}
	return out
}

// trimPieces moves a piece's start that lies outside the external speech forward to the next
// external start, and an end that lies outside it back to the last external end, when that is
// at most reach away and the piece keeps a positive length. With starts false, only ends move.
func trimPieces(ps, speech []span, reach time.Duration, starts bool) []span {
	inSpeech := func(t time.Duration) bool {
		i, _ := slices.BinarySearchFunc(speech, t, func(s span, t time.Duration) int { return cmpDur(s.End, t) })
		return i < len(speech) && speech[i].Start <= t
	}
	out := make([]span, len(ps))
	for k, p := range ps {
		q := p
		if starts && !inSpeech(p.Start) {
			// The first segment that starts after p.Start.
			i, _ := slices.BinarySearchFunc(speech, p.Start, func(s span, t time.Duration) int { return cmpDur(s.Start, t) })
			if i < len(speech) && speech[i].Start-p.Start <= reach && speech[i].Start < p.End {
				q.Start = speech[i].Start
			}
		}
		if !inSpeech(p.End) {
			// The last segment that ends before p.End.
			i, _ := slices.BinarySearchFunc(speech, p.End, func(s span, t time.Duration) int { return cmpDur(s.End, t) })
			if i > 0 && p.End-speech[i-1].End <= reach && speech[i-1].End > q.Start {
				q.End = speech[i-1].End
			}
		}
		out[k] = q
	}
	return out
}

func cmpDur(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
