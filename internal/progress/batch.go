package progress

import (
	"fmt"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/sink"
)

// Batch reports the inputs of a batch as they start and end: the status line names those being
// translated beside a bar of those done; a plain line says how each ended.
type Batch struct {
	s       *Screen
	total   int
	n       int
	current []string
	start   time.Time
}

// Batch reports total inputs on the screen.
func (s *Screen) Batch(total int) *Batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &Batch{s: s, total: total, start: s.opts.Now()}
	s.status = b.status
	s.draw()
	return b
}

// status is the batch's status line; the caller holds the screen's mu.
func (b *Batch) status(now time.Time) string {
	names := make([]string, len(b.current))
	for i, c := range b.current {
		names[i] = sink.ShownName(c)
	}
	about := "translating"
	if len(names) > 0 {
		about += " " + strings.Join(names, ", ")
	}
	f := float64(b.n) / float64(max(b.total, 1))
	return lineOf(about, f, fmt.Sprintf("(%d/%d)  %s", b.n, b.total, timeText(now.Sub(b.start), f)), b.s.width())
}

// Start notes that an input began.
func (b *Batch) Start(name string) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	b.current = append(b.current, name)
	b.s.draw()
}

// Done notes that an input ended as status says ("translated", "skipped", "failed", "not done").
func (b *Batch) Done(name, status string) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	for i, c := range b.current {
		if c == name {
			b.current = append(b.current[:i], b.current[i+1:]...)
			break
		}
	}
	b.n++
	b.s.line(fmt.Sprintf("livetranslate: [%d/%d] %s %s", b.n, b.total, status, sink.ShownName(name)))
	b.s.draw()
}
