// Package fakeapi emulates qwen3-livetranslate-flash's OpenAI-compatible
// endpoint (POST {base}/chat/completions, served at
// /compatible-mode/v1/chat/completions, /v1/chat/completions and
// /chat/completions) as the vendor's API reference and docs/service.md describe it, so the
// client proves itself against an honest, strict, deterministic model of the
// service: tests run it in process through httptest, `make demo` runs
// cmd/fakeapi. It shares no code with the client on purpose.
//
// # Requests
//
// Validation is as strict as the service, with HTTP 400 and the vendor body
// {"error":{"message","type","param","code"},"request_id"} (param names the
// field): a bearer key (401 invalid_api_key "Incorrect API key provided. "),
// Content-Type application/json, model qwen3-livetranslate-flash or
// qwen3-livetranslate-flash-2025-12-01 (404 model_not_found otherwise),
// stream present, stream_options only with stream true, exactly one user
// message with exactly one content item, input_audio{data, format ∈ wav mp3
// flac aac ogg opus m4a wma amr} or video_url{url}, data an http(s) URL or a
// data:<mime>;base64, URL whose Base64 decodes (padding required) and whose
// bytes' magic matches the declared format ("The audio format is illegal and
// cannot be opened." / "The file format is illegal and cannot be opened."),
// translation_options.target_lang one of the 18 codes (names are refused),
// source_lang optional and a code, modalities ["text"] or ["text","audio"],
// with audio an audio{voice, format:"wav"} whose voice speaks a speech-capable
// target, and the documented ranges of max_tokens, seed, temperature, top_p,
// presence_penalty, top_k, repetition_penalty and speech_rate. A data URI of
// Options.MaxDataURI (default 10485760) characters or more is refused with 400
// "Exceeded limit on max bytes per data-uri item : 10485760" as soon as
// reading reaches the limit (the rest of the body is read and discarded). The
// body is never held in memory: a streaming filter diverts each data URI's
// Base64 through a decoder into SHA-256, a byte count, a 64 KiB head for
// sniffing and, when ffprobe is available, a temporary file of up to 64 MiB.
// Every answer carries x-request-id, a UUID derived from a per-server request
// counter (the first request of a Server always gets the same id), which is
// also the body's request_id and the uuid of chatcmpl-<uuid> and audio_<uuid>.
//
// # Responses
//
// The text is, with {Target} and {Source} the English names of the codes:
//
//	{greeting} This is the {Target} translation of {subject}.
//	{greeting} This is the {Source} to {Target} translation of {subject}.   (source_lang given)
//
// {greeting} is a fixed sentence in the target language; for en it is
// "Hello from the livetranslate emulator." (see langs.go for all 18).
// {subject} is, for a data URL,
//
//	{seconds} seconds of {what} {kind} ({bytes} bytes, sha256 {first 8 hex digits})
//	{what} {kind} of unknown length ({bytes} bytes, sha256 {first 8 hex digits})
//
// where {seconds} has one decimal, {kind} is "audio" or "video", {what} is
// input_audio.format for audio and the data URL's media subtype for video
// ("mp4" for video/mp4), {bytes} is the decoded size. The duration comes from
// the WAV header for wav (data chunk size, or the bytes actually sent when the
// size is a placeholder), from ffprobe otherwise (unless Options.NoProbe or
// the media is over 64 MiB), else it is unknown. For a plain URL {subject} is
// "the audio at {url}" or "the video at {url}". Example:
//
//	Hello from the livetranslate emulator. This is the English translation of 1.0 seconds of wav audio (32044 bytes, sha256 8413538e).
//
// A stream (Content-Type text/event-stream, each event "data: {json}\n\n",
// flushed) sends one content chunk per word (the first word, then " word"
// with its leading space; the first chunk has role "assistant"; text chunks
// have "audio": null), and with modalities ["text","audio"] an audio chunk
// after each text chunk: 0.25 s of 24 kHz s16le mono PCM (a quiet 440 Hz
// sine, 12000 bytes) Base64 in delta.audio{data, expires_at, id}. Then a
// chunk with "delta":{} and finish_reason "stop", or "length" when max_tokens
// cannot hold every word (1 token a word, plus ceil(words × 3.125) with
// speech: 12.5 tokens a second), then with include_usage the usage chunk
// ("choices":[] and the reference's null fields), then "data: [DONE]". Prompt
// tokens are 12.5 per second of input audio (at least 1 s; unmeasured audio
// is estimated at 16000 bytes a second, a URL at 10 s), and for video the
// vendor's frame formula (unprobed video counts as 10 s of 640x360 with
// audio); over 49152 is refused with "Range of input length should be [1,
// 49152]". created and expires_at are Options.Clock (default 1764755440).
// stream:false answers one chat.completion object with
// choices[{finish_reason, index, message{role, content, audio{data, id,
// expires_at} or null}}] and usage.
//
// # Faults
//
// SetFault makes the next Fault.Times valid requests (0: all, until
// ClearFaults) misbehave; invalid requests are refused as usual and do not
// use a fault up. After counts content (word) chunks sent first.
//
//	status          the vendor error body with Fault.Status (default 500), Code, Message and a Retry-After header when RetryAfter is set (e.g. 429 limit_requests)
//	reset           the connection is closed (TCP reset) before any response byte
//	break           After words are streamed, then the connection is cut without ending the chunked body
//	malformed       after After words a "data:" line of invalid JSON; the stream then goes on normally
//	nodone          the whole stream but no "data: [DONE]"
//	stall           After words, then nothing more until the client goes away
//	instream-error  after After words a data: {"error":{...data_inspection_failed...}} line in the 200 stream, then the stream ends
//	length          only After words (half of them when After is 0), finish_reason "length"
//	hugeline        after After words one audio chunk of 4.2 MB PCM (5.6 MB of Base64) on one line, also for text-only requests
//	sse-error-400   status 400 (or Fault.Status) whose text/event-stream body is "data: {"error":{...data_inspection_failed...}}"
//	html            status 502 (or Fault.Status) with a text/html gateway page
//	empty           status 200 with an empty body
//	nousage         the stream through its finish_reason chunk, then the connection is cut: no usage chunk, no "data: [DONE]"
//	endless         after After words, chunks of the whole text again and again, never a finish_reason, until the client goes away
//	comments        after After words, only SSE comment lines (": keep-alive", every 50 ms or Options.ChunkDelay) until the client goes away
//
// For stream:false, break sends half the JSON then cuts the connection,
// malformed sends half the JSON, instream-error sends the error object with
// status 200, stall sends headers only; nodone, hugeline, nousage, endless
// and comments change nothing.
//
// # Busy
//
// SetLimit makes the emulator serve at most Limit.InFlight requests at once
// (after the key is checked): any other is refused with 429 limit_requests
// "Requests rate limit exceeded, please try again later." (and Limit.RetryAfter
// as its Retry-After header when set), as the service answers an account over
// its rate limit; each admitted request's answer starts Limit.Hold later.
// Without SetLimit there is no limit.
package fakeapi
