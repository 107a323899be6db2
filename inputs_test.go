package main

// End-to-end tests of inputs that are unreadable, broken, endless or silent: each is refused or
// failed on its own, promptly, with bounded memory and disk, and Ctrl-C ends any wait.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// bounds are what a command may use before the test kills it and fails.
type bounds struct {
	deadline time.Duration // wall time (generous: a hang, not a slow machine, should trip it)
	maxRSS   int64         // bytes of resident memory, 0 = not watched
	dir      string        // a directory whose total size is watched ("" = none)
	maxDir   int64         // its largest allowed size
}

// run is a finished command: its exit code and output.
type run struct {
	code           int
	stdout, stderr string
}

// runBounded runs c to its end, sampling its memory and dir's size every 10 ms: a command over
// a bound is killed and the test fails, saying which bound and by how much.
func runBounded(t *testing.T, c *exec.Cmd, b bounds) run {
	t.Helper()
	var stdout, stderr strings.Builder
	if c.Stdout == nil {
		c.Stdout = &stdout
	}
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	deadline := time.After(b.deadline)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	fail := func(format string, args ...any) {
		c.Process.Kill()
		<-done
		t.Fatalf(format+"; stderr:\n%s", append(args, stderr.String())...)
	}
	for {
		select {
		case err := <-done:
			r := run{stdout: stdout.String(), stderr: stderr.String()}
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee):
				r.code = ee.ExitCode()
			case err != nil:
				t.Fatal(err)
			}
			if b.dir != "" {
				if n := dirSize(b.dir); n > b.maxDir {
					t.Fatalf("%s holds %d bytes after the run, over %d", b.dir, n, b.maxDir)
				}
			}
			return r
		case <-deadline:
			fail("still running after %s", b.deadline)
		case <-tick.C:
			if rss := processRSS(c.Process.Pid); b.maxRSS > 0 && rss > b.maxRSS {
				fail("resident memory %d MiB, over %d MiB", rss>>20, b.maxRSS>>20)
			}
			if b.dir != "" {
				if n := dirSize(b.dir); n > b.maxDir {
					fail("%s grew to %d bytes, over %d", b.dir, n, b.maxDir)
				}
			}
		}
	}
}

// processRSS is a process's resident memory in bytes (0 once it is gone).
func processRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// dirSize is the total size of the regular files below dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// command is the built livetranslate with args, in dir, against srvURL, its temporary
// directory dir/tmp (made here).
func command(t *testing.T, srvURL, dir string, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("livetranslate")
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bin, args...)
	c.Dir = dir
	c.Env = testEnv(t, tmp, srvURL)
	return c
}

func newEmulator(t *testing.T) (*fakeapi.Server, string) {
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

// endlessOf is a stream that repeats a pattern forever, counting what was read.
type endlessOf struct {
	pattern []byte
	read    atomic.Int64
}

func (e *endlessOf) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[(int(e.read.Load())+i)%len(e.pattern)]
	}
	e.read.Add(int64(len(p)))
	return len(p), nil
}

// zeros is an endless stream of zero bytes that counts what was read of it.
type zeros struct{ read atomic.Int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.read.Add(int64(len(p)))
	return len(p), nil
}

