package subtitle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/media"
)

// SoundDuration is how long the first audio stream of path runs, read with ffprobe from the
// stream's header (or, in Matroska and WebM, its DURATION tag); 0 when the file does not say.
// A video's picture may go on after its sound has ended (a clip made with -shortest: 9.4 s of
// picture, 8.5 s of sound), and silencedetect cannot see past the sound's end, so without this
// the soundless tail would pass for speech.
func SoundDuration(ctx context.Context, ffprobe, path string) (time.Duration, error) {
	bin, err := media.LookFFprobe(ffprobe)
	if err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, bin, "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=duration:stream_tags=DURATION", "-of", "json", "file:"+path).Output()
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return 0, ctxErr
		}
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return 0, fmt.Errorf("ffprobe %s: %s", path, strings.TrimSpace(string(exitErr.Stderr)))
		}
		return 0, fmt.Errorf("run ffprobe: %w", err)
	}
	var probed struct {
		Streams []struct {
			Duration string            `json:"duration"`
			Tags     map[string]string `json:"tags"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &probed); err != nil {
		return 0, fmt.Errorf("parse ffprobe output: %w", err)
	}
	if len(probed.Streams) == 0 {
		return 0, nil
	}
	s := probed.Streams[0]
	if secs, err := strconv.ParseFloat(s.Duration, 64); err == nil && secs > 0 && !math.IsInf(secs, 0) {
		return time.Duration(math.Round(secs * float64(time.Second))), nil
	}
	for k, v := range s.Tags {
		if strings.EqualFold(k, "DURATION") {
			return parseClock(v), nil
		}
	}
	return 0, nil
}

// parseClock reads Matroska's "00:00:08.505000000"; 0 when it is something else.
func parseClock(s string) time.Duration {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) != 3 {
		return 0
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil || h < 0 || m < 0 || sec < 0 {
		return 0
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(math.Round(sec*float64(time.Second)))
}
