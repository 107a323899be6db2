package media

import (
	"context"
	"fmt"
	"os"
)

// conversion is audio that must be rewritten into a format the service takes.
type conversion struct {
	from     string // what it was, for Input.ConvertedFrom: "webm (opus audio)"
	codec    string // source audio codec from ffprobe; "" if unknown
	resample bool   // the sample rate is outside 8–48 kHz
}

// convertTarget is one way of writing the audio out.
type convertTarget struct {
	format string   // Input.Format of the result
	ext    string   // temp file extension, for people looking at the temp dir
	args   []string // ffmpeg output options
	copy   bool     // stream copy: lossless and quick, but may fail where re-encoding would not
}

// speechMP3Args is the fallback encoding: mono 64 kbit/s MP3 keeps speech intelligible at about
// 480 KB a minute, so a long talk still fits few 10 MiB data URIs.
func speechMP3Args() []string {
	return []string{"-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"}
}

// targetFor picks a stream copy when the codec already is one the service takes in some
// container, so nothing is lost to a second lossy encoding.
func targetFor(c conversion) convertTarget {
	if c.resample {
		// 16 kHz is what speech recognition works at, and inside the service's range.
		return convertTarget{format: "mp3", ext: "mp3", args: append([]string{"-ar", "16000"}, speechMP3Args()...)}
	}
	switch c.codec {
	case "opus", "vorbis":
		return convertTarget{format: "ogg", ext: "ogg", args: []string{"-c:a", "copy", "-f", "ogg"}, copy: true}
	case "flac":
		return convertTarget{format: "flac", ext: "flac", args: []string{"-c:a", "copy", "-f", "flac"}, copy: true}
	case "mp3":
		return convertTarget{format: "mp3", ext: "mp3", args: []string{"-c:a", "copy", "-f", "mp3"}, copy: true}
	case "aac":
		return convertTarget{format: "aac", ext: "aac", args: []string{"-c:a", "copy", "-f", "adts"}, copy: true}
	}
	return convertTarget{format: "mp3", ext: "mp3", args: speechMP3Args()}
}

// convertAudio writes the first audio stream of src into a temp file the service can take and
// returns its path and format. The caller owns the file.
func convertAudio(ctx context.Context, opts Options, src string, c conversion) (string, string, error) {
	bin, err := LookFFmpeg(opts.FFmpeg)
	if err != nil {
		return "", "", err
	}
	target := targetFor(c)
	out, err := runConversion(ctx, bin, src, opts.TempDir, target)
	if err != nil && target.copy && ctx.Err() == nil {
		// A copy can fail on odd source timestamps or codec parameters; re-encoding always works
		// on anything ffmpeg decodes.
		target = targetFor(conversion{})
		out, err = runConversion(ctx, bin, src, opts.TempDir, target)
	}
	if err != nil {
		return "", "", err
	}
	return out, target.format, nil
}

func runConversion(ctx context.Context, ffmpeg, src, tempDir string, target convertTarget) (string, error) {
	tmp, err := os.CreateTemp(tempDir, "livetranslate-convert-*."+target.ext)
	if err != nil {
		return "", fmt.Errorf("create conversion file: %w", err)
	}
	out := tmp.Name()
	tmp.Close()

	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y",
		"-i", "file:" + src, "-map", "0:a:0", "-vn", "-sn", "-dn"}
	args = append(args, target.args...)
	args = append(args, "file:"+out)
	if err := RunFFmpeg(ctx, ffmpeg, args); err != nil {
		os.Remove(out)
		return "", err
	}
	return out, nil
}