// TestEndlessSourcesAreBounded: a config file, an input and a list of inputs that never end
// (/dev/zero, a pipe that goes on) are refused promptly, reading no more than they could use:
// the config file at its 1 MiB limit (it used to be read until the kernel killed the process at
// 24 GB), /dev/zero from its first bytes before anything is spooled (it used to be copied to
// $TMPDIR at 1.2 GB/s), the list after a million empty entries (it used to loop forever); a WAV
// on standard input is spooled up to the end its header gives, however long the pipe goes on.
func TestEndlessSourcesAreBounded(t *testing.T) {
	media := mediaDir(t)
	limits := func(dir string) bounds {
		return bounds{deadline: 60 * time.Second, maxRSS: 200 << 20, dir: filepath.Join(dir, "tmp"), maxDir: 1 << 20}
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"config", []string{"--config", "/dev/zero", "voices"}, 3, "livetranslate: error: config file /dev/zero is over 1 MiB: a config file is a few lines of YAML\nlivetranslate: hint: point --config at the config file (see configs/config.example.yaml)\n"},
		{"input", []string{"translate", "/dev/zero", "--to", "en"}, 2, "livetranslate: error: /dev/zero is not an audio or video file: its first 4096 bytes are all zero\n"},
		{"list", []string{"translate", "--files-from", "/dev/zero", "-0", "--to", "en"}, 2, "livetranslate: error: --files-from /dev/zero: the list of inputs has 1048576 empty entries in a row and no name: is it the right file?\n"},
		{"list lines", []string{"translate", "--files-from", "/dev/zero", "--to", "en"}, 2, "livetranslate: error: --files-from /dev/zero: the list of inputs has an entry over 1 MiB: is it the right file? (-0 reads names ended by NUL bytes)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu, url := newEmulator(t)
			dir := t.TempDir()
			r := runBounded(t, command(t, url, dir, tc.args...), limits(dir))
			if r.code != tc.code || r.stderr != tc.stderr {
				t.Errorf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, tc.code, tc.stderr)
			}
			if n := len(emu.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}

	wav, err := os.ReadFile(filepath.Join(media, "speech.wav"))
	if err != nil {
		t.Fatal(err)
	}
	const dataBytes = 64000 // 2 s at 16 kHz
	head := append([]byte(nil), wav[:44+dataBytes]...)
	binary.LittleEndian.PutUint32(head[4:], 36+dataBytes)
	binary.LittleEndian.PutUint32(head[40:], dataBytes)
	if string(head[36:40]) != "data" {
		t.Fatalf("speech.wav's data chunk is not at byte 36: %q", head[36:40])
	}
	t.Run("stdin WAV", func(t *testing.T) {
		emu, url := newEmulator(t)
		dir := t.TempDir()
		endless := &zeros{}
		c := command(t, url, dir, "translate", "-", "--input-format", "wav", "--to", "en")
		c.Stdin = io.MultiReader(bytes.NewReader(head), endless)
		r := runBounded(t, c, limits(dir))
		if r.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
		}
		reqs := emu.Requests()
		if len(reqs) != 1 || reqs[0].MediaBytes != int64(len(head)) {
			t.Fatalf("sent %d requests, %+v; want one of the WAV's %d bytes", len(reqs), reqs, len(head))
		}
		// What was read of the pipe: the WAV, and what the pipe and one copy buffer held.
		if n := endless.read.Load(); n > 1<<20 {
			t.Errorf("read %d bytes past the WAV's end", n)
		}
	})
	// Endless streams that are not sound, with --input-format claiming they are: text is refused
	// from its first bytes, content nobody recognises after ffprobe saw its first MiB (both used
	// to be spooled until the 64 GiB cap).
	for _, tc := range []struct {
		name, want string
		pattern    []byte
		maxRead    int64
	}{
		{"stdin text", "livetranslate: error: standard input is text, not sound (--input-format mp3 cannot make it sound)\n", []byte("y\n"), 1 << 20},
		{"stdin noise", "livetranslate: error: standard input is not an audio or video file: neither its first bytes nor ffprobe recognise sound in it (--input-format says what it is, if it is sound)\n",
			[]byte{0x13, 0x7f, 0xa2, 0x01, 0xee, 0x55, 0x0c, 0x99, 0x42, 0xd7, 0x3b, 0x86, 0x60, 0x2f, 0xc4, 0x18, 0xb1}, 3 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu, url := newEmulator(t)
			dir := t.TempDir()
			src := &endlessOf{pattern: tc.pattern}
			c := command(t, url, dir, "translate", "-", "--input-format", "mp3", "--to", "en")
			c.Stdin = src
			r := runBounded(t, c, limits(dir))
			if r.code != 2 || r.stderr != tc.want {
				t.Fatalf("exit %d, stderr %q; want 2, %q", r.code, r.stderr, tc.want)
			}
			if n := len(emu.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
			if n := src.read.Load(); n > tc.maxRead {
				t.Errorf("read %d bytes of a stream that is not sound, want at most %d", n, tc.maxRead)
			}
		})
	}
	t.Run("stdin over one request", func(t *testing.T) {
		emu, url := newEmulator(t)
		dir := t.TempDir()
		endless := &zeros{}
		c := command(t, url, dir, "translate", "-", "--input-format", "wav", "--to", "en", "--split", "never", "--inline-limit", "64KiB")
		wavHead := append([]byte(nil), head[:4096]...)
		binary.LittleEndian.PutUint32(wavHead[4:], 0xFFFFFFFF) // streamed: no size
		binary.LittleEndian.PutUint32(wavHead[40:], 0xFFFFFFFF)
		c.Stdin = io.MultiReader(bytes.NewReader(wavHead), endless)
		r := runBounded(t, c, limits(dir))
		want := "livetranslate: error: standard input goes on past 48 KiB, more than one request can carry (--split never, --inline-limit): allow splitting, or raise --inline-limit\n"
		if r.code != 2 || r.stderr != want {
			t.Fatalf("exit %d, stderr %q; want 2, %q", r.code, r.stderr, want)
		}
		if n := len(emu.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
		if n := endless.read.Load(); n > 1<<20 {
			t.Errorf("read %d bytes of a stream over the cap", n)
		}
	})
}

