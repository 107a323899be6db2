// Package sink writes an input's results where they go, in the formats the command offers:
// text as it arrives, JSON Lines events, the JSON document (one input's, a batch's, a dry run's
// plan), subtitles timed to each piece of speech, one line a piece. Each writer is a
// pipeline.Sink, fed in source order; Finish ends the output with what only the end knows.
package sink

import (
	"fmt"
	"math"
	"strings"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/pipeline"
)

// The JSON that --format json and jsonl print, defined once (docs/json.md describes it and
// docs/livetranslate.schema.json validates it): fields that are always there, fields left out when
// they do not apply, never a null, and a schema_version that changes only when a field's meaning
// does. Adding a field is not a new version.
const SchemaVersion = 1

// Result statuses.
const (
	StatusTranslated = "translated"
	StatusSkipped    = "skipped"
	StatusFailed     = "failed"
	StatusNotRun     = "not_run"
)

// Result is one input's outcome: the whole document of a one-input run (with SchemaVersion),
// an element of a batch's results, a done event's result, or a NAME.<code>.json file.
type Result struct {
	SchemaVersion  int        `json:"schema_version,omitempty"`
	Input          string     `json:"input"`
	Status         string     `json:"status"`
	Kind           string     `json:"kind,omitempty"`
	InputFormat    string     `json:"input_format,omitempty"`
	Model          string     `json:"model"`
	SourceLanguage string     `json:"source_language,omitempty"` // left out when detected
	TargetLanguage string     `json:"target_language"`
	Text           *string    `json:"text,omitempty"`      // always there when translated
	NoSpeech       bool       `json:"no_speech,omitempty"` // nobody speaks in it: nothing was sent
	FinishReason   string     `json:"finish_reason,omitempty"`
	Usage          *Usage     `json:"usage,omitempty"` // left out when the service sent none
	EstimatedCost  *float64   `json:"estimated_cost,omitempty"`
	Currency       string     `json:"currency,omitempty"`
	RequestID      string     `json:"request_id,omitempty"`
	AudioFile      string     `json:"audio_file,omitempty"`
	AudioSeconds   *float64   `json:"audio_seconds,omitempty"`
	DubFile        string     `json:"dub_file,omitempty"`
	Cached         bool       `json:"cached,omitempty"`
	Segments       []Segment  `json:"segments,omitempty"`
	ElapsedSeconds *float64   `json:"elapsed_seconds,omitempty"`
	Error          *ErrorInfo `json:"error,omitempty"`
}

// Usage is the service's token counts, every field a number.
type Usage struct {
	PromptTokens            int               `json:"prompt_tokens"`
	CompletionTokens        int               `json:"completion_tokens"`
	TotalTokens             int               `json:"total_tokens"`
	PromptTokensDetails     PromptDetails     `json:"prompt_tokens_details"`
	CompletionTokensDetails CompletionDetails `json:"completion_tokens_details"`
}

type PromptDetails struct {
	AudioTokens int `json:"audio_tokens"`
	VideoTokens int `json:"video_tokens"`
	TextTokens  int `json:"text_tokens"`
}

type CompletionDetails struct {
	AudioTokens int `json:"audio_tokens"`
	TextTokens  int `json:"text_tokens"`
}

// Segment is one request of an input that was split (or one piece of timed output).
type Segment struct {
	Index        int     `json:"index"`
	Start        float64 `json:"start_seconds"`
	End          float64 `json:"end_seconds"`
	RequestID    string  `json:"request_id,omitempty"`
	FinishReason string  `json:"finish_reason,omitempty"`
	Usage        *Usage  `json:"usage,omitempty"`
	Text         string  `json:"text,omitempty"`
	Cached       bool    `json:"cached,omitempty"`
}

// ErrorInfo is why an input failed: code is the service's error code for a refused request,
// else the kind of failure (usage, configuration, failure, interrupted, truncated); exit_code is
// what a run of this input alone exits with.
type ErrorInfo struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	ExitCode   int    `json:"exit_code"`
	HTTPStatus int    `json:"http_status,omitempty"`
	RequestID  string `json:"request_id,omitempty"`
}

// Batch is the one document of a --format json run with several inputs to stdout.
type Batch struct {
	SchemaVersion int      `json:"schema_version"`
	Results       []Result `json:"results"` // every input, in the order given
	Summary       Summary  `json:"summary"`
}

