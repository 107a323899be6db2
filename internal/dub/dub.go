// Package dub lays translated speech along the source's timeline. Align writes one track as long
// as the source in which each piece's speech (the service's 24 kHz mono PCM, held in a file per
// piece) starts where the piece's speech starts in the source, with silence between; a piece whose
// speech runs past the next piece's start is sped up with ffmpeg's atempo, at most MaxTempo, and
// whatever still does not fit is cut with a short fade rather than overlapping the next piece or
// pushing it late, so the dub never drifts from the picture. Mux puts the track under a copy of a
// video with ffmpeg: the picture is copied, not re-encoded, and the original sound is dropped or
// kept underneath at a given volume.
package dub

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/usage"
)

const (
	// MaxTempo is the fastest a piece's speech is played: past 1.5× speech becomes hard to follow,
	// and atempo's artefacts audible.
	MaxTempo = 1.5
	// fade is how long speech that is cut takes to fade out, so the cut does not click.
	fade = 40 * time.Millisecond
	// bytesPerSample of the service's 16-bit mono PCM.
	bytesPerSample = 2
)

// Clip is one piece's translated speech.
type Clip struct {
	At   time.Duration // where the piece's speech starts in the source
	Path string        // raw 24 kHz s16le mono PCM; "" when the piece has no speech
}

// Fit is how a clip of speech goes into its slot, the time until the next clip starts.
type Fit struct {
	Tempo float64       // 1 = as spoken; above 1 sped up with atempo
	Keep  time.Duration // how much of the (sped-up) speech is heard; less than all of it when cut
	Cut   bool          // the speech did not fit even at MaxTempo, and was cut at the slot's end
}

// FitSlot decides how length of speech goes into a slot: as it is when it fits, sped up just
// enough (at most MaxTempo) when it runs over, and cut at the slot's end when even that is not
// enough.
func FitSlot(length, slot time.Duration) Fit {
	if length <= slot || slot <= 0 {
		return Fit{Tempo: 1, Keep: min(length, max(slot, 0)), Cut: length > max(slot, 0)}
	}
	tempo := min(float64(length)/float64(slot), MaxTempo)
	played := time.Duration(float64(length) / tempo)
	return Fit{Tempo: tempo, Keep: min(played, slot), Cut: played > slot+time.Millisecond}
}

// Report says what Align had to do to make the speech fit.
type Report struct {
	SpedUp int           // clips played faster
	Cut    int           // clips cut short even so
	CutOff time.Duration // speech lost to cuts, in total
}

// Options for Align and Mux.
type Options struct {
	FFmpeg  string // path; "" = look up on PATH
	TempDir string // for sped-up speech ("" = os.TempDir())
}

// Align writes to w a track of total length (24 kHz s16le mono PCM, no header) with each clip's
// speech starting at its At, silence elsewhere; clips must be in order of At. Each clip's slot
// runs to the next clip's At (the last one's to total). Memory stays flat: the clips are copied
// through a small buffer.
func Align(ctx context.Context, clips []Clip, total time.Duration, w io.Writer, opts Options) (Report, error) {
	var rep Report
	bw := bufio.NewWriterSize(w, 64<<10)
	end := samplesAt(total)
	pos := int64(0)
	for i, c := range clips {
		start := samplesAt(c.At)
		if start < pos || (i > 0 && c.At < clips[i-1].At) {
			return rep, fmt.Errorf("dub: clip %d starts at %v, before the previous one ends", i+1, c.At)
		}
		if c.Path == "" || start >= end {
			continue
		}
		slotEnd := end
		if i+1 < len(clips) {
			slotEnd = min(samplesAt(clips[i+1].At), end)
		}
		n, err := clipSamples(c.Path)
		if err != nil {
			return rep, err
		}
		if n == 0 {
			continue
		}
		f := FitSlot(samplesDuration(n), samplesDuration(slotEnd-start))
		path := c.Path
		if f.Tempo > 1 {
			if path, err = speedUp(ctx, c.Path, f.Tempo, opts); err != nil {
				return rep, fmt.Errorf("speeding up the speech of piece %d: %w", i+1, err)
			}
			rep.SpedUp++
		}
		if err := writeSilence(bw, start-pos); err != nil {
			return rep, err
		}
		wrote, total, err := copyClip(bw, path, slotEnd-start)
		if path != c.Path {
			os.Remove(path)
		}
		if err != nil {
			return rep, err
		}
		if f.Cut && wrote < total { // else only atempo's rounding, a few samples over the slot
			rep.Cut++
			rep.CutOff += samplesDuration(total - wrote)
		}
		pos = start + wrote
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	if err := writeSilence(bw, end-pos); err != nil {
		return rep, err
	}
	if err := bw.Flush(); err != nil {
		return rep, fmt.Errorf("writing the dub track: %w", err)
	}
	return rep, nil
}

// samplesAt is the sample at which d falls.
func samplesAt(d time.Duration) int64 {
	return int64(math.Round(d.Seconds() * speech.SampleRate))
}

func samplesDuration(n int64) time.Duration {
	return time.Duration(n) * time.Second / speech.SampleRate
}

func clipSamples(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("dub: %w", err)
	}
	return fi.Size() / bytesPerSample, nil
}

