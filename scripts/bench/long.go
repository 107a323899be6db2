package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// The long group: a recording too long for one request, which the tool cuts at its pauses as it
// reads it and sends segment by segment, -j 4, joining the output. Each case is run against two
// emulators:
//
//   - one answering at once (no latency, no delay between events), where the run's wall time is
//     all the tool's own work (finding the pauses, encoding the segments, sending them, joining
//     the output, assembling the WAV) and the first stdout byte shows how soon the first request
//     goes out;
//   - one at the suite's realistic pace (1 s to the first byte, 20 ms between events), where the
//     wall time should be the larger of that local work and the service's work, not their sum.
const (
	longJobs    = 4
	longLatency = time.Second
	longDelay   = 20 * time.Millisecond
	// longRuns is how many times each case runs against each emulator, alternately (the figures
	// are medians): one run of the hour takes seconds, and a busy machine makes any one of them
	// noisy.
	longRuns = 3
	// longPollEvery is how often the paced runs' memory is sampled: its ffmpeg children live for
	// a second or more, and sampling every 2 ms would take CPU from the run being timed.
	longPollEvery = 20 * time.Millisecond
)

// longCase is one input of the long group and one way of asking for it.
type longCase struct {
	minutes int
	codec   string // WAV or MP3
	speech  bool   // --audio-out: the service also speaks, which makes more, shorter segments
}

func (c longCase) name() string {
	out := "text"
	if c.speech {
		out = "--audio-out"
	}
	return fmt.Sprintf("long %d min %s, %s", c.minutes, c.codec, out)
}

// input makes (or reuses) the case's recording.
func (c longCase) input(ctx context.Context, s *suite) (string, error) {
	if c.codec == "MP3" {
		return longMP3(ctx, s.repo, s.work, c.minutes)
	}
	return longRecording(ctx, s.repo, s.work, c.minutes)
}

// longRun is what one run of a long case measured.
type longRun struct {
	m          measured
	segments   int           // requests the emulator received
	firstByte  time.Duration // start to the first stdout byte, less the emulator's own time to first token
	firstReq   time.Duration // start to the first request byte
	upload     time.Duration // the first request's first byte to its last before the answer began
	serverTTFT time.Duration // the emulator's own time to first token on the first request
	toStdout   time.Duration // the first event leaving the emulator to the first stdout byte
	lastStart  time.Duration // start to the last request's arrival in the emulator's handler
	meanReq    time.Duration // the emulator's mean time in a request's handler
}

