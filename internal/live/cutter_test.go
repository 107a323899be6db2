package live

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// decode decodes path as live mode's ffmpeg does: 16 kHz stereo, the left channel band-limited
// for detection (the filters of pauses.Stream), the right one as it is. filters (ffmpeg's, may be
// empty) are applied to the source first; noise, when not empty, is an ffmpeg lavfi source added
// to it (at 16 kHz) for as long as the source lasts.
func decode(t testing.TB, path, filters, noise string) []int16 {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed: run scripts/install-deps.sh")
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%v: run make fixtures", err)
	}
	src := "[0:a]aresample=16000"
	if filters != "" {
		src += "," + filters
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-i", path}
	if noise != "" {
		args = append(args, "-f", "lavfi", "-i", noise)
		src += "[s];[1:a]aresample=16000[n];[s][n]amix=inputs=2:normalize=0:duration=first"
	}
	graph := src + ",aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono,asplit=2[a][b];" +
		"[a]highpass=f=100,highpass=f=100,lowpass=f=5000[l];" +
		"[l][b]join=inputs=2:channel_layout=stereo,aformat=sample_fmts=s16[out]"
	args = append(args, "-filter_complex", graph, "-map", "[out]", "-f", "s16le", "-")
	raw, err := exec.Command("ffmpeg", args...).Output()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v", args, err)
	}
	s := make([]int16, len(raw)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
	}
	return s
}

// right is the right channel of interleaved stereo.
func right(stereo []int16) []int16 {
	r := make([]int16, len(stereo)/2)
	for i := range r {
		r[i] = stereo[2*i+1]
	}
	return r
}

// span is a stretch of source time.
type span struct{ start, end time.Duration }

// speechSpans is the truth of a clean recording as the evaluation set measures it
// (scripts/make-eval-set.sh): silence is 0.1 s or more under -50 dBFS, speech is the rest, less
// slivers under 0.05 s.
func speechSpans(mono []int16) []span {
	const quiet = 103 // -50 dBFS
	minSilence, minSpan := int64(pauses.SampleRate/10), int64(pauses.SampleRate/20)
	var spans []span
	pos, run := int64(0), int64(0) // the end of the last silence; the current run of quiet samples
	add := func(a, b int64) {
		if b-a >= minSpan {
			spans = append(spans, span{timeOf(a), timeOf(b)})
		}
	}
	for i, v := range mono {
		if v > -quiet && v < quiet {
			run++
			continue
		}
		if run >= minSilence {
			add(pos, int64(i)-run)
			pos = int64(i)
		}
		run = 0
	}
	if run >= minSilence {
		add(pos, int64(len(mono))-run)
	} else {
		add(pos, int64(len(mono)))
	}
	return spans
}

// cutAll feeds samples in writes of block stereo samples and returns every utterance and, for
// each, the source time fed when Write returned it.
func cutAll(c *Cutter, s []int16, block int) (got []Utterance, at []time.Duration) {
	for len(s) > 0 {
		n := min(block, len(s))
		for _, u := range c.Write(s[:n]) {
			got = append(got, u)
			at = append(at, c.Now())
		}
		s = s[n:]
	}
	for _, u := range c.Close() {
		got = append(got, u)
		at = append(at, c.Now())
	}
	return got, at
}

// checkUtterances checks what holds of every cut: indexes in order, utterances in order and apart,
// within the maximum length, each holding exactly the right channel of its stretch of the source
// (source, when not nil, is the stereo input, without gaps).
func checkUtterances(t *testing.T, got []Utterance, cueMax time.Duration, source []int16) {
	t.Helper()
	var last time.Duration
	for i, u := range got {
		if u.Index != i {
			t.Errorf("utterance %d has index %d", i, u.Index)
		}
		if u.Start < last || u.End <= u.Start {
			t.Errorf("utterance %d is %v–%v, after one that ended at %v", i, u.Start, u.End, last)
		}
		last = u.End
		if u.End-u.Start > cueMax {
			t.Errorf("utterance %d is %v long, over the maximum %v", i, u.End-u.Start, cueMax)
		}
		if want := samplesOf(u.End - u.Start); int64(len(u.Samples)) != want {
			t.Errorf("utterance %d (%v–%v) has %d samples, want %d", i, u.Start, u.End, len(u.Samples), want)
			continue
		}
		if source != nil {
			r := right(source[2*samplesOf(u.Start) : 2*samplesOf(u.End)])
			if !slices.Equal(u.Samples, r) {
				t.Errorf("utterance %d (%v–%v): its samples are not the right channel of its stretch", i, u.Start, u.End)
			}
		}
	}
}

