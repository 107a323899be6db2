package cmd

import (
	"slices"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/pauses"
)

// TestSamplingFlags: every sampling parameter is a flag named as the README lists it, bound to its
// field, whose config key is the body's name.
func TestSamplingFlags(t *testing.T) {
	var s api.Sampling
	f := pflag.NewFlagSet("translate", pflag.ContinueOnError)
	addSamplingFlags(f, &s)
	var names []string
	f.VisitAll(func(fl *pflag.Flag) { names = append(names, fl.Name) })
	want := []string{"max-tokens", "presence-penalty", "repetition-penalty", "seed", "speech-rate", "temperature", "top-k", "top-p"}
	if !slices.Equal(names, want) {
		t.Errorf("flags %q, want %q", names, want)
	}
	if err := f.Parse([]string{"--top-p", "0.5", "--max-tokens", "900"}); err != nil {
		t.Fatal(err)
	}
	if s.TopP == nil || *s.TopP != 0.5 || s.MaxTokens == nil || *s.MaxTokens != 900 || s.Seed != nil {
		t.Errorf("parsed into %+v", s)
	}
	for _, key := range []string{"max_tokens", "seed", "temperature", "top_p", "top_k", "presence_penalty", "repetition_penalty", "speech_rate", "jobs"} {
		if !config.IsSetting(key) {
			t.Errorf("%s is not a setting the config file or environment may give", key)
		}
	}
}

// TestSettingsWorded: the range errors of the request's settings come out as they did when the
// command line checked them itself, with their hints and exit code.
func TestSettingsWorded(t *testing.T) {
	zero := 0
	_, threshold := pauses.ParseOptions("3", time.Second)
	_, minPause := pauses.ParseOptions("", 10*time.Millisecond)
	for _, tt := range []struct {
		err        error
		want, hint string
	}{
		{api.Sampling{MaxTokens: &zero}.Check(), "--max-tokens 0 is out of range: must be in [1, 4096]", "see livetranslate translate --help"},
		{threshold, `--pause-threshold "3" is not a level in [-90, -5] dB`,
			"e.g. --pause-threshold -40 (dB below full scale; louder is speech), or pause_threshold in the config file"},
		{minPause, "--min-pause 10ms is out of range: must be in [50ms, 5s]", "e.g. --min-pause 0.3s, or min_pause in the config file"},
	} {
		if tt.err == nil {
			t.Fatalf("no error for %q", tt.want)
		}
		if got := message(tt.err); got != tt.want {
			t.Errorf("message %q, want %q", got, tt.want)
		}
		if got := hintOf(tt.err, ""); got != tt.hint {
			t.Errorf("hint %q, want %q", got, tt.hint)
		}
		if got := exitCode(tt.err); got != exitUsage {
			t.Errorf("%q: exit %d", tt.want, got)
		}
	}
}
