package pauses

import (
	"math"
	"slices"
	"testing"
	"time"
)

// liveRun feeds samples to a live detector 10 ms at a time, as a live source delivers them, and
// returns the pauses, and for each inner pause of speech the audio read when it was first reported
// open. It fails the test if Through goes back or OpenSince lies past Through.
func liveRun(t *testing.T, d *Detector, samples []int16) (got []Pause, openAt map[time.Duration]time.Duration) {
	t.Helper()
	openAt = map[time.Duration]time.Duration{}
	var through time.Duration
	for i := 0; i < len(samples); i += SampleRate / 100 {
		u := d.Write(samples[i:min(i+SampleRate/100, len(samples))])
		got = append(got, u.Pauses...)
		if u.Through < through {
			t.Fatalf("Through went back from %v to %v", through, u.Through)
		}
		through = u.Through
		if u.OpenSince > u.Through {
			t.Fatalf("OpenSince %v is past Through %v", u.OpenSince, u.Through)
		}
		if u.OpenSince >= 0 {
			if _, seen := openAt[u.OpenSince]; !seen {
				openAt[u.OpenSince] = d.Duration()
			}
		}
	}
	return append(got, d.Close().Pauses...), openAt
}

// TestLiveDetector: a live detector finds the pauses a file's detector finds, and reports each
// open as soon as it has lasted the minimum pause (plus the frame of smoothing and the 10 ms
// write), where a file's detector takes 3 s; its first decision comes after 1 s of audio.
func TestLiveDetector(t *testing.T) {
	inner := []Pause{{sec(3.0), sec(3.4)}, {sec(6.0), sec(7.0)}, {sec(9.5), sec(9.75)}, {sec(12.0), sec(13.5)}}
	for _, noise := range []float64{-100, -60, -35} {
		samples := bursts(sec(17), speech, noise)
		want := run(NewDetector(0, 0), samples, 4096)
		d := NewLiveDetector(0, 0)
		got, openAt := liveRun(t, d, samples)
		if len(got) != len(want) {
			t.Fatalf("noise %v dB: live pauses %v, file pauses %v", noise, got, want)
		}
		for i := range got {
			if (got[i].Start-want[i].Start).Abs() > 40*time.Millisecond || (got[i].End-want[i].End).Abs() > 40*time.Millisecond {
				t.Errorf("noise %v dB: live pause %v, file pause %v", noise, got[i], want[i])
			}
		}
		for _, p := range inner {
			var first time.Duration = -1
			for since, at := range openAt {
				if since >= p.Start-40*time.Millisecond && since < p.End && (first < 0 || at < first) {
					first = at
				}
			}
			// (A burst may end in a syllable's trough, its pause a few frames early.)
			if late := first - p.Start; first < 0 || late < DefaultMinPause-50*time.Millisecond || late > DefaultMinPause+40*time.Millisecond {
				t.Errorf("noise %v dB: the pause %v–%v was first reported open after reading %v", noise, p.Start, p.End, first)
			}
		}
	}

	// The first decision: the lead-in (0.5 s) and the speech after it are classified once a
	// second of audio has been read, not before.
	d := NewLiveDetector(0, 0)
	samples := bursts(sec(3), [][2]float64{{0.5, 3}}, -60)
	for i := 0; i < len(samples); i += SampleRate / 100 {
		u := d.Write(samples[i : i+SampleRate/100])
		if u.Through == 0 && len(u.Pauses) == 0 {
			continue
		}
		// The first decision (the last frame read is classified once the next has come).
		if read := d.Duration(); read < time.Second || read > time.Second+20*time.Millisecond ||
			len(u.Pauses) != 1 || u.Pauses[0].Start != 0 || (u.Pauses[0].End-sec(0.5)).Abs() > 20*time.Millisecond || u.Through < read-20*time.Millisecond {
			t.Fatalf("the first decision, after reading %v: %+v; want it after 1 s, with the lead-in to 0.5 s and speech since", read, u)
		}
		break
	}
}

// TestLiveDetectorOpenIsAPause: a quiet run counts toward a pause only up to where the level rose
// over the lower threshold, since the speech after it begins there: 0.15 s of quiet and 0.1 s of
// a soft onset (between the thresholds) before the voice is a gap between words, and is never
// reported as an open pause.
func TestLiveDetectorOpenIsAPause(t *testing.T) {
	samples := bursts(sec(17), speech, -60)
	amp := math.Pow(10, -46.0/20) * math.Sqrt2 * 32768 // -46 dBFS: over lo, under hi
	for i := int(3.15 * SampleRate); i < int(3.4*SampleRate); i++ {
		samples[i] += int16(amp * math.Sin(2*math.Pi*220*float64(i)/SampleRate))
	}
	got, openAt := liveRun(t, NewLiveDetector(0, 0), samples)
	for since := range openAt {
		if since > sec(2.9) && since < sec(3.4) {
			t.Errorf("a pause reported open from %v, in 0.15 s of quiet", since)
		}
	}
	// And every pause reported open was reported as a pause.
	for since := range openAt {
		if !slices.ContainsFunc(got, func(p Pause) bool { return p.Start <= since+100*time.Millisecond && p.End > since }) {
			t.Errorf("open from %v, but no pause there: %v", since, got)
		}
	}
	if slices.ContainsFunc(got, func(p Pause) bool { return p.End > sec(3.0) && p.Start < sec(3.4) }) {
		t.Errorf("pauses %v: none wanted in 3.0–3.4 s", got)
	}
}

// TestLiveDetectorSameWhateverTheWrites: as for a file's detector, the result depends on the audio
// alone.
func TestLiveDetectorSameWhateverTheWrites(t *testing.T) {
	samples := bursts(sec(40), [][2]float64{{1, 9}, {9.3, 20}, {20.25, 31}, {33, 39}}, -38)
	want := run(NewLiveDetector(0, 0), samples, len(samples))
	if len(want) < 4 {
		t.Fatalf("pauses %v", want)
	}
	for _, block := range []int{1, 159, 160, 1000, 32768} {
		if got := run(NewLiveDetector(0, 0), samples, block); !slices.Equal(got, want) {
			t.Errorf("writes of %d samples: %v\nwhole: %v", block, got, want)
		}
	}
}
