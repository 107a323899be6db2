package split

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/media"
)

// Silence is a stretch of the source quiet enough to cut in.
type Silence struct{ Start, End time.Duration }

// silenceFilter finds pauses between sentences: -35 dB is below room noise in a typical recording
// and far below speech; 0.3 s is shorter than a pause between sentences but longer than the gaps
// inside a word (media-notes.md).
const silenceFilter = "silencedetect=noise=-35dB:d=0.3"

// DetectSilences runs ffmpeg's silencedetect over the first audio stream of path and returns the
// silences in source time. It decodes the whole stream (about half a second for an hour of 16 kHz
// audio) and keeps only the parsed silences in memory.
func DetectSilences(ctx context.Context, ffmpeg, path string) ([]Silence, error) {
	bin, err := media.LookFFmpeg(ffmpeg)
	if err != nil {
		return nil, err
	}
	// silencedetect reports at the info log level; -nostats keeps progress lines out.
	cmd := exec.CommandContext(ctx, bin, "-nostdin", "-hide_banner", "-nostats",
		"-i", "file:"+path, "-map", "0:a:0", "-af", silenceFilter, "-f", "null", "-")
	cmd.WaitDelay = 5 * time.Second
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("silencedetect: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run ffmpeg: %w", err)
	}
	silences, lastLine, parseErr := parseSilenceLog(stderr)
	if parseErr != nil {
		// Drain so ffmpeg is not blocked writing to a pipe nobody reads.
		_, _ = io.Copy(io.Discard, stderr)
	}
	waitErr := cmd.Wait()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	if waitErr != nil {
		var exitErr *exec.ExitError
		if errors.As(waitErr, &exitErr) {
			return nil, fmt.Errorf("silencedetect on %s: ffmpeg: %s: %w", path, lastLine, waitErr)
		}
		return nil, fmt.Errorf("silencedetect on %s: %w", path, waitErr)
	}
	if parseErr != nil {
		return nil, fmt.Errorf("silencedetect on %s: %w", path, parseErr)
	}
	return silences, nil
}

// parseSilenceLog reads ffmpeg's stderr with silencedetect lines such as
//
//	[silencedetect @ 0x55c3b52bb540] silence_start: 4.98803
//	[silencedetect @ 0x55c3b52bb540] silence_end: 5.92399 | silence_duration: 0.935964
//
// and returns the silences and the last other non-empty line (ffmpeg's complaint when it fails).
// A silence still open at the end (older ffmpeg does not close one that runs to the end of the
// file) is dropped: a cut there would only shave silence off the end.
func parseSilenceLog(r io.Reader) ([]Silence, string, error) {
	var (
		silences []Silence
		open     = false
		start    time.Duration
		last     string
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.Contains(line, "silence_start:"):
			t, err := secondsAfter(line, "silence_start:")
			if err != nil {
				return nil, last, err
			}
			start, open = max(t, 0), true // a silence at the very start may read as -0.0001
		case strings.Contains(line, "silence_end:"):
			t, err := secondsAfter(line, "silence_end:")
			if err != nil {
				return nil, last, err
			}
			if open && t > start {
				silences = append(silences, Silence{Start: start, End: t})
			}
			open = false
		case line != "":
			last = line
		}
	}
	if err := sc.Err(); err != nil {
		return nil, last, fmt.Errorf("read ffmpeg output: %w", err)
	}
	return silences, last, nil
}

// secondsAfter parses the number of seconds that follows key in line.
func secondsAfter(line, key string) (time.Duration, error) {
	_, rest, _ := strings.Cut(line, key)
	field, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	secs, err := strconv.ParseFloat(field, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) {
		return 0, fmt.Errorf("unreadable silencedetect line %q", line)
	}
	return time.Duration(math.Round(secs * float64(time.Second))), nil
}

// ChooseCuts returns the cut points that divide [0, total] into segments no longer than target,
// as even in length as the silences allow. Each cut aims at the point that splits what remains
// into equal parts, ideal; it lands on the midpoint of the silence closest to ideal within
// ±tolerance (the later one on a tie), but never beyond target from the previous cut, so no
// segment exceeds it; with no silence there (noise, music) it is a hard cut at ideal.
// Balancing the segments, rather than cutting at every target, keeps the last one from being a
// few seconds long. tolerance is held to at most target/4, which keeps every cut more than a
// quarter of target past the previous one.
func ChooseCuts(silences []Silence, total, target, tolerance time.Duration) []time.Duration {
	if target <= 0 || total <= target {
		return nil
	}
	tolerance = min(max(tolerance, 0), target/4)
	mids := make([]time.Duration, 0, len(silences))
	for _, s := range silences {
		if s.End > s.Start {
			mids = append(mids, s.Start+(s.End-s.Start)/2)
		}
	}
	slices.Sort(mids)

	var cuts []time.Duration
	for pos := time.Duration(0); total-pos > target; {
		remaining := total - pos
		parts := (remaining + target - 1) / target // segments still needed, at least 2 here
		ideal := pos + remaining/parts
		lo, hi := ideal-tolerance, min(ideal+tolerance, pos+target)
		cut, found := ideal, false
		i, _ := slices.BinarySearch(mids, lo)
		for ; i < len(mids) && mids[i] <= hi; i++ {
			m := mids[i]
			if m <= pos || m >= total {
				continue
			}
			if !found || absDuration(m-ideal) <= absDuration(cut-ideal) {
				cut, found = m, true
			}
		}
		cuts = append(cuts, cut)
		pos = cut
	}
	return cuts
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// tolerance is how far from its ideal point a cut may move to land in a silence: a few seconds,
// or a tenth of a long target, so a pause between sentences is nearly always in reach.
func tolerance(target time.Duration) time.Duration {
	return min(max(5*time.Second, target/10), target/4)
}
