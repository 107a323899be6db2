package pauses

import (
	"math"
	"time"
)

// The analysis works on 16 kHz mono samples in frames of 10 ms: short enough to place a pause's
// edges within a few tens of milliseconds, long enough for a frame's energy to mean something.
const (
	// SampleRate is the rate the Detector expects its samples at.
	SampleRate   = 16000
	frameSamples = SampleRate / 100
	frameLen     = 10 * time.Millisecond
)

// Levels are measured over a window of the recording around the frame being classified, so they
// follow a recording whose levels change (a second speaker, a noisier room): 30 s is long enough
// to hold both pauses and speech in any talk, short enough to follow a change within a minute.
// The window reaches 2 s past the frame, and the first decision waits for 10 s of audio, so the
// opening seconds are judged on more than themselves.
const (
	windowFrames    = 3000 // 30 s
	lookaheadFrames = 200  // 2 s
	initialFrames   = 1000 // 10 s
	statsEvery      = 10   // frames between recomputing the thresholds
)

// Thresholds, in dB, between a window's noise floor (its 10th percentile of frame levels: the
// quiet between words and sentences) and its speech level (its 95th percentile: vowels). The floor
// is the higher of the 30-second window's and the near window's (4 s around the frame), so a
// quiet stretch (a silent intro, a pause in a quieter room) does not lower the floor of the noisy
// speech beside it. Speech begins above hi and ends below lo (hysteresis, so noise around one
// threshold does not flicker). hi and lo sit at least 6 and 3 dB over the floor, so stationary
// noise alone never reads as speech, and a share of the way up to the speech level (half for hi,
// so other voices or music well under the speaker do not start speech; a fifth for lo, so quiet
// syllables still count); they need never be more than 35 and 45 dB under the speech level,
// which keeps a recording with digital silence between its words from treating a breath as
// speech. The shares were chosen on the evaluation set (docs/eval.md).
const (
	nearFrames       = 400 // 4 s
	floorPercentile  = 0.10
	speechPercentile = 0.95
	hiMinOverFloor   = 6
	loMinOverFloor   = 3
	hiShare          = 0.5
	loShare          = 0.2
	hiMaxUnderSpeech = 35
	loMaxUnderSpeech = 45
	// fixedHysteresis is how far above a fixed threshold (Options.Threshold) speech must rise to
	// begin again.
	fixedHysteresis = 4
)

const (
	// DefaultMinPause is the shortest quiet stretch inside speech that is a pause: longer than
	// the gaps between words and the closures of stop consonants (up to about 0.15 s), as short as
	// the shortest pause between phrases.
	DefaultMinPause = 200 * time.Millisecond
	// MinGap is the shortest quiet stretch inside speech that is reported as a gap (Update.Gaps).
	MinGap = 100 * time.Millisecond
	// MinSpeech is the shortest sound between two pauses that is speech; shorter ones are clicks
	// and taps, and the pause runs on through them.
	MinSpeech = 80 * time.Millisecond
	// minEdgePause is the shortest quiet stretch at the very start or end that is reported: a cue
	// should start where the voice does, however short the lead-in.
	minEdgePause = 50 * time.Millisecond
)

// The fade at the end of a phrase (tail), measured on the evaluation set: a voice fades at about
// 150 dB a second down to 39 dB under its speech level; no tail is longer than 0.3 s, and what
// noise hides of one is counted for at most 0.13 s (past that, voices that stop short, as
// synthetic ones do, would end late by more than real ones end early).
const (
	tailDecay       = 150.0 // dB a second
	tailDepth       = 39.0  // dB under the speech level
	maxTailFrames   = 30
	maxHiddenFrames = 13
	// A fade in sight is followed down to fadeDepth under the speech level, or to fadeOverFloor
	// over the pause's floor, whichever is higher.
	fadeDepth        = 40.0
	fadeOverFloor    = 5.0
	fadeRise         = 1.0 // dB a frame a fade may rise (smoothed levels wobble)
	releaseOverFloor = 10.0
	quietFloorDepth  = 35.0 // a quiet recording's floor is this far under its speech level
	// A room's tail (reverbLead): at least minReverbFrames of steady decay (rising no more than
	// reverbRise over its lowest level so far) reverbUnderSpeech under the speech level, looked for
	// up to maxReverbFrames back; the speech is taken to end keepReverbFrames into it.
	reverbUnderSpeech = 12.0
	reverbRise        = 3.0
	minReverbFrames   = 35
	maxReverbFrames   = 100
	keepReverbFrames  = 5
)

