package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
)

// found is what a finder said about one file.
type found struct {
	Pauses []span
	// Gaps are the new finder's quiet stretches too short to be pauses (none for the old one).
	Gaps []span
	// Track is the new finder's level track, where the tool cuts speech that never pauses.
	Track pauses.Track
	// Levels the new finder measured (dBFS); zero for the old one.
	NoiseFloor, Threshold float64
}

// oldFilter is the filter the tool used before internal/pauses: a fixed -35 dBFS threshold and a
// 0.3 s minimum, whatever the recording's own levels.
const oldFilter = "silencedetect=noise=-35dB:d=0.3"

// findOld runs ffmpeg's silencedetect as the tool did. A silence still open at the end of the
// file (older ffmpeg does not close it) ends at total.
func findOld(ctx context.Context, path string, total time.Duration) (found, error) {
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-hide_banner", "-nostats",
		"-i", "file:"+path, "-map", "0:a:0", "-af", oldFilter, "-f", "null", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return found{}, fmt.Errorf("silencedetect on %s: %w: %s", path, err, lastLine(stderr.String()))
	}
	ps, err := parseSilences(stderr.String(), total)
	return found{Pauses: ps}, err
}

// parseSilences reads silencedetect's silence_start/silence_end lines.
func parseSilences(log string, total time.Duration) ([]span, error) {
	var (
		out   []span
		start time.Duration
		open  bool
	)
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		line := sc.Text()
		for _, key := range []string{"silence_start:", "silence_end:"} {
			_, rest, ok := strings.Cut(line, key)
			if !ok {
				continue
			}
			field, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
			secs, err := strconv.ParseFloat(field, 64)
			if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) {
				return nil, fmt.Errorf("unreadable silencedetect line %q", line)
			}
			t := max(seconds(secs), 0) // a silence at the very start may read as -0.0001
			if key == "silence_start:" {
				start, open = t, true
			} else if open {
				out = append(out, span{start, min(t, total)})
				open = false
			}
		}
	}
	if open && start < total {
		out = append(out, span{start, total})
	}
	return out, nil
}

// findNew runs the new finder, internal/pauses, with its defaults, as the tool does.
func findNew(ctx context.Context, path string) (found, error) {
	rep, err := pauses.Find(ctx, path, pauses.Options{Track: true})
	if err != nil {
		return found{}, err
	}
	f := found{NoiseFloor: rep.NoiseFloor, Threshold: rep.Threshold, Track: rep.Track}
	for _, p := range rep.Pauses {
		f.Pauses = append(f.Pauses, span{p.Start, p.End})
	}
	for _, g := range rep.Gaps {
		f.Gaps = append(f.Gaps, span{g.Start, g.End})
	}
	return f, nil
}

func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
