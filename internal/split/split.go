package split

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/bytesize"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Mode is --split: when an input is cut into segments.
type Mode int

const (
	Auto   Mode = iota // split only what does not fit one request
	Always             // split even what would fit, into segments of the target length
	Never              // never split: an input over a cap is refused with a TooLargeError
)

func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case Always:
		return "always"
	case Never:
		return "never"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode reads a --split value: auto, always or never, in any case.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return Auto, nil
	case "always":
		return Always, nil
	case "never":
		return Never, nil
	}
	return Auto, usage.Wrap(&UnknownModeError{Value: s}, "")
}

// Options tune MakePlan.
type Options struct {
	Mode Mode
	// Segment is --segment: the longest a segment may be (0 = as long as the caps allow).
	// Longer than the caps allow is clamped, with a note. Segments are balanced, so they may
	// come out shorter than Segment.
	Segment time.Duration
	// MaxDataURI is the inline limit in bytes (0 = none); a data URI must be strictly below it.
	// Callers normally pass api.MaxDataURISize or --inline-limit.
	MaxDataURI int64
	// Speech means speech output is requested: it shares the output cap with the text, so a
	// request holds only about 3½ minutes of source.
	Speech bool
	// OutputTokenLimit is the output cap per request (0 = MaxOutputTokens); pass --max-tokens
	// here when it is set lower, so no segment is cut off by it.
	OutputTokenLimit int
	FFmpeg, FFprobe  string // paths; "" = look up on PATH
	TempDir          string // parent of the segment directory ("" = os.TempDir())
	// Pauses tune the speech/pause finder that places the cuts (a fixed threshold, the
	// shortest pause).
	Pauses pauses.Options
}

func (o Options) outputLimit() int {
	if o.OutputTokenLimit > 0 && o.OutputTokenLimit < MaxOutputTokens {
		return o.OutputTokenLimit
	}
	return MaxOutputTokens
}

// Segment is one request's worth of an input.
type Segment struct {
	Index      int           // 0-based position in Plan.Segments
	Start, End time.Duration // in the source
	// Path is the file to send: the input's own path when the plan is Whole, else a file that
	// Prepare writes ("" until then).
	Path         string
	Kind         api.Kind
	Format, MIME string // as media.Input uses them
	// Size is the file's size in bytes: estimated (from the compact bit rates) until Prepare
	// writes the file, then exact. -1 for a URL.
	Size int64
	// Estimated tokens; 0 when unknown (a URL, or no ffprobe).
	EstInputTokens, EstOutputTokens int
}

// Duration is End - Start.
func (s Segment) Duration() time.Duration { return s.End - s.Start }

// Plan is how one input is sent: whole, re-encoded, or as segments.
type Plan struct {
	Input    *media.Input
	Duration time.Duration // of the input; 0 when unknown
	// Whole: the input is sent as is, in one request (Segments[0].Path is Input.Path).
	Whole bool
	// Reencoded: one request, but with the input re-encoded compactly (16 kHz mono Opus for
	// audio; a small picture for video) because that alone makes it fit.
	Reencoded bool
	Segments  []Segment // always at least one
	// Notes say, for the caller to show, what was decided and why.
	Notes []Note
	// Split: the input is cut at its pauses into segments of at most Target; Segments holds
	// none until Cut or Produce has found them.
	Split  bool
	Target time.Duration
	// NoSpeech: the pause finder heard no speech in the input, so nothing is to be sent
	// (Segments is empty).
	NoSpeech bool
	// Speech is what the pause finder measured (nil until it has run).
	Speech *pauses.Report

	dir      string // temp directory of produced files; "" until Prepare
	opts     Options
	hasAudio bool // the source has an audio stream to map
	videoIdx int  // ffprobe index of the source's picture stream (video only)
	outW     int  // video: picture size as encoded (0 = keep)
	outH     int
}

// TooLargeError refuses an input over a cap under --split never; Plan returns it inside a usage
// error.
type TooLargeError struct {
	Name     string        // the input as the user named it
	Cap      Cap           // which cap
	Need     int64         // the estimate: data URI bytes or tokens
	Limit    int64         // the cap
	Duration time.Duration // of the input, 0 when unknown
	Kind     api.Kind
	Speech   bool // output estimate includes speech
}

