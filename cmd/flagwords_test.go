package cmd

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// The internal packages' typed errors, notes and warnings come out worded as they were before
// the packages stopped naming flags: the command line names the flag.
func TestMessageNamesTheFlags(t *testing.T) {
	in := func(err error) error { return fmt.Errorf("a.wav: %w", usage.Wrap(err, "")) }
	sqlite := errors.New("file is not a database (26)")
	tests := []struct {
		err  error
		want string
	}{
		{in(&media.UnrecognisedError{Name: "x.bin"}),
			"a.wav: x.bin is not an audio or video file (content not recognised); if it is one, pass --input-format"},
		{in(&media.UnrecognisedError{Name: "x.bin", NoFFprobe: true}),
			"a.wav: x.bin is not an audio or video file (content not recognised); if it is one, pass --input-format, or install ffmpeg so ffprobe can identify it"},
		{in(&media.UnrecognisedError{Name: "standard input", Prefix: true}),
			"a.wav: standard input is not an audio or video file: neither its first bytes nor ffprobe recognise sound in it (--input-format says what it is, if it is sound)"},
		{in(&media.UndecodableError{Name: "x.mp4", Container: "mp4", Detail: "moov atom not found"}),
			"a.wav: x.mp4 (detected mp4) cannot be decoded (ffprobe: moov atom not found): it may be truncated or damaged; pass --input-format to send it as is"},
		{in(&media.CutShortError{Name: "x.wav", Container: "wav", WAV: true, Held: 4, Promised: 65536, HeldDur: 125 * time.Microsecond, PromisedDur: 2048 * time.Millisecond}),
			"a.wav: x.wav (wav) is cut short: its header promises 2.0 s of audio, the file holds 0.000 s (4 of 65536 bytes); export or download it again, or pass --input-format wav to send it as is"},
		{in(&media.CutShortError{Name: "x.m4a", Container: "m4a", Held: 3, Promised: 100}),
			"a.wav: x.m4a (detected m4a) is cut short: it holds 3 of the 100 audio frames its index lists; export or download it again, or pass --input-format to send it as is"},
		{in(&media.StreamTooLongError{Name: "standard input", Limit: 10 << 20}),
			"a.wav: standard input goes on past 10 MiB, more than one request can carry (--split never, --inline-limit): allow splitting, or raise --inline-limit"},
		{in(&media.TextError{Name: "standard input", Format: "wav"}),
			"a.wav: standard input is text, not sound (--input-format wav cannot make it sound)"},
		{usage.Wrap(&media.UnknownFormatError{Value: "xyz", Choices: "wav, mp3"}, ""), `unknown --input-format "xyz": choose auto or one of wav, mp3`},
		{usage.Wrap(&split.UnknownModeError{Value: "sometimes"}, ""), `unknown --split value "sometimes": choose auto, always or never`},
		{in(&split.UnsplittableError{Name: "a.wav", Min: split.MinSegment, Cap: split.CapDataURI, Limit: 20000}),
			fmt.Sprintf("a.wav: a.wav cannot be split into requests that fit: even %s of it breaks the data URI size cap (20,000); raise --inline-limit or --max-tokens", split.MinSegment)},
		{in(&split.SegmentTooShortError{Segment: time.Second, Min: split.MinSegment}), fmt.Sprintf("a.wav: --segment 1s is too short: at least %s", split.MinSegment)},
		{fmt.Errorf("a.wav: %w", &split.AlwaysNeedsFFprobeError{Err: errors.New("ffprobe not found")}), "a.wav: --split always needs ffprobe: ffprobe not found"},
		{usage.Wrap(&speech.ExistsError{Path: "a.fr.wav"}, ""), "a.fr.wav already exists: pass --overwrite to replace it"},
		{ledger.ErrNoPath, "usage ledger: no path (set XDG_STATE_HOME or HOME, or give --ledger)"},
		{&ledger.NotLedgerError{Path: "/x/broken.db", Err: sqlite},
			"/x/broken.db is not a usage ledger (damaged, or another kind of file): move it aside, or give --ledger another path: file is not a database (26)"},
	}
	for _, tc := range tests {
		if got := message(tc.err); got != tc.want {
			t.Errorf("message(%T)\n got %q\nwant %q", errors.Unwrap(tc.err), got, tc.want)
		}
		if got := hintOf(tc.err, ""); got != "" {
			t.Errorf("hint %q for %q: want none", got, tc.want)
		}
	}
	if got := exitCode(&ledger.NotLedgerError{Path: "/x/broken.db", Err: sqlite}); got != exitFailure {
		t.Errorf("exit code %d for a damaged ledger", got)
	}
}

func TestWordedNotesAndWarnings(t *testing.T) {
	var got string
	report := worded(func(format string, args ...any) { got = fmt.Sprintf(format, args...) })
	tests := []struct {
		arg  any
		want string
	}{
		{&split.AssumedFormatNote{Format: "mp3"}, "a: its name ends in no known extension, so it is sent as mp3 audio; --input-format (e.g. mp4) says otherwise"},
		{&split.URLUnsplitNote{}, "a: --split always cannot split a URL: download the file to split it"},
		{&split.SegmentsNote{Target: 299600 * time.Millisecond, Encoding: "16 kHz mono Opus at 16 kbit/s"},
			"a: to be cut at pauses into segments of at most 5m0s (--segment), re-encoded to 16 kHz mono Opus at 16 kbit/s"},
		{&split.SegmentsNote{Target: 299600 * time.Millisecond, Cap: split.CapOutputTokens, Encoding: "16 kHz mono Opus at 16 kbit/s"},
			"a: to be cut at pauses into segments of at most 5m0s (the output tokens cap), re-encoded to 16 kHz mono Opus at 16 kbit/s"},
		{split.TextNote("speech: none"), "a: speech: none"},
		{&pipeline.NoSpeechWarning{Name: "x.wav", Report: &pauses.Report{Levels: pauses.Levels{NoiseFloor: -61.2, Threshold: -40}}},
			"a: x.wav: no speech heard (noise floor -61 dB, threshold -40 dB): nothing was sent; if it does have speech, set --pause-threshold below its level"},
		{&pipeline.NoSpeechWarning{Name: "x.wav"}, "a: x.wav: no speech heard: nothing was sent"},
		{&pipeline.MixIgnoredWarning{Name: "x.mp4"}, "a: x.mp4 has no sound to keep under the dub: --dub-mix ignored"},
	}
	for _, tc := range tests {
		report("%s: %s", "a", tc.arg)
		if got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
	for why, want := range map[batch.Reason]string{batch.SkipOutDir: "it is the --out-dir", batch.SkipExcluded: "filtered out by --exclude",
		batch.SkipNotIncluded: "not matched by --include", batch.SkipResult: "a result of livetranslate", batch.SkipNotMedia: "not an audio or video file"} {
		if got := skipReason(why); got != want {
			t.Errorf("skipReason(%q) = %q, want %q", why, got, want)
		}
	}
}
