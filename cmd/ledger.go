package cmd

import (
	"context"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// usageLedger records every request of a run in the usage ledger. A ledger that cannot be opened
// or written never fails a translation: the Recorder warns once and the run goes on.
type usageLedger struct {
	rec    *ledger.Recorder // nil: --no-ledger
	prices *pricing.Table
	region string
}

func (a *app) openLedger(ctx context.Context, s *settings, path string, noLedger bool) (*usageLedger, error) {
	prices, err := a.cfg.Prices()
	if err != nil {
		return nil, err
	}
	u := &usageLedger{prices: prices, region: pricing.RegionOfBaseURL(s.baseURL)}
	if noLedger {
		return u, nil
	}
	if path == "" {
		path = ledger.DefaultPath(a.getenv())
	}
	if path == "" {
		a.warnf("usage ledger: neither XDG_STATE_HOME nor HOME is set; this run's requests are not recorded")
		return u, nil
	}
	u.rec = ledger.OpenRecorder(ctx, path, func(err error) {
		a.warnf("%s; this run's requests are not recorded", message(err)) // the error names the ledger
	})
	return u, nil
}

func (u *usageLedger) close() {
	if u != nil && u.rec != nil {
		u.rec.Close()
	}
}

// recorder is the ledger the job records every request in; nil when nothing is recorded.
func (u *usageLedger) recorder() pipeline.Recorder {
	if u == nil || u.rec == nil {
		return nil
	}
	return u
}

// Record prices a request's row in the run's region and records it.
func (u *usageLedger) Record(ctx context.Context, row ledger.Row, usage *api.Usage) {
	row.Region = u.region
	setRowUsage(&row, usage, u.prices)
	u.rec.Record(ctx, row)
}

// estimate prices an input's usage with the run's price table, as the ledger rows are priced,
// rounded as costs are printed.
func (u *usageLedger) estimate(model, kind string, usage *api.Usage) (float64, string, bool) {
	if u == nil || usage == nil {
		return 0, "", false
	}
	row := ledger.Row{Model: model, Kind: kind, Region: u.region}
	setRowUsage(&row, usage, u.prices)
	return roundCost(row.Cost), row.Currency, row.Currency != ""
}
