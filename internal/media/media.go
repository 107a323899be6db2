// Package media turns what the user named on the command line (a file, an http(s) URL, or "-" for
// standard input) into an Input the request builder can send: it decides from the content, not
// the file name, whether the input is audio or video and which format the service should be told,
// refuses inputs that cannot be sent with a one-line usage error that says what to do instead, and
// converts audio the service does not take (audio-only WebM/Matroska, AIFF, CAF …) into one it does
// with ffmpeg. ffprobe, when present, confirms what magic numbers cannot tell (an MP4 or WebM with
// no picture is audio) and rejects files too damaged to decode before they are uploaded; audio
// whose own headers say all ffprobe would (plain WAV, MP3, FLAC, Ogg Opus, ADTS AAC, AMR, MP4
// with one AAC track) is read from them instead, at none of its cost (see headerprobe.go).
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/bytesize"
	"github.com/livetranslate/livetranslate/internal/ctxio"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Input is one resolved input, ready to be sent.
type Input struct {
	Name   string   // as the user gave it (path, URL, or "-")
	Path   string   // local file to read ("" for URL); for stdin a spooled temp file, after conversion the converted copy
	URL    string   // http(s) URL passed through
	Kind   api.Kind // which content part it travels in: input_audio or video_url
	Format string   // input_audio.format (wav mp3 flac aac ogg opus m4a amr wma); for video the container (mp4 mov mkv webm avi)
	MIME   string   // MIME type for the data URL
	Size   int64    // bytes of Path, -1 for a URL

	// Assumed is set when the format is a guess: a URL whose name ends in no known extension is
	// taken for mp3 audio unless --input-format says otherwise.
	Assumed bool
	// ConvertedFrom is empty unless the input was converted into Format with ffmpeg; it then
	// describes the original for a human, e.g. "webm (opus audio)" or "wav (96000 Hz)".
	ConvertedFrom string
	// Duration is the input's length, as ffprobe reads it or its headers tell; 0 when unknown
	// (URL, no ffprobe, --input-format given).
	Duration time.Duration
	// Probe is ffprobe's reading of Path (for audio whose headers tell all, the same facts read
	// from them), kept so planning need not run ffprobe again; nil when not probed, or when Path
	// is a converted copy.
	Probe *ProbeInfo
	// Mismatch, when set, notes that the format given is not what the content says.
	Mismatch *FormatMismatch
	// Warning says what is wrong with an input that is sent all the same (a file cut short that
	// still holds most of its audio); "" for none.
	Warning string

	cleanup func() error
}

// Open opens the local file behind the input. URL inputs have nothing local to open.
func (in *Input) Open() (io.ReadCloser, error) {
	if in.Path == "" {
		return nil, fmt.Errorf("open %s: a URL input is passed through, not read", in.Name)
	}
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, fmt.Errorf("open input %s: %w", displayName(in.Name), err)
	}
	return f, nil
}

// Close removes the temporary files Resolve made for this input (the standard-input spool, a
// converted copy). It is safe to call more than once.
func (in *Input) Close() error {
	if in == nil || in.cleanup == nil {
		return nil
	}
	cleanup := in.cleanup
	in.cleanup = nil
	return cleanup()
}

// Options tune Resolve.
type Options struct {
	Format  string    // --input-format: one of the Format values, or "auto"/"" to detect from content
	Stdin   io.Reader // read when the name is "-"
	TempDir string    // where spools and conversions go ("" = os.TempDir())
	// MaxSize is the most read from standard input, a pipe or a device: the largest input the run
	// could send (0 = DefaultMaxSpool).
	MaxSize int64
	FFprobe string // path to ffprobe; "" = look it up on PATH; missing ffprobe only skips confirmations
	FFmpeg  string // path to ffmpeg; "" = look it up on PATH; needed only to convert
}

// usagef is an input the user must change: the message names the input, what is wrong with it
// and what to do, in one line.
func usagef(format string, args ...any) *usage.Error {
	return usage.Errorf("", format, args...)
}

