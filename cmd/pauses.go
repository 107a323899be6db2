package cmd

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// pauseOptions reads the speech/pause finder's overrides: --pause-threshold takes "-40",
// "-40dB" or "-40 dB" (dBFS, so never above 0), --min-pause a duration.
func pauseOptions(opts *translateOptions) (pauses.Options, error) {
	var o pauses.Options
	if v := strings.TrimSpace(opts.PauseThreshold); v != "" {
		num := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "dB"), "db"))
		db, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(db) || db < -90 || db > -5 {
			return o, usagef("e.g. --pause-threshold -40 (dB below full scale; louder is speech)",
				"--pause-threshold %q is not a level in [-90, -5] dB", opts.PauseThreshold)
		}
		o.Threshold = db
	}
	if opts.MinPause < 50*time.Millisecond || opts.MinPause > 5*time.Second {
		return o, usagef("e.g. --min-pause 0.3s", "--min-pause %s is out of range: must be in [50ms, 5s]", opts.MinPause)
	}
	o.MinPause = opts.MinPause
	return o, nil
}
