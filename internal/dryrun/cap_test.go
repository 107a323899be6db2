package dryrun

import (
	"errors"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/split"
)

// TestParseCap: an amount is a plain decimal number with an optional three-letter currency after
// it; anything else is refused, with a message that says what is wrong.
func TestParseCap(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{"0.50", "0.5", ""},
		{"2 USD", "2 USD", ""},
		{"2USD", "2 USD", ""},
		{" 1.5cny ", "1.5 CNY", ""},
		{"0", "0", ""},
		{"100", "100", ""},
		{".5", "0.5", ""},
		{"1.", "1", ""},
		{"0.000001", "0.000001", ""},
		{"12345678.90 eur", "12345678.9 EUR", ""},
		{"1 \t USD", "1 USD", ""},
		{"-1", "", `"-1" is negative`},
		{"-0.5 USD", "", "negative"},
		{"1e2", "", `"1e2" has an exponent: write the amount as a plain decimal number (100)`},
		{"1E2", "", "has an exponent"},
		{"1e-3", "", "plain decimal number (0.001)"},
		{"2.5e1 USD", "", "plain decimal number (25)"},
		{"1e400", "", `"1e400" has an exponent: write the amount as a plain decimal number`},
		{"-1e2", "", "negative"},
		{"abc", "", "not an amount"},
		{"NaN", "", `"NaN" is not an amount: write a plain decimal number`},
		{"nan", "", "not an amount"},
		{"Inf", "", "not an amount"},
		{"+Inf", "", "not an amount"},
		{"infinity", "", "not an amount"},
		{"+1", "", "not an amount"},
		{"0x10", "", "not an amount"},
		{"0x1p-2", "", "not an amount"},
		{"1_000", "", "not an amount"},
		{"1,50", "", "not an amount"},
		{"1 2", "", "not an amount"},
		{"1.2.3", "", "not an amount"},
		{".", "", "not an amount"},
		{"USD", "", "not an amount"},
		{"USD 1.50", "", "write the currency after the amount, e.g. 2 USD"},
		{"1 euros", "", `"1 euros": "EUROS" is not a currency code`},
		{"1EUROS", "", "not a currency code"},
		{"1 U", "", "not a currency code"},
		{"1 US$", "", "not an amount"},
		{strings.Repeat("9", 400), "", "too large"},
		{"", "", "not an amount"},
	} {
		c, err := ParseCap(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseCap(%q) = %v, error %v; want an error containing %q", tt.in, c, err, tt.err)
		case tt.err != "" && strings.Contains(err.Error(), "\n"):
			t.Errorf("ParseCap(%q): the error %q is more than one line", tt.in, err)
		case tt.err == "" && (err != nil || c.String() != tt.want):
			t.Errorf("ParseCap(%q) = %v, %v; want %s", tt.in, c, err, tt.want)
		}
	}
}

func TestCapCheck(t *testing.T) {
	plan := &split.Plan{Segments: []split.Segment{{}}}
	row := func(cost float64, cur string, priced bool) Row {
		return Row{Name: "a.wav", Plan: plan, Cost: cost, Currency: cur, Priced: priced, Targets: 1}
	}
	for _, tt := range []struct {
		name string
		cap  Cap
		rows []Row
		err  string // "" for within the cap
	}{
		{"within", Cap{Amount: 1}, []Row{row(0.4, "CNY", true), row(0.6, "CNY", true)}, ""},
		{"over", Cap{Amount: 1}, []Row{row(0.4, "CNY", true), row(0.7, "CNY", true)}, "1.1000 CNY (2 inputs, 2 requests), is over the cap of 1"},
		{"failed inputs cost nothing", Cap{Amount: 0.5}, []Row{row(0.4, "CNY", true), {Name: "bad.wav", Err: errors.New("cut short")}}, ""},
		{"unpriced", Cap{Amount: 5}, []Row{row(0.4, "CNY", true), {Name: "http://x/a", URL: true, Plan: plan}}, "http://x/a cannot be estimated before it is sent"},
		{"another currency", Cap{Amount: 5, Currency: "USD"}, []Row{row(0.4, "CNY", true)}, "the cap 5 USD is in USD; the price table prices in CNY"},
		{"the same currency", Cap{Amount: 5, Currency: "CNY"}, []Row{row(0.4, "CNY", true)}, ""},
		{"zero", Cap{}, []Row{row(0.0001, "CNY", true)}, "over the cap of 0"},
	} {
		err := tt.cap.Check(tt.rows)
		var over *OverCapError
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.err != "" && (!errors.As(err, &over) || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.err)
		}
	}
}
