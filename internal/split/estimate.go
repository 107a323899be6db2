package split

import (
	"math"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
)

// The service's per-request caps and token rates (docs/service.md, Input limits and Tokens).
const (
	MaxInputTokens       = 49152
	MaxOutputTokens      = 4096 // text and speech together
	AudioTokensPerSecond = 12.5 // input and output audio alike
)

// Margins for output, which cannot be known before the model answers. Both err high: a plan that
// is too cautious costs one more request, while output over the cap is cut off mid-sentence.
const (
	// TextTokensPerSecond is translated text per second of source. Speech runs at 2-3 words a
	// second (150 wpm ≈ 2.5 words/s ≈ 3.3 tokens/s in English; 4 characters/s ≈ 3 tokens/s in
	// Chinese); 5 leaves room for fast talkers and verbose targets, and puts the text-only limit
	// at about 13½ minutes per request, below the guide's "roughly 15-20 minutes".
	TextTokensPerSecond = 5.0
	// SpeechOutputFactor is how much longer the spoken translation may run than the source:
	// the model drops the source's pauses but a translation can take more syllables than the
	// original. With text on top, a request with speech holds about 3½ minutes of source.
	SpeechOutputFactor = 1.1
	// SpeechTokensPerSecond is speech output per second of source.
	SpeechTokensPerSecond = AudioTokensPerSecond * SpeechOutputFactor
)

// The compact encodings a plan re-encodes to. Audio is Opus in Ogg (the service lists OPUS
// among its formats; internal/media sends Ogg-Opus files as "opus" too): mono 16 kHz is what
// speech recognition works at, and 32 kbit/s Opus is near-transparent for speech at a tenth of
// 16 kHz PCM's size. Video keeps a picture the model can use, no more: the model samples 2
// frames a second and shrinks them to at most 768×32×32 pixels anyway (docs/service.md, Tokens), so 2 fps
// within 640×640 loses nothing it would see.
const (
	CompactAudioFormat     = "opus"
	CompactAudioMIME       = "audio/opus" // as internal/media sends Ogg-Opus
	CompactSampleRate      = 16000
	CompactAudioBitRate    = 32000 // bit/s, constrained VBR: the average stays at or under it
	SegmentVideoFormat     = "mp4"
	SegmentVideoMIME       = "video/mp4"
	SegmentVideoMaxSide    = 640    // pixels, the longer side
	SegmentVideoFrameRate  = 2      // frames/s, the model's own sampling rate
	SegmentVideoBitRate    = 160000 // bit/s, x264 VBV maximum (CRF below it for easy content)
	SegmentVideoAudioRate  = 32000  // bit/s, AAC-LC mono 16 kHz
	segmentVideoCRF        = "28"
	segmentVideoBufferBits = 2 * SegmentVideoBitRate // VBV buffer: what may overshoot the average
)

// Size margins for encoded files: estimates must never come out below the real size, because a
// segment over the data-URI limit is refused by the service.
const (
	sizeMargin = 1.05 // container framing (Ogg pages ~2%, measured) and encoder drift
	// compactAudioOverhead covers Ogg/Opus headers and the last page.
	compactAudioOverhead = 16 << 10
	// mp4 keeps an index entry (~16 bytes) per frame: 2 video + 15.6 AAC frames a second.
	mp4IndexBytesPerSecond = 300
	mp4Overhead            = 64 << 10
)

// MinSegment is the shortest segment a plan makes: the service bills audio under a second as a
// second and may refuse it as empty.
const MinSegment = time.Second

// AudioTokens is the input cost of d of audio: 12.5 tokens a second, under a second billed as one.
func AudioTokens(d time.Duration) int {
	return int(math.Ceil(max(d.Seconds(), 1) * AudioTokensPerSecond))
}

// OutputTokens is the estimated output for d of source: text at TextTokensPerSecond, and with
// speech also SpeechTokensPerSecond.
func OutputTokens(d time.Duration, speech bool) int {
	n := int(math.Ceil(d.Seconds() * TextTokensPerSecond))
	if speech {
		n += int(math.Ceil(d.Seconds() * SpeechTokensPerSecond))
	}
	return n
}

