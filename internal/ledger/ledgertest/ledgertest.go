// Package ledgertest makes usage ledgers for tests and benchmarks: one filled with made-up requests,
// the same ones every time, for the reports over a large ledger (the Go benchmarks and `make
// bench`), and one as the first release wrote it, for the upgrade. The made-up requests look like
// a heavy user's month: inputs split into segments, two models and a proxy the price table does
// not know, both regions, a handful of language pairs, a few failures, some inputs renamed.
package ledgertest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger"
)

// Span is the time the requests of Rows start in: the days before its end, inside `usage`'s
// default window of 30 days.
const Span = 29 * 24 * time.Hour

// SegmentsPerInput is how many requests an input makes: Rows(n) has about n/SegmentsPerInput
// inputs.
const SegmentsPerInput = 20

// Rows yields n made-up requests that start in the Span before end, in the order of their start.
func Rows(n int, end time.Time) iter.Seq[ledger.Row] {
	return func(yield func(ledger.Row) bool) {
		rng := rand.New(rand.NewPCG(1, 2))
		first := end.Add(-Span)
		step := Span / time.Duration(max(n, 1))
		langs := [][2]string{{"zh", "en"}, {"", "en"}, {"en", "zh"}, {"zh", "fr"}, {"ja", "en"}, {"en", "de"}}
		var row ledger.Row
		for i := range n {
			seg := i % SegmentsPerInput
			if seg == 0 { // a new input: what it is, where it is sent, in what languages
				input := i / SegmentsPerInput
				name := fmt.Sprintf("talks/%04d/recording-%06d.wav", input/1000, input)
				sum := sha256.Sum256([]byte(name))
				pair := langs[rng.IntN(len(langs))]
				row = ledger.Row{Input: name, InputSHA256: hex.EncodeToString(sum[:]), InputSize: 20e6 + rng.Int64N(40e6),
					Kind: ledger.KindAudio, Model: "qwen3-livetranslate-flash", Region: "intl",
					SourceLang: pair[0], TargetLang: pair[1], Modalities: "text"}
				switch r := rng.IntN(100); {
				case r < 10:
					row.Model = "qwen3-livetranslate-flash-2025-12-01"
				case r < 12:
					row.Model, row.Region = "my-proxy-model", ""
				}
				if rng.IntN(5) == 0 {
					row.Region = "cn"
				}
				if rng.IntN(4) == 0 {
					row.Modalities, row.Voice = "text,audio", "Cherry"
				}
				if rng.IntN(10) == 0 {
					row.Kind = ledger.KindVideo
				}
			}
			r := row
			r.Start = first.Add(time.Duration(i)*step + time.Duration(rng.IntN(1000))*time.Millisecond)
			r.End = r.Start.Add(time.Duration(5000+rng.IntN(20000)) * time.Millisecond)
			r.Segment = seg + 1
			if seg >= SegmentsPerInput/2 && i/SegmentsPerInput%25 == 0 { // renamed half-way
				r.Input = "renamed/" + r.Input
			}
			r.RequestID = fmt.Sprintf("req-%08d", i)
			r.Outputs = r.Input + ".en.txt"
			r.Status, r.HTTPStatus = ledger.StatusOK, 200
			switch f := rng.IntN(100); {
			case f < 2:
				r.Status, r.HTTPStatus, r.ErrorCode = ledger.StatusAPIError, 429, "Throttling.RateQuota"
			case f < 3:
				r.Status = ledger.StatusInterrupted
			case f < 4:
				r.Status = ledger.StatusFailed
				r.InputSHA256 = "" // failed before the input was read through
			}
			if r.Status == ledger.StatusOK {
				r.PromptAudioTokens = 3000 + rng.IntN(1000)
				if r.Kind == ledger.KindVideo {
					r.PromptVideoTokens = 2000 + rng.IntN(2000)
				}
				r.CompletionTextTokens = 200 + rng.IntN(200)
				if r.Voice != "" {
					r.CompletionAudioTokens = 1500 + rng.IntN(1500)
				}
				r.TotalTokens = r.PromptAudioTokens + r.PromptVideoTokens + r.CompletionTextTokens + r.CompletionAudioTokens
				if r.Model != "my-proxy-model" {
					r.Cost, r.Currency = float64(r.TotalTokens)*1e-6, "CNY"
				}
			}
			if !yield(r) {
				return
			}
		}
	}
}

// schemaRevision tells apart the schemas a version of the ledger had before it was released: it
// changes when the ledger package changes its newest migration in place.
const schemaRevision = "b" // version 2 with the answers from the cache summed apart

// FileName is the name of a ledger of n made-up requests kept from one run to the next (by the
// benchmarks): it names the schema it was built with, so that a ledger built by an earlier
// livetranslate under the same version number is built again, not read with a schema it lacks.
func FileName(n int) string {
	return fmt.Sprintf("ledger-%d-v%d%s.db", n, ledger.SchemaVersion(), schemaRevision)
}

// Fill records Rows(n, end) into the ledger at path (created when missing), in transactions of
// 100,000 requests.
func Fill(ctx context.Context, path string, n int, end time.Time) error {
	l, err := ledger.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := fill(ctx, l, n, end); err != nil {
		l.Close()
		return err
	}
	return l.Close()
}

func fill(ctx context.Context, l *ledger.Ledger, n int, end time.Time) error {
	const batch = 100_000
	next, stop := iter.Pull(Rows(n, end))
	defer stop()
	for done := 0; done < n; done += batch {
		chunk := func(yield func(ledger.Row) bool) {
			for range min(batch, n-done) {
				r, ok := next()
				if !ok || !yield(r) {
					return
				}
			}
		}
		if _, err := l.RecordAll(ctx, chunk); err != nil {
			return err
		}
	}
	return nil
}

// CreateVersion1 makes a ledger at path as the first release of the ledger wrote it, holding rows:
// the requests table and its index, schema version 1, none of what later versions add (the running
// sums). It is what an upgrade finds.
func CreateVersion1(ctx context.Context, path string, rows iter.Seq[ledger.Row]) error {
	l, err := ledger.Open(ctx, path)
	if err != nil {
		return err
	}
	if _, err := l.RecordAll(ctx, rows); err != nil {
		l.Close()
		return err
	}
	if err := l.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	// Version 1 was the requests table and its index: drop everything else, triggers first.
	objects, err := db.QueryContext(ctx, `SELECT type, name FROM sqlite_master
		WHERE name NOT IN ('requests', 'requests_by_start') AND name NOT LIKE 'sqlite_%' AND type IN ('trigger', 'table')
		ORDER BY type = 'table'`)
	if err != nil {
		return err
	}
	var drops []string
	for objects.Next() {
		var typ, name string
		if err := objects.Scan(&typ, &name); err != nil {
			objects.Close()
			return err
		}
		drops = append(drops, fmt.Sprintf("DROP %s %q", strings.ToUpper(typ), name))
	}
	objects.Close()
	if err := objects.Err(); err != nil {
		return err
	}
	for _, stmt := range append(drops, "PRAGMA user_version = 1", "VACUUM") {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}
