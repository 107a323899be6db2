package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
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
	// Price, when set, prices requests for Summary (with the price table of today, say); ok false
	// means it has none. When nil, Summary adds up the costs recorded with the requests. Summary
	// calls it with the sum of a group's requests that share a model, a region and a recorded
	// currency, not with each request: it must price a sum as the sum of its requests' prices, as a
	// price per token does, and decide its currency (and ok) from the model, region and currency.
	// A sum of answers from the cache (Sum.Cached) is priced the same: what they would have cost,
	// which is what the cache saved.
	Price func(Sum) (cost float64, currency string, ok bool)
}

// Sum is the usage of one or more requests of one model, in one region, recorded with one
// currency, either all sent or all answered from the cache: what a price applies to.
type Sum struct {
	Model, Region string
	// Currency is the one recorded with the requests, "" when none was; Cost the costs recorded,
	// added up.
	Currency string
	Cost     float64
	// Cached says the requests were answered from the local result cache (StatusCached): nothing
	// was sent or paid for, and the tokens are those of the answers they reused, what they would
	// have used.
	Cached bool
	// Requests counts the requests; Failures those whose status is not ok (an answer from the
	// cache is not a failure); Used those that used tokens.
	Requests, Failures, Used int64
	// Token counts, added up.
	PromptAudioTokens     int64
	PromptVideoTokens     int64
	PromptTextTokens      int64
	CompletionTextTokens  int64
	CompletionAudioTokens int64
	TotalTokens           int64
}

// Sum is the request's own Sum.
func (r Row) Sum() Sum {
	s := Sum{Model: r.Model, Region: r.Region, Currency: r.Currency, Cost: r.Cost, Cached: r.Status == StatusCached, Requests: 1,
		PromptAudioTokens: int64(r.PromptAudioTokens), PromptVideoTokens: int64(r.PromptVideoTokens),
		PromptTextTokens: int64(r.PromptTextTokens), CompletionTextTokens: int64(r.CompletionTextTokens),
		CompletionAudioTokens: int64(r.CompletionAudioTokens), TotalTokens: int64(r.TotalTokens)}
	if r.Status != StatusOK && r.Status != StatusCached {
		s.Failures = 1
	}
	if s.PromptAudioTokens+s.PromptVideoTokens+s.PromptTextTokens+s.CompletionTextTokens+s.CompletionAudioTokens+s.TotalTokens > 0 {
		s.Used = 1
	}
	return s
}

// add adds o's counts to s, which keeps its model, region, currency and Cached.
func (s *Sum) add(o Sum) {
	s.Cost += o.Cost
	s.Requests += o.Requests
	s.Failures += o.Failures
	s.Used += o.Used
	s.PromptAudioTokens += o.PromptAudioTokens
	s.PromptVideoTokens += o.PromptVideoTokens
	s.PromptTextTokens += o.PromptTextTokens
	s.CompletionTextTokens += o.CompletionTextTokens
	s.CompletionAudioTokens += o.CompletionAudioTokens
	s.TotalTokens += o.TotalTokens
}

// Group is the sum of the requests of one group. Its requests, failures, tokens and cost are
// those of the requests sent; the answers from the local result cache are counted apart (Cached,
// Saved). A group may hold answers from the cache only (an input translated before the window
// and again in it, from the cache): it then has no requests, and what the cache saved.
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
	// Cached counts the requests answered from the local result cache: nothing sent or paid.
	// Saved is what they would have cost, priced as Cost is and in its Currency; CachedUnpriced
	// counts those that had no price, and so are not in Saved.
	Cached         int64   `json:"cached"`
	Saved          float64 `json:"saved"`
	CachedUnpriced int64   `json:"cached_unpriced"`
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
	g.Cached += o.Cached
	g.Saved += o.Saved
	g.CachedUnpriced += o.CachedUnpriced
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

// priced is the group of the requests of s, priced by price (nil: the recorded costs). Answers
// from the cache count as such, their price as what was saved; their tokens are not the group's,
// which are what was sent.
func priced(s Sum, price func(Sum) (float64, string, bool)) Group {
	cost, currency, ok := s.Cost, s.Currency, s.Currency != ""
	if price != nil {
		cost, currency, ok = price(s)
	}
	if s.Cached {
		if !ok {
			return Group{Cached: s.Requests, CachedUnpriced: s.Used}
		}
		return Group{Cached: s.Requests, Saved: cost, Currency: currency}
	}
	g := Group{
		Requests:              s.Requests,
		Failures:              s.Failures,
		PromptAudioTokens:     s.PromptAudioTokens,
		PromptVideoTokens:     s.PromptVideoTokens,
		PromptTextTokens:      s.PromptTextTokens,
		CompletionTextTokens:  s.CompletionTextTokens,
		CompletionAudioTokens: s.CompletionAudioTokens,
		TotalTokens:           s.TotalTokens,
	}
	if !ok {
		g.Unpriced = s.Used
		return g
	}
	g.Cost, g.Currency = cost, currency
	return g
}

func (q Query) location() *time.Location {
	if q.Location == nil {
		return time.Local
	}
	return q.Location
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
// order; other groups by cost (to a billionth), then number of requests, most first, then by key.
// ByTotal gives one group with an empty key, or none when no request matched. The answers from
// the cache are in the groups (Group.Cached, Group.Saved), not in their requests; a group of such
// answers only is given too, with no requests.
//
// It reads the running sums of whole quarters of an hour (sums.go) and the requests themselves
// only in the quarters the window starts or ends in (or, for days in a zone whose offset is not
// whole quarters, those a midnight falls in): the work grows with the groups and the quarters, not
// with the requests.
func (l *Ledger) Summary(ctx context.Context, q Query) ([]Group, error) {
	if q.By != ByTotal && !slices.Contains(Groupings(), q.By) {
		return nil, fmt.Errorf("cannot group by %q: choose one of %v", q.By, Groupings())
	}
	lo, hi := q.bounds()
	first, last, found, err := l.span(ctx, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
	}
	if !found {
		return []Group{}, nil
	}
	p := newPlan(first, last+1, q.By == ByDay, q.location())
	t := newTally(q)
	if p.buckets() {
		if err := t.readSums(ctx, l.db, p); err != nil {
			return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
		}
	}
	if err := t.readRequests(ctx, l.db, p.raw); err != nil {
		return nil, fmt.Errorf("reading usage ledger %s: %w", l.path, err)
	}
	return t.groups(), nil
}

// span gives the first and last start in [lo, hi), and found false when there is none.
func (l *Ledger) span(ctx context.Context, lo, hi int64) (first, last int64, found bool, err error) {
	err = l.db.QueryRowContext(ctx, `SELECT start_ms FROM requests WHERE start_ms >= ? AND start_ms < ?
		ORDER BY start_ms LIMIT 1`, lo, hi).Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, err
	}
	err = l.db.QueryRowContext(ctx, `SELECT start_ms FROM requests WHERE start_ms >= ? AND start_ms < ?
		ORDER BY start_ms DESC LIMIT 1`, lo, hi).Scan(&last)
	if err != nil {
		return 0, 0, false, err
	}
	return first, last, true, nil
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
