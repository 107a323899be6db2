package ledger

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"
)

// Groupings of Summary.
const (
	ByTotal    = ""         // one group for everything
	ByDay      = "day"      // the day a request started, in Query.Location
	ByModel    = "model"    // the model asked for
	ByLanguage = "language" // source→target, "auto" for a detected source
	ByInput    = "input"    // the input's content (SHA-256), named by its latest path or URL
)

// Groupings lists the values Query.By accepts besides ByTotal, for help texts and errors.
func Groupings() []string { return []string{ByDay, ByModel, ByLanguage, ByInput} }

// Query selects requests by start time and says how to group or limit them.
type Query struct {
	// Since and Until bound the start time: Since ≤ start < Until; a zero time leaves that end open.
	Since, Until time.Time
	// By is how Summary groups: ByTotal, ByDay, ByModel, ByLanguage or ByInput.
	By string
	// Limit caps the rows List returns; 0 or less means all.
	Limit int
	// Location is the time zone of ByDay's days; nil means time.Local.
	Location *time.Location
	// Price, when set, prices a request for Summary (with the price table of today, say); ok false
	// means it has none. When nil, Summary adds up the costs recorded with the requests.
	Price func(Row) (cost float64, currency string, ok bool)
}

// Group is the sum of the requests of one group.
type Group struct {
	Key string `json:"key"`
	// InputSHA256 is the content of a ByInput group: the same bytes under several names (a
	// renamed or copied file) are one input, shown by its latest name. Empty when the requests
	// recorded no hash (an input that failed before it was read): those are grouped by name.
	InputSHA256 string `json:"input_sha256,omitempty"`
	Requests    int64  `json:"requests"`
	// Failures are the requests whose status is not ok (errors, interruptions, truncations).
	Failures              int64 `json:"failures"`
	PromptAudioTokens     int64 `json:"prompt_audio_tokens"`
	PromptVideoTokens     int64 `json:"prompt_video_tokens"`
	PromptTextTokens      int64 `json:"prompt_text_tokens"`
	CompletionTextTokens  int64 `json:"completion_text_tokens"`
	CompletionAudioTokens int64 `json:"completion_audio_tokens"`
	TotalTokens           int64 `json:"total_tokens"`
	// Cost is the estimated cost in Currency: "" when nothing was priced, "mixed" when the prices
	// of the group's requests were in different currencies (and Cost is then no single amount).
	Cost     float64 `json:"cost"`
	Currency string  `json:"currency"`
	// Unpriced counts the requests that used tokens but had no price, and so are not in Cost.
	Unpriced int64 `json:"unpriced"`
}

// CurrencyMixed is Group.Currency when its requests were priced in different currencies.
const CurrencyMixed = "mixed"

// Add adds o's counts to g; g keeps its key.
func (g *Group) Add(o Group) {
	g.Requests += o.Requests
	g.Failures += o.Failures
	g.PromptAudioTokens += o.PromptAudioTokens
	g.PromptVideoTokens += o.PromptVideoTokens
	g.PromptTextTokens += o.PromptTextTokens
	g.CompletionTextTokens += o.CompletionTextTokens
	g.CompletionAudioTokens += o.CompletionAudioTokens
	g.TotalTokens += o.TotalTokens
	g.Cost += o.Cost
	g.Currency = mergeCurrency(g.Currency, o.Currency)
	g.Unpriced += o.Unpriced
}

func mergeCurrency(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || a == b:
		return a
	}
	return CurrencyMixed
}

// groupOf is the one-request group of r, priced by price (nil: the recorded cost).
func groupOf(r Row, price func(Row) (float64, string, bool)) Group {
	g := Group{
		Requests:              1,
		PromptAudioTokens:     int64(r.PromptAudioTokens),
		PromptVideoTokens:     int64(r.PromptVideoTokens),
		PromptTextTokens:      int64(r.PromptTextTokens),
		CompletionTextTokens:  int64(r.CompletionTextTokens),
		CompletionAudioTokens: int64(r.CompletionAudioTokens),
		TotalTokens:           int64(r.TotalTokens),
	}
	if r.Status != StatusOK {
		g.Failures = 1
	}
	used := r.PromptAudioTokens+r.PromptVideoTokens+r.PromptTextTokens+r.CompletionTextTokens+r.CompletionAudioTokens+r.TotalTokens > 0
	var ok bool
	if price != nil {
		g.Cost, g.Currency, ok = price(r)
	} else {
		g.Cost, g.Currency, ok = r.Cost, r.Currency, r.Currency != ""
	}
	if !ok {
		g.Cost, g.Currency = 0, ""
		if used {
			g.Unpriced = 1
		}
	}
	return g
}

