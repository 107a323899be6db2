package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// ours is a run of livetranslate against srv, with its own empty configuration and ledger
// directories (the ledger is on: a user's run records every request), and without the result
// cache: every run of the suite sends the same inputs, which the cache would answer instead.
func (s *suite) ours(srv *server, poll bool, args ...string) command {
	xdg := filepath.Join(s.work, "xdg")
	return command{
		args: append([]string{s.bin}, args...),
		env: []string{"DASHSCOPE_API_KEY=" + benchKey, "DASHSCOPE_BASE_URL=" + srv.URL,
			"XDG_CONFIG_HOME=" + filepath.Join(xdg, "config"), "XDG_STATE_HOME=" + filepath.Join(xdg, "state"),
			"XDG_CACHE_HOME=" + filepath.Join(xdg, "cache"), "LIVETRANSLATE_CACHE=never"},
		poll: poll,
	}
}

// nodePeer runs the vendor's Node.js quick start on file.
func (s *suite) nodePeer(srv *server, file string) command {
	return command{
		args: []string{"node", filepath.Join(s.repo, "scripts", "bench", "peer-node", "translate.mjs"), file, "wav", "en"},
		env:  []string{"DASHSCOPE_API_KEY=" + benchKey, "DASHSCOPE_BASE_URL=" + srv.URL},
	}
}

// curlPeer runs the vendor's curl example on file.
func (s *suite) curlPeer(srv *server, file string) command {
	return command{
		args: []string{"bash", filepath.Join(s.repo, "scripts", "bench", "peer-curl.sh"), file, "wav", "en"},
		env:  []string{"DASHSCOPE_API_KEY=" + benchKey, "DASHSCOPE_BASE_URL=" + srv.URL, "TMPDIR=" + s.work},
	}
}