// Cap names one of a request's limits.
type Cap int

const (
	CapDataURI      Cap = iota + 1 // bytes of the Base64 data URI
	CapInputTokens                 // estimated input tokens
	CapOutputTokens                // estimated output tokens
)

func (c Cap) String() string {
	switch c {
	case CapDataURI:
		return "data URI size"
	case CapInputTokens:
		return "input tokens"
	case CapOutputTokens:
		return "output tokens"
	}
	return fmt.Sprintf("Cap(%d)", int(c))
}

// Error says which cap the input breaks; the command layer adds the flag that splits it.
func (e *TooLargeError) Error() string {
	what := fmt.Sprintf("%s of %s", approxDuration(e.Duration), e.Kind)
	switch e.Cap {
	case CapDataURI:
		return fmt.Sprintf("%s is too large to send inline: its data URI would be %s bytes; one request takes less than %s",
			e.Name, humanize.Comma(e.Need), humanize.Comma(e.Limit))
	case CapInputTokens:
		return fmt.Sprintf("%s needs about %s input tokens (%s); one request takes at most %s",
			e.Name, humanize.Comma(e.Need), what, humanize.Comma(e.Limit))
	case CapOutputTokens:
		out := "text"
		if e.Speech {
			out = "text and speech"
		}
		return fmt.Sprintf("%s would need about %s output tokens of %s (%s); one request returns at most %s",
			e.Name, humanize.Comma(e.Need), out, what, humanize.Comma(e.Limit))
	}
	return fmt.Sprintf("%s does not fit one request (%s)", e.Name, e.Cap)
}

// estimate is what sending something in one request costs.
type estimate struct {
	dataURI       int64 // 0 = no local file
	input, output int
}

// overCap returns the first cap est breaks, or nil.
func overCap(est estimate, o Options) *TooLargeError {
	switch {
	case est.input >= MaxInputTokens:
		return &TooLargeError{Cap: CapInputTokens, Need: int64(est.input), Limit: MaxInputTokens}
	case est.output >= o.outputLimit():
		return &TooLargeError{Cap: CapOutputTokens, Need: int64(est.output), Limit: int64(o.outputLimit()), Speech: o.Speech}
	case o.MaxDataURI > 0 && est.dataURI >= o.MaxDataURI:
		return &TooLargeError{Cap: CapDataURI, Need: est.dataURI, Limit: o.MaxDataURI}
	}
	return nil
}

