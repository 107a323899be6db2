package api

// Usage is the token usage the service reports in the last chunk of a stream (with
// include_usage) or in a non-streamed response. It mirrors the API's object; counts the API sends
// as null decode as 0, except the fields that are always null today, which stay pointers so that
// re-encoding gives the API's shape back.
type Usage struct {
	PromptTokens            int                      `json:"prompt_tokens"`
	CompletionTokens        int                      `json:"completion_tokens"`
	TotalTokens             int                      `json:"total_tokens"`
	CompletionTokensDetails *CompletionTokensDetails `json:"completion_tokens_details,omitempty"`
	PromptTokensDetails     *PromptTokensDetails     `json:"prompt_tokens_details,omitempty"`
}

// CompletionTokensDetails splits the output tokens into speech and text.
type CompletionTokensDetails struct {
	AudioTokens              int  `json:"audio_tokens"`
	TextTokens               int  `json:"text_tokens"`
	ReasoningTokens          *int `json:"reasoning_tokens"`
	AcceptedPredictionTokens *int `json:"accepted_prediction_tokens"`
	RejectedPredictionTokens *int `json:"rejected_prediction_tokens"`
}

// PromptTokensDetails splits the input tokens. For video input AudioTokens counts the
// soundtrack and VideoTokens the pictures; VideoTokens is 0 (null in the API) for audio input.
type PromptTokensDetails struct {
	AudioTokens  int  `json:"audio_tokens"`
	TextTokens   int  `json:"text_tokens"`
	VideoTokens  int  `json:"video_tokens"`
	CachedTokens *int `json:"cached_tokens"`
}

// Add adds u to the receiver, field by field; an input split into segments is reported as the
// sum of its requests. A details object or nullable count present on either side is present in
// the sum.
func (s *Usage) Add(u Usage) {
	s.PromptTokens += u.PromptTokens
	s.CompletionTokens += u.CompletionTokens
	s.TotalTokens += u.TotalTokens
	if u.CompletionTokensDetails != nil {
		if s.CompletionTokensDetails == nil {
			s.CompletionTokensDetails = &CompletionTokensDetails{}
		}
		d, o := s.CompletionTokensDetails, u.CompletionTokensDetails
		d.AudioTokens += o.AudioTokens
		d.TextTokens += o.TextTokens
		d.ReasoningTokens = addCount(d.ReasoningTokens, o.ReasoningTokens)
		d.AcceptedPredictionTokens = addCount(d.AcceptedPredictionTokens, o.AcceptedPredictionTokens)
		d.RejectedPredictionTokens = addCount(d.RejectedPredictionTokens, o.RejectedPredictionTokens)
	}
	if u.PromptTokensDetails != nil {
		if s.PromptTokensDetails == nil {
			s.PromptTokensDetails = &PromptTokensDetails{}
		}
		d, o := s.PromptTokensDetails, u.PromptTokensDetails
		d.AudioTokens += o.AudioTokens
		d.TextTokens += o.TextTokens
		d.VideoTokens += o.VideoTokens
		d.CachedTokens = addCount(d.CachedTokens, o.CachedTokens)
	}
}

// addCount sums two nullable counts into a new value, so the sum never aliases an operand.
func addCount(a, b *int) *int {
	if a == nil && b == nil {
		return nil
	}
	n := 0
	if a != nil {
		n += *a
	}
	if b != nil {
		n += *b
	}
	return &n
}
