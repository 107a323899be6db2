package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/media"
)

// SourceKind says what a source is, which decides what its end means.
type SourceKind int

const (
	// Device is a capture device (a microphone): it has no end; a drop is reopened.
	Device SourceKind = iota + 1
	// Stream is a network stream (HLS, RTMP, SRT, RTSP, HTTP…): a drop is reopened.
	Stream
	// File is a local file, followed as it grows; its end is the end of the run.
	File
	// Stdin is audio piped in; its end is the end of the run.
	Stdin
)

func (k SourceKind) String() string {
	switch k {
	case Device:
		return "device"
	case Stream:
		return "stream"
	case File:
		return "file"
	case Stdin:
		return "standard input"
	}
	return "source"
}

// Reopens says whether a source that ends is a drop, to be reopened, rather than the end.
func (k SourceKind) Reopens() bool { return k == Device || k == Stream }

// Source is a live source as ffmpeg opens it.
type Source struct {
	Name string // as given: pulse:default, https://…/a.m3u8, talk.wav, -
	Kind SourceKind
	args []string // ffmpeg's input arguments, -i and its value last
}

// devices are ffmpeg's capture formats a source may name as FORMAT:DEVICE. lavfi makes test
// sources (lavfi:sine=440).
var devices = map[string]bool{
	"pulse": true, "alsa": true, "jack": true, "oss": true, "openal": true, "sndio": true,
	"avfoundation": true, "dshow": true, "lavfi": true,
}

var urlScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://`)

// SourceOptions say how to open a source beyond its name.
type SourceOptions struct {
	// InputArgs are ffmpeg input options placed before -i (e.g. -f s16le -ar 16000 -ac 1 for
	// raw audio piped in).
	InputArgs []string
	// Realtime reads a file or a pipe at its own pace (ffmpeg -re), as if it were live.
	Realtime bool
	// Follow is how long a file source may go without growing before its end is the end of the
	// run (0: it is read to its end once).
	Follow time.Duration
}

// ParseSource reads a source's name: FORMAT:DEVICE for a capture device (pulse:default,
// alsa:hw:0, avfoundation::0, dshow:audio=Microphone), a URL for a stream, - for standard
// input, and anything else as a file.
func ParseSource(name string, o SourceOptions) (Source, error) {
	s := Source{Name: name}
	// ffmpeg reads 5 s of a source to learn its streams before it decodes any: a live source
	// would start 5 s late, and one that pauses (a stream back after a drop, silent until the
	// speaker talks) would wait for more. What a source's first packets say is enough here.
	in := []string{"-probesize", "32", "-analyzeduration", "0"}
	var target []string // -i and what it names, after the caller's options
	switch format, dev, ok := strings.Cut(name, ":"); {
	case name == "":
		return s, errors.New("the source is empty")
	case name == "-":
		s.Kind = Stdin
		if o.Realtime {
			in = append(in, "-re")
		}
		target = []string{"-i", "pipe:0"}
	case urlScheme.MatchString(name):
		s.Kind = Stream
		if u, err := url.Parse(name); err == nil && u.User != nil {
			s.Name = u.Redacted() // a camera's password is not printed, nor kept in the ledger
		}
		scheme := strings.ToLower(name[:strings.Index(name, ":")])
		if scheme == "http" || scheme == "https" {
			// A stalled HTTP stream ends after 15 s without data, and is then reopened.
			in = append(in, "-rw_timeout", "15000000")
		}
		if o.Realtime {
			in = append(in, "-re")
		}
		target = []string{"-i", name}
	case ok && devices[strings.ToLower(format)]:
		if dev == "" {
			return s, fmt.Errorf("%s: name the device after %s: (e.g. %s:default)", name, format, format)
		}
		s.Kind = Device
		if strings.EqualFold(format, "lavfi") {
			in = append(in, "-re") // a generated source would come as fast as it is made
		}
		in = append(in, "-f", strings.ToLower(format))
		target = []string{"-i", dev}
	default:
		s.Kind = File
		if o.Realtime {
			in = append(in, "-re")
		}
		if o.Follow > 0 {
			// A read that waits Follow for the file to grow gives up. (At the very end of a file,
			// ffmpeg 5.1 waits out the timeout twice before it ends: the run ends up to 2 Follow
			// after the file stopped growing, where a file that stops growing for less than
			// Follow while it is written is never cut short.)
			in = append(in, "-follow", "1", "-rw_timeout", strconv.FormatInt(o.Follow.Microseconds(), 10))
		}
		target = []string{"-i", "file:" + name}
	}
	s.args = append(append(in, o.InputArgs...), target...)
	return s, nil
}

