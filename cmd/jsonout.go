package cmd

import (
	"context"
	"errors"
	"math"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/pipeline"
)

// The JSON that --format json and jsonl print, defined once (docs/json.md describes it and
// docs/livetranslate.schema.json validates it): fields that are always there, fields left out when
// they do not apply, never a null, and a schema_version that changes only when a field's meaning
// does. Adding a field is not a new version.
const schemaVersion = 1

// Result statuses.
const (
	statusTranslated = "translated"
	statusSkipped    = "skipped"
	statusFailed     = "failed"
	statusNotRun     = "not_run"
)

// jsonResult is one input's outcome: the whole document of a one-input run (with SchemaVersion),
// an element of a batch's results, a done event's result, or a NAME.<code>.json file.
type jsonResult struct {
	SchemaVersion  int            `json:"schema_version,omitempty"`
	Input          string         `json:"input"`
	Status         string         `json:"status"`
	Kind           string         `json:"kind,omitempty"`
	InputFormat    string         `json:"input_format,omitempty"`
	Model          string         `json:"model"`
	SourceLanguage string         `json:"source_language,omitempty"` // left out when detected
	TargetLanguage string         `json:"target_language"`
	Text           *string        `json:"text,omitempty"`      // always there when translated
	NoSpeech       bool           `json:"no_speech,omitempty"` // nobody speaks in it: nothing was sent
	FinishReason   string         `json:"finish_reason,omitempty"`
	Usage          *jsonUsage     `json:"usage,omitempty"` // left out when the service sent none
	EstimatedCost  *float64       `json:"estimated_cost,omitempty"`
	Currency       string         `json:"currency,omitempty"`
	RequestID      string         `json:"request_id,omitempty"`
	AudioFile      string         `json:"audio_file,omitempty"`
	AudioSeconds   *float64       `json:"audio_seconds,omitempty"`
	DubFile        string         `json:"dub_file,omitempty"`
	Segments       []jsonSegment  `json:"segments,omitempty"`
	ElapsedSeconds *float64       `json:"elapsed_seconds,omitempty"`
	Error          *jsonErrorInfo `json:"error,omitempty"`
}

// jsonUsage is the service's token counts, every field a number.
type jsonUsage struct {
	PromptTokens            int                   `json:"prompt_tokens"`
	CompletionTokens        int                   `json:"completion_tokens"`
	TotalTokens             int                   `json:"total_tokens"`
	PromptTokensDetails     jsonPromptDetails     `json:"prompt_tokens_details"`
	CompletionTokensDetails jsonCompletionDetails `json:"completion_tokens_details"`
}

type jsonPromptDetails struct {
	AudioTokens int `json:"audio_tokens"`
	VideoTokens int `json:"video_tokens"`
	TextTokens  int `json:"text_tokens"`
}

type jsonCompletionDetails struct {
	AudioTokens int `json:"audio_tokens"`
	TextTokens  int `json:"text_tokens"`
}

// jsonSegment is one request of an input that was split (or one piece of timed output).
type jsonSegment struct {
	Index        int        `json:"index"`
	Start        float64    `json:"start_seconds"`
	End          float64    `json:"end_seconds"`
	RequestID    string     `json:"request_id,omitempty"`
	FinishReason string     `json:"finish_reason,omitempty"`
	Usage        *jsonUsage `json:"usage,omitempty"`
	Text         string     `json:"text,omitempty"`
}

// jsonErrorInfo is why an input failed: code is the service's error code for a refused request,
// else the kind of failure (usage, configuration, failure, interrupted, truncated); exit_code is
// what a run of this input alone exits with.
type jsonErrorInfo struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	ExitCode   int    `json:"exit_code"`
	HTTPStatus int    `json:"http_status,omitempty"`
	RequestID  string `json:"request_id,omitempty"`
}

// jsonBatch is the one document of a --format json run with several inputs to stdout.
type jsonBatch struct {
	SchemaVersion int          `json:"schema_version"`
	Results       []jsonResult `json:"results"` // every input, in the order given
	Summary       jsonSummary  `json:"summary"`
}

