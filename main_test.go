package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// testKey is the emulator's key in every script; the tests assert it never leaks.
const testKey = "sk-test-5ecret-0f-the-emulat0r"

func TestMain(m *testing.M) {
	testscript.Main(sandboxed{m}, map[string]func(){
		"livetranslate": func() { os.Exit(runChecked()) },
	})
}

// sandboxed runs the tests with HOME and the XDG directories pointing into a temporary
// directory, so that neither a test nor a command it starts can reach the user's own config,
// usage ledger or cache, and fails the run if livetranslate wrote anything there: every test
// gives the commands it starts their own directories (testEnv).
type sandboxed struct{ m *testing.M }

func (s sandboxed) Run() int {
	home, err := os.MkdirTemp("", "livetranslate-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(home)
	// The go command the tests run (builtBinary) keeps the user's build and module caches.
	if out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output(); err == nil {
		for i, v := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if v != "" && i < 3 {
				os.Setenv([]string{"GOCACHE", "GOMODCACHE", "GOPATH"}[i], v)
			}
		}
	}
	defaults := map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME":  filepath.Join(home, ".local", "state"),
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
	}
	for k, v := range defaults {
		os.Setenv(k, v)
	}
	code := s.m.Run()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		dir := filepath.Join(defaults[k], "livetranslate")
		if _, err := os.Stat(dir); err == nil {
			fmt.Fprintf(os.Stderr, "FAIL: a test let livetranslate write into the default %s (%s): give the command its own (testEnv)\n", k, dir)
			code = 1
		}
	}
	return code
}

// testEnv is the environment of a command a test starts: the emulator's URL and key, dir as its
// temporary directory, and a home, config, state (the usage ledger) and cache of its own.
func testEnv(t testing.TB, dir, srvURL string) []string {
	home := t.TempDir()
	return append(os.Environ(), "DASHSCOPE_API_KEY="+testKey, "DASHSCOPE_BASE_URL="+srvURL+"/compatible-mode/v1",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_STATE_HOME="+filepath.Join(home, ".state"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "TMPDIR="+dir)
}

// mediaDir holds the media made by scripts/make-fixtures.sh with espeak-ng and ffmpeg.
func mediaDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "media"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", filepath.Join("scripts", "make-fixtures.sh"), dir).CombinedOutput()
	if err != nil {
		t.Fatalf("making test media (run make test, which installs ffmpeg and espeak-ng): %v\n%s", err, out)
	}
	return dir
}

// builtBinary is the command built as users build it, once per test run, for the tests that
// measure its memory: the test binary that testscript puts on PATH as livetranslate carries the
// test harness (and its schema validator) too, tens of MiB that are not the tool's.
var builtBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp(os.Getenv("HOME"), "bin-") // the sandbox's home, removed at the end
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "livetranslate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// realBinary returns builtBinary or fails the test.
func realBinary(t *testing.T) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runMeasured runs c and returns its peak resident memory, read from /proc/PID/status (VmHWM)
// every 2 ms while it runs. (The rusage of a child is no measure here: Go starts children with
// vfork, so their peak includes the test process's own resident memory at the moment of exec.)
func runMeasured(c *exec.Cmd) (peak int64, err error) {
	if err := c.Start(); err != nil {
		return 0, err
	}
	status := fmt.Sprintf("/proc/%d/status", c.Process.Pid)
	done := make(chan struct{})
	sampled := make(chan int64, 1)
	go func() {
		var max int64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if b, err := os.ReadFile(status); err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
						max = maxInt64(max, kb<<10)
					}
				}
			}
			select {
			case <-done:
				sampled <- max
				return
			case <-t.C:
			}
		}
	}()
	err = c.Wait()
	close(done)
	return <-sampled, err
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

type emulatorKey struct{}