// benchLong: the long input, text only and with --audio-out, for 20 and 60 minutes of WAV and 60
// minutes of MP3: the first translated byte, the local work, the service's work, the wall time
// against the larger of the two, and the peak memory of the tool and its ffmpeg children.
func benchLong(ctx context.Context, s *suite) error {
	cases := []longCase{
		{20, "WAV", false}, {20, "WAV", true},
		{60, "WAV", false}, {60, "WAV", true},
		{60, "MP3", false}, {60, "MP3", true},
	}
	instant, err := newEmulator(fakeapi.Options{NoProbe: true})
	if err != nil {
		return err
	}
	defer instant.Close()
	paced, err := newEmulator(fakeapi.Options{Latency: longLatency, ChunkDelay: longDelay, NoProbe: true})
	if err != nil {
		return err
	}
	defer paced.Close()
	perSegment := map[string]time.Duration{} // one segment's request time, by length and output
	type peaks struct{ tool, child int64 }
	shortPeaks := map[bool]peaks{} // the 20-minute WAV's, to show whether memory stays flat
	for _, c := range cases {
		in, err := c.input(ctx, s)
		if err != nil {
			return err
		}
		// Runs against the two emulators alternate, so that a change in the machine's load
		// weighs on both alike.
		var fast, slow []longRun
		for range longRuns {
			r, err := s.longRun(ctx, instant, c, in, false)
			if err != nil {
				return err
			}
			fast = append(fast, r)
			if r, err = s.longRun(ctx, paced, c, in, true); err != nil {
				return err
			}
			slow = append(slow, r)
		}
		n := fast[0].segments
		for _, r := range append(fast[1:], slow...) {
			if r.segments != n {
				return fmt.Errorf("%s: %d segments in one run, %d in another: %w", c.name(), n, r.segments, errCheck)
			}
		}

		// One segment's request time at the realistic pace.
		segLen := (time.Duration(c.minutes) * time.Minute / time.Duration(n)).Round(time.Second)
		key := fmt.Sprint(segLen, c.speech)
		if _, ok := perSegment[key]; !ok {
			d, err := s.segmentRequestTime(ctx, in, segLen, c.speech)
			if err != nil {
				return err
			}
			perSegment[key] = d
		}
		per := perSegment[key]
		service := (time.Duration(n) * per / longJobs).Seconds()

		first := medianRun(fast, func(r longRun) time.Duration { return r.firstByte })
		localRun := medianRun(fast, func(r longRun) time.Duration { return r.m.Wall })
		wallRun := medianRun(slow, func(r longRun) time.Duration { return r.m.Wall })
		local, wall := localRun.m.Wall.Seconds(), wallRun.m.Wall.Seconds()
		var tool, child, maxRSS int64
		var meanReq time.Duration
		for _, r := range slow {
			tool, child, maxRSS = max(tool, r.m.SelfHWM), max(child, r.m.ChildHWM), max(maxRSS, r.m.MaxRSS)
			meanReq += r.meanReq / time.Duration(len(slow))
		}

		name := c.name()
		assembling, alone := "", ""
		if c.speech {
			assembling, alone = ", assembling the WAV", " with --audio-out"
		}
		s.add(row{Group: "long", Name: name + ": start → first stdout byte", Unit: "s", Ours: ptr(first.firstByte.Seconds()), Target: "< 2",
			Note: fmt.Sprintf("emulator answering at once, median of %d runs (%s); of which start → first request byte %.2f s (finding the first cut, encoding segment 1), "+
				"its upload %.0f ms, first event → stdout byte %.1f ms; the emulator's own time to first token (%.0f ms) is left out",
				len(fast), listRuns(fast, func(r longRun) time.Duration { return r.firstByte }),
				first.firstReq.Seconds(), ms(first.upload), ms(first.toStdout), ms(first.serverTTFT))})
		s.add(row{Group: "long", Name: name + ": local work", Unit: "s", Ours: ptr(local),
			Note: fmt.Sprintf("wall of the same runs, median (%s): finding the pauses, encoding %d segments of ~%s, sending, joining%s; "+
				"the last request went out at %.2f s; CPU %.1f s (tool and ffmpeg)",
				listRuns(fast, func(r longRun) time.Duration { return r.m.Wall }), n, segLen, assembling, localRun.lastStart.Seconds(), localRun.m.CPU.Seconds())})
		s.add(row{Group: "long", Name: name + ": service work", Unit: "s", Ours: ptr(service),
			Note: fmt.Sprintf("%d segments × %.2f s / %d jobs; %.2f s is one %s segment encoded as the tool encodes it and sent alone%s, first request byte to last response byte "+
				"(emulator: %s latency, %s between events; in the runs below it spent %.2f s on a request on average)",
				n, per.Seconds(), longJobs, per.Seconds(), segLen, alone, longLatency, longDelay, meanReq.Seconds())})
		s.add(row{Group: "long", Name: name + ": wall", Unit: "s", Ours: ptr(wall),
			Note: fmt.Sprintf("against the emulator at %s latency, %s between events, -j %d, median of %d runs (%s), each after one of the runs above; "+
				"the last request reached it %.2f s after the start; CPU %.1f s",
				longLatency, longDelay, longJobs, len(slow), listRuns(slow, func(r longRun) time.Duration { return r.m.Wall }),
				wallRun.lastStart.Seconds(), wallRun.m.CPU.Seconds())})
		floor := ""
		if local >= service {
			// The last segment is ready when the local work ends, and only then sent.
			floor = fmt.Sprintf("; the last segment goes out when the local work ends, so the wall is at least local work + one request: %.2f", (local+per.Seconds())/local)
		}
		s.add(row{Group: "long", Name: name + ": wall / max(local, service)", Unit: "x", Ours: ptr(wall / max(local, service)), Target: "<= 1.1",
			Note: fmt.Sprintf("%.2f s / max(%.2f s, %.2f s)%s", wall, local, service, floor)})
		flat := ""
		if p, ok := shortPeaks[c.speech]; ok && c.minutes != 20 {
			flat = fmt.Sprintf("; 20 min WAV: tool %.1f MiB, ffmpeg %.1f MiB", mib(p.tool), mib(p.child))
		} else if c.minutes == 20 && c.codec == "WAV" {
			shortPeaks[c.speech] = peaks{tool, child}
		}
		s.add(row{Group: "long", Name: name + ": peak RSS, tool", Unit: "MiB", Ours: ptr(mib(tool)), Target: "< 40",
			Note: fmt.Sprintf("the largest of the paced runs, VmHWM sampled every %s; wait4 (tool or any child) %.1f MiB%s", longPollEvery, mib(maxRSS), flat)})
		s.add(row{Group: "long", Name: name + ": peak RSS, ffmpeg", Unit: "MiB", Ours: ptr(mib(child)),
			Note: "the largest child (the finder's decoder or a segment's encoder), sampled"})
	}
	return nil
}

