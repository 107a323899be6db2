package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// command is one process the suite runs and measures.
type command struct {
	args []string
	env  []string // added to the base environment
	dir  string
	// poll samples /proc every few milliseconds for the peak resident memory of the process and,
	// separately, of its descendants (ffprobe, ffmpeg), which wait4 lumps together.
	poll bool
	// pollEvery is the sampling interval; 0 is pollInterval, short enough for a short-lived
	// ffprobe. A run whose children live for seconds is sampled less often, so that sampling
	// takes next to no CPU from what is measured.
	pollEvery time.Duration
}

// measured is what one run of a command cost.
type measured struct {
	Start    time.Time     // just before fork
	Wall     time.Duration // start to exit
	MaxRSS   int64         // bytes: wait4's ru_maxrss, the larger of the process and any child it waited for
	SelfHWM  int64         // bytes: the process's own VmHWM, last sample (0 without poll)
	ChildHWM int64         // bytes: the largest VmHWM sampled of any descendant (0 without poll or children)
	CPU      time.Duration // user + system, the process and the children it waited for
	FirstOut time.Time     // first byte on stdout (zero if none)
	Out      []byte        // the first outHead bytes of stdout
	OutBytes int64
	Stderr   string // its last errTail bytes
	Err      error  // the command failed (exit status, or could not start)
}

const (
	outHead = 64 << 10
	errTail = 4 << 10
)

// run starts c, waits for it and measures it.
func run(ctx context.Context, c command) measured {
	cmd := exec.CommandContext(ctx, c.args[0], c.args[1:]...)
	cmd.Env = append(baseEnv(), c.env...)
	cmd.Dir = c.dir
	out := &headWriter{max: outHead}
	errBuf := &tailWriter{max: errTail}
	cmd.Stdout, cmd.Stderr = out, errBuf
	cmd.WaitDelay = 5 * time.Second

	var m measured
	m.Start = time.Now()
	if err := cmd.Start(); err != nil {
		m.Err = err
		return m
	}
	stop := make(chan struct{})
	var sampled sync.WaitGroup
	var self, child int64
	if c.poll {
		sampled.Add(1)
		go func() {
			defer sampled.Done()
			self, child = pollTree(cmd.Process.Pid, cmp.Or(c.pollEvery, pollInterval), stop)
		}()
	}
	err := cmd.Wait()
	m.Wall = time.Since(m.Start)
	close(stop)
	sampled.Wait()
	m.SelfHWM, m.ChildHWM = self, child
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.MaxRSS = ru.Maxrss << 10 // Linux reports KiB
		m.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	m.FirstOut, m.Out, m.OutBytes = out.first, out.buf, out.n
	m.Stderr = string(errBuf.buf)
	if err != nil {
		m.Err = fmt.Errorf("%s: %w: %s%s", filepath.Base(c.args[0]), err, firstLine(m.Stderr), panicSite(m.Stderr))
	}
	return m
}

// baseEnv is the environment without anything that would point a run elsewhere.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DASHSCOPE_") || strings.HasPrefix(kv, "LIVETRANSLATE_") ||
			strings.HasPrefix(kv, "GOMAXPROCS=") || strings.HasPrefix(kv, "XDG_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// firstLine is a tool's first line on stderr: its error, before hints and usage.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s)
}

// panicSite is where a Go panic in stderr happened in the project's own code, " (in FUNC at
// FILE:LINE)", or "" if stderr holds no such trace: a panic's first line says what, not where.
func panicSite(stderr string) string {
	if !strings.Contains(stderr, "\ngoroutine ") {
		return ""
	}
	lines := strings.Split(stderr, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "github.com/livetranslate/livetranslate/") && i+1 < len(lines) {
			fn, _, _ := strings.Cut(strings.TrimPrefix(l, "github.com/livetranslate/livetranslate/"), "(0x")
			fn, _, _ = strings.Cut(fn, "({")
			at, _, _ := strings.Cut(strings.TrimSpace(lines[i+1]), " +0x")
			return fmt.Sprintf(" (in %s at %s)", fn, at)
		}
	}
	return ""
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return clip(s)
}

func clip(s string) string {
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// headWriter keeps the first max bytes written and the time of the first write.
type headWriter struct {
	mu    sync.Mutex
	max   int
	buf   []byte
	n     int64
	first time.Time
}

func (w *headWriter) Write(p []byte) (int, error) {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first.IsZero() && len(p) > 0 {
		w.first = now
	}
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	w.n += int64(len(p))
	return len(p), nil
}

// tailWriter keeps the last max bytes written.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

// pollInterval is how often pollTree samples: short enough to see an ffprobe that lives 30 ms.
const pollInterval = 2 * time.Millisecond

// pollTree samples the peak resident memory (VmHWM) of pid and of every descendant every so
// often until stop is closed, and returns the last of pid's own and the largest of its
// descendants'. VmHWM is the kernel's own high-water mark, so a peak between two samples is not
// missed as long as one sample lands after it; a descendant that lives shorter than one interval
// can be missed.
func pollTree(pid int, every time.Duration, stop <-chan struct{}) (self, child int64) {
	peaks := map[int]int64{}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, p := range append([]int{pid}, descendants(pid)...) {
			if hwm := readHWM(p); hwm > peaks[p] {
				peaks[p] = hwm
			}
		}
		select {
		case <-stop:
			for p, v := range peaks {
				if p == pid {
					self = v
				} else if v > child {
					child = v
				}
			}
			return self, child
		case <-t.C:
		}
	}
}

// readHWM returns VmHWM of a process in bytes, 0 if it is gone.
func readHWM(pid int) int64 { return readStatus(pid, "VmHWM:") }

// readStatus returns a size in kB from /proc/PID/status (VmHWM:, VmRSS:) in bytes, 0 if the
// process is gone.
func readStatus(pid int, key string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// descendants lists the children of pid's threads, recursively.
func descendants(pid int) []int {
	var out []int
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil
	}
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
				out = append(out, descendants(c)...)
			}
		}
	}
	return out
}