type jsonSummary struct {
	Inputs         int      `json:"inputs"`
	Translated     int      `json:"translated"`
	Skipped        int      `json:"skipped"`
	Failed         int      `json:"failed"`
	NotRun         int      `json:"not_run"`
	TotalTokens    int      `json:"total_tokens"`
	EstimatedCost  *float64 `json:"estimated_cost,omitempty"`
	Currency       string   `json:"currency,omitempty"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
}

// jsonlEvent is one line of --format jsonl: text as it arrives, speech as it arrives (its size),
// the input's result when it is done, or its error.
type jsonlEvent struct {
	SchemaVersion  int            `json:"schema_version"`
	Type           string         `json:"type"` // text, audio, done, error
	Input          string         `json:"input"`
	TargetLanguage string         `json:"target_language"`
	Text           *string        `json:"text,omitempty"`
	Bytes          int            `json:"bytes,omitempty"`
	Result         *jsonResult    `json:"result,omitempty"`
	Error          *jsonErrorInfo `json:"error,omitempty"`
}

func newEvent(typ, input, target string) jsonlEvent {
	return jsonlEvent{SchemaVersion: schemaVersion, Type: typ, Input: input, TargetLanguage: target}
}

func tokensJSON(u *api.Usage) *jsonUsage {
	if u == nil {
		return nil
	}
	j := &jsonUsage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
	if d := u.PromptTokensDetails; d != nil {
		j.PromptTokensDetails = jsonPromptDetails{AudioTokens: d.AudioTokens, VideoTokens: d.VideoTokens, TextTokens: d.TextTokens}
	}
	if d := u.CompletionTokensDetails; d != nil {
		j.CompletionTokensDetails = jsonCompletionDetails{AudioTokens: d.AudioTokens, TextTokens: d.TextTokens}
	}
	return j
}

// resultJSON is a translated input's result.
func resultJSON(tr *pipeline.Result) jsonResult {
	text := tr.Text
	elapsed := tr.ElapsedSeconds
	r := jsonResult{
		Input: tr.Input, Status: statusTranslated, Kind: tr.Kind, InputFormat: tr.InputFormat,
		Model: tr.Model, TargetLanguage: tr.TargetLanguage, Text: &text, FinishReason: tr.FinishReason,
		Usage: tokensJSON(tr.Usage), Currency: tr.Currency, RequestID: tr.RequestID,
		AudioSeconds: tr.AudioSeconds, ElapsedSeconds: &elapsed,
	}
	if tr.SourceLanguage != nil {
		r.SourceLanguage = *tr.SourceLanguage
	}
	r.NoSpeech = tr.FinishReason == "" && tr.RequestID == "" && tr.Usage == nil
	if c := tr.EstimatedCost; c != nil && !math.IsNaN(*c) {
		r.EstimatedCost = c
	} else {
		r.Currency = ""
	}
	if tr.AudioFile != nil {
		r.AudioFile = *tr.AudioFile
	}
	if tr.DubFile != nil {
		r.DubFile = *tr.DubFile
	}
	for _, sg := range tr.Segments {
		r.Segments = append(r.Segments, jsonSegment{Index: sg.Index, Start: sg.Start, End: sg.End,
			RequestID: sg.RequestID, FinishReason: sg.FinishReason, Usage: tokensJSON(sg.Usage), Text: sg.Text})
	}
	return r
}

// failedJSON is the result of an input that failed (or, when ctx was cancelled, was not run).
func (a *app) failedJSON(input string, s *settings, err error) jsonResult {
	r := jsonResult{Input: input, Status: statusFailed, Model: s.model, TargetLanguage: s.to.Code, Error: errorJSON(err)}
	r.Error.Message = a.redact(r.Error.Message)
	if s.from != nil {
		r.SourceLanguage = s.from.Code
	}
	return r
}

func errorJSON(err error) *jsonErrorInfo {
	code := exitCode(err)
	e := &jsonErrorInfo{Message: message(err), ExitCode: code}
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

// jsonPlan is --dry-run --format json: what would be sent, and nothing is.
type jsonPlan struct {
	SchemaVersion int             `json:"schema_version"`
	DryRun        bool            `json:"dry_run"`
	Inputs        []jsonPlanInput `json:"inputs"`
	Total         jsonPlanTotal   `json:"total"`
}

type jsonPlanInput struct {
	Input           string            `json:"input"`
	Status          string            `json:"status"` // planned, failed
	Kind            string            `json:"kind,omitempty"`
	InputFormat     string            `json:"input_format,omitempty"`
	SizeBytes       *int64            `json:"size_bytes,omitempty"`       // left out for a URL
	DurationSeconds *float64          `json:"duration_seconds,omitempty"` // left out when unknown
	Requests        int               `json:"requests"`
	NoSpeech        bool              `json:"no_speech,omitempty"`
	SpeechShare     *float64          `json:"speech_share,omitempty"`
	InputTokens     int               `json:"estimated_input_tokens"`
	OutputTokens    int               `json:"estimated_output_tokens"`
	EstimatedCost   *float64          `json:"estimated_cost,omitempty"`
	Currency        string            `json:"currency,omitempty"`
	Segments        []jsonPlanSegment `json:"segments,omitempty"`
	Error           *jsonErrorInfo    `json:"error,omitempty"`
}

type jsonPlanSegment struct {
	Index        int     `json:"index"`
	Start        float64 `json:"start_seconds"`
	End          float64 `json:"end_seconds"`
	InputTokens  int     `json:"estimated_input_tokens"`
	OutputTokens int     `json:"estimated_output_tokens"`
}

type jsonPlanTotal struct {
	Inputs        int      `json:"inputs"`
	Failed        int      `json:"failed"`
	Requests      int      `json:"requests"`
	SizeBytes     int64    `json:"size_bytes"`
	InputTokens   int      `json:"estimated_input_tokens"`
	OutputTokens  int      `json:"estimated_output_tokens"`
	EstimatedCost *float64 `json:"estimated_cost,omitempty"`
	Currency      string   `json:"currency,omitempty"`
}

// roundMillis is a number of seconds to the millisecond (or a share to 0.001), as JSON shows it.
func roundMillis(x float64) float64 { return math.Round(x*1000) / 1000 }

// planJSON is the dry run's plan as JSON.
func (a *app) planJSON(s *settings, rows []dryRow) jsonPlan {
	t := totalOf(rows)
	doc := jsonPlan{SchemaVersion: schemaVersion, DryRun: true, Inputs: make([]jsonPlanInput, 0, len(rows)),
		Total: jsonPlanTotal{Inputs: t.inputs, Failed: t.failed, Requests: t.requests, SizeBytes: t.size,
			InputTokens: int(t.tok.InputAudio + t.tok.InputVideo), OutputTokens: int(t.tok.OutputText + t.tok.OutputAudio)}}
	if t.allPriced && t.currency != "" {
		c := roundCost(t.cost)
		doc.Total.EstimatedCost, doc.Total.Currency = &c, t.currency
	}
	for _, r := range rows {
		if r.err != nil {
			e := errorJSON(r.err)
			e.Message = a.redact(e.Message)
			doc.Inputs = append(doc.Inputs, jsonPlanInput{Input: r.name, Status: statusFailed, Error: e})
			continue
		}
		p := jsonPlanInput{Input: r.name, Status: "planned", Kind: r.kind, InputFormat: r.format,
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
				p.Segments = append(p.Segments, jsonPlanSegment{Index: seg.Index, Start: roundMillis(seg.Start.Seconds()),
					End: roundMillis(seg.End.Seconds()), InputTokens: seg.EstInputTokens, OutputTokens: seg.EstOutputTokens})
			}
		}
		doc.Inputs = append(doc.Inputs, p)
	}
	return doc
}
