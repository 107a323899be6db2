package dryrun

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/livetranslate/livetranslate/internal/textfmt"
)

// Cap is the most a run may cost, as estimated before anything is sent.
type Cap struct {
	Amount   float64
	Currency string // "" = the price table's
}

// ParseCap reads an amount with an optional currency: "0.50", "2 USD", "1.5cny".
func ParseCap(s string) (Cap, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsLetter)
	num, cur := s, ""
	if i >= 0 {
		num, cur = strings.TrimSpace(s[:i]), strings.ToUpper(strings.TrimSpace(s[i:]))
	}
	v, err := strconv.ParseFloat(num, 64)
	switch {
	case err != nil || v != v: // NaN
		return Cap{}, fmt.Errorf("%q is not an amount (e.g. 0.50, or 2 USD)", s)
	case v < 0:
		return Cap{}, fmt.Errorf("%q is negative", s)
	case cur != "" && (len(cur) != 3 || strings.IndexFunc(cur, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0):
		return Cap{}, fmt.Errorf("%q: %q is not a currency code (e.g. CNY, USD)", s, cur)
	}
	return Cap{Amount: v, Currency: cur}, nil
}

func (c Cap) String() string {
	if c.Currency == "" {
		return strconv.FormatFloat(c.Amount, 'f', -1, 64)
	}
	return strconv.FormatFloat(c.Amount, 'f', -1, 64) + " " + c.Currency
}

// OverCapError is a run whose estimate exceeds its Cap, or cannot be held to it: Unpriced names
// an input whose cost cannot be estimated beforehand, Currency the table's currency when it is
// not the cap's.
type OverCapError struct {
	Cap      Cap
	Total    Total
	Unpriced *Row
	Currency string
}

func (e *OverCapError) Error() string {
	switch {
	case e.Unpriced != nil && e.Unpriced.URL:
		return fmt.Sprintf("the cost of %s cannot be estimated before it is sent (a URL's length is not known here), so the run cannot be held to a cap of %s", e.Unpriced.Name, e.Cap)
	case e.Unpriced != nil:
		return fmt.Sprintf("the cost of %s cannot be estimated (the price table has no prices for its model), so the run cannot be held to a cap of %s", e.Unpriced.Name, e.Cap)
	case e.Currency != "":
		return fmt.Sprintf("the cap %s is in %s; the price table prices in %s", e.Cap, e.Cap.Currency, e.Currency)
	}
	return fmt.Sprintf("the estimated cost, %.4f %s (%s, %s), is over the cap of %s; nothing was sent",
		e.Total.Cost, e.Total.Currency, textfmt.Plural(e.Total.Inputs, "input"), textfmt.Plural(e.Total.Requests, "request"), e.Cap)
}

// Check holds rows, the dry run of a run, to c: nil when the estimate of the inputs that can
// be sent is within it, else an *OverCapError.
func (c Cap) Check(rows []Row) error {
	t := TotalOf(rows)
	for i, r := range rows {
		if r.Err == nil && !r.Priced {
			return &OverCapError{Cap: c, Total: t, Unpriced: &rows[i]}
		}
	}
	if t.Inputs == 0 {
		return nil
	}
	if t.Currency == "" { // prices in several currencies
		return &OverCapError{Cap: c, Total: t, Currency: "several currencies"}
	}
	if c.Currency != "" && c.Currency != t.Currency {
		return &OverCapError{Cap: c, Total: t, Currency: t.Currency}
	}
	if t.Cost > c.Amount {
		return &OverCapError{Cap: c, Total: t}
	}
	return nil
}
