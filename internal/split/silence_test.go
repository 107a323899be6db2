package split

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func TestChooseCuts(t *testing.T) {
	tests := []struct {
		name          string
		silences      []Silence
		total, target time.Duration
		tolerance     time.Duration
		want          []time.Duration
	}{
		{
			name:  "fits: no cuts",
			total: sec(40), target: sec(40), tolerance: sec(5),
			silences: []Silence{{sec(10), sec(11)}},
			want:     nil,
		},
		{
			name: "silences near the balanced points: the closest wins",
			// 100 s in segments of at most 40 s: three parts, ideal points 33.3 s, then 66.75 s.
			silences: []Silence{{sec(30), sec(31)}, {sec(33), sec(34)}, {sec(65), sec(66)}, {sec(70), sec(70.5)}},
			total:    sec(100), target: sec(40), tolerance: sec(5),
			want: []time.Duration{sec(33.5), sec(65.5)},
		},
		{
			name:  "no silences (noise): hard cuts at the balanced points",
			total: sec(200), target: sec(60), tolerance: sec(5),
			want: []time.Duration{sec(50), sec(100), sec(150)},
		},
		{
			name: "silences out of reach: hard cut",
			// Ideal 50 s, tolerance 5 s: pauses at 40 s and 60 s are too far.
			silences: []Silence{{sec(39.5), sec(40.5)}, {sec(59.5), sec(60.5)}},
			total:    sec(100), target: sec(60), tolerance: sec(5),
			want: []time.Duration{sec(50)},
		},
		{
			name: "last silence runs to the end of the file: no sliver cut off",
			// 61 s with segments of at most 60 s: two halves, not 59.5 s + 1.5 s.
			silences: []Silence{{sec(58), sec(61)}},
			total:    sec(61), target: sec(60), tolerance: sec(5),
			want: []time.Duration{sec(30.5)},
		},
		{
			name: "tolerance edge: a pause exactly tolerance before the ideal point counts",
			// 100 s, target 50 s: ideal 50 s, window [45 s, 50 s] (never beyond the target); the
			// 55 s left are then halved by a hard cut.
			silences: []Silence{{sec(44.5), sec(45.5)}},
			total:    sec(100), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(45), sec(72.5)},
		},
		{
			name:     "tolerance edge: a millisecond further is out of reach",
			silences: []Silence{{sec(44.499), sec(45.499)}},
			total:    sec(100), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(50)},
		},
		{
			name: "a pause after the target is never taken, even within tolerance",
			// It would make the first segment 52 s, over the 50 s target.
			silences: []Silence{{sec(51.5), sec(52.5)}},
			total:    sec(100), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(50)},
		},
		{
			name: "after the ideal point but within the target: taken",
			// 90 s, target 50 s: ideal 45 s, window [40 s, 50 s].
			silences: []Silence{{sec(47), sec(48)}},
			total:    sec(90), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(47.5)},
		},
		{
			name:     "equal distance on both sides: the later pause",
			silences: []Silence{{sec(46.5), sec(47.5)}, {sec(42.5), sec(43.5)}},
			total:    sec(90), target: sec(50), tolerance: sec(5),
			want: []time.Duration{sec(47)},
		},
		{
			name: "tolerance is held to a quarter of the target",
			// Tolerance 30 s on a 20 s target becomes 5 s: the pause at 2 s is not taken.
			silences: []Silence{{sec(1.5), sec(2.5)}},
			total:    sec(40), target: sec(20), tolerance: sec(30),
			want: []time.Duration{sec(20)},
		},
		{
			name:     "unsorted and empty silences are handled",
			silences: []Silence{{sec(66), sec(67)}, {sec(10), sec(10)}, {sec(33), sec(34)}},
			total:    sec(100), target: sec(40), tolerance: sec(5),
			want: []time.Duration{sec(33.5), sec(66.5)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ChooseCuts(tc.silences, tc.total, tc.target, tc.tolerance)
			if !slices.Equal(got, tc.want) {
				t.Errorf("ChooseCuts = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestChooseCutsInvariants checks, over random pause patterns, what every plan relies on: cuts
// rise strictly inside (0, total), no segment is longer than the target, and a cut is hard only
// when no pause was within reach of its ideal point.
func TestChooseCutsInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		total := time.Duration(rng.Int64N(int64(2*time.Hour))) + time.Second
		target := time.Duration(rng.Int64N(int64(20*time.Minute))) + 2*time.Second
		tol := tolerance(target)
		var silences []Silence
		for at := time.Duration(0); at < total; {
			at += time.Duration(rng.Int64N(int64(max(target/3, time.Second))))
			length := time.Duration(rng.Int64N(int64(2*time.Second))) + 300*time.Millisecond
			silences = append(silences, Silence{at, min(at+length, total)})
			at += length
		}
		cuts := ChooseCuts(silences, total, target, tol)
		bounds := append(append([]time.Duration{0}, cuts...), total)
		for i := 1; i < len(bounds); i++ {
			if d := bounds[i] - bounds[i-1]; d <= 0 || d > target {
				t.Fatalf("total %v target %v: segment %d is %v (cuts %v)", total, target, i, d, cuts)
			}
		}
		pos := time.Duration(0)
		for _, c := range cuts {
			remaining := total - pos
			parts := (remaining + target - 1) / target
			ideal := pos + remaining/parts
			lo, hi := ideal-tol, min(ideal+tol, pos+target)
			if !insideSilence(c, silences) {
				for _, s := range silences {
					if mid := s.Start + (s.End-s.Start)/2; mid >= lo && mid <= hi && mid > pos && mid < total {
						t.Fatalf("hard cut at %v although the pause %v was within reach of %v", c, s, ideal)
					}
				}
			}
			pos = c
		}
	}
}

func TestParseSilenceLog(t *testing.T) {
	log := `Input #0, wav, from 'file:x.wav':
  Duration: 00:00:10.77, bitrate: 352 kb/s
[silencedetect @ 0x5653d28b0540] silence_start: -0.000125
[silencedetect @ 0x5653d28b0540] silence_end: 0.4 | silence_duration: 0.400125
[silencedetect @ 0x5653d28b0540] silence_start: 1.62844
[silencedetect @ 0x5653d28b0540] silence_end: 2.15819 | silence_duration: 0.529751
size=N/A time=00:00:10.77 bitrate=N/A speed= 500x
[silencedetect @ 0x5653d28b0540] silence_start: 10.4137
`
	got, last, err := parseSilenceLog(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	want := []Silence{{0, sec(0.4)}, {sec(1.62844), sec(2.15819)}}
	if !slices.Equal(got, want) {
		t.Errorf("silences = %v, want %v (the open one at the end dropped)", got, want)
	}
	if !strings.HasPrefix(last, "size=N/A") {
		t.Errorf("last other line = %q", last)
	}

	if _, _, err := parseSilenceLog(strings.NewReader("[silencedetect @ 0x1] silence_start: nan\n")); err == nil {
		t.Error("a NaN time was accepted")
	}
}

// TestDetectSilences finds the pauses espeak-ng puts where SSML asks for them.
func TestDetectSilences(t *testing.T) {
	requireTools(t, "espeak-ng", "ffmpeg")
	dir := t.TempDir()
	ssml := filepath.Join(dir, "p.ssml")
	wav := filepath.Join(dir, "p.wav")
	breaks := []time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond}
	text := `<speak>The first sentence is here.<break time="500ms"/>Then a second one follows.<break time="1000ms"/>` +
		`A third sentence comes after a longer pause.<break time="1500ms"/>And the last one ends it.</speak>`
	if err := os.WriteFile(ssml, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("espeak-ng", "-v", "en-us", "-s", "160", "-m", "-f", ssml, "-w", wav).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v\n%s", err, out)
	}

	got, err := DetectSilences(context.Background(), "", wav)
	if err != nil {
		t.Fatal(err)
	}
	// espeak-ng ends the file with a short silence of its own; any silence after the last
	// sentence is not a pause between sentences.
	if len(got) < len(breaks) || len(got) > len(breaks)+1 {
		t.Fatalf("found %d silences %v, want the %d breaks (and at most a trailing one)", len(got), got, len(breaks))
	}
	prev := time.Duration(0)
	for i, b := range breaks {
		s := got[i]
		if d := s.End - s.Start; d < b-20*time.Millisecond || d > b+200*time.Millisecond {
			t.Errorf("silence %d lasts %v, want about the %v break", i, d, b)
		}
		if s.Start <= prev+500*time.Millisecond {
			t.Errorf("silence %d starts at %v, too soon after %v for a sentence between", i, s.Start, prev)
		}
		prev = s.End
	}

	if _, err := DetectSilences(context.Background(), "", filepath.Join(dir, "missing.wav")); err == nil {
		t.Error("no error for a missing file")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DetectSilences(ctx, "", wav); err == nil {
		t.Error("no error with a cancelled context")
	}
}

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run scripts/install-deps.sh", tool)
		}
	}
}
