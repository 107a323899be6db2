package media

import (
	"fmt"
	"time"

	"github.com/livetranslate/livetranslate/internal/bytesize"
)

// The refusals below are ones that naming the input's format (Options.Format) would change or
// that the run's limits decide. Each says what is wrong in this package's words and is returned
// inside a usage error; the command layer adds the flag that changes it.

// UnrecognisedError refuses an input in which nothing recognises audio or video, though naming
// its format would send it as is.
type UnrecognisedError struct {
	Name string // the input as shown
	// NoFFprobe: only its first bytes were looked at, for ffprobe is not installed.
	NoFFprobe bool
	// Prefix: a stream's first bytes were looked at, by the magic numbers and ffprobe.
	Prefix bool
}

func (e *UnrecognisedError) Error() string {
	switch {
	case e.Prefix:
		return fmt.Sprintf("%s is not an audio or video file: neither its first bytes nor ffprobe recognise sound in it", e.Name)
	case e.NoFFprobe:
		return fmt.Sprintf("%s is not an audio or video file (content not recognised, and ffprobe, which may know it, is not installed)", e.Name)
	}
	return fmt.Sprintf("%s is not an audio or video file (content not recognised)", e.Name)
}

// UndecodableError refuses an input whose container is recognised but that ffprobe cannot
// decode; naming its format would send it as is.
type UndecodableError struct {
	Name      string // the input as shown
	Container string // what its first bytes say it is
	Detail    string // ffprobe's complaint
}

func (e *UndecodableError) Error() string {
	return fmt.Sprintf("%s (detected %s) cannot be decoded (ffprobe: %s): it may be truncated or damaged", e.Name, e.Container, e.Detail)
}

// CutShortError refuses a file that holds under a tenth of the audio its header promises
// (shortfall.check); naming its format would send what there is.
type CutShortError struct {
	Name      string // the input as shown
	Container string // what its first bytes say it is
	// WAV: Held and Promised are bytes of the data chunk (HeldDur and PromisedDur the same as
	// durations); otherwise audio frames of an index.
	WAV                  bool
	Held, Promised       int64
	HeldDur, PromisedDur time.Duration
}

func (e *CutShortError) Error() string {
	if e.WAV {
		return fmt.Sprintf("%s (wav) is cut short: its header promises %s of audio, the file holds %s (%d of %d bytes); export or download it again",
			e.Name, secondsText(e.PromisedDur), secondsText(e.HeldDur), e.Held, e.Promised)
	}
	return fmt.Sprintf("%s (detected %s) is cut short: it holds %d of the %d audio frames its index lists; export or download it again",
		e.Name, e.Container, e.Held, e.Promised)
}

// StreamTooLongError refuses standard input, a pipe or a device that goes on past Options.MaxSize,
// the most the run's requests can carry.
type StreamTooLongError struct {
	Name  string // the input as shown
	Limit int64  // bytes
}

func (e *StreamTooLongError) Error() string {
	return fmt.Sprintf("%s goes on past %s, more than one request can carry", e.Name, bytesize.Text(e.Limit))
}

// TextError refuses a stream of text named as a format of sound.
type TextError struct {
	Name   string // the input as shown
	Format string // the format it was named as
}

func (e *TextError) Error() string {
	return fmt.Sprintf("%s is text, not sound (named %s, it is still text)", e.Name, e.Format)
}

// UnknownFormatError refuses an Options.Format that is none of the formats.
type UnknownFormatError struct {
	Value   string // as given
	Choices string // the formats to choose from, for the message
}

func (e *UnknownFormatError) Error() string {
	return fmt.Sprintf("unknown input format %q: choose auto or one of %s", e.Value, e.Choices)
}

// FormatMismatch notes an input whose format was named (Options.Format) though its content says
// another: it is sent as named, which the service may refuse or mishear. Its String is this
// package's words; the command layer names the flag.
type FormatMismatch struct {
	Name    string // the input as shown
	Given   string // the format named
	Content string // the format its first bytes say
}

func (m *FormatMismatch) String() string {
	return fmt.Sprintf("%s is %s by its content, not %s as its format was given; it is sent as %s", m.Name, m.Content, m.Given, m.Given)
}
