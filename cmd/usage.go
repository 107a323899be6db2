package cmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/cmdutil"
	"github.com/livetranslate/livetranslate/internal/complete"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/usage"
	"github.com/livetranslate/livetranslate/internal/usagereport"
)

// usageOptions is what the usage flags say.
type usageOptions struct {
	Since, Until string
	By           string
	JSON, CSV    bool
	List         bool
	Limit        int
	Ledger       string

	// Whether --since, --by and --limit were given: without --since the window is the 30 days
	// before --until; --by and --limit given with the wrong companions are refused.
	sinceGiven, byGiven, limitGiven bool
}

func newUsageCmd(a *app) *cobra.Command {
	opts := &usageOptions{}
	cmd := &cobra.Command{
		Use:   "usage [--since 7d|2026-11-01] [--until …] [--by day|model|language|input] [--json|--csv] [--list]",
		Short: "Summarise the recorded requests: tokens and estimated cost",
		Long: `usage reads the ledger in which livetranslate records every request it sends (when, input,
model, languages, status, request id, and the tokens the service reported) and prints, for the last
30 days unless told otherwise, the requests, failures, input and output tokens by kind, and an
estimated cost. Requests answered from the local result cache are recorded too, and counted apart:
how many, and what they would have cost (what the cache saved).

Costs are estimates, recomputed from the tokens with the price table embedded in livetranslate
(configs/pricing.yaml), which the config file can override under "pricing:"; the source and date
of the prices are printed under the table. A request whose model the table does not know keeps the
cost recorded with it, if any.

--since and --until take a duration back from now (90m, 36h, 7d, 2w; m is minutes), a date (2026-11-01, local
midnight), or an RFC 3339 time. A date given to --until includes that whole day.

The ledger is $XDG_STATE_HOME/livetranslate/usage.db (~/.local/state/livetranslate/usage.db);
--ledger, the config key "ledger" or LIVETRANSLATE_LEDGER point elsewhere.`,
		Example: `  livetranslate usage
  livetranslate usage --since 7d --by day
  livetranslate usage --since 2026-11-01 --until 2026-11-30 --by model --csv > november.csv
  livetranslate usage --list --limit 20
  livetranslate usage --by language --json | jq '.total.cost'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			opts.sinceGiven, opts.byGiven, opts.limitGiven = f.Changed("since"), f.Changed("by"), f.Changed("limit")
			win, err := opts.validate(a.getenv())
			if err != nil {
				return err
			}
			return runUsage(cmd.Context(), a, opts, win)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Since, "since", "30d", "first request to count: a duration back from now (7d, 36h, 2w), a date (2026-11-01) or an RFC 3339 time")
	f.StringVar(&opts.Until, "until", "now", "end of the window (exclusive): like --since; a date includes that whole day")
	f.StringVar(&opts.By, "by", "", "group by day, model, language (source→target) or input")
	f.BoolVar(&opts.JSON, "json", false, "print JSON")
	f.BoolVar(&opts.CSV, "csv", false, "print CSV")
	f.BoolVar(&opts.List, "list", false, "list single requests, newest first, instead of a summary")
	f.IntVar(&opts.Limit, "limit", 50, "with --list: at most this many requests; 0 for all")
	f.StringVar(&opts.Ledger, config.KeyLedger, "", "usage ledger file (default $XDG_STATE_HOME/livetranslate/usage.db)")
	cmdutil.CompleteFlag(cmd, "by", complete.Fixed(complete.Groupings()))
	return cmd
}

// validate checks the flags, then reads the window they give ("now" and the zone of days from
// getenv: LIVETRANSLATE_NOW, tests only, and TZ). It reads nothing else and opens nothing.
func (o *usageOptions) validate(getenv func(string) string) (usagereport.Window, error) {
	switch {
	case o.JSON && o.CSV:
		return usagereport.Window{}, usagef("choose one output format", "--json and --csv cannot be used together")
	case o.List && o.byGiven:
		return usagereport.Window{}, usagef("--by groups the summary; --list shows single requests", "--by and --list cannot be used together")
	case o.limitGiven && !o.List:
		return usagereport.Window{}, usagef("add --list", "--limit applies to --list")
	case o.Limit < 0:
		return usagereport.Window{}, usagef("", "--limit must be 0 (all) or more, got %d", o.Limit)
	case o.By != "" && !slices.Contains(ledger.Groupings(), o.By):
		return usagereport.Window{}, usagef("choose one of "+strings.Join(ledger.Groupings(), ", "), "cannot group --by %q", o.By)
	}
	now, loc, err := usagereport.Clock(getenv)
	if err != nil {
		return usagereport.Window{}, err
	}
	win, err := usagereport.NewWindow(o.Since, o.Until, o.sinceGiven, now, loc)
	var te *usagereport.TimeError
	var oe *usagereport.OrderError
	switch {
	case errors.As(err, &te) && te.End:
		return win, usagef(usagereport.WhenHint, "invalid --until %q", te.Value)
	case errors.As(err, &te):
		return win, usagef(usagereport.WhenHint, "invalid --since %q", te.Value)
	case errors.As(err, &oe):
		return win, usagef("", "--since (%s) must be before --until (%s)",
			oe.Since.Format(usagereport.TimeLayout), oe.Until.Format(usagereport.TimeLayout))
	}
	return win, err
}

func runUsage(ctx context.Context, a *app, opts *usageOptions, win usagereport.Window) error {
	prices, err := a.prices()
	if err != nil {
		return err
	}
	r := usagereport.Request{Window: win, By: opts.By, List: opts.List, Limit: opts.Limit, Prices: prices,
		Ledger: opts.Ledger, Named: opts.Ledger != "", Info: a.infof,
		MixedCurrencies: "Costs in different currencies are not added up; see --json or --csv by model.",
		Truncated:       func(n int) string { return fmt.Sprintf("The newest %d requests are shown; --limit 0 lists all.", n) }}
	switch {
	case opts.JSON:
		r.Format = usagereport.JSON
	case opts.CSV:
		r.Format = usagereport.CSV
	}
	if !r.Named {
		r.Ledger = ledger.DefaultPath(a.getenv())
	}
	err = usagereport.Write(ctx, a.io.Out, r)
	var missing *usagereport.MissingLedgerError
	if errors.As(err, &missing) { // a ledger asked for by name that is not there is a typo, not an empty month
		return usage.Wrap(err, "check the path given with --ledger (or ledger: in the config file)")
	}
	return err
}
