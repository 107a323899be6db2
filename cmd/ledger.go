package cmd

import (
	"context"

	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/ledgercost"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// openLedger opens the run's usage ledger: the one at path, at the default path when path is "",
// none with --no-ledger. A ledger that cannot be opened or written never fails a translation: it
// is warned about once and the run goes on.
func (a *app) openLedger(ctx context.Context, s *settings, path string, noLedger bool) (*ledgercost.Ledger, error) {
	prices, err := a.prices()
	if err != nil {
		return nil, err
	}
	switch {
	case noLedger:
		path = ""
	case path == "":
		if path = ledger.DefaultPath(a.getenv()); path == "" {
			a.warnf("usage ledger: neither XDG_STATE_HOME nor HOME is set; this run's requests are not recorded")
		}
	}
	return ledgercost.Open(ctx, path, prices, pricing.RegionOfBaseURL(s.baseURL), func(err error) {
		a.warnf("%s; this run's requests are not recorded", message(err)) // the error names the ledger
	}), nil
}
