package split

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/media"
)

// Prepare writes the re-encoded file or the segment files into a new temporary directory under
// Options.TempDir and fills each segment's Path and Size. A Whole plan needs nothing and a
// prepared plan is left as it is. On any failure, cancellation included, ffmpeg is stopped and the
// directory removed before Prepare returns.
func (p *Plan) Prepare(ctx context.Context) (err error) {
	if p.Whole || p.dir != "" {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ffmpeg, err := media.LookFFmpeg(p.opts.FFmpeg)
	if err != nil {
		return err
	}
	if err := p.makeDir(); err != nil {
		return err
	}
	dir := p.dir
	defer func() {
		if err != nil {
			err = errors.Join(err, p.Cleanup())
		}
	}()

	format, _ := p.segmentFormat()
	for i := range p.Segments {
		p.Segments[i].Path = filepath.Join(dir, fmt.Sprintf("segment-%03d.%s", i, format))
	}
	if p.Input.Kind == api.Video {
		err = p.encodeVideo(ctx, ffmpeg)
	} else {
		err = p.encodeAudio(ctx, ffmpeg)
	}
	if err != nil {
		return fmt.Errorf("preparing segments of %s: %w", displayName(p.Input.Name), err)
	}

	for i := range p.Segments {
		if err := p.checkSize(&p.Segments[i]); err != nil {
			return err
		}
	}
	return nil
}

// Cleanup removes the files Prepare made. It is safe to call on any plan, more than once, and
// after a failed Prepare.
func (p *Plan) Cleanup() error {
	if p == nil || p.dir == "" {
		return nil
	}
	dir := p.dir
	p.dir = ""
	if !p.Whole {
		for i := range p.Segments {
			p.Segments[i].Path = ""
		}
	}
	if err := os.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove segment directory: %w", err)
	}
	return nil
}

// seconds formats a time for ffmpeg, to the microsecond.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}

// encodeAudio writes every segment in one ffmpeg pass: asegment cuts the decoded stream at the
// exact sample (measured: 736 cuts of an hour in 6 s), so the source is decoded once and
// the segments neither overlap nor leave gaps. Each segment's timestamps restart at zero, or its
// Ogg stream would claim to start minutes in. Opus at compression level 5 encodes 20 minutes in
// about 2.5 s; the default 10 takes 11 s for little gain on speech. Bit-exact output (no random
// Ogg serial number, no encoder tag) makes a segment the same bytes every time it is cut, so the
// result cache knows it again.
func (p *Plan) encodeAudio(ctx context.Context, ffmpeg string) error {
	n := len(p.Segments)
	var graph strings.Builder
	fmt.Fprintf(&graph, "[0:a:0]aresample=%d,aformat=sample_rates=%d:channel_layouts=mono", CompactSampleRate, CompactSampleRate)
	if n > 1 {
		stamps := make([]string, 0, n-1)
		for _, s := range p.Segments[:n-1] {
			stamps = append(stamps, seconds(s.End))
		}
		fmt.Fprintf(&graph, ",asegment=timestamps=%s", strings.Join(stamps, "|"))
		for i := range n {
			fmt.Fprintf(&graph, "[a%d]", i)
		}
		for i := range n {
			fmt.Fprintf(&graph, ";[a%d]asetpts=PTS-STARTPTS[o%d]", i, i)
		}
	} else {
		graph.WriteString(",asetpts=PTS-STARTPTS[o0]")
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y",
		"-i", "file:" + p.Input.Path, "-filter_complex", graph.String()}
	for i, s := range p.Segments {
		args = append(args, "-map", fmt.Sprintf("[o%d]", i),
			"-c:a", "libopus", "-b:a", strconv.Itoa(CompactAudioBitRate), "-vbr", "constrained",
			"-compression_level", "5", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", "file:"+s.Path)
	}
	return media.RunFFmpeg(ctx, ffmpeg, args)
}

// encodeVideo encodes each segment with its own ffmpeg: one pass with a segment filter would
// keep an H.264 encoder alive per segment until the end, and an hour of video has dozens. The
// input is seeked (-ss before -i, exact when re-encoding), so each run decodes only its part.
// CRF spends few bits on static pictures (slides); the VBV maximum bounds the rest, which is
// what keeps each file under the estimate the plan made.
func (p *Plan) encodeVideo(ctx context.Context, ffmpeg string) error {
	for _, s := range p.Segments {
		if err := p.encodeVideoSegment(ctx, ffmpeg, s); err != nil {
			return fmt.Errorf("segment %d: %w", s.Index+1, err)
		}
	}
	return nil
}

// encodeVideoSegment encodes [Start, End] of the input, picture and sound, as a small MP4.
func (p *Plan) encodeVideoSegment(ctx context.Context, ffmpeg string, s Segment) error {
	scale := fmt.Sprintf("scale=w='min(%d,iw)':h=-2", SegmentVideoMaxSide)
	if p.outW > 0 {
		scale = fmt.Sprintf("scale=%d:%d", p.outW, p.outH)
	}
	video := "0:v:0"
	if p.videoIdx >= 0 {
		video = "0:" + strconv.Itoa(p.videoIdx)
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}
	if s.Start > 0 {
		args = append(args, "-ss", seconds(s.Start))
	}
	args = append(args, "-i", "file:"+p.Input.Path, "-t", seconds(s.End-s.Start),
		"-map", video, "-vf", fmt.Sprintf("fps=%d,%s", SegmentVideoFrameRate, scale),
		"-c:v", "libx264", "-preset", "veryfast", "-crf", segmentVideoCRF,
		"-maxrate", strconv.Itoa(SegmentVideoBitRate), "-bufsize", strconv.Itoa(segmentVideoBufferBits),
		"-pix_fmt", "yuv420p")
	if p.hasAudio {
		args = append(args, "-map", "0:a:0", "-c:a", "aac", "-ac", "1",
			"-ar", strconv.Itoa(CompactSampleRate), "-b:a", strconv.Itoa(SegmentVideoAudioRate))
	}
	// The index up front lets a server read the file as it arrives.
	args = append(args, "-sn", "-dn", "-movflags", "+faststart", "-f", "mp4", "file:"+s.Path)
	return media.RunFFmpeg(ctx, ffmpeg, args)
}