// SampleRate is the rate of the decoded audio: what the cutter reads and what is sent.
const SampleRate = 16000

// decodeFilter decodes the first audio stream to 16 kHz mono twice over, as the two channels of
// one stereo stream: the left band-limited to the voice (100 Hz – 5 kHz, so hum and rumble do not
// count as sound), for finding the speech; the right as heard, for sending. One pipe carries both
// in step, on every platform. The audio is laid on the source's timeline (async fills gaps), and
// the packets are flushed as they are made, so nothing waits in a buffer.
const decodeFilter = "[0:a:0]aresample=16000:async=1:first_pts=0,aformat=sample_fmts=s16:channel_layouts=mono,asplit=2[heard][band];" +
	"[band]highpass=f=100,highpass=f=100,lowpass=f=5000,aformat=sample_fmts=s16:channel_layouts=mono[voice];" +
	"[voice][heard]amerge=inputs=2[out]"

// DecodeArgs are the arguments of the ffmpeg that decodes src (the program's name not
// included): its input, then interleaved stereo s16le at SampleRate on standard output, the left
// channel band-limited for finding the speech and the right as heard, as the Cutter takes it. A
// source "-" reads ffmpeg's standard input. The benchmark runs the same command to tell ffmpeg's
// own delay from the rest of a live run's.
func (src Source) DecodeArgs() []string {
	args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error"}, src.args...)
	return append(args, "-filter_complex", decodeFilter, "-map", "[out]", "-f", "s16le", "-flush_packets", "1", "pipe:1")
}

// decoder runs ffmpeg on a source.
type decoder struct {
	ffmpeg string
	stdin  io.Reader
}

// run decodes src until it ends or ctx is done, handing blocks of interleaved stereo samples to
// write as they arrive (about 0.1 s each). got is called once, when the first audio arrived. It
// returns nil when the source ended, ctx's error when ctx ended it.
func (d decoder) run(ctx context.Context, src Source, got func(), write func([]int16) error) error {
	bin, err := media.LookFFmpeg(d.ffmpeg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, src.DecodeArgs()...)
	cmd.WaitDelay = 5 * time.Second
	if src.Kind == Stdin {
		cmd.Stdin = d.stdin
	}
	stderr := &media.StderrTail{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("opening %s: %w", src.Name, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run ffmpeg: %w", err)
	}
	readErr := readSamples(stdout, got, write)
	if readErr != nil {
		cancel()
	}
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil && readErr == nil:
		return ctx.Err()
	case readErr != nil:
		return readErr
	case waitErr != nil:
		var exitErr *exec.ExitError
		if errors.As(waitErr, &exitErr) {
			return &media.FFmpegError{Reason: stderr.Reason(), Err: waitErr}
		}
		return fmt.Errorf("run ffmpeg: %w", waitErr)
	}
	return nil
}

// readSamples reads s16le stereo from r until EOF, a block (about 0.1 s) at a time; got is
// called before the first.
func readSamples(r io.Reader, got func(), write func([]int16) error) error {
	first := true
	return media.ReadSamples(r, 16<<10, func(samples []int16) error {
		if first {
			first = false
			got()
		}
		return write(samples)
	})
}
