// Package api is the HTTP client for qwen3-livetranslate-flash's OpenAI-compatible chat
// completions endpoint. It builds the request body while it is sent (the media is Base64-encoded
// from an io.Reader straight into the connection, so memory stays flat whatever the input size),
// reads the server-sent-event stream with no limit on line length (a single speech chunk can be
// megabytes), and hands each chunk to the caller as an Event carrying text and decoded PCM. It
// is also the one layer that retries: Client.Retry sends a request again, with exponential
// backoff and full jitter or the server's Retry-After, after a 429, a 5xx that may pass, a
// connection that failed, or a response that broke before any output was delivered (re-opening
// the media through Media.Open); a Throttle shared by a batch's clients spreads a rate limit to
// all of them; Client.IdleTimeout ends an attempt the server has gone silent on. It never
// prints: retries are reported through a callback and requests through an optional trace with
// the key redacted. It knows nothing of files or terminals; errors from the service come back
// as *Error, malformed or truncated responses as *ProtocolError and output cut short as
// *BrokenStreamError, so a cut-short translation never passes as complete.
package api