// TestScripts runs every testdata/script/*.txtar against the built command and a fresh emulator.
func TestScripts(t *testing.T) {
	media := mediaDir(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup: func(env *testscript.Env) error {
			emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
			srv := httptest.NewServer(emu)
			env.Defer(srv.Close)
			env.Values[emulatorKey{}] = emu
			env.Setenv("DASHSCOPE_API_KEY", testKey)
			env.Setenv("DASHSCOPE_BASE_URL", srv.URL+"/compatible-mode/v1")
			env.Setenv("EMULATOR_URL", srv.URL+"/compatible-mode/v1")
			env.Setenv("TESTKEY", testKey)
			env.Setenv("MEDIA", media)
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, ".state"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			// The scripts send the same media again and again and count what the emulator gets:
			// the result cache would answer instead. cache.txtar turns it back on.
			env.Setenv("LIVETRANSLATE_CACHE", "never")
			env.Setenv("TMPDIR", filepath.Join(env.WorkDir, ".tmp"))
			// Every JSON the command prints or leaves is checked against the schema (jsoncheck_test.go).
			repo, err := os.Getwd()
			if err != nil {
				return err
			}
			logPath := filepath.Join(env.WorkDir, ".jsoncheck.log")
			env.Setenv("JSONCHECK_LOG", logPath)
			env.Setenv("JSONCHECK_SCHEMA_DIR", repo)
			env.Defer(func() {
				if b, err := os.ReadFile(logPath); err == nil {
					env.T().Fatal("JSON that does not match " + schemaFile + ":\n" + string(b))
				}
				if err := checkResultFiles(env.WorkDir); err != nil {
					env.T().Fatal("result files that do not match " + schemaFile + ": " + err.Error())
				}
			})
			return os.MkdirAll(filepath.Join(env.WorkDir, ".tmp"), 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
			"emulator": cmdEmulator,
			"nokey":    cmdNoKey,
			"wavinfo":  cmdWavinfo,
		},
	})
}

// cmdExitcode runs a program and asserts its exact exit code: exitcode N prog args...
// (testscript's ! only asserts "non-zero").
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exitcode: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdEmulator drives and inspects the script's emulator:
//
//	emulator fault KIND [STATUS [TIMES [AFTER [RETRY-AFTER]]]]
//	                                       inject a fault into the next TIMES requests (0: all),
//	                                       after AFTER words, with a Retry-After header
//	emulator limit N [HOLD [RETRY-AFTER]]  serve at most N requests at once, refuse the others with
//	                                       429; each answer starts HOLD (a duration) later; 0: no limit
//	emulator requests N                    assert how many requests it saw
//	emulator answered STATUS N             assert how many of them it answered with STATUS
//	emulator last FIELD VALUE              assert a field of the last request (see recordedField)
//	emulator sha256 FILE                   assert the last request's decoded media equals FILE
func cmdEmulator(ts *testscript.TestScript, neg bool, args []string) {
	emu := ts.Value(emulatorKey{}).(*fakeapi.Server)
	if len(args) < 1 {
		ts.Fatalf("usage: emulator fault|limit|requests|answered|last|sha256 ...")
	}
	reqs := emu.Requests()
	last := func() fakeapi.Recorded {
		if len(reqs) == 0 {
			ts.Fatalf("the emulator saw no request")
		}
		return reqs[len(reqs)-1]
	}
	check := func(ok bool, format string, a ...any) {
		if ok == neg {
			ts.Fatalf(format, a...)
		}
	}
	switch args[0] {
	case "fault":
		f := fakeapi.Fault{Kind: args[1]}
		if len(args) > 2 {
			f.Status, _ = strconv.Atoi(args[2])
		}
		if len(args) > 3 {
			f.Times, _ = strconv.Atoi(args[3])
		}
		if len(args) > 4 {
			f.After, _ = strconv.Atoi(args[4])
		}
		if len(args) > 5 {
			f.RetryAfter = args[5]
		}
		emu.SetFault(f)
	case "limit":
		var l fakeapi.Limit
		l.InFlight, _ = strconv.Atoi(args[1])
		if len(args) > 2 {
			d, err := time.ParseDuration(args[2])
			ts.Check(err)
			l.Hold = d
		}
		if len(args) > 3 {
			l.RetryAfter = args[3]
		}
		emu.SetLimit(l)
	case "requests":
		n, _ := strconv.Atoi(args[1])
		check(len(reqs) == n, "emulator saw %d requests, want %d", len(reqs), n)
	case "answered":
		status, _ := strconv.Atoi(args[1])
		n, _ := strconv.Atoi(args[2])
		got := 0
		for _, r := range reqs {
			if r.Status == status {
				got++
			}
		}
		check(got == n, "emulator answered %d requests with %d, want %d", got, status, n)
	case "last":
		got := recordedField(ts, last(), args[1])
		check(got == args[2], "last request %s = %q, want %q", args[1], got, args[2])
	case "sha256":
		f, err := os.Open(ts.MkAbs(args[1]))
		ts.Check(err)
		defer f.Close()
		h := sha256.New()
		_, err = io.Copy(h, f)
		ts.Check(err)
		want := hex.EncodeToString(h.Sum(nil))
		check(last().MediaSHA256 == want, "last request's media sha256 %s, want %s (%s)", last().MediaSHA256, want, args[1])
	default:
		ts.Fatalf("emulator: unknown subcommand %q", args[0])
	}
}

