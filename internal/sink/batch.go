package sink

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/pipeline"
)

// Outcome is how one input of a batch ended.
type Outcome struct {
	Status string           // StatusTranslated, StatusSkipped or StatusFailed
	Err    error            // why it failed
	Result *pipeline.Result // what was translated
}

// Translated is the outcome of an input translated in full.
func Translated(tr *pipeline.Result) Outcome { return Outcome{Status: StatusTranslated, Result: tr} }

// Failed is the outcome of an input that failed.
func Failed(err error) Outcome { return Outcome{Status: StatusFailed, Err: err} }

// Truncated reports whether the translation was cut short at the output limit.
func (o Outcome) Truncated() bool { return o.Result != nil && o.Result.FinishReason == "length" }

// Tally is a batch's outcomes counted. An input that failed because the run was stopped is not
// done rather than failed.
type Tally struct {
	Translated, Skipped, Failed, NotDone, Truncated int
	Cached                                          int // of the translated: answered from the cache
	Usage                                           api.Usage
	Cost                                            float64
	Currency                                        string    // "" when nothing was priced; "mixed currencies"
	Failures                                        []Outcome // the failed, in input order
}

// Count tallies outcomes; stopped tells an error of a stopped run.
func Count(outcomes []Outcome, stopped func(error) bool) Tally {
	var t Tally
	for _, o := range outcomes {
		switch {
		case o.Status == StatusTranslated:
			t.translated(o)
		case o.Status == StatusSkipped:
			t.Skipped++
		case o.Status == StatusFailed && !stopped(o.Err):
			t.Failed++
			t.Failures = append(t.Failures, o)
		default:
			t.NotDone++
		}
	}
	return t
}

func (t *Tally) translated(o Outcome) {
	t.Translated++
	if o.Truncated() {
		t.Truncated++
	}
	tr := o.Result
	if tr == nil {
		return
	}
	if tr.Cached {
		t.Cached++
	}
	if u := tr.PaidUsage(); u != nil {
		t.Usage.Add(*u) // the tokens this run paid for
	}
	if tr.EstimatedCost != nil {
		t.Cost += *tr.EstimatedCost
		if t.Currency == "" || t.Currency == tr.Currency {
			t.Currency = tr.Currency
		} else {
			t.Currency = "mixed currencies"
		}
	}
}

// Line is the batch's summary: "3 translated, 0 skipped, 1 failed[, 2 not done]; 1200 tokens
// (estimated 0.0123 CNY); 4.5s[; how rate limits slowed it]".
func (t Tally) Line(elapsed time.Duration, paced string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d translated", t.Translated)
	if t.Cached > 0 {
		fmt.Fprintf(&b, " (%d from the cache)", t.Cached)
	}
	fmt.Fprintf(&b, ", %d skipped, %d failed", t.Skipped, t.Failed)
	if t.NotDone > 0 {
		fmt.Fprintf(&b, ", %d not done", t.NotDone)
	}
	fmt.Fprintf(&b, "; %d tokens", t.Usage.TotalTokens)
	if t.Currency != "" {
		fmt.Fprintf(&b, " (estimated %.4f %s)", t.Cost, t.Currency)
	}
	fmt.Fprintf(&b, "; %s", elapsed.Round(10*time.Millisecond))
	if paced != "" {
		fmt.Fprintf(&b, "; %s", paced)
	}
	return b.String()
}

// BatchDocument is the one JSON document of a batch printed to stdout: every input in the order
// given (names), into each target language in turn (targets, beside names), with its result or
// its error (failed words it), and the summary. model is the run's, for the inputs not translated.
func BatchDocument(names, targets []string, outcomes []Outcome, stopped func(error) bool, elapsed time.Duration,
	failed func(name string, err error) Result, model string) Batch {
	doc := Batch{SchemaVersion: SchemaVersion, Results: make([]Result, len(names))}
	sum := &doc.Summary
	sum.Inputs, sum.ElapsedSeconds = len(names), RoundMillis(elapsed.Seconds())
	var cost float64
	priced := true
	for i, o := range outcomes {
		name, target := names[i], targets[i]
		switch {
		case o.Status == StatusTranslated && o.Result != nil:
			tr := o.Result
			doc.Results[i] = ResultOf(tr)
			sum.Translated++
			if tr.Cached {
				sum.Cached++
			}
			if u := tr.PaidUsage(); u != nil {
				sum.TotalTokens += u.TotalTokens
			}
			if tr.EstimatedCost != nil && (sum.Currency == "" || sum.Currency == tr.Currency) {
				cost, sum.Currency = cost+*tr.EstimatedCost, tr.Currency
			} else {
				priced = false
			}
		case o.Status == StatusFailed && !stopped(o.Err):
			doc.Results[i] = failed(name, o.Err)
			doc.Results[i].TargetLanguage = target
			sum.Failed++
		case o.Status == StatusSkipped:
			doc.Results[i] = Result{Input: name, Status: StatusSkipped, Model: model, TargetLanguage: target}
			sum.Skipped++
		default:
			doc.Results[i] = Result{Input: name, Status: StatusNotRun, Model: model, TargetLanguage: target}
			sum.NotRun++
		}
	}
	if priced && sum.Currency != "" {
		cost = math.Round(cost*1e6) / 1e6
		sum.EstimatedCost = &cost
	} else {
		sum.Currency = ""
	}
	return doc
}