// VideoTokens is the visual input cost of d of video with frames of width×height, by the vendor's
// published formula (docs/service.md, Tokens): 2 frames a second clamped to [4, 128], frames resized to
// multiples of 32 within the pixel bounds, then ceil(frames/2) × (H/32) × (W/32) + 2. Unknown
// dimensions (0) count as 1920×1080, which costs the most a frame can.
func VideoTokens(d time.Duration, width, height int) int {
	const (
		factor      = 32
		minPixels   = 128 * factor * factor
		maxPixels   = 768 * factor * factor
		totalPixels = 16384 * factor * factor
		frameFactor = 2
	)
	if width <= 0 || height <= 0 {
		width, height = 1920, 1080
	}
	frames := min(max(d.Seconds()*2, 4), 128)
	nframes := math.Floor(frames/frameFactor) * frameFactor
	perFrameMax := max(min(maxPixels, totalPixels/nframes*frameFactor), minPixels*1.05)
	h, w := smartResize(height, width, factor, minPixels, perFrameMax)
	return int(math.Ceil(nframes/2))*(h/factor)*(w/factor) + 2
}

// smartResize rounds height and width to multiples of factor, scaled so their product lies
// within [minPixels, maxPixels], keeping the aspect ratio.
func smartResize(height, width, factor int, minPixels, maxPixels float64) (int, int) {
	f := float64(factor)
	hb := max(f, math.Round(float64(height)/f)*f)
	wb := max(f, math.Round(float64(width)/f)*f)
	switch {
	case hb*wb > maxPixels:
		beta := math.Sqrt(float64(height) * float64(width) / maxPixels)
		hb = max(f, math.Floor(float64(height)/beta/f)*f)
		wb = max(f, math.Floor(float64(width)/beta/f)*f)
	case hb*wb < minPixels:
		beta := math.Sqrt(minPixels / (float64(height) * float64(width)))
		hb = math.Ceil(float64(height)*beta/f) * f
		wb = math.Ceil(float64(width)*beta/f) * f
	}
	return int(hb), int(wb)
}

// shape is what a request carries, as far as its cost goes.
type shape struct {
	kind          api.Kind
	hasAudio      bool // video: has a soundtrack (audio inputs always do)
	width, height int  // video: the picture as sent
}

// inputTokens estimates the input cost of d of this shape.
func (s shape) inputTokens(d time.Duration) int {
	if s.kind != api.Video {
		return AudioTokens(d)
	}
	n := VideoTokens(d, s.width, s.height)
	if s.hasAudio {
		n += AudioTokens(d)
	}
	return n
}

// compactAudioBytes is an upper estimate of d of audio in the compact encoding.
func compactAudioBytes(d time.Duration) int64 {
	return int64(math.Ceil(d.Seconds()*CompactAudioBitRate/8*sizeMargin)) + compactAudioOverhead
}

// segmentVideoBytes is an upper estimate of a video segment of length d as Prepare encodes it:
// VBV keeps the video's average at or under its maximum, give or take one buffer.
func segmentVideoBytes(d time.Duration, hasAudio bool) int64 {
	rate := float64(SegmentVideoBitRate)
	if hasAudio {
		rate += SegmentVideoAudioRate
	}
	perSecond := rate/8*sizeMargin + mp4IndexBytesPerSecond
	return int64(math.Ceil(d.Seconds()*perSecond)) + segmentVideoBufferBits/8 + mp4Overhead
}

// scaledSize fits width×height within SegmentVideoMaxSide on the longer side, keeping the
// aspect ratio, with even sides as yuv420p needs. Pictures already small enough are kept.
func scaledSize(width, height int) (int, int) {
	if width <= 0 || height <= 0 {
		return 0, 0
	}
	long := max(width, height)
	scale := min(1, float64(SegmentVideoMaxSide)/float64(long))
	even := func(v int) int {
		n := int(math.Round(float64(v)*scale/2)) * 2
		return max(n, 2)
	}
	return even(width), even(height)
}
