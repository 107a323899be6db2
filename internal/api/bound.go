package api

import (
	"fmt"
	"strings"
)

// What one response may deliver. The service's output cap is 4,096 tokens, text and speech
// together (max_tokens lowers it), so a response that delivers much more than that cap can
// produce is not a translation running long but a server gone wrong (an endless stream): it is
// stopped as a *ProtocolError before it fills memory or disk. The bound is well past the cap,
// so that no real translation comes near it.
const (
	// DefaultMaxOutputTokens is the service's output cap, the bound when max_tokens is not sent.
	DefaultMaxOutputTokens = 4096
	// minBoundTokens is the least bound, whatever max_tokens says: a chunk of speech may run a
	// little past a small max_tokens.
	minBoundTokens = 64
	// textBytesPerToken is the most text counted as one token: 256 bytes, where a token of a
	// translation is 3 to 4 bytes of English or one Chinese character (3 bytes).
	textBytesPerToken = 256
	// speechBytesPerToken is the most speech counted as one token: four times its real size (a
	// token is 1/12.5 s of 24 kHz 16-bit PCM, 3,840 bytes).
	speechBytesPerToken = 4 * 3840
	// maxEventBytes bounds one event of the stream (one line, usually): 64 MiB, three times the
	// Base64 of the whole cap's speech (4,096 tokens are 328 s, 15.7 MB of PCM) in one chunk.
	maxEventBytes = 64 << 20
)

// outputBound counts what a response delivered against the bound of its request.
type outputBound struct {
	tokens       int
	text, speech int64
}

func newOutputBound(req *Request) *outputBound {
	tokens := DefaultMaxOutputTokens
	if req.Sampling.MaxTokens != nil && *req.Sampling.MaxTokens > 0 {
		tokens = *req.Sampling.MaxTokens
	}
	return &outputBound{tokens: max(tokens, minBoundTokens)}
}

// add counts ev and fails once the response has delivered more than its cap can hold, counted
// generously (textBytesPerToken, speechBytesPerToken). A nil bound allows anything.
func (b *outputBound) add(ev Event) error {
	if b == nil {
		return nil
	}
	b.text += int64(len(ev.Text))
	b.speech += int64(len(ev.Audio))
	if b.text*(speechBytesPerToken/textBytesPerToken)+b.speech <= int64(b.tokens)*speechBytesPerToken {
		return nil
	}
	var what []string
	if b.text > 0 {
		what = append(what, "text")
	}
	if b.speech > 0 {
		what = append(what, "speech")
	}
	return fmt.Errorf("the response ran past its output cap (more %s than %d output tokens can hold: %d bytes of text, %d of speech)",
		strings.Join(what, " and "), b.tokens, b.text, b.speech)
}
