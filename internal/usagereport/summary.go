package usagereport

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/tables"
	"github.com/livetranslate/livetranslate/internal/textfmt"
)

// Summary is the usage of a window: the requests, failures, tokens and estimated cost of each
// group and of them all.
type Summary struct {
	By     string         // a ledger grouping; ledger.ByTotal for none
	Groups []ledger.Group // nil when By is ledger.ByTotal
	Total  ledger.Group
	Window Window
	Prices *pricing.Table
}

// Groups reads the groups of q from the ledger at path; none when path is "" (no ledger yet).
func Groups(ctx context.Context, path string, q ledger.Query) ([]ledger.Group, error) {
	return read(ctx, path, func(l *ledger.Ledger) ([]ledger.Group, error) { return l.Summary(ctx, q) })
}

// NewSummary sums groups (grouped by by) into their total.
func NewSummary(by string, groups []ledger.Group, win Window, prices *pricing.Table) *Summary {
	total := ledger.Group{Key: "total"}
	for _, g := range groups {
		total.Add(g)
	}
	if by == ledger.ByTotal {
		groups = nil
	}
	return &Summary{By: by, Groups: groups, Total: total, Window: win, Prices: prices}
}

// MixedCurrencies reports whether the total adds up costs in different currencies, which it does
// not: its cost is left out.
func (s *Summary) MixedCurrencies() bool { return s.Total.Currency == ledger.CurrencyMixed }

var groupHeader = map[string]string{
	ledger.ByTotal: "", ledger.ByDay: "DAY", ledger.ByModel: "MODEL", ledger.ByLanguage: "LANGUAGE", ledger.ByInput: "INPUT",
}

// WriteTable writes the groups and their total as aligned columns, then the footer with notes.
// When some requests were answered from the cache, two columns say how many (CACHED) and what they
// would have cost (SAVED), and a line under the table says it of them all.
func (s *Summary) WriteTable(w io.Writer, notes ...string) error {
	tw := tables.NewWriter(w)
	cache := s.Total.Cached > 0
	header := []string{groupHeader[s.By], "REQUESTS", "FAILED", "IN AUDIO", "IN VIDEO", "IN TEXT", "OUT TEXT", "OUT AUDIO", "TOTAL TOKENS", "EST. COST"}
	if cache {
		header = append(header, "CACHED", "SAVED")
	}
	tw.Row(header...)
	line := func(key string, g ledger.Group) {
		cells := []string{cell(key), itoa(g.Requests), itoa(g.Failures), itoa(g.PromptAudioTokens), itoa(g.PromptVideoTokens),
			itoa(g.PromptTextTokens), itoa(g.CompletionTextTokens), itoa(g.CompletionAudioTokens), itoa(g.TotalTokens),
			formatCost(g.Cost, g.Currency, g.Unpriced)}
		if cache {
			cells = append(cells, itoa(g.Cached), formatSaved(g))
		}
		tw.Row(cells...)
	}
	for _, g := range s.Groups {
		line(g.Key, g)
	}
	line("TOTAL", s.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	if cache {
		notes = append(s.cacheLines(), notes...)
	}
	return writeFooter(w, s.Total.Unpriced, notes, s.Window, s.Prices)
}

// formatSaved is what g's answers from the cache saved, as the tables print a cost; "-" for none.
func formatSaved(g ledger.Group) string {
	if g.Cached == 0 {
		return "-"
	}
	currency := g.Currency
	if g.Saved == 0 && g.CachedUnpriced == g.Cached {
		currency = "" // none of them priced: unknown, not 0
	}
	return formatCost(g.Saved, currency, g.CachedUnpriced)
}

// cacheLines say how many requests the cache answered and what they would have cost.
func (s *Summary) cacheLines() []string {
	t := s.Total
	line := fmt.Sprintf("Cache: %s answered from the local result cache, nothing sent", textfmt.Plural(int(t.Cached), "request"))
	if saved := formatSaved(t); saved != "-" {
		line += "; saved " + saved
	}
	lines := []string{line + "."}
	if t.CachedUnpriced > 0 {
		lines = append(lines, fmt.Sprintf("* %d answer(s) from the cache used tokens of a model the price table does not know; they are not in what was saved.", t.CachedUnpriced))
	}
	return lines
}

type summaryJSON struct {
	Since  time.Time      `json:"since"`
	Until  time.Time      `json:"until"`
	By     string         `json:"by"`
	Groups []ledger.Group `json:"groups"`
	Total  ledger.Group   `json:"total"`
	Prices struct {
		Source   string `json:"source"`
		AsOf     string `json:"as_of"`
		Estimate bool   `json:"estimate"`
	} `json:"prices"`
}

// WriteJSON writes the window, the groups, their total and where the prices come from as one
// JSON document.
func (s *Summary) WriteJSON(w io.Writer) error {
	out := summaryJSON{Since: s.Window.Since, Until: s.Window.Until, By: s.By, Groups: []ledger.Group{}, Total: s.Total}
	for _, g := range s.Groups {
		g.Cost, g.Saved = pricing.Round(g.Cost), pricing.Round(g.Saved)
		out.Groups = append(out.Groups, g)
	}
	out.Total.Cost, out.Total.Saved = pricing.Round(s.Total.Cost), pricing.Round(s.Total.Saved)
	out.Prices.Source, out.Prices.AsOf, out.Prices.Estimate = s.Prices.Source, s.Prices.AsOf, true
	return prettyjson.Write(w, out)
}

// WriteCSV writes one record per group (the total alone when there are no groups), with a header.
func (s *Summary) WriteCSV(w io.Writer) error {
	key, groups := s.By, s.Groups
	if s.By == ledger.ByTotal {
		key, groups = "summary", []ledger.Group{s.Total}
	}
	cw := csv.NewWriter(w)
	header := []string{key, "requests", "failures", "prompt_audio_tokens", "prompt_video_tokens",
		"prompt_text_tokens", "completion_text_tokens", "completion_audio_tokens", "total_tokens",
		"cost", "currency", "unpriced"}
	if s.By == ledger.ByInput {
		header = append(header, "input_sha256") // the content the group stands for
	}
	// The answers from the cache come last, after the columns of the first release.
	header = append(header, "cached", "saved", "cached_unpriced")
	_ = cw.Write(header)
	for _, g := range groups {
		rec := []string{csvText(g.Key), itoa(g.Requests), itoa(g.Failures), itoa(g.PromptAudioTokens),
			itoa(g.PromptVideoTokens), itoa(g.PromptTextTokens), itoa(g.CompletionTextTokens),
			itoa(g.CompletionAudioTokens), itoa(g.TotalTokens), csvCost(g.Cost), g.Currency, itoa(g.Unpriced)}
		if s.By == ledger.ByInput {
			rec = append(rec, g.InputSHA256)
		}
		rec = append(rec, itoa(g.Cached), csvCost(g.Saved), itoa(g.CachedUnpriced))
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
