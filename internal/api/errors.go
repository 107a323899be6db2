package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Error is an error reported by the service: a non-200 response, or an error object inside a
// 200 stream (InStream, StatusCode 200).
type Error struct {
	StatusCode int
	Code       string // e.g. "invalid_api_key", "data_inspection_failed", "Arrearage"
	Type       string // e.g. "invalid_request_error"
	Message    string // one line, trimmed
	Param      string
	RequestID  string
	InStream   bool
	RetryAfter time.Duration // from the Retry-After header (seconds or HTTP date); 0 when absent
}

// Error returns one line, e.g.
// `HTTP 401 invalid_api_key: Incorrect API key provided. (request id 7f3…)`.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.InStream {
		b.WriteString(" (error inside the response stream)")
	}
	switch {
	case e.Code != "":
		b.WriteString(" " + e.Code)
	case e.Type != "":
		b.WriteString(" " + e.Type)
	case !e.InStream && http.StatusText(e.StatusCode) != "":
		b.WriteString(" " + http.StatusText(e.StatusCode))
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var notes []string
	if e.Param != "" {
		notes = append(notes, "param "+e.Param)
	}
	if e.RequestID != "" {
		notes = append(notes, "request id "+e.RequestID)
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, "; ") + ")")
	}
	return b.String()
}

// Temporary reports whether the request may succeed if sent again later: rate limiting (429)
// and the server-side failures 500, 502, 503, 504. An error inside a stream is not: output was
// already produced.
func (e *Error) Temporary() bool {
	if e.InStream {
		return false
	}
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// reason is the error in a few words, for a retry notice: "HTTP 429 limit_requests".
func (e *Error) reason() string {
	switch {
	case e.Code != "":
		return fmt.Sprintf("HTTP %d %s", e.StatusCode, oneLine(e.Code, 40))
	case e.Type != "":
		return fmt.Sprintf("HTTP %d %s", e.StatusCode, oneLine(e.Type, 40))
	case http.StatusText(e.StatusCode) != "":
		return fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("HTTP %d", e.StatusCode)
}

// ProtocolError is a response that does not follow the protocol: malformed chunk JSON, a stream
// that ends before its finish_reason, an unexpected content type.
type ProtocolError struct {
	Msg       string
	RequestID string

	// truncated marks a response that ended early (before its finish_reason, an empty body) rather
	// than one that said something wrong: sent again, the request may well succeed.
	truncated bool
}

func (e *ProtocolError) Error() string {
	if e.RequestID != "" {
		return fmt.Sprintf("invalid response from the service: %s (request id %s)", e.Msg, e.RequestID)
	}
	return "invalid response from the service: " + e.Msg
}

// maxErrorBody bounds how much of an error response is read: enough for any JSON error, not so
// much that a proxy's endless page fills memory.
const maxErrorBody = 1 << 20

// errorFromResponse turns a non-200 response into an *Error. The body is read (up to
// maxErrorBody) but not closed.
func errorFromResponse(resp *http.Response, apiKey string) *Error {
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id")}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if !fillFromBody(e, body) {
		switch {
		case readErr != nil && len(bytes.TrimSpace(body)) == 0:
			e.Message = "reading the response body: " + readErr.Error()
		default:
			e.Message = unexpectedBody(resp.Header.Get("Content-Type"), body)
		}
	}
	redactError(e, apiKey)
	return e
}

// fillFromBody parses an error body, bare JSON or SSE-framed ("data: {…}"), into e. It reports
// false when the body holds no error object.
func fillFromBody(e *Error, body []byte) bool {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return fillFromJSON(e, trimmed)
	}
	sse := NewSSEReader(bytes.NewReader(body))
	for {
		ev, err := sse.Next()
		if err != nil {
			return false
		}
		if fillFromJSON(e, bytes.TrimSpace(ev.Data)) {
			return true
		}
	}
}

// errorEnvelope is the error body: OpenAI-compatible {"error":{…},"request_id"} or, from the
// native DashScope gateway, {"code","message","request_id"} at the top level.
type errorEnvelope struct {
	Error     json.RawMessage `json:"error"`
	RequestID looseString     `json:"request_id"`
	Code      looseString     `json:"code"`
	Message   looseString     `json:"message"`
}

