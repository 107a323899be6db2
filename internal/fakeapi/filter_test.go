package fakeapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// filterAll runs src through a filter and returns its output and captures.
func filterAll(t *testing.T, src io.Reader, limit int64) (string, []*capturedDataURI, error) {
	t.Helper()
	f := newDataURIFilter(src, limit, false, "")
	out, err := io.ReadAll(f)
	return string(out), f.Captures(), err
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestFilterDivertsPayloadAtEverySplit(t *testing.T) {
	media := make([]byte, 700)
	for i := range media {
		media[i] = byte(i*7 + i/3)
	}
	b64 := base64.StdEncoding.EncodeToString(media)
	if !strings.ContainsAny(b64, "/+") || !strings.HasSuffix(b64, "=") {
		t.Fatalf("test payload should exercise '/', '+' and padding: %s", b64)
	}
	// Escape the way other JSON encoders may: \/ for '/', \u002B for '+'.
	escaped := strings.NewReplacer("/", `\/`, "+", `\u002B`).Replace(b64)
	body := `{"k":"plain \"data:x\" \\","dat":"data","d2":"dat","data":"data:audio\/wav;base64,` + escaped +
		`","n":"data:text/plain,hello","e":"data:;base64,","z":1}`
	want := `{"k":"plain \"data:x\" \\","dat":"data","d2":"dat","data":"data:audio\/wav;base64,\u00000",` +
		`"n":"data:text/plain,\u00001","e":"data:;base64,\u00002","z":1}`

	for i := 0; i <= len(body); i++ {
		src := io.MultiReader(strings.NewReader(body[:i]), strings.NewReader(body[i:]))
		out, caps, err := filterAll(t, src, 0)
		if err != nil {
			t.Fatalf("split %d: %v", i, err)
		}
		if out != want {
			t.Fatalf("split %d: output\n%s\nwant\n%s", i, out, want)
		}
		if len(caps) != 3 {
			t.Fatalf("split %d: %d captures, want 3", i, len(caps))
		}
		c := caps[0]
		if c.Header != "data:audio/wav;base64," || !c.Base64 || c.DecodeErr != nil || c.Key != "data" {
			t.Fatalf("split %d: capture %+v", i, c)
		}
		if c.MediaBytes != int64(len(media)) || c.SHA256 != sha(media) || !bytes.Equal(c.Head, media) {
			t.Fatalf("split %d: decoded %d bytes sha %s, want %d %s", i, c.MediaBytes, c.SHA256, len(media), sha(media))
		}
		if c.URIBytes != int64(len("data:audio/wav;base64,")+len(b64)) {
			t.Fatalf("split %d: URIBytes %d", i, c.URIBytes)
		}
		if caps[1].Base64 || caps[1].URIBytes != int64(len("data:text/plain,hello")) || caps[1].Key != "n" {
			t.Fatalf("split %d: non-Base64 capture %+v", i, caps[1])
		}
		if !caps[2].Base64 || caps[2].MediaBytes != 0 || caps[2].MIME() != "" {
			t.Fatalf("split %d: empty capture %+v", i, caps[2])
		}
		// What the filter hands on is JSON that maps back to the captures.
		var v map[string]string
		if err := json.Unmarshal([]byte(strings.Replace(out, `,"z":1`, "", 1)), &v); err != nil {
			t.Fatalf("split %d: output is not JSON: %v", i, err)
		}
		if lookupCapture(v["data"], caps) != caps[0] || lookupCapture(v["n"], caps) != caps[1] {
			t.Fatalf("split %d: lookup failed for %q", i, v["data"])
		}
	}
}

func TestFilterOneByteReads(t *testing.T) {
	media := bytes.Repeat([]byte("0123456789abcdef"), 10000) // several Base64 batches
	body := `{"data":"` + dataURL("audio/wav", media) + `"}`
	_, caps, err := filterAll(t, iotest.OneByteReader(strings.NewReader(body)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if caps[0].MediaBytes != int64(len(media)) || caps[0].SHA256 != sha(media) {
		t.Fatalf("decoded %d bytes sha %s", caps[0].MediaBytes, caps[0].SHA256)
	}
	if len(caps[0].Head) != sniffHeadMax {
		t.Fatalf("head holds %d bytes, want %d", len(caps[0].Head), sniffHeadMax)
	}
}

func TestFilterBase64Errors(t *testing.T) {
	for _, tc := range []struct{ payload, want string }{
		{"QUJ", "illegal base64 data at input byte"},      // unpadded tail
		{"QQ==QUJD", "illegal base64 data at input byte"}, // data after padding
		{"QU*D", "illegal base64 data at input byte 2"},
		{`QU\u00e9D`, "illegal base64 data at input byte 2"},
	} {
		_, caps, err := filterAll(t, strings.NewReader(`{"data":"data:audio/wav;base64,`+tc.payload+`"}`), 0)
		if err != nil {
			t.Fatal(err)
		}
		if caps[0].DecodeErr == nil || !strings.Contains(caps[0].DecodeErr.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.payload, caps[0].DecodeErr, tc.want)
		}
	}
	// Line breaks are skipped, as Go's own decoder does.
	_, caps, _ := filterAll(t, strings.NewReader(`{"data":"data:audio/wav;base64,QUJD\nRA==\r\n"}`), 0)
	if caps[0].DecodeErr != nil || string(caps[0].Head) != "ABCD" {
		t.Errorf("with line breaks: %v %q", caps[0].DecodeErr, caps[0].Head)
	}
}

func TestFilterLimit(t *testing.T) {
	const limit = 64
	header := "data:audio/wav;base64,"
	for _, tc := range []struct {
		length int
		ok     bool
	}{{limit - 1, true}, {limit, false}, {limit + 1, false}, {limit + 1000, false}} {
		uri := header + strings.Repeat("A", tc.length-len(header))
		_, caps, err := filterAll(t, strings.NewReader(`{"data":"`+uri+`"}`), limit)
		if tc.ok != (err == nil) {
			t.Errorf("length %d: err %v", tc.length, err)
		}
		if !tc.ok && (!errors.Is(err, errDataURITooLarge) || caps[0].URIBytes < limit) {
			t.Errorf("length %d: err %v after %d bytes", tc.length, err, caps[0].URIBytes)
		}
	}
	// A data URI without Base64 counts too, and so does one without a comma.
	for _, uri := range []string{"data:text/plain," + strings.Repeat("x", 100), "data:" + strings.Repeat("x", 400)} {
		if _, _, err := filterAll(t, strings.NewReader(`{"data":"`+uri+`"}`), limit); !errors.Is(err, errDataURITooLarge) {
			t.Errorf("%.20s…: err %v", uri, err)
		}
	}
}

func TestFilterPassesBrokenJSONThrough(t *testing.T) {
	for _, body := range []string{`{"a":"dat`, `{"a":"data:audio/wav;base64,QUJD`, `{"a":"xyz`} {
		f := newDataURIFilter(strings.NewReader(body), 0, false, "")
		var v any
		if err := json.NewDecoder(f).Decode(&v); err == nil {
			t.Errorf("%s: decoded", body)
		}
	}
}
