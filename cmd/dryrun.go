package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/split"
)

// dryRun shows, for each input, how it would be sent (whole, re-encoded, or which segments),
// with sizes, estimated tokens and cost, and the totals, without sending anything.
func (a *app) dryRun(ctx context.Context, s *settings, opts *translateOptions, items []batch.Item) error {
	prices, err := loadPrices(a)
	if err != nil {
		return err
	}
	region := pricing.RegionOfBaseURL(s.baseURL)
	speech := opts.AudioOut != "" || opts.Speech || opts.Dub != ""
	j := a.newPipeline(s, opts)
	rows := make([]dryRow, 0, len(items))
	for _, it := range items {
		r, err := a.planOne(ctx, j, it, speech, prices, region, s.model)
		if ctx.Err() != nil {
			return ctx.Err() // interrupted: exit 130, no table
		}
		r.err = err
		rows = append(rows, r)
	}
	switch s.format {
	case "json":
		err = writeJSON(a.io.Out, a.planJSON(s, rows))
	case "jsonl": // the same document, on one line
		err = json.NewEncoder(a.io.Out).Encode(a.planJSON(s, rows))
	default:
		for _, r := range rows {
			if r.err != nil {
				fmt.Fprint(a.io.Err, a.redact(fmt.Sprintf("livetranslate: error: %s\n", message(r.err))))
			}
		}
		err = printPlan(a.io.Out, rows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.io.Err, "livetranslate: dry run: nothing was sent; costs are estimates from the price table (%s, %s)\n", prices.Source, prices.AsOf)
	failed := 0
	for _, r := range rows {
		if r.err != nil {
			failed++
		}
	}
	switch {
	case failed == 0:
		return nil
	case failed < len(rows):
		return &silentExit{code: exitPartial} // as the real run would: some inputs cannot be sent
	}
	return &silentExit{code: exitUsage}
}

// dryRow is what the dry run found of one input.
type dryRow struct {
	name, kind, format string
	url                bool
	size               int64
	plan               *split.Plan
	tok                pricing.Tokens
	cost               float64
	currency           string
	priced             bool
	err                error
}

// planOne resolves and plans one input without sending anything.
func (a *app) planOne(ctx context.Context, j *pipeline.Pipeline, it batch.Item, speech bool, prices *pricing.Table, region, model string) (dryRow, error) {
	r := dryRow{name: it.Name}
	in, err := j.Resolve(ctx, it)
	if err != nil {
		return r, err
	}
	defer in.Close()
	plan, err := j.DryPlan(ctx, in, speech)
	if err != nil {
		return r, err
	}
	plan.Cleanup()
	r.kind, r.format, r.url, r.size, r.plan = fmt.Sprint(in.Kind), in.Format, in.URL != "", in.Size, plan
	for _, seg := range plan.Segments {
		r.tok = addTokens(r.tok, segmentTokens(seg, speech))
	}
	r.cost, r.currency, r.priced = prices.Estimate(region, model, r.tok)
	if r.url && plan.Duration <= 0 {
		r.priced = false // a URL's length is not known here: its cost is unknown, not zero
	}
	return r, nil
}

// planTotal is the sum of the inputs a dry run can send.
type planTotal struct {
	inputs, failed, requests int
	size                     int64
	tok                      pricing.Tokens
	// cost is the sum of the priced inputs' costs in currency ("" when they are in several);
	// allPriced says whether every input was priced.
	cost      float64
	currency  string
	allPriced bool
}

func totalOf(rows []dryRow) planTotal {
	t := planTotal{allPriced: true}
	mixed := false
	for _, r := range rows {
		if r.err != nil {
			t.failed++
			continue
		}
		t.inputs++
		t.requests += len(r.plan.Segments)
		t.tok = addTokens(t.tok, r.tok)
		if !r.url {
			t.size += r.size
		}
		switch {
		case !r.priced:
			t.allPriced = false
		case t.currency == "" || t.currency == r.currency:
			t.cost, t.currency = t.cost+r.cost, r.currency
		default:
			mixed = true
		}
	}
	if mixed {
		t.currency, t.allPriced = "", false
	}
	return t
}

// printPlan writes the dry run's table: an input a row (its speech share, and its segments when
// it is split), then the total of the inputs that can be sent.
func printPlan(w io.Writer, rows []dryRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INPUT\tKIND\tFORMAT\tSIZE\tDURATION\tREQUESTS\tEST. INPUT TOKENS\tEST. OUTPUT TOKENS\tEST. COST")
	for _, r := range rows {
		if r.err != nil {
			continue
		}
		plan := r.plan
		costText := "unknown"
		if r.priced {
			costText = fmt.Sprintf("%.4f %s", r.cost, r.currency)
		}
		size, dur := "-", "unknown"
		if !r.url {
			size = fmt.Sprint(r.size)
		}
		if plan.Duration > 0 {
			dur = clockText(plan.Duration)
		}
		how := fmt.Sprint(len(plan.Segments))
		switch {
		case plan.NoSpeech:
			how += " (no speech)"
		case plan.Reencoded:
			how += " (re-encoded)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", shownName(r.name), r.kind, r.format, size, dur, how,
			r.tok.InputAudio+r.tok.InputVideo, r.tok.OutputText+r.tok.OutputAudio, costText)
		if rep := plan.Speech; rep != nil {
			// What the pause finder heard: the share of speech, and its levels.
			fmt.Fprintf(tw, "  speech %.0f%%\tfloor %.0f dB\tthreshold %.0f dB\t\t%s\t\t\t\t\n", 100*rep.SpeechShare(),
				rep.NoiseFloor, rep.Threshold, clockText(rep.Speech))
		}
		if len(plan.Segments) > 1 || plan.Split {
			for _, seg := range plan.Segments {
				fmt.Fprintf(tw, "  segment %d\t%s–%s\t\t~%d\t%s\t\t%d\t%d\t\n", seg.Index+1, clockText(seg.Start), clockText(seg.End),
					seg.Size, clockText(seg.Duration()), seg.EstInputTokens, seg.EstOutputTokens)
			}
		}
	}
	t := totalOf(rows)
	fmt.Fprintf(tw, "TOTAL %d inputs\t\t\t%d\t\t%d\t%d\t%d\t%.4f %s\n", t.inputs, t.size, t.requests,
		t.tok.InputAudio+t.tok.InputVideo, t.tok.OutputText+t.tok.OutputAudio, t.cost, t.currency)
	return tw.Flush()
}

// segmentTokens splits a segment's estimated tokens into the kinds the price table prices.
func segmentTokens(seg split.Segment, speech bool) pricing.Tokens {
	d := seg.Duration()
	audioIn := int64(split.AudioTokens(d))
	if seg.EstInputTokens == 0 || audioIn > int64(seg.EstInputTokens) {
		audioIn = int64(seg.EstInputTokens)
	}
	t := pricing.Tokens{InputAudio: audioIn, InputVideo: int64(seg.EstInputTokens) - audioIn}
	text := int64(split.OutputTokens(d, false))
	if speech {
		t.OutputAudio = int64(seg.EstOutputTokens) - text
	}
	t.OutputText = min(text, int64(seg.EstOutputTokens))
	return t
}

func addTokens(a, b pricing.Tokens) pricing.Tokens {
	return pricing.Tokens{InputAudio: a.InputAudio + b.InputAudio, InputVideo: a.InputVideo + b.InputVideo,
		InputText: a.InputText + b.InputText, OutputText: a.OutputText + b.OutputText, OutputAudio: a.OutputAudio + b.OutputAudio}
}

// clockText prints a position as m:ss.s or h:mm:ss.
func clockText(d time.Duration) string {
	if d.Round(100*time.Millisecond) >= time.Hour {
		d = d.Round(time.Second)
		return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	}
	// Rounded to the tenth first, so 24:59.96 reads 25:00.0, not 24:60.0.
	tenths := int64(d.Round(100*time.Millisecond) / (100 * time.Millisecond))
	return fmt.Sprintf("%d:%02d.%d", tenths/600, tenths/10%60, tenths%10)
}