// blockedIn waits until a thread of process pid waits in the kernel in a function whose name
// holds one of waits (/proc/PID/task/*/wchan), so that a signal sent next finds it there.
func blockedIn(t *testing.T, pid int, waits ...string) {
	t.Helper()
	waitUntil(t, 20*time.Second, fmt.Sprintf("process %d never waited in %v", pid, waits), func() bool {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
		for _, p := range tasks {
			b, _ := os.ReadFile(p)
			for _, w := range waits {
				if strings.Contains(string(b), w) {
					return true
				}
			}
		}
		return false
	})
}

// TestInterruptWhileWaiting: Ctrl-C ends a run that waits for a named pipe's writer (its input,
// its list of inputs, its config file) or for data on a silent standard input at once, with exit
// 130; the first signal used to be swallowed by the blocked open or read.
func TestInterruptWhileWaiting(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs /proc to see where the process waits")
	}
	for _, tc := range []struct {
		name  string
		args  []string
		stdin bool // a pipe nobody writes to
		wait  string
	}{
		{"input pipe", []string{"translate", "fifo", "--to", "en"}, false, "wait_for_partner"},
		{"input pipe, dry run", []string{"translate", "fifo", "--to", "en", "--dry-run"}, false, "wait_for_partner"},
		{"list pipe", []string{"translate", "--files-from", "fifo", "--to", "en"}, false, "wait_for_partner"},
		{"config pipe", []string{"--config", "fifo", "voices"}, false, "wait_for_partner"},
		{"silent stdin", []string{"translate", "-", "--input-format", "wav", "--to", "en"}, true, "pipe"},
		{"silent stdin list", []string{"translate", "--files-from", "-", "--to", "en"}, true, "pipe"},
		{"output pipe without a reader", []string{"translate", "$MEDIA/speech.wav", "--to", "en", "-o", "fifo"}, false, "wait_for_partner"},
		{"speech pipe without a reader", []string{"translate", "$MEDIA/speech.wav", "--to", "en", "--audio-out", "fifo"}, false, "wait_for_partner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, url := newEmulator(t)
			dir := t.TempDir()
			if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			args := slices.Clone(tc.args)
			for i, a := range args {
				args[i] = strings.ReplaceAll(a, "$MEDIA", mediaDir(t))
			}
			c := command(t, url, dir, args...)
			if tc.stdin {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				c.Stdin = r
				defer r.Close()
			}
			c.Stderr = new(strings.Builder)
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Process.Kill() })
			blockedIn(t, c.Process.Pid, tc.wait)
			interrupt(t, c)
		})
	}
}

// TestDryRunInterrupted: Ctrl-C during --dry-run (here while the pauses of a long input are
// found) exits 130 like every other interrupted run, and prints no table; it used to exit 2
// with "context canceled" and an empty table.
func TestDryRunInterrupted(t *testing.T) {
	_, url := newEmulator(t)
	dir := t.TempDir()
	long := filepath.Join(dir, "long.wav")
	// An hour of a tone with a pause every 10 s: finding its pauses takes seconds.
	if out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
		"aevalsrc=sin(440*2*PI*t)*lt(mod(t\\,10)\\,8)*0.3:s=8000:d=3600", "-c:a", "pcm_s16le", long).CombinedOutput(); err != nil {
		t.Fatalf("making the input: %v\n%s", err, out)
	}
	c := command(t, url, dir, "translate", long, "--to", "en", "--dry-run", "--split", "always")
	var stdout strings.Builder
	c.Stdout = &stdout
	c.Stderr = new(strings.Builder)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill() })
	// The pause finder's ffmpeg is running: the dry run is under way.
	waitUntil(t, 30*time.Second, "no ffmpeg was started", func() bool { return hasChild(c.Process.Pid, "ffmpeg") })
	interrupt(t, c)
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
}

