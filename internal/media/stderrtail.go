package media

import "strings"

// StderrTail keeps the last bytes ffmpeg writes on its standard error, where its complaint is:
// set it as the command's Stderr, then Reason says why it failed.
type StderrTail struct {
	buf []byte
}

// stderrTailMax bounds what is kept: ffmpeg's last lines.
const stderrTailMax = 4 << 10

func (t *StderrTail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - stderrTailMax; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// Reason is ffmpeg's last line, without its "[component @ 0x…]" prefix ("ffmpeg failed" when it
// said nothing).
func (t *StderrTail) Reason() string {
	lines := strings.Split(strings.TrimSpace(string(t.buf)), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	if strings.HasPrefix(line, "[") {
		if _, rest, ok := strings.Cut(line, "] "); ok {
			line = rest
		}
	}
	if line == "" {
		return "ffmpeg failed"
	}
	return line
}