// uncovered is how much of the spans no utterance holds, and the longest such stretch.
func uncovered(spans []span, got []Utterance) (total, longest time.Duration) {
	for _, sp := range spans {
		pos := sp.start
		for _, u := range got {
			if u.End <= pos || u.Start >= sp.end {
				continue
			}
			if u.Start > pos {
				total += u.Start - pos
				longest = max(longest, u.Start-pos)
			}
			pos = max(pos, u.End)
		}
		if pos < sp.end {
			total += sp.end - pos
			longest = max(longest, sp.end-pos)
		}
	}
	return total, longest
}

const speechWAV = "../../testdata/media/speech.wav"

// TestCutterSpeech: speech.wav (four sentences, 0.6 s between them) is four utterances, whether
// clean or under pink noise at 20 and 10 dB under the speech or mains hum as loud as it: each cut
// falls in the pause between two sentences, no speech is left out, and each cut is handed over
// within about the minimum pause plus 100 ms of the end of the speech.
func TestCutterSpeech(t *testing.T) {
	clean := decode(t, speechWAV, "", "")
	truth := speechSpans(right(clean))
	// The sentences: speech spans joined across the short gaps inside a sentence.
	var sentences []span
	for _, sp := range truth {
		if n := len(sentences); n > 0 && sp.start-sentences[n-1].end < 400*time.Millisecond {
			sentences[n-1].end = sp.end
		} else {
			sentences = append(sentences, sp)
		}
	}
	if len(sentences) != 4 {
		t.Fatalf("the fixture's speech is %v: want four sentences", truth)
	}
	// speech.wav's speech is at -20.7 dBFS; anoisesrc's pink noise at amplitude 1 at -14.2 dBFS,
	// a 50 Hz sine at its default amplitude at -21 dBFS.
	for _, tc := range []struct{ name, noise string }{
		{"clean", ""},
		{"pink noise, 20 dB SNR", "anoisesrc=c=pink:r=16000:a=1:s=7,volume=-26.5dB"},
		{"pink noise, 10 dB SNR", "anoisesrc=c=pink:r=16000:a=1:s=7,volume=-16.5dB"},
		{"hum", "sine=f=50:r=16000,volume=0dB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := clean
			if tc.noise != "" {
				in = decode(t, speechWAV, "", tc.noise)
			}
			got, at := cutAll(NewCutter(CutterOptions{}), in, 2*frameSamples)
			checkUtterances(t, got, DefaultCueMax, in)
			if len(got) != len(sentences) {
				t.Fatalf("%d utterances %v, want %d: %v", len(got), got, len(sentences), sentences)
			}
			for i, u := range got {
				s := sentences[i]
				prevEnd, nextStart := time.Duration(0), timeOf(int64(len(in)/2))
				if i > 0 {
					prevEnd = sentences[i-1].end
				}
				if i+1 < len(sentences) {
					nextStart = sentences[i+1].start
				}
				if u.Start < prevEnd || u.Start > s.start || u.End < s.end-30*time.Millisecond || u.End > nextStart {
					t.Errorf("utterance %d is %v–%v: want it to start in the pause %v–%v and end in the pause %v–%v",
						i, u.Start, u.End, prevEnd, s.start, s.end, nextStart)
				}
				if u.Reason != ReasonPause && (i < len(got)-1 || u.Reason != ReasonEnd) {
					t.Errorf("utterance %d was cut for %q", i, u.Reason)
				}
				if late := at[i] - s.end; late > pauses.DefaultMinPause+100*time.Millisecond {
					t.Errorf("utterance %d was handed over %v after its speech ended", i, late)
				}
				t.Logf("utterance %d: %v–%v (speech %v–%v), handed over %v after the speech ended", i, u.Start, u.End, s.start, s.end, at[i]-s.end)
			}
			if total, longest := uncovered(truth, got); longest > 30*time.Millisecond {
				t.Errorf("%v of speech in no utterance, %v at most at once", total, longest)
			}
		})
	}
}

