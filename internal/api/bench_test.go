package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"testing"
)

// BenchmarkRequestBody measures WriteBody: Base64-encoding 64 MiB of media into the JSON body.
// MB/s is of media in.
func BenchmarkRequestBody(b *testing.B) {
	media := randomBytes(64<<20, 1)
	req := baseRequest()
	b.SetBytes(int64(len(media)))
	b.ReportAllocs()
	for b.Loop() {
		req.Media = Media{Kind: Audio, Format: "wav", MIME: "audio/wav", Body: bytes.NewReader(media), Size: int64(len(media))}
		if err := req.WriteBody(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSSEAudio measures decoding a stream of speech chunks (SSE framing, chunk JSON, Base64)
// for small chunks and for very large ones. MB/s is of stream read.
func BenchmarkSSEAudio(b *testing.B) {
	for _, pcmSize := range []int{4 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("chunk=%dKiB", pcmSize>>10), func(b *testing.B) {
			var stream bytes.Buffer
			pcm := randomBytes(pcmSize, 2)
			chunk := fmt.Sprintf(`{"id":"chatcmpl-1","choices":[{"delta":{"content":null,"role":null,"audio":{"data":%q,"expires_at":1764755440,"id":"audio_1"}},"finish_reason":null,"index":0}],"created":1764755440,"model":"qwen3-livetranslate-flash","object":"chat.completion.chunk"}`,
				base64.StdEncoding.EncodeToString(pcm))
			for stream.Len() < 32<<20 {
				stream.WriteString("data: " + chunk + "\n\n")
			}
			stream.WriteString(sse(stopChunk, "[DONE]"))
			b.SetBytes(int64(stream.Len()))
			b.ReportAllocs()
			for b.Loop() {
				var res Result
				got := 0
				err := readStream(bytes.NewReader(stream.Bytes()), &res, testKey, nil, nil, func(ev Event) error {
					got += len(ev.Audio)
					return nil
				})
				if err != nil || got == 0 {
					b.Fatal(err, got)
				}
			}
		})
	}
}
