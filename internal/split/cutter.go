package split

import (
	"slices"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

const (
	// SkipPause is the shortest stretch without speech that is left out of the requests of a
	// split input: nobody speaks in it, and the service bills 12.5 tokens for every second
	// of audio. Shorter pauses stay in their segment, where they cost little and keep
	// sentences together.
	SkipPause = 20 * time.Second
	// Pad is how much of a left-out pause is sent on either side of the speech, so a soft first
	// or last syllable is not clipped.
	Pad = 500 * time.Millisecond
	// minDepth is how far inside a pause a cut must be to count as in it.
	minDepth = 50 * time.Millisecond
	// minSent is the least speech a segment must hold to be sent at all.
	minSent = 100 * time.Millisecond
	// FirstSegment is the longest the first segment of a split input may be, whatever the
	// target: it is cut, encoded and sent after reading little more than itself, so the first
	// text arrives within a second or two of the start even for an hour-long recording, while
	// the rest is still being read. One more request than the caps need costs next to nothing.
	FirstSegment = time.Minute
)

// cutter chooses where a long input is cut, incrementally, as the pause finder reports the
// pauses. Each cut aims at the point that splits what remains into equal parts, ideal; it lands
// in a pause within ±tolerance of ideal, the longest and nearest as pauseScore weighs them (the
// later one on a tie), but never beyond target from the previous cut, so no segment exceeds it.
// Where there is no pause in that range (music, noise, a speaker who never stops), the cut goes
// to the quietest 200 ms of the range. Balancing the segments, rather than cutting at every
// target, keeps the last one from being a few seconds long. A pause of SkipPause or more ends a
// segment (Pad after its start) and the next begins Pad before its end, so it is not sent; a
// segment with no speech at all is not sent either. A cut is decided as soon as the finder has
// read SkipPause past the furthest the segment could reach (so a long pause there is known), and
// the first segments are sent while the rest of the input is still being read.
type cutter struct {
	total, target, tol time.Duration
	// emit receives each segment to send, in order.
	emit func(start, end time.Duration) error

	pos      time.Duration // start of the segment being cut
	skipping bool          // pos is in a long pause, starting at skipFrom; the next segment starts at its end
	skipFrom time.Duration
	known    []pauses.Pause // pauses that end after pos, in order
	open     pauses.Pause   // a pause still going on (Start < 0: none)
	through  time.Duration
	quietest func(from, to time.Duration) (time.Duration, bool)

	atPauses, hard int
	skipped        time.Duration // non-speech left out
	sent           int           // segments emitted
}

func newCutter(total, target time.Duration, emit func(start, end time.Duration) error) *cutter {
	return &cutter{total: total, target: target, tol: tolerance(target), emit: emit, open: pauses.Pause{Start: -1}}
}

// tolerance is how far from its ideal point a cut may move to land in a pause: a few seconds,
// or a tenth of a long target, so a pause between sentences is nearly always in reach. It is
// at most target/4, which keeps every cut more than a quarter of target past the previous one.
func tolerance(target time.Duration) time.Duration {
	return min(max(5*time.Second, target/10), target/4)
}

// update takes what the finder reported and emits every segment that is now certain.
func (c *cutter) update(u pauses.Update, d *pauses.Detector) error {
	c.known = append(c.known, u.Pauses...)
	c.through = u.Through
	c.open = pauses.Pause{Start: -1}
	if u.OpenSince >= 0 {
		c.open = pauses.Pause{Start: u.OpenSince, End: u.Through}
	}
	if d != nil {
		c.quietest = d.Quietest
	}
	return c.advance()
}

// finish emits the last segment, once the finder has read everything.
func (c *cutter) finish() error {
	c.open = pauses.Pause{Start: -1}
	c.through = c.total
	if err := c.advance(); err != nil {
		return err
	}
	if !c.skipping && c.pos < c.total {
		return c.send(c.pos, c.total)
	}
	return nil
}

func (c *cutter) advance() error {
	for {
		if c.skipping {
			i := slices.IndexFunc(c.known, func(p pauses.Pause) bool { return p.Start == c.skipFrom })
			if i < 0 {
				return nil // the long pause has not ended yet
			}
			next := max(c.known[i].End-Pad, c.pos)
			if c.known[i].End >= c.total {
				next = c.total
			}
			c.skipped += next - c.pos
			c.pos, c.skipping = next, false
			c.prune()
			continue
		}
		// A long pause ends the segment wherever it starts within reach; the finder must be
		// far enough past the reach to know every such pause.
		target := c.segmentTarget()
		if lp, ok := c.longPause(c.pos + target); ok {
			end := min(lp.Start+Pad, c.total)
			if end > c.pos {
				if err := c.send(c.pos, end); err != nil {
					return err
				}
				c.pos = end
			}
			c.skipping, c.skipFrom = true, lp.Start
			continue
		}
		ideal, lo, hi := c.window(target)
		if c.total-c.pos <= target || c.through < min(c.pos+target+SkipPause, c.total) {
			return nil
		}
		cut := c.choose(ideal, lo, hi)
		if err := c.send(c.pos, cut); err != nil {
			return err
		}
		c.pos = cut
		c.prune()
	}
}

// segmentTarget is the longest the segment being cut may be: target, but FirstSegment for the
// first.
func (c *cutter) segmentTarget() time.Duration {
	if c.sent == 0 {
		return min(c.target, FirstSegment)
	}
	return c.target
}

// window is where the next cut may go: ideal splits what remains evenly into parts of at most
// target; [lo, hi] is the range around it, no further than target from pos. With no cut left to
// make, hi is the end.
func (c *cutter) window(target time.Duration) (ideal, lo, hi time.Duration) {
	remaining := c.total - c.pos
	if remaining <= target {
		return c.total, c.total, c.total
	}
	parts := (remaining + target - 1) / target
	ideal = c.pos + remaining/parts
	tol := min(c.tol, tolerance(target))
	return ideal, ideal - tol, min(ideal+tol, c.pos+target)
}

// longPause returns the first pause of SkipPause or more that starts before reach and is not
// left out yet: known, or still going on and already that long.
func (c *cutter) longPause(reach time.Duration) (pauses.Pause, bool) {
	for _, p := range c.known {
		if p.Start >= reach {
			break
		}
		if p.End-Pad > c.pos && p.Duration() >= SkipPause {
			return p, true
		}
	}
	if o := c.open; o.Start >= 0 && o.Start < reach && o.Duration() >= SkipPause { // not skipped yet: it has not ended
		return o, true
	}
	return pauses.Pause{}, false
}

// choose picks the cut in [lo, hi]: in the best pause there, else at the quietest moment, else at
// ideal itself.
func (c *cutter) choose(ideal, lo, hi time.Duration) time.Duration {
	tol := min(c.tol, tolerance(c.segmentTarget()))
	cut, found, best := ideal, false, 0.0
	consider := func(p pauses.Pause) {
		a, b := max(p.Start, lo, c.pos+1), min(p.End, hi, c.total-1)
		if b < a {
			return
		}
		m := min(max(p.Mid(), a), b) // as near its middle as the range allows
		if min(m-p.Start, p.End-m) < minDepth {
			return // at the pause's very edge: in effect a cut at the start or end of a word
		}
		if score := pauseScore(p, m, ideal, tol); !found || score >= best {
			cut, found, best = m, true, score
		}
	}
	for _, p := range c.known {
		consider(p)
	}
	if c.open.Start >= 0 {
		consider(c.open)
	}
	if found {
		c.atPauses++
		return cut
	}
	c.hard++
	// The quietest moment is sought only where the rest still fits in as few segments as
	// planned, so moving a hard cut never adds a request.
	target := c.segmentTarget()
	parts := (c.total - c.pos + target - 1) / target
	from := max(lo, c.total-(parts-1)*target)
	if c.quietest != nil && from < hi {
		if at, ok := c.quietest(from, hi); ok && at > c.pos {
			return at
		}
	}
	return ideal
}

// pauseScore weighs a pause as a place to cut at m: a longer pause is a surer one (a short quiet
// stretch in noisy speech may be a soft syllable) and more often the end of a sentence; nearer
// the ideal point keeps the segments even. Length counts up to 2 s; being at the edge of the
// range costs as much as 0.1 s of length, so a clear pause a few seconds off beats a doubtful one
// at the ideal point (measured: more cuts in true pauses on noisy speech, docs/eval.md).
func pauseScore(p pauses.Pause, m, ideal, tol time.Duration) float64 {
	// A cut near a pause's edge (where the range clips it) is nearly in speech: the pause counts
	// only as long as the part of it the cut is in the middle of.
	length := min(2*min(m-p.Start, p.End-m), 2*time.Second).Seconds()
	if tol <= 0 {
		return length
	}
	return length - 0.1*absDuration(m-ideal).Seconds()/tol.Seconds()
}

// send emits [start, end] unless nobody speaks in it.
func (c *cutter) send(start, end time.Duration) error {
	if end-start-c.quietIn(start, end) < minSent {
		c.skipped += end - start
		return nil
	}
	c.sent++
	return c.emit(start, end)
}

// quietIn is how much of [start, end] the known pauses cover.
func (c *cutter) quietIn(start, end time.Duration) time.Duration {
	var q time.Duration
	for _, p := range append(slices.Clip(c.known), c.open) {
		if p.Start < 0 {
			continue
		}
		if a, b := max(p.Start, start), min(p.End, end); b > a {
			q += b - a
		}
	}
	return q
}

// prune forgets the pauses that end before pos.
func (c *cutter) prune() {
	i := 0
	for i < len(c.known) && c.known[i].End <= c.pos {
		i++
	}
	c.known = c.known[i:]
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Cuts returns the segments the cutter makes of a recording of length total whose pauses are
// all known, for segments of at most target: where no pause is in reach the cut is at the ideal
// point (there are no levels to find the quietest moment in).
func Cuts(ps []pauses.Pause, total, target time.Duration) [][2]time.Duration {
	var segs [][2]time.Duration
	c := newCutter(total, target, func(start, end time.Duration) error {
		segs = append(segs, [2]time.Duration{start, end})
		return nil
	})
	_ = c.update(pauses.Update{Pauses: ps, Through: total, OpenSince: -1}, nil) // emit never fails
	_ = c.finish()
	return segs
}
