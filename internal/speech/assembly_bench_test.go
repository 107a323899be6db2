package speech_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/speech"
)

// BenchmarkAssembly measures the response path with speech, as the CLI runs it: a loopback SSE
// stream of 60 s of speech in the service's 0.2 s chunks, decoded by api.Client (SSE framing,
// chunk JSON, Base64) and written by speech.Writer to a WAV on disk. MB/s is of PCM. Profile it
// with:
//
//	go test -run '^$' -bench Assembly -cpuprofile cpu.out ./internal/speech/
func BenchmarkAssembly(b *testing.B) {
	const seconds, chunk = 60, speech.SampleRate / 5 * 2 // bytes of PCM per chunk
	pcm := make([]byte, chunk)
	for i := range pcm {
		pcm[i] = byte(i * 7)
	}
	event := fmt.Sprintf("data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"delta\":{\"content\":null,\"role\":null,\"audio\":{\"data\":%q,\"expires_at\":1764755440,\"id\":\"audio_1\"}},\"finish_reason\":null,\"index\":0}],\"created\":1764755440,\"model\":\"qwen3-livetranslate-flash\",\"object\":\"chat.completion.chunk\"}\n\n",
		base64.StdEncoding.EncodeToString(pcm))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		flush := http.NewResponseController(w).Flush
		for range seconds * 5 {
			w.Write([]byte(event))
			flush()
		}
		w.Write([]byte("data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"index\":0}]}\n\ndata: [DONE]\n\n"))
	}))
	defer srv.Close()
	client := &api.Client{BaseURL: srv.URL, APIKey: "sk-bench", HTTP: srv.Client()}
	req := &api.Request{Model: "qwen3-livetranslate-flash", Stream: true, TargetLang: "en",
		Audio: &api.AudioOutput{Voice: "Cherry"}, Media: api.Media{URL: "https://example.com/a.wav", Kind: api.Audio, Format: "wav"}}
	dir := b.TempDir()
	b.SetBytes(seconds * 5 * chunk)
	b.ReportAllocs()
	for b.Loop() {
		out := filepath.Join(dir, "out.wav")
		os.Remove(out)
		w, err := speech.Create(context.Background(), out, false)
		if err != nil {
			b.Fatal(err)
		}
		_, err = client.Translate(context.Background(), req, func(ev api.Event) error {
			_, err := w.Write(ev.Audio)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