// TestCutterOptions: a minimum pause longer than the sentences' pauses (0.63 s) leaves them
// uncut, so the speech is cut at the maximum length instead, in the longest quiet of its later
// half: the pause after the second sentence; a fixed threshold over the noise finds the pauses as the measured one does,
// and one under the noise finds no pause and no speech either side of it.
func TestCutterOptions(t *testing.T) {
	clean := decode(t, speechWAV, "", "")
	got, _ := cutAll(NewCutter(CutterOptions{MinPause: time.Second, CueMax: 5 * time.Second}), clean, 4096)
	checkUtterances(t, got, 5*time.Second, clean)
	if len(got) != 2 || got[0].Reason != ReasonCueMax || got[0].End < 4035*time.Millisecond || got[0].End > 4667*time.Millisecond ||
		got[1].Start != got[0].End || got[1].Reason != ReasonEnd {
		t.Errorf("minimum pause 1 s, maximum 5 s: %v, want a cut at the maximum in the pause 4.04–4.67 s, then the rest to the end", got)
	}

	noisy := decode(t, speechWAV, "", "anoisesrc=c=pink:r=16000:a=1:s=7,volume=-26.5dB") // noise at -41 dBFS
	if got, _ := cutAll(NewCutter(CutterOptions{Threshold: -35}), noisy, 4096); len(got) != 4 {
		t.Errorf("threshold -35 dBFS: %d utterances %v, want the four sentences", len(got), got)
	}
	got, _ = cutAll(NewCutter(CutterOptions{Threshold: -60}), noisy, 4096)
	checkUtterances(t, got, DefaultCueMax, noisy)
	for _, u := range got {
		if u.Reason == ReasonPause {
			t.Errorf("threshold -60 dBFS, under the noise: %v cut at a pause", u)
		}
	}
}

// TestCutterNoSpeech: noise, hum, digital silence and clicks are never an utterance.
func TestCutterNoSpeech(t *testing.T) {
	clicks := make([]int16, 2*30*pauses.SampleRate) // 30 s of quiet noise with a click every 2 s
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range len(clicks) / 2 {
		v := rng.NormFloat64() * 30 // about -60 dBFS
		if k := i % (2 * pauses.SampleRate); k >= pauses.SampleRate && k < pauses.SampleRate+pauses.SampleRate*30/1000 {
			v += rng.NormFloat64() * 8000 // 30 ms at about -12 dBFS
		}
		clicks[2*i], clicks[2*i+1] = int16(v), int16(v)
	}
	for _, tc := range []struct {
		name string
		in   func(t *testing.T) []int16
	}{
		{"pink noise", func(t *testing.T) []int16 { return decode(t, "../../testdata/media/noise.wav", "", "") }},
		{"hum", func(t *testing.T) []int16 {
			return decode(t, "../../testdata/media/noise.wav", "volume=-20dB", "sine=f=50:r=16000,volume=6dB")
		}},
		{"digital silence", func(*testing.T) []int16 { return make([]int16, 2*60*pauses.SampleRate) }},
		{"clicks", func(*testing.T) []int16 { return clicks }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in(t)
			if got, _ := cutAll(NewCutter(CutterOptions{}), in, 4096); len(got) != 0 {
				t.Errorf("%d utterances from no speech: %v", len(got), got)
			}
		})
	}
}

// longSpeech is the first minute of long-speech.wav with every quiet stretch of 50 ms or more
// taken out: a speaker who never pauses.
func longSpeech(t *testing.T) []int16 {
	if testing.Short() {
		t.Skip("long media skipped with -short")
	}
	return decode(t, "../../testdata/long/long-speech.wav", "atrim=0:60,silenceremove=stop_periods=-1:stop_duration=0.05:stop_threshold=-50dB", "")
}

