package prettyjson

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, map[string]any{"url": "https://a.example/?x=1&y=<2>", "n": []int{1}}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"n\": [\n    1\n  ],\n  \"url\": \"https://a.example/?x=1&y=<2>\"\n}\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	if err := Write(&b, math.NaN()); err == nil || !strings.HasPrefix(err.Error(), "writing JSON: ") {
		t.Errorf("NaN: %v; want a writing JSON error", err)
	}
}
