package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// plainChunk is the reference meaning of a chunk: encoding/json over all of it.
func plainChunk(data []byte) (chunk, error) {
	var c chunk
	err := json.Unmarshal(data, &c)
	if err == nil && c.markers() > 0 {
		err = errMarkerData
	}
	return c, err
}

// sameAsPlain asserts decodeChunk means what json.Unmarshal of the whole chunk means: the same
// chunk, or an error with the same text.
func sameAsPlain(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := plainChunk(data)
	var got chunk
	var scratch []byte
	gotErr := decodeChunk(data, &got, &scratch)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("error %v, plain path %v; chunk %.200q", gotErr, wantErr, data)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded %+v, plain path %+v; chunk %.200q", got, want, data)
	}
}

func TestDecodeChunkSameAsPlainJSON(t *testing.T) {
	pcm := randomBytes(9600, 5)
	b64 := base64.StdEncoding.EncodeToString(pcm)
	raw := base64.RawStdEncoding.EncodeToString(pcm[:9599])
	audio := func(data string) string {
		return `{"id":"c","choices":[{"delta":{"content":null,"role":null,"audio":{"data":"` + data + `","expires_at":1,"id":"a"}},"finish_reason":null,"index":0}],"model":"m"}`
	}
	cases := map[string]string{
		"service chunk":         audio(b64),
		"reference, indented":   strings.Replace(refAudioChunk, refAudioData, b64, 1),
		"unpadded":              audio(raw),
		"short":                 audio("AAEC"),
		"empty":                 audio(""),
		"escaped slash":         audio(strings.Replace(b64, "/", `\/`, -1)),
		"line break":            audio(b64[:700] + "\n" + b64[700:]),
		"carriage return":       audio(b64[:700] + "\r" + b64[700:]),
		"not Base64":            audio(strings.Repeat("*", 1000)),
		"control character":     audio(b64[:700] + "\x01" + b64[700:]),
		"marker from service":   audio(`\u0000`),
		"marker and speech":     `{"choices":[{"delta":{"audio":{"data":"` + b64 + `"}}},{"delta":{"audio":{"data":"\u0000"}}}]}`,
		"second choice":         `{"choices":[{"delta":{"content":"x"}},{"delta":{"audio":{"data":"` + b64 + `"}}}]}`,
		"data key elsewhere":    `{"error":{"data":"` + b64 + `"},"choices":[{"delta":{"audio":{"data":"` + b64 + `"}}}]}`,
		"message, not delta":    `{"choices":[{"message":{"content":"hi","audio":{"data":"` + b64 + `"}},"finish_reason":"stop"}]}`,
		"data before audio":     `{"choices":[{"delta":{"x":{"data":"` + b64 + `"},"audio":{"data":"AA=="}}}]}`,
		"broken after":          audio(b64)[:len(audio(b64))-3],
		"broken before":         "{" + audio(b64),
		"string not closed":     `{"choices":[{"delta":{"audio":{"data":"` + b64,
		"in stream error":       `{"error":{"code":"x","message":"y"},"choices":[{"delta":{"audio":{"data":"` + b64 + `"}}}]}`,
		"text with data key":    `{"choices":[{"delta":{"content":"say \"data\":\"` + b64 + `\""}}]}`,
		"null data":             `{"choices":[{"delta":{"audio":{"data":null}}}]}`,
		"padding in the middle": audio(b64[:800] + "==" + b64[800:]),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) { sameAsPlain(t, []byte(data)) })
	}
}

func FuzzDecodeChunk(f *testing.F) {
	b64 := base64.StdEncoding.EncodeToString(randomBytes(1200, 6))
	f.Add([]byte(`{"choices":[{"delta":{"audio":{"data":"` + b64 + `"}}}]}`))
	f.Add([]byte(strings.Replace(refAudioChunk, refAudioData, b64, 1)))
	f.Add([]byte(`{"choices":[{"message":{"audio":{"data":"` + b64 + `"}}},{"delta":{"audio":{"data":"\u0000"}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { sameAsPlain(t, data) })
}
