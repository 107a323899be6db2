package pauses

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func sec(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

// bursts makes a speech-like signal at SampleRate: tone bursts (a 220 Hz carrier with a 4 Hz
// syllable rhythm, about -20 dBFS) during each span of on, Gaussian noise at noiseDB dBFS
// throughout. Deterministic.
func bursts(total time.Duration, on [][2]float64, noiseDB float64) []int16 {
	n := int(total.Seconds() * SampleRate)
	rng := rand.New(rand.NewPCG(1, 2))
	noise := math.Pow(10, noiseDB/20) * 32768
	out := make([]int16, n)
	for i := range out {
		t := float64(i) / SampleRate
		v := rng.NormFloat64() * noise
		for _, s := range on {
			if t >= s[0] && t < s[1] {
				syllable := 0.1 + 0.9*math.Abs(math.Sin(2*math.Pi*3*(t-s[0])+math.Pi/2))
				v += 0.14 * 32768 * syllable * math.Sin(2*math.Pi*220*t)
			}
		}
		out[i] = int16(max(min(v, 32767), -32768))
	}
	return out
}

func run(d *Detector, samples []int16, block int) []Pause {
	var got []Pause
	for len(samples) > 0 {
		n := min(block, len(samples))
		got = append(got, d.Write(samples[:n]).Pauses...)
		samples = samples[n:]
	}
	return append(got, d.Close().Pauses...)
}

var speech = [][2]float64{{0.5, 3.0}, {3.4, 6.0}, {7.0, 9.5}, {9.75, 12.0}, {13.5, 16.0}}

// TestDetectorFindsPausesInNoise: the pauses between bursts are found whether the noise between
// them is digital silence, a quiet room or 15 dB under the speech, their ends within a few tens of
// milliseconds and their starts up to 0.2 s late: the detector lets the end of a phrase fade into
// the pause (tailFrames), which these bursts, cut off sharp, do not do.
func TestDetectorFindsPausesInNoise(t *testing.T) {
	for _, noise := range []float64{-100, -60, -35} {
		got := run(NewDetector(0, 0), bursts(sec(17), speech, noise), 4096)
		want := []Pause{{0, sec(0.5)}, {sec(3.0), sec(3.4)}, {sec(6.0), sec(7.0)}, {sec(9.5), sec(9.75)}, {sec(12.0), sec(13.5)}, {sec(16.0), sec(17)}}
		if len(got) != len(want) {
			t.Fatalf("noise %v dB: found %v, want %v", noise, got, want)
		}
		for i, p := range got {
			if late := p.Start - want[i].Start; late < -40*time.Millisecond || late > 200*time.Millisecond || (p.End-want[i].End).Abs() > 40*time.Millisecond {
				t.Errorf("noise %v dB: pause %d is %v–%v, want about %v–%v", noise, i, p.Start, p.End, want[i].Start, want[i].End)
			}
		}
	}
}

// TestDetectorSameWhateverTheWrites: the pauses depend on the audio alone, not on how it was
// read (a pipe delivers blocks of any size).
func TestDetectorSameWhateverTheWrites(t *testing.T) {
	samples := bursts(sec(40), [][2]float64{{1, 9}, {9.3, 20}, {20.25, 31}, {33, 39}}, -38)
	want := run(NewDetector(0, 0), samples, len(samples))
	for _, block := range []int{1, 159, 160, 1000, 32768} {
		if got := run(NewDetector(0, 0), samples, block); !slices.Equal(got, want) {
			t.Errorf("writes of %d samples: %v\nwhole: %v", block, got, want)
		}
	}
}

// TestDetectorNoSpeech: steady noise, however loud, is no speech; nor is digital silence.
func TestDetectorNoSpeech(t *testing.T) {
	for _, noise := range []float64{-200, -50, -25} {
		d := NewDetector(0, 0)
		got := run(d, bursts(sec(30), nil, noise), 8192)
		if len(got) != 1 || got[0].Start != 0 || got[0].End != sec(30) {
			t.Errorf("noise %v dB: pauses %v, want one over the whole 30 s", noise, got)
		}
	}
}

// TestDetectorFixedThreshold: a given threshold replaces the measured one: above the noise it
// finds the pauses, below the noise it finds none.
func TestDetectorFixedThreshold(t *testing.T) {
	samples := bursts(sec(17), speech, -35)
	if got := run(NewDetector(-30, 0), samples, 4096); len(got) != 6 {
		t.Errorf("threshold -30 dB over noise at -35 dB: %d pauses %v, want 6", len(got), got)
	}
	if got := run(NewDetector(-45, 0), samples, 4096); len(got) != 0 {
		t.Errorf("threshold -45 dB under noise at -35 dB: pauses %v, want none", got)
	}
	// The minimum pause: at 0.3 s the 0.25 s pause is no longer one.
	if got := run(NewDetector(0, 300*time.Millisecond), samples, 4096); len(got) != 5 {
		t.Errorf("minimum pause 0.3 s: %d pauses %v, want 5", len(got), got)
	}
}

// TestDetectorUpdates: the stream is reported as it goes: a pause is reported long before the end,
// Through never goes back, and a pause still going on is reported as open.
func TestDetectorUpdates(t *testing.T) {
	samples := bursts(sec(60), [][2]float64{{1, 10}, {10.5, 25}, {45, 60}}, -50)
	d := NewDetector(0, 0)
	var through time.Duration
	firstPauseAt, openSeen := time.Duration(-1), false
	for i := 0; i < len(samples); i += SampleRate / 10 {
		u := d.Write(samples[i:min(i+SampleRate/10, len(samples))])
		if u.Through < through {
			t.Fatalf("Through went back from %v to %v", through, u.Through)
		}
		through = u.Through
		if len(u.Pauses) > 0 && firstPauseAt < 0 {
			firstPauseAt = d.Duration()
		}
		if u.OpenSince > u.Through {
			t.Fatalf("OpenSince %v is past Through %v: [OpenSince, Through] must be a quiet stretch", u.OpenSince, u.Through)
		}
		switch o := u.OpenSince; {
		case o < 0:
		case o >= sec(24.9) && o <= sec(25.3):
			openSeen = true
		case o < sec(9.9) || o > sec(10.3):
			t.Errorf("open pause from %v: there is none there", o)
		}
	}
	d.Close()
	if firstPauseAt < 0 || firstPauseAt > sec(14) {
		t.Errorf("the pause at 10 s was first reported after reading %v", firstPauseAt)
	}
	if !openSeen {
		t.Error("the long pause from 25 s was never reported open")
	}
}

// TestFindNoisyRecording runs ffmpeg: speech under pink noise 10 dB below it, and the same
// speech under 50 Hz mains hum as loud as the speech (the band filter takes it out).
func TestFindNoisyRecording(t *testing.T) {
	for _, tool := range []string{"ffmpeg", "espeak-ng"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run scripts/install-deps.sh", tool)
		}
	}
	dir := t.TempDir()
	ssml := filepath.Join(dir, "s.ssml")
	clean := filepath.Join(dir, "clean.wav")
	text := `<speak>The first sentence is here.<break time="500ms"/>Then a second one follows.<break time="1000ms"/>` +
		`A third sentence comes after a longer pause.<break time="700ms"/>And the last one ends it.</speak>`
	if err := os.WriteFile(ssml, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("espeak-ng", "-v", "en-us", "-s", "160", "-m", "-f", ssml, "-w", clean).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v\n%s", err, out)
	}
	cleanRep, err := Find(context.Background(), clean, Options{})
	if err != nil {
		t.Fatal(err)
	}
	inner := func(ps []Pause, total time.Duration) []Pause {
		return slices.DeleteFunc(slices.Clone(ps), func(p Pause) bool { return p.Start == 0 || p.End >= total })
	}
	truth := inner(cleanRep.Pauses, cleanRep.Duration)
	if len(truth) != 3 {
		t.Fatalf("clean speech: pauses %v, want the 3 breaks", cleanRep.Pauses)
	}
	for name, filter := range map[string]string{
		"pink noise": "anoisesrc=c=pink:r=22050:a=1:s=3,volume=-15dB",
		"hum":        "sine=f=50:r=22050,volume=-6dB",
	} {
		noisy := filepath.Join(dir, "noisy.wav")
		if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", clean, "-f", "lavfi", "-i", filter,
			"-filter_complex", "[0:a][1:a]amix=inputs=2:normalize=0:duration=first", noisy).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, out)
		}
		rep, err := Find(context.Background(), noisy, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := inner(rep.Pauses, rep.Duration)
		if len(got) != len(truth) {
			t.Fatalf("%s: pauses %v, want %v (%s)", name, got, truth, rep)
		}
		for i, p := range got {
			if (p.Start-truth[i].Start).Abs() > 150*time.Millisecond || (p.End-truth[i].End).Abs() > 150*time.Millisecond {
				t.Errorf("%s: pause %v–%v, in the clean speech %v–%v", name, p.Start, p.End, truth[i].Start, truth[i].End)
			}
		}
		if share := rep.SpeechShare(); share < 0.6 || share > 0.9 {
			t.Errorf("%s: speech share %.2f (%s)", name, share, rep)
		}
	}

	if _, err := Find(context.Background(), filepath.Join(dir, "missing.wav"), Options{}); err == nil {
		t.Error("no error for a missing file")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Find(ctx, clean, Options{}); err == nil {
		t.Error("no error with a cancelled context")
	}
}