// peerRun runs a peer and checks its output: a failure is a finding, not an error of the suite.
func peerRun(ctx context.Context, c command, want string) (measured, string) {
	m := run(ctx, c)
	switch {
	case m.Err != nil:
		return m, fmt.Sprintf("%v (peak %.0f MiB before it failed)", m.Err, mib(m.MaxRSS))
	case !strings.Contains(string(m.Out), want):
		return m, fmt.Sprintf("unexpected output %q", lastLine(string(m.Out)))
	}
	return m, ""
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func (s *suite) media(name string) string { return filepath.Join(s.repo, "testdata", "media", name) }

// benchStartup: `livetranslate --version`, `voices`, `languages`, median wall time.
func benchStartup(ctx context.Context, s *suite) error {
	srv, err := newEmulator(fakeapi.Options{NoProbe: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, args := range [][]string{{"--version"}, {"voices"}, {"languages"}} {
		var walls []float64
		for range s.latRuns {
			m := run(ctx, s.ours(srv, false, args...))
			if err := mustOK(m); err != nil {
				return err
			}
			walls = append(walls, ms(m.Wall))
		}
		s.add(row{Group: "startup", Name: "start-up: livetranslate " + strings.Join(args, " "), Unit: "ms",
			Ours: ptr(median(walls)), Target: "< 15", Note: fmt.Sprintf("median of %d runs", len(walls))})
	}
	return nil
}

// benchLatency: process start to the first request byte on the wire, and the emulator's first
// event to the first byte on stdout, for a small WAV (and an MP3, which ffprobe reads).
func benchLatency(ctx context.Context, s *suite) error {
	srv, err := newEmulator(fakeapi.Options{NoProbe: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	timings := func(c command, runs int, want string) (firstReq, firstOut []float64, note string) {
		for range runs {
			srv.Reset()
			m, bad := peerRun(ctx, c, want)
			if bad != "" {
				return nil, nil, bad
			}
			conns := srv.Conns()
			if len(conns) == 0 {
				return nil, nil, "no connection"
			}
			firstReq = append(firstReq, ms(conns[0].FirstRead.Sub(m.Start)))
			firstOut = append(firstOut, ms(m.FirstOut.Sub(conns[0].FirstEvent)))
		}
		return firstReq, firstOut, ""
	}
	for _, in := range []struct{ name, file string }{{"WAV", "speech.wav"}, {"MP3", "speech.mp3"}} {
		file := s.media(in.file)
		req, out, bad := timings(s.ours(srv, false, "translate", file, "--to", "en", "--progress", "never"), s.latRuns, "translation of")
		if bad != "" {
			return fmt.Errorf("livetranslate on %s: %s", in.file, bad)
		}
		first := row{Group: "latency", Name: "start → first request byte (" + in.name + ")", Unit: "ms", Ours: ptr(median(req)), Target: "< 20",
			Note: fmt.Sprintf("median of %d runs; fork/exec included", len(req))}
		event := row{Group: "latency", Name: "first event → first stdout byte (" + in.name + ")", Unit: "ms", Ours: ptr(median(out)), Target: "< 1",
			Note: "emulator's socket write of the first SSE event to the first byte read from the tool's stdout pipe"}
		if s.peers && in.name == "WAV" {
			runs := max(s.latRuns/3, 3)
			if req, out, bad := timings(s.nodePeer(srv, file), runs, "translation of"); bad != "" {
				first.NodeNote, event.NodeNote = bad, bad
			} else {
				first.Node, event.Node = ptr(median(req)), ptr(median(out))
			}
			if req, out, bad := timings(s.curlPeer(srv, file), runs, "[DONE]"); bad != "" {
				first.CurlNote, event.CurlNote = bad, bad
			} else {
				first.Curl, event.Curl = ptr(median(req)), ptr(median(out))
			}
		}
		s.add(first)
		s.add(event)
	}
	return nil
}

// benchThroughput: the request path alone (file → Base64 → JSON body → socket) on one core,
// into a server that discards the body; the median of throughputRuns runs, each timed at the
// server from the first request byte to the last.
func benchThroughput(ctx context.Context, s *suite) error {
	const size, throughputRuns = 1e9, 3
	path, err := largeWAV(s.work, size)
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	srv, err := newServer(sinkHandler())
	if err != nil {
		return err
	}
	defer srv.Close()
	mb := float64(fi.Size()) / 1e6
	measure := func(ledger bool) (wire, perCPU float64, err error) {
		var wires, cpus []float64
		for range throughputRuns {
			args := []string{"translate", path, "--to", "en", "--inline-limit", "0", "--progress", "never"}
			if !ledger {
				args = append(args, "--no-ledger")
			}
			c := s.ours(srv, false, args...)
			c.env = append(c.env, "GOMAXPROCS=1")
			srv.Reset()
			m := run(ctx, c)
			if err := mustOK(m); err != nil {
				return 0, 0, err
			}
			conns := srv.Conns()
			if len(conns) != 1 || conns[0].ReadBytes < fi.Size() {
				return 0, 0, fmt.Errorf("%d connections, want 1 carrying the file: %w", len(conns), errCheck)
			}
			wires = append(wires, mb/conns[0].LastRead.Sub(conns[0].FirstRead).Seconds())
			cpus = append(cpus, mb/m.CPU.Seconds())
		}
		return median(wires), median(cpus), nil
	}
	wire, perCPU, err := measure(false)
	if err != nil {
		return err
	}
	s.add(row{Group: "throughput", Name: "request path, 1 GB file, GOMAXPROCS=1", Unit: "MB/s", Ours: ptr(wire), Target: ">= 1000",
		Note: fmt.Sprintf("MB of file per second from the first to the last request byte at the server (1.33 GB of JSON), median of %d runs", throughputRuns)})
	s.add(row{Group: "throughput", Name: "request path, 1 GB file: per CPU-second", Unit: "MB/s", Ours: ptr(perCPU), Target: ">= 1000",
		Note: "MB of file per second of the process's CPU time (user + system, start-up included)"})
	// The same with the usage ledger on, as a user runs it: it records the SHA-256 of what was sent.
	wire, perCPU, err = measure(true)
	if err != nil {
		return err
	}
	s.add(row{Group: "throughput", Name: "request path + ledger's SHA-256, GOMAXPROCS=1", Unit: "MB/s", Ours: ptr(wire),
		Note: fmt.Sprintf("as above with the usage ledger on (the default), which hashes the bytes sent; %.0f MB per CPU-second", perCPU)})
	return nil
}

// benchMemory: peak memory and wall time of one request of each size, sent whole
// (--inline-limit 0, the emulator without its data-URI limit), ours and the peers'.
func benchMemory(ctx context.Context, s *suite) error {
	srv, err := newEmulator(fakeapi.Options{NoLimit: true, NoProbe: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, size := range s.sizes {
		path, err := largeWAV(s.work, size)
		if err != nil {
			return err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		before := len(srv.Emu.Requests())
		m := run(ctx, s.ours(srv, true, "translate", path, "--to", "en", "--inline-limit", "0", "--progress", "never"))
		if err := mustOK(m); err != nil {
			return err
		}
		reqs := srv.Emu.Requests()[before:]
		if len(reqs) != 1 || reqs[0].MediaBytes != fi.Size() {
			return fmt.Errorf("%s: the emulator did not get the whole file in one request: %w", path, errCheck)
		}
		name := "request " + sizeName(size)
		rss := row{Group: "memory", Name: name + ": peak RSS", Unit: "MiB", Ours: ptr(mib(m.MaxRSS)), Target: "< 40",
			Note: fmt.Sprintf("whole process incl. children (wait4); the tool alone %.1f MiB, ffprobe/ffmpeg children %.1f MiB", mib(m.SelfHWM), mib(m.ChildHWM))}
		wall := row{Group: "memory", Name: name + ": wall", Unit: "s", Ours: ptr(m.Wall.Seconds())}
		if s.peers {
			if p, bad := peerRun(ctx, s.nodePeer(srv, path), "translation of"); bad != "" {
				rss.NodeNote, wall.NodeNote = bad, bad
			} else {
				rss.Node, wall.Node = ptr(mib(p.MaxRSS)), ptr(p.Wall.Seconds())
			}
			if p, bad := peerRun(ctx, s.curlPeer(srv, path), "[DONE]"); bad != "" {
				rss.CurlNote, wall.CurlNote = bad, bad
			} else {
				rss.Curl, wall.Curl = ptr(mib(p.MaxRSS)), ptr(p.Wall.Seconds())
			}
		}
		s.add(rss)
		s.add(wall)
	}
	return nil
}

// benchSpeech: speech assembly from SSE audio chunks to a WAV on disk, for one and six minutes
// of output speech.
func benchSpeech(ctx context.Context, s *suite) error {
	// One response carries at most the output cap's speech (4096 tokens at 12.5 a second, about
	// 5.5 minutes, with the emulator's slack); the tool refuses a response past it as invalid, so
	// the sizes stay within it. Longer speech is assembled across segments (the long group).
	for _, secs := range []int{60, 360} {
		srv, err := newServer(speechHandler(secs))
		if err != nil {
			return err
		}
		out := filepath.Join(s.work, "speech-out.wav")
		os.Remove(out)
		m := run(ctx, s.ours(srv, true, "translate", s.media("speech.wav"), "--to", "en", "--audio-out", out, "--progress", "never", "--no-ledger"))
		srv.Close()
		if err := mustOK(m); err != nil {
			return err
		}
		pcm := speechPCMBytes(secs)
		if fi, err := os.Stat(out); err != nil || fi.Size() != 44+pcm {
			return fmt.Errorf("%s is not %d bytes of WAV (%v): %w", out, 44+pcm, err, errCheck)
		}
		os.Remove(out)
		conns := srv.Conns()
		took := m.Start.Add(m.Wall).Sub(conns[0].FirstEvent)
		name := fmt.Sprintf("speech %d min → WAV", secs/60)
		s.add(row{Group: "speech", Name: name + ": assembly", Unit: "MB/s", Ours: ptr(float64(pcm) / 1e6 / took.Seconds()),
			Note: fmt.Sprintf("MB of PCM per second from the first SSE event to the WAV committed (%.0f MB in %.2f s)", float64(pcm)/1e6, took.Seconds())})
		s.add(row{Group: "speech", Name: name + ": peak RSS", Unit: "MiB", Ours: ptr(mib(m.MaxRSS)), Target: "< 40",
			Note: fmt.Sprintf("the tool alone %.1f MiB, children %.1f MiB", mib(m.SelfHWM), mib(m.ChildHWM))})
	}
	return nil
}

// benchBatch: 200 small inputs with the emulator answering after 200 ms, at -j 1, 4 and 16:
// wall time against the ideal (inputs × latency / jobs).
func benchBatch(ctx context.Context, s *suite) error {
	const (
		inputs  = 200
		latency = 200 * time.Millisecond
	)
	in, err := tinyWAVs(s.work, inputs)
	if err != nil {
		return err
	}
	srv, err := newEmulator(fakeapi.Options{Latency: latency, NoProbe: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, jobs := range []int{1, 4, 16} {
		out := filepath.Join(s.work, "batch-out")
		if err := os.RemoveAll(out); err != nil {
			return err
		}
		before := len(srv.Emu.Requests())
		m := run(ctx, s.ours(srv, false, "translate", in, "--to", "en", "--out-dir", out, "-j", fmt.Sprint(jobs), "--progress", "never"))
		if err := mustOK(m); err != nil {
			return err
		}
		if n := len(srv.Emu.Requests()) - before; n != inputs {
			return fmt.Errorf("-j %d: %d requests, want %d: %w", jobs, n, inputs, errCheck)
		}
		ideal := time.Duration(inputs) * latency / time.Duration(jobs)
		s.add(row{Group: "batch", Name: fmt.Sprintf("batch %d × %s, -j %d: wall/ideal", inputs, latency, jobs), Unit: "x",
			Ours: ptr(m.Wall.Seconds() / ideal.Seconds()), Target: "<= 1.1",
			Note: fmt.Sprintf("wall %.2f s, ideal %.2f s (inputs × latency / jobs); %.2f s CPU", m.Wall.Seconds(), ideal.Seconds(), m.CPU.Seconds())})
	}
	return nil
}
