package api

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// encodeBase64 must be byte for byte encoding/base64's standard encoding, padding included, at
// every length (each remainder of the six-byte loop and of the three-byte groups) and for every
// byte value in every position of the loop's word.
func TestEncodeBase64MatchesStdlib(t *testing.T) {
	check := func(src []byte) {
		t.Helper()
		want := base64.StdEncoding.EncodeToString(src)
		got := make([]byte, base64.StdEncoding.EncodedLen(len(src)))
		encodeBase64(got, src)
		if string(got) != want {
			t.Fatalf("%d bytes % x:\n got %s\nwant %s", len(src), src[:min(len(src), 16)], got, want)
		}
	}
	random := randomBytes(1<<20+5, 7)
	for n := 0; n <= 300; n++ {
		check(random[:n])
		check(random[n : 2*n])
	}
	check(random)
	for pos := range 8 {
		for v := range 256 {
			src := bytes.Repeat([]byte{0x5a}, 11)
			src[pos] = byte(v)
			check(src)
		}
	}
}

func FuzzEncodeBase64(f *testing.F) {
	f.Add([]byte("hello, world"))
	f.Fuzz(func(t *testing.T, src []byte) {
		got := make([]byte, base64.StdEncoding.EncodedLen(len(src)))
		encodeBase64(got, src)
		if want := base64.StdEncoding.EncodeToString(src); string(got) != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	})
}

// BenchmarkEncodeBase64 compares encodeBase64 with encoding/base64 on the 48 KiB blocks the
// body writer encodes. MB/s is of input.
func BenchmarkEncodeBase64(b *testing.B) {
	src := randomBytes(48<<10, 9)
	dst := make([]byte, base64.StdEncoding.EncodedLen(len(src)))
	b.Run("pairs", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			encodeBase64(dst, src)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			base64.StdEncoding.Encode(dst, src)
		}
	})
}
