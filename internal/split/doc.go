// Package split decides whether one input fits one request of the service and, when it does not,
// prepares files that each do. A request carries at most a 10 MiB data URI, 49,152 input tokens
// and 4,096 output tokens (docs/service.md); MakePlan estimates all three from ffprobe's reading
// of the input and chooses, in order of preference: send it whole; re-encode audio to compact
// 16 kHz mono Opus when only its size is too much; or cut it at silences (ffmpeg silencedetect)
// into balanced segments that each fit, re-encoded compactly (video keeps a small picture).
// Prepare writes those files into one temporary directory that Cleanup removes. The package does
// no HTTP and prints nothing: Plan.Notes say what was decided, for the caller to show.
package split
