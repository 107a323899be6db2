package live

import (
	"encoding/binary"
	"os/exec"
	"testing"
	"time"
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
