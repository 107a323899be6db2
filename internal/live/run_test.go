package live

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/translate"
)

func TestParseSource(t *testing.T) {
	for _, c := range []struct {
		name string
		o    SourceOptions
		kind SourceKind
		args string // after -probesize 32 -analyzeduration 0
		err  string
	}{
		{"pulse:default", SourceOptions{}, Device, "-f pulse -i default", ""},
		{"alsa:hw:0", SourceOptions{}, Device, "-f alsa -i hw:0", ""},
		{"avfoundation::0", SourceOptions{}, Device, "-f avfoundation -i :0", ""},
		{"dshow:audio=Microphone (USB)", SourceOptions{}, Device, "-f dshow -i audio=Microphone (USB)", ""},
		{"https://example.com/live.m3u8", SourceOptions{}, Stream, "-rw_timeout 15000000 -i https://example.com/live.m3u8", ""},
		{"rtmp://host/app/key", SourceOptions{}, Stream, "-i rtmp://host/app/key", ""},
		{"http://admin:secret@cam/a.mp3", SourceOptions{}, Stream, "-rw_timeout 15000000 -i http://admin:secret@cam/a.mp3", ""},
		{"srt://host:9000", SourceOptions{Realtime: true}, Stream, "-re -i srt://host:9000", ""},
		{"-", SourceOptions{InputArgs: []string{"-f", "s16le", "-ar", "16000", "-ac", "1"}}, Stdin, "-f s16le -ar 16000 -ac 1 -i pipe:0", ""},
		{"talk.wav", SourceOptions{Follow: 10 * time.Second}, File, "-follow 1 -rw_timeout 10000000 -i file:talk.wav", ""},
		{"talk.wav", SourceOptions{Realtime: true}, File, "-re -i file:talk.wav", ""},
		{"C:/talks/a.wav", SourceOptions{}, File, "-i file:C:/talks/a.wav", ""}, // a drive letter is no device
		{"pulse:", SourceOptions{}, 0, "", "name the device after pulse:"},
		{"", SourceOptions{}, 0, "", "the source is empty"},
	} {
		s, err := ParseSource(c.name, c.o)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.name, err)
			continue
		}
		want := append([]string{"-probesize", "32", "-analyzeduration", "0"}, strings.Fields(c.args)...)
		if c.name == "dshow:audio=Microphone (USB)" {
			want = append(want[:len(want)-3], "-i", "audio=Microphone (USB)")
		}
		if strings.Contains(s.Name, "secret") {
			t.Errorf("%q: the name %q shows the password", c.name, s.Name)
		}
		if s.Kind != c.kind || !slices.Equal(s.args, want) {
			t.Errorf("%q: %v %q, want %v %q", c.name, s.Kind, s.args, c.kind, want)
		}
	}
}

func TestQueueDropsTheOldest(t *testing.T) {
	var dropped []int
	q := newQueue(2, false, func(u *Utterance) { dropped = append(dropped, u.Index) })
	for i := range 5 {
		q.push(&Utterance{Index: i})
	}
	q.close()
	var got []int
	for u, ok := q.pop(); ok; u, ok = q.pop() {
		got = append(got, u.Index)
	}
	if !slices.Equal(got, []int{3, 4}) || !slices.Equal(dropped, []int{0, 1, 2}) {
		t.Errorf("kept %v, dropped %v; want [3 4], [0 1 2]", got, dropped)
	}
}

// recorder is an Output that records what it was given, in order.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, s)
	return nil
}
func (r *recorder) Text(u *Utterance, s string) error { return r.add(fmt.Sprintf("%d:%s", u.Index, s)) }
func (r *recorder) Audio(u *Utterance, pcm []byte) error {
	return r.add(fmt.Sprintf("%d:audio", u.Index))
}
func (r *recorder) End(u *Utterance, _ *translate.PartResult, err error) error {
	if err != nil {
		return r.add(fmt.Sprintf("%d:gap", u.Index))
	}
	return r.add(fmt.Sprintf("%d:end", u.Index))
}
func (r *recorder) Close() error { return r.add("close") }

