package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// installHint is the one fix for a missing ffprobe or ffmpeg: both come in the ffmpeg package.
const installHint = "install ffmpeg (apt-get install ffmpeg / brew install ffmpeg)"

// MissingToolError says that ffprobe or ffmpeg is not installed (or not where the caller said).
type MissingToolError struct {
	Tool string // "ffprobe" or "ffmpeg"
	Path string // the path that was looked up
	Err  error
}

func (e *MissingToolError) Error() string {
	if e.Path != "" && e.Path != e.Tool {
		return fmt.Sprintf("%s not found at %s: %s", e.Tool, e.Path, installHint)
	}
	return fmt.Sprintf("%s not found: %s", e.Tool, installHint)
}

func (e *MissingToolError) Unwrap() error { return e.Err }

// LookFFprobe returns the ffprobe to run: path if given, else "ffprobe" from PATH.
func LookFFprobe(path string) (string, error) { return lookTool("ffprobe", path) }

// LookFFmpeg returns the ffmpeg to run: path if given, else "ffmpeg" from PATH.
func LookFFmpeg(path string) (string, error) { return lookTool("ffmpeg", path) }

func lookTool(tool, path string) (string, error) {
	if path == "" {
		path = tool
	}
	found, err := exec.LookPath(path)
	if err != nil {
		return "", &MissingToolError{Tool: tool, Path: path, Err: err}
	}
	return found, nil
}

// ProbeInfo is what ffprobe reports about a media file.
type ProbeInfo struct {
	FormatName string        // ffprobe's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
	Duration   time.Duration // 0 when ffprobe cannot tell
	BitRate    int64         // bits per second, 0 when unknown
	Streams    []StreamInfo
}

// StreamInfo is one stream of a probed file.
type StreamInfo struct {
	Index      int
	CodecType  string // "audio", "video", "subtitle", "data"
	CodecName  string // "aac", "opus", "h264" …
	SampleRate int    // audio only
	Channels   int    // audio only
	Width      int    // video only
	Height     int    // video only
	// AttachedPic marks cover art: ffprobe lists it as a video stream, but it is one still picture
	// in an audio file.
	AttachedPic bool
	// Duration is how long this stream runs (its header, or Matroska's DURATION tag); 0 when the
	// file does not say. A video's picture may go on after its sound has ended.
	Duration time.Duration
}

// Audio returns the first audio stream, or nil.
func (p *ProbeInfo) Audio() *StreamInfo {
	for i := range p.Streams {
		if p.Streams[i].CodecType == "audio" {
			return &p.Streams[i]
		}
	}
	return nil
}

// HasVideo reports a moving-picture stream; cover art does not count.
func (p *ProbeInfo) HasVideo() bool {
	for _, s := range p.Streams {
		if s.CodecType == "video" && !s.AttachedPic {
			return true
		}
	}
	return false
}

// ProbeError is ffprobe refusing a file: it could not recognise or read it. Probe returns it
// inside a usage error when ffprobe found the file's content invalid: an input the user must
// change (exit 2), not a failure of the run.
type ProbeError struct {
	Path   string
	Detail string // ffprobe's own first line of complaint, without the file name
	Err    error
}

func (e *ProbeError) Error() string {
	return fmt.Sprintf("ffprobe %s: %s", e.Path, e.Detail)
}

func (e *ProbeError) Unwrap() error { return e.Err }

// Probe runs ffprobe on a local file. It reads headers only, so it is quick on large files.
func Probe(ctx context.Context, ffprobePath, path string) (*ProbeInfo, error) {
	bin, err := LookFFprobe(ffprobePath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin,
		"-v", "error",
		"-show_entries", "format=duration,format_name,bit_rate"+
			":stream=index,codec_type,codec_name,sample_rate,channels,width,height,duration"+
			":stream_disposition=attached_pic:stream_tags=DURATION",
		"-of", "json",
		// "file:" keeps a name with a colon or a leading dash from being read as a protocol or an option.
		"file:"+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("ffprobe %s: %w", path, ctxErr)
		}
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			perr := &ProbeError{Path: path, Detail: firstLine(stderr.String(), "file:"+path+": "), Err: err}
			if strings.Contains(perr.Detail, "Invalid data found") {
				return nil, usage.Wrap(perr, "")
			}
			return nil, perr
		}
		return nil, fmt.Errorf("run ffprobe: %w", err)
	}
	return parseProbe(stdout.Bytes())
}

func parseProbe(data []byte) (*ProbeInfo, error) {
	var raw struct {
		Streams []struct {
			Index       int    `json:"index"`
			CodecType   string `json:"codec_type"`
			CodecName   string `json:"codec_name"`
			SampleRate  string `json:"sample_rate"` // ffprobe writes it as a string
			Channels    int    `json:"channels"`
			Width       int    `json:"width"`
			Height      int    `json:"height"`
			Duration    string `json:"duration"`
			Disposition struct {
				AttachedPic int `json:"attached_pic"`
			} `json:"disposition"`
			Tags map[string]string `json:"tags"`
		} `json:"streams"`
		Format struct {
			FormatName string `json:"format_name"`
			Duration   string `json:"duration"`
			BitRate    string `json:"bit_rate"`
		} `json:"format"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse ffprobe output: %w", err)
	}
	info := &ProbeInfo{FormatName: raw.Format.FormatName}
	if secs, err := strconv.ParseFloat(raw.Format.Duration, 64); err == nil && secs > 0 {
		info.Duration = time.Duration(math.Round(secs * float64(time.Second)))
	}
	info.BitRate, _ = strconv.ParseInt(raw.Format.BitRate, 10, 64) // "N/A" for some formats
	for _, s := range raw.Streams {
		rate, _ := strconv.Atoi(s.SampleRate)
		st := StreamInfo{
			Index: s.Index, CodecType: s.CodecType, CodecName: s.CodecName,
			SampleRate: rate, Channels: s.Channels, Width: s.Width, Height: s.Height,
			AttachedPic: s.Disposition.AttachedPic != 0,
		}
		if secs, err := strconv.ParseFloat(s.Duration, 64); err == nil && secs > 0 && !math.IsInf(secs, 0) {
			st.Duration = time.Duration(math.Round(secs * float64(time.Second)))
		}
		for k, v := range s.Tags {
			if st.Duration == 0 && strings.EqualFold(k, "DURATION") {
				st.Duration = parseClock(v)
			}
		}
		info.Streams = append(info.Streams, st)
	}
	return info, nil
}

// firstLine returns the first non-empty line of a tool's stderr, without a leading prefix.
func firstLine(s, prefix string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		return strings.TrimPrefix(line, prefix)
	}
	return "no reason given"
}

// parseClock reads Matroska's "00:00:08.505000000"; 0 when it is something else.
func parseClock(s string) time.Duration {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) != 3 {
		return 0
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil || h < 0 || m < 0 || sec < 0 {
		return 0
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(math.Round(sec*float64(time.Second)))
}