var zeros [32 << 10]byte

func writeSilence(w io.Writer, samples int64) error {
	for left := samples * bytesPerSample; left > 0; {
		n := min(left, int64(len(zeros)))
		if _, err := w.Write(zeros[:n]); err != nil {
			return fmt.Errorf("writing the dub track: %w", err)
		}
		left -= n
	}
	return nil
}

// copyClip copies at most limit samples of the clip at path to w, fading out the last ones when
// the clip is cut. It returns the samples written and the clip's whole length.
func copyClip(w io.Writer, path string, limit int64) (int64, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("dub: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("dub: %w", err)
	}
	total := fi.Size() / bytesPerSample
	keep := min(total, limit)
	fadeFrom := keep // the sample where the fade-out begins
	if keep < total {
		fadeFrom = max(0, keep-samplesAt(fade))
	}
	buf := make([]byte, 32<<10)
	r := bufio.NewReaderSize(io.LimitReader(f, keep*bytesPerSample), len(buf))
	for at := int64(0); at < keep; {
		n, err := io.ReadFull(r, buf[:min(int64(len(buf)), (keep-at)*bytesPerSample)])
		n &^= 1
		for i := 0; i < n; i += bytesPerSample {
			if s := at + int64(i/bytesPerSample); s >= fadeFrom {
				gain := float64(keep-s) / float64(keep-fadeFrom)
				v := int16(binary.LittleEndian.Uint16(buf[i:]))
				binary.LittleEndian.PutUint16(buf[i:], uint16(int16(math.Round(float64(v)*gain))))
			}
		}
		if _, werr := w.Write(buf[:n]); werr != nil {
			return 0, 0, fmt.Errorf("writing the dub track: %w", werr)
		}
		at += int64(n / bytesPerSample)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return at, total, nil
			}
			return 0, 0, fmt.Errorf("dub: reading %s: %w", path, err)
		}
	}
	return keep, total, nil
}

// speedUp writes the clip played tempo times faster to a new temporary file.
func speedUp(ctx context.Context, path string, tempo float64, opts Options) (string, error) {
	ffmpeg, err := media.LookFFmpeg(opts.FFmpeg)
	if err != nil {
		return "", err
	}
	out, err := os.CreateTemp(opts.TempDir, "livetranslate-tempo-*.pcm")
	if err != nil {
		return "", fmt.Errorf("dub: %w", err)
	}
	out.Close()
	pcm := []string{"-f", "s16le", "-ar", strconv.Itoa(speech.SampleRate), "-ac", "1"}
	args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, pcm...)
	args = append(args, "-i", "file:"+path, "-af", "atempo="+strconv.FormatFloat(tempo, 'f', 4, 64))
	args = append(append(args, pcm...), "file:"+out.Name())
	if err := media.RunFFmpeg(ctx, ffmpeg, args); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// Container is how Mux writes a dubbed file: ffmpeg's muxer and the audio codec it takes.
