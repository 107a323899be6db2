package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExternalLoad(t *testing.T) {
	dir := t.TempDir()
	// Pauses of 0.8 s (0.2-1.0), 0.15 s (2.0-2.15: a gap) and 0.05 s (3.0-3.05: speech), and the
	// 0.5 s after the last segment up to the 4 s total.
	rec := `{"speech": [[0.2, 2.0], [2.15, 3.0], [3.05, 3.5]]}`
	if err := os.WriteFile(filepath.Join(dir, "a__clean.json"), []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	e := external{dir: dir}
	f, speech, err := e.load("a__clean.wav", s(4))
	if err != nil {
		t.Fatal(err)
	}
	if want := []span{sp(0, 0.2), sp(3.5, 4)}; !slices.Equal(f.Pauses, want) {
		t.Errorf("pauses = %v, want %v", f.Pauses, want)
	}
	if want := []span{sp(2, 2.15)}; !slices.Equal(f.Gaps, want) {
		t.Errorf("gaps = %v, want %v", f.Gaps, want)
	}
	if len(speech) != 3 || speech[1] != sp(2.15, 3) {
		t.Errorf("speech = %v", speech)
	}
	if _, _, err := e.load("b__clean.wav", s(4)); err == nil {
		t.Error("a recording without segments loaded")
	}
	if err := os.WriteFile(filepath.Join(dir, "c.json"), []byte(`{"speech": [[2, 3], [0, 1]]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.load("c.wav", s(4)); err == nil {
		t.Error("segments out of order loaded")
	}
}

func TestSnapPieces(t *testing.T) {
	speech := []span{sp(1.0, 3.0), sp(3.4, 6.0), sp(9.0, 12.0)}
	pieces := []span{
		sp(0.9, 3.2),  // both edges within 0.25 s of the segment's: snapped to 1.0-3.0
		sp(3.3, 6.5),  // start to 3.4; the end is 0.5 s past 6.0: kept
		sp(8.0, 11.9), // start 1 s off: kept; end 0.1 s before 12.0: snapped
	}
	got := snapPieces(pieces, speech, s(0.25))
	want := []span{sp(1, 3), sp(3.4, 6.5), sp(8, 12)}
	if !slices.Equal(got, want) {
		t.Errorf("snapPieces = %v, want %v", got, want)
	}
	// Only segment ends count for an end: 3.25 goes to the end at 3.0 (at the snap's limit), not
	// to the start at 3.4; of two ends in reach the nearer wins.
	if got := snapPieces([]span{sp(1, 3.25)}, speech, s(0.25)); got[0] != sp(1, 3) {
		t.Errorf("end at 3.25 snapped to %v, want 3.0", got[0])
	}
	if got := snapPieces([]span{sp(1, 3.2)}, []span{sp(1, 3), sp(3.1, 3.3)}, s(0.25)); got[0] != sp(1, 3.3) {
		t.Errorf("end at 3.2 between ends 3.0 and 3.3 snapped to %v, want 3.3", got[0])
	}
	// A piece the snap would turn inside out is kept as it was.
	if got := snapPieces([]span{sp(3.3, 3.1)}, speech, s(0.25)); got[0] != sp(3.3, 3.1) {
		t.Errorf("inverted piece = %v", got[0])
	}
}

func TestProbTrack(t *testing.T) {
	// 32 ms windows: speech, 10 windows (320 ms) of next to none, speech again.
	probs := []float64{1, 1, 1, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 1, 1, 1}
	tr := probTrack(probs, s(0.032), s(0.512))
	if len(tr) != 51 || tr[0] != 0 || tr[10] != -30 || tr[50] != 0 {
		t.Fatalf("track = %v", tr)
	}
	at, ok := tr.Quietest(0, s(0.512))
	if !ok || at < s(0.096+0.1) || at > s(0.416-0.1) {
		t.Errorf("quietest at %v, want the middle of a 200 ms stretch inside 96-416 ms", at)
	}
	if tr := probTrack([]float64{0}, s(0.032), s(0.02)); len(tr) != 2 || tr[0] != -120 {
		t.Errorf("probability 0 gives %v, want -120 dB", tr)
	}
}

func TestTrimPieces(t *testing.T) {
	speech := []span{sp(1.0, 3.0), sp(3.4, 6.0), sp(9.0, 12.0)}
	pieces := []span{
		sp(0.7, 3.6),  // start in silence, 0.3 s before 1.0: moved; end in speech: kept
		sp(3.2, 6.4),  // start 0.2 s before 3.4, end 0.4 s after 6.0: both moved
		sp(7.0, 12.5), // start 2 s before 9.0: out of reach, kept; end moved back to 12.0
		sp(1.2, 2.8),  // inside speech: kept
		sp(6.2, 6.3),  // no speech in it: the end would go before the start, kept
	}
	got := trimPieces(pieces, speech, s(0.5), true)
	want := []span{sp(1, 3.6), sp(3.4, 6), sp(7, 12), sp(1.2, 2.8), sp(6.2, 6.3)}
	if !slices.Equal(got, want) {
		t.Errorf("trimPieces = %v, want %v", got, want)
	}
	if got := trimPieces(pieces[:2], speech, s(0.5), false); !slices.Equal(got, []span{sp(0.7, 3.6), sp(3.2, 6)}) {
		t.Errorf("trimPieces, ends only = %v, want the starts as they were", got)
	}
	if got := trimPieces([]span{sp(0.7, 3.6)}, speech, s(0.2), true); got[0] != sp(0.7, 3.6) {
		t.Errorf("with 0.2 s of reach a start 0.3 s early moved: %v", got[0])
	}
}