// hasChild reports whether process pid has a child named name.
func hasChild(pid int, name string) bool {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so split after its closing parenthesis.
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		f := strings.Fields(s[end+1:])
		if len(f) > 1 && s[open+1:end] == name && f[1] == strconv.Itoa(pid) {
			return true
		}
	}
	return false
}

// TestUnreadableInputsFailOnTheirOwn: in a batch, a file and a folder that cannot be read are
// failures of their own (named in the summary, exit 4) while the rest is translated; the file
// used to be skipped as "not an audio or video file" (exit 0), the folder to abort the batch
// before anything was translated. Root reads everything, so as root the command runs as nobody.
func TestUnreadableInputsFailOnTheirOwn(t *testing.T) {
	media := mediaDir(t)
	emu, url := newEmulator(t)
	dir, err := os.MkdirTemp("", "livetranslate-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, _ fs.DirEntry, _ error) error { os.Chmod(p, 0o755); return nil })
		os.RemoveAll(dir)
	})
	bin, err := exec.LookPath("livetranslate")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"bin", "home", "tmp", "rec/locked"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, bin, filepath.Join(dir, "bin", "livetranslate"), 0o755)
	copyFile(t, filepath.Join(media, "speech.wav"), filepath.Join(dir, "rec", "a.wav"), 0o644)
	copyFile(t, filepath.Join(media, "speech.mp3"), filepath.Join(dir, "rec", "c.mp3"), 0o644)
	copyFile(t, filepath.Join(media, "speech.wav"), filepath.Join(dir, "rec", "locked", "b.wav"), 0o644)
	var attr *syscall.SysProcAttr
	if os.Geteuid() == 0 {
		const nobody = 65534
		attr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		filepath.WalkDir(dir, func(p string, _ fs.DirEntry, _ error) error { return os.Lchown(p, nobody, nobody) })
		for _, p := range []string{"rec/c.mp3", "rec/locked"} {
			os.Lchown(filepath.Join(dir, p), 0, 0)
		}
	}
	for _, p := range []string{"rec/c.mp3", "rec/locked"} {
		if err := os.Chmod(filepath.Join(dir, p), 0); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "home")
	c := exec.Command(filepath.Join(dir, "bin", "livetranslate"), "translate", "rec", "--to", "en", "--out-dir", "out", "--progress", "never")
	c.Dir = dir
	c.Env = append(os.Environ(), "DASHSCOPE_API_KEY="+testKey, "DASHSCOPE_BASE_URL="+url+"/compatible-mode/v1",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_STATE_HOME="+filepath.Join(home, ".state"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "TMPDIR="+filepath.Join(dir, "tmp"))
	c.SysProcAttr = attr
	probe := exec.Command(filepath.Join(dir, "bin", "livetranslate"), "--version")
	probe.SysProcAttr = attr
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("cannot run the command as an unprivileged user here (%v: %s); the permission cases need one", err, out)
	}
	r := runBounded(t, c, bounds{deadline: 60 * time.Second})
	if r.code != 4 {
		t.Fatalf("exit %d, want 4; stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"livetranslate: 1 translated, 0 skipped, 2 failed;",
		"livetranslate: failed: cannot read rec/c.mp3: permission denied (check the file's permissions)\n",
		"livetranslate: failed: cannot read directory rec/locked: permission denied (check its permissions)\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := len(emu.Requests()); n != 1 {
		t.Errorf("%d requests, want 1 (a.wav)", n)
	}
	var results []string
	filepath.WalkDir(filepath.Join(dir, "out"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			results = append(results, rel)
		}
		return nil
	})
	if strings.Join(results, " ") != "out/a.en.txt" {
		t.Errorf("results %v, want out/a.en.txt alone", results)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

// TestBrokenInputsRefusedBeforeSending: what is visibly broken is refused before anything is sent
// (exit 2, saying what is wrong): a WAV whose header promises far more audio than the file holds,
// an MP4 whose index lists audio it does not hold (a download cut after its index), a video
// without sound when speech is asked for. A file merely short of its promise, and a soundless
// video for text, are sent with a warning. All of these used to be sent, and billed, silently.
func TestBrokenInputsRefusedBeforeSending(t *testing.T) {
	media := mediaDir(t)
	dir := t.TempDir()
	wav, err := os.ReadFile(filepath.Join(media, "speech.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if string(wav[36:40]) != "data" {
		t.Fatalf("speech.wav's data chunk is not at byte 36")
	}
	promised := binary.LittleEndian.Uint32(wav[40:])
	os.WriteFile(filepath.Join(dir, "crumb.wav"), wav[:100], 0o644)
	os.WriteFile(filepath.Join(dir, "short.wav"), wav[:44+int(promised)*3/4], 0o644)
	ffmpeg := func(args ...string) {
		if out, err := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
		}
	}
	// Index first (as a download that plays while it loads is written), then cut.
	ffmpeg("-i", filepath.Join(media, "clip.mp4"), "-c", "copy", "-movflags", "+faststart", filepath.Join(dir, "whole.mp4"))
	mp4, err := os.ReadFile(filepath.Join(dir, "whole.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	moovEnd := isoBoxEnd(t, mp4, "moov")
	os.WriteFile(filepath.Join(dir, "index-only.mp4"), mp4[:moovEnd], 0o644)
	os.WriteFile(filepath.Join(dir, "cut.mp4"), mp4[:moovEnd+(len(mp4)-moovEnd)*3/4], 0o644)
	ffmpeg("-i", filepath.Join(media, "clip.mp4"), "-an", "-c", "copy", filepath.Join(dir, "silent.mp4"))

	byteRate := float64(binary.LittleEndian.Uint32(wav[28:]))
	seconds := func(bytes int) string { return fmt.Sprintf("%.1f s", float64(bytes)/byteRate) }
	for _, tc := range []struct {
		name, input string
		args        []string
		code        int
		stderr      string // a line the run must print
		sent        int
	}{
		{"WAV far short", "crumb.wav", nil, 2, fmt.Sprintf("livetranslate: error: crumb.wav (wav) is cut short: its header promises %s of audio, the file holds %.3f s (56 of %d bytes); export or download it again, or pass --input-format wav to send it as is\n", seconds(int(promised)), 56/byteRate, promised), 0},
		{"WAV far short, dry run", "crumb.wav", []string{"--dry-run"}, 2, "livetranslate: error: crumb.wav (wav) is cut short", 0},
		{"WAV merely short", "short.wav", nil, 0, fmt.Sprintf("livetranslate: warning: short.wav (wav) is cut short: its header promises %s of audio, the file holds %s; sending what there is\n", seconds(int(promised)), seconds(int(promised)*3/4)), 1},
		{"MP4 without its audio", "index-only.mp4", nil, 2, "livetranslate: error: index-only.mp4 (detected mp4) holds none of the ", 0},
		{"MP4 merely short", "cut.mp4", nil, 0, "livetranslate: warning: cut.mp4 (detected mp4) is cut short: it holds ", 1},
		{"soundless video, speech", "silent.mp4", []string{"--audio-out", "out.wav"}, 2, "livetranslate: error: silent.mp4 has no sound (no audio track): there is no speech to translate into speech\n", 0},
		{"soundless video, subtitles", "silent.mp4", []string{"--format", "srt"}, 2, "livetranslate: error: silent.mp4 has no sound to translate\n", 0},
		{"soundless video, text", "silent.mp4", nil, 0, "livetranslate: warning: silent.mp4 has no sound (no audio track): only its pictures are sent\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu, url := newEmulator(t)
			c := command(t, url, dir, append([]string{"translate", tc.input, "--to", "en"}, tc.args...)...)
			r := runBounded(t, c, bounds{deadline: 60 * time.Second})
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
			if n := len(emu.Requests()); n != tc.sent {
				t.Errorf("%d requests, want %d", n, tc.sent)
			}
			if _, err := os.Stat(filepath.Join(dir, "out.wav")); err == nil {
				t.Errorf("out.wav was written")
				os.Remove(filepath.Join(dir, "out.wav"))
			}
		})
	}
}

// isoBoxEnd is where the top-level box of the kind ends in an ISO media file.
func isoBoxEnd(t *testing.T, b []byte, kind string) int {
	t.Helper()
	for off := 0; off+8 <= len(b); {
		size := int(binary.BigEndian.Uint32(b[off:]))
		if size < 8 {
			t.Fatalf("unexpected box size %d at %d", size, off)
		}
		if string(b[off+4:off+8]) == kind {
			return off + size
		}
		off += size
	}
	t.Fatalf("no %s box", kind)
	return 0
}

// TestReaderGoneLeavesNothing: when the reader of stdout goes away (livetranslate … | head -c 5),
// the run ends as a process killed by SIGPIPE would (exit 141, nothing on stderr) but removes its
// temporary files on the way out: standard input's spool used to stay in $TMPDIR.
func TestReaderGoneLeavesNothing(t *testing.T) {
	media := mediaDir(t)
	wav, err := os.Open(filepath.Join(media, "speech.wav"))
	if err != nil {
		t.Fatal(err)
	}
	defer wav.Close()
	// Paced, so the text is still arriving when the reader goes.
	srv := httptest.NewServer(fakeapi.New(fakeapi.Options{APIKey: testKey, ChunkDelay: 50 * time.Millisecond}))
	defer srv.Close()
	dir := t.TempDir()
	c := command(t, srv.URL, dir, "translate", "-", "--input-format", "wav", "--to", "en")
	c.Stdin = wav
	if code, stderr := readerGoes(t, c); code != 141 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 141 and nothing", code, stderr)
	}
	left, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	for _, e := range left {
		t.Errorf("left in $TMPDIR: %s", e.Name())
	}
}

// TestReaderGoneStopsBatch: several inputs to stdout whose reader goes away (| head -1) end the
// run as one input's does, quietly with 141, and the inputs not yet sent are not sent (paid for).
func TestReaderGoneStopsBatch(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, ChunkDelay: 50 * time.Millisecond})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	dir := t.TempDir()
	var inputs []string
	for _, ext := range []string{"wav", "mp3", "flac", "ogg", "m4a", "opus"} {
		inputs = append(inputs, filepath.Join(media, "speech."+ext))
	}
	c := command(t, srv.URL, dir, append(append([]string{"translate"}, inputs...), "--to", "en", "-j", "1", "--progress", "never")...)
	if code, stderr := readerGoes(t, c); code != 141 || strings.Contains(stderr, "error") || strings.Contains(stderr, "failed:") {
		t.Errorf("exit %d, stderr %q; want 141 and no error", code, stderr)
	}
	if n := len(emu.Requests()); n >= len(inputs) {
		t.Errorf("%d requests for %d inputs: the inputs after the reader left were still sent", n, len(inputs))
	}
}

