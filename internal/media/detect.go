package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/livetranslate/livetranslate/internal/ctxio"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// headerSize is how much of a file the content sniffing reads: mimetype's own default limit.
const headerSize = 4096

// Sample rates the service accepts for audio input (docs/service.md, Input limits and formats).
const (
	minSampleRate = 8000
	maxSampleRate = 48000
)

// class groups what the magic numbers say about a file by what happens to it next.
type class int

const (
	classNotMedia      class = iota // text, image, archive …: refused
	classUnknownBinary              // nothing recognised: ffprobe may still know it
	classServiceAudio               // a format the service takes as is: wav mp3 flac aac ogg opus amr m4a wma
	classISO                        // MP4/QuickTime/3GP: audio (m4a) or video
	classMatroska                   // MKV/WebM: audio or video
	classAVI                        // AVI: nearly always video
	classASF                        // ASF: WMA audio or WMV video
	classOtherAudio                 // audio the service does not take: converted
	classOtherVideo                 // a video container the service does not take: refused unless audio only
	classMIDI                       // notes, not sound: refused
)

// sniffed is what the first bytes of a file say.
type sniffed struct {
	class       class
	mime        string // mimetype's answer without parameters
	container   string // short name for messages: "wav", "mp4", "webm", "aiff" …
	audioFormat string // classServiceAudio: the format to send
	videoFormat string // the container value to send if the file turns out to hold video
	audioBrand  bool   // ISO file branded as audio (M4A): audio even without ffprobe
}

// resolveFile resolves a local file. temps are files made for this input so far (a spool);
// they are removed on error, or by Input.Close.
func resolveFile(ctx context.Context, name, path string, opts Options, override string, temps []string) (_ *Input, err error) {
	defer func() {
		if err != nil {
			if cleanup := removeTemps(temps); cleanup != nil {
				cleanup()
			}
		}
	}()
	shown := displayName(name)
	path, size, err := regularFile(ctx, path, shown, opts, override, &temps)
	if err != nil {
		return nil, err
	}
	in := &Input{Name: name, Path: path, Size: size}
	if override != "" {
		in.setFormat(override)
		in.Mismatch = mismatch(path, shown, override)
		in.cleanup = removeTemps(temps)
		return in, nil
	}
	s, probe, err := examine(ctx, in, shown, opts)
	if err != nil {
		return nil, err
	}
	d, err := decide(shown, s, probe, filepath.Ext(name))
	if err != nil {
		return nil, err
	}
	if d.convert == nil {
		in.setFormat(d.format)
		in.Probe = probe
		in.cleanup = removeTemps(temps)
		return in, nil
	}
	converted, format, err := convertAudio(ctx, opts, path, *d.convert)
	if err != nil {
		return nil, fmt.Errorf("converting %s (%s) to a format the service takes: %w", shown, d.convert.from, err)
	}
	temps = append(temps, converted)
	cfi, err := os.Stat(converted)
	if err != nil {
		return nil, fmt.Errorf("stat converted %s: %w", shown, err)
	}
	in.Path, in.Size, in.ConvertedFrom = converted, cfi.Size(), d.convert.from
	in.setFormat(format)
	in.cleanup = removeTemps(temps)
	return in, nil
}

// mismatch is the note for a file whose content says another format than the one given, nil
// when it says the same (or a kin: the ISO family, Ogg's, Matroska's), or nothing anyone knows.
func mismatch(path, shown, given string) *FormatMismatch {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	header := make([]byte, headerSize)
	n, _ := io.ReadFull(f, header)
	s := sniff(header[:n])
	content := s.audioFormat
	if content == "" {
		content = s.container
	}
	switch s.class {
	case classServiceAudio, classISO, classMatroska, classAVI, classASF:
	default:
		return nil // unknown bytes, or what is refused anyway
	}
	if content == "" || formatFamily(content) == formatFamily(given) {
		return nil
	}
	return &FormatMismatch{Name: shown, Given: given, Content: content}
}

// formatFamily groups formats one container holds, whose names a user may well swap.
func formatFamily(format string) string {
	switch format {
	case "mp4", "m4a", "mov", "3gp", "m4v":
		return "iso"
	case "ogg", "opus", "oga":
		return "ogg"
	case "mkv", "webm":
		return "matroska"
	case "wma", "asf":
		return "asf"
	}
	return format
}

