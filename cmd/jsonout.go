package cmd

import (
	"context"
	"errors"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/sink"
)

// failedJSON is the result of an input that failed (or, when ctx was cancelled, was not run).
func (a *app) failedJSON(input string, s *settings, err error) sink.Result {
	r := sink.Result{Input: input, Status: sink.StatusFailed, Model: s.model, TargetLanguage: s.to.Code, Error: errorJSON(err)}
	r.Error.Message = a.redact(r.Error.Message)
	if s.from != nil {
		r.SourceLanguage = s.from.Code
	}
	return r
}

func errorJSON(err error) *sink.ErrorInfo {
	code := exitCode(err)
	e := &sink.ErrorInfo{Message: message(err), ExitCode: code}
	var ae *api.Error
	switch {
	case errors.As(err, &ae):
		e.Code, e.HTTPStatus, e.RequestID = ae.Code, ae.StatusCode, ae.RequestID
		if e.Code == "" {
			e.Code = "http_error"
		}
	case errors.Is(err, context.Canceled):
		e.Code, e.Message = "interrupted", "interrupted" // as the error line says it
	default:
		e.Code = map[int]string{exitUsage: "usage", exitConfig: "configuration", exitTruncated: "truncated"}[code]
		if e.Code == "" {
			e.Code = "failure"
		}
	}
	return e
}

// roundMillis is a number of seconds to the millisecond, as JSON shows it.
func roundMillis(x float64) float64 { return sink.RoundMillis(x) }

// planJSON is the dry run's plan as JSON.
func (a *app) planJSON(s *settings, rows []dryRow) sink.Plan {
	t := totalOf(rows)
	doc := sink.Plan{SchemaVersion: sink.SchemaVersion, DryRun: true, Inputs: make([]sink.PlanInput, 0, len(rows)),
		Total: sink.PlanTotal{Inputs: t.inputs, Failed: t.failed, Requests: t.requests, SizeBytes: t.size,
			InputTokens: int(t.tok.InputAudio + t.tok.InputVideo), OutputTokens: int(t.tok.OutputText + t.tok.OutputAudio)}}
	if t.allPriced && t.currency != "" {
		c := roundCost(t.cost)
		doc.Total.EstimatedCost, doc.Total.Currency = &c, t.currency
	}
	for _, r := range rows {
		if r.err != nil {
			e := errorJSON(r.err)
			e.Message = a.redact(e.Message)
			doc.Inputs = append(doc.Inputs, sink.PlanInput{Input: r.name, Status: sink.StatusFailed, Error: e})
			continue
		}
		p := sink.PlanInput{Input: r.name, Status: "planned", Kind: r.kind, InputFormat: r.format,
			Requests: len(r.plan.Segments), NoSpeech: r.plan.NoSpeech,
			InputTokens: int(r.tok.InputAudio + r.tok.InputVideo), OutputTokens: int(r.tok.OutputText + r.tok.OutputAudio)}
		if !r.url {
			size := r.size
			p.SizeBytes = &size
		}
		if d := r.plan.Duration; d > 0 {
			sec := roundMillis(d.Seconds())
			p.DurationSeconds = &sec
		}
		if rep := r.plan.Speech; rep != nil {
			share := roundMillis(rep.SpeechShare())
			p.SpeechShare = &share
		}
		if r.priced {
			c := roundCost(r.cost)
			p.EstimatedCost, p.Currency = &c, r.currency
		}
		if len(r.plan.Segments) > 1 || r.plan.Split {
			for _, seg := range r.plan.Segments {
				p.Segments = append(p.Segments, sink.PlanSegment{Index: seg.Index, Start: roundMillis(seg.Start.Seconds()),
					End: roundMillis(seg.End.Seconds()), InputTokens: seg.EstInputTokens, OutputTokens: seg.EstOutputTokens})
			}
		}
		doc.Inputs = append(doc.Inputs, p)
	}
	return doc
}
