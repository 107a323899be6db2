package ledgercost

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// A run's ledger records each row priced in the run's region, and estimates as it prices.
func TestLedgerRecordsPricedRows(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "usage.db")
	l := Open(t.Context(), path, prices, "cn", func(err error) { t.Errorf("unexpected ledger error: %v", err) })
	u := &api.Usage{PromptTokens: 1_000_000, TotalTokens: 1_000_000, PromptTokensDetails: &api.PromptTokensDetails{AudioTokens: 1_000_000}}
	rec := l.Recorder()
	if rec == nil {
		t.Fatal("a ledger with a file has no recorder")
	}
	start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	rec.Record(t.Context(), ledger.Row{Start: start, End: start.Add(time.Second), Model: "qwen3-livetranslate-flash", Kind: "audio", Status: ledger.StatusOK}, u)
	if cost, cur, ok := l.Estimate("qwen3-livetranslate-flash", "audio", u); !ok || cur != "CNY" || math.Abs(cost-64) > 1e-9 {
		t.Errorf("Estimate = %v %s %v; want 64 CNY, as the Beijing price", cost, cur, ok)
	}
	l.Close()

	db, err := ledger.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.List(t.Context(), ledger.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Region != "cn" || rows[0].PromptAudioTokens != 1_000_000 || rows[0].Currency != "CNY" || math.Abs(rows[0].Cost-64) > 1e-9 {
		t.Errorf("recorded %+v; want one row of the run's region, its tokens and cost", rows)
	}
}

// Without a file nothing is recorded and nothing is created, and estimates are still made; a nil
// ledger (none opened yet) estimates nothing.
func TestLedgerWithoutFile(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	l := Open(t.Context(), "", prices, "intl", func(err error) { t.Errorf("unexpected ledger error: %v", err) })
	if l.Recorder() != nil {
		t.Error("a ledger without a file has a recorder")
	}
	if _, cur, ok := l.Estimate("qwen3-livetranslate-flash", "audio", &api.Usage{}); !ok || cur == "" {
		t.Errorf("Estimate without a file: %s %v; want the model's currency", cur, ok)
	}
	if _, _, ok := l.Estimate("qwen3-livetranslate-flash", "audio", nil); ok {
		t.Error("Estimate of no usage is ok")
	}
	l.Close()
	var none *Ledger
	if none.Recorder() != nil {
		t.Error("a nil ledger has a recorder")
	}
	if _, _, ok := none.Estimate("qwen3-livetranslate-flash", "audio", &api.Usage{}); ok {
		t.Error("a nil ledger estimates")
	}
	none.Close()
}

// A ledger that cannot be opened is reported once, and the run goes on recording nothing.
func TestLedgerThatCannotBeOpened(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "usage.db")
	if err := os.WriteFile(path, []byte("not a database, not at all, not even a little bit"), 0o600); err != nil {
		t.Fatal(err)
	}
	var reported []error
	l := Open(t.Context(), path, prices, "intl", func(err error) { reported = append(reported, err) })
	if rec := l.Recorder(); rec != nil {
		rec.Record(t.Context(), ledger.Row{Model: "m", Status: ledger.StatusOK}, nil)
		rec.Record(t.Context(), ledger.Row{Model: "m", Status: ledger.StatusOK}, nil)
	}
	l.Close()
	if len(reported) != 1 {
		t.Errorf("reported %v; want the one failure to open", reported)
	}
}
