package cmd

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
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
	j := a.newJob(s, opts)
	tw := tabwriter.NewWriter(a.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INPUT\tKIND\tFORMAT\tSIZE\tDURATION\tREQUESTS\tEST. INPUT TOKENS\tEST. OUTPUT TOKENS\tEST. COST")
	var total pricing.Tokens
	var totalSize int64
	var totalCost float64
	currency, failed, requests := "", 0, 0
	for _, it := range items {
		in, err := j.Resolve(ctx, it)
		if ctx.Err() != nil {
			in.Close()
			return ctx.Err() // interrupted: exit 130, no table
		}
		if err != nil {
			fmt.Fprintf(a.io.Err, "livetranslate: error: %v\n", err)
			failed++
			continue
		}
		plan, err := j.DryPlan(ctx, in, speech)
		if ctx.Err() != nil {
			in.Close()
			return ctx.Err()
		}
		if err != nil {
			in.Close()
			fmt.Fprintf(a.io.Err, "livetranslate: error: %v\n", err)
			failed++
			continue
		}
		var tok pricing.Tokens
		for _, seg := range plan.Segments {
			tok = addTokens(tok, segmentTokens(seg, speech))
		}
		cost, cur, ok := prices.Estimate(region, s.model, tok)
		costText := "unknown"
		if ok {
			costText = fmt.Sprintf("%.4f %s", cost, cur)
			totalCost += cost
			currency = cur
		}
		size, dur := "-", "unknown"
		if in.URL == "" {
			size = fmt.Sprint(in.Size)
			totalSize += in.Size
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", it.Name, in.Kind, in.Format, size, dur, how,
			tok.InputAudio+tok.InputVideo, tok.OutputText+tok.OutputAudio, costText)
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
		requests += len(plan.Segments)
		total = addTokens(total, tok)
		plan.Cleanup()
		in.Close()
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(tw, "TOTAL %d inputs\t\t\t%d\t\t%d\t%d\t%d\t%.4f %s\n", len(items), totalSize, requests,
		total.InputAudio+total.InputVideo, total.OutputText+total.OutputAudio, totalCost, currency)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.io.Err, "livetranslate: dry run: nothing was sent; costs are estimates from the price table (%s, %s)\n", prices.Source, prices.AsOf)
	if failed > 0 {
		return &silentExit{code: exitUsage}
	}
	return nil
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
