// Package pauses finds where a recording's speech is and where its pauses are, relative to the
// recording's own levels. ffmpeg decodes the first audio stream to 16 kHz mono, band-limited to
// the voice (100 Hz – 5 kHz, so mains hum and rumble do not count as sound); a Detector measures
// each 10 ms frame's level and, over a 30-second window around it, the recording's noise floor
// and speech level; a frame is speech above a threshold between the two, with hysteresis, and a
// pause is a quiet stretch of at least a minimum length (0.2 s by default). The analysis reads the
// audio once, as a stream, and reports each pause as soon as it is certain, so a caller can act on
// the first minutes of a recording while the rest is still being read.
//
// A fixed threshold in dBFS (Options.Threshold) replaces the measured one for recordings where
// the automatic choice is wrong: music or another voice as loud as the speaker, say.
//
// The package sends nothing and prints nothing; callers decide what a pause is used for: the cut
// points of long inputs (split), the pieces of subtitles and dubbing (subtitle, job), and what
// need not be sent because nobody speaks in it.
package pauses

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/media"
)

// Pause is a stretch of a recording without speech.
type Pause struct{ Start, End time.Duration }

// Duration is End - Start.
func (p Pause) Duration() time.Duration { return p.End - p.Start }

// Mid is the middle of the pause: where a cut is furthest from the speech on either side.
func (p Pause) Mid() time.Duration { return p.Start + (p.End-p.Start)/2 }

// Options tune the finder.
type Options struct {
	// Threshold, when non-zero, is a fixed level in dBFS (negative): quieter is a pause. Zero
	// measures a threshold from the recording itself, stretch by stretch.
	Threshold float64
	// MinPause is the shortest quiet stretch inside speech that counts as a pause (0 =
	// DefaultMinPause).
	MinPause time.Duration
	// FFmpeg is the path of ffmpeg ("" = look it up on PATH).
	FFmpeg string
	// Track keeps the level of every 10 ms in Report.Track (100 bytes a second of audio).
	Track bool
}

// Report is what the finder measured of a recording, and the pauses it found.
type Report struct {
	Duration time.Duration // of the audio analysed
	// Pauses are in order and do not overlap; a quiet lead-in and a quiet end are pauses too.
	Pauses []Pause
	// Gaps are the quiet stretches inside speech shorter than a pause (see Update.Gaps).
	Gaps []Pause
	// Levels are the medians of what was measured, a sample a second; ThresholdMin and
	// ThresholdMax are the range the threshold took as the recording's levels changed.
	Levels
	ThresholdMin, ThresholdMax float64
	Fixed                      bool // the threshold was given, not measured
	MinPause                   time.Duration
	// Speech is how much of the recording is not a pause.
	Speech time.Duration
	// Track is the recording's level, when Options.Track asked for it.
	Track Track
}

// SpeechShare is Speech as a share of Duration (0 when empty).
func (r *Report) SpeechShare() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return float64(r.Speech) / float64(r.Duration)
}

// String says what was measured, for -v: "noise floor -31 dB, speech -17 dB, threshold -27 dB
// (-29 to -26), speech 71% of 11.0 s, 9 pauses of 0.2 s or more".
func (r *Report) String() string {
	var b strings.Builder
	if r.Fixed {
		fmt.Fprintf(&b, "threshold %.0f dB (given), noise floor %.0f dB, speech %.0f dB", r.Threshold, r.NoiseFloor, r.SpeechLevel)
	} else {
		fmt.Fprintf(&b, "noise floor %.0f dB, speech %.0f dB, threshold %.0f dB", r.NoiseFloor, r.SpeechLevel, r.Threshold)
		if r.ThresholdMax-r.ThresholdMin >= 1 {
			fmt.Fprintf(&b, " (%.0f to %.0f as the levels changed)", r.ThresholdMin, r.ThresholdMax)
		}
	}
	inner := 0
	for _, p := range r.Pauses {
		if p.Start > 0 && p.End < r.Duration {
			inner++
		}
	}
	fmt.Fprintf(&b, "; speech %.0f%% of %.1f s, %d pauses of %.1f s or more", 100*r.SpeechShare(), r.Duration.Seconds(), inner, r.MinPause.Seconds())
	return b.String()
}

