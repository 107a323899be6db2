// Command bench is `make bench`: it runs the built livetranslate binary as a user would, against
// the project's emulator (internal/fakeapi, served here on loopback so every connection can be
// timed at the socket) and against two stand-ins for the service that isolate one path (a sink
// that discards the request, a source of an hour of speech), measures wall time, peak resident
// memory (wait4 and /proc sampling, so the tool and its ffmpeg/ffprobe children are told apart),
// CPU time and socket timings, runs the same inputs through the two things a user would write
// instead (the vendor's Node.js quick start on the official OpenAI SDK, and its curl example),
// and prints one table, also written as JSON under bench/results/ for comparison over time.
// Nothing here asserts: targets are printed beside the figures.
//
//	go run ./scripts/bench [-only memory,long,throughput,latency,speech,startup,batch,usage,live] [-peers=false]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runSuite(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: %v\n", err)
		os.Exit(1)
	}
}

// groups are the parts of the suite in the order they run.
var groups = []struct {
	name string
	run  func(context.Context, *suite) error
}{
	{"startup", benchStartup},
	{"latency", benchLatency},
	{"throughput", benchThroughput},
	{"memory", benchMemory},
	{"speech", benchSpeech},
	{"long", benchLong},
	{"batch", benchBatch},
	{"usage", benchUsage},
	{"live", benchLive},
}

// suite is one run of the benchmarks: where things are and the rows measured so far.
type suite struct {
	bin     string // livetranslate
	repo    string
	work    string // generated inputs and outputs (large: up to a few GB)
	peers   bool
	sizes   []int64
	latRuns int
	log     io.Writer
	rows    []row
}

func runSuite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("bin", "bin/livetranslate", "the livetranslate binary to measure")
	repo := fs.String("repo", ".", "the repository (scripts, test media)")
	work := fs.String("work", filepath.Join(os.TempDir(), "livetranslate-bench"), "directory for generated inputs (kept between runs)")
	out := fs.String("out", "bench/results", "directory for the JSON results; empty: do not write")
	only := fs.String("only", "", "comma-separated groups to run (default all): "+groupNames())
	peers := fs.Bool("peers", true, "also measure the Node SDK and curl peers")
	sizes := fs.String("sizes", "1MB,50MB,200MB,1GB", "request sizes for the memory group")
	latRuns := fs.Int("runs", 15, "runs per latency and start-up figure (the median is reported)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := &suite{peers: *peers, latRuns: *latRuns, log: stderr}
	var err error
	if s.bin, err = filepath.Abs(*bin); err != nil {
		return err
	}
	if _, err := os.Stat(s.bin); err != nil {
		return fmt.Errorf("%s: %w (run make build)", *bin, err)
	}
	if s.repo, err = filepath.Abs(*repo); err != nil {
		return err
	}
	s.work = *work
	if err := os.MkdirAll(s.work, 0o755); err != nil {
		return err
	}
	for _, f := range strings.Split(*sizes, ",") {
		n, err := parseSize(f)
		if err != nil {
			return err
		}
		s.sizes = append(s.sizes, n)
	}
	selected := map[string]bool{}
	for _, g := range strings.Split(*only, ",") {
		if g = strings.TrimSpace(g); g != "" {
			selected[g] = true
		}
	}
	for g := range selected {
		if !strings.Contains(","+groupNames()+",", ","+g+",") {
			return fmt.Errorf("unknown group %q (groups: %s)", g, groupNames())
		}
	}
	if s.peers {
		if err := s.installPeers(ctx); err != nil {
			fmt.Fprintf(stderr, "bench: peers skipped: %v\n", err)
			s.peers = false
		}
	}

	mach := machine(ctx)
	started := time.Now()
	for _, g := range groups {
		if len(selected) > 0 && !selected[g.name] {
			continue
		}
		fmt.Fprintf(stderr, "bench: %s …\n", g.name)
		t := time.Now()
		if err := g.run(ctx, s); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%s: %w", g.name, err)
		}
		fmt.Fprintf(stderr, "bench: %s done in %s\n", g.name, time.Since(t).Round(100*time.Millisecond))
	}

	res := results{
		Date:    started.UTC().Format(time.RFC3339),
		Rev:     gitRev(ctx, s.repo),
		Machine: mach,
		Rows:    s.rows,
	}
	printTable(stdout, res)
	if *out != "" {
		dir := *out
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(s.repo, dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		path := filepath.Join(dir, started.Format("2006-01-02")+"-"+res.Rev+".json")
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nwritten to %s\n", path)
	}
	return nil
}

func groupNames() string {
	var names []string
	for _, g := range groups {
		names = append(names, g.name)
	}
	return strings.Join(names, ",")
}

func (s *suite) logf(format string, args ...any) {
	fmt.Fprintf(s.log, "bench:   "+format+"\n", args...)
}

// parseSize reads 1MB, 50MB, 1GB (decimal units, as file sizes are usually quoted).
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.mult
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func sizeName(n int64) string {
	switch {
	case n >= 1e9 && n%1e9 == 0:
		return fmt.Sprintf("%d GB", n/1e9)
	case n >= 1e6 && n%1e6 == 0:
		return fmt.Sprintf("%d MB", n/1e6)
	}
	return fmt.Sprintf("%d B", n)
}

// installPeers makes sure node and the OpenAI SDK (npm ci from the committed lock file), bash,
// base64 and curl are there.
func (s *suite) installPeers(ctx context.Context) error {
	for _, tool := range []string{"node", "npm", "bash", "curl", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found", tool)
		}
	}
	dir := filepath.Join(s.repo, "scripts", "bench", "peer-node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openai", "package.json")); err == nil {
		return nil
	}
	fmt.Fprintf(s.log, "bench: installing the OpenAI Node SDK (npm ci in %s)\n", dir)
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci: %w: %s", err, lastLine(string(out)))
	}
	return nil
}

func gitRev(ctx context.Context, repo string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", repo, "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// machineInfo says what the figures were measured on.
type machineInfo struct {
	CPUs    int    `json:"cpus"`
	CPU     string `json:"cpu"`
	Memory  string `json:"memory"`
	Kernel  string `json:"kernel"`
	Go      string `json:"go"`
	Node    string `json:"node,omitempty"`
	FFmpeg  string `json:"ffmpeg,omitempty"`
	Load    string `json:"load_average"` // at the start: other work on the machine skews the figures
	Summary string `json:"-"`
}

func machine(ctx context.Context) machineInfo {
	m := machineInfo{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
				m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.CommandContext(ctx, "node", "--version").Output(); err == nil {
		m.Node = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, "ffmpeg", "-version").Output(); err == nil {
		m.FFmpeg, _, _ = strings.Cut(string(out), "\n")
		m.FFmpeg = strings.TrimPrefix(strings.Fields(m.FFmpeg + " ? ? ?")[2], "n")
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.Load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	m.Summary = fmt.Sprintf("%d CPUs (%s), %s RAM, Linux %s, %s, node %s, ffmpeg %s; load average at start %s",
		m.CPUs, m.CPU, m.Memory, m.Kernel, m.Go, orDash(m.Node), orDash(m.FFmpeg), orDash(m.Load))
	return m
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mustOK turns a failed run of our own tool into the group's error: the suite measures a tool
// that works, and a failure means the figures would be meaningless.
func mustOK(m measured) error {
	if m.Err != nil {
		return m.Err
	}
	return nil
}

var errCheck = errors.New("check failed")
