package fakeapi

import (
	"bytes"
	"encoding/json"
)

// The emulator's own wire structs. Field order is the reference's, because
// encoding/json writes struct fields in declaration order and tests compare
// bytes.

type chunk struct {
	ID      string        `json:"id"`
	Choices []chunkChoice `json:"choices"`
	Created int64         `json:"created"`
	Model   string        `json:"model"`
	Object  string        `json:"object"`
	Usage   *usage        `json:"usage,omitempty"`
}

type chunkChoice struct {
	Delta        any     `json:"delta"` // *delta, or emptyDelta on the finishing chunk
	FinishReason *string `json:"finish_reason"`
	Index        int     `json:"index"`
}

type delta struct {
	Content *string     `json:"content"`
	Role    *string     `json:"role"`
	Audio   *audioDelta `json:"audio"`
}

// emptyDelta marshals as {} (the OpenAI shape of the finishing chunk).
type emptyDelta struct{}

type audioDelta struct {
	Data      string `json:"data"`
	ExpiresAt int64  `json:"expires_at"`
	ID        string `json:"id"`
}

type usage struct {
	CompletionTokens        int                     `json:"completion_tokens"`
	PromptTokens            int                     `json:"prompt_tokens"`
	TotalTokens             int                     `json:"total_tokens"`
	CompletionTokensDetails completionTokensDetails `json:"completion_tokens_details"`
	PromptTokensDetails     promptTokensDetails     `json:"prompt_tokens_details"`
}

type completionTokensDetails struct {
	AcceptedPredictionTokens *int `json:"accepted_prediction_tokens"`
	AudioTokens              int  `json:"audio_tokens"`
	ReasoningTokens          *int `json:"reasoning_tokens"`
	RejectedPredictionTokens *int `json:"rejected_prediction_tokens"`
	TextTokens               int  `json:"text_tokens"`
}

type promptTokensDetails struct {
	AudioTokens  int  `json:"audio_tokens"`
	CachedTokens *int `json:"cached_tokens"`
	TextTokens   int  `json:"text_tokens"`
	VideoTokens  *int `json:"video_tokens"`
}

// completion is the non-streamed response.
type completion struct {
	ID      string             `json:"id"`
	Choices []completionChoice `json:"choices"`
	Created int64              `json:"created"`
	Model   string             `json:"model"`
	Object  string             `json:"object"`
	Usage   usage              `json:"usage"`
}

type completionChoice struct {
	FinishReason string            `json:"finish_reason"`
	Index        int               `json:"index"`
	Message      completionMessage `json:"message"`
}

type completionMessage struct {
	Role    string           `json:"role"`
	Content string           `json:"content"`
	Audio   *completionAudio `json:"audio"`
}

type completionAudio struct {
	Data      string `json:"data"`
	ID        string `json:"id"`
	ExpiresAt int64  `json:"expires_at"`
}

// errorBody is the vendor's error shape.
type errorBody struct {
	Error     errorObject `json:"error"`
	ID        string      `json:"id,omitempty"`
	RequestID string      `json:"request_id"`
}

type errorObject struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    string  `json:"code"`
}

// marshal encodes v without HTML escaping (the service writes '&' and '<'
// as they are) and without a trailing newline.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only the emulator's own structs are encoded here; failing to
		// encode them is a programming error.
		panic("fakeapi: encode response: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