func recordedField(ts *testscript.TestScript, r fakeapi.Recorded, field string) string {
	switch field {
	case "model":
		return r.Model
	case "stream":
		return strconv.FormatBool(r.Stream)
	case "include_usage":
		return strconv.FormatBool(r.IncludeUsage)
	case "modalities":
		return strings.Join(r.Modalities, ",")
	case "voice":
		return r.Voice
	case "source_lang":
		return r.SourceLang
	case "target_lang":
		return r.TargetLang
	case "type":
		return r.ContentType
	case "format":
		return r.Format
	case "mime":
		return r.MIME
	case "url":
		return r.URL
	case "bytes":
		return strconv.FormatInt(r.MediaBytes, 10)
	}
	if v, ok := r.Params[strings.TrimPrefix(field, "param:")]; ok {
		if f, ok := v.(float64); ok {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return fmt.Sprint(v)
	}
	if strings.HasPrefix(field, "param:") {
		return "<absent>"
	}
	ts.Fatalf("emulator last: unknown field %q", field)
	return ""
}

// cmdNoKey asserts the API key appears in no output of the last command and no file under $WORK.
func cmdNoKey(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range []string{"stdout", "stderr"} {
		if strings.Contains(ts.ReadFile(name), testKey) {
			ts.Fatalf("the API key appears in %s", name)
		}
	}
	root := ts.Getenv("WORK")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".txtar") || strings.Contains(p, "/.config/") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), testKey) {
			return fmt.Errorf("the API key appears in %s", p)
		}
		return err
	})
	ts.Check(err)
}

// cmdWavinfo asserts with ffprobe what a WAV file is: wavinfo FILE RATE CHANNELS SAMPLEFMT SECONDS
func cmdWavinfo(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 5 {
		ts.Fatalf("usage: wavinfo FILE RATE CHANNELS SAMPLEFMT SECONDS")
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=codec_name,sample_rate,channels,sample_fmt:format=duration,format_name",
		"-of", "default=noprint_wrappers=1", ts.MkAbs(args[0])).Output()
	ts.Check(err)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		got[k] = v
	}
	want, _ := strconv.ParseFloat(args[4], 64)
	dur, _ := strconv.ParseFloat(got["duration"], 64)
	ok := got["format_name"] == "wav" && got["sample_rate"] == args[1] && got["channels"] == args[2] &&
		got["sample_fmt"] == args[3] && got["codec_name"] == "pcm_s16le" &&
		(time.Duration((dur-want)*float64(time.Second))).Abs() < time.Millisecond
	if ok == neg {
		ts.Fatalf("wavinfo %s: ffprobe says %v; want %s Hz, %s channel(s), %s, %s s", args[0], got, args[1], args[2], args[3], args[4])
	}
}
