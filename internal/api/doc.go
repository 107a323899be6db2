// Package api is the HTTP client for qwen3-livetranslate-flash's OpenAI-compatible chat
// completions endpoint. It builds the request body while it is sent (the media is Base64-encoded
// from an io.Reader straight into the connection, so memory stays flat whatever the input size),
// reads the server-sent-event stream without bufio.Scanner's line limit (a single speech chunk
// can be megabytes; an event is bounded at 64 MiB), and hands each chunk to the caller as an Event carrying text and decoded PCM. It
// is also the one layer that retries: Client.Retry sends a request again, with exponential
// backoff and full jitter or the server's Retry-After, after a 429, a 5xx that may pass, a
// connection that failed, or a response that broke before any output was delivered (re-opening
// the media through Media.Open); a Throttle shared by a batch's clients spreads a rate limit to
// all of them, lowering how many requests are sent at once and retrying a 429 for as long as
// the run progresses; Client.IdleTimeout ends an attempt the server has gone silent on (data,
// not keep-alive comments, counts as the server speaking). What one response may deliver is
// bounded by its output cap, so an endless stream ends as a *ProtocolError. It never
// prints: retries are reported through a callback and requests through an optional trace with
// the key redacted. It knows nothing of files or terminals; errors from the service come back
// as *Error, malformed or truncated responses as *ProtocolError and output cut short as
// *BrokenStreamError, so a cut-short translation never passes as complete; a stream is
// complete once it has delivered its finish_reason, with or without data: [DONE].
package api