// readerGoes runs c, reads the first bytes of its stdout and goes away, as head -c 5 does, and
// returns its exit code (-1 when it did not exit by itself) and its stderr.
func readerGoes(t *testing.T, c *exec.Cmd) (code int, stderr string) {
	t.Helper()
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	c.Stderr = &errOut
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(out, make([]byte, 5)); err != nil {
		t.Fatal(err)
	}
	out.Close()
	err = c.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, errOut.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), errOut.String()
	}
	return -1, errOut.String()
}

// TestInterruptedBatchSaysNotDone: inputs a Ctrl-C stopped are "not done" in the progress lines
// as in the summary, not "failed" in one and "not done" in the other.
func TestInterruptedBatchSaysNotDone(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, ChunkDelay: 300 * time.Millisecond})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	dir := t.TempDir()
	in := filepath.Join(media, "speech.wav")
	c := command(t, srv.URL, dir, "translate", in, in+"", filepath.Join(media, "speech.mp3"), filepath.Join(media, "speech.flac"), "--to", "en", "-j", "2", "--out-dir", "out")
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill() })
	waitUntil(t, 20*time.Second, "no request arrived", func() bool { return len(emu.Requests()) >= 2 })
	interrupt(t, c)
	s := stderr.String()
	if strings.Contains(s, "] failed") {
		t.Errorf("an interrupted input is shown as failed:\n%s", s)
	}
	progress := regexp.MustCompile(`(?m)^livetranslate: \[\d+/\d+\] not done `)
	summary := regexp.MustCompile(`(?m)^livetranslate: \d+ translated, \d+ skipped, 0 failed, [1-9]\d* not done;`)
	if !progress.MatchString(s) || !summary.MatchString(s) {
		t.Errorf("want the stopped inputs shown as not done in the progress lines and the summary:\n%s", s)
	}
}
