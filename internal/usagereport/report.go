package usagereport

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/ledgercost"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// Format is how a report is written.
type Format int

const (
	Table Format = iota // aligned columns and a footer
	JSON
	CSV
)

// Request is a report to write: what it covers, how it is written, and from which ledger.
type Request struct {
	Window Window
	By     string // a ledger grouping; ledger.ByTotal for the total alone
	List   bool   // the single requests, newest first, instead of a summary
	Limit  int    // of List: at most this many requests; 0 for all
	Format Format
	Prices *pricing.Table

	// Ledger is the ledger's path; Named says the user named it, so that a ledger that is not
	// there is a MissingLedgerError (a typo) instead of an empty report.
	Ledger string
	Named  bool

	// The notes under a table, worded by the caller (they say which of its options to use):
	// MixedCurrencies when the total leaves out costs in different currencies, Truncated when the
	// list stops at its limit.
	MixedCurrencies string
	Truncated       func(limit int) string

	// Info reports what the report did not find: no ledger yet at the default path.
	Info func(format string, args ...any)
}

// MissingLedgerError is a ledger named by the user that is not there.
type MissingLedgerError struct{ Path string }

func (e *MissingLedgerError) Error() string { return "no usage ledger at " + e.Path }

// Write reads the requests of r's window from its ledger and writes the report to w. A ledger
// never written at the default path is an empty report, and looking does not create it.
func Write(ctx context.Context, w io.Writer, r Request) error {
	path := r.Ledger
	if _, err := os.Stat(path); path == "" || errors.Is(err, fs.ErrNotExist) {
		if r.Named {
			return &MissingLedgerError{Path: path}
		}
		if r.Info != nil {
			r.Info("no usage ledger at %s yet", path)
		}
		path = ""
	}
	q := ledger.Query{Since: r.Window.Since, Until: r.Window.Until, By: r.By, Location: r.Window.Loc, Price: ledgercost.Repricer(r.Prices)}
	if r.List {
		q.Limit = r.Limit
		rows, err := Rows(ctx, path, q)
		if err != nil {
			return err
		}
		return r.writeList(w, NewList(rows, r.Limit, r.Window, r.Prices))
	}
	groups, err := Groups(ctx, path, q)
	if err != nil {
		return err
	}
	return r.writeSummary(w, NewSummary(r.By, groups, r.Window, r.Prices))
}

func (r *Request) writeSummary(w io.Writer, s *Summary) error {
	switch {
	case r.Format == JSON:
		return s.WriteJSON(w)
	case r.Format == CSV:
		return s.WriteCSV(w)
	case s.MixedCurrencies() && r.MixedCurrencies != "":
		return s.WriteTable(w, r.MixedCurrencies)
	}
	return s.WriteTable(w)
}

func (r *Request) writeList(w io.Writer, l *List) error {
	switch {
	case r.Format == JSON:
		return l.WriteJSON(w)
	case r.Format == CSV:
		return l.WriteCSV(w)
	case l.Truncated() && r.Truncated != nil:
		return l.WriteTable(w, r.Truncated(l.Limit))
	}
	return l.WriteTable(w)
}
