package textfmt

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0:00", 1499 * time.Millisecond: "0:01", 59*time.Second + 600*time.Millisecond: "1:00",
		61 * time.Minute: "1:01:00", 25*time.Hour + 2*time.Second: "25:00:02",
	} {
		if got := Clock(d); got != want {
			t.Errorf("Clock(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 pieces"}, {1, "1 piece"}, {2, "2 pieces"}} {
		if got := Plural(tt.n, "piece"); got != tt.want {
			t.Errorf("Plural(%d) = %q", tt.n, got)
		}
	}
}

func TestOr(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want string
	}{
		{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a or b"},
		{[]string{"bash", "fish", "powershell", "zsh"}, "bash, fish, powershell or zsh"},
	} {
		if got := Or(tt.in); got != tt.want {
			t.Errorf("Or(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"one line", "one line"},
		{"reading config.yaml:\n  line 3: bad key\n  line 5: bad value\n", "reading config.yaml: line 3: bad key; line 5: bad value"},
		{"first\n\n  second  \nthird", "first; second; third"},
		{"\n\n", ""},
	} {
		if got := OneLine(tt.in); got != tt.want {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeControls(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain, café\n", "plain, café\n"},
		{"no final newline", "no final newline"},
		{"red \x1b[31mname\x1b[0m\n", `red \x1b[31mname\x1b[0m` + "\n"},
		{"a\nb.wav: not found\n", `a\nb.wav: not found` + "\n"},
		{"bell\a and return\r", `bell\a and return\r`},
		{"\u0085next line", `\u0085next line`},
	} {
		if got := EscapeControls(tt.in); got != tt.want {
			t.Errorf("EscapeControls(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
