package ledgercost

import (
	"context"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// RowRecorder records a request's row with the usage the service reported for it; it is what a
// run's pipeline records through.
type RowRecorder interface {
	Record(ctx context.Context, row ledger.Row, usage *api.Usage)
}

// Ledger is a run's usage ledger: every request of the run recorded in it, priced with the run's
// price table in the region the run sends to. A ledger that cannot be opened or written never
// fails a translation: the recorder reports the first failure through onError, once, and the run
// goes on without it. A Ledger without a file (none asked for, or none to be had) records
// nothing and still prices: a dry run and a result's estimated cost need the prices alone.
type Ledger struct {
	rec    *ledger.Recorder // nil: nothing is recorded
	prices *pricing.Table
	region string
}

// Open opens the ledger at path, to price with prices in region; "" records nothing. onError is
// told why the ledger cannot be opened or written, the first time it cannot.
func Open(ctx context.Context, path string, prices *pricing.Table, region string, onError func(error)) *Ledger {
	l := &Ledger{prices: prices, region: region}
	if path != "" {
		l.rec = ledger.OpenRecorder(ctx, path, onError)
	}
	return l
}

// Close closes the ledger's file, if it has one.
func (l *Ledger) Close() {
	if l != nil && l.rec != nil {
		l.rec.Close()
	}
}

// Recorder is what a run records every request through; nil when nothing is recorded, so that
// the run need not make the rows.
func (l *Ledger) Recorder() RowRecorder {
	if l == nil || l.rec == nil {
		return nil
	}
	return l
}

// Record prices a request's row in the run's region and records it.
func (l *Ledger) Record(ctx context.Context, row ledger.Row, usage *api.Usage) {
	row.Region = l.region
	SetUsage(&row, usage, l.prices)
	l.rec.Record(ctx, row)
}

// Estimate prices an input's usage with the run's price table, as the ledger's rows are priced,
// rounded as costs are printed; ok is false when there is no usage or no price for model.
func (l *Ledger) Estimate(model, kind string, usage *api.Usage) (cost float64, currency string, ok bool) {
	if l == nil || usage == nil {
		return 0, "", false
	}
	row := ledger.Row{Model: model, Kind: kind, Region: l.region}
	SetUsage(&row, usage, l.prices)
	return pricing.Round(row.Cost), row.Currency, row.Currency != ""
}