// regularFile is the file at path as one that can be read more than once, and its size: a named
// pipe or device (e.g. bash's <(…)) can be read only once, but sniffing and sending each read
// it, so it is copied, as standard input is (the copy is added to temps). A directory or an empty
// file is refused.
func regularFile(ctx context.Context, path, shown string, opts Options, override string, temps *[]string) (string, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", 0, fileError(shown, err)
	}
	if fi.IsDir() {
		return "", 0, usagef("%s is a directory, not an audio or video file", shown)
	}
	if !fi.Mode().IsRegular() {
		spool, err := spoolFile(ctx, path, shown, opts, override)
		if err != nil {
			return "", 0, err
		}
		*temps = append(*temps, spool)
		path = spool
		if fi, err = os.Stat(path); err != nil {
			return "", 0, fmt.Errorf("stat spool of %s: %w", shown, err)
		}
	}
	if fi.Size() == 0 {
		return "", 0, usagef("%s is empty (0 bytes): nothing to translate", shown)
	}
	return path, fi.Size(), nil
}

// examine reads what the file is: its first bytes sniffed (what is plainly not media refused),
// a recording cut short found (in.Warning), and ffprobe's reading where it is needed (in.Duration).
func examine(ctx context.Context, in *Input, shown string, opts Options) (sniffed, *ProbeInfo, error) {
	f, err := os.Open(in.Path)
	if err != nil {
		return sniffed{}, nil, fileError(shown, err)
	}
	defer f.Close()
	header := make([]byte, headerSize)
	n, err := io.ReadFull(f, header)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return sniffed{}, nil, fileError(shown, err)
	}
	s := sniff(header[:n])
	if err := refuseSniffed(shown, s); err != nil {
		return s, nil, err
	}
	if s.audioFormat == "wav" && !wavHasData(f, in.Size) {
		return s, nil, usagef("%s (detected wav) is cut short: %d bytes and no audio data; export or download it again", shown, in.Size)
	}
	sf, promises := soundShortfall(f, in.Size, s)
	if promises {
		if in.Warning, err = sf.check(shown, s.container); err != nil {
			return s, nil, err
		}
	}
	probe, err := probeIfAvailable(ctx, opts.FFprobe, in.Path, f, in.Size, s)
	if err != nil {
		var perr *ProbeError
		if !errors.As(err, &perr) {
			return s, nil, err
		}
		if s.class == classUnknownBinary {
			return s, nil, usage.Wrap(&UnrecognisedError{Name: shown}, "")
		}
		return s, nil, usage.Wrap(&UndecodableError{Name: shown, Container: s.container, Detail: perr.Detail}, "")
	}
	if probe == nil {
		if s.class == classUnknownBinary {
			return s, nil, usage.Wrap(&UnrecognisedError{Name: shown, NoFFprobe: true}, "")
		}
		return s, nil, nil
	}
	if in.Warning != "" && !sf.wav {
		// The index's length is what the file promised; what it holds is about its share.
		probe.Duration = time.Duration(float64(probe.Duration) * float64(sf.held) / float64(sf.promised))
	}
	in.Duration = probe.Duration
	if s.class == classUnknownBinary {
		if s, err = sniffedFromProbe(shown, probe); err != nil {
			return s, nil, err
		}
	}
	return s, probe, nil
}

// fileError turns an error opening or reading a file into a message that says what to do.
func fileError(shown string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &usage.Error{Msg: fmt.Sprintf("%s does not exist: check the path", shown), Err: err}
	case errors.Is(err, fs.ErrPermission):
		return &usage.Error{Msg: fmt.Sprintf("cannot read %s: permission denied (check the file's permissions)", shown), Err: err}
	}
	return fmt.Errorf("read %s: %w", shown, err)
}

// refuseSniffed refuses what the magic numbers say is not recorded sound.
func refuseSniffed(shown string, s sniffed) error {
	switch s.class {
	case classNotMedia:
		return usagef("%s is not an audio or video file (detected %s)", shown, s.mime)
	case classMIDI:
		return usagef("%s is a MIDI file: it holds notes, not recorded sound", shown)
	}
	return nil
}