// TestDetectorSilenceThenNoise: a minute of digital silence, then speech under noise: the speech
// starts where the voice does, not where the noise does; and dither (16-bit noise near -95 dBFS)
// alone is not speech.
func TestDetectorSilenceThenNoise(t *testing.T) {
	speech := bursts(sec(20), [][2]float64{{3, 8}, {9, 14}, {15, 18}}, -45)
	samples := append(make([]int16, 60*SampleRate), speech...)
	got := run(NewDetector(0, 0), samples, 4096)
	if len(got) == 0 || got[0].Start != 0 || (got[0].End-sec(63)).Abs() > 40*time.Millisecond {
		t.Errorf("pauses %v: want the first to run from 0 to the voice at 63 s, through the noise from 60 s", got)
	}

	rng := rand.New(rand.NewPCG(3, 4))
	dither := make([]int16, 120*SampleRate)
	for i := range dither {
		dither[i] = int16(rng.IntN(3) - 1)
	}
	if got := run(NewDetector(0, 0), dither, 4096); len(got) != 1 || got[0].End != sec(120) {
		t.Errorf("dither: pauses %v, want one over the whole", got)
	}
}

// TestDetectorFollowsTheFade: where the floor is far under the speech, the end of a phrase is
// where its sound is seen to end, not an estimate: a phrase cut off sharp ends within a few
// frames, and a word's last consonant after a short closure (a burst 20 dB under the speech,
// 60 ms after the vowel) belongs to the phrase. Under noise the same consonant is lost in the
// noise and the estimate of what the noise hides stands in for it.
func TestDetectorFollowsTheFade(t *testing.T) {
	consonant := func(samples []int16, from, to float64) {
		rng := rand.New(rand.NewPCG(3, 4))
		for i := int(from * SampleRate); i < int(to*SampleRate); i++ {
			v := float64(samples[i]) + rng.NormFloat64()*0.01*32768 // about -40 dBFS
			samples[i] = int16(max(min(v, 32767), -32768))
		}
	}
	for _, tc := range []struct {
		noise      float64
		consonant  bool
		start, tol float64 // where the pause after the first phrase should start, and by how much
	}{
		{noise: -100, start: 3.0, tol: 0.03},
		{noise: -70, start: 3.0, tol: 0.03},
		{noise: -100, consonant: true, start: 3.18, tol: 0.03},
		{noise: -70, consonant: true, start: 3.18, tol: 0.03},
	} {
		samples := bursts(sec(17), speech, tc.noise)
		if tc.consonant {
			consonant(samples, 3.06, 3.18)
		}
		got := run(NewDetector(0, 0), samples, 4096)
		if len(got) < 2 {
			t.Fatalf("noise %v dB, consonant %v: pauses %v", tc.noise, tc.consonant, got)
		}
		if p := got[1]; math.Abs(p.Start.Seconds()-tc.start) > tc.tol || (p.End-sec(3.4)).Abs() > 40*time.Millisecond {
			t.Errorf("noise %v dB, consonant %v: the pause after the first phrase is %v–%v, want it to start at %vs (±%vs) and end at 3.4s",
				tc.noise, tc.consonant, p.Start, p.End, tc.start, tc.tol)
		}
	}
}

