package progress

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainLines(t *testing.T) {
	var b strings.Builder
	p := New(&b, false, 2)
	p.Start("a.wav")
	p.Start("b\n.wav")
	p.Done("b\n.wav", "failed")
	p.Done("a.wav", "translated")
	p.Close()
	want := "livetranslate: [1/2] failed \"b\\n.wav\"\nlivetranslate: [2/2] translated a.wav\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestShortenKeepsCharacters(t *testing.T) {
	s := strings.Repeat("é", 30) // 60 bytes
	got := shorten(s, 40)
	if len(got) > 40 || !utf8.ValidString(got) || !strings.HasSuffix(got, "...") {
		t.Errorf("shorten = %q (%d bytes)", got, len(got))
	}
	if shorten("short.wav", 40) != "short.wav" {
		t.Error("a short name was changed")
	}
}

func TestBarDrawsAndCloses(t *testing.T) {
	var b strings.Builder
	p := New(&b, true, 1)
	p.Start(strings.Repeat("名", 30) + ".wav")
	p.Done(strings.Repeat("名", 30)+".wav", "translated")
	p.Close()
	if !utf8.ValidString(b.String()) || strings.Contains(b.String(), "livetranslate: [") {
		t.Errorf("bar output %q", b.String())
	}
}
