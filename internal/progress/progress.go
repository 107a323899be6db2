// Package progress reports a batch's progress on stderr: a bar on a terminal, or one plain line a
// finished input, so that logs stay readable (progressbar/v3 does not look for a terminal itself,
// so its caller decides, once).
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"

	"github.com/livetranslate/livetranslate/internal/sink"
)

// describeMax is the most bytes of names shown beside the bar.
const describeMax = 40

// Progress reports the inputs of a batch as they start and finish. Its methods may be called from
// several goroutines.
type Progress struct {
	mu      sync.Mutex
	w       io.Writer
	bar     *progressbar.ProgressBar
	total   int
	n       int
	current []string
	closed  bool
}

// New reports total inputs on w, with a bar or in plain lines.
func New(w io.Writer, bar bool, total int) *Progress {
	p := &Progress{w: w, total: total}
	if bar {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("translating"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// Start notes that an input began.
func (p *Progress) Start(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = append(p.current, name)
	p.describe()
}

// Done notes that an input ended as status says ("translated", "skipped", "failed", "not done").
func (p *Progress) Done(name, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, c := range p.current {
		if c == name {
			p.current = append(p.current[:i], p.current[i+1:]...)
			break
		}
	}
	p.n++
	switch {
	case p.bar != nil && !p.closed:
		p.describe()
		p.bar.Add(1)
	case p.bar == nil:
		fmt.Fprintf(p.w, "livetranslate: [%d/%d] %s %s\n", p.n, p.total, status, sink.ShownName(name))
	}
}

// describe shows the names being translated beside the bar, cut short between characters.
func (p *Progress) describe() {
	if p.bar == nil || p.closed {
		return
	}
	names := make([]string, len(p.current))
	for i, c := range p.current {
		names[i] = sink.ShownName(c)
	}
	p.bar.Describe(shorten(strings.Join(names, ", "), describeMax))
}

// shorten cuts s to at most max bytes, "..." included, never inside a character.
func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// Close ends the bar; what is reported after it is not drawn.
func (p *Progress) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil && !p.closed {
		p.bar.Finish()
		p.bar.Exit()
	}
	p.closed = true
}
