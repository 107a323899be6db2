package main

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// TestEndlessStreamBoundedMemory runs the command against a stream of text that never ends, as
// text to stdout, to -o and as --format json: each run stops at the response's bound (text no
// 4,096-token response can hold) with exit 1, and the process's peak memory stays small, since
// text passes through (or, for JSON, is held only up to the bound). Without the bound the runs
// would grow until --timeout (hundreds of MiB in seconds) and fail the memory check.
func TestEndlessStreamBoundedMemory(t *testing.T) {
	bin := realBinary(t)
	media := mediaDir(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"text to stdout", nil},
		{"text to -o", []string{"-o", filepath.Join(t.TempDir(), "out.txt")}},
		{"json", []string{"--format", "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu := fakeapi.New(fakeapi.Options{APIKey: testKey, NoProbe: true})
			emu.SetFault(fakeapi.Fault{Kind: fakeapi.FaultEndless, After: 3})
			srv := httptest.NewServer(emu)
			defer srv.Close()
			args := append([]string{"translate", filepath.Join(media, "speech.wav"), "--to", "en", "--no-ledger", "--timeout", "60s"}, tc.args...)
			c := exec.Command(bin, args...)
			c.Env = testEnv(t, t.TempDir(), srv.URL)
			var stdout countingWriter
			var stderr bytes.Buffer
			c.Stdout, c.Stderr = &stdout, &stderr
			peak, err := runMeasured(c)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit: %v\n%s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "the response ran past its output cap (more text than 4096 output tokens can hold") {
				t.Errorf("stderr: %s", stderr.String())
			}
			if len(emu.Requests()) != 1 {
				t.Errorf("%d requests: a response past its cap is not sent again", len(emu.Requests()))
			}
			t.Logf("%d bytes on stdout; peak resident memory %.1f MiB", stdout.n, float64(peak)/(1<<20))
			if limit := int64(40 << 20); peak > limit {
				t.Errorf("peak memory %.1f MiB, want under %d MiB", float64(peak)/(1<<20), limit>>20)
			}
		})
	}
}

// countingWriter discards what it is given and counts it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
