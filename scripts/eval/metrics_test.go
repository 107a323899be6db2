package main

import (
	"slices"
	"testing"
	"time"
)

func s(sec float64) time.Duration { return seconds(sec) }

func sp(a, b float64) span { return span{s(a), s(b)} }

func TestComplement(t *testing.T) {
	pauses := []span{sp(-0.1, 1), sp(3, 3.05), sp(5, 6), sp(9.5, 12)}
	got := complement(pauses, s(10), 0)
	want := []span{sp(1, 3), sp(3.05, 5), sp(6, 9.5)}
	if !slices.Equal(got, want) {
		t.Errorf("complement = %v, want %v", got, want)
	}
	// The sliver between 3 and 3.05 goes when the minimum is 0.1 s; the end counts too.
	got = complement([]span{sp(1, 3), sp(3.05, 4)}, s(4.08), s(0.1))
	want = []span{sp(0, 1)}
	if !slices.Equal(got, want) {
		t.Errorf("complement with minimum = %v, want %v", got, want)
	}
	if got := complement(nil, s(2), 0); !slices.Equal(got, []span{sp(0, 2)}) {
		t.Errorf("complement of nothing = %v", got)
	}
}

func TestTolerance(t *testing.T) {
	for target, want := range map[float64]float64{10: 2.5, 15: 3.75, 20: 5, 60: 6, 100: 10, 600: 60} {
		if got := tolerance(s(target)); got != s(want) {
			t.Errorf("tolerance(%vs) = %v, want %vs", target, got, want)
		}
	}
}

func TestCuts(t *testing.T) {
	// 25 s at 10 s: three parts, ideal 8.33 in [5.83, 10]; the pause whose middle is 9.0 is
	// nearer than the one at 6.0, and the one at 10.5 is past pos+target.
	pauses := []span{sp(5.8, 6.2), sp(8.9, 9.1), sp(10.4, 10.6)}
	got := cuts(pauses, s(25), s(10))
	if len(got) != 2 {
		t.Fatalf("cuts = %+v, want 2", got)
	}
	if c := got[0]; c.At != s(9) || c.Hard || c.Lo != s(25)/3-s(2.5) || c.Hi != s(10) {
		t.Errorf("first cut = %+v, want at 9 s in [5.83, 10]", c)
	}
	// Then 16 s are left: two parts, ideal 17, no pause: a hard cut there; 8 s remain.
	if c := got[1]; c.At != s(17) || !c.Hard || c.Lo != s(14.5) || c.Hi != s(19) {
		t.Errorf("second cut = %+v, want a hard cut at 17 s in [14.5, 19]", c)
	}
	if got := cuts(pauses, s(10), s(10)); len(got) != 0 {
		t.Errorf("a recording of exactly the target was cut: %+v", got)
	}
	// A pause's middle exactly at the range's edge is in range.
	if got := cuts([]span{sp(9.9, 10.1)}, s(25), s(10)); got[0].At != s(10) || got[0].Hard {
		t.Errorf("cut at the edge = %+v, want 10 s", got[0])
	}
}

func TestCutPlacement(t *testing.T) {
	truePauses := []span{sp(0, 0.5), sp(4, 4.25), sp(8, 8.1), sp(20, 30)}
	for _, tc := range []struct {
		at           float64
		in           bool
		lo, hi       float64
		reach, midIn bool
		name         string
	}{
		{at: 4.1, in: true, lo: 2, hi: 6, name: "inside"},
		{at: 4.265, in: true, lo: 2, hi: 6, name: "within the slack after the end"},
		{at: 3.985, in: true, lo: 2, hi: 6, name: "within the slack before the start"},
		{at: 4.3, lo: 2, hi: 6, reach: true, midIn: true, name: "just past: the 0.25 s pause was in reach"},
		{at: 7, lo: 6, hi: 9, name: "only a 0.1 s pause in reach"},
		{at: 18, lo: 16, hi: 20.5, reach: true, name: "a long pause reaches in, its middle (25) does not"},
	} {
		in := inPause(s(tc.at), truePauses)
		if in != tc.in {
			t.Errorf("%s: inPause(%v) = %v, want %v", tc.name, tc.at, in, tc.in)
		}
		if got := pauseInReach(s(tc.lo), s(tc.hi), truePauses); !in && got != tc.reach {
			t.Errorf("%s: pauseInReach = %v, want %v", tc.name, got, tc.reach)
		}
		if got := pauseMidInReach(s(tc.lo), s(tc.hi), truePauses); !in && got != tc.midIn {
			t.Errorf("%s: pauseMidInReach = %v, want %v", tc.name, got, tc.midIn)
		}
	}
}