// Resolve opens the input the user named and decides how it will be sent. The caller must Close
// the returned Input to remove temporary files.
func Resolve(ctx context.Context, name string, opts Options) (*Input, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	override, err := parseFormatOverride(opts.Format)
	if err != nil {
		return nil, err
	}
	switch {
	case name == "":
		return nil, usagef("empty input name: give a file, an http(s) URL, or - for standard input")
	case isHTTPURL(name):
		return resolveURL(name, override)
	case name == "-":
		return resolveStdin(ctx, opts, override)
	}
	if i := strings.Index(name, "://"); i > 0 && !strings.ContainsAny(name[:i], `/\.`) {
		if _, statErr := os.Stat(name); errors.Is(statErr, fs.ErrNotExist) {
			return nil, usagef("%s: only http:// and https:// URLs can be passed through; download it first", name)
		}
	}
	return resolveFile(ctx, name, name, opts, override, nil)
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

func isHTTPURL(name string) bool {
	u, err := url.Parse(name)
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && u.Host != ""
}

// resolveURL decides kind and format from the URL's extension only: the file is the service's to
// download, and fetching it here just to sniff it would double the transfer.
func resolveURL(name string, override string) (*Input, error) {
	u, _ := url.Parse(name) // already parsed by isHTTPURL
	in := &Input{Name: name, URL: name, Size: -1}
	if override != "" {
		in.setFormat(override)
		return in, nil
	}
	ext := strings.TrimPrefix(strings.ToLower(path.Ext(u.Path)), ".")
	switch ext {
	case "m4v":
		ext = "mp4"
	case "oga":
		ext = "ogg"
	}
	if _, ok := formatInfo(ext); ok {
		in.setFormat(ext)
		return in, nil
	}
	// An unknown extension is most likely audio behind a download script; mp3 is the most
	// common such audio, and the service sniffs the file it fetches anyway.
	in.setFormat("mp3")
	in.Assumed = true
	return in, nil
}

// resolveStdin spools standard input to a temp file: the request body needs the size up front
// for the data-URI limit check, and a pipe can be read only once. The copy is then looked at as
// a file is: its content says what it is.
func resolveStdin(ctx context.Context, opts Options, override string) (*Input, error) {
	if opts.Stdin == nil {
		return nil, errors.New("resolve -: no standard input reader given")
	}
	spool, err := spoolStream(ctx, opts.Stdin, "standard input", opts, override)
	if err != nil {
		return nil, err
	}
	return resolveFile(ctx, "-", spool, opts, override, []string{spool})
}

// DefaultMaxSpool is the most read from standard input, a pipe or a device when the run sets no
// lower bound (Options.MaxSize): 64 GiB, days of speech in any format the service takes.
const DefaultMaxSpool = 64 << 30

// spoolStream copies a stream that can be read only once (standard input, a pipe, a device) to
// a temporary file, and returns its path. Its first bytes are looked at before anything is
// written: a stream that cannot be audio or video (all zero bytes, text, an image) is refused
// unspooled. Spooling stops at the largest input the run could use: the end a WAV header gives,
// else Options.MaxSize; a stream that goes on past that is refused.
func spoolStream(ctx context.Context, r io.Reader, shown string, opts Options, override string) (string, error) {
	r = ctxio.NewReader(ctx, r)
	head := make([]byte, headerSize)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", readError(shown, err)
	}
	head = head[:n]
	if n == 0 {
		return "", usagef("%s is empty (0 bytes): nothing to translate", shown)
	}
	sniffed := sniff(head)
	if err := refuseHead(shown, head, sniffed, override); err != nil {
		return "", err
	}
	// Content the magic numbers do not know is spooled only as far as ffprobe needs to tell
	// whether it holds sound at all (random bytes, a tar stream, an unknown codec), whatever
	// --input-format says; known media go on.
	checkPrefix := sniffed.class == classUnknownBinary
	limit, exact := opts.MaxSize, false
	if limit <= 0 {
		limit = DefaultMaxSpool
	}
	if end, ok := wavDeclaredEnd(head); ok && end <= limit {
		// What follows the WAV's own end is not part of it: ffmpeg and the service stop there.
		limit, exact = end, true
	}
	f, err := os.CreateTemp(opts.TempDir, "livetranslate-spool-*")
	if err != nil {
		return "", fmt.Errorf("reading %s: create spool file: %w", shown, err)
	}
	written, err := f.Write(head[:min(int64(len(head)), limit)])
	total := int64(written)
	if err == nil && checkPrefix && total < limit {
		var copied int64
		copied, err = io.Copy(f, io.LimitReader(r, min(prefixProbe, limit)-total))
		total += copied
		if err == nil {
			if perr := soundInPrefix(ctx, opts.FFprobe, f.Name(), shown); perr != nil {
				f.Close()
				os.Remove(f.Name())
				return "", perr
			}
		}
	}
	if err == nil && total < limit {
		rest := limit - total
		if !exact {
			rest++ // one byte more tells a stream that goes on from one that ends at the limit
		}
		var copied int64
		copied, err = io.Copy(f, io.LimitReader(r, rest))
		total += copied
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	switch {
	case err != nil:
		os.Remove(f.Name())
		return "", readError(shown, err)
	case total > limit:
		os.Remove(f.Name())
		if opts.MaxSize > 0 {
			return "", usage.Wrap(&StreamTooLongError{Name: shown, Limit: limit}, "")
		}
		return "", usagef("%s goes on past %s, the most read from a pipe or device: is it the right source? Save a longer recording to a file first", shown, bytesize.Text(limit))
	}
	return f.Name(), nil
}

// prefixProbe is how much of a stream of unknown content is read before ffprobe looks at it:
// enough for any container's headers and a few of its frames.
const prefixProbe = 1 << 20

// soundInPrefix refuses a stream whose first bytes (spooled to path) ffprobe finds no audio in.
// Without ffprobe it lets the stream go on, as files go on without it.
func soundInPrefix(ctx context.Context, ffprobe, path, shown string) error {
	p, err := Probe(ctx, ffprobe, path)
	var missing *MissingToolError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &missing):
		return nil
	}
	if err == nil {
		for _, st := range p.Streams {
			if st.CodecType == "audio" {
				return nil
			}
		}
	}
	return usage.Wrap(&UnrecognisedError{Name: shown, Prefix: true}, "")
}

