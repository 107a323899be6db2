package media

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// RunFFmpeg runs ffmpeg with args, stopping it when ctx ends (ctx's error is then returned), and
// turns a failure into one line with ffmpeg's first complaint. Only the first 4 KiB of its stderr
// are kept, so a chatty ffmpeg cannot grow memory.
func RunFFmpeg(ctx context.Context, ffmpeg string, args []string) error {
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	cmd.WaitDelay = 5 * time.Second
	stderr := &headBuffer{max: 4 << 10}
	cmd.Stderr = stderr
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err == nil {
		return nil
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return fmt.Errorf("run ffmpeg: %w", err)
	}
	line := firstLine(string(stderr.buf), "")
	if strings.HasPrefix(line, "[") { // "[mp4 @ 0x55ed4b124f00] Could not find tag …"
		if _, rest, ok := strings.Cut(line, "] "); ok {
			line = rest
		}
	}
	return &FFmpegError{Reason: line, Err: err}
}

// FFmpegError is ffmpeg failing, with its first complaint.
type FFmpegError struct {
	Reason string
	Err    error
}

func (e *FFmpegError) Error() string { return "ffmpeg: " + e.Reason + ": " + e.Err.Error() }
func (e *FFmpegError) Unwrap() error { return e.Err }

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	buf []byte
	max int
}

func (b *headBuffer) Write(p []byte) (int, error) {
	if room := b.max - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
