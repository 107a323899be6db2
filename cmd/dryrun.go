package cmd

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/sink"
)

// dryRun shows, for each input, how it would be sent (whole, re-encoded, or which segments),
// with sizes, estimated tokens and cost, and the totals, without sending anything.
func (a *app) dryRun(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	prices, err := a.cfg.Prices()
	if err != nil {
		return err
	}
	region := pricing.RegionOfBaseURL(s.baseURL)
	speech := opts.AudioOut != "" || opts.Speech || opts.Dub != ""
	j := a.newPipeline(s, opts)
	rows := make([]dryrun.Row, 0, len(items))
	for _, it := range items {
		r, err := dryrun.Plan(ctx, j, it, speech, len(s.targets), prices, region, s.model)
		if ctx.Err() != nil {
			return ctx.Err() // interrupted: exit 130, no table
		}
		r.Err = err
		rows = append(rows, r)
	}
	errorInfo := func(err error) *sink.ErrorInfo {
		e := errorJSON(err)
		e.Message = a.redact(e.Message)
		return e
	}
	switch s.format {
	case "json":
		err = writeJSON(a.io.Out, dryrun.Document(rows, errorInfo))
	case "jsonl": // the same document, on one line
		err = json.NewEncoder(a.io.Out).Encode(dryrun.Document(rows, errorInfo))
	default:
		for _, r := range rows {
			if r.Err != nil {
				fmt.Fprint(a.io.Err, a.redact(fmt.Sprintf("livetranslate: error: %s\n", message(r.Err))))
			}
		}
		err = dryrun.Table(a.io.Out, rows)
	}
	if err != nil {
		return err
	}
	each := ""
	if len(s.targets) > 1 {
		each = fmt.Sprintf("; each input is sent once per target language (%d), and counted so", len(s.targets))
	}
	fmt.Fprintf(a.io.Err, "livetranslate: dry run: nothing was sent%s; costs are estimates from the price table (%s, %s)\n", each, prices.Source, prices.AsOf)
	failed := dryrun.TotalOf(rows).Failed
	switch {
	case failed == 0:
		return nil
	case failed < len(rows):
		return &silentExit{code: exitPartial} // as the real run would: some inputs cannot be sent
	}
	return &silentExit{code: exitUsage}
}