// minLevel is the floor of the dB scale: digital silence reads as this, not as -Inf.
const minLevel = -120.0

// silentBin is the level under which a frame is digital silence or dither, not a room: -100 dBFS.
// minHi is the quietest speech can be, whatever the recording: a voice at -70 dBFS is 50 dB under
// a normal recording level, and the hiss of 16-bit dither (-100 to -90 dBFS) is never speech.
var silentBin = levelBin(-100)

const minHi = -70.0

// Levels are what the detector measured of one stretch of a recording, in dBFS.
type Levels struct {
	NoiseFloor  float64 // the quiet between words
	SpeechLevel float64 // the loud parts of speech
	Threshold   float64 // below which a stretch is quiet (the lower of the two thresholds)
}

// Update tells a Detector's caller how far the classification has come.
type Update struct {
	// Pauses are the pauses that became certain since the last update, in order.
	Pauses []Pause
	// Gaps are the quiet stretches inside speech too short to be pauses (MinGap or more, under
	// the minimum pause) that ended since the last update: where a phrase too long to keep whole
	// is best divided.
	Gaps []Pause
	// Through is the time up to which the classification is final (it trails the audio read by
	// up to a second, while a pause's start may still move back over a room's tail; not so in a
	// live detector, see NewLiveDetector): every pause
	// that ends before it has been reported, and what is not a reported pause before it is
	// speech, except that [OpenSince, Through] is quiet when OpenSince is not negative.
	Through time.Duration
	// OpenSince, when not negative, is the start of a pause still going on at Through: it has
	// lasted at least the minimum length, so it is a pause; where it ends is not known yet.
	OpenSince time.Duration
}

// Detector finds pauses in a stream of 16 kHz mono samples, incrementally: it reads the audio
// once, holds a few seconds of frame levels, and reports each pause as soon as it is certain.
// It is not safe for concurrent use.
type Detector struct {
	fixed    bool
	fixedThr float64
	minPause int // frames

	// How long the classification waits: for the first decision (initial), behind the audio
	// (lookahead), and how far Through trails the classified frames (settle), all in frames. A
	// file's detector waits long (initialFrames, lookaheadFrames, maxReverbFrames); a live one
	// hardly at all (NewLiveDetector).
	initial, lookahead, settle int
	// live: a quiet run is open only up to where the level rose over lo (see update).
	live bool

	// Frames in: raw energies of the last frames, for smoothing.
	partial     []int16 // samples of an incomplete frame
	raw         [3]float64
	rawN        int // frames received
	smoothedN   int // smoothed frames produced
	pending     []float64
	pendingBase int // frame index of pending[0]

	hist       histogram // levels of the window
	near       histogram // levels of the near window (the last nearFrames of window)
	window     []uint16  // ring of the window's level bins
	hi, lo     float64
	sinceStats int

	// Classification state: frame index of the next frame to classify.
	next        int
	inSpeech    bool
	quietStart  int // the current quiet run's first frame (a tentative pause), when !inSpeech
	quietTail   int // frames of the speech's tail in the quiet run (see tail), once tailKnown
	tailKnown   bool
	quietLo     float64 // lo and the speech level when the quiet run began
	quietSpeech float64
	speechLevel float64
	aboveLoFrom int // first frame of the current run at or above lo, -1 when below
	held        *framePause
	updates     []Pause
	gaps        []Pause
	emitted     int // frames: end of the last reported pause

	// Recent classified levels, for Quietest.
	recent     []float32
	recentBase int // frame index of recent[0]
	// track holds every frame's level, in whole dB, when the caller asked for it (KeepTrack).
	track     []int8
	keepTrack bool

	// Summaries of the measured levels, one sample a second.
	floorHist, speechHist, thrHist histogram
	levelsSeen                     int
}

// framePause is a pause in frames; its speech ends tail frames after start (see tailFrames).
type framePause struct{ start, end, tail int }

