package cmd

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/schollz/progressbar/v3"
)

// progress reports a batch on stderr: a bar when stderr is a terminal (or --progress always),
// otherwise (--progress never, or no terminal) one plain line per finished input, so CI logs stay readable (progressbar/v3 does
// not check for a terminal itself, so the decision is made here, once).
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	bar     *progressbar.ProgressBar
	plain   bool
	total   int
	n       int
	started time.Time
	current []string
	closed  bool
}

func newProgress(a *app, mode string, total int) *progress {
	p := &progress{w: a.io.Err, total: total, started: time.Now()}
	useBar := mode == "always" || (mode == "auto" && a.io.StderrTTY)
	switch {
	case useBar:
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(a.io.Err),
			progressbar.OptionSetDescription("translating"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	default:
		p.plain = true
	}
	return p
}

func (p *progress) start(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = append(p.current, name)
	p.describe()
}

func (p *progress) done(name string, o sink.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, c := range p.current {
		if c == name {
			p.current = append(p.current[:i], p.current[i+1:]...)
			break
		}
	}
	p.n++
	if p.bar != nil && !p.closed {
		p.describe()
		p.bar.Add(1)
		return
	}
	if p.plain {
		fmt.Fprintf(p.w, "livetranslate: [%d/%d] %s %s\n", p.n, p.total, o.Status, sink.ShownName(name))
	}
}

// describe shows the names being translated beside the bar.
func (p *progress) describe() {
	if p.bar == nil || p.closed {
		return
	}
	names := make([]string, len(p.current))
	for i, c := range p.current {
		names[i] = sink.ShownName(c)
	}
	d := strings.Join(names, ", ")
	if len(d) > 40 {
		d = d[:37] + "..."
	}
	p.bar.Describe(d)
}

func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil && !p.closed {
		p.bar.Finish()
		p.bar.Exit()
	}
	p.closed = true
}
