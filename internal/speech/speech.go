// Package speech assembles the translated speech the service streams back (headerless 24 kHz
// signed 16-bit little-endian mono PCM, one Base64 chunk at a time) into a WAV file. Writer puts
// the audio on disk as it arrives, after a canonical 44-byte PCM header, into a hidden temp file
// beside the destination, and only Commit, after writing the final sizes into the header, renames
// it into place: an interrupted run never leaves a WAV that looks complete. StreamWriter is the
// variant for a pipe (--audio-out -), which cannot seek back to fix the header and so gets one
// that says "size unknown". A destination that is a character device or a named pipe (/dev/null,
// a FIFO, a process substitution) is written into as such a stream, never replaced by a rename.
//
// The file is assembled by github.com/go-audio/wav's Encoder, as the design card says: each chunk
// is handed to it as it arrives (at most encodeBlock samples at a time, so nothing grows with the
// length of the speech) and its Close seeks back to complete the header. It turns every sample
// into an int and back through binary.Write (an allocation a sample), slower than copying the
// s16le bytes: speech streams in at 48 KB/s and the encoder keeps up at about a thousand times
// that, but speech copied in at once (held segments, --align's track) takes about 2.5 s an hour
// of it where copying the bytes took 0.3 s (README, Notes; BenchmarkWriter). It needs an
// io.WriteSeeker, so a pipe or a device gets StreamWriter's own header.
package speech

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// The service's speech format (docs/service.md, Speech output).
const (
	SampleRate     = 24000
	bitDepth       = 16
	channels       = 1
	bytesPerSample = bitDepth / 8 * channels
	wavFormatPCM   = 1
)

// maxDataBytes is the most PCM a WAV's 32-bit sizes can describe (about 24 hours at 24 kHz):
// past it the header would wrap around and lie.
const maxDataBytes = 0xFFFFFFFF - 36

// writeBufferSize batches the chunks (about 10 KB each) into few, large writes to the file.
const writeBufferSize = 64 << 10

// headerSize is the canonical PCM WAV header's: RIFF, fmt and data chunk headers.
const headerSize = 44

// encodeBlock is the most samples handed to the encoder at once: a chunk larger than that is
// converted a block at a time, so the int buffer stays small whatever the chunk size.
const encodeBlock = 8192

// ErrFinished is returned by Write and Commit after Commit or Abort.
var ErrFinished = errors.New("speech writer already committed or aborted")

// Writer writes PCM chunks into a WAV file that appears at its path only on Commit.
type Writer struct {
	path      string
	dest      string // the file renamed over: path, or what a symbolic link at path names
	overwrite bool
	file      *os.File
	stream    *StreamWriter   // into a device or a pipe, written directly; nil otherwise
	buf       *bufio.Writer   // into file
	enc       *wav.Encoder    // into buf, through seekBuffered; nil for a stream
	ints      audio.IntBuffer // the samples being handed to enc, reused
	pair      [2]byte         // a sample split across two chunks: pair[0] waits for its second byte
	hasCarry  bool
	samples   int64
	finished  bool
}

// seekBuffered is the io.WriteSeeker the encoder writes into: writes are batched by the
// bufio.Writer (the encoder writes its header a field at a time, and each chunk's samples in one
// write), and a seek, which only the encoder's Close makes, first flushes them.
type seekBuffered struct {
	buf  *bufio.Writer
	file *os.File
}

func (s seekBuffered) Write(p []byte) (int, error) { return s.buf.Write(p) }

func (s seekBuffered) Seek(offset int64, whence int) (int64, error) {
	if err := s.buf.Flush(); err != nil {
		return 0, err
	}
	return s.file.Seek(offset, whence)
}

// Create starts a WAV file for path. Nothing exists at path until Commit; until then the audio
// goes to a hidden ".livetranslate-*.wav.tmp" file in the same directory, so the final rename
// stays on one file system. It refuses a missing directory, and an existing path unless
// overwrite is set. A character device or a named pipe at path is written into directly, as a
// streamed WAV (sizes unknown), whether or not overwrite is set.
func Create(ctx context.Context, path string, overwrite bool) (*Writer, error) {
	if path == "" {
		return nil, &usage.Error{Msg: "no speech output file given"}
	}
	dir := filepath.Dir(atomicfile.Resolve(path))
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &usage.Error{Msg: fmt.Sprintf("cannot write speech to %s: directory %s does not exist (create it first)", path, dir), Err: err}
		}
		return nil, fmt.Errorf("speech output directory %s: %w", dir, err)
	} else if !fi.IsDir() {
		return nil, &usage.Error{Msg: fmt.Sprintf("cannot write speech to %s: %s is not a directory", path, dir)}
	}
	dest, direct, err := checkDestination(path, overwrite)
	if err != nil {
		return nil, err
	}
	if direct {
		file, err := atomicfile.OpenDirect(ctx, path)
		if err != nil {
			return nil, err
		}
		buf := bufio.NewWriterSize(file, writeBufferSize)
		return &Writer{path: path, dest: path, file: file, buf: buf, stream: NewStream(buf)}, nil
	}
	file, err := createTemp(filepath.Dir(dest))
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, &usage.Error{Msg: fmt.Sprintf("cannot write speech to %s: permission denied in %s", path, dir), Err: err}
		}
		return nil, fmt.Errorf("create speech temp file in %s: %w", dir, err)
	}
	w := &Writer{path: path, dest: dest, overwrite: overwrite, file: file, buf: bufio.NewWriterSize(file, writeBufferSize)}
	if err := w.start(); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