type Summary struct {
	Inputs     int `json:"inputs"`
	Translated int `json:"translated"`
	// Cached counts the translated whose whole translation came from the local result cache
	// (nothing sent), as the text summary's "(N from the cache)".
	Cached         int      `json:"cached"`
	Skipped        int      `json:"skipped"`
	Failed         int      `json:"failed"`
	NotRun         int      `json:"not_run"`
	TotalTokens    int      `json:"total_tokens"`
	EstimatedCost  *float64 `json:"estimated_cost,omitempty"`
	Currency       string   `json:"currency,omitempty"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
}

// Event is one line of --format jsonl: text as it arrives, speech as it arrives (its size),
// the input's result when it is done, or its error.
type Event struct {
	SchemaVersion  int        `json:"schema_version"`
	Type           string     `json:"type"` // text, audio, done, error
	Input          string     `json:"input"`
	TargetLanguage string     `json:"target_language"`
	Text           *string    `json:"text,omitempty"`
	Bytes          int        `json:"bytes,omitempty"`
	Result         *Result    `json:"result,omitempty"`
	Error          *ErrorInfo `json:"error,omitempty"`
}

func NewEvent(typ, input, target string) Event {
	return Event{SchemaVersion: SchemaVersion, Type: typ, Input: input, TargetLanguage: target}
}

func UsageOf(u *api.Usage) *Usage {
	if u == nil {
		return nil
	}
	j := &Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
	if d := u.PromptTokensDetails; d != nil {
		j.PromptTokensDetails = PromptDetails{AudioTokens: d.AudioTokens, VideoTokens: d.VideoTokens, TextTokens: d.TextTokens}
	}
	if d := u.CompletionTokensDetails; d != nil {
		j.CompletionTokensDetails = CompletionDetails{AudioTokens: d.AudioTokens, TextTokens: d.TextTokens}
	}
	return j
}

// ResultOf is a translated input's result.
func ResultOf(tr *pipeline.Result) Result {
	text := tr.Text
	elapsed := tr.ElapsedSeconds
	r := Result{
		Input: tr.Input, Status: StatusTranslated, Kind: tr.Kind, InputFormat: tr.InputFormat,
		Model: tr.Model, TargetLanguage: tr.TargetLanguage, Text: &text, FinishReason: tr.FinishReason,
		Usage: UsageOf(tr.Usage), Currency: tr.Currency, RequestID: tr.RequestID,
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
	r.Cached = tr.Cached
	for _, sg := range tr.Segments {
		r.Segments = append(r.Segments, Segment{Index: sg.Index, Start: sg.Start, End: sg.End,
			RequestID: sg.RequestID, FinishReason: sg.FinishReason, Usage: UsageOf(sg.Usage), Text: sg.Text, Cached: sg.Cached})
	}
	return r
}

// Plan is --dry-run --format json: what would be sent, and nothing is.
type Plan struct {
	SchemaVersion int         `json:"schema_version"`
	DryRun        bool        `json:"dry_run"`
	Inputs        []PlanInput `json:"inputs"`
	Total         PlanTotal   `json:"total"`
}

type PlanInput struct {
	Input           string        `json:"input"`
	Status          string        `json:"status"` // planned, failed
	Kind            string        `json:"kind,omitempty"`
	InputFormat     string        `json:"input_format,omitempty"`
	SizeBytes       *int64        `json:"size_bytes,omitempty"`       // left out for a URL
	DurationSeconds *float64      `json:"duration_seconds,omitempty"` // left out when unknown
	Requests        int           `json:"requests"`
	Cached          int           `json:"cached,omitempty"` // of the requests, those the result cache would answer (priced at 0)
	NoSpeech        bool          `json:"no_speech,omitempty"`
	SpeechShare     *float64      `json:"speech_share,omitempty"`
	InputTokens     int           `json:"estimated_input_tokens"`
	OutputTokens    int           `json:"estimated_output_tokens"`
	EstimatedCost   *float64      `json:"estimated_cost,omitempty"`
	Currency        string        `json:"currency,omitempty"`
	Segments        []PlanSegment `json:"segments,omitempty"`
	Error           *ErrorInfo    `json:"error,omitempty"`
}

type PlanSegment struct {
	Index        int     `json:"index"`
	Start        float64 `json:"start_seconds"`
	End          float64 `json:"end_seconds"`
	InputTokens  int     `json:"estimated_input_tokens"`
	OutputTokens int     `json:"estimated_output_tokens"`
}

type PlanTotal struct {
	Inputs        int      `json:"inputs"`
	Failed        int      `json:"failed"`
	Requests      int      `json:"requests"`
	Cached        int      `json:"cached"` // of the requests, those the result cache would answer (priced at 0)
	SizeBytes     int64    `json:"size_bytes"`
	InputTokens   int      `json:"estimated_input_tokens"`
	OutputTokens  int      `json:"estimated_output_tokens"`
	EstimatedCost *float64 `json:"estimated_cost,omitempty"`
	Currency      string   `json:"currency,omitempty"`
}

// RoundMillis is a number of seconds to the millisecond (or a share to 0.001), as JSON shows it.
func RoundMillis(x float64) float64 { return math.Round(x*1000) / 1000 }

// UsageLine is what -v says of a translated input's tokens and request: "NAME: usage: prompt 107
// (audio 107, video 0, text 0), completion 20 (text 20, audio 0), total 127 tokens; request id
// ID"; "" when nothing was sent (nobody speaks in it).
func UsageLine(tr *pipeline.Result) string {
	switch {
	case tr.RequestID == "" && tr.Usage == nil:
		return ""
	case tr.Usage == nil:
		return fmt.Sprintf("%s: request id %s: the service sent no usage", tr.Input, tr.RequestID)
	}
	u := tr.Usage
	var b strings.Builder
	fmt.Fprintf(&b, "%s: usage: prompt %d", tr.Input, u.PromptTokens)
	if d := u.PromptTokensDetails; d != nil {
		fmt.Fprintf(&b, " (audio %d, video %d, text %d)", d.AudioTokens, d.VideoTokens, d.TextTokens)
	}
	fmt.Fprintf(&b, ", completion %d", u.CompletionTokens)
	if d := u.CompletionTokensDetails; d != nil {
		fmt.Fprintf(&b, " (text %d, audio %d)", d.TextTokens, d.AudioTokens)
	}
	fmt.Fprintf(&b, ", total %d tokens; request id %s", u.TotalTokens, tr.RequestID)
	return b.String()
}
