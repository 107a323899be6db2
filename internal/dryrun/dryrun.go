// Package dryrun says how the inputs of a run would be sent, without sending anything: each
// input resolved and planned as the pipeline would (whole, re-encoded, its segments or pieces),
// its size and length, the speech share the pause finder heard, and the tokens and cost the price
// table estimates; as a table, or as the plan's JSON document. The same plan, before a real run,
// holds its estimate to the run's cost cap.
package dryrun

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/bytesize"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/tables"
)

// Row is what the dry run found of one input.
type Row struct {
	Name, Kind, Format string
	URL                bool // a URL passed through: its size is not known here
	Size               int64
	Plan               *split.Plan
	Tokens             pricing.Tokens
	Cost               float64
	Currency           string
	Priced             bool
	Err                error // the input cannot be sent: why
	Targets            int   // the languages it is sent in, each time its whole plan
	// Cached counts the requests the result cache would answer: nothing sent, so neither their
	// tokens nor a cost are in Tokens and Cost. Only an input sent whole is looked for.
	Cached int
}

// Requests is how many requests the input makes: its plan's, once per target language.
func (r Row) Requests() int { return len(r.Plan.Segments) * max(r.Targets, 1) }

// Plan resolves and plans one input without sending anything, and prices it: the input is sent
// once per target language (targets, none meaning the run's), each time its whole plan, unless the
// result cache would answer (an input sent whole: priced at 0, counted in Cached).
func Plan(ctx context.Context, j *pipeline.Pipeline, it batch.Item, speech bool, targets []pipeline.Target, prices *pricing.Table, region, model string) (Row, error) {
	if len(targets) == 0 {
		targets = []pipeline.Target{{Lang: j.Settings.Request.TargetLang}}
	}
	r := Row{Name: it.Name, Targets: len(targets)}
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
	r.Kind, r.Format, r.URL, r.Size, r.Plan = fmt.Sprint(in.Kind), in.Format, in.URL != "", in.Size, plan
	for _, t := range targets {
		if j.CacheHolds(plan, speech, t) {
			r.Cached += len(plan.Segments)
			continue
		}
		for _, seg := range plan.Segments {
			r.Tokens = addTokens(r.Tokens, segmentTokens(seg, speech))
		}
	}
	r.Cost, r.Currency, r.Priced = prices.Estimate(region, model, r.Tokens)
	if r.URL && plan.Duration <= 0 {
		r.Priced = false // a URL's length is not known here: its cost is unknown, not zero
	}
	return r, nil
}

// Total is the sum of the inputs a dry run can send.
type Total struct {
	Inputs, Failed, Requests int
	Cached                   int // of the requests, those the result cache would answer
	Size                     int64
	Tokens                   pricing.Tokens
	// Cost is the sum of the priced inputs' costs in Currency ("" when they are in several);
	// AllPriced says whether every input was priced.
	Cost      float64
	Currency  string
	AllPriced bool
}

func TotalOf(rows []Row) Total {
	t := Total{AllPriced: true}
	mixed := false
	for _, r := range rows {
		if r.Err != nil {
			t.Failed++
			continue
		}
		t.Inputs++
		t.Requests += r.Requests()
		t.Cached += r.Cached
		t.Tokens = addTokens(t.Tokens, r.Tokens)
		if !r.URL {
			t.Size += r.Size
		}
		switch {
		case !r.Priced:
			t.AllPriced = false
		case t.Currency == "" || t.Currency == r.Currency:
			t.Cost, t.Currency = t.Cost+r.Cost, r.Currency
		default:
			mixed = true
		}
	}
	if mixed {
		t.Currency, t.AllPriced = "", false
	}
	return t
}

// Table writes the dry run's table: an input a row (its speech share, and its segments when
// it is split), then the total of the inputs that can be sent. Requests the result cache would
// answer are marked "cached", and not in the tokens and cost. Sizes are in binary units, as
// everywhere a size is printed for people; the JSON document has them in bytes.
func Table(w io.Writer, rows []Row) error {
	tw := tables.NewWriter(w)
	fmt.Fprintln(tw, "INPUT\tKIND\tFORMAT\tSIZE\tDURATION\tREQUESTS\tEST. INPUT TOKENS\tEST. OUTPUT TOKENS\tEST. COST")
	for _, r := range rows {
		if r.Err != nil {
			continue
		}
		plan := r.Plan
		costText := "unknown"
		if r.Priced {
			costText = fmt.Sprintf("%.4f %s", r.Cost, r.Currency)
		}
		size, dur := "-", "unknown"
		if !r.URL {
			size = bytesize.Text(r.Size)
		}
		if plan.Duration > 0 {
			dur = clockText(plan.Duration)
		}
		how := fmt.Sprint(r.Requests())
		switch {
		case plan.NoSpeech:
			how += " (no speech)"
		case r.Cached > 0 && r.Cached == r.Requests():
			how += " (cached)"
		case r.Cached > 0:
			how += fmt.Sprintf(" (%d cached)", r.Cached)
		case plan.Reencoded:
			how += " (re-encoded)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", sink.ShownName(r.Name), r.Kind, r.Format, size, dur, how,
			r.Tokens.InputAudio+r.Tokens.InputVideo, r.Tokens.OutputText+r.Tokens.OutputAudio, costText)
		if rep := plan.Speech; rep != nil {
			// What the pause finder heard: the share of speech, and its levels.
			fmt.Fprintf(tw, "  speech %.0f%%\tfloor %.0f dB\tthreshold %.0f dB\t\t%s\t\t\t\t\n", 100*rep.SpeechShare(),
				rep.NoiseFloor, rep.Threshold, clockText(rep.Speech))
		}
		if len(plan.Segments) > 1 || plan.Split {
			for _, seg := range plan.Segments {
				fmt.Fprintf(tw, "  segment %d\t%s–%s\t\t~%s\t%s\t\t%d\t%d\t\n", seg.Index+1, clockText(seg.Start), clockText(seg.End),
					bytesize.Text(seg.Size), clockText(seg.Duration()), seg.EstInputTokens, seg.EstOutputTokens)
			}
		}
	}
	t := TotalOf(rows)
	requests := fmt.Sprint(t.Requests)
	if t.Cached > 0 {
		requests += fmt.Sprintf(" (%d cached)", t.Cached)
	}
	fmt.Fprintf(tw, "TOTAL %d inputs\t\t\t%s\t\t%s\t%d\t%d\t%.4f %s\n", t.Inputs, bytesize.Text(t.Size), requests,
		t.Tokens.InputAudio+t.Tokens.InputVideo, t.Tokens.OutputText+t.Tokens.OutputAudio, t.Cost, t.Currency)
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