// start begins the WAV in the empty file with a new encoder. The header goes on disk now, sizes
// zero until Commit: a run killed before it leaves a file that reads as an empty WAV, never as a
// complete one. (The encoder writes its header with the first samples, its sizes 42 until its
// Close; an empty write makes it write the header, and the sizes are set to "no data".)
// NewEncoder reserves a buffer for a minute of audio (2.9 MB) that Write fills with at most one
// block's bytes (16 KB) at a time.
func (w *Writer) start() error {
	w.enc = wav.NewEncoder(seekBuffered{w.buf, w.file}, SampleRate, bitDepth, channels, wavFormatPCM)
	w.ints = audio.IntBuffer{Format: &audio.Format{NumChannels: channels, SampleRate: SampleRate}, SourceBitDepth: bitDepth, Data: w.ints.Data[:0]}
	err := w.enc.Write(&w.ints)
	if err == nil {
		err = w.buf.Flush()
	}
	if err == nil {
		err = w.patchSizes(0)
	}
	if err != nil {
		return fmt.Errorf("write WAV header to %s: %w", w.file.Name(), err)
	}
	return nil
}

// patchSizes writes the sizes of a WAV holding dataBytes of PCM into the header on disk.
func (w *Writer) patchSizes(dataBytes uint32) error {
	h := wavHeader(dataBytes, 36+dataBytes)
	// RIFF size at 4, data size at 40: the two fields that depend on the length.
	if _, err := w.file.WriteAt(h[4:8], 4); err != nil {
		return err
	}
	_, err := w.file.WriteAt(h[40:44], 40)
	return err
}

// ExistsError refuses to write speech over an existing file when not asked to overwrite; the
// command layer says how to ask.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists, and is replaced only when asked", e.Path)
}

// checkDestination says where the WAV goes: the file to rename over (path, or the regular file a
// symbolic link at path names), or direct for a character device, a named pipe or one of the
// process's descriptors; atomicfile.Inspect decides, as it does for the text. It refuses an
// existing regular file unless overwriting, and a directory, a block device or a socket always.
func checkDestination(path string, overwrite bool) (dest string, direct bool, err error) {
	d, err := atomicfile.Inspect(path, overwrite)
	var exists *atomicfile.ExistsError
	var kind *atomicfile.KindError
	switch {
	case errors.As(err, &exists):
		return "", false, usage.Wrap(&ExistsError{Path: path}, "")
	case errors.As(err, &kind) && kind.Kind == "a directory":
		return "", false, &usage.Error{Msg: fmt.Sprintf("cannot write speech to %s: it is a directory", path)}
	case errors.As(err, &kind):
		return "", false, &usage.Error{Msg: fmt.Sprintf("cannot write speech to %s: it is not a regular file, a character device or a pipe", path)}
	case err != nil:
		return "", false, fmt.Errorf("check speech output %s: %w", path, err)
	case d.Direct:
		return path, true, nil
	}
	return d.Path, false, nil
}

// Direct reports whether the WAV is written straight into a device or a pipe: its header gives
// no sizes, and what was written cannot be taken back.
func (w *Writer) Direct() bool { return w.stream != nil }