// recentFrames bounds how far back Quietest can look: 4 minutes.
const recentFrames = 24000

// NewDetector returns a Detector. A non-zero threshold (dBFS) replaces the measured ones; a
// non-positive minPause means DefaultMinPause.
func NewDetector(threshold float64, minPause time.Duration) *Detector {
	if minPause <= 0 {
		minPause = DefaultMinPause
	}
	d := &Detector{
		minPause:    int(math.Round(float64(minPause) / float64(frameLen))),
		initial:     initialFrames,
		lookahead:   lookaheadFrames,
		settle:      maxReverbFrames,
		aboveLoFrom: -1,
		window:      make([]uint16, 0, windowFrames),
		quietStart:  0,
		tailKnown:   true, // the lead-in follows no speech
	}
	if threshold != 0 {
		d.fixed, d.fixedThr = true, threshold
		d.lo, d.hi = threshold, threshold+fixedHysteresis
	}
	return d
}

// Live mode: the classification waits for liveInitialFrames of audio before its first decision
// (then classifies that first second with what it measured of it), classifies each frame as soon
// as its smoothed level is known (one frame after it), and does not hold Through back for a room's
// tail. The window and thresholds are those of the file mode; the window only lies behind the
// frame instead of around it.
const liveInitialFrames = 100 // 1 s

// NewLiveDetector returns a Detector for audio that arrives as it is spoken, whose caller must
// act on a pause as soon as it has lasted minPause: OpenSince is reported as soon as the quiet
// run reaches minPause, about 10 ms after it did in the audio, where a file's detector
// (NewDetector) answers 2 s behind the audio and 3 s behind for Through. The quiet run counts
// only up to where the level rose over the lower threshold (where speech after it would begin),
// so a pause reported open is always reported as a pause later; it stays open, with Through at
// the sound after it, while that sound is too short yet to be speech; a quiet lead-in is open
// from 50 ms. Through never goes back. The price is that levels are judged on the past alone,
// from the first second on, and that Through is not held back for a room's tail: a pause after
// reverberation may start (Pause.Start, OpenSince) before an earlier update's Through.
// Arguments as for NewDetector.
func NewLiveDetector(threshold float64, minPause time.Duration) *Detector {
	d := NewDetector(threshold, minPause)
	d.initial, d.lookahead, d.settle, d.live = liveInitialFrames, 0, 0, true
	return d
}

// Classified is the end of the audio classified so far. Through lags it while what follows
// Through is not final yet: a quiet run too short yet to be a pause (Through is then where it
// began), or, in a live detector, the sound after an open pause; in a file's detector, always.
func (d *Detector) Classified() time.Duration { return frameTime(d.next) }

// Write feeds samples; it returns what became certain.
func (d *Detector) Write(samples []int16) Update {
	for len(samples) > 0 {
		if len(d.partial) > 0 || len(samples) < frameSamples {
			n := min(frameSamples-len(d.partial), len(samples))
			d.partial = append(d.partial, samples[:n]...)
			samples = samples[n:]
			if len(d.partial) == frameSamples {
				d.addFrame(d.partial)
				d.partial = d.partial[:0]
			}
			continue
		}
		d.addFrame(samples[:frameSamples])
		samples = samples[frameSamples:]
	}
	return d.update()
}

// Close ends the stream: the rest is classified with what was measured, and a pause still open
// runs to the end.
func (d *Detector) Close() Update {
	if len(d.partial) > 0 {
		d.addFrame(d.partial) // a short last frame is weighed as a whole one
		d.partial = d.partial[:0]
	}
	if d.rawN > 0 {
		d.emitSmoothed(d.rawN-1, (d.raw[(d.rawN-2+3)%3]+d.raw[(d.rawN-1)%3])/2, true)
	}
	d.computeThresholds() // the end of the recording is judged on the last window
	d.classifyThrough(d.smoothedN)
	end := d.next
	switch {
	case d.inSpeech && d.held != nil && end-d.held.end < d.frames(MinSpeech):
		d.report(framePause{d.held.start, end, d.held.tail}) // the sound after the held pause was a click
		d.held = nil
	case d.inSpeech:
		d.release()
	case end-d.quietStart >= d.frames(minEdgePause):
		d.report(framePause{d.quietStart, end, d.runTail(end)})
	}
	u := d.update()
	u.Through, u.OpenSince = frameTime(end), -1
	return u
}

