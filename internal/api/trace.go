package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// redactedHeaders lists the headers whose values are secrets. Authorization keeps its scheme
// ("Bearer [redacted]"), which says what kind of credential was sent without giving it away.
var redactedHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Dashscope-Apikey"}

// RedactedHeader returns a copy of h fit to print: the values of Authorization and
// Proxy-Authorization become "<scheme> [redacted]" (e.g. "Bearer [redacted]"), those of
// Cookie, Set-Cookie and API-key headers "[redacted]". h is not changed; nil gives nil.
func RedactedHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	for _, name := range redactedHeaders {
		values := out.Values(name)
		if len(values) == 0 {
			continue
		}
		redacted := make([]string, len(values))
		for i, v := range values {
			redacted[i] = "[redacted]"
			if name == "Authorization" || name == "Proxy-Authorization" {
				if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && scheme != "" {
					redacted[i] = scheme + " [redacted]"
				}
			}
		}
		out[http.CanonicalHeaderKey(name)] = redacted
	}
	return out
}

// headerLine prints redacted headers on one line, sorted: "Accept: a; Authorization: Bearer [redacted]".
func headerLine(h http.Header) string {
	h = RedactedHeader(h)
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+oneLine(strings.Join(h[k], ", "), 200))
	}
	return strings.Join(parts, "; ")
}

// tracef sends one line to Trace, without the key whatever it was built from.
func (c *Client) tracef(format string, args ...any) {
	if c.Trace == nil {
		return
	}
	c.Trace(redact(oneLine(fmt.Sprintf(format, args...), 4000), c.APIKey))
}

// traceRequest: "request (attempt 1): POST https://…/chat/completions; Content-Length: 1234; Accept: …".
func (c *Client) traceRequest(r *http.Request, attempt int) {
	if c.Trace == nil {
		return
	}
	length := "unknown (chunked)"
	if r.ContentLength >= 0 {
		length = strconv.FormatInt(r.ContentLength, 10)
	}
	c.tracef("request (attempt %d): %s %s; Content-Length: %s; %s", attempt, r.Method, r.URL.Redacted(), length, headerLine(r.Header))
}

// traceResponse: "response after 120ms: HTTP 200 OK (request id r-1, content length unknown); Content-Type: …".
func (c *Client) traceResponse(resp *http.Response, requestID string, took time.Duration) {
	if c.Trace == nil {
		return
	}
	length := "unknown"
	if resp.ContentLength >= 0 {
		length = strconv.FormatInt(resp.ContentLength, 10)
	}
	if requestID == "" {
		requestID = "none"
	}
	c.tracef("response after %s: HTTP %s (request id %s, content length %s); %s", roundedDuration(took), resp.Status, requestID, length, headerLine(resp.Header))
}