// medianRun is the run whose f is the median (the upper one of an even count).
func medianRun(runs []longRun, f func(longRun) time.Duration) longRun {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b longRun) int { return cmp.Compare(f(a), f(b)) })
	return sorted[len(sorted)/2]
}

// longRun runs the tool on one long case against srv and checks its output: one translation per
// request the emulator received, and with --audio-out a WAV.
func (s *suite) longRun(ctx context.Context, srv *server, c longCase, in string, poll bool) (longRun, error) {
	args := []string{"translate", in, "--to", "en", "-j", fmt.Sprint(longJobs), "--progress", "never"}
	out := filepath.Join(s.work, "long-out.wav")
	if c.speech {
		os.Remove(out)
		args = append(args, "--audio-out", out)
	}
	srv.Reset()
	before := len(srv.Emu.Requests())
	cmd, tmp, err := s.oursInTemp(srv, poll, args...)
	if err != nil {
		return longRun{}, err
	}
	m := run(ctx, cmd)
	os.RemoveAll(tmp)
	if err := mustOK(m); err != nil {
		return longRun{}, err
	}
	r := longRun{m: m, segments: len(srv.Emu.Requests()) - before}
	if got := strings.Count(string(m.Out), "translation of"); r.segments < 2 || got != r.segments {
		return r, fmt.Errorf("%s: %d requests and %d translations in the output: %w", c.name(), r.segments, got, errCheck)
	}
	if c.speech {
		fi, err := os.Stat(out)
		if err != nil || fi.Size() <= 44 {
			return r, fmt.Errorf("%s: no speech written to %s (%v): %w", c.name(), out, err, errCheck)
		}
		os.Remove(out)
	}
	// The first segment's request is the first request of the connection that was read first.
	var conn connTimes
	for _, ct := range srv.Conns() {
		if !ct.FirstRead.IsZero() && (conn.FirstRead.IsZero() || ct.FirstRead.Before(conn.FirstRead)) {
			conn = ct
		}
	}
	if conn.FirstRead.IsZero() || conn.FirstEvent.IsZero() || m.FirstOut.IsZero() {
		return r, fmt.Errorf("%s: no timed request or output: %w", c.name(), errCheck)
	}
	r.firstReq = conn.FirstRead.Sub(m.Start)
	r.upload = conn.ReadBeforeEvent.Sub(conn.FirstRead)
	r.serverTTFT = max(conn.FirstEvent.Sub(conn.ReadBeforeEvent), 0)
	r.toStdout = m.FirstOut.Sub(conn.FirstEvent)
	r.firstByte = m.FirstOut.Sub(m.Start) - r.serverTTFT
	reqs := srv.Requests()
	var total time.Duration
	for _, q := range reqs {
		r.lastStart = max(r.lastStart, q.Start.Sub(m.Start))
		total += q.End.Sub(q.Start)
	}
	if len(reqs) > 0 {
		r.meanReq = total / time.Duration(len(reqs))
	}
	return r, nil
}

