package split

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// cutsOf runs a cutter over pauses known all at once and returns its cut points (the segments'
// ends but the last) and the segments.
func cutsOf(ps []pauses.Pause, total, target, tol time.Duration) ([]time.Duration, [][2]time.Duration) {
	var segs [][2]time.Duration
	c := newCutter(total, target, func(start, end time.Duration) error {
		segs = append(segs, [2]time.Duration{start, end})
		return nil
	})
	c.tol = min(max(tol, 0), target/4)
	if err := c.update(pauses.Update{Pauses: ps, Through: total, OpenSince: -1}, nil); err != nil {
		panic(err)
	}
	if err := c.finish(); err != nil {
		panic(err)
	}
	var cuts []time.Duration
	for i, s := range segs {
		if i+1 < len(segs) && segs[i+1][0] == s[1] {
			cuts = append(cuts, s[1])
		}
	}
	return cuts, segs
}

func pz(start, end time.Duration) pauses.Pause { return pauses.Pause{Start: start, End: end} }

func inside(t time.Duration, ps []pauses.Pause) bool {
	for _, p := range ps {
		if t >= p.Start && t <= p.End {
			return true
		}
	}
	return false
}

func TestCutter(t *testing.T) {
	tests := []struct {
		name          string
		silences      []pauses.Pause
		total, target time.Duration
		tolerance     time.Duration
		want          []time.Duration
	}{
		{
			name:  "fits: no cuts",
			total: sec(40), target: sec(40), tolerance: sec(5),
			silences: []pauses.Pause{pz(sec(10), sec(11))},
			want:     nil,
		},
		{
			name: "silences near the balanced points: the closest wins",
			// 100 s in segments of at most 40 s: three parts, ideal points 33.3 s, then 66.75 s.
			silences: []pauses.Pause{pz(sec(30), sec(31)), pz(sec(33), sec(34)), pz(sec(65), sec(66)), pz(sec(70), sec(70.5))},
			total:    sec(100), target: sec(40), tolerance: sec(5),
			want: []time.Duration{sec(33.5), sec(65.5)},
		},
		{
			name: "a longer pause a few seconds off beats a marginal one near the ideal point",
			// 40 s in segments of at most 20 s: ideal 20 s, range [15 s, 20 s]. The 0.22 s quiet
			// stretch at 18 s is as likely a stop consonant and a soft syllable as a pause; the
			// 0.28 s one at 16.1 s is the surer place (measured on real voices, docs/eval.md).
			silences: []pauses.Pause{pz(sec(16), sec(16.28)), pz(sec(17.86), sec(18.08))},
			total:    sec(40), target: sec(20), tolerance: sec(5),
			want: []time.Duration{sec(16.14), sec(28.07)}, // then the 23.86 s left in halves
		},
		{
			name:  "no silences (noise): hard cuts at the balanced points",
			total: sec(200), target: sec(60), tolerance: sec(5),
			want: []time.Duration{sec(50), sec(100), sec(150)},
		},
		{
			name: "silences out of reach: hard cut",
			// Ideal 50 s, tolerance 5 s: pauses at 40 s and 60 s are too far.
			silences: []pauses.Pause{pz(sec(39.5), sec(40.5)), pz(sec(59.5), sec(60.5))},
			total:    sec(100), target: sec(60), tolerance: sec(5),
			want: []time.Duration{sec(50)},
		},
		{
			name: "last silence runs to the end of the file: no sliver cut off",
			// 61 s with segments of at most 60 s: two halves, not 59.5 s + 1.5 s.
			silences: []pauses.Pause{pz(sec(58), sec(61))},
			total:    sec(61), target: sec(60), tolerance: sec(5),
			want: []time.Duration{sec(30.5)},
		},
		{
			name: "tolerance edge: a pause exactly tolerance before the ideal point counts",
			// 100 s, target 50 s: ideal 50 s, window [45 s, 50 s] (never beyond the target); the
			// 55 s left are then halved by a hard cut.
			silences: []pauses.Pause{pz(sec(44.5), sec(45.5))},
			total:    sec(100), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(45), sec(72.5)},
		},
		{
			name:     "tolerance edge: a pause that only reaches into the range is cut where it does",
			silences: []pauses.Pause{pz(sec(44.499), sec(45.499))},
			total:    sec(100), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(45), sec(72.5)},
		},
		{
			name:     "tolerance edge: a pause ending before the range is out of reach",
			silences: []pauses.Pause{pz(sec(43.9), sec(44.9))},
			total:    sec(100), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(50)},
		},
		{
			name:     "a longer pause a little further wins over a short one at the ideal point",
			silences: []pauses.Pause{pz(sec(42), sec(43)), pz(sec(44.9), sec(45.1))},
			total:    sec(90), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(42.5)},
		},
		{
			name: "a pause after the target is never taken, even within tolerance",
			// It would make the first segment 52 s, over the 50 s target.
			silences: []pauses.Pause{pz(sec(51.5), sec(52.5))},
			total:    sec(100), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(50)},
		},
		{
			name: "after the ideal point but within the target: taken",
			// 90 s, target 50 s: ideal 45 s, window [40 s, 50 s].
			silences: []pauses.Pause{pz(sec(47), sec(48))},
			total:    sec(90), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(47.5)},
		},
		{
			name:     "equal distance on both sides: the later pause",
			silences: []pauses.Pause{pz(sec(42.5), sec(43.5)), pz(sec(46.5), sec(47.5))},
			total:    sec(90), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(47)},
		},
		{
			name: "tolerance is held to a quarter of the target",
			// Tolerance 30 s on a 20 s target becomes 5 s: the pause at 2 s is not taken.
			silences: []pauses.Pause{pz(sec(1.5), sec(2.5))},
			total:    sec(40), target: sec(20), tolerance: sec(30),
			want: []time.Duration{sec(20)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := cutsOf(tc.silences, tc.total, tc.target, tc.tolerance)
			if !slices.Equal(got, tc.want) {
				t.Errorf("ChooseCuts = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCutterInvariants checks, over random pause patterns, what every plan relies on: cuts
// rise strictly inside (0, total), no segment is longer than the target, and a cut is hard only
// when no pause was within reach of its ideal point.
func TestCutterInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		total := time.Duration(rng.Int64N(int64(2*time.Hour))) + time.Second
		target := time.Duration(rng.Int64N(int64(20*time.Minute))) + 2*time.Second
		tol := tolerance(target)
		var silences []pauses.Pause
		for at := time.Duration(0); at < total; {
			at += time.Duration(rng.Int64N(int64(max(target/3, time.Second))))
			length := time.Duration(rng.Int64N(int64(2*time.Second))) + 300*time.Millisecond
			silences = append(silences, pz(at, min(at+length, total)))
			at += length
		}
		_, segs := cutsOf(silences, total, target, tol)
		pos := time.Duration(0)
		for i, sg := range segs {
			if d := sg[1] - sg[0]; d <= 0 || d > target || sg[0] < pos {
				t.Fatalf("total %v target %v: segment %d is %v (from %v; %d segments)", total, target, i, sg, pos, len(segs))
			}
			if i+1 < len(segs) && segs[i+1][0] == sg[1] && !inside(sg[1], silences) {
				// A hard cut: no pause may have been within reach of its ideal point.
				tgt, tl := target, tol
				if i == 0 {
					tgt = min(target, FirstSegment)
					tl = min(tol, tolerance(tgt))
				}
				remaining := total - sg[0]
				parts := (remaining + tgt - 1) / tgt
				ideal := sg[0] + remaining/parts
				lo, hi := ideal-tl, min(ideal+tl, sg[0]+tgt)
				for _, s := range silences {
					if mid := s.Mid(); mid >= lo && mid <= hi && mid > sg[0] && mid < total {
						t.Fatalf("hard cut at %v although the pause %v was within reach of %v", sg[1], s, ideal)
					}
				}
			}
			pos = sg[1]
		}
	}
}

// TestCutterLeavesOutSilence: a pause of SkipPause or more is not sent (Pad of it is, on either
// side of the speech), a recording without speech gives no segment, and a quiet lead-in and end
// are left out too.
func TestCutterLeavesOutSilence(t *testing.T) {
	tests := []struct {
		name          string
		pauses        []pauses.Pause
		total, target time.Duration
		want          [][2]time.Duration
	}{
		{"all silence", []pauses.Pause{pz(0, sec(600))}, sec(600), sec(200), nil},
		// The first segment is at most FirstSegment long: 500 s in parts of 60 s, ideal 55.6 s.
		{"long pause in the middle", []pauses.Pause{pz(sec(100), sec(400))}, sec(500), sec(200),
			[][2]time.Duration{{0, sec(500) / 9}, {sec(500) / 9, sec(100.5)}, {sec(399.5), sec(500)}}},
		{"quiet lead-in and end", []pauses.Pause{pz(0, sec(60)), pz(sec(200), sec(300))}, sec(300), sec(200),
			[][2]time.Duration{{sec(59.5), sec(59.5) + sec(240.5)/5}, {sec(59.5) + sec(240.5)/5, sec(200.5)}}},
		// The pause at 150-160 s only touches the range [160 s, 200 s] of the second cut: a cut
		// at its very edge would be at the start of a word, so the cut is hard, at 180 s.
		{"short pauses stay in", []pauses.Pause{pz(0, sec(2)), pz(sec(150), sec(160))}, sec(300), sec(200),
			[][2]time.Duration{{0, sec(60)}, {sec(60), sec(180)}, {sec(180), sec(300)}}},
		{"a pause in range is taken", []pauses.Pause{pz(0, sec(2)), pz(sec(170), sec(172))}, sec(300), sec(200),
			[][2]time.Duration{{0, sec(60)}, {sec(60), sec(171)}, {sec(171), sec(300)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, got := cutsOf(tc.pauses, tc.total, tc.target, tolerance(tc.target))
			if !slices.Equal(got, tc.want) {
				t.Errorf("segments = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCutterIsIncremental: a cut is made as soon as the finder is far enough past the end of its
// range to know there is no long pause to end the segment at instead, not when the whole input
// has been read; a pause still going on counts.
func TestCutterIsIncremental(t *testing.T) {
	var segs [][2]time.Duration
	c := newCutter(sec(3600), sec(200), func(start, end time.Duration) error {
		segs = append(segs, [2]time.Duration{start, end})
		return nil
	})
	// The first segment is at most FirstSegment: 3600 s in 60 s parts, ideal 60 s, range
	// [54 s, 60 s]; the cut waits for the finder to reach 60 s + SkipPause.
	if err := c.update(pauses.Update{Pauses: []pauses.Pause{pz(sec(55), sec(56))}, Through: sec(79), OpenSince: -1}, nil); err != nil {
		t.Fatal(err)
	}
	if len(segs) != 0 {
		t.Fatalf("cut before a long pause could be ruled out: %v", segs)
	}
	if err := c.update(pauses.Update{Pauses: []pauses.Pause{pz(sec(57), sec(57.3))}, Through: sec(81), OpenSince: -1}, nil); err != nil {
		t.Fatal(err)
	}
	if want := [][2]time.Duration{{0, sec(55.5)}}; !slices.Equal(segs, want) {
		t.Fatalf("segments = %v, want %v (the 1 s pause rather than the 0.3 s one nearer the ideal point)", segs, want)
	}
	// The second segment: 3544.5 s left in parts of 200 s, ideal 252.4 s, range [232.4 s,
	// 255.5 s]; the pause from 240 s is taken once the finder is past 275.5 s.
	if err := c.update(pauses.Update{Through: sec(242), OpenSince: sec(240)}, nil); err != nil {
		t.Fatal(err)
	}
	if len(segs) != 1 {
		t.Fatalf("second cut too early: %v", segs)
	}
	if err := c.update(pauses.Update{Through: sec(275), OpenSince: -1, Pauses: []pauses.Pause{pz(sec(240), sec(242))}}, nil); err != nil {
		t.Fatal(err)
	}
	if len(segs) != 1 {
		t.Fatalf("second cut before the finder passed its reach: %v", segs)
	}
	if err := c.update(pauses.Update{Through: sec(276), OpenSince: -1}, nil); err != nil {
		t.Fatal(err)
	}
	if len(segs) != 2 || segs[1] != [2]time.Duration{sec(55.5), sec(241)} {
		t.Fatalf("segments = %v, want the second to end in the pause at 240-242 s", segs)
	}
}
