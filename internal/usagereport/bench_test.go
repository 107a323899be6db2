package usagereport

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/ledger/ledgertest"
	"github.com/livetranslate/livetranslate/internal/ledgercost"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// benchRows is the size of the ledger the report is timed over; benchEnd the end of its window.
const benchRows = 1_000_000

var benchEnd = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// benchLedger is a ledger of benchRows made-up requests, built once (about half a minute) and kept
// in the temporary directory for the next run: $TMPDIR/livetranslate-bench/ledger-1000000-v2b.db.
func benchLedger(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "livetranslate-bench")
	path := filepath.Join(dir, ledgertest.FileName(benchRows))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	start := time.Now()
	if err := ledgertest.Fill(b.Context(), tmp, benchRows, benchEnd); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s (%d requests) in %s", path, benchRows, time.Since(start).Round(time.Second))
	return path
}

// BenchmarkUsageLargeLedger times `usage` over a million requests, all in the default window of
// 30 days, with days in a zone that changes its offset within it: opening the ledger, the query,
// pricing with today's table and writing the table (to /dev/null).
func BenchmarkUsageLargeLedger(b *testing.B) {
	path := benchLedger(b)
	prices, err := pricing.Default()
	if err != nil {
		b.Fatal(err)
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Skip(err)
	}
	win := Window{Since: benchEnd.Add(-30 * 24 * time.Hour), Until: benchEnd, Loc: loc}
	// A file, not io.Discard: how the report is written (a system call per cell, say) counts too.
	out, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	for _, by := range append([]string{ledger.ByTotal}, ledger.Groupings()...) {
		name := by
		if by == ledger.ByTotal {
			name = "total"
		}
		b.Run(name, func(b *testing.B) {
			q := ledger.Query{Since: win.Since, Until: win.Until, By: by, Location: loc, Price: ledgercost.Repricer(prices)}
			var requests int64
			for b.Loop() {
				groups, err := Groups(b.Context(), path, q)
				if err != nil {
					b.Fatal(err)
				}
				s := NewSummary(by, groups, win, prices)
				if err := s.WriteTable(out); err != nil {
					b.Fatal(err)
				}
				requests = s.Total.Requests
			}
			if requests != benchRows {
				b.Fatalf("the report counts %d requests, want %d", requests, benchRows)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