// readError is an error reading an input, cancellation kept as it is (the run exits 130).
func readError(shown string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fileError(shown, err)
}

// refuseHead refuses what the first bytes of an input say cannot be sent: nothing begins with
// a whole header of zero bytes (/dev/zero, a wiped disk), and without --input-format, what
// the magic numbers call text, an image or MIDI is not recorded sound.
func refuseHead(shown string, head []byte, s sniffed, override string) error {
	if len(head) == headerSize && allZero(head) {
		return usagef("%s is not an audio or video file: its first %d bytes are all zero", shown, len(head))
	}
	if override != "" && s.class == classNotMedia && strings.HasPrefix(s.mime, "text/") {
		// No sound is text, whatever --input-format says (yes | livetranslate translate - …).
		return usage.Wrap(&TextError{Name: shown, Format: override}, "")
	}
	if override != "" {
		return nil
	}
	return refuseSniffed(shown, s)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// removeTemps returns a cleanup that removes the given temp files.
func removeTemps(paths []string) func() error {
	if len(paths) == 0 {
		return nil
	}
	return func() error {
		var errs []error
		for _, p := range paths {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}

type formatSpec struct {
	kind api.Kind
	mime string
}

// formatInfo maps a Format value to its kind and data-URL MIME type.
func formatInfo(format string) (formatSpec, bool) {
	type info = formatSpec
	switch format {
	case "wav":
		return info{api.Audio, "audio/wav"}, true
	case "mp3":
		return info{api.Audio, "audio/mpeg"}, true
	case "flac":
		return info{api.Audio, "audio/flac"}, true
	case "aac":
		return info{api.Audio, "audio/aac"}, true
	case "ogg":
		return info{api.Audio, "audio/ogg"}, true
	case "opus":
		return info{api.Audio, "audio/opus"}, true
	case "m4a":
		return info{api.Audio, "audio/mp4"}, true
	case "amr":
		return info{api.Audio, "audio/amr"}, true
	case "wma":
		return info{api.Audio, "audio/x-ms-wma"}, true
	case "mp4":
		return info{api.Video, "video/mp4"}, true
	case "mov":
		return info{api.Video, "video/quicktime"}, true
	case "mkv":
		return info{api.Video, "video/x-matroska"}, true
	case "webm":
		return info{api.Video, "video/webm"}, true
	case "avi":
		return info{api.Video, "video/x-msvideo"}, true
	}
	return info{}, false
}

// formatList is the help text for --input-format.
const formatList = "wav, mp3, flac, aac, ogg, opus, m4a, amr, wma (audio); mp4, mov, mkv, webm, avi (video)"

func (in *Input) setFormat(format string) {
	info, _ := formatInfo(format)
	in.Kind, in.Format, in.MIME = info.kind, format, info.mime
}

func parseFormatOverride(value string) (string, error) {
	f := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(value)), ".")
	if f == "" || f == "auto" {
		return "", nil
	}
	if _, ok := formatInfo(f); !ok {
		return "", usage.Wrap(&UnknownFormatError{Value: value, Choices: formatList}, "")
	}
	return f, nil
}

// IsMediaFile reports whether a file's first bytes say audio or video. Walking a directory uses it
// to skip text, images and other files without probing each one; a file it does not recognise
// at all is skipped too (name it directly to have ffprobe look at it).
func IsMediaFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	header := make([]byte, 3072)
	n, err := io.ReadFull(f, header)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return false, err
	}
	if n == 0 {
		return false, nil
	}
	switch sniff(header[:n]).class {
	case classNotMedia, classUnknownBinary, classMIDI:
		return false, nil
	}
	return true, nil
}
