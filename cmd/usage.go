package cmd

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// keyLedger is the config key (and --ledger flag) of the usage ledger's path.
const keyLedger = "ledger"

// envNow fixes "now" for the usage command, for tests and scripts only: an RFC 3339 time. It is
// deliberately in no help text.
const envNow = "LIVETRANSLATE_NOW"

// usageOptions is what the usage flags say.
type usageOptions struct {
	Since, Until string
	By           string
	JSON, CSV    bool
	List         bool
	Limit        int
	Ledger       string

	// sinceGiven is whether --since was given; without it the window is the 30 days before --until.
	sinceGiven bool
}

func newUsageCmd(a *app) *cobra.Command {
	opts := &usageOptions{}
	cmd := &cobra.Command{
		Use:   "usage [--since 7d|2026-11-01] [--until …] [--by day|model|language|input] [--json|--csv] [--list]",
		Short: "Summarise the recorded requests: tokens and estimated cost",
		Long: `usage reads the ledger in which livetranslate records every request it sends (when, input,
model, languages, status, request id, and the tokens the service reported) and prints, for the last
30 days unless told otherwise, the requests, failures, input and output tokens by kind, and an
estimated cost.

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
			if err := opts.check(cmd); err != nil {
				return err
			}
			opts.sinceGiven = cmd.Flags().Changed("since")
			return runUsage(cmd.Context(), a, opts)
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
	f.StringVar(&opts.Ledger, keyLedger, "", "usage ledger file (default $XDG_STATE_HOME/livetranslate/usage.db)")
	return cmd
}

// check rejects flag combinations that mean nothing.
func (o *usageOptions) check(cmd *cobra.Command) error {
	f := cmd.Flags()
	switch {
	case o.JSON && o.CSV:
		return usagef("choose one output format", "--json and --csv cannot be used together")
	case o.List && f.Changed("by"):
		return usagef("--by groups the summary; --list shows single requests", "--by and --list cannot be used together")
	case f.Changed("limit") && !o.List:
		return usagef("add --list", "--limit applies to --list")
	case o.Limit < 0:
		return usagef("", "--limit must be 0 (all) or more, got %d", o.Limit)
	}
	for _, by := range ledger.Groupings() {
		if o.By == by {
			return nil
		}
	}
	if o.By != "" {
		return usagef("choose one of "+strings.Join(ledger.Groupings(), ", "), "cannot group --by %q", o.By)
	}
	return nil
}

// usageWindow is the time span a usage report covers, with the zone its days are counted in.
type usageWindow struct {
	since, until time.Time
	loc          *time.Location
}

func runUsage(ctx context.Context, a *app, opts *usageOptions) error {
	getenv := a.io.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	win, err := usageWindowOf(opts, getenv)
	if err != nil {
		return err
	}
	prices, err := a.cfg.Prices()
	if err != nil {
		return err
	}
	path, given := opts.Ledger, opts.Ledger != ""
	if !given {
		path = ledger.DefaultPath(getenv)
	}
	if _, err := os.Stat(path); given && errors.Is(err, fs.ErrNotExist) {
		// A ledger asked for by name that is not there is a typo, not an empty month.
		return usagef("check the path given with --ledger (or ledger: in the config file)", "no usage ledger at %s", path)
	}

	q := ledger.Query{Since: win.since, Until: win.until, By: opts.By, Location: win.loc, Price: priceOf(prices)}
	var (
		groups []ledger.Group
		rows   []ledger.Row
	)
	if _, err := os.Stat(path); path == "" || errors.Is(err, fs.ErrNotExist) {
		// Nothing was ever recorded here: an empty report, and no file created by looking.
		a.infof("no usage ledger at %s yet", path)
	} else {
		l, err := ledger.Open(ctx, path)
		if err != nil {
			return err
		}
		defer l.Close()
		if opts.List {
			q.Limit = opts.Limit
			rows, err = l.List(ctx, q)
		} else {
			groups, err = l.Summary(ctx, q)
		}
		if err != nil {
			return err
		}
	}

	if opts.List {
		for i := range rows {
			cost, currency := repriced(q.Price, rows[i])
			rows[i].Cost, rows[i].Currency = roundCost(cost), currency
			rows[i].Start, rows[i].End = rows[i].Start.In(win.loc), rows[i].End.In(win.loc)
		}
		switch {
		case opts.JSON:
			if rows == nil {
				rows = []ledger.Row{}
			}
			return writeJSON(a.io.Out, rows)
		case opts.CSV:
			return writeUsageRowsCSV(a.io.Out, rows)
		}
		return printUsageRows(a.io.Out, rows, opts.Limit, win, prices)
	}

	total := ledger.Group{Key: "total"}
	for _, g := range groups {
		total.Add(g)
	}
	if opts.By == ledger.ByTotal {
		groups = nil
	}
	switch {
	case opts.JSON:
		return writeUsageJSON(a.io.Out, opts.By, groups, total, win, prices)
	case opts.CSV:
		if opts.By == ledger.ByTotal {
			groups = []ledger.Group{total}
		}
		return writeUsageCSV(a.io.Out, opts.By, groups)
	}
	return printUsageSummary(a.io.Out, opts.By, groups, total, win, prices)
}

// usageWindowOf turns --since and --until into times. "Now" and the zone of days come from the
// environment the command was given: LIVETRANSLATE_NOW (tests only) and TZ.
func usageWindowOf(opts *usageOptions, getenv func(string) string) (usageWindow, error) {
	loc := time.Local
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	now := time.Now()
	if s := getenv(envNow); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return usageWindow{}, fmt.Errorf("%s=%q: want an RFC 3339 time: %w", envNow, s, err)
		}
		now = t
	}
	now = now.In(loc)
	until, err := parseWhen(opts.Until, now, loc, true)
	if err != nil {
		return usageWindow{}, usagef(whenHint, "invalid --until %q", opts.Until)
	}
	// A duration in --since counts back from now, or from --until when only --until was given.
	from := now
	if !opts.sinceGiven {
		from = until
	}
	since, err := parseWhen(opts.Since, from, loc, false)
	if err != nil {
		return usageWindow{}, usagef(whenHint, "invalid --since %q", opts.Since)
	}
	if !since.Before(until) {
		return usageWindow{}, usagef("", "--since (%s) must be before --until (%s)",
			since.Format(usageTimeLayout), until.Format(usageTimeLayout))
	}
	return usageWindow{since: since.In(loc), until: until.In(loc), loc: loc}, nil
}

const whenHint = "give a duration back from now (90m, 36h, 7d, 2w), a date (2026-11-01) or an RFC 3339 time"

// parseWhen reads a point in time: "now", a duration back from now, a date (midnight in loc; the
// next midnight when endOfDay, so that --until 2026-11-30 includes the 30th), or RFC 3339.
func parseWhen(s string, now time.Time, loc *time.Location, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "now" {
		return now, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := parseAgo(s)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(-d), nil
}

var agoUnits = map[byte]time.Duration{
	'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second,
}

// parseAgo reads a duration such as 7d, 2w, 36h, 1d12h, 1.5h (m is minutes).
func parseAgo(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total float64
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		unit, ok := agoUnits[rest[i]]
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q", s, rest[i])
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		total += n * float64(unit)
		rest = rest[i+1:]
	}
	if total > float64(100*365*24*time.Hour) {
		return 0, fmt.Errorf("duration %q is more than a century", s)
	}
	return time.Duration(total), nil
}

// priceOf prices a recorded request with today's table, in the region it was sent to (the table's
// default region when that is unknown). A model the table does not know keeps the cost recorded
// with it, if any.
func priceOf(t *pricing.Table) func(ledger.Row) (float64, string, bool) {
	return func(r ledger.Row) (float64, string, bool) {
		if cost, cur, ok := t.Estimate(r.Region, r.Model, tokensOfRow(r)); ok {
			return cost, cur, true
		}
		if r.Currency != "" {
			return r.Cost, r.Currency, true
		}
		return 0, "", false
	}
}

func repriced(price func(ledger.Row) (float64, string, bool), r ledger.Row) (float64, string) {
	cost, cur, ok := price(r)
	if !ok {
		return 0, ""
	}
	return cost, cur
}

func tokensOfRow(r ledger.Row) pricing.Tokens {
	return pricing.Tokens{
		InputAudio:  int64(r.PromptAudioTokens),
		InputVideo:  int64(r.PromptVideoTokens),
		InputText:   int64(r.PromptTextTokens),
		OutputText:  int64(r.CompletionTextTokens),
		OutputAudio: int64(r.CompletionAudioTokens),
	}
}

// setRowUsage copies the usage the service reported into a ledger row, and prices it with t in the
// row's region. translate calls it for every request it records.
func setRowUsage(r *ledger.Row, u *api.Usage, t *pricing.Table) {
	if u == nil {
		return
	}
	r.TotalTokens = u.TotalTokens
	if d := u.PromptTokensDetails; d != nil {
		r.PromptAudioTokens, r.PromptVideoTokens, r.PromptTextTokens = d.AudioTokens, d.VideoTokens, d.TextTokens
	} else {
		// No breakdown: the whole prompt counts as the input's kind.
		if r.Kind == ledger.KindVideo {
			r.PromptVideoTokens = u.PromptTokens
		} else {
			r.PromptAudioTokens = u.PromptTokens
		}
	}
	if d := u.CompletionTokensDetails; d != nil {
		r.CompletionTextTokens, r.CompletionAudioTokens = d.TextTokens, d.AudioTokens
	} else {
		r.CompletionTextTokens = u.CompletionTokens
	}
	if cost, cur, ok := t.Estimate(r.Region, r.Model, tokensOfRow(*r)); ok {
		r.Cost, r.Currency = cost, cur
	}
}

// Output.

const usageTimeLayout = "2006-01-02 15:04 MST"

// roundCost drops the float noise of sums (0.30000000000000004) from printed costs.
func roundCost(c float64) float64 { return math.Round(c*1e6) / 1e6 }

func formatCost(cost float64, currency string, unpriced int64) string {
	var s string
	switch currency {
	case "":
		s = "-"
	case ledger.CurrencyMixed:
		s = "(mixed currencies)"
	default:
		s = strconv.FormatFloat(roundCost(cost), 'f', 4, 64) + " " + currency
	}
	if unpriced > 0 {
		s += " *"
	}
	return s
}

// cell makes a value safe for a tab-separated table: a tab or newline in a file name would break it.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

var groupHeader = map[string]string{
	ledger.ByTotal: "", ledger.ByDay: "DAY", ledger.ByModel: "MODEL", ledger.ByLanguage: "LANGUAGE", ledger.ByInput: "INPUT",
}

func printUsageSummary(w io.Writer, by string, groups []ledger.Group, total ledger.Group, win usageWindow, prices *pricing.Table) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tREQUESTS\tFAILED\tIN AUDIO\tIN VIDEO\tIN TEXT\tOUT TEXT\tOUT AUDIO\tTOTAL TOKENS\tEST. COST\n", groupHeader[by])
	line := func(key string, g ledger.Group) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", cell(key), g.Requests, g.Failures,
			g.PromptAudioTokens, g.PromptVideoTokens, g.PromptTextTokens, g.CompletionTextTokens,
			g.CompletionAudioTokens, g.TotalTokens, formatCost(g.Cost, g.Currency, g.Unpriced))
	}
	for _, g := range groups {
		line(g.Key, g)
	}
	line("TOTAL", total)
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	if total.Currency == ledger.CurrencyMixed {
		notes = append(notes, "Costs in different currencies are not added up; see --json or --csv by model.")
	}
	return printUsageFooter(w, total.Unpriced, notes, win, prices)
}

// printUsageFooter says, under a table, what it covers and where its prices come from.
func printUsageFooter(w io.Writer, unpriced int64, notes []string, win usageWindow, prices *pricing.Table) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nRequests started from %s to %s.\n", win.since.Format(usageTimeLayout), win.until.Format(usageTimeLayout))
	for _, n := range notes {
		b.WriteString(n + "\n")
	}
	if unpriced > 0 {
		fmt.Fprintf(&b, "* %d request(s) used tokens of a model the price table does not know; they are not in the cost.\n", unpriced)
	}
	fmt.Fprintf(&b, "Costs are estimates. Prices: %s. As of: %s.\n", prices.Source, prices.AsOf)
	_, err := io.WriteString(w, b.String())
	return err
}

type usageJSON struct {
	Since  time.Time      `json:"since"`
	Until  time.Time      `json:"until"`
	By     string         `json:"by"`
	Groups []ledger.Group `json:"groups"`
	Total  ledger.Group   `json:"total"`
	Prices struct {
		Source   string `json:"source"`
		AsOf     string `json:"as_of"`
		Estimate bool   `json:"estimate"`
	} `json:"prices"`
}

func writeUsageJSON(w io.Writer, by string, groups []ledger.Group, total ledger.Group, win usageWindow, prices *pricing.Table) error {
	out := usageJSON{Since: win.since, Until: win.until, By: by, Groups: []ledger.Group{}, Total: total}
	for _, g := range groups {
		g.Cost = roundCost(g.Cost)
		out.Groups = append(out.Groups, g)
	}
	out.Total.Cost = roundCost(total.Cost)
	out.Prices.Source, out.Prices.AsOf, out.Prices.Estimate = prices.Source, prices.AsOf, true
	return writeJSON(w, out)
}

func writeUsageCSV(w io.Writer, by string, groups []ledger.Group) error {
	key := by
	if key == ledger.ByTotal {
		key = "summary"
	}
	cw := csv.NewWriter(w)
	header := []string{key, "requests", "failures", "prompt_audio_tokens", "prompt_video_tokens",
		"prompt_text_tokens", "completion_text_tokens", "completion_audio_tokens", "total_tokens",
		"cost", "currency", "unpriced"}
	if by == ledger.ByInput {
		header = append(header, "input_sha256") // the content the group stands for
	}
	_ = cw.Write(header)
	for _, g := range groups {
		rec := []string{csvText(g.Key), itoa(g.Requests), itoa(g.Failures), itoa(g.PromptAudioTokens),
			itoa(g.PromptVideoTokens), itoa(g.PromptTextTokens), itoa(g.CompletionTextTokens),
			itoa(g.CompletionAudioTokens), itoa(g.TotalTokens), csvCost(g.Cost), g.Currency, itoa(g.Unpriced)}
		if by == ledger.ByInput {
			rec = append(rec, g.InputSHA256)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// csvText makes a text cell safe to open in a spreadsheet: a cell that starts with =, +, -, @ or
// a tab or carriage return would be run as a formula (a file named "=HYPERLINK(…).wav", or a
// request id a hostile server chose), so it gets a leading apostrophe, which spreadsheets show as
// text and hide. Numbers are written as they are.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func itoa[T int | int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func csvCost(c float64) string { return strconv.FormatFloat(roundCost(c), 'f', -1, 64) }

func printUsageRows(w io.Writer, rows []ledger.Row, limit int, win usageWindow, prices *pricing.Table) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "START\tSTATUS\tHTTP\tLANGUAGE\tMODEL\tIN TOKENS\tOUT TOKENS\tEST. COST\tREQUEST ID\tINPUT")
	var unpriced int64
	for _, r := range rows {
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
		var rowUnpriced int64
		if r.Currency == "" && in+out+r.TotalTokens > 0 {
			rowUnpriced = 1
		}
		unpriced += rowUnpriced
		httpStatus := "-"
		if r.HTTPStatus != 0 {
			httpStatus = strconv.Itoa(r.HTTPStatus)
		}
		requestID := r.RequestID
		if requestID == "" {
			requestID = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", r.Start.Format("2006-01-02 15:04:05"),
			cell(status), httpStatus, cell(src+"→"+r.TargetLang), cell(r.Model), in, out,
			formatCost(r.Cost, r.Currency, rowUnpriced), cell(requestID), cell(input))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	if limit > 0 && len(rows) == limit {
		notes = append(notes, fmt.Sprintf("The newest %d requests are shown; --limit 0 lists all.", limit))
	}
	return printUsageFooter(w, unpriced, notes, win, prices)
}

func writeUsageRowsCSV(w io.Writer, rows []ledger.Row) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "start", "end", "input", "input_sha256", "input_size", "kind", "segment",
		"model", "region", "source_lang", "target_lang", "modalities", "voice", "status", "http_status",
		"error_code", "request_id", "prompt_audio_tokens", "prompt_video_tokens", "prompt_text_tokens",
		"completion_text_tokens", "completion_audio_tokens", "total_tokens", "cost", "currency", "outputs"})
	for _, r := range rows {
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
