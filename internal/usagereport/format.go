package usagereport

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// formatCost is a cost as the tables print it: four decimals and the currency, "-" when there is
// none, and a star when some of the requests are not in it.
func formatCost(cost float64, currency string, unpriced int64) string {
	var s string
	switch currency {
	case "":
		s = "-"
	case ledger.CurrencyMixed:
		s = "(mixed currencies)"
	default:
		s = strconv.FormatFloat(pricing.Round(cost), 'f', 4, 64) + " " + currency
	}
	if unpriced > 0 {
		s += " *"
	}
	return s
}

// cell makes a value safe for a tab-separated table: a tab or newline in a file name would break it.
func cell(s string) string {
	if !hasControl(s) {
		return s // most names: no copy
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

// hasControl reports whether s holds a control character; printable ASCII, most names, is checked a
// byte at a time (a summary by input has tens of thousands of names).
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return true
		} else if c >= 0x80 {
			return strings.ContainsFunc(s[i:], unicode.IsControl)
		}
	}
	return false
}

// csvText makes a text cell safe to open in a spreadsheet: a cell that starts with =, +, -, @ or
// a tab or carriage return would be run as a formula (a file named "=HYPERLINK(…).wav", or a
// request id a hostile server chose), so it gets a leading apostrophe, which spreadsheets show as
// text and hide. Numbers are written as they are.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func itoa[T int | int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func csvCost(c float64) string { return strconv.FormatFloat(pricing.Round(c), 'f', -1, 64) }

// writeFooter says, under a table, what it covers, the notes given, and where its prices come from.
func writeFooter(w io.Writer, unpriced int64, notes []string, win Window, prices *pricing.Table) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nRequests started from %s to %s.\n", win.Since.Format(TimeLayout), win.Until.Format(TimeLayout))
	for _, n := range notes {
		b.WriteString(n + "\n")
	}
	if unpriced > 0 {
		fmt.Fprintf(&b, "* %d request(s) used tokens of a model the price table does not know; they are not in the cost.\n", unpriced)
	}
	fmt.Fprintf(&b, "Costs are estimates. Prices: %s. As of: %s.\n", prices.Source, prices.AsOf)
	_, err := io.WriteString(w, b.String())
	return err
}
