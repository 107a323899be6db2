package usagereport

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/ledgercost"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/tables"
)

// List is the single requests of a window, newest first, priced with today's table.
type List struct {
	Rows   []ledger.Row
	Limit  int // at most this many were asked for; 0 for all
	Window Window
	Prices *pricing.Table
}

// Rows reads the requests of q from the ledger at path; none when path is "" (no ledger yet).
func Rows(ctx context.Context, path string, q ledger.Query) ([]ledger.Row, error) {
	return read(ctx, path, func(l *ledger.Ledger) ([]ledger.Row, error) { return l.List(ctx, q) })
}

// read opens the ledger at path for get; the zero value when path is "" (no ledger yet).
func read[T any](ctx context.Context, path string, get func(*ledger.Ledger) (T, error)) (T, error) {
	var none T
	if path == "" {
		return none, nil
	}
	l, err := ledger.Open(ctx, path)
	if err != nil {
		return none, err
	}
	defer l.Close()
	return get(l)
}

// NewList prices rows with prices (a model the table does not know keeps the cost recorded with
// it, if any) and shows their times in the window's zone. A request answered from the cache cost
// nothing: 0 in the table's currency.
func NewList(rows []ledger.Row, limit int, win Window, prices *pricing.Table) *List {
	price := ledgercost.Repricer(prices)
	for i := range rows {
		cost, currency, ok := price(rows[i].Sum())
		if !ok {
			cost, currency = 0, ""
		}
		if rows[i].Status == ledger.StatusCached {
			cost = 0
		}
		rows[i].Cost, rows[i].Currency = pricing.Round(cost), currency
		rows[i].Start, rows[i].End = rows[i].Start.In(win.Loc), rows[i].End.In(win.Loc)
	}
	return &List{Rows: rows, Limit: limit, Window: win, Prices: prices}
}

// Truncated reports whether there may be more requests than the limit let through.
func (l *List) Truncated() bool { return l.Limit > 0 && len(l.Rows) == l.Limit }

// WriteTable writes one line per request, then the footer with notes.
func (l *List) WriteTable(w io.Writer, notes ...string) error {
	tw := tables.NewWriter(w)
	fmt.Fprintln(tw, "START\tSTATUS\tHTTP\tLANGUAGE\tMODEL\tIN TOKENS\tOUT TOKENS\tEST. COST\tREQUEST ID\tINPUT")
	var unpriced int64
	for _, r := range l.Rows {
		unpriced += writeRow(tw, r)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeFooter(w, unpriced, notes, l.Window, l.Prices)
}

// writeRow writes r's line of the table and returns 1 when its tokens are not in the cost.
func writeRow(w io.Writer, r ledger.Row) (unpriced int64) {
	status := r.Status
	if r.ErrorCode != "" {
		status += " (" + r.ErrorCode + ")"
	}
	src := r.SourceLang
	if src == "" {
		src = "auto"
	}
	input := r.Input
	if r.Segment > 0 {
		input += " #" + strconv.Itoa(r.Segment)
	}
	in := r.PromptAudioTokens + r.PromptVideoTokens + r.PromptTextTokens
	out := r.CompletionTextTokens + r.CompletionAudioTokens
	if r.Currency == "" && in+out+r.TotalTokens > 0 && r.Status != ledger.StatusCached {
		unpriced = 1
	}
	httpStatus := "-"
	if r.HTTPStatus != 0 {
		httpStatus = strconv.Itoa(r.HTTPStatus)
	}
	requestID := r.RequestID
	if requestID == "" {
		requestID = "-"
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", r.Start.Format("2006-01-02 15:04:05"),
		cell(status), httpStatus, cell(src+"→"+r.TargetLang), cell(r.Model), in, out,
		formatCost(r.Cost, r.Currency, unpriced), cell(requestID), cell(input))
	return unpriced
}

// WriteJSON writes the requests as a JSON array.
func (l *List) WriteJSON(w io.Writer) error {
	rows := l.Rows
	if rows == nil {
		rows = []ledger.Row{}
	}
	return prettyjson.Write(w, rows)
}

// WriteCSV writes one record per request, every column of the ledger, with a header.
func (l *List) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "start", "end", "input", "input_sha256", "input_size", "kind", "segment",
		"model", "region", "source_lang", "target_lang", "modalities", "voice", "status", "http_status",
		"error_code", "request_id", "prompt_audio_tokens", "prompt_video_tokens", "prompt_text_tokens",
		"completion_text_tokens", "completion_audio_tokens", "total_tokens", "cost", "currency", "outputs"})
	for _, r := range l.Rows {
		_ = cw.Write([]string{itoa(r.ID), r.Start.Format(time.RFC3339Nano), r.End.Format(time.RFC3339Nano),
			csvText(r.Input), r.InputSHA256, itoa(r.InputSize), csvText(r.Kind), itoa(r.Segment), csvText(r.Model), csvText(r.Region),
			csvText(r.SourceLang), csvText(r.TargetLang), csvText(r.Modalities), csvText(r.Voice), csvText(r.Status), itoa(r.HTTPStatus), csvText(r.ErrorCode),
			csvText(r.RequestID), itoa(r.PromptAudioTokens), itoa(r.PromptVideoTokens), itoa(r.PromptTextTokens),
			itoa(r.CompletionTextTokens), itoa(r.CompletionAudioTokens), itoa(r.TotalTokens),
			csvCost(r.Cost), csvText(r.Currency), csvText(r.Outputs)})
	}
	cw.Flush()
	return cw.Error()
}
