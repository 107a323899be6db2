package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/livetranslate/livetranslate/internal/bytesize"
)

// Event is one decoded chunk of the response.
type Event struct {
	ID           string
	Text         string // delta.content ("" if null or absent)
	Audio        []byte // decoded PCM (24 kHz s16le mono) of this chunk's delta.audio.data; nil if none
	FinishReason string // "" while in progress
	Usage        *Usage
}

// Result is what is known of a response once it is complete.
type Result struct {
	ID           string // chatcmpl-… from the chunks
	RequestID    string // the x-request-id response header if present, else ""
	Model        string
	FinishReason string // "stop", or "length" when max_tokens cut the output short
	Usage        *Usage
	// Unterminated says how a stream that delivered its finish_reason ended without
	// data: [DONE] ("at the end of the response", "connection reset", …); "" when it ended with
	// it, or the response was not a stream. The translation is complete either way; the usage
	// chunk, which comes after the finish_reason, may be missing (Usage nil).
	Unterminated string
}

// chunk is a chat.completion.chunk, or a whole chat.completion when not streaming (message in
// place of delta). Error is set when the service reports a failure in its place.
type chunk struct {
	ID      string          `json:"id"`
	Model   string          `json:"model"`
	Choices []choice        `json:"choices"`
	Usage   *Usage          `json:"usage"`
	Error   json.RawMessage `json:"error"`

	RequestID looseString `json:"request_id"`
}

type choice struct {
	Delta        *message `json:"delta"`
	Message      *message `json:"message"`
	FinishReason *string  `json:"finish_reason"`
}

type message struct {
	Content textContent `json:"content"`
	Audio   *audioPart  `json:"audio"` // null in text chunks, or absent (the Chinese reference's examples)
}

type audioPart struct {
	Data pcmData `json:"data"` // absent in deltas that carry only a transcript
}

// markers counts the speech data of the chunk that held speechMarker.
func (c *chunk) markers() int {
	n := 0
	for _, ch := range c.Choices {
		for _, m := range []*message{ch.Delta, ch.Message} {
			if m != nil && m.Audio != nil && m.Audio.Data.marker {
				n++
			}
		}
	}
	return n
}

// hasError reports whether the chunk is an error object rather than content.
func (c *chunk) hasError() bool {
	raw := bytes.TrimSpace(c.Error)
	return len(raw) > 0 && string(raw) != "null"
}

// event returns the chunk as an Event. Only choices[0] is read: the service always sends one.
func (c *chunk) event() Event {
	ev := Event{ID: c.ID, Usage: c.Usage}
	if len(c.Choices) == 0 {
		return ev
	}
	ch := c.Choices[0]
	m := ch.Delta
	if m == nil {
		m = ch.Message
	}
	if m != nil {
		ev.Text = string(m.Content)
		if m.Audio != nil && len(m.Audio.Data.pcm) > 0 {
			ev.Audio = m.Audio.Data.pcm
		}
	}
	if ch.FinishReason != nil {
		ev.FinishReason = *ch.FinishReason
	}
	return ev
}

// record folds a chunk into the result.
func (r *Result) record(c *chunk, ev Event) {
	if c.ID != "" {
		r.ID = c.ID
	}
	if c.Model != "" {
		r.Model = c.Model
	}
	if ev.FinishReason != "" {
		r.FinishReason = ev.FinishReason
	}
	if ev.Usage != nil {
		r.Usage = ev.Usage
	}
}

// inStreamError is the *Error for an error object that came with HTTP 200.
func inStreamError(c *chunk, requestID, apiKey string, inStream bool) *Error {
	e := &Error{StatusCode: 200, InStream: inStream, RequestID: requestID}
	fillFromErrorValue(e, c.Error)
	if c.RequestID != "" {
		e.RequestID = oneLine(string(c.RequestID), 100)
	}
	redactError(e, apiKey)
	return e
}

// callbackError marks an error returned by the caller's onEvent, so it is passed on as it is
// rather than taken for a broken stream.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }
func (e *callbackError) Unwrap() error { return e.err }

