package main

import (
	"math"
	"slices"
	"time"
)

// span is a stretch of a recording: a pause or a piece of speech.
type span struct{ Start, End time.Duration }

func (s span) len() time.Duration { return s.End - s.Start }
func (s span) mid() time.Duration { return s.Start + (s.End-s.Start)/2 }

// complement is what lies between spans within [0, total]: the speech around a finder's pauses,
// or the pauses around the true speech. spans must be sorted and not overlap; they are clipped to
// [0, total]. Pieces shorter than minLen are dropped.
func complement(spans []span, total, minLen time.Duration) []span {
	var out []span
	pos := time.Duration(0)
	add := func(a, b time.Duration) {
		if b-a > 0 && b-a >= minLen {
			out = append(out, span{a, b})
		}
	}
	for _, s := range spans {
		a, b := max(s.Start, 0), min(s.End, total)
		if b <= pos {
			continue
		}
		add(pos, a)
		pos = max(pos, b)
	}
	add(pos, total)
	return out
}

// cut is one cut point the splitting rule chose, and the range it was allowed to choose from.
type cut struct {
	At, Ideal, Lo, Hi time.Duration
	Target            time.Duration // the segment length asked for
	Hard              bool          // no pause in range: cut at Ideal
}

// tolerance is how far from the ideal cut point the splitter may go to find a pause: a tenth of
// the segment, at least 5 s, but never more than a quarter of it (so segments stay balanced).
func tolerance(target time.Duration) time.Duration {
	return min(max(5*time.Second, target/10), target/4)
}

// cuts applies the tool's splitting rule to a recording of length total with the given pauses:
// split what is left into equal parts no longer than target, and cut at the pause whose middle
// is nearest the ideal point within the tolerance (never past pos+target), else at the ideal
// point itself. Kept here, not imported from internal/split, so the harness measures the finders
// under one fixed rule while the tool's own code changes.
func cuts(pauses []span, total, target time.Duration) []cut {
	tol := tolerance(target)
	var out []cut
	for pos := time.Duration(0); total-pos > target; {
		left := total - pos
		parts := (left + target - 1) / target // ceil
		ideal := pos + left/parts
		c := cut{Ideal: ideal, Lo: ideal - tol, Hi: min(ideal+tol, pos+target), Target: target, At: ideal, Hard: true}
		best := time.Duration(math.MaxInt64)
		for _, p := range pauses {
			m := p.mid()
			if m < c.Lo || m > c.Hi || m <= pos || m >= total {
				continue
			}
			if d := absDur(m - ideal); d < best {
				best, c.At, c.Hard = d, m, false
			}
		}
		out = append(out, c)
		pos = c.At
	}
	return out
}

// cutSlack is how far outside a true pause a cut may fall and still count as in it: the truth's
// edges are measured at -50 dBFS on the clean signal, and 20 ms either side of them is the fade of
// a syllable, not its body.
const cutSlack = 20 * time.Millisecond

// inPause reports whether t lies in one of the (true) pauses, with cutSlack at their edges.
func inPause(t time.Duration, pauses []span) bool {
	for _, p := range pauses {
		if t >= p.Start-cutSlack && t <= p.End+cutSlack {
			return true
		}
	}
	return false
}

// reachPause is the shortest true pause that a cut "should have found": long enough that any
// reasonable finder sees it (the new finder's minimum pause).
const reachPause = 200 * time.Millisecond

// pauseInReach reports whether a true pause of at least reachPause intersects [lo, hi]: a cut
// inside a word there looks avoidable. It is not always: the rule cuts at a pause's middle, and a
// long pause may reach into the range with its middle outside it (see pauseMidInReach).
func pauseInReach(lo, hi time.Duration, pauses []span) bool {
	for _, p := range pauses {
		if p.len() >= reachPause && p.Start <= hi && p.End >= lo {
			return true
		}
	}
	return false
}

// pauseMidInReach reports whether a true pause of at least reachPause has its middle in [lo, hi]:
// a finder that found that pause exactly would have cut in it, so a cut inside a word there was
// the finder's doing. (lo is always past the previous cut and hi before the end, so the rule's
// other conditions hold.)
func pauseMidInReach(lo, hi time.Duration, pauses []span) bool {
	for _, p := range pauses {
		if m := p.mid(); p.len() >= reachPause && m >= lo && m <= hi {
			return true
		}
	}
	return false
}

// The subtitle piece rule the tool uses: speech shorter than minSpeech is noise, a stretch longer
// than maxPiece is cut into equal parts, and neighbours are joined while the piece stays within
// maxPiece and the pause between them is at most joinGap.
const (
	minSpeech = 100 * time.Millisecond
	maxPiece  = 7 * time.Second
	joinGap   = time.Second
)

// pieces turns a finder's pauses into the pieces of speech a subtitle or dubbing cue is made of.
func pieces(pauses []span, total time.Duration) []span {
	var split []span
	for _, s := range complement(pauses, total, minSpeech) {
		n := (s.len() + maxPiece - 1) / maxPiece
		if n <= 1 {
			split = append(split, s)
			continue
		}
		for i := range n {
			split = append(split, span{s.Start + s.len()*i/n, s.Start + s.len()*(i+1)/n})
		}
	}
	var out []span
	for _, s := range split {
		if k := len(out) - 1; k >= 0 && s.End-out[k].Start <= maxPiece && s.Start-out[k].End <= joinGap {
			out[k].End = s.End
			continue
		}
		out = append(out, s)
	}
	return out
}

// edgeErrors are, for each piece, how far its start is from the nearest true onset and its end
// from the nearest true offset.
func edgeErrors(ps, truth []span) (onset, offset []time.Duration) {
	starts := make([]time.Duration, len(truth))
	ends := make([]time.Duration, len(truth))
	for i, s := range truth {
		starts[i], ends[i] = s.Start, s.End
	}
	for _, p := range ps {
		onset = append(onset, nearest(p.Start, starts))
		offset = append(offset, nearest(p.End, ends))
	}
	return onset, offset
}

// nearest is the distance from t to the closest of the sorted points (0 when there are none).
func nearest(t time.Duration, sorted []time.Duration) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i, _ := slices.BinarySearch(sorted, t)
	best := time.Duration(math.MaxInt64)
	for _, j := range []int{i - 1, i} {
		if j >= 0 && j < len(sorted) {
			best = min(best, absDur(t-sorted[j]))
		}
	}
	return best
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of v: the smallest value with at
// least p% of the values at or below it. No interpolation, so every figure is one that occurred.
func percentile(v []time.Duration, p float64) (time.Duration, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1], true
}

// overlap is how much of a lies within b (both sorted, non-overlapping).
func overlap(a, b []span) time.Duration {
	var sum time.Duration
	for _, x := range a {
		for _, y := range b {
			if lo, hi := max(x.Start, y.Start), min(x.End, y.End); hi > lo {
				sum += hi - lo
			}
		}
	}
	return sum
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