func (q Query) keyFunc() (func(Row) string, error) {
	loc := q.Location
	if loc == nil {
		loc = time.Local
	}
	switch q.By {
	case ByTotal:
		return func(Row) string { return "" }, nil
	case ByDay:
		return func(r Row) string { return r.Start.In(loc).Format(time.DateOnly) }, nil
	case ByModel:
		return func(r Row) string { return r.Model }, nil
	case ByLanguage:
		return func(r Row) string {
			src := r.SourceLang
			if src == "" {
				src = "auto"
			}
			return src + "→" + r.TargetLang
		}, nil
	case ByInput:
		return func(r Row) string {
			if r.InputSHA256 != "" {
				return "sha256:" + r.InputSHA256
			}
			return "name:" + r.Input
		}, nil
	}
	return nil, fmt.Errorf("cannot group by %q: choose one of %v", q.By, Groupings())
}

func (q Query) bounds() (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if !q.Since.IsZero() {
		lo = q.Since.UnixMilli()
	}
	if !q.Until.IsZero() {
		hi = q.Until.UnixMilli()
	}
	return lo, hi
}

// Summary adds up the requests that started in [q.Since, q.Until), grouped by q.By. Days come in
// order; other groups by cost, then number of requests, most first, then by key. ByTotal gives one
// group with an empty key, or none when no request matched.
func (l *Ledger) Summary(ctx context.Context, q Query) ([]Group, error) {
	keyOf, err := q.keyFunc()
	if err != nil {
		return nil, err
	}
	lo, hi := q.bounds()
	// The rows are folded one at a time as they are read, so memory grows with the groups only.
	rows, err := l.db.QueryContext(ctx, `SELECT `+columns+` FROM requests WHERE start_ms >= ? AND start_ms < ?`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
	}
	defer rows.Close()
	groups := map[string]*Group{}
	latest := map[string]time.Time{} // ByInput: when the group's name was last used
	for rows.Next() {
		r, err := scanRow(rows, false)
		if err != nil {
			return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
		}
		key := keyOf(r)
		g := groups[key]
		if g == nil {
			g = &Group{Key: key}
			groups[key] = g
		}
		g.Add(groupOf(r, q.Price))
		if q.By == ByInput && (g.Key == key || !r.Start.Before(latest[key])) {
			g.Key, g.InputSHA256, latest[key] = r.Input, r.InputSHA256, r.Start
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
	}
	out := make([]Group, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if q.By != ByDay {
			if a.Cost != b.Cost {
				return a.Cost > b.Cost
			}
			if a.Requests != b.Requests {
				return a.Requests > b.Requests
			}
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.InputSHA256 < b.InputSHA256 // one name, several contents
	})
	return out, nil
}

// List returns the requests that started in [q.Since, q.Until), newest first, at most q.Limit
// of them when it is positive. Costs are as recorded.
func (l *Ledger) List(ctx context.Context, q Query) ([]Row, error) {
	lo, hi := q.bounds()
	limit := int64(-1) // SQLite: no limit
	if q.Limit > 0 {
		limit = int64(q.Limit)
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id, `+columns+` FROM requests
		WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms DESC, id DESC LIMIT ?`, lo, hi, limit)
	if err != nil {
		return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		r, err := scanRow(rows, true)
		if err != nil {
			return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanRow reads the columns of `columns`, preceded by id when withID.
func scanRow(s scanner, withID bool) (Row, error) {
	var r Row
	var startMS, endMS int64
	dest := []any{&startMS, &endMS, &r.Input, &r.InputSHA256, &r.InputSize, &r.Kind, &r.Segment,
		&r.Model, &r.Region, &r.SourceLang, &r.TargetLang, &r.Modalities, &r.Voice, &r.Status,
		&r.HTTPStatus, &r.ErrorCode, &r.RequestID, &r.PromptAudioTokens, &r.PromptVideoTokens,
		&r.PromptTextTokens, &r.CompletionTextTokens, &r.CompletionAudioTokens, &r.TotalTokens,
		&r.Cost, &r.Currency, &r.Outputs}
	if withID {
		dest = append([]any{&r.ID}, dest...)
	}
	if err := s.Scan(dest...); err != nil {
		return Row{}, err
	}
	r.Start, r.End = time.UnixMilli(startMS), time.UnixMilli(endMS)
	return r, nil
}