type errorDetail struct {
	Message looseString `json:"message"`
	Type    looseString `json:"type"`
	Param   looseString `json:"param"`
	Code    looseString `json:"code"`
}

// fillFromJSON fills e from one JSON error document; false if it is not one.
func fillFromJSON(e *Error, doc []byte) bool {
	var env errorEnvelope
	if json.Unmarshal(doc, &env) != nil {
		return false
	}
	switch {
	case fillFromErrorValue(e, env.Error):
	case env.Code != "" || env.Message != "":
		e.Code, e.Message = oneLine(string(env.Code), 100), oneLine(string(env.Message), 500)
	default:
		return false
	}
	if env.RequestID != "" {
		e.RequestID = oneLine(string(env.RequestID), 100)
	}
	return true
}

// fillFromErrorValue fills e from the value of an "error" member: an object, or a bare string
// from some proxies. It reports false for null or absent.
func fillFromErrorValue(e *Error, raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return false
	}
	var d errorDetail
	if json.Unmarshal(raw, &d) == nil {
		e.Code, e.Type, e.Param, e.Message = string(d.Code), string(d.Type), string(d.Param), string(d.Message)
	} else {
		var s looseString
		_ = json.Unmarshal(raw, &s)
		e.Message = string(s)
	}
	e.Code, e.Type, e.Param = oneLine(e.Code, 100), oneLine(e.Type, 100), oneLine(e.Param, 100)
	e.Message = oneLine(e.Message, 500)
	return true
}

// unexpectedBody describes a body that is not an API error: an HTML page from a proxy, or
// nothing at all.
func unexpectedBody(contentType string, body []byte) string {
	ct := "no content type"
	if contentType != "" {
		ct = contentType
		if mt, _, err := mime.ParseMediaType(contentType); err == nil {
			ct = mt
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Sprintf("empty response body (%s)", oneLine(ct, 80))
	}
	if ct == "text/html" || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
		// A proxy's or gateway's page: its title (or its text) says more than its markup.
		return fmt.Sprintf("an HTML page instead of an API response (from a proxy or gateway?): %s", oneLine(htmlText(body), 80))
	}
	return fmt.Sprintf("unexpected response body (%s): %s", oneLine(ct, 80), oneLine(string(body), 80))
}

// htmlText returns the <title> of an HTML page if it has one, else its text without tags.
func htmlText(body []byte) string {
	lower := bytes.ToLower(body)
	if i := bytes.Index(lower, []byte("<title>")); i >= 0 {
		rest := body[i+len("<title>"):]
		if j := bytes.Index(bytes.ToLower(rest), []byte("</title>")); j >= 0 {
			if t := strings.TrimSpace(string(rest[:j])); t != "" {
				return t
			}
		}
	}
	var b strings.Builder
	inTag := false
	for _, r := range string(body) {
		switch {
		case r == '<':
			inTag = true
		case r == '>':
			inTag = false
			b.WriteByte(' ')
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine collapses whitespace runs (newlines included) to single spaces, drops other control
// characters and invalid UTF-8, trims, and cuts s to at most max runes with "…".
func oneLine(s string, max int) string {
	var b strings.Builder
	space, n := false, 0
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && !unicode.IsSpace(r)) {
			continue
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if n >= max {
			b.WriteString("…")
			break
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			n++
		}
		space = false
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// redactError removes the API key from everything the service sent back, in case it echoes it.
func redactError(e *Error, apiKey string) {
	e.Code, e.Type, e.Param = redact(e.Code, apiKey), redact(e.Type, apiKey), redact(e.Param, apiKey)
	e.Message, e.RequestID = redact(e.Message, apiKey), redact(e.RequestID, apiKey)
}

// redact takes the key out of s. A key shorter than 8 characters is no real key (an emulator's
// "K"), and replacing it would mangle words ("HTTP 200 O[API key]"): the command's own lines
// follow the same rule.
func redact(s, apiKey string) string {
	if len(apiKey) < 8 {
		return s
	}
	return strings.ReplaceAll(s, apiKey, "[API key]")
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date. 0 when absent,
// malformed or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second) // a day is as long as anyone should wait
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// looseString decodes a JSON string, null (""), or any other scalar as its text: error codes
// are sometimes numbers.
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = looseString(v)
	default:
		*s = looseString(b)
	}
	return nil
}
