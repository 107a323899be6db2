package pipeline

import (
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// The warnings about an option are typed; their text is the pipeline's, naming no flag.
func TestTypedWarnings(t *testing.T) {
	for _, tc := range []struct {
		w    interface{ String() string }
		want string
	}{
		{&NoSpeechWarning{Name: "a.wav"}, "a.wav: no speech heard: nothing was sent"},
		{&NoSpeechWarning{Name: "a.wav", Report: &pauses.Report{Levels: pauses.Levels{NoiseFloor: -61.4, Threshold: -40.2}}},
			"a.wav: no speech heard (noise floor -61 dB, threshold -40 dB): nothing was sent"},
		{&MixIgnoredWarning{Name: "a.mp4"}, "a.mp4 has no sound to keep under the dub: the mix asked is ignored"},
	} {
		if got := tc.w.String(); got != tc.want || strings.Contains(got, "--") {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
