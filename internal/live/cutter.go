package live

import (
	"fmt"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// Utterance is one stretch of speech, cut as it ended.
type Utterance struct {
	Index      int           // 0, 1, 2... in source order
	Start, End time.Duration // source time: samples from the start of the stream (plus gaps, see Gap)
	Samples    []int16       // the unfiltered (RIGHT channel) 16 kHz mono audio of [Start, End)
	Reason     string        // why it was cut: "pause", "cue-max", "gap" (the source dropped), "end"
}

// String says which utterance it is, for logs: "#3 12.34s–15.6s (pause)".
func (u Utterance) String() string {
	return fmt.Sprintf("#%d %v–%v (%s)", u.Index, u.Start, u.End, u.Reason)
}

// Why an utterance was cut (Utterance.Reason).
const (
	ReasonPause  = "pause"
	ReasonCueMax = "cue-max"
	ReasonGap    = "gap"
	ReasonEnd    = "end"
)

// CutterOptions tune the cutter.
type CutterOptions struct {
	Threshold float64       // fixed dBFS threshold, 0 = measured (as pauses.Options.Threshold)
	MinPause  time.Duration // 0 = pauses.DefaultMinPause
	CueMax    time.Duration // 0 = 7 s
}

// DefaultCueMax is the longest utterance when CutterOptions.CueMax is zero: a caption's worth.
const DefaultCueMax = 7 * time.Second

// An utterance starts preRoll before its speech (a soft onset, a breath, is under the threshold
// that found it) and ends up to postRoll into the pause after it (a voice fades rather than
// stops). While nobody speaks, keepQuiet of audio is kept for the pre-roll of the speech to come:
// speech is recognised a little after its onset (it must last pauses.MinSpeech).
//
// A pause cuts once the detector holds it for one (its quiet run has lasted the minimum pause)
// and it has lasted pastTail (or half the minimum pause, if less) past the speech's fading tail
// (pauses.Pause.Start): a quiet run of 0.2 s of which 0.15 s is the voice fading out is more
// often a dip inside a phrase than the end of one. On the evaluation set (docs/eval.md, 60
// recordings, 1095 true pauses of 0.2 s or more) this took the cuts that fall inside speech from
// 222 to 125, for 39 more true pauses of 0.2-0.35 s not cut at (62 in all, none longer), and the
// time from the end of speech to the cut from 141 to 165 ms (median) and 225 to 251 ms (p95).
const (
	pastTail  = 100 * time.Millisecond
	preRoll   = 200 * time.Millisecond
	postRoll  = 150 * time.Millisecond
	keepQuiet = 2 * time.Second
)

// maxGaps bounds the short gaps kept for a cut at the maximum length: speech has fewer than one
// a second (20 to 60 in 100 s of the evaluation set's), and an utterance lasts a minute at most.
const maxGaps = 256

// sampleTime is the length of one sample at pauses.SampleRate: 62.5 µs, exactly.
const sampleTime = time.Second / pauses.SampleRate

func samplesOf(d time.Duration) int64 { return int64(d / sampleTime) }
func timeOf(s int64) time.Duration    { return time.Duration(s) * sampleTime }

// frameSamples is how much the cutter feeds the detector at a time (its 10 ms frame), so that a
// cut is decided at the frame where it became certain, whatever the size of the caller's writes.
const frameSamples = pauses.SampleRate / 100

// Cutter cuts a live stream of interleaved stereo 16 kHz audio (left: band-limited for detection;
// right: the audio to send) into utterances as they end, with a live pauses.Detector: an
// utterance ends where its speaker pauses for the minimum pause, or, when the speaker does not
// pause, at the quietest moment of its later half before it grows longer than the maximum. It
// holds only the audio since the last cut (at most the maximum plus the pre-roll and a little),
// so memory stays flat however long the stream runs. It is not safe for concurrent use.
//
// All positions inside are in samples since the current detector began (it begins again after a
// Gap); offset turns them into source time.
type Cutter struct {
	opts              CutterOptions
	cueMax, minSpeech int64 // samples
	minCut            int64 // how long a pause must have lasted past the speech's tail to cut
	minGap            int64 // pauses.MinGap
	preRoll, postRoll int64
	keepQuiet         int64
	det               *pauses.Detector
	offset            time.Duration // source time of the detector's first sample
	fed               int64         // samples fed to the detector
	pair              [2]int16      // pair[0]: a left sample waiting for its right one
	hasOdd            bool
	left              []int16 // scratch: one frame of the left channel
	buf               []int16 // right channel from bufStart to fed
	bufStart          int64
	through           int64 // of the detector's last update
	classified        int64 // the detector's Classified
	// quietFrom is where the speaker went quiet, if he is quiet now: the start of a pause open
	// or of a quiet run too short yet to be one; -1 while he speaks.
	quietFrom int64

	index    int
	lastCut  int64 // end of the last utterance (or where the detector began)
	pos      int64 // speech may begin here: the end of the last pause, or the last cut
	speechAt int64 // the first speech of the utterance in progress, -1 when none
	start    int64 // the utterance's start (pre-roll included), when speechAt >= 0
	// inPause: a pause is going on (the detector reported it open); the next pause reported is
	// that one, and its end is where speech begins again. quiet: the last cut was made in a quiet
	// run too short yet to be a pause; what follows it is not speech until the speaker resumes.
	inPause, quiet bool
	openThrough    int64          // Through when the pause was reported open
	gaps           []pauses.Pause // short quiet stretches inside the utterance, for cue-max cuts
	closed         bool
	out            []Utterance
}

// NewCutter returns a Cutter.
func NewCutter(o CutterOptions) *Cutter {
	if o.MinPause <= 0 {
		o.MinPause = pauses.DefaultMinPause
	}
	if o.CueMax <= 0 {
		o.CueMax = DefaultCueMax
	}
	c := &Cutter{
		opts:      o,
		cueMax:    samplesOf(o.CueMax),
		minSpeech: samplesOf(pauses.MinSpeech),
		minGap:    samplesOf(pauses.MinGap),
		minCut:    samplesOf(min(pastTail, o.MinPause/2)),
		preRoll:   samplesOf(preRoll),
		postRoll:  samplesOf(postRoll),
		keepQuiet: samplesOf(keepQuiet),
		left:      make([]int16, frameSamples),
	}
	c.reset()
	return c
}

// reset starts a new detector at the current source time.
func (c *Cutter) reset() {
	c.det = pauses.NewLiveDetector(c.opts.Threshold, c.opts.MinPause)
	c.fed, c.bufStart, c.buf = 0, 0, c.buf[:0]
	c.through, c.classified, c.quietFrom = 0, 0, -1
	c.lastCut, c.pos, c.speechAt, c.start = 0, 0, -1, 0
	c.inPause, c.quiet, c.hasOdd = false, false, false
	c.gaps = c.gaps[:0]
}

// Now is the source time of the audio received so far (including gaps).
func (c *Cutter) Now() time.Duration { return c.offset + timeOf(c.fed) }

// Write takes interleaved stereo samples (left, right, left, right...; an odd trailing sample is
// kept for the next Write) and returns the utterances that ended, in order. The slice and the
// samples in it are the caller's: the cutter keeps no reference to them.
func (c *Cutter) Write(stereo []int16) []Utterance {
	c.out = nil
	if c.closed || len(stereo) == 0 {
		return nil
	}
	if c.hasOdd {
		c.hasOdd, c.pair[1] = false, stereo[0]
		c.feed(c.pair[:])
		stereo = stereo[1:]
	}
	if len(stereo)%2 == 1 {
		c.pair[0], c.hasOdd = stereo[len(stereo)-1], true
		stereo = stereo[:len(stereo)-1]
	}
	c.feed(stereo)
	return c.out
}

// feed runs whole stereo pairs through the detector a frame at a time.
func (c *Cutter) feed(stereo []int16) {
	for len(stereo) > 0 {
		n := frameSamples - int(c.fed%frameSamples)
		if c.speechAt >= 0 {
			// Stop exactly where the utterance reaches its maximum length.
			if room := c.start + c.cueMax - c.fed; room > 0 {
				n = min(n, int(room))
			}
		}
		n = min(n, len(stereo)/2)
		left := c.left[:n]
		for i := range n {
			left[i] = stereo[2*i]
			c.buf = append(c.buf, stereo[2*i+1])
		}
		stereo = stereo[2*n:]
		u := c.det.Write(left)
		c.fed += int64(n)
		c.handle(u, ReasonPause)
		c.cutAtCueMax()
		c.trim()
	}
}

// Gap says the source dropped and came back after d: the utterance in progress (if it has speech)
// is cut where the audio stopped (Reason "gap"), and source time jumps ahead by d. Returns what
// was cut.
func (c *Cutter) Gap(d time.Duration) []Utterance {
	c.out = nil
	if c.closed {
		return nil
	}
	c.finish(ReasonGap)
	c.offset += timeOf(c.fed) + max(d, 0)
	c.reset()
	return c.out
}

// Close ends the stream: speech still in progress is the last utterance (Reason "end").
func (c *Cutter) Close() []Utterance {
	c.out = nil
	if c.closed {
		return nil
	}
	c.finish(ReasonEnd)
	c.closed = true
	return c.out
}

// finish closes the detector and cuts what is left of the utterance in progress.
func (c *Cutter) finish(reason string) {
	u := c.det.Close()
	c.handle(u, reason)
	c.cutAtCueMax()
	if c.speechAt >= 0 {
		c.cut(c.fed, c.fed, reason)
	}
}

// handle follows the detector's update: speech begins where a pause ends (or where the stream
// starts without one), and an utterance ends where a pause begins, as soon as the pause is known
// to be one (OpenSince). final is the reason of a cut at a pause that runs to the end.
func (c *Cutter) handle(u pauses.Update, final string) {
	for _, g := range u.Gaps {
		if samplesOf(g.Start) >= c.lastCut {
			if len(c.gaps) == maxGaps { // far more than an utterance holds: keep the later half
				c.gaps = append(c.gaps[:0], c.gaps[maxGaps/2:]...)
			}
			c.gaps = append(c.gaps, g)
		}
	}
	for _, p := range u.Pauses {
		start, end := samplesOf(p.Start), samplesOf(p.End)
		switch {
		case c.inPause: // the pause the last cut was made at
		case c.quiet: // it began in the quiet run a cut was made in
		default:
			c.speechUpTo(start)
			if c.speechAt >= 0 && (end >= c.fed || end-start >= c.minCut) {
				reason := ReasonPause
				if end >= c.fed {
					reason = final
				}
				c.cut(min(start+c.postRoll, end), start, reason)
			}
		}
		c.inPause, c.quiet = false, false
		c.pos = max(c.pos, end)
	}
	c.through = samplesOf(u.Through)
	c.classified = samplesOf(c.det.Classified())
	switch {
	case u.OpenSince >= 0:
		c.quietFrom = samplesOf(u.OpenSince)
	case c.through < c.classified:
		c.quietFrom = c.through
	default:
		c.quietFrom = -1
	}
	switch {
	case c.inPause && u.OpenSince < 0 && c.through > c.openThrough:
		// The pause reported open went on as speech without ending as a pause (a live detector
		// does not do that; should one, the speech after the cut is not lost).
		c.inPause, c.pos = false, c.lastCut
		c.speechUpTo(c.through)
	case c.inPause:
	case u.OpenSince >= 0:
		open := samplesOf(u.OpenSince)
		if !c.quiet {
			c.speechUpTo(open)
		}
		if c.speechAt >= 0 && c.through-open < c.minCut {
			break // the pause has not lasted long enough past the fading end of the speech
		}
		if c.speechAt >= 0 {
			c.cut(min(open+c.postRoll, c.fed), open, ReasonPause)
		}
		c.inPause, c.quiet, c.openThrough = true, false, c.through
	case c.through > c.pos:
		c.speechUpTo(c.through)
		c.quiet = false
	}
}

// speechUpTo notes that what lies between pos and limit is speech.
func (c *Cutter) speechUpTo(limit int64) {
	if limit > c.pos && c.speechAt < 0 {
		c.speechAt = c.pos
		c.start = max(c.pos-c.preRoll, c.lastCut, c.bufStart)
	}
}

// cutAtCueMax cuts the utterance in progress when it has reached the maximum length, where the
// speaker was quiet longest in its later half: in the middle of a short gap, or where he went
// quiet if a quiet run too short yet for a pause is going on (and is no shorter); else at the
// quietest moment there. What follows a cut in speech is at least MinSpeech of it, so no fragment
// of a word makes an utterance of its own.
func (c *Cutter) cutAtCueMax() {
	for c.speechAt >= 0 && c.fed-c.start >= c.cueMax {
		limit := c.start + c.cueMax
		lo, hi := c.start+c.cueMax/2, min(c.through-c.minSpeech, limit)
		at, longest := int64(-1), c.minGap-1
		for _, g := range c.gaps {
			if mid, n := samplesOf(g.Mid()), samplesOf(g.Duration()); mid >= lo && mid <= hi && n >= longest {
				at, longest = mid, n
			}
		}
		if q := c.quietFrom; q > c.speechAt+c.minSpeech && q < limit && c.classified-q >= longest {
			end := min(q+c.postRoll, limit, c.fed)
			c.cut(end, q, ReasonCueMax)
			c.pos, c.quiet, c.quietFrom = end, true, -1
			continue
		}
		if at < 0 && hi > lo {
			if q, ok := c.det.Quietest(timeOf(lo), timeOf(hi)); ok {
				at = min(max(samplesOf(q), lo), hi)
			}
		}
		if at <= c.start {
			at = limit
		}
		c.cut(at, at, ReasonCueMax)
		// The speech goes on after the cut: the next utterance starts there.
		c.pos, c.quiet = at, false
		c.speechAt, c.start = at, at
	}
}

// cut ends the utterance in progress at end (its speech ended at speechEnd) and hands it over,
// unless its speech is shorter than pauses.MinSpeech (a click, or the last of a fading tail).
func (c *Cutter) cut(end, speechEnd int64, reason string) {
	start := c.start
	if c.speechAt >= 0 && end > start && speechEnd-c.speechAt >= c.minSpeech {
		samples := make([]int16, end-start)
		copy(samples, c.buf[start-c.bufStart:end-c.bufStart])
		c.out = append(c.out, Utterance{
			Index:   c.index,
			Start:   c.offset + timeOf(start),
			End:     c.offset + timeOf(end),
			Samples: samples,
			Reason:  reason,
		})
		c.index++
	}
	c.lastCut = max(c.lastCut, end)
	c.speechAt = -1
	c.gaps = c.gaps[:0]
}

// trim drops the audio no utterance can need any more: before the utterance in progress, or,
// while nobody speaks, older than keepQuiet (and never past the last cut's end). It moves the
// audio down once a second's worth can go, so the buffer stays within the maximum utterance plus
// a few seconds.
func (c *Cutter) trim() {
	keep := max(c.lastCut, c.fed-c.keepQuiet)
	if c.speechAt >= 0 {
		keep = c.start
	}
	if drop := keep - c.bufStart; drop >= pauses.SampleRate {
		n := copy(c.buf, c.buf[drop:])
		c.buf = c.buf[:n]
		c.bufStart = keep
	}
}
