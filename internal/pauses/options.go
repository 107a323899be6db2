package pauses

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// The ranges a caller may set: a fixed threshold between the quietest level a recording's noise
// floor has and just under full scale; a minimum pause between a breath and a long silence.
const (
	MinThreshold = -90.0 // dBFS
	MaxThreshold = -5.0
	MinMinPause  = 50 * time.Millisecond
	MaxMinPause  = 5 * time.Second
)

// ParseOptions reads a caller's overrides of the finder: threshold is a fixed level in dBFS, as
// "-40", "-40dB" or "-40 dB" ("" measures it from each recording), minPause the shortest pause.
// A value out of its range is a usage error holding a *ThresholdError or a *MinPauseError.
func ParseOptions(threshold string, minPause time.Duration) (Options, error) {
	var o Options
	if v := strings.TrimSpace(threshold); v != "" {
		num := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "dB"), "db"))
		db, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(db) || db < MinThreshold || db > MaxThreshold {
			return o, usage.Wrap(&ThresholdError{Value: threshold}, "")
		}
		o.Threshold = db
	}
	if minPause < MinMinPause || minPause > MaxMinPause {
		return o, usage.Wrap(&MinPauseError{Value: minPause}, "")
	}
	o.MinPause = minPause
	return o, nil
}

// ThresholdError is a fixed threshold that is not a level in [MinThreshold, MaxThreshold] dBFS.
type ThresholdError struct {
	Value string // as given
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("pause threshold %q is not a level in [%g, %g] dB", e.Value, MinThreshold, MaxThreshold)
}

// MinPauseError is a minimum pause out of [MinMinPause, MaxMinPause].
type MinPauseError struct {
	Value time.Duration
}

func (e *MinPauseError) Error() string {
	return fmt.Sprintf("minimum pause %s is out of range: must be in [%s, %s]", e.Value, MinMinPause, MaxMinPause)
}