// readStream decodes an SSE response body, calling onEvent for every chunk, and fills res. A
// stream is complete once it has delivered its finish_reason: the vendor's reference never
// mentions data: [DONE] (the OpenAI-compatible gateway sends it), so a stream that ends after its
// finish_reason without it, cleanly or not, is complete, and res.Unterminated says how it ended.
// One that ends before its finish_reason is a *ProtocolError (or the read error), because a
// truncated translation must never pass as complete.
//
// progress is called as data arrives (not keep-alive comments); bound stops a response that
// delivers more than its request's output cap can hold.
func readStream(body io.Reader, res *Result, apiKey string, progress func(), bound *outputBound, onEvent func(Event) error) error {
	sse := NewSSEReader(body)
	sse.MaxEvent, sse.OnData = maxEventBytes, progress
	n := 0
	var scratch []byte // decodeChunk's, reused for every chunk
	for {
		sev, err := sse.Next()
		if err != nil && res.FinishReason != "" {
			res.Unterminated = "at the end of the response"
			if err != io.EOF {
				res.Unterminated, _ = transportReason(err)
			}
			return nil
		}
		if err == io.EOF {
			return &ProtocolError{Msg: "the stream ended before its finish_reason; the translation may be incomplete", RequestID: res.RequestID, truncated: true}
		}
		if errors.Is(err, ErrEventTooLong) {
			return &ProtocolError{Msg: "an event of the stream is longer than " + bytesize.Text(maxEventBytes), RequestID: res.RequestID}
		}
		if err != nil {
			return fmt.Errorf("reading the response stream: %w", err)
		}
		data := bytes.TrimSpace(sev.Data)
		if len(data) == 0 {
			continue // an empty data line is a keep-alive at most
		}
		if sev.IsDone() {
			break
		}
		n++
		var c chunk
		if err := decodeChunk(data, &c, &scratch); err != nil {
			return &ProtocolError{
				Msg:       fmt.Sprintf("chunk %d is not valid JSON (%s): %s", n, jsonErrorText(err), redact(oneLine(string(data), 80), apiKey)),
				RequestID: res.RequestID,
			}
		}
		if c.hasError() {
			return inStreamError(&c, res.RequestID, apiKey, true)
		}
		ev := c.event()
		if err := bound.add(ev); err != nil {
			return &ProtocolError{Msg: err.Error(), RequestID: res.RequestID}
		}
		res.record(&c, ev)
		if onEvent != nil {
			if err := onEvent(ev); err != nil {
				return &callbackError{err}
			}
		}
	}
	if res.FinishReason == "" {
		return &ProtocolError{Msg: "the stream ended without a finish_reason; the translation may be incomplete", RequestID: res.RequestID}
	}
	return nil
}

// maxCompletionBody bounds a non-streamed response. The largest legitimate one, 4,096 output
// tokens of speech (about 330 s of 24 kHz PCM), is about 21 MB of Base64.
const maxCompletionBody = 256 << 20

// readCompletion decodes a non-streamed chat.completion and calls onEvent once with its text,
// speech, finish reason and usage, unless it holds more than bound allows.
func readCompletion(body io.Reader, res *Result, apiKey string, bound *outputBound, onEvent func(Event) error) error {
	limited := &io.LimitedReader{R: body, N: maxCompletionBody + 1}
	src := &readErrorReader{r: limited}
	var c chunk
	err := json.NewDecoder(src).Decode(&c)
	if err == nil && c.markers() > 0 {
		err = errMarkerData
	}
	if err != nil {
		switch {
		case src.err != nil:
			return fmt.Errorf("reading the response: %w", src.err)
		case limited.N <= 0:
			return &ProtocolError{Msg: "the response is larger than " + bytesize.Text(maxCompletionBody), RequestID: res.RequestID}
		}
		return &ProtocolError{Msg: fmt.Sprintf("the response is not valid JSON (%s)", jsonErrorText(err)), RequestID: res.RequestID}
	}
	if c.hasError() {
		return inStreamError(&c, res.RequestID, apiKey, false)
	}
	if len(c.Choices) == 0 {
		return &ProtocolError{Msg: "the response has no choices", RequestID: res.RequestID}
	}
	ev := c.event()
	if err := bound.add(ev); err != nil {
		return &ProtocolError{Msg: err.Error(), RequestID: res.RequestID}
	}
	res.record(&c, ev)
	if res.FinishReason == "" {
		return &ProtocolError{Msg: "the response has no finish_reason; the translation may be incomplete", RequestID: res.RequestID}
	}
	if onEvent != nil {
		if err := onEvent(ev); err != nil {
			return &callbackError{err}
		}
	}
	return nil
}

