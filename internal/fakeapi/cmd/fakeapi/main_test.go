package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// start runs the command with args and returns its base URL and a stop
// function that cancels it and returns run's error and its stderr.
func start(t *testing.T, args ...string) (string, func() (string, error)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, &stderr)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no base URL: %v (stderr %s)", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	return strings.TrimSpace(line), func() (string, error) {
		cancel()
		select {
		case err := <-done:
			return stderr.String(), err
		case <-time.After(5 * time.Second):
			t.Fatal("run did not return after cancellation")
			return "", nil
		}
	}
}

const wavRequest = `{"model":"qwen3-livetranslate-flash","stream":true,"translation_options":{"target_lang":"en"},` +
	`"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"format":"wav",` +
	`"data":"data:audio/wav;base64,UklGRiwAAABXQVZFZm10IBAAAAABAAEAgD4AAAB9AAACABAAZGF0YQgAAAAAAAEAAgADAA=="}}]}]}`

func postTo(t *testing.T, base, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/chat/completions", strings.NewReader(wavRequest))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRunServesUntilCancelled(t *testing.T) {
	base, stop := start(t, "-key", "sk-demo", "-no-probe")
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/compatible-mode/v1") {
		t.Fatalf("first line %q", base)
	}
	if status, body := postTo(t, base, "sk-demo"); status != 200 || !strings.HasSuffix(body, "data: [DONE]\n\n") {
		t.Errorf("%d %s", status, body)
	}
	if status, _ := postTo(t, base, "sk-other"); status != 401 {
		t.Errorf("wrong key: %d", status)
	}
	stderr, err := stop()
	if err != nil {
		t.Errorf("run: %v", err)
	}
	if !strings.Contains(stderr, "fakeapi: 200 ") || !strings.Contains(stderr, "fakeapi: 401 ") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestRunFaultFlags(t *testing.T) {
	base, stop := start(t, "-fault", "status", "-fault-status", "429", "-fault-retry-after", "1", "-fault-times", "1", "-quiet")
	if status, body := postTo(t, base, "any"); status != 429 || !strings.Contains(body, `"code":"limit_requests"`) {
		t.Errorf("%d %s", status, body)
	}
	if status, _ := postTo(t, base, "any"); status != 200 {
		t.Errorf("after the fault: %d", status)
	}
	if stderr, err := stop(); err != nil || stderr != "" {
		t.Errorf("run: %v, stderr %q", err, stderr)
	}
}

func TestRunRejectsUnknownFault(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-fault", "gremlins"}, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), `unknown fault kind "gremlins"`) {
		t.Errorf("err %v", err)
	}
}
