package live

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// stereo decodes path as live mode's ffmpeg does: 16 kHz, left band-limited for detection
// (the filters of pauses.Stream), right unfiltered. extra are ffmpeg filters applied to the
// source first (noise mixed in, say) as a -filter_complex chain from [0:a] to [src].
func stereo(t testing.TB, path string, inputs []string, pre string) []int16 {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed: run scripts/install-deps.sh")
	}
	if pre == "" {
		pre = "[0:a]anull[src]"
	}
	graph := pre + ";[src]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono,asplit=2[a][b];" +
		"[a]highpass=f=100,highpass=f=100,lowpass=f=5000[l];[l][b]join=inputs=2:channel_layout=stereo,aformat=sample_fmts=s16[out]"
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-i", path}
	for _, in := range inputs {
		args = append(args, "-f", "lavfi", "-i", in)
	}
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

func TestCutterSpeechSmoke(t *testing.T) {
	s := stereo(t, "../../testdata/media/speech.wav", nil, "")
	got, at := cutAll(NewCutter(CutterOptions{}), s, 320)
	for i, u := range got {
		t.Logf("%d %v–%v %s (returned at %v, %d samples)", u.Index, u.Start, u.End, u.Reason, at[i], len(u.Samples))
	}
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
		s := stereo(t, filepath.Join(dir, f.File), nil, "")
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
