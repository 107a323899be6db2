package lang

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that whatever it accepts is a language of the table
// that its own code and names lead back to, and that whatever it refuses is an *UnknownError
// carrying the input, with a one-line message. Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err != nil {
			var unknown *UnknownError
			if !errors.As(err, &unknown) {
				t.Fatalf("Parse(%q) error is %T, want *UnknownError", s, err)
			}
			if unknown.Input != s {
				t.Fatalf("Parse(%q) error Input = %q", s, unknown.Input)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("Parse(%q) error is not one line: %q", s, msg)
			}
			if l != (Language{}) {
				t.Fatalf("Parse(%q) returned %+v with an error", s, l)
			}
			return
		}
		for _, name := range []string{l.Code, l.English, l.Native, l.Chinese} {
			back, err := Parse(name)
			if err != nil || back != l {
				t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", s, l, name, back, err)
			}
		}
		// Surrounding white space never changes the answer.
		if padded, err := Parse(" \t" + s + " \n"); err != nil || padded != l {
			t.Fatalf("Parse(%q) = %s, but padded it gives %+v, %v", s, l.Code, padded, err)
		}
	})
}