func (d *Detector) frames(t time.Duration) int {
	return int(math.Round(float64(t) / float64(frameLen)))
}

func frameTime(i int) time.Duration { return time.Duration(i) * frameLen }

// Duration is the length of audio received so far.
func (d *Detector) Duration() time.Duration {
	return time.Duration(d.rawN*frameSamples+len(d.partial)) * time.Second / SampleRate
}

// addFrame computes a frame's mean energy (full scale = 1) and smooths it over three frames, so
// one frame between two syllables does not decide anything.
func (d *Detector) addFrame(s []int16) {
	var sum float64
	for _, v := range s {
		x := float64(v)
		sum += x * x
	}
	e := sum / float64(len(s)) / (32768 * 32768)
	d.raw[d.rawN%3] = e
	d.rawN++
	switch n := d.rawN; {
	case n == 2:
		d.emitSmoothed(0, (d.raw[0]+d.raw[1])/2, false)
	case n > 2:
		d.emitSmoothed(n-2, (d.raw[0]+d.raw[1]+d.raw[2])/3, false)
	}
}

// emitSmoothed adds the smoothed level of frame i to the window and the queue of frames to
// classify.
func (d *Detector) emitSmoothed(i int, e float64, last bool) {
	if i < d.smoothedN {
		return
	}
	if d.rawN == 1 && last { // a single frame
		e = d.raw[0]
	}
	level := minLevel
	if e > 0 {
		level = max(10*math.Log10(e), minLevel)
	}
	d.smoothedN = i + 1
	d.pending = append(d.pending, level)
	bin := levelBin(level)
	if i >= nearFrames {
		d.near.remove(d.window[(i-nearFrames)%windowFrames])
	}
	d.near.add(bin)
	if len(d.window) == windowFrames {
		k := i % windowFrames
		d.hist.remove(d.window[k])
		d.window[k] = bin
	} else {
		d.window = append(d.window, bin)
	}
	d.hist.add(bin)
	d.sinceStats++
	// Each frame is classified with the window as it stands when the frame's lookahead has
	// arrived, whatever the sizes of the writes that brought the samples: the result depends on
	// the audio alone.
	if !last && d.smoothedN >= d.initial {
		d.classifyThrough(d.smoothedN - d.lookahead)
	}
}

// classifyThrough classifies the frames before limit.
func (d *Detector) classifyThrough(limit int) {
	for d.next < limit {
		if d.sinceStats >= statsEvery || d.next == 0 {
			d.computeThresholds()
		}
		level := d.pending[d.next-d.pendingBase]
		d.classify(d.next, level)
		d.remember(d.next, level)
		d.next++
	}
	// Drop classified levels from the queue now and then.
	if k := d.next - d.pendingBase; k > 4096 {
		d.pending = append(d.pending[:0], d.pending[k:]...)
		d.pendingBase = d.next
	}
}

func (d *Detector) computeThresholds() {
	d.sinceStats = 0
	// The near window's floor leaves digital silence out: noise that starts after a silent intro
	// (or a muted stretch) is the floor of what follows, not speech over a floor of zeros.
	floor := binLevel(max(d.hist.percentile(floorPercentile), d.near.percentileFrom(floorPercentile, silentBin)))
	speech := binLevel(d.hist.percentile(speechPercentile))
	d.speechLevel = speech
	if !d.fixed {
		spread := max(speech-floor, 0)
		d.hi = max(floor+max(hiMinOverFloor, hiShare*spread), speech-hiMaxUnderSpeech, minHi)
		d.lo = max(floor+max(loMinOverFloor, loShare*spread), speech-loMaxUnderSpeech, minHi-fixedHysteresis)
		d.lo = min(d.lo, d.hi)
	}
	// One sample a second for the summary, of the stretches with sound: a silent intro is not
	// what the recording's levels are.
	if d.next/100 >= d.levelsSeen && d.near.percentileFrom(0.5, silentBin) > 0 {
		d.levelsSeen = d.next/100 + 1
		d.floorHist.add(levelBin(floor))
		d.speechHist.add(levelBin(speech))
		d.thrHist.add(levelBin(d.lo))
	}
}

