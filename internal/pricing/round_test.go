package pricing

import "testing"

func TestRound(t *testing.T) {
	for in, want := range map[float64]float64{0.1 + 0.2: 0.3, 1.0000004: 1, 1.0000006: 1.000001, 0: 0, 2.5e-7: 0} {
		if got := Round(in); got != want {
			t.Errorf("Round(%v) = %v, want %v", in, got, want)
		}
	}
}
