package cmd

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// pauseOptions reads the speech/pause finder's overrides, from the flags, the environment or the
// config file: --pause-threshold (pause_threshold) takes "-40", "-40dB" or "-40 dB" (dBFS, so
// never above 0; "" measures it), --min-pause (min_pause) a duration.
func pauseOptions(threshold string, minPause time.Duration) (pauses.Options, error) {
	var o pauses.Options
	if v := strings.TrimSpace(threshold); v != "" {
		num := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "dB"), "db"))
		db, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(db) || db < -90 || db > -5 {
			return o, usagef("e.g. --pause-threshold -40 (dB below full scale; louder is speech), or pause_threshold in the config file",
				"--pause-threshold %q is not a level in [-90, -5] dB", threshold)
		}
		o.Threshold = db
	}
	d := minPause
	if d < 50*time.Millisecond || d > 5*time.Second {
		return o, usagef("e.g. --min-pause 0.3s, or min_pause in the config file", "--min-pause %s is out of range: must be in [50ms, 5s]", minPause)
	}
	o.MinPause = d
	return o, nil
}