// classify moves the speech/pause state machine by one frame.
func (d *Detector) classify(i int, level float64) {
	if level >= d.lo {
		if d.aboveLoFrom < 0 {
			d.aboveLoFrom = i
		}
	} else {
		d.aboveLoFrom = -1
	}
	if d.inSpeech {
		if d.held != nil && i-d.held.end >= d.frames(MinSpeech) {
			d.release()
		}
		if level < d.lo {
			d.inSpeech = false
			d.quietStart, d.tailKnown = i, false
			d.quietLo, d.quietSpeech = d.lo, d.speechLevel
			if d.held != nil { // speech since the held pause was shorter than MinSpeech
				d.quietStart, d.quietTail, d.tailKnown = d.held.start, d.held.tail, true
				d.held = nil
			}
		}
		return
	}
	if !d.tailKnown && i-d.quietStart >= d.minPause+maxTailFrames {
		d.quietTail, d.tailKnown = d.tail(d.quietStart, i), true
	}
	if level < d.hi {
		return
	}
	// Speech begins where the level first rose over lo on its way up.
	onset := d.aboveLoFrom
	d.inSpeech = true
	length := onset - d.quietStart
	switch {
	case d.quietStart == 0 && length >= d.frames(minEdgePause): // the lead-in
		d.held = &framePause{0, onset, 0}
	case length >= d.minPause:
		d.held = &framePause{d.quietStart, onset, d.runTail(onset)}
	case length >= d.frames(MinGap) && d.quietStart > 0:
		d.gaps = append(d.gaps, Pause{Start: frameTime(d.quietStart), End: frameTime(onset)})
	}
	if d.held != nil && i+1-d.held.end >= d.frames(MinSpeech) {
		d.release()
	}
}

// tail is how long the end of the phrase before the quiet run [start, end) goes on in it. A voice
// fades out rather than stops: the last syllable's breath, a soft consonant, a real voice's slow
// decay. Where the fade can be seen (the pause's own floor, its quietest frame among the first
// minPause, lies well under it), it is followed down to fadeDepth under the speech level. What
// the noise hides of it is estimated: a voice fades at about tailDecay from tailDepth under its
// speech level, so from where it went out of sight the rest lasts (that level - (speech level -
// tailDepth)) / tailDecay, at most maxHiddenFrames: nothing in a quiet recording, 0.13 s at 10
// dB signal-to-noise. The
// levels are those of the run's first frames, so the tail is known once the run has lasted
// minPause + maxTailFrames, whatever comes later.
func (d *Detector) tail(start, end int) int {
	if lead := d.reverbLead(start); lead >= minReverbFrames {
		return keepReverbFrames - lead // the speech ended where the room's tail began
	}
	end = min(end, start+d.minPause+maxTailFrames)
	floor := 0.0
	for i := start; i < min(end, start+d.minPause); i++ {
		floor = min(floor, d.levelAt(i))
	}
	seen := max(floor+fadeOverFloor, d.quietSpeech-fadeDepth)
	visible := 0
	for i := start; i < end && visible < maxTailFrames && d.levelAt(i) > seen; i++ {
		if i > start && d.levelAt(i) > d.levelAt(i-1)+fadeRise {
			break // rising again: not the voice's fade but what is around it
		}
		visible++
	}
	// A word's last consonant may follow its vowel after a short closure (the release of a final
	// t or k): in a quiet recording, where the floor is far under the speech, a sound clearly over the
	// floor soon after is still the speaker's. (Over noise it is lost in the noise, and over other
	// voices it cannot be told from them.)
	if floor <= d.quietSpeech-quietFloorDepth {
		for i := start + visible; i < min(end, start+maxTailFrames); i++ {
			if d.levelAt(i) > max(floor+releaseOverFloor, seen) {
				visible = i + 1 - start
			}
		}
	}
	hidden := min(seen, d.quietLo) - (d.quietSpeech - tailDepth)
	return min(visible+min(int(max(hidden/tailDecay*100, 0)), maxHiddenFrames), maxTailFrames)
}

