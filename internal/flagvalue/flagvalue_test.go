package flagvalue

import (
	"slices"
	"testing"
)

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		str  string
	}{
		{"0", 0, "0"},
		{"1000", 1000, "1000"},
		{"512k", 512 << 10, "512KiB"},
		{"10MiB", 10 << 20, "10MiB"},
		{"7.5MB", 7_500_000, "7500000"},
		{"1.5GiB", 3 << 29, "1536MiB"},
		{"2g", 2 << 30, "2GiB"},
	} {
		var b Bytes
		if err := b.Set(tt.in); err != nil {
			t.Fatalf("Set(%q): %v", tt.in, err)
		}
		if int64(b) != tt.want || b.String() != tt.str {
			t.Errorf("Set(%q) = %d %q, want %d %q", tt.in, int64(b), b.String(), tt.want, tt.str)
		}
	}
	b := Bytes(42)
	for _, bad := range []string{"NaN", "-1", "ten", "5 parsecs"} {
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
	if b != 42 {
		t.Errorf("a refused value changed it to %d", b)
	}
	if b.Type() != "bytes" {
		t.Errorf("Type %q: the configuration parses a size by it", b.Type())
	}
}

func TestOnce(t *testing.T) {
	var o Once
	if o.String() != "" {
		t.Errorf("unset: %q", o.String())
	}
	if err := o.Set("fr"); err != nil || o.String() != "fr" {
		t.Fatalf("Set(fr): %v, %q", err, o.String())
	}
	if err := o.Set("fr"); err != nil {
		t.Errorf("the same value again (shell completion parses twice): %v", err)
	}
	err := o.Set("de")
	if err == nil || err.Error() != `given twice ("fr", then "de"): one value per run for now` || o.String() != "fr" {
		t.Errorf("another value: %v, value %q", err, o.String())
	}
	var empty Once
	if empty.Set("") != nil || empty.Set("fr") == nil {
		t.Error("an empty value given is given: another after it is refused")
	}
	if o.Type() != "string" {
		t.Errorf("Type %q", o.Type())
	}
}

func TestList(t *testing.T) {
	var l List
	if l.String() != "" || len(l.Values()) != 0 {
		t.Errorf("unset: %q %q", l.String(), l.Values())
	}
	for _, s := range []string{"fr, de", "ja", "ko,,en"} {
		if err := l.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"fr", "de", "ja", "ko", "", "en"}; !slices.Equal(l.Values(), want) {
		t.Errorf("Values %q, want %q", l.Values(), want)
	}
	if l.String() != "fr,de,ja,ko,,en" {
		t.Errorf("String %q", l.String())
	}
	if l.Type() != "langs" {
		t.Errorf("Type %q: the configuration takes a list for a flag of this type", l.Type())
	}
}