// createTemp is os.CreateTemp with the default 0666 permissions, so the umask decides the final
// file's mode as it would for any file the user creates (os.CreateTemp uses 0600).
func createTemp(dir string) (*os.File, error) {
	var random [6]byte
	for range 10 {
		if _, err := rand.Read(random[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, ".livetranslate-"+hex.EncodeToString(random[:])+".wav.tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("no free temp file name in %s", dir)
}

// Write appends s16le PCM. A chunk may end in the middle of a sample: the odd byte is kept and
// joined to the next chunk's first byte. It returns len(pcm) on success.
func (w *Writer) Write(pcm []byte) (int, error) {
	if w.finished {
		return 0, ErrFinished
	}
	if w.stream != nil {
		n, err := w.stream.Write(pcm)
		w.samples = w.stream.Samples()
		if err != nil {
			return n, fmt.Errorf("write speech to %s: %w", w.path, err)
		}
		return n, nil
	}
	n := len(pcm)
	pending := int64(len(pcm))
	if w.hasCarry {
		pending++
	}
	if (w.samples*bytesPerSample + pending) > maxDataBytes {
		return 0, fmt.Errorf("speech output %s would exceed the 4 GiB a WAV file can hold", w.path)
	}
	data := w.ints.Data[:0]
	if w.hasCarry && len(pcm) > 0 {
		w.pair[1] = pcm[0]
		data = append(data, int(int16(binary.LittleEndian.Uint16(w.pair[:]))))
		w.hasCarry = false
		pcm = pcm[1:]
	}
	whole := len(pcm) &^ 1
	for i := 0; i < whole; i += bytesPerSample {
		data = append(data, int(int16(binary.LittleEndian.Uint16(pcm[i:]))))
		if len(data) == encodeBlock {
			if err := w.encode(data); err != nil {
				return 0, err
			}
			data = data[:0]
		}
	}
	if len(data) > 0 {
		if err := w.encode(data); err != nil {
			return 0, err
		}
	}
	if whole < len(pcm) {
		w.pair[0], w.hasCarry = pcm[whole], true
	}
	return n, nil
}

// encode hands whole samples to the encoder, which writes them after what came before.
func (w *Writer) encode(samples []int) error {
	w.ints.Data = samples
	if err := w.enc.Write(&w.ints); err != nil {
		return w.writeError(err)
	}
	w.samples += int64(len(samples))
	return nil
}

func (w *Writer) writeError(err error) error {
	return fmt.Errorf("write speech to %s: %w", w.file.Name(), err)
}

// Reset discards the audio written so far, leaving an empty WAV to write again: a request that
// is retried from the start must not leave its first attempt's speech in the file.
func (w *Writer) Reset() error {
	if w.finished {
		return ErrFinished
	}
	if w.stream != nil {
		if w.stream.wroteHeader {
			return fmt.Errorf("cannot take back the speech written into %s (a device or a pipe)", w.path)
		}
		return nil
	}
	w.buf.Reset(w.file) // drops what was buffered
	if err := w.file.Truncate(0); err != nil {
		return fmt.Errorf("reset speech in %s: %w", w.file.Name(), err)
	}
	if _, err := w.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reset speech in %s: %w", w.file.Name(), err)
	}
	w.samples, w.hasCarry = 0, false
	return w.start() // a new encoder: the old one counts the discarded samples
}

// Samples is the number of samples written so far.
func (w *Writer) Samples() int64 { return w.samples }

// Duration is the length of the audio written so far.
func (w *Writer) Duration() time.Duration { return samplesDuration(w.samples) }

// Commit finishes the WAV header, flushes the file to disk and renames it into place. A byte
// left over from an odd total length is half a sample and is dropped: the stream was cut short
// mid-sample, and every whole sample before it is still good audio. Commit with no samples
// writes a valid, empty WAV. After a failed Commit the temp file is gone; Abort is a no-op.
func (w *Writer) Commit() (err error) {
	if w.finished {
		return ErrFinished
	}
	w.finished = true
	if w.stream != nil {
		err := w.stream.Close()
		if err == nil {
			err = w.buf.Flush()
		}
		if cerr := w.file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write speech to %s: %w", w.path, err)
		}
		return nil
	}
	tmp := w.file.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := w.finishFile(); err != nil {
		w.file.Close()
		return fmt.Errorf("finish WAV file %s: %w", tmp, err)
	}
	if err := w.file.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	// Checked again because a parallel job may have written the same name since Create.
	if _, _, err := checkDestination(w.path, w.overwrite); err != nil {
		return err
	}
	if err := os.Rename(tmp, w.dest); err != nil {
		return fmt.Errorf("move speech into place at %s: %w", w.path, err)
	}
	syncDir(filepath.Dir(w.dest))
	return nil
}

// finishFile has the encoder complete the header (its Close writes the real sizes, flushing the
// buffered audio through seekBuffered's Seek) and flushes the file to disk, so that once renamed
// it is complete even after a crash. The encoder's Close syncs only an *os.File it writes into
// directly, so the sync is done here.
func (w *Writer) finishFile() error {
	if err := w.enc.Close(); err != nil {
		return err
	}
	if err := w.buf.Flush(); err != nil { // empty after Close's last seek; kept in case it changes
		return err
	}
	return w.file.Sync()
}

// syncDir makes the rename itself durable. Best effort: not every platform can fsync a directory.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Abort closes and removes the temp file. It is safe after Commit (a no-op) and more than once.
func (w *Writer) Abort() error {
	if w.finished {
		return nil
	}
	w.finished = true
	closeErr := w.file.Close()
	if w.stream != nil {
		return nil // a device or a pipe: there is nothing to remove
	}
	if err := os.Remove(w.file.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove speech temp file: %w", err)
	}
	if closeErr != nil && !errors.Is(closeErr, os.ErrClosed) {
		return fmt.Errorf("close speech temp file: %w", closeErr)
	}
	return nil
}

func samplesDuration(samples int64) time.Duration {
	return time.Duration(samples) * time.Second / SampleRate
}

// StreamWriter writes a WAV to a writer that cannot seek, such as standard output in a pipe.
// Its header gives 0xFFFFFFFF for the sizes, the convention for "until the end of the stream"
// that ffmpeg, sox and most players follow. go-audio/wav's Encoder is not used here: it needs an
// io.WriteSeeker, puts placeholder sizes (42) in its header and fixes them on Close by seeking
// back, which a pipe cannot do, so what it sent would stay wrong.
type StreamWriter struct {
	w           io.Writer
	wroteHeader bool
	pair        [2]byte // a sample split across two chunks
	hasCarry    bool
	samples     int64
	closed      bool
}

// NewStream returns a StreamWriter. The header is written with the first audio (or by Close if
// none arrives), so a run that fails before any speech writes nothing.
func NewStream(w io.Writer) *StreamWriter { return &StreamWriter{w: w} }

// streamHeader is the 44-byte PCM WAV header with unknown sizes.
func streamHeader() []byte { return wavHeader(0xFFFFFFFF, 0xFFFFFFFF) }

// wavHeader is the canonical 44-byte header of 24 kHz s16le mono PCM with the given data chunk
// and RIFF sizes (0xFFFFFFFF: unknown).
func wavHeader(dataSize, riffSize uint32) []byte { return PCMHeader(SampleRate, dataSize, riffSize) }

// PCMHeader is the canonical 44-byte header of s16le mono PCM at rate with the given data chunk
// and RIFF sizes.
func PCMHeader(rate int, dataSize, riffSize uint32) []byte {
	h := make([]byte, 0, headerSize)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, riffSize)
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16)
	h = binary.LittleEndian.AppendUint16(h, wavFormatPCM)
	h = binary.LittleEndian.AppendUint16(h, channels)
	h = binary.LittleEndian.AppendUint32(h, uint32(rate))
	h = binary.LittleEndian.AppendUint32(h, uint32(rate*bytesPerSample))
	h = binary.LittleEndian.AppendUint16(h, bytesPerSample)
	h = binary.LittleEndian.AppendUint16(h, bitDepth)
	h = append(h, "data"...)
	h = binary.LittleEndian.AppendUint32(h, dataSize)
	return h
}

