// Package api is the HTTP client for qwen3-livetranslate-flash's OpenAI-compatible chat
// completions endpoint. It builds the request body while it is sent (the media is Base64-encoded
// from an io.Reader straight into the connection, so memory stays flat whatever the input size),
// reads the server-sent-event stream with no limit on line length (a single speech chunk can be
// megabytes), and hands each chunk to the caller as an Event carrying text and decoded PCM. It
// knows nothing of files or terminals; errors from the service come back as *Error and
// malformed or truncated responses as *ProtocolError, so a cut-short translation never passes as
// complete.
package api
