package pipeline

import (
	"context"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/translate"
)

// Progress is how far the sending of one input has come, for a progress line: its requests (a
// part in each target language) answered and to make, and the source time they cover.
type Progress struct {
	Done  int // requests answered
	Known int // requests to make, as far as they are known
	// Cutting: the input is still being cut as it is read, so more requests may come.
	Cutting bool
	// DoneTime is the source time of the requests answered; TotalTime that of all of them (while
	// Cutting, the input's length). Both are zero when the parts' times are not known (a URL).
	DoneTime, TotalTime time.Duration
}

// tracker counts one input's parts as they are produced and answered, and reports each change
// to OnProgress.
type tracker struct {
	mu       sync.Mutex
	report   func(Progress)
	targets  int
	planned  int             // parts the plan knew before any was sent (0 while cutting)
	planTime time.Duration   // their source time
	length   time.Duration   // the input's length, the total while it is being cut
	cutting  bool            // parts are found as the input is read
	times    []time.Duration // each produced part's source time, in the order produced
	done     int
	doneTime time.Duration
	last     Progress
}

// track starts counting the parts of pl sent into targets languages; nil without OnProgress.
func (p *Pipeline) track(pl *inputPlan, targets int) *tracker {
	if p.OnProgress == nil {
		return nil
	}
	t := &tracker{report: p.OnProgress, targets: targets, length: pl.Duration}
	switch {
	case pl.pieces != nil:
		t.planned = len(pl.pieces)
		for _, k := range pl.segOf {
			t.planTime += pl.Segments[k].Duration()
		}
	case pl.Split:
		t.cutting = true
	default:
		t.planned = len(pl.Segments)
		for _, seg := range pl.Segments {
			t.planTime += seg.Duration()
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.send()
	return t
}

// produce counts the parts produce hands over: their times, and how many while cutting.
func (t *tracker) produce(produce translate.Producer) translate.Producer {
	if t == nil {
		return produce
	}
	return func(ctx context.Context, yield func(translate.Part) error) error {
		err := produce(ctx, func(part translate.Part) error {
			t.mu.Lock()
			t.times = append(t.times, part.End-part.Start)
			t.send()
			t.mu.Unlock()
			return yield(part)
		})
		t.mu.Lock()
		t.cutting = false
		t.send()
		t.mu.Unlock()
		return err
	}
}

// answered notes that the part produced i-th was answered, in one target.
func (t *tracker) answered(i int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done++
	if i < len(t.times) {
		t.doneTime += t.times[i]
	}
	t.send()
}

// send reports the count when it changed; the caller holds mu.
func (t *tracker) send() {
	n := max(t.planned, len(t.times))
	p := Progress{Done: t.done, Known: n * t.targets, Cutting: t.cutting, DoneTime: t.doneTime}
	switch {
	case t.cutting:
		p.TotalTime = t.length
	case t.planned > 0:
		p.TotalTime = t.planTime
	default:
		for _, d := range t.times {
			p.TotalTime += d
		}
	}
	p.TotalTime *= time.Duration(t.targets)
	if p == t.last {
		return
	}
	t.last = p
	t.report(p)
}