type Container struct {
	Muxer, AudioCodec string
	faststart         bool
}

// ContainerFor picks the container from the output's extension: .mp4/.m4v, .mov, .mkv or .webm.
func ContainerFor(path string) (Container, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mp4", ".m4v":
		return Container{Muxer: "mp4", AudioCodec: "aac", faststart: true}, true
	case ".mov":
		return Container{Muxer: "mov", AudioCodec: "aac", faststart: true}, true
	case ".mkv":
		return Container{Muxer: "matroska", AudioCodec: "aac"}, true
	case ".webm":
		return Container{Muxer: "webm", AudioCodec: "libopus"}, true
	}
	return Container{}, false
}

// ContainerError is a video whose picture cannot be copied into the container asked for;
// CheckContainer returns it inside a usage error.
type ContainerError struct {
	Video, Out string
	Reason     string // ffmpeg's
}

func (e *ContainerError) Error() string {
	return fmt.Sprintf("the picture of %s cannot be copied into %s: %s", e.Video, e.Out, e.Reason)
}

// CheckContainer tries copying a tenth of a second of video's picture into container c, so a
// combination the muxer refuses (VP8 in MP4, H.264 in WebM) is found before anything is
// translated. name is the dubbed file as the user named it, for the error.
func CheckContainer(ctx context.Context, video, name string, c Container, opts Options) error {
	ffmpeg, err := media.LookFFmpeg(opts.FFmpeg)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(opts.TempDir, "livetranslate-dubcheck-*")
	if err != nil {
		return fmt.Errorf("dub: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	err = media.RunFFmpeg(ctx, ffmpeg, []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", "file:" + video,
		"-map", "0:v:0", "-c:v", "copy", "-t", "0.1", "-f", c.Muxer, "file:" + tmp.Name()})
	var ff *media.FFmpegError
	if errors.As(err, &ff) {
		return usage.Wrap(&ContainerError{Video: video, Out: name, Reason: ff.Reason},
			"the picture is copied as it is: choose a container that takes its codec (.mkv takes nearly any)")
	}
	return err
}

// MuxOptions say how Mux mixes.
type MuxOptions struct {
	Options
	Container Container
	// Mix is the volume (0-1) at which the video's own sound stays under the dub; 0 drops it.
	// The video must have sound for a Mix above 0.
	Mix float64
}

// Mux writes to out a copy of video whose sound is track (24 kHz s16le mono PCM, as Align wrote
// it), the first picture stream copied as it is. ffmpeg is stopped when ctx ends; out may then hold
// part of a file, which the caller removes.
func Mux(ctx context.Context, video, track, out string, opts MuxOptions) error {
	ffmpeg, err := media.LookFFmpeg(opts.FFmpeg)
	if err != nil {
		return err
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y",
		"-i", "file:" + video,
		"-f", "s16le", "-ar", strconv.Itoa(speech.SampleRate), "-ac", "1", "-i", "file:" + track,
		"-map", "0:v:0"}
	if opts.Mix > 0 {
		// normalize=0: amix would otherwise halve both inputs; duration=first: as long as the track,
		// which is as long as the source.
		graph := fmt.Sprintf("[0:a:0]aresample=%d,aformat=channel_layouts=mono,volume=%s[under];"+
			"[1:a][under]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[dub]",
			speech.SampleRate, strconv.FormatFloat(opts.Mix, 'f', -1, 64))
		args = append(args, "-filter_complex", graph, "-map", "[dub]")
	} else {
		args = append(args, "-map", "1:a:0")
	}
	c := opts.Container
	args = append(args, "-c:v", "copy", "-c:a", c.AudioCodec, "-b:a", "128k", "-sn", "-dn")
	if c.faststart {
		args = append(args, "-movflags", "+faststart")
	}
	args = append(args, "-f", c.Muxer, "file:"+out)
	if err := media.RunFFmpeg(ctx, ffmpeg, args); err != nil {
		return fmt.Errorf("writing the dubbed video: %w", err)
	}
	return nil
}