// TestCutterCueMax: a speaker who does not pause is cut at the maximum length, never later, in
// the later half of the utterance, and every sample of the speech is in an utterance.
func TestCutterCueMax(t *testing.T) {
	in := longSpeech(t)
	for _, cueMax := range []time.Duration{time.Second, 3 * time.Second, DefaultCueMax} {
		t.Run(cueMax.String(), func(t *testing.T) {
			got, _ := cutAll(NewCutter(CutterOptions{CueMax: cueMax}), in, 4096)
			checkUtterances(t, got, cueMax, in)
			total := timeOf(int64(len(in) / 2))
			if least := int(total / cueMax); len(got) < least {
				t.Errorf("%d utterances of at most %v in %v of speech", len(got), cueMax, total)
			}
			cueCuts := 0
			for i, u := range got {
				if u.Reason == ReasonCueMax {
					cueCuts++
					// The cut falls in the later half (a quiet moment there), not at once.
					if u.End-u.Start < cueMax/2 {
						t.Errorf("utterance %d (%v–%v) cut at the maximum is shorter than half of it", i, u.Start, u.End)
					}
				}
			}
			if cueCuts < len(got)/2 {
				t.Errorf("only %d of %d utterances cut at the maximum length in speech without pauses", cueCuts, len(got))
			}
			if lost, longest := uncovered(speechSpans(right(in)), got); longest > 30*time.Millisecond {
				t.Errorf("%v of speech in no utterance, %v at most at once", lost, longest)
			}
			t.Logf("%d utterances, %d cut at the maximum", len(got), cueCuts)
		})
	}
}

// TestCutterGap: when the source drops in the middle of a sentence, the sentence so far is cut
// where the audio stopped; source time jumps by the gap, and what comes after is cut as usual, at
// its new times. A gap in silence cuts nothing.
func TestCutterGap(t *testing.T) {
	in := decode(t, speechWAV, "", "")
	stop := 3 * time.Second // inside the second sentence (2.01-4.04 s)
	c := NewCutter(CutterOptions{})
	before := c.Write(in[:2*samplesOf(stop)])
	cut := c.Gap(5 * time.Second)
	if len(before) != 1 || len(cut) != 1 || cut[0].Reason != ReasonGap || cut[0].End != stop || cut[0].Start > 2100*time.Millisecond || cut[0].Index != 1 {
		t.Fatalf("before the gap %v, at the gap %v: want the first sentence, then the second cut at %v", before, cut, stop)
	}
	if now := c.Now(); now != stop+5*time.Second {
		t.Errorf("after the gap Now is %v, want %v", now, stop+5*time.Second)
	}
	after, _ := cutAll(c, in[2*samplesOf(stop):], 4096)
	// The rest: the end of the second sentence and the last two, 5 s later than in the source.
	if len(after) != 3 || after[0].Index != 2 || after[0].Start != stop+5*time.Second {
		t.Fatalf("after the gap: %v", after)
	}
	for i, want := range []time.Duration{4667, 7141} {
		if s := after[i+1].Start - 5*time.Second; s > want*time.Millisecond || s < (want-250)*time.Millisecond {
			t.Errorf("utterance %v starts at %v, want a little before %v ms + 5 s", after[i+1].Index, after[i+1].Start, want)
		}
	}

	c = NewCutter(CutterOptions{})
	c.Write(in[:2*samplesOf(1700*time.Millisecond)]) // the first sentence and the pause after it
	if got := c.Gap(time.Minute); len(got) != 0 {
		t.Errorf("a gap in a pause cut %v", got)
	}
	if c.Now() != time.Minute+1700*time.Millisecond {
		t.Errorf("Now %v after a minute's gap at 1.7 s", c.Now())
	}
}