func TestPieces(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pauses []span
		total  float64
		want   []span
	}{
		{"joined across a short pause", []span{sp(0, 1), sp(3, 3.5), sp(6, 7)}, 7, []span{sp(1, 6)}},
		{"not across a pause over 1 s", []span{sp(0, 1), sp(3, 4.2), sp(6, 7)}, 7, []span{sp(1, 3), sp(4.2, 6)}},
		{"a pause of exactly 1 s joins", []span{sp(3, 4)}, 6, []span{sp(0, 6)}},
		{"not past 7 s", []span{sp(4, 4.5), sp(7.5, 8)}, 8, []span{sp(0, 4), sp(4.5, 7.5)}},
		{"slivers of speech dropped", []span{sp(0, 1), sp(1.05, 3)}, 4, []span{sp(3, 4)}},
		{"15 s of speech in three equal parts", []span{sp(0, 1), sp(16, 17)}, 17, []span{sp(1, 6), sp(6, 11), sp(11, 16)}},
		{"no speech at all", []span{sp(0, 5)}, 5, nil},
	} {
		if got := pieces(tc.pauses, s(tc.total)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: pieces = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEdgeErrors(t *testing.T) {
	truth := []span{sp(1, 2), sp(3, 4), sp(10, 12)}
	on, off := edgeErrors([]span{sp(1.02, 4.1), sp(9.5, 12)}, truth)
	if want := []time.Duration{s(0.02), s(0.5)}; !slices.Equal(on, want) {
		t.Errorf("onset errors = %v, want %v", on, want)
	}
	if want := []time.Duration{s(0.1), 0}; !slices.Equal(off, want) {
		t.Errorf("offset errors = %v, want %v", off, want)
	}
	if got := nearest(s(5), nil); got != 0 {
		t.Errorf("nearest in nothing = %v", got)
	}
	if got := nearest(s(100), []time.Duration{s(1), s(3)}); got != s(97) {
		t.Errorf("nearest past the last = %v", got)
	}
}

func TestPercentile(t *testing.T) {
	var v []time.Duration
	for i := 10; i >= 1; i-- { // unsorted on purpose
		v = append(v, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]int{50: 5, 90: 9, 95: 10, 100: 10, 1: 1, 10: 1, 11: 2} {
		if got, ok := percentile(v, p); !ok || got != time.Duration(want)*time.Millisecond {
			t.Errorf("p%v = %v, want %d ms", p, got, want)
		}
	}
	if v[0] != 10*time.Millisecond {
		t.Error("percentile sorted its argument")
	}
	if got, ok := percentile([]time.Duration{7}, 95); !ok || got != 7 {
		t.Errorf("p95 of one value = %v", got)
	}
	if _, ok := percentile(nil, 50); ok {
		t.Error("percentile of nothing is ok")
	}
}

func TestOverlap(t *testing.T) {
	if got := overlap([]span{sp(0, 2), sp(4, 9)}, []span{sp(1, 5), sp(8, 20)}); got != s(3) {
		t.Errorf("overlap = %v, want 3 s", got)
	}
}

func TestParseSilences(t *testing.T) {
	log := `Input #0, wav, from 'x.wav':
[silencedetect @ 0x5] silence_start: -0.00125
[silencedetect @ 0x5] silence_end: 0.5 | silence_duration: 0.50125
[silencedetect @ 0x5] silence_start: 3.25
[silencedetect @ 0x5] silence_end: 4 | silence_duration: 0.75
[silencedetect @ 0x5] silence_start: 9.5
size=N/A time=00:00:10.00 bitrate=N/A speed= 500x
`
	got, err := parseSilences(log, s(10))
	if err != nil {
		t.Fatal(err)
	}
	if want := []span{sp(0, 0.5), sp(3.25, 4), sp(9.5, 10)}; !slices.Equal(got, want) {
		t.Errorf("silences = %v, want %v", got, want)
	}
	for _, bad := range []string{"nan?", "NaN", "+Inf"} {
		if _, err := parseSilences("[silencedetect @ 0x5] silence_start: "+bad+"\n", s(1)); err == nil {
			t.Errorf("silence_start: %s was accepted", bad)
		}
	}
}
