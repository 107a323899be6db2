package progress

import (
	"fmt"
	"time"

	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/textfmt"
)

// lineEvery is the least time between two plain lines about one input's parts: a log learns how
// a long input goes without a line for each of its hundred subtitle pieces.
const lineEvery = 10 * time.Second

// Parts reports the parts of one input as they are answered: the status line says it is
// preparing until the first part is ready (read, cut, encoded), then shows them done of those known (known so far, "+", while the input is still being cut) and the time left; a plain
// line says the same, at most every lineEvery, and not for the last part (the result says it).
type Parts struct {
	s        *Screen
	name     string
	start    time.Time
	p        pipeline.Progress
	started  bool // the parts are known
	lastLine time.Time
}

// Parts reports the parts of the input name on the screen.
func (s *Screen) Parts(name string) *Parts {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &Parts{s: s, name: sink.ShownName(name), start: s.opts.Now()}
	s.status = r.status
	s.draw()
	return r
}

// share is the part of the work done: by source time when the times are known, else by parts
// (not while their number is still growing); 0 when it cannot be told.
func share(p pipeline.Progress) float64 {
	switch {
	case p.TotalTime > 0:
		return min(float64(p.DoneTime)/float64(p.TotalTime), 1)
	case p.Known > 0 && !p.Cutting:
		return float64(p.Done) / float64(p.Known)
	}
	return 0
}

// figures are the parts done of those known, and the time spent and left, sep between.
func (r *Parts) figures(now time.Time, sep string) string {
	more := ""
	if r.p.Cutting {
		more = "+"
	}
	return fmt.Sprintf("%d/%d%s parts%s%s", r.p.Done, r.p.Known, more, sep, timeText(now.Sub(r.start), share(r.p)))
}

// status is the input's status line; the caller holds the screen's mu.
func (r *Parts) status(now time.Time) string {
	if !r.started || r.p.Known == 0 {
		return lineOf(r.name, -1, "preparing  "+textfmt.Clock(now.Sub(r.start)), r.s.width())
	}
	return lineOf(r.name, share(r.p), r.figures(now, "  "), r.s.width())
}

// Update takes the input's progress as the pipeline reports it (pipeline.Pipeline.OnProgress).
func (r *Parts) Update(p pipeline.Progress) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	answered := p.Done > r.p.Done
	r.p, r.started = p, true
	now := r.s.opts.Now()
	last := p.Done >= p.Known && !p.Cutting
	if answered && !last && (r.lastLine.IsZero() || now.Sub(r.lastLine) >= lineEvery) {
		r.lastLine = now
		r.s.line(fmt.Sprintf("livetranslate: %s: %s", r.name, r.figures(now, " done in ")))
	}
	r.s.draw()
}