// TestCutterClose: the stream ends in the middle of the last sentence: what was said of it is the
// last utterance, cut where the stream ended. Close after silence cuts nothing, and a closed
// cutter takes nothing more.
func TestCutterClose(t *testing.T) {
	in := decode(t, speechWAV, "", "")
	stop := 7800 * time.Millisecond // inside the last sentence (7.14-8.20 s)
	c := NewCutter(CutterOptions{})
	got := c.Write(in[:2*samplesOf(stop)])
	if len(got) != 3 {
		t.Fatalf("before the end: %v, want the first three sentences", got)
	}
	last := c.Close()
	if len(last) != 1 || last[0].Reason != ReasonEnd || last[0].End != stop || last[0].Start > 7141*time.Millisecond || last[0].Index != 3 {
		t.Fatalf("at the end: %v, want the last sentence so far, up to %v", last, stop)
	}
	checkUtterances(t, append(got, last...), DefaultCueMax, in)
	if more := c.Close(); more != nil {
		t.Errorf("a second Close: %v", more)
	}
	if more := c.Write(in); more != nil || c.Now() != stop {
		t.Errorf("a Write after Close: %v, Now %v", more, c.Now())
	}

	c = NewCutter(CutterOptions{})
	c.Write(make([]int16, 2*5*pauses.SampleRate))
	if got := c.Close(); got != nil {
		t.Errorf("Close after silence: %v", got)
	}
}

// TestCutterWhateverTheWrites: the utterances depend on the audio alone, not on how it was
// read: writes of any size, odd ones splitting a stereo pair.
func TestCutterWhateverTheWrites(t *testing.T) {
	in := decode(t, speechWAV, "", "anoisesrc=c=pink:r=16000:a=1:s=7,volume=-20dB")
	in = append(in, in...) // two passes, so that the second is judged with the levels of the first
	want, _ := cutAll(NewCutter(CutterOptions{CueMax: 2 * time.Second}), in, len(in))
	if len(want) < 8 {
		t.Fatalf("%d utterances: %v", len(want), want)
	}
	for _, block := range []int{1, 3, 319, 320, 321, 4097} {
		got, _ := cutAll(NewCutter(CutterOptions{CueMax: 2 * time.Second}), in, block)
		if !slices.EqualFunc(got, want, func(a, b Utterance) bool {
			return a.Index == b.Index && a.Start == b.Start && a.End == b.End && a.Reason == b.Reason && slices.Equal(a.Samples, b.Samples)
		}) {
			t.Errorf("writes of %d: %v\nwhole: %v", block, got, want)
		}
	}
}

// TestCutterFlatMemory: the cutter holds the audio since the last cut and no more: over an hour
// of speech and silence (speech.wav twice and a minute of silence, in turn), its buffer never
// grows past the maximum utterance plus its pre-roll and a few seconds.
func TestCutterFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("an hour of audio skipped with -short")
	}
	speech := decode(t, speechWAV, "", "anoisesrc=c=pink:r=16000:a=1:s=7,volume=-26.5dB")
	silence := make([]int16, 2*60*pauses.SampleRate)
	c := NewCutter(CutterOptions{})
	bound := 2 * samplesOf(DefaultCueMax+keepQuiet+preRoll+time.Second)
	n, maxCap, rounds := 0, 0, 0
	for ; c.Now() < time.Hour; rounds++ {
		for _, part := range [][]int16{speech, speech, silence} {
			for i := 0; i < len(part); i += 2048 {
				n += len(c.Write(part[i:min(i+2048, len(part))]))
				maxCap = max(maxCap, cap(c.buf))
			}
		}
	}
	n += len(c.Close())
	if int64(maxCap) > bound {
		t.Errorf("the buffer grew to %d samples, over %d", maxCap, bound)
	}
	if cap(c.gaps) > maxGaps {
		t.Errorf("%d gaps kept", cap(c.gaps))
	}
	if n != 8*rounds {
		t.Errorf("%d utterances in an hour of %d times two passes of four sentences", n, rounds)
	}
	t.Logf("%v: %d utterances, buffer at most %d samples (%v)", c.Now(), n, maxCap, timeOf(int64(maxCap)))
}

// BenchmarkCutter: the cutter over speech under noise in writes of 10 ms, as a live source
// delivers it. Reports how many times faster than real time it runs and its allocations per
// second of audio (those of the utterances it hands over included).
func BenchmarkCutter(b *testing.B) {
	in := decode(b, speechWAV, "", "anoisesrc=c=pink:r=16000:a=1:s=7,volume=-26.5dB")
	in = append(in, make([]int16, 2*pauses.SampleRate)...)
	audio := timeOf(int64(len(in) / 2))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := NewCutter(CutterOptions{})
	for b.Loop() {
		for i := 0; i < len(in); i += 2 * frameSamples {
			c.Write(in[i:min(i+2*frameSamples, len(in))])
		}
	}
	runtime.ReadMemStats(&after)
	seconds := audio.Seconds() * float64(b.N)
	b.ReportMetric(seconds/b.Elapsed().Seconds(), "x-realtime")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/seconds, "allocs/audio-s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/seconds, "B/audio-s")
}

