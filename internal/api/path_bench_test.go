package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRequestPath measures the whole request path of one request as the CLI sends it: a
// file opened per attempt (Media.Open), Base64 into the JSON body, the pipe, the HTTP transport
// and a loopback socket, into a server that discards the body. MB/s is of file sent. Run it
// with -cpu 1 for the one-core figure, and -cpuprofile to see where the time goes:
//
//	go test -run '^$' -bench RequestPath -cpu 1 -cpuprofile cpu.out ./internal/api/
func BenchmarkRequestPath(b *testing.B) {
	const size = 64 << 20
	path := filepath.Join(b.TempDir(), "media.wav")
	if err := os.WriteFile(path, randomBytes(size, 3), 0o644); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, sse(`{"id":"x","choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}`, "[DONE]"))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, APIKey: testKey, HTTP: srv.Client()}
	req := baseRequest()
	req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Size: size,
		Open: func() (io.ReadCloser, error) { return os.Open(path) }}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Translate(context.Background(), req, nil); err != nil {
			b.Fatal(err)
		}
	}
}