// TestDetectorLeavesOutARoomsTail: after a phrase, a room's reverberation decays steadily (here
// from 15 to 30 dB under the speech over 0.6 s, over noise at -60 dBFS) and keeps the level over
// the threshold; the phrase ends where the decay begins, not where the tail falls under the
// threshold. A voice's syllables rise and fall, so speech is not taken for a tail.
func TestDetectorLeavesOutARoomsTail(t *testing.T) {
	samples := bursts(sec(17), speech, -60)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := int(6.0 * SampleRate); i < int(6.6*SampleRate); i++ {
		tt := float64(i)/SampleRate - 6.0
		db := -35 - 25*tt // -35 dBFS falling at 25 dB a second: a large, live room
		v := float64(samples[i]) + rng.NormFloat64()*math.Pow(10, db/20)*32768
		samples[i] = int16(max(min(v, 32767), -32768))
	}
	got := run(NewDetector(0, 0), samples, 4096)
	if len(got) < 3 {
		t.Fatalf("pauses %v", got)
	}
	// The pause after the second phrase: 6.0-7.0 s of the dry signal, its first 0.6 s the tail.
	if p := got[2]; p.Start > sec(6.15) || (p.End-sec(7.0)).Abs() > 40*time.Millisecond {
		t.Errorf("the pause after the second phrase is %v–%v, want it to start by 6.15 s (the tail is not speech) and end at 7 s", p.Start, p.End)
	}
	// The other pauses are where they were.
	for i, want := range []time.Duration{sec(3.0), sec(9.5), sec(12.0)} {
		p := got[[]int{1, 3, 4}[i]]
		if d := p.Start - want; d < -40*time.Millisecond || d > 200*time.Millisecond {
			t.Errorf("pause %d starts at %v, want about %v", []int{1, 3, 4}[i], p.Start, want)
		}
	}
}
