package dryrun

import (
	"fmt"
	"math"
	"regexp"
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

// ParseCap reads an amount with an optional currency after it: "0.50", "2 USD", "1.5cny". The
// amount is a plain decimal number, as prices are written: an exponent (1e2, whose "e2" would
// otherwise read as a currency), a sign, NaN, Inf, a hexadecimal float or digit separators are
// refused, each with a message that says what to write instead.
func ParseCap(s string) (Cap, error) {
	s = strings.TrimSpace(s)
	m := capPattern.FindStringSubmatch(s)
	if m == nil {
		return Cap{}, capError(s)
	}
	num, cur := m[1], strings.ToUpper(m[2])
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return Cap{}, fmt.Errorf("%q is too large to be an amount", s)
	}
	return Cap{Amount: v, Currency: cur}, nil
}

// capPattern is an amount as ParseCap takes it: digits with an optional fraction, then, with or
// without a space, an optional three-letter currency code.
var capPattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:\s*([A-Za-z]{3}))?$`)

// capError says what is wrong with s, which capPattern does not match.
func capError(s string) error {
	num := strings.TrimSpace(strings.TrimRightFunc(s, unicode.IsLetter))
	letters := strings.TrimSpace(s[len(strings.TrimRightFunc(s, unicode.IsLetter)):])
	switch {
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("%q is negative", s)
	case exponentPattern.MatchString(s):
		if v, err := strconv.ParseFloat(num, 64); err == nil && !math.IsInf(v, 0) && v < 1e15 {
			return fmt.Errorf("%q has an exponent: write the amount as a plain decimal number (%s)", s, strconv.FormatFloat(v, 'f', -1, 64))
		}
		return fmt.Errorf("%q has an exponent: write the amount as a plain decimal number", s)
	case letters != "" && capPattern.MatchString(num) && !strings.ContainsFunc(num, unicode.IsLetter):
		return fmt.Errorf("%q: %q is not a currency code (e.g. CNY, USD)", s, strings.ToUpper(letters))
	case currencyFirst.MatchString(s):
		return fmt.Errorf("%q: write the currency after the amount, e.g. 2 USD", s)
	}
	return fmt.Errorf("%q is not an amount: write a plain decimal number, e.g. 0.50, or 2 USD", s)
}

var (
	exponentPattern = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+(\s*[A-Za-z]{3})?$`)
	currencyFirst   = regexp.MustCompile(`^[A-Za-z]{3}\s*([0-9]+\.?[0-9]*|\.[0-9]+)$`)
)

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
	requests := textfmt.Plural(e.Total.Requests, "request")
	if e.Total.Cached > 0 {
		requests += fmt.Sprintf(", %d of them answered from the cache at no cost", e.Total.Cached)
	}
	return fmt.Sprintf("the estimated cost, %.4f %s (%s, %s), is over the cap of %s; nothing was sent",
		e.Total.Cost, e.Total.Currency, textfmt.Plural(e.Total.Inputs, "input"), requests, e.Cap)
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
