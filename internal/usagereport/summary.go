package usagereport

import (
	"context"
	"encoding/csv"
	"io"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/tables"
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
func (s *Summary) WriteTable(w io.Writer, notes ...string) error {
	tw := tables.NewWriter(w)
	tw.Row(groupHeader[s.By], "REQUESTS", "FAILED", "IN AUDIO", "IN VIDEO", "IN TEXT", "OUT TEXT", "OUT AUDIO", "TOTAL TOKENS", "EST. COST")
	line := func(key string, g ledger.Group) {
		tw.Row(cell(key), itoa(g.Requests), itoa(g.Failures), itoa(g.PromptAudioTokens), itoa(g.PromptVideoTokens),
			itoa(g.PromptTextTokens), itoa(g.CompletionTextTokens), itoa(g.CompletionAudioTokens), itoa(g.TotalTokens),
			formatCost(g.Cost, g.Currency, g.Unpriced))
	}
	for _, g := range s.Groups {
		line(g.Key, g)
	}
	line("TOTAL", s.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeFooter(w, s.Total.Unpriced, notes, s.Window, s.Prices)
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
		g.Cost = pricing.Round(g.Cost)
		out.Groups = append(out.Groups, g)
	}
	out.Total.Cost = pricing.Round(s.Total.Cost)
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
	_ = cw.Write(header)
	for _, g := range groups {
		rec := []string{csvText(g.Key), itoa(g.Requests), itoa(g.Failures), itoa(g.PromptAudioTokens),
			itoa(g.PromptVideoTokens), itoa(g.PromptTextTokens), itoa(g.CompletionTextTokens),
			itoa(g.CompletionAudioTokens), itoa(g.TotalTokens), csvCost(g.Cost), g.Currency, itoa(g.Unpriced)}
		if s.By == ledger.ByInput {
			rec = append(rec, g.InputSHA256)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