// MakePlan decides how in is sent. It probes the input with ffprobe, estimates its data URI and
// tokens, and either keeps it whole, re-encodes it, or (running silencedetect) chooses where to
// cut it; Prepare then writes the files. Without ffprobe an input that fits by size is sent whole
// and anything else fails with *media.MissingToolError. Under Mode Never an input over a cap is a
// *TooLargeError.
func MakePlan(ctx context.Context, in *media.Input, opts Options) (*Plan, error) {
	if in == nil {
		return nil, errors.New("split: no input")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := &Plan{Input: in, Duration: in.Duration, opts: opts}
	shown := displayName(in.Name)

	if in.URL != "" {
		p.keepWhole(estimate{})
		p.notef("%s is a URL: sent whole, unprobed; its length is the service's to check", shown)
		if in.Assumed {
			p.Notes = append(p.Notes, &AssumedFormatNote{Format: in.Format})
		}
		if opts.Mode == Always {
			p.Notes = append(p.Notes, &URLUnsplitNote{})
		}
		return p, nil
	}

	whole := estimate{dataURI: api.DataURISize(in.MIME, in.Size)}
	sizeFits := opts.MaxDataURI <= 0 || whole.dataURI < opts.MaxDataURI
	if _, err := media.LookFFprobe(opts.FFprobe); err != nil {
		if sizeFits && opts.Mode != Always {
			p.keepWhole(whole)
			p.notef("ffprobe not found: %s sent whole without checking its length against the token caps", shown)
			return p, nil
		}
		if opts.Mode == Always {
			return nil, &AlwaysNeedsFFprobeError{Err: err}
		}
		return nil, fmt.Errorf("%s is too large for one request (a %s-byte data URI) and splitting it needs ffprobe: %w",
			shown, humanize.Comma(whole.dataURI), err)
	}
	info := in.Probe // read when the input was resolved: not probed twice
	if info == nil {
		var err error
		if info, err = media.Probe(ctx, opts.FFprobe, in.Path); err != nil {
			return nil, fmt.Errorf("split %s: %w", shown, err)
		}
	}
	if info.Duration > 0 {
		p.Duration = info.Duration
	}
	source := p.readStreams(info)
	if p.Duration <= 0 {
		if sizeFits && opts.Mode != Always {
			p.keepWhole(whole)
			p.notef("ffprobe cannot tell how long %s is: sent whole without checking it against the token caps", shown)
			return p, nil
		}
		return nil, usage.Errorf("", "ffprobe cannot tell how long %s is, so it cannot be split to fit a request; convert it (e.g. to mp3) first", shown)
	}

	whole.input, whole.output = source.inputTokens(p.Duration), OutputTokens(p.Duration, opts.Speech)
	over := overCap(whole, opts)
	if over == nil && opts.Mode != Always {
		p.keepWhole(whole)
		p.notef("fits one request: %s data URI, about %s input and %s output tokens",
			bytesize.Text(whole.dataURI), humanize.Comma(int64(whole.input)), humanize.Comma(int64(whole.output)))
		if err := p.checkSpeech(ctx); err != nil {
			return nil, err
		}
		return p, nil
	}
	if over != nil && opts.Mode == Never {
		over.Name, over.Duration, over.Kind = shown, p.Duration, in.Kind
		return nil, usage.Wrap(over, "")
	}
	if err := p.planSegments(ctx, shown, over); err != nil {
		return nil, err
	}
	return p, nil
}

// readStreams notes what Prepare needs from the probe and returns the input's cost shape.
func (p *Plan) readStreams(info *media.ProbeInfo) shape {
	p.hasAudio = info.Audio() != nil
	s := shape{kind: p.Input.Kind, hasAudio: p.hasAudio}
	if p.Input.Kind != api.Video {
		return s
	}
	p.videoIdx = -1
	for _, st := range info.Streams {
		if st.CodecType == "video" && !st.AttachedPic {
			p.videoIdx = st.Index
			s.width, s.height = st.Width, st.Height
			break
		}
	}
	p.outW, p.outH = scaledSize(s.width, s.height)
	return s
}

// keepWhole makes the plan one request with the input as it is.
func (p *Plan) keepWhole(est estimate) {
	in := p.Input
	p.Whole = true
	p.Segments = []Segment{{
		Start: 0, End: p.Duration, Path: in.Path, Kind: in.Kind, Format: in.Format, MIME: in.MIME,
		Size: in.Size, EstInputTokens: est.input, EstOutputTokens: est.output,
	}}
}

// sent is the shape of what Prepare encodes.
func (p *Plan) sent() shape {
	return shape{kind: p.Input.Kind, hasAudio: p.hasAudio, width: p.outW, height: p.outH}
}

// encodedBytes estimates a prepared file of length d.
func (p *Plan) encodedBytes(d time.Duration) int64 {
	if p.Input.Kind == api.Video {
		return segmentVideoBytes(d, p.hasAudio)
	}
	return compactAudioBytes(d)
}

func (p *Plan) segmentFormat() (string, string) {
	if p.Input.Kind == api.Video {
		return SegmentVideoFormat, SegmentVideoMIME
	}
	return CompactAudioFormat, CompactAudioMIME
}

// segmentEstimate is the cost of one prepared segment of length d.
func (p *Plan) segmentEstimate(d time.Duration) estimate {
	_, mime := p.segmentFormat()
	return estimate{
		dataURI: api.DataURISize(mime, p.encodedBytes(d)),
		input:   p.sent().inputTokens(d),
		output:  OutputTokens(d, p.opts.Speech),
	}
}

// maxSegment is the longest prepared segment that fits every cap, to a tenth of a second, and
// the cap that stops it growing further.
func (p *Plan) maxSegment() (time.Duration, *TooLargeError) {
	const step = 100 * time.Millisecond
	fits := func(n int64) bool { return overCap(p.segmentEstimate(time.Duration(n)*step), p.opts) == nil }
	lo, hi := int64(0), int64(48*time.Hour/step) // fits(lo) or lo == 0; !fits(hi) for any real cap
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return time.Duration(lo) * step, overCap(p.segmentEstimate(time.Duration(hi)*step), p.opts)
}

// planSegments plans re-encoded segments: one when the whole input fits once re-encoded, else
// balanced segments cut at silences. over is the cap the whole input breaks (nil under Always).
func (p *Plan) planSegments(ctx context.Context, shown string, over *TooLargeError) error {
	opts := p.opts
	if over != nil {
		switch over.Cap {
		case CapDataURI:
			p.notef("too large for one request: a %s-byte data URI (limit %s)", humanize.Comma(over.Need), humanize.Comma(over.Limit))
		default:
			p.notef("too long for one request: about %s %s (limit %s)", humanize.Comma(over.Need), over.Cap, humanize.Comma(over.Limit))
		}
	}
	if _, err := media.LookFFmpeg(opts.FFmpeg); err != nil {
		return fmt.Errorf("re-encoding or splitting %s needs ffmpeg: %w", shown, err)
	}
	longest, binding := p.maxSegment()
	if longest < MinSegment {
		return usage.Wrap(&UnsplittableError{Name: shown, Min: MinSegment, Cap: binding.Cap, Limit: binding.Limit}, "")
	}
	target := longest
	if opts.Segment > 0 {
		if opts.Segment < MinSegment {
			return usage.Wrap(&SegmentTooShortError{Segment: opts.Segment, Min: MinSegment}, "")
		}
		if opts.Segment > longest {
			p.notef("segment length clamped to %s: one request holds no more (%s cap)", roundDuration(longest), binding.Cap)
		} else {
			target = opts.Segment
		}
	}

	if p.Duration <= target {
		p.Reencoded = true
		p.Segments = nil
		p.addSegment(0, p.Duration)
		p.notef("re-encoded to %s: about %s instead of %s", p.encodingName(), bytesize.Text(p.Segments[0].Size), bytesize.Text(p.Input.Size))
		return p.checkSpeech(ctx)
	}

	p.Split, p.Target = true, target
	p.Segments = nil
	note := &SegmentsNote{Target: target, Cap: binding.Cap, Encoding: p.encodingName()}
	if target < longest {
		note.Cap = 0 // the segment length asked
	}
	p.Notes = append(p.Notes, note)
	return nil
}

// addSegment appends the segment [start, end], with estimates for its prepared file.
func (p *Plan) addSegment(start, end time.Duration) Segment {
	seg := p.EstimateSegment(start, end)
	seg.Index = len(p.Segments)
	p.Segments = append(p.Segments, seg)
	return seg
}

// EstimateSegment is the segment [start, end] of the input as Prepare would encode it, with the
// estimated size and tokens of that file.
func (p *Plan) EstimateSegment(start, end time.Duration) Segment {
	format, mime := p.segmentFormat()
	est := p.segmentEstimate(end - start)
	return Segment{Start: start, End: end, Kind: p.Input.Kind, Format: format, MIME: mime,
		Size: p.encodedBytes(end - start), EstInputTokens: est.input, EstOutputTokens: est.output}
}

func (p *Plan) encodingName() string {
	if p.Input.Kind == api.Video {
		size := fmt.Sprintf("at most %dpx", SegmentVideoMaxSide)
		if p.outW > 0 {
			size = fmt.Sprintf("%dx%d", p.outW, p.outH)
		}
		return fmt.Sprintf("H.264 %s at %d fps, %d kbit/s", size, SegmentVideoFrameRate, SegmentVideoBitRate/1000)
	}
	return fmt.Sprintf("16 kHz mono Opus at %d kbit/s", CompactAudioBitRate/1000)
}

func (p *Plan) notef(format string, args ...any) {
	p.Notes = append(p.Notes, TextNote(fmt.Sprintf(format, args...)))
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// roundDuration shows a duration to the second: 13m39s.
func roundDuration(d time.Duration) string {
	return d.Round(time.Second).String()
}

// approxDuration is a length in the words a person would use: "81 min", "45 s".
func approxDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "unknown length"
	case d < 90*time.Second:
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f min", d.Minutes())
}
