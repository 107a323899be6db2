package cmd

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// usageLedger records every request of a run in the usage ledger. A ledger that cannot be opened
// or written never fails a translation: the Recorder warns once and the run goes on.
type usageLedger struct {
	rec    *ledger.Recorder // nil: --no-ledger
	prices *pricing.Table
	region string
}

func (a *app) openLedger(ctx context.Context, s *settings, noLedger bool) (*usageLedger, error) {
	prices, err := loadPrices(a)
	if err != nil {
		return nil, err
	}
	u := &usageLedger{prices: prices, region: pricing.RegionOfBaseURL(s.baseURL)}
	if noLedger {
		return u, nil
	}
	path := a.cfg.String("ledger")
	if path == "" {
		path = ledger.DefaultPath(a.getenv())
	}
	if path == "" {
		a.warnf("usage ledger: neither XDG_STATE_HOME nor HOME is set; this run's requests are not recorded")
		return u, nil
	}
	u.rec = ledger.OpenRecorder(ctx, path, func(err error) {
		a.warnf("usage ledger: %v; this run's requests are not recorded", err)
	})
	return u, nil
}

func (u *usageLedger) close() {
	if u != nil && u.rec != nil {
		u.rec.Close()
	}
}

// inputRecord is what every row of one input shares.
type inputRecord struct {
	input   string
	kind    string
	outputs []string
}

// hook wires the ledger into a copy of runner for one input.
func (u *usageLedger) hook(ctx context.Context, runner *translate.Runner, ts translate.Settings, in inputRecord) *translate.Runner {
	if u == nil || u.rec == nil {
		return runner
	}
	r := *runner
	base := ledger.Row{Input: in.input, Kind: in.kind, Model: ts.Model, Region: u.region,
		SourceLang: ts.SourceLang, TargetLang: ts.TargetLang, Modalities: "text", Voice: ts.Voice}
	if ts.Voice != "" {
		base.Modalities = "text,audio"
	}
	segmentOf := func(p translate.Part) int {
		if p.Segment {
			return p.Index + 1
		}
		return 0
	}
	r.OnSent = func(sent translate.Sent) {
		row := base
		row.Start, row.End, row.Segment = sent.Start, sent.End, segmentOf(sent.Part)
		row.InputSHA256, row.InputSize = sent.SHA256, max(sent.Part.Size, 0)
		if sent.Result != nil {
			row.RequestID = sent.Result.RequestID
			setRowUsage(&row, sent.Result.Usage, u.prices)
		}
		row.Status = statusOf(sent.Err, sent.Result)
		fillError(&row, sent.Err)
		if row.Status == ledger.StatusOK || row.Status == ledger.StatusTruncated {
			row.Outputs = strings.Join(in.outputs, ",")
		}
		u.rec.Record(ctx, row)
	}
	r.OnRetry = func(p translate.Part, e api.RetryEvent) {
		row := base
		row.Start, row.End, row.Segment = time.Now(), time.Now(), segmentOf(p)
		row.InputSize = max(p.Size, 0)
		row.Status = statusOf(e.Err, nil)
		fillError(&row, e.Err)
		u.rec.Record(ctx, row)
	}
	return &r
}

func statusOf(err error, res *api.Result) string {
	var ae *api.Error
	switch {
	case err == nil && res != nil && res.FinishReason == "length":
		return ledger.StatusTruncated
	case err == nil:
		return ledger.StatusOK
	case errors.Is(err, context.Canceled):
		return ledger.StatusInterrupted
	case errors.As(err, &ae):
		return ledger.StatusAPIError
	}
	return ledger.StatusFailed
}

func fillError(row *ledger.Row, err error) {
	var ae *api.Error
	if errors.As(err, &ae) {
		row.HTTPStatus, row.ErrorCode = ae.StatusCode, ae.Code
		if row.RequestID == "" {
			row.RequestID = ae.RequestID
		}
	}
}

// estimate prices usage with the run's price table, as the ledger rows are priced.
func (u *usageLedger) estimate(model, kind string, usage *api.Usage) (float64, string, bool) {
	if u == nil || usage == nil {
		return 0, "", false
	}
	row := ledger.Row{Model: model, Kind: kind, Region: u.region}
	setRowUsage(&row, usage, u.prices)
	return row.Cost, row.Currency, row.Currency != ""
}