// The orderer streams the utterance whose turn it is, holds the later ones until it ends, and
// lets a request broken mid-stream start again only while nothing of it was shown.
func TestOrdererInSourceOrder(t *testing.T) {
	out := &recorder{}
	o := newOrderer(out, func(error) {})
	us := []*Utterance{{Index: 0}, {Index: 1}, {Index: 2}}
	for _, u := range us {
		o.add(u)
	}
	s0, s1, s2 := o.sink(us[0]), o.sink(us[1]), o.sink(us[2])
	s2.Text("c")
	s1.Text("b1")
	if err := s1.Reset(); err != nil {
		t.Errorf("reset of a held utterance: %v", err)
	}
	s1.Text("b")
	s0.Text("a")
	if err := s0.Reset(); !errors.Is(err, errShown) {
		t.Errorf("reset of a shown utterance: %v, want errShown", err)
	}
	o.end(us[2], &translate.PartResult{}, nil)
	s0.Audio([]byte{1, 2})
	o.end(us[0], &translate.PartResult{}, nil)
	s1.Text("b2")
	o.end(us[1], nil, errors.New("failed"))
	if err := o.close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"0:a", "0:audio", "0:end", "1:b", "1:b2", "1:gap", "2:c", "2:end", "close"}
	if !slices.Equal(out.events, want) {
		t.Errorf("got  %v\nwant %v", out.events, want)
	}
}

// runSpeech runs speech.wav, read at full speed, against an emulator that answers after latency,
// one request at a time with room for one waiting utterance (wait: it waits for room rather than
// dropping the oldest); it returns the summary, what the Output got (the ends of utterances, in
// order), the warnings, and the requests the emulator saw.
func runSpeech(t *testing.T, latency time.Duration, wait bool) (sum *Summary, ends, warned []string, requests int) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	media := filepath.Join("..", "..", "testdata", "media", "speech.wav")
	if _, err := os.Stat(media); err != nil {
		t.Skip("testdata/media not made: run make fixtures")
	}
	emu := fakeapi.New(fakeapi.Options{APIKey: "k", Latency: latency, NoProbe: true})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	src, err := ParseSource(media, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := &recorder{}
	l := &Live{
		Settings: Settings{Source: src, Jobs: 1, Queue: 1, Wait: wait, Request: translate.Settings{Model: "qwen3-livetranslate-flash", TargetLang: "fr", Stream: true}},
		Runner:   &translate.Runner{Client: &api.Client{BaseURL: srv.URL, APIKey: "k", HTTP: http.DefaultClient}},
		Out:      out,
		Report: Report{Warn: func(f string, a ...any) { warned = append(warned, fmt.Sprintf(f, a...)) },
			Info: func(string, ...any) {}},
	}
	if sum, err = l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, e := range out.events {
		if strings.HasSuffix(e, ":end") || strings.HasSuffix(e, ":gap") {
			ends = append(ends, e)
		}
	}
	return sum, ends, warned, len(emu.Requests())
}

// A service that falls behind a live source: the oldest waiting utterances are dropped, reported
// as gaps in source order, and the run goes on.
func TestRunDropsTheOldestWhenBehind(t *testing.T) {
	sum, ends, warned, requests := runSpeech(t, 500*time.Millisecond, false)
	if sum.Utterances != 4 || sum.Translated+sum.Dropped != 4 || sum.Dropped < 1 || sum.Failed != 0 {
		t.Fatalf("summary %+v: want 4 utterances, some dropped, the others translated", sum)
	}
	if len(ends) != 4 || ends[0] != "0:end" || ends[3] != "3:end" {
		t.Errorf("ends %v: want 4 in source order, the first and the last translated", ends)
	}
	if len(warned) != sum.Dropped || !strings.Contains(warned[0], "was dropped: the service fell behind") {
		t.Errorf("warnings %q", warned)
	}
	if requests != sum.Translated {
		t.Errorf("%d requests, want %d", requests, sum.Translated)
	}
}

// A file read faster than it plays waits for the service (Wait): nothing is dropped, however
// slow the answers, and the translations come in source order.
func TestRunFileWaitsForTheService(t *testing.T) {
	sum, ends, warned, _ := runSpeech(t, 300*time.Millisecond, true)
	if sum.Utterances != 4 || sum.Translated != 4 || sum.Dropped != 0 || len(warned) > 0 {
		t.Fatalf("summary %+v, warnings %q: want 4 utterances, all translated", sum, warned)
	}
	if !slices.Equal(ends, []string{"0:end", "1:end", "2:end", "3:end"}) {
		t.Errorf("ends %v", ends)
	}
}