// TestCutterLatencyEval measures, over the evaluation set of the pause finder (docs/eval.md; set
// EVALSET to its directory, made by `make eval` or scripts/make-eval-set.sh), how long after the
// true end of speech before each true pause the cutter hands over the utterance: the source time
// fed when Write returned it, in writes of 10 ms, minus the end of the speech. It prints the
// figures by condition; it asserts only that the set was read.
func TestCutterLatencyEval(t *testing.T) {
	dir := os.Getenv("EVALSET")
	if dir == "" {
		t.Skip("EVALSET is not set: the evaluation set's directory (make eval)")
	}
	var manifest struct {
		Conditions []string `json:"conditions"`
		Files      []struct {
			File, Condition, Truth string
		} `json:"files"`
	}
	readJSON(t, filepath.Join(dir, "conditions.json"), &manifest)
	type figures struct {
		lat                                  []time.Duration // pauses of minPause or more, found
		pauses, missed, missedLong, inSpeech int
		clipped                              int // found, but ending more than 50 ms before the speech
		utterances                           int
	}
	const longPause = 350 * time.Millisecond
	by := map[string]*figures{}
	all := &figures{}
	for _, f := range manifest.Files {
		var truth struct {
			Speech [][2]float64 `json:"speech"`
		}
		readJSON(t, filepath.Join(dir, f.Truth), &truth)
		s := decode(t, filepath.Join(dir, f.File), "", "")
		got, at := cutAll(NewCutter(CutterOptions{}), s, 2*frameSamples)
		fig := by[f.Condition]
		if fig == nil {
			fig = &figures{}
			by[f.Condition] = fig
		}
		for _, g := range []*figures{fig, all} {
			g.utterances += len(got)
		}
		spans := truth.Speech
		for i := 0; i+1 < len(spans); i++ {
			end, next := sec(spans[i][1]), sec(spans[i+1][0])
			if next-end < pauses.DefaultMinPause {
				continue
			}
			found := -1
			for k, u := range got {
				if u.End > end-300*time.Millisecond && u.End <= next {
					found = k
					break
				}
			}
			for _, g := range []*figures{fig, all} {
				g.pauses++
				switch {
				case found < 0 && next-end >= longPause:
					g.missedLong++
					g.missed++
				case found < 0:
					g.missed++
				default:
					g.lat = append(g.lat, at[found]-end)
					if got[found].End < end-50*time.Millisecond {
						g.clipped++
					}
				}
			}
		}
		// Cuts at a pause that fall inside true speech (by more than 50 ms).
		for _, u := range got {
			if u.Reason != ReasonPause {
				continue
			}
			for _, sp := range spans {
				if u.End > sec(sp[0])+50*time.Millisecond && u.End < sec(sp[1])-50*time.Millisecond {
					fig.inSpeech++
					all.inSpeech++
				}
			}
		}
	}
	if all.pauses == 0 {
		t.Fatal("no pauses in the evaluation set")
	}
	line := func(name string, g *figures) {
		t.Logf("%-10s %6d %6d %6d %7d %9d %10d %8v %8v %8v", name, g.pauses, g.missed, g.missedLong, g.clipped, g.inSpeech, g.utterances,
			percentile(g.lat, 0.5), percentile(g.lat, 0.95), percentile(g.lat, 1))
	}
	t.Logf("%-10s %6s %6s %6s %7s %9s %10s %8s %8s %8s", "condition", "pauses", "missed", "≥0.35s", "clipped", "in-speech", "utterances", "median", "p95", "max")
	for _, c := range manifest.Conditions {
		if g := by[c]; g != nil {
			line(c, g)
		}
	}
	line("all", all)
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func sec(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

// percentile is the nearest-rank percentile of d (a value that occurred); 0 when empty.
func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(max(int(math.Ceil(q*float64(len(s))))-1, 0), len(s)-1)].Round(time.Millisecond)
}
