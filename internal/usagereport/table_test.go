package usagereport

import (
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/tables"
)

// TestSummaryTableAlignsWideNames: `usage --by input` puts each input's name in the first
// column; names in Chinese, Arabic or with emoji keep the columns after them aligned on screen.
func TestSummaryTableAlignsWideNames(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	groups := []ledger.Group{
		{Key: "talk.wav", Requests: 1, TotalTokens: 100},
		{Key: "讲座录音.mp3", Requests: 12, TotalTokens: 123456},
		{Key: "محاضرة.wav", Requests: 3, TotalTokens: 999},
		{Key: "🎙️ podcast.mp3", Requests: 2, TotalTokens: 42},
	}
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	s := NewSummary(ledger.ByInput, groups, Window{Since: now.Add(-time.Hour), Until: now, Loc: time.UTC}, prices)
	var b strings.Builder
	if err := s.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	table, _, _ := strings.Cut(b.String(), "\n\n") // the footer follows an empty line
	lines := strings.Split(table, "\n")
	if len(lines) != len(groups)+2 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	// Where REQUESTS begins in the header, each row's count begins too.
	col := strings.Index(lines[0], "REQUESTS")
	for _, l := range lines[1:] {
		name, _, _ := strings.Cut(l, "  ")
		rest := strings.TrimLeft(l[len(name):], " ")
		if got := tables.Width(l[:len(l)-len(rest)]); got != col {
			t.Errorf("the count of %q starts at column %d, want %d:\n%s", name, got, col, table)
		}
	}
}
