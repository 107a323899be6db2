package pauses

import (
	"errors"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/usage"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		threshold string
		minPause  time.Duration
		want      Options
		err       error // the typed error in the chain; nil for none
	}{
		{"", DefaultMinPause, Options{MinPause: DefaultMinPause}, nil},
		{"-40", time.Second, Options{Threshold: -40, MinPause: time.Second}, nil},
		{"-40dB", MinMinPause, Options{Threshold: -40, MinPause: MinMinPause}, nil},
		{" -40 dB ", MaxMinPause, Options{Threshold: -40, MinPause: MaxMinPause}, nil},
		{"-62.5db", DefaultMinPause, Options{Threshold: -62.5, MinPause: DefaultMinPause}, nil},
		{"-90", DefaultMinPause, Options{Threshold: -90, MinPause: DefaultMinPause}, nil},
		{"-5", DefaultMinPause, Options{Threshold: -5, MinPause: DefaultMinPause}, nil},
		{"-4", DefaultMinPause, Options{}, &ThresholdError{Value: "-4"}},
		{"-91 dB", DefaultMinPause, Options{}, &ThresholdError{Value: "-91 dB"}},
		{"3", DefaultMinPause, Options{}, &ThresholdError{Value: "3"}},
		{"NaN", DefaultMinPause, Options{}, &ThresholdError{Value: "NaN"}},
		{"loud", DefaultMinPause, Options{}, &ThresholdError{Value: "loud"}},
		{"", 49 * time.Millisecond, Options{}, &MinPauseError{Value: 49 * time.Millisecond}},
		{"-40", 0, Options{Threshold: -40}, &MinPauseError{Value: 0}},
		{"", 5*time.Second + 1, Options{}, &MinPauseError{Value: 5*time.Second + 1}},
	}
	for _, tt := range tests {
		got, err := ParseOptions(tt.threshold, tt.minPause)
		if tt.err == nil {
			if err != nil || got != tt.want {
				t.Errorf("ParseOptions(%q, %s) = %+v, %v; want %+v", tt.threshold, tt.minPause, got, err, tt.want)
			}
			continue
		}
		if _, ok := usage.As(err); !ok {
			t.Errorf("ParseOptions(%q, %s): %v is not a usage error", tt.threshold, tt.minPause, err)
		}
		var te *ThresholdError
		var me *MinPauseError
		switch want := tt.err.(type) {
		case *ThresholdError:
			if !errors.As(err, &te) || *te != *want {
				t.Errorf("ParseOptions(%q, %s): %v, want %+v", tt.threshold, tt.minPause, err, *want)
			}
		case *MinPauseError:
			if !errors.As(err, &me) || *me != *want {
				t.Errorf("ParseOptions(%q, %s): %v, want %+v", tt.threshold, tt.minPause, err, *want)
			}
		}
	}
	if got := (&ThresholdError{Value: "3"}).Error(); got != `pause threshold "3" is not a level in [-90, -5] dB` {
		t.Errorf("ThresholdError: %q", got)
	}
	if got := (&MinPauseError{Value: 10 * time.Millisecond}).Error(); got != "minimum pause 10ms is out of range: must be in [50ms, 5s]" {
		t.Errorf("MinPauseError: %q", got)
	}
}