// jsonErrorText is the JSON decoder's message without its "json: " prefix.
func jsonErrorText(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of JSON input"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// textContent is message content: a string, null, or (as some compatible endpoints send it) an
// array of {"type":"text","text":…} parts, joined.
type textContent string

func (t *textContent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
		return nil
	case b[0] == '[':
		var parts []struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		var s strings.Builder
		for _, p := range parts {
			s.WriteString(p.Text)
		}
		*t = textContent(s.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = textContent(s)
	return nil
}

// pcmData is one speech chunk's Base64, decoded on its own (never concatenated with its
// neighbours: each chunk carries its own padding). Padding is optional; null and "" are no audio.
type pcmData struct {
	pcm []byte
	// marker: the JSON held speechMarker, which decodeChunk puts where it cut the Base64 out.
	// From the service itself it is what it always was, a Base64 error (errMarkerData).
	marker bool
}

// speechMarker stands in for the Base64 that decodeChunk cut out of a chunk: a JSON-escaped NUL,
// which Base64 never holds.
const speechMarker = `\u0000`

// errMarkerData is what a speech data string of speechMarker from the service means, as it did
// before decodeChunk used it: a NUL is not Base64.
var errMarkerData = fmt.Errorf("speech data is not valid Base64: %v", base64.CorruptInputError(0))

func (p *pcmData) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*p = pcmData{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("speech data is not a string")
	}
	s := b[1 : len(b)-1]
	if string(s) == speechMarker {
		*p = pcmData{marker: true}
		return nil
	}
	if bytes.IndexByte(s, '\\') >= 0 { // escapes are legal JSON, if unlikely in Base64
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		s = []byte(v)
	}
	pcm, err := decodePCM(s)
	if err != nil {
		return err
	}
	*p = pcmData{pcm: pcm}
	return nil
}

// decodePCM decodes one chunk's Base64, padded or not; nil for none.
func decodePCM(s []byte) ([]byte, error) {
	s = bytes.TrimRight(s, "=")
	if len(s) == 0 {
		return nil, nil
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(s)))
	n, err := base64.RawStdEncoding.Decode(out, s)
	if err != nil {
		return nil, fmt.Errorf("speech data is not valid Base64: %v", err)
	}
	return out[:n], nil
}

// audioDataKey precedes the Base64 of a speech chunk. In valid JSON these bytes, with their
// unescaped quotes, can only be a "data" key and the start of its string value.
var audioDataKey = []byte(`"data":"`)

// minCut is the shortest Base64 worth cutting out: below it encoding/json's scan costs less than
// the second, smaller unmarshal.
const minCut = 512

// decodeChunk unmarshals one chunk of the stream into c. A speech chunk is one long Base64
// string in a few hundred bytes of JSON, and encoding/json scans a string twice (validation,
// then decoding) before pcmData decodes it: two thirds of the response path's CPU
// (BenchmarkSSEAudio). So the string is cut out, the rest unmarshalled with speechMarker in its
// place, and the Base64 decoded directly, but only once the marker turns out to be exactly
// where speech belongs (choices[0].delta.audio.data) and the string is plain Base64: no escape,
// and no line break, which Go's Base64 decoder would skip but JSON refuses. Everything else
// takes the plain path, json.Unmarshal of the whole chunk, which is what a chunk means; the cut
// path gives the same result or falls back to it. scratch is reused between calls.
func decodeChunk(data []byte, c *chunk, scratch *[]byte) error {
	if i := bytes.Index(data, audioDataKey); i >= 0 {
		start := i + len(audioDataKey)
		if n := bytes.IndexByte(data[start:], '"'); n >= minCut {
			b64 := data[start : start+n]
			// Three IndexByte scans (vectorised) cost less than one ContainsAny.
			if bytes.IndexByte(b64, '\\') < 0 && bytes.IndexByte(b64, '\r') < 0 && bytes.IndexByte(b64, '\n') < 0 {
				rest := append((*scratch)[:0], data[:start]...)
				rest = append(rest, speechMarker...)
				rest = append(rest, data[start+n:]...)
				*scratch = rest
				var cut chunk
				if json.Unmarshal(rest, &cut) == nil && cut.markedAtSpeech() {
					if pcm, err := decodePCM(b64); err == nil {
						cut.Choices[0].Delta.Audio.Data = pcmData{pcm: pcm}
						*c = cut
						return nil
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, c); err != nil {
		return err
	}
	if c.markers() > 0 {
		return errMarkerData
	}
	return nil
}

// markedAtSpeech reports whether the chunk's one speechMarker is choices[0].delta.audio.data.
func (c *chunk) markedAtSpeech() bool {
	if len(c.Choices) == 0 {
		return false
	}
	d := c.Choices[0].Delta
	return d != nil && d.Audio != nil && d.Audio.Data.marker && c.markers() == 1
}