// reverbLead is how long the sound before start was a room's tail rather than speech: a long,
// steady decay well under the speech level (a voice's syllables rise and fall; the reverberation
// of a room after the voice stops only falls), which kept the level over lo after the speaker had
// stopped. It is looked for up to maxReverbFrames back, never into the pause before.
func (d *Detector) reverbLead(start int) int {
	ceiling := d.quietSpeech - reverbUnderSpeech
	j := start - 1
	top := d.levelAt(j)
	for ; j >= max(start-maxReverbFrames, d.emitted, 0); j-- {
		l := d.levelAt(j)
		if l >= ceiling || l < top-reverbRise {
			break // speech, or a rise after j: not a steady decay
		}
		top = max(top, l)
	}
	return start - 1 - j
}

// runTail is the tail of the current quiet run, which ends at end (or goes on past it).
func (d *Detector) runTail(end int) int {
	if d.tailKnown {
		return d.quietTail
	}
	return d.tail(d.quietStart, end)
}

// levelAt is the level of a classified frame still in recent (digital silence once forgotten).
func (d *Detector) levelAt(i int) float64 {
	if k := i - d.recentBase; k >= 0 && k < len(d.recent) {
		return float64(d.recent[k])
	}
	return minLevel
}

// release reports the held pause: the speech after it has lasted long enough to be speech.
func (d *Detector) release() {
	if d.held != nil {
		d.report(*d.held)
		d.held = nil
	}
}

func (d *Detector) report(p framePause) {
	d.updates = append(d.updates, Pause{Start: frameTime(d.pauseStart(p)), End: frameTime(p.end)})
	d.emitted = p.end
}

// pauseStart is where the pause p starts once the speech's tail is left out of it.
func (d *Detector) pauseStart(p framePause) int {
	return p.start + max(min(p.tail, p.end-p.start-d.frames(minEdgePause)), min(p.tail, 0))
}

// update hands over the pauses that became certain.
func (d *Detector) update() Update {
	u := Update{Pauses: d.updates, Gaps: d.gaps, OpenSince: -1}
	d.updates, d.gaps = nil, nil
	through := d.next
	// Speech that begins now begins where the level rose over lo (aboveLoFrom), which may be
	// frames back: the quiet run is certain only up to there, and a live caller acts on OpenSince
	// at once. (A file's detector reports a pause open only once it is a second old, and is left
	// as it was.)
	quietEnd := d.next
	if d.live && d.aboveLoFrom >= 0 {
		quietEnd = d.aboveLoFrom
	}
	switch {
	case d.held != nil && d.live:
		// The held pause is certain up to the sound after it, and open: it may yet swallow that
		// sound, if it is a click, and run on.
		through = d.held.end
		u.OpenSince = frameTime(d.pauseStart(*d.held))
	case d.held != nil:
		through = d.held.start // the held pause may yet swallow a click and run on
	case !d.inSpeech && (quietEnd-d.quietStart >= d.minPause || d.live && d.quietStart == 0 && quietEnd >= d.frames(minEdgePause)):
		t := d.runTail(d.next)
		u.OpenSince = frameTime(d.quietStart + max(min(t, quietEnd-d.quietStart-d.frames(minEdgePause)), min(t, 0)))
		if d.live {
			through = quietEnd
		}
	case !d.inSpeech:
		through = d.quietStart // too short yet to tell a pause from a gap between words
	}
	// A pause's start may yet move back over a room's tail (reverbLead): what lies within
	// maxReverbFrames of the classified frames is not final.
	u.Through = frameTime(max(through-d.settle, 0))
	if u.OpenSince > u.Through {
		u.OpenSince = -1 // the open pause began within the part not yet final
	}
	return u
}

// remember keeps the classified level for Quietest.
func (d *Detector) remember(i int, level float64) {
	if len(d.recent) == recentFrames {
		half := recentFrames / 2
		d.recent = append(d.recent[:0], d.recent[half:]...)
		d.recentBase += half
	}
	if len(d.recent) == 0 {
		d.recentBase = i
	}
	d.recent = append(d.recent, float32(level))
	if d.keepTrack {
		d.track = append(d.track, int8(math.Round(level)))
	}
}

