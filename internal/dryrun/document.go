package dryrun

import (
	"math"

	"github.com/livetranslate/livetranslate/internal/sink"
)

// roundCost is a cost to a millionth of its currency, as JSON shows it.
func roundCost(c float64) float64 { return math.Round(c*1e6) / 1e6 }

// Document is the dry run's plan as JSON; errorInfo says why an input cannot be sent.
func Document(rows []Row, errorInfo func(error) *sink.ErrorInfo) sink.Plan {
	t := TotalOf(rows)
	doc := sink.Plan{SchemaVersion: sink.SchemaVersion, DryRun: true, Inputs: make([]sink.PlanInput, 0, len(rows)),
		Total: sink.PlanTotal{Inputs: t.Inputs, Failed: t.Failed, Requests: t.Requests, Cached: t.Cached, SizeBytes: t.Size,
			InputTokens: int(t.Tokens.InputAudio + t.Tokens.InputVideo), OutputTokens: int(t.Tokens.OutputText + t.Tokens.OutputAudio)}}
	if t.AllPriced && t.Currency != "" {
		c := roundCost(t.Cost)
		doc.Total.EstimatedCost, doc.Total.Currency = &c, t.Currency
	}
	for _, r := range rows {
		if r.Err != nil {
			e := errorInfo(r.Err)
			doc.Inputs = append(doc.Inputs, sink.PlanInput{Input: r.Name, Status: sink.StatusFailed, Error: e})
			continue
		}
		p := sink.PlanInput{Input: r.Name, Status: "planned", Kind: r.Kind, InputFormat: r.Format,
			Requests: r.Requests(), Cached: r.Cached, NoSpeech: r.Plan.NoSpeech,
			InputTokens: int(r.Tokens.InputAudio + r.Tokens.InputVideo), OutputTokens: int(r.Tokens.OutputText + r.Tokens.OutputAudio)}
		if !r.URL {
			size := r.Size
			p.SizeBytes = &size
		}
		if d := r.Plan.Duration; d > 0 {
			sec := sink.RoundMillis(d.Seconds())
			p.DurationSeconds = &sec
		}
		if rep := r.Plan.Speech; rep != nil {
			share := sink.RoundMillis(rep.SpeechShare())
			p.SpeechShare = &share
		}
		if r.Priced {
			c := roundCost(r.Cost)
			p.EstimatedCost, p.Currency = &c, r.Currency
		}
		if len(r.Plan.Segments) > 1 || r.Plan.Split {
			for _, seg := range r.Plan.Segments {
				p.Segments = append(p.Segments, sink.PlanSegment{Index: seg.Index, Start: sink.RoundMillis(seg.Start.Seconds()),
					End: sink.RoundMillis(seg.End.Seconds()), InputTokens: seg.EstInputTokens, OutputTokens: seg.EstOutputTokens})
			}
		}
		doc.Inputs = append(doc.Inputs, p)
	}
	return doc
}
