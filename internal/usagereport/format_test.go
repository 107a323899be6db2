package usagereport

import "testing"

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"talk.wav": "talk.wav", "": "", "=HYPERLINK(\"x\").wav": "'=HYPERLINK(\"x\").wav", "+1": "'+1",
		"-2": "'-2", "@sum": "'@sum", "\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b",
	} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatCost(t *testing.T) {
	for _, tt := range []struct {
		cost     float64
		currency string
		unpriced int64
		want     string
	}{
		{0.1 + 0.2, "CNY", 0, "0.3000 CNY"},
		{0, "", 0, "-"},
		{1, "mixed", 2, "(mixed currencies) *"},
		{0.00005, "USD", 1, "0.0001 USD *"},
	} {
		if got := formatCost(tt.cost, tt.currency, tt.unpriced); got != tt.want {
			t.Errorf("formatCost(%v, %q, %d) = %q, want %q", tt.cost, tt.currency, tt.unpriced, got, tt.want)
		}
	}
}

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"a\tb\nc": "a?b?c", "talk.wav": "talk.wav", "a\x7fb": "a?b", "中文.wav": "中文.wav",
		"中\u0085文\r": "中?文?", // a C1 control after non-ASCII text
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
