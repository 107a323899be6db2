package usagereport

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

const (
	mixedNote = "MIXED NOTE"
	flash     = "qwen3-livetranslate-flash"
)

func truncatedNote(n int) string { return fmt.Sprintf("TRUNCATED NOTE %d", n) }

// reportLedger records two requests in the last day: one the price table prices in CNY, one of a
// model it does not know that was recorded with a cost in USD.
func reportLedger(t *testing.T, now time.Time) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "usage.db")
	l, err := ledger.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i, r := range []ledger.Row{
		{Model: flash, Region: "intl", PromptAudioTokens: 1000, TotalTokens: 1000},
		{Model: "retired", Region: "intl", PromptAudioTokens: 10, TotalTokens: 10, Cost: 0.5, Currency: "USD"},
	} {
		r.Start = now.Add(-time.Duration(i+1) * time.Hour)
		r.End, r.Input, r.Kind, r.Status = r.Start.Add(time.Second), "talk.wav", "audio", ledger.StatusOK
		if err := l.Record(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func request(t *testing.T, path string, now time.Time) Request {
	t.Helper()
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	return Request{Window: Window{Since: now.AddDate(0, 0, -1), Until: now, Loc: time.UTC}, Prices: prices, Ledger: path,
		MixedCurrencies: mixedNote, Truncated: truncatedNote,
		Info: func(format string, args ...any) { t.Errorf("unexpected note: "+format, args...) }}
}

// Write chooses the report (summary or list) and its format, and puts the caller's notes under a
// table when they apply.
func TestWriteChoosesTheReport(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	path := reportLedger(t, now)
	write := func(f func(*Request)) string {
		t.Helper()
		r := request(t, path, now)
		f(&r)
		var b strings.Builder
		if err := Write(t.Context(), &b, r); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}

	table := write(func(*Request) {})
	if !strings.Contains(table, "REQUESTS") || !strings.Contains(table, "\n"+mixedNote+"\n") || strings.Contains(table, "TRUNCATED") {
		t.Errorf("the summary's table of costs in two currencies lacks the note on them:\n%s", table)
	}
	var summary struct{ Total struct{ Requests int } }
	if err := json.Unmarshal([]byte(write(func(r *Request) { r.Format = JSON })), &summary); err != nil || summary.Total.Requests != 2 {
		t.Errorf("summary as JSON: %+v, %v; want a total of 2 requests", summary, err)
	}
	records, err := csv.NewReader(strings.NewReader(write(func(r *Request) { r.Format = CSV; r.By = ledger.ByModel }))).ReadAll()
	if err != nil || len(records) != 3 {
		t.Errorf("summary by model as CSV: %d records, %v; want a header and a line a model", len(records), err)
	}

	list := write(func(r *Request) { r.List, r.Limit = true, 1 })
	if !strings.Contains(list, "\n"+truncatedNote(1)+"\n") || strings.Contains(list, mixedNote) {
		t.Errorf("a list stopped at its limit lacks the note on it:\n%s", list)
	}
	if all := write(func(r *Request) { r.List = true }); strings.Contains(all, "TRUNCATED") || strings.Count(all, "talk.wav") != 2 {
		t.Errorf("the whole list:\n%s", all)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(write(func(r *Request) { r.List, r.Format = true, JSON })), &rows); err != nil || len(rows) != 2 {
		t.Errorf("list as JSON: %d rows, %v; want 2", len(rows), err)
	}
	if out := write(func(r *Request) { r.List, r.Limit, r.Format = true, 1, CSV }); strings.Contains(out, "TRUNCATED") || strings.Count(out, "\n") != 2 {
		t.Errorf("a list as CSV has no notes, a header and a line a request:\n%s", out)
	}
}

// A ledger at the default path that was never written is an empty report, said on Info; one the
// user named is an error. Neither is created by looking.
func TestWriteWithoutLedger(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "usage.db")
	r := request(t, path, now)
	var notes []string
	r.Info = func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	var b strings.Builder
	if err := Write(t.Context(), &b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "TOTAL") || len(notes) != 1 || notes[0] != "no usage ledger at "+path+" yet" {
		t.Errorf("no ledger yet: notes %q, report:\n%s", notes, b.String())
	}
	r.Named = true
	err := Write(t.Context(), &b, r)
	var missing *MissingLedgerError
	if !errors.As(err, &missing) || missing.Path != path || err.Error() != "no usage ledger at "+path {
		t.Errorf("a named ledger that is not there: %v; want a MissingLedgerError naming it", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("looking created %s (%v)", path, err)
	}
}
