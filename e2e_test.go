package main

import (
	"bufio"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// startCommand starts the built livetranslate against emu with args, stdout on a pipe.
func startCommand(t *testing.T, srvURL, dir string, args ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	bin, err := exec.LookPath("livetranslate")
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bin, args...)
	c.Dir = dir
	c.Env = testEnv(t, dir, srvURL)
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stderr = new(strings.Builder)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill() })
	return c, bufio.NewReader(stdout)
}

// TestTextStreamsAsItArrives checks that the first word reaches stdout while the emulator is still
// holding back the rest of the stream: text is written per chunk, not at the end.
func TestTextStreamsAsItArrives(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	emu.SetFault(fakeapi.Fault{Kind: "stall", After: 3, Times: 1})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close) // after the command is killed: a stalled stream holds the server open

	c, out := startCommand(t, srv.URL, t.TempDir(), "translate", filepath.Join(media, "speech.wav"), "--to", "en")
	got := make([]byte, len("Hello from the"))
	if _, err := readFull(out, got); err != nil {
		t.Fatalf("reading the first words: %v", err)
	}
	if string(got) != "Hello from the" {
		t.Fatalf("first words on stdout %q", got)
	}
	// The stream is stalled after three words, so the process must still be running.
	if c.ProcessState != nil {
		t.Fatal("the process ended before the stream did")
	}
}

func readFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// TestInterruptLeavesNothing sends SIGINT while a translation with -o and --audio-out is in flight:
// the process must exit 130 promptly, and neither result file nor any temporary file may remain.
func TestInterruptLeavesNothing(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	emu.SetFault(fakeapi.Fault{Kind: "stall", After: 2})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close) // after the command is killed: a stalled stream holds the server open

	dir := t.TempDir()
	c, _ := startCommand(t, srv.URL, dir, "translate", filepath.Join(media, "speech.mp3"), "--to", "en",
		"-o", "out.txt", "--audio-out", "out.wav")
	waitUntil(t, 20*time.Second, "the request never reached the emulator", func() bool { return len(emu.Requests()) > 0 })
	time.Sleep(100 * time.Millisecond) // let the first chunks reach the files
	interruptClean(t, c, dir)
}

// waitUntil polls cond until it holds, failing the test with what after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// interrupt sends SIGINT to c and asserts it exits 130 within 10 s, its last stderr line saying
// it was interrupted.
func interrupt(t *testing.T, c *exec.Cmd) {
	t.Helper()
	interruptExit(t, c, 10*time.Second)
	if s := c.Stderr.(*strings.Builder).String(); !strings.HasSuffix(s, "livetranslate: error: interrupted\n") {
		t.Errorf("stderr %q", s)
	}
}

// interruptExit sends SIGINT to c and asserts it exits 130 within within.
func interruptExit(t *testing.T, c *exec.Cmd, within time.Duration) {
	t.Helper()
	if err := c.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(within):
		t.Fatalf("still running %s after SIGINT", within)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, want status 130; stderr:\n%s", err, c.Stderr)
	}
}

// interruptClean is interrupt, then asserts dir (the command's working and temporary
// directory) was left empty: no result, no partial or temporary file.
func interruptClean(t *testing.T, c *exec.Cmd, dir string) {
	t.Helper()
	interrupt(t, c)
	if s := c.Stderr.(*strings.Builder).String(); s != "livetranslate: error: interrupted\n" {
		t.Errorf("stderr %q, want only the interruption", s)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}