// spoolFile copies a named pipe or a device to a temporary file (spoolStream). Opening a pipe
// waits for its writer, and reading it for data: both end when ctx does.
func spoolFile(ctx context.Context, path, shown string, opts Options, override string) (string, error) {
	f, err := ctxio.Open(ctx, path)
	if err != nil {
		return "", readError(shown, err)
	}
	defer f.Close()
	return spoolStream(ctx, f, shown, opts, override)
}

// probeIfAvailable reads the file's streams and duration: from the headers of an audio file
// whose headers say all ffprobe would (headerprobe.go: without its 30-55 ms and ~50 MB per
// file), else with ffprobe. Without ffprobe it returns nil, as it always has, so that the magic
// numbers alone decide.
func probeIfAvailable(ctx context.Context, ffprobePath, path string, f io.ReaderAt, size int64, s sniffed) (*ProbeInfo, error) {
	if _, err := LookFFprobe(ffprobePath); err != nil {
		return nil, nil // without ffprobe the magic numbers alone decide
	}
	if info, ok := probeFromHeader(f, size, s); ok {
		return info, nil
	}
	return Probe(ctx, ffprobePath, path)
}

// sniff classifies a file by its first bytes.
func sniff(header []byte) sniffed {
	// mimetype knows only RIFF WAVE; RF64 and BW64 are the same format with 64-bit sizes.
	if len(header) >= 12 && (bytes.HasPrefix(header, []byte("RF64")) || bytes.HasPrefix(header, []byte("BW64"))) &&
		string(header[8:12]) == "WAVE" {
		return sniffed{class: classServiceAudio, mime: "audio/wav", container: "wav", audioFormat: "wav"}
	}
	m := mimetype.Detect(header)
	base, _, _ := strings.Cut(m.String(), ";")
	s := sniffed{mime: base, container: strings.TrimPrefix(m.Extension(), ".")}
	service := func(format string) sniffed {
		s.class, s.audioFormat, s.container = classServiceAudio, format, format
		return s
	}
	switch base {
	case "audio/wav":
		return service("wav")
	case "audio/mpeg":
		return service("mp3")
	case "audio/flac":
		return service("flac")
	case "audio/aac":
		return service("aac")
	case "audio/amr":
		return service("amr")
	case "audio/ogg", "application/ogg":
		if bytes.Contains(header, []byte("OpusHead")) {
			return service("opus")
		}
		return service("ogg")
	case "audio/x-m4a", "audio/mp4":
		s.class, s.container, s.videoFormat, s.audioBrand = classISO, "m4a", "mp4", true
	case "video/mp4", "video/x-m4v", "video/3gpp", "video/3gpp2":
		// 3GP and M4V are ISO media like MP4; the service is sent them as mp4.
		s.class, s.videoFormat = classISO, "mp4"
	case "video/quicktime":
		s.class, s.container, s.videoFormat = classISO, "mov", "mov"
	case "video/webm":
		s.class, s.container, s.videoFormat = classMatroska, "webm", "webm"
	case "video/matroska":
		s.class, s.container, s.videoFormat = classMatroska, "mkv", "mkv"
	case "video/x-msvideo":
		s.class, s.container, s.videoFormat = classAVI, "avi", "avi"
	case "video/x-ms-asf":
		s.class, s.container = classASF, "asf"
	case "audio/midi":
		s.class = classMIDI
	case "application/octet-stream":
		s.class = classUnknownBinary
	default:
		switch {
		case strings.HasPrefix(base, "audio/"):
			s.class = classOtherAudio
		case strings.HasPrefix(base, "video/"):
			s.class = classOtherVideo
		default:
			s.class = classNotMedia
		}
	}
	return s
}

// sniffedFromProbe classifies a file the magic numbers did not know (CAF, MPEG-TS, W64 …) by
// what ffprobe found in it.
func sniffedFromProbe(shown string, p *ProbeInfo) (sniffed, error) {
	container, _, _ := strings.Cut(p.FormatName, ",")
	notMedia := usagef("%s is not an audio or video file (ffprobe reads it as %s)", shown, container)
	if strings.HasSuffix(container, "_pipe") || container == "image2" || container == "tty" {
		return sniffed{}, notMedia
	}
	switch {
	case p.HasVideo():
		return sniffed{class: classOtherVideo, container: container}, nil
	case p.Audio() != nil:
		return sniffed{class: classOtherAudio, container: container}, nil
	}
	return sniffed{}, notMedia
}

