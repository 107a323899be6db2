package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// dryRun shows, for each input, how it would be sent (whole, re-encoded, or which segments),
// with sizes, estimated tokens and cost, and the totals, without sending anything.
func (a *app) dryRun(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	rows, prices, err := a.plans(ctx, s, opts, items)
	if err != nil {
		return err
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
	if !a.quiet {
		fmt.Fprintf(a.io.Err, "livetranslate: dry run: nothing was sent%s; costs are estimates from the price table (%s, %s)\n", each, prices.Source, prices.AsOf)
	}
	if err := a.checkCap(s, rows); err != nil {
		return err
	}
	failed := dryrun.TotalOf(rows).Failed
	switch {
	case failed == 0:
		return nil
	case failed < len(rows):
		return &silentExit{code: exitPartial} // as the real run would: some inputs cannot be sent
	}
	return &silentExit{code: exitUsage}
}

// plans is how each input would be sent, priced, as the dry run shows it: nothing is sent. An
// input is priced once for each target language whose results are not already under --out-dir
// (a rerun skips those), and left out when they all are; a request the result cache would
// answer (of an input sent whole) is priced at 0.
func (a *app) plans(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) ([]dryrun.Row, *pricing.Table, error) {
	prices, err := a.cfg.Prices()
	if err != nil {
		return nil, nil, err
	}
	region := pricing.RegionOfBaseURL(s.baseURL)
	speech := opts.AudioOut != "" || opts.Speech || opts.Dub != ""
	j := a.newPipeline(s, opts)
	rows := make([]dryrun.Row, 0, len(items))
	for _, it := range items {
		targets := a.toDo(s, opts, it)
		if len(targets) == 0 {
			continue
		}
		r, err := dryrun.Plan(ctx, j, it, speech, targets, prices, region, s.model)
		if ctx.Err() != nil {
			return nil, nil, ctx.Err() // interrupted: exit 130, no table
		}
		r.Err = err
		rows = append(rows, r)
	}
	return rows, prices, nil
}

// toDo is the run's target languages the input would be translated into, each with its voice:
// under --out-dir, those whose results are not there yet.
func (a *app) toDo(s *settings, opts *translateOptions, it batch.Item) []pipeline.Target {
	var targets []pipeline.Target
	for _, t := range s.runTargets() {
		if opts.OutDir != "" && !opts.Overwrite && it.Err == nil {
			l := resultLayout(s, opts, textExt(s))
			l.Code = t.Lang
			if l.Input(it).Done() {
				continue
			}
		}
		targets = append(targets, pipeline.Target{Lang: t.Lang, Voice: t.Voice})
	}
	return targets
}

// checkCap holds the run's estimate to --max-cost, if it has one: a run over it, or whose cost
// cannot be estimated, is refused before anything is sent (exit 2).
func (a *app) checkCap(s *settings, rows []dryrun.Row) error {
	if s.maxCost == nil {
		return nil
	}
	if err := s.maxCost.Check(rows); err != nil {
		hint := "raise --max-cost, or see what would be sent with --dry-run"
		var over *dryrun.OverCapError
		switch {
		case !errors.As(err, &over):
		case over.Unpriced != nil && over.Unpriced.URL:
			hint = "download it and name the file, or drop --max-cost"
		case over.Unpriced != nil:
			hint = "add the model's prices under pricing: in the config file, or drop --max-cost"
		case over.Currency != "":
			hint = "give the cap in the price table's currency, e.g. --max-cost 0.50"
		}
		return usage.Wrap(fmt.Errorf("--max-cost %s: %w", s.maxCost, err), hint)
	}
	t := dryrun.TotalOf(rows)
	a.infof("estimated cost %.4f %s, within --max-cost %s", t.Cost, t.Currency, s.maxCost)
	return nil
}

// holdToCap plans the run as a dry run would, before anything is sent, and holds its estimate to
// --max-cost.
func (a *app) holdToCap(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	if s.maxCost == nil {
		return nil
	}
	if items[0].Stdin() {
		// Planning reads it; then there would be nothing left to send.
		return usagef("save it to a file and name the file, or drop --max-cost", "--max-cost cannot estimate standard input without reading it first")
	}
	rows, _, err := a.plans(ctx, s, opts, items)
	if err != nil {
		return err
	}
	return a.checkCap(s, rows)
}
