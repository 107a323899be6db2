package dryrun

import (
	"errors"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/split"
)

func TestParseCap(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{"0.50", "0.5", ""},
		{"2 USD", "2 USD", ""},
		{" 1.5cny ", "1.5 CNY", ""},
		{"0", "0", ""},
		{"-1", "", "negative"},
		{"abc", "", "not an amount"},
		{"NaN", "", "not an amount"},
		{"1 euros", "", "not a currency code"},
		{"", "", "not an amount"},
	} {
		c, err := ParseCap(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseCap(%q) error %v, want one containing %q", tt.in, err, tt.err)
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
