package main

import (
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// TestLiveInterruptFinishesInFlight plays speech.wav at its own pace (--realtime), interrupts the
// run while the second sentence is being spoken, and checks what a user stopping a live run with
// Ctrl-C must get: the speech so far is the last utterance and is translated, the files are
// complete and valid, the summary says what was done, and the exit is 130.
func TestLiveInterruptFinishesInFlight(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, ChunkDelay: 20 * time.Millisecond, Latency: 100 * time.Millisecond})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	c, _ := startCommand(t, srv.URL, dir, "live", filepath.Join(media, "speech.wav"), "--realtime", "--to", "fr",
		"-o", "live.txt", "--audio-out", "live.wav")
	out := filepath.Join(dir, "live.txt")
	// The first sentence ends at 1.6 s; its line is out within about a second of it.
	waitUntil(t, 20*time.Second, "no line of the first utterance", func() bool {
		b, _ := os.ReadFile(out)
		return strings.Count(string(b), "\n") >= 1
	})
	time.Sleep(600 * time.Millisecond)  // into the second sentence (1.8 s to 4.2 s)
	interruptExit(t, c, 15*time.Second) // what is in flight is finished first
	stderr := c.Stderr.(*strings.Builder).String()
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (the first sentence, and the second as far as it was spoken):\n%s\nstderr:\n%s", len(lines), b, stderr)
	}
	for _, l := range lines {
		if !regexp.MustCompile(`^Bonjour .* of [0-9.]+ seconds of wav audio \([0-9]+ bytes, sha256 [0-9a-f]{8}\)\.$`).MatchString(l) {
			t.Errorf("not a complete translation: %q", l)
		}
	}
	if !regexp.MustCompile(`(?m)^livetranslate: live: 2 of 2 utterances translated in 0:0[2-4] of source; [0-9]+ tokens`).MatchString(stderr) {
		t.Errorf("summary:\n%s", stderr)
	}
	if strings.Contains(stderr, "error") {
		t.Errorf("a clean stop printed an error:\n%s", stderr)
	}
	wav, err := os.ReadFile(filepath.Join(dir, "live.wav"))
	if err != nil {
		t.Fatal(err)
	}
	data := binary.LittleEndian.Uint32(wav[40:])
	if len(wav) < 44 || string(wav[:4]) != "RIFF" || int(data) != len(wav)-44 || data == 0 {
		t.Errorf("live.wav: %d bytes, header says %d of audio: not a complete WAV", len(wav), data)
	}
	if n := len(emu.Requests()); n != 2 {
		t.Errorf("emulator saw %d requests, want 2", n)
	}
}

// TestLiveStreamDropsAndReturns serves a stream that drops after its first half and comes back
// with the rest: the run reports the drop and the return, reopens it after its backoff, and
// translates the speech on both sides of the gap, in order.
func TestLiveStreamDropsAndReturns(t *testing.T) {
	media := mediaDir(t)
	src, err := os.ReadFile(filepath.Join(media, "speech.wav"))
	if err != nil {
		t.Fatal(err)
	}
	header, pcm := src[:44], src[44:]
	rate := int(binary.LittleEndian.Uint32(header[24:]))
	half := (rate * 2 * 44 / 10) &^ 1 // 4.4 s: in the pause after the second sentence
	var hits atomic.Int32
	stream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := append([]byte(nil), header...)
		binary.LittleEndian.PutUint32(h[4:], 0xFFFFFFFF) // a live stream: no length
		binary.LittleEndian.PutUint32(h[40:], 0xFFFFFFFF)
		switch hits.Add(1) {
		case 1:
			w.Write(h)
			w.Write(pcm[:half])
		case 2:
			w.Write(h)
			w.Write(pcm[half:])
			w.(http.Flusher).Flush()
			<-r.Context().Done() // and stays, silent, until the run ends
		default:
			http.Error(w, "gone", http.StatusNotFound)
		}
	}))
	t.Cleanup(stream.Close)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	c, stdout := startCommand(t, srv.URL, dir, "live", stream.URL+"/live.wav", "--to", "de")
	var lines []string
	for len(lines) < 4 {
		l, err := stdout.ReadString('\n')
		if err != nil {
			t.Fatalf("after %d lines: %v; stderr:\n%s", len(lines), err, c.Stderr)
		}
		lines = append(lines, l)
	}
	c.Process.Signal(syscall.SIGINT)
	c.Wait()
	stderr := c.Stderr.(*strings.Builder).String()
	for _, want := range []string{
		`live.wav dropped at 0:04 \(it ended\); reopening it`,
		`live.wav is back after [0-9.]+ s`,
		`live: 4 of 4 utterances translated in 0:(09|1[0-9]) of source, 0:0[1-9] away in 1 drop;`,
	} {
		if !regexp.MustCompile(want).MatchString(stderr) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, "Hallo") {
			t.Errorf("line %d: %q", i+1, l)
		}
	}
	if hits.Load() < 2 {
		t.Errorf("the stream was opened %d times, want at least 2", hits.Load())
	}
}

// TestLiveSecondInterruptAbandons: the first Ctrl-C waits for the utterances in flight; a second
// one abandons them at once.
func TestLiveSecondInterruptAbandons(t *testing.T) {
	media := mediaDir(t)
	emu := fakeapi.New(fakeapi.Options{APIKey: testKey, Latency: time.Minute})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	c, _ := startCommand(t, srv.URL, dir, "live", filepath.Join(media, "speech.wav"), "--follow", "0", "--to", "fr")
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	time.Sleep(1500 * time.Millisecond) // the file is read and its utterances sent: the answers take a minute
	c.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		t.Fatalf("ended at the first interrupt (%v), with its requests still in flight; stderr:\n%s", err, c.Stderr)
	case <-time.After(time.Second):
	}
	c.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("still running 5 s after the second interrupt")
	}
}