// KeepTrack makes the detector keep every frame's level (100 bytes a second of audio), for
// Track: the quietest moment anywhere in the recording can then be found after the end.
func (d *Detector) KeepTrack() { d.keepTrack = true }

// Track is the level of every classified frame, when KeepTrack was called.
func (d *Detector) Track() Track { return Track(d.track) }

// Track is a recording's level, 10 ms a frame, in whole dBFS.
type Track []int8

// Quietest returns the middle of the quietest 200 ms in [from, to]; ok is false when the track
// holds nothing of it.
func (t Track) Quietest(from, to time.Duration) (time.Duration, bool) {
	return quietest(func(i int) float64 { return float64(t[i]) }, max(int(from/frameLen), 0), min(int(to/frameLen), len(t)))
}

// Quietest returns the quietest moment in [from, to] of what has been classified and is still
// held (the last few minutes): the middle of the quietest 200 ms, where a cut that must fall in
// speech hurts least. ok is false when nothing of [from, to] is held.
func (d *Detector) Quietest(from, to time.Duration) (at time.Duration, ok bool) {
	a := max(int(from/frameLen), d.recentBase)
	b := min(int(to/frameLen), d.recentBase+len(d.recent))
	return quietest(func(i int) float64 { return float64(d.recent[i-d.recentBase]) }, a, b)
}

// quietest returns the middle of the quietest 200 ms of frames [a, b) (all of them when fewer),
// level giving each frame's level in dB.
func quietest(level func(i int) float64, a, b int) (time.Duration, bool) {
	const span = 20 // frames: 200 ms
	if b <= a {
		return 0, false
	}
	w := min(span, b-a)
	energy := func(i int) float64 { return math.Pow(10, level(i)/10) }
	var sum float64
	for i := a; i < a+w; i++ {
		sum += energy(i)
	}
	best, bestStart := sum, a
	for i := a + w; i < b; i++ {
		sum += energy(i) - energy(i-w)
		if sum < best {
			best, bestStart = sum, i-w+1
		}
	}
	return frameTime(bestStart) + frameTime(w)/2, true
}

// Levels returns the median of what was measured, one sample a second, and the range of the
// threshold.
func (d *Detector) Levels() (median Levels, thrMin, thrMax float64) {
	if d.fixed {
		return Levels{binLevel(d.floorHist.percentile(0.5)), binLevel(d.speechHist.percentile(0.5)), d.fixedThr}, d.fixedThr, d.fixedThr
	}
	return Levels{
		NoiseFloor:  binLevel(d.floorHist.percentile(0.5)),
		SpeechLevel: binLevel(d.speechHist.percentile(0.5)),
		Threshold:   binLevel(d.thrHist.percentile(0.5)),
	}, binLevel(d.thrHist.percentile(0)), binLevel(d.thrHist.percentile(1))
}

// histogram counts levels in bins of a quarter of a dB from minLevel to 0.
type histogram struct {
	bins [binCount]int32
	n    int
}

const binCount = 481

func levelBin(level float64) uint16 {
	b := int(math.Round((level - minLevel) * 4))
	return uint16(min(max(b, 0), binCount-1))
}

func binLevel(b uint16) float64 { return minLevel + float64(b)/4 }

func (h *histogram) add(b uint16)    { h.bins[b]++; h.n++ }
func (h *histogram) remove(b uint16) { h.bins[b]--; h.n-- }

// percentileFrom is percentile over the bins from on; with nothing there, the lowest bin.
func (h *histogram) percentileFrom(q float64, from uint16) uint16 {
	n := h.n
	for b := range from {
		n -= int(h.bins[b])
	}
	if n <= 0 {
		return 0
	}
	rank := min(max(int(math.Ceil(q*float64(n))), 1), n)
	seen := 0
	for b := int(from); b < binCount; b++ {
		seen += int(h.bins[b])
		if seen >= rank {
			return uint16(b)
		}
	}
	return binCount - 1
}

// percentile returns the bin below which a share q of the counts lie (nearest rank).
func (h *histogram) percentile(q float64) uint16 {
	if h.n == 0 {
		return 0
	}
	rank := int(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	seen := 0
	for b, c := range h.bins {
		seen += int(c)
		if seen >= rank {
			return uint16(b)
		}
	}
	return binCount - 1
}
