package cmd

import (
	"context"
	"fmt"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/sink"
)

// dryRun shows how each input would be sent, priced, without sending anything: exit 4 when some
// inputs cannot be sent, 2 when none can, as the real run would.
func (a *app) dryRun(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	d, err := a.dryRunOf(s, opts)
	if err != nil {
		return err
	}
	t, err := d.Show(ctx, items, dryrun.Output{W: a.io.Out, Format: s.format, Note: a.notef, ErrorInfo: a.errorInfo,
		Failed: func(err error) {
			fmt.Fprint(a.io.Err, a.redact(fmt.Sprintf("livetranslate: error: %s\n", message(err))))
		},
	})
	switch {
	case err != nil:
		return err
	case t.Failed == 0:
		return nil
	case t.Inputs > 0:
		return &silentExit{code: exitPartial}
	}
	return &silentExit{code: exitUsage}
}

// errorInfo is err as the JSON output gives it, the API key redacted.
func (a *app) errorInfo(err error) *sink.ErrorInfo {
	e := errorJSON(err)
	e.Message = a.redact(e.Message)
	return e
}

// dryRunOf is the run as the dry run and --max-cost plan it.
func (a *app) dryRunOf(s *settings, opts *translateOptions) (*dryrun.Run, error) {
	prices, err := a.prices()
	if err != nil {
		return nil, err
	}
	return &dryrun.Run{Pipeline: a.newPipeline(s, opts), Speech: opts.AudioOut != "" || opts.Speech || opts.Dub != "",
		Targets: s.runTargets(), Layout: resultLayout(s, opts, textExt(s)), Prices: prices,
		Region: pricing.RegionOfBaseURL(s.baseURL), Model: s.model, Cap: s.maxCost, Info: worded(a.infof)}, nil
}

// holdToCap plans the run as a dry run would, before anything is sent, and holds its estimate to
// --max-cost.
func (a *app) holdToCap(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	if s.maxCost == nil {
		return nil
	}
	d, err := a.dryRunOf(s, opts)
	if err != nil {
		return err
	}
	return d.HoldToCap(ctx, items)
}