func (s *StreamWriter) writeHeader() error {
	if s.wroteHeader {
		return nil
	}
	s.wroteHeader = true
	if _, err := s.w.Write(streamHeader()); err != nil {
		return fmt.Errorf("write WAV stream header: %w", err)
	}
	return nil
}

// Write passes s16le PCM through, holding back an odd trailing byte until its sample is whole.
func (s *StreamWriter) Write(pcm []byte) (int, error) {
	if s.closed {
		return 0, ErrFinished
	}
	n := len(pcm)
	if n == 0 {
		return 0, nil
	}
	if err := s.writeHeader(); err != nil {
		return 0, err
	}
	if s.hasCarry {
		s.pair[1] = pcm[0]
		if _, err := s.w.Write(s.pair[:]); err != nil {
			return 0, fmt.Errorf("write speech: %w", err)
		}
		s.hasCarry = false
		s.samples++
		pcm = pcm[1:]
	}
	whole := len(pcm) &^ 1
	if whole > 0 {
		if _, err := s.w.Write(pcm[:whole]); err != nil {
			return 0, fmt.Errorf("write speech: %w", err)
		}
		s.samples += int64(whole / bytesPerSample)
	}
	if whole < len(pcm) {
		s.pair[0], s.hasCarry = pcm[whole], true
	}
	return n, nil
}

// Samples is the number of samples written so far.
func (s *StreamWriter) Samples() int64 { return s.samples }

// Duration is the length of the audio written so far.
func (s *StreamWriter) Duration() time.Duration { return samplesDuration(s.samples) }

// Close ends the stream: it writes the header if no audio came, so the output is still a valid
// (empty) WAV, and drops a leftover half sample. It does not close the underlying writer.
func (s *StreamWriter) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.writeHeader()
}