// Progress is called as the analysis goes: with the pauses that became certain, how far the
// classification is final, and the detector (for Quietest). An error it returns stops the analysis
// and is returned.
type Progress func(u Update, d *Detector) error

// Stream decodes the first audio stream of path with ffmpeg and runs a Detector over it, calling
// progress (when non-nil) after every block of audio and once at the end; it returns the report
// of the whole recording. The audio is read once and never held: memory stays flat whatever the
// length.
func Stream(ctx context.Context, path string, opts Options, progress Progress) (*Report, error) {
	bin, err := media.LookFFmpeg(opts.FFmpeg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Resampling first makes the band filters cheap (an hour of MP3 decodes and filters in about
	// 5 s instead of 18); two 2-pole high-passes take 50 Hz hum down by about 40 dB.
	// The audio is laid on the container's timeline (first_pts=0 pads a stream that starts late
	// with silence, async fills gaps), so times are where a player shows them, and where the
	// segments are cut.
	filter := fmt.Sprintf("aresample=%d:async=1:first_pts=0,aformat=sample_fmts=s16:channel_layouts=mono,highpass=f=100,highpass=f=100,lowpass=f=5000", SampleRate)
	cmd := exec.CommandContext(ctx, bin, "-nostdin", "-hide_banner", "-loglevel", "error",
		"-i", "file:"+path, "-map", "0:a:0", "-af", filter, "-f", "s16le", "-")
	cmd.WaitDelay = 5 * time.Second
	stderr := &media.StderrTail{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("finding pauses: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run ffmpeg: %w", err)
	}
	d := NewDetector(opts.Threshold, opts.MinPause)
	if opts.Track {
		d.KeepTrack()
	}
	rep := &Report{Fixed: opts.Threshold != 0, MinPause: opts.MinPause}
	if rep.MinPause <= 0 {
		rep.MinPause = DefaultMinPause
	}
	readErr := feed(stdout, d, rep, progress)
	if readErr != nil {
		cancel() // stop ffmpeg: nobody reads what it writes any more
	}
	waitErr := cmd.Wait()
	if err := ctx.Err(); err != nil && readErr == nil {
		return nil, err
	}
	if readErr != nil {
		return nil, readErr
	}
	if waitErr != nil {
		var exitErr *exec.ExitError
		if errors.As(waitErr, &exitErr) {
			return nil, &media.FFmpegError{Reason: stderr.Reason(), Err: waitErr}
		}
		return nil, fmt.Errorf("run ffmpeg: %w", waitErr)
	}
	u := d.Close()
	rep.Pauses = append(rep.Pauses, u.Pauses...)
	rep.Gaps = append(rep.Gaps, u.Gaps...)
	rep.Duration = d.Duration()
	rep.Levels, rep.ThresholdMin, rep.ThresholdMax = d.Levels()
	rep.Track = d.Track()
	rep.Speech = rep.Duration
	for _, p := range rep.Pauses {
		rep.Speech -= p.Duration()
	}
	if progress != nil {
		if err := progress(u, d); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// feed reads s16le samples into d until EOF, about a second of audio at a time.
func feed(r io.Reader, d *Detector, rep *Report, progress Progress) error {
	return media.ReadSamples(bufio.NewReaderSize(r, 64<<10), 32<<10, func(samples []int16) error {
		u := d.Write(samples)
		rep.Pauses = append(rep.Pauses, u.Pauses...)
		rep.Gaps = append(rep.Gaps, u.Gaps...)
		if progress != nil {
			return progress(u, d)
		}
		return nil
	})
}

// Find runs Stream to the end and returns its report.
func Find(ctx context.Context, path string, opts Options) (*Report, error) {
	return Stream(ctx, path, opts, nil)
}
