package split

import (
	"fmt"
	"time"

	"github.com/dustin/go-humanize"
)

// The errors and notes below are about one of the caller's options (Mode, Segment, MaxDataURI,
// OutputTokenLimit, the input's format). Each says what it is about in this package's words and
// carries the data, so the command layer can name the flag that sets the option.

// UnknownModeError refuses a Mode value ParseMode does not know.
type UnknownModeError struct {
	Value string // as given
}

func (e *UnknownModeError) Error() string {
	return fmt.Sprintf("unknown split mode %q: choose auto, always or never", e.Value)
}

// UnsplittableError refuses an input that even segments of MinSegment cannot fit into requests:
// the binding cap (the inline limit or the output token limit) is set too low.
type UnsplittableError struct {
	Name  string        // the input as shown
	Min   time.Duration // the shortest segment (MinSegment)
	Cap   Cap           // the cap even that breaks
	Limit int64         // its value
}

func (e *UnsplittableError) Error() string {
	return fmt.Sprintf("%s cannot be split into requests that fit: even %s of it breaks the %s cap (%s)",
		e.Name, e.Min, e.Cap, humanize.Comma(e.Limit))
}

// SegmentTooShortError refuses an Options.Segment below MinSegment.
type SegmentTooShortError struct {
	Segment, Min time.Duration
}

func (e *SegmentTooShortError) Error() string {
	return fmt.Sprintf("segment length %s is too short: at least %s", e.Segment, e.Min)
}

// AlwaysNeedsFFprobeError fails a plan under Mode Always without ffprobe; Err is the
// *media.MissingToolError.
type AlwaysNeedsFFprobeError struct {
	Err error
}

func (e *AlwaysNeedsFFprobeError) Error() string {
	return "splitting every input needs ffprobe: " + e.Err.Error()
}

func (e *AlwaysNeedsFFprobeError) Unwrap() error { return e.Err }

// A Note says what was decided about a plan and why, in the plan's words (its String). Most are
// TextNote; one about an option of the caller's is typed (*AssumedFormatNote, *URLUnsplitNote,
// *SegmentsNote), so the caller can name the option its own way.
type Note interface {
	String() string
}

// TextNote is a note that is only text.
type TextNote string

func (n TextNote) String() string { return string(n) }

// AssumedFormatNote: a URL whose name ends in no known extension is sent as Format audio;
// naming its format says otherwise.
type AssumedFormatNote struct {
	Format string
}

func (n *AssumedFormatNote) String() string {
	return fmt.Sprintf("its name ends in no known extension, so it is sent as %s audio", n.Format)
}

// URLUnsplitNote: under Mode Always, a URL is still sent whole.
type URLUnsplitNote struct{}

func (n *URLUnsplitNote) String() string {
	return "a URL cannot be split, even when every input is: download the file to split it"
}

// SegmentsNote: the input is to be cut at pauses into segments of at most Target, which Cap
// sets, or (Cap 0) the segment length asked (Options.Segment).
type SegmentsNote struct {
	Target   time.Duration
	Cap      Cap
	Encoding string // what the segments are re-encoded to
}

func (n *SegmentsNote) String() string {
	why := "the segment length asked"
	if n.Cap != 0 {
		why = fmt.Sprintf("the %s cap", n.Cap)
	}
	return fmt.Sprintf("to be cut at pauses into segments of at most %s (%s), re-encoded to %s", roundDuration(n.Target), why, n.Encoding)
}