// decision is how an input will be sent: as is in format, or converted first.
type decision struct {
	format  string
	convert *conversion
}

// decide settles kind and format from the sniffed container, ffprobe's streams when available,
// and the file name's extension as a last hint when neither can tell audio from video.
func decide(shown string, s sniffed, probe *ProbeInfo, ext string) (decision, error) {
	ext = strings.ToLower(ext)
	if probe == nil {
		return decideWithoutProbe(shown, s, ext)
	}
	audio := probe.Audio()
	hasVideo := probe.HasVideo() && s.class != classServiceAudio
	switch {
	case hasVideo && s.videoFormat != "":
		return decision{format: s.videoFormat}, nil
	case hasVideo:
		return decision{}, unsupportedVideo(shown, s.container)
	case audio == nil:
		return decision{}, usagef("%s (detected %s) holds no audio or video stream", shown, s.container)
	}

	if audio.SampleRate != 0 && (audio.SampleRate < minSampleRate || audio.SampleRate > maxSampleRate) {
		return decision{convert: &conversion{
			from:     fmt.Sprintf("%s (%d Hz)", s.container, audio.SampleRate),
			resample: true,
		}}, nil
	}
	if format := sendableAudio(s, audio.CodecName); format != "" {
		return decision{format: format}, nil
	}
	return decision{convert: &conversion{
		from:  fmt.Sprintf("%s (%s audio)", s.container, audio.CodecName),
		codec: audio.CodecName,
	}}, nil
}

// sendableAudio returns the format to send an audio-only file in as is, or "" if it must be
// converted.
func sendableAudio(s sniffed, codec string) string {
	switch s.class {
	case classServiceAudio:
		if s.audioFormat != "ogg" && s.audioFormat != "opus" {
			return s.audioFormat
		}
		switch codec {
		case "opus":
			return "opus"
		case "vorbis", "flac":
			return "ogg"
		}
		return "" // Speex and other rarities in Ogg
	case classISO:
		if codec == "aac" {
			return "m4a"
		}
	case classASF:
		if strings.HasPrefix(codec, "wma") {
			return "wma"
		}
	}
	return ""
}

func decideWithoutProbe(shown string, s sniffed, ext string) (decision, error) {
	convert := &conversion{from: s.container}
	switch s.class {
	case classServiceAudio:
		return decision{format: s.audioFormat}, nil
	case classISO:
		if s.audioBrand {
			return decision{format: "m4a"}, nil
		}
		return decision{format: s.videoFormat}, nil
	case classMatroska:
		if ext == ".mka" || ext == ".weba" {
			return decision{convert: convert}, nil
		}
		return decision{format: s.videoFormat}, nil
	case classAVI:
		return decision{format: s.videoFormat}, nil
	case classASF:
		if ext == ".wmv" || ext == ".asf" {
			return decision{}, unsupportedVideo(shown, "wmv")
		}
		return decision{format: "wma"}, nil
	case classOtherAudio:
		return decision{convert: convert}, nil
	}
	return decision{}, unsupportedVideo(shown, s.container)
}

func unsupportedVideo(shown, container string) error {
	stem := strings.TrimSuffix(filepath.Base(shown), filepath.Ext(shown))
	return usagef("%s holds video in %s, a container the service does not take (it takes mp4, mov, mkv, webm, avi): convert it first, e.g. ffmpeg -i %s -c:v libx264 -c:a aac %s.mp4",
		shown, container, shown, stem)
}

// wavHasData walks the RIFF chunk list to the "data" chunk and reports whether it starts inside
// the file with at least one byte of audio: a header cut short has no data chunk to find.
func wavHasData(r io.ReaderAt, size int64) bool {
	var hdr [8]byte
	off := int64(12) // after "RIFF" <size> "WAVE"
	for range 1000 { // a real file has a handful of chunks; this bounds a corrupt chain
		if off+8 > size {
			return false
		}
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return false
		}
		if string(hdr[:4]) == "data" {
			return size > off+8
		}
		n := int64(binary.LittleEndian.Uint32(hdr[4:]))
		off += 8 + n + n&1 // chunks are padded to an even length
	}
	return false
}