// segmentRequestTime is how long one segment of the given length takes to translate at the
// realistic pace, alone: the start of in encoded as the tool encodes segments (compact Opus),
// sent by the tool, timed at the server from its first request byte to its last response byte.
func (s *suite) segmentRequestTime(ctx context.Context, in string, length time.Duration, speech bool) (time.Duration, error) {
	seg := filepath.Join(s.work, fmt.Sprintf("segment-%ds.opus", int(length.Seconds())))
	if _, err := os.Stat(seg); err != nil {
		tmp := seg + ".part.opus"
		if err := ffmpeg(ctx, "-i", in, "-t", fmt.Sprint(length.Seconds()), "-map", "0:a:0",
			"-af", "aresample=16000,aformat=sample_rates=16000:channel_layouts=mono",
			"-c:a", "libopus", "-b:a", "32000", "-vbr", "constrained", "-compression_level", "5", "-f", "ogg", tmp); err != nil {
			return 0, err
		}
		if err := os.Rename(tmp, seg); err != nil {
			return 0, err
		}
	}
	srv, err := newEmulator(fakeapi.Options{Latency: longLatency, ChunkDelay: longDelay, NoProbe: true})
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	args := []string{"translate", seg, "--to", "en", "--progress", "never", "--no-ledger"}
	out := filepath.Join(s.work, "segment-out.wav")
	if speech {
		os.Remove(out)
		args = append(args, "--audio-out", out)
		defer os.Remove(out)
	}
	cmd, tmp, err := s.oursInTemp(srv, false, args...)
	if err != nil {
		return 0, err
	}
	m := run(ctx, cmd)
	os.RemoveAll(tmp)
	if err := mustOK(m); err != nil {
		return 0, err
	}
	conns := srv.Conns()
	if n := len(srv.Emu.Requests()); n != 1 || len(conns) != 1 {
		return 0, fmt.Errorf("a %s segment went out as %d requests on %d connections, want 1: %w", length, n, len(conns), errCheck)
	}
	return conns[0].LastWrite.Sub(conns[0].FirstRead), nil
}

// oursInTemp is s.ours with a temporary directory of its own (TMPDIR) under the work directory,
// for the segment files and held speech, which the caller removes after the run: a run that fails
// leaves nothing in the system's temporary directory.
func (s *suite) oursInTemp(srv *server, poll bool, args ...string) (command, string, error) {
	tmp := filepath.Join(s.work, "tmp")
	if err := os.RemoveAll(tmp); err != nil {
		return command{}, "", err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return command{}, "", err
	}
	c := s.ours(srv, poll, args...)
	c.env = append(c.env, "TMPDIR="+tmp)
	c.pollEvery = longPollEvery
	return c, tmp, nil
}

// listRuns lists f of each run in seconds, in the order they ran.
func listRuns(runs []longRun, f func(longRun) time.Duration) string {
	var v []float64
	for _, r := range runs {
		v = append(v, f(r).Seconds())
	}
	return joinFloats(v) + " s"
}

func joinFloats(v []float64) string {
	var parts []string
	for _, x := range v {
		parts = append(parts, fmt.Sprintf("%.2f", x))
	}
	return strings.Join(parts, " / ")
}
