package ledgertest

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
)

func TestCreateVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usage.db")
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := CreateVersion1(t.Context(), path, Rows(100, end)); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var version, requests int
	var tables []string
	if err := db.QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM requests").Scan(&requests); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(t.Context(), "SELECT type || ' ' || name FROM sqlite_master ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		tables = append(tables, s)
	}
	rows.Close()
	db.Close()
	if want := []string{"index requests_by_start", "table requests"}; version != 1 || requests != 100 || !slices.Equal(tables, want) {
		t.Fatalf("version %d, %d requests, schema %q; want version 1, 100 requests, schema %q", version, requests, tables, want)
	}
	// And the current code upgrades it.
	l, err := ledger.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	groups, err := l.Summary(t.Context(), ledger.Query{})
	if err != nil || len(groups) != 1 || groups[0].Requests != 100 {
		t.Errorf("summary after the upgrade: %+v (%v), want 100 requests", groups, err)
	}
}

func TestRowsAreTheSameEveryTime(t *testing.T) {
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a, b := slices.Collect(Rows(500, end)), slices.Collect(Rows(500, end))
	if !slices.EqualFunc(a, b, func(x, y ledger.Row) bool { return x == y }) {
		t.Fatal("two runs of Rows differ")
	}
	inputs := map[string]bool{}
	for _, r := range a {
		if r.Start.Before(end.Add(-Span)) || !r.Start.Before(end) {
			t.Fatalf("request at %v, outside the %v before %v", r.Start, Span, end)
		}
		inputs[r.InputSHA256] = true
	}
	if n := len(inputs); n < 500/SegmentsPerInput || n > 500/SegmentsPerInput+1 {
		t.Errorf("%d contents among 500 requests, want about %d", n, 500/SegmentsPerInput)
	}
}
