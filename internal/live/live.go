// Package live translates a source as it plays: a microphone, a network stream, a file being
// written, audio piped in. ffmpeg decodes it in real time; the Cutter cuts the audio into
// utterances as each ends (the speaker pauses, or talks on past the longest an utterance may
// be); each utterance is sent at once as a small WAV, several in flight when the speaker does not
// pause, and the translations come out in source order, the one whose turn it is streaming as it
// arrives. It is the file model of the rest of the tool, one utterance a request, so everything a
// request does (retries, the shared pace after a 429, the ledger) applies unchanged.
//
// The package sends through a translate.Runner and writes through an Output; it prints nothing
// itself: what happens (a drop of the source, an utterance lost) is said through Report.
package live

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/translate"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Settings are what a live run does.
type Settings struct {
	Source Source
	FFmpeg string    // "" = ffmpeg on PATH
	Stdin  io.Reader // the source "-"
	Cut    CutterOptions
	// Request is what every utterance's request asks for (Jobs, Slots and TempDir unused).
	Request translate.Settings
	// Jobs is how many utterances are translated at once (at least 1).
	Jobs int
	// Queue is how many cut utterances may wait for a free request; past it the oldest waiting
	// is dropped (and reported), so a service that falls behind costs the oldest words, not
	// memory without bound and an ever longer delay. At least 1.
	Queue int
	// MaxCost, when set, stops the run once the estimated cost of what was translated reaches
	// it: the source is closed, what is in flight finishes, nothing more is sent.
	MaxCost *float64
	// Wait makes utterances wait for room in the queue instead of dropping the oldest: the
	// source (a file or a pipe, read faster than it plays) is then read only as fast as the
	// service answers.
	Wait bool
	// Backoff bounds the wait before a dropped source is reopened: it starts at the first and
	// doubles up to the second (defaults 1 s and 30 s).
	Backoff [2]time.Duration
}

// Report is how a run tells what happens besides its output.
type Report struct {
	Warn func(format string, args ...any)
	Info func(format string, args ...any)
	// Note says what the run is doing when it is not obvious (finishing what is in flight
	// after a stop).
	Note func(format string, args ...any)
}

// Live is one live run.
type Live struct {
	Settings
	// Runner sends each utterance; its hooks record the requests (the usage ledger).
	Runner *translate.Runner
	Out    Output
	// Price estimates the cost of an utterance's usage (ok false: no estimate).
	Price func(u *api.Usage) (cost float64, ok bool)
	// Fatal reports whether a request's error ends the run, as no other request could do
	// better (a key refused, a quota used up): the run then stops as at the cost cap, and Run
	// returns the error.
	Fatal  func(error) bool
	Report Report
}

// Summary is what a run did.
type Summary struct {
	Utterances int           // cut from the source
	Translated int           // translated (Truncated of them cut short at the output limit)
	Truncated  int           // translated, but cut short at the output limit
	Failed     int           // sent, and failed after their retries
	Dropped    int           // never sent: the queue was full
	NotSent    int           // never sent: the cost cap was reached
	Audio      time.Duration // of the source, gaps included
	Speech     time.Duration // of the utterances cut
	Usage      api.Usage     // of the utterances translated
	Cost       float64       // estimated, of Usage
	Priced     bool          // Cost is an estimate of every utterance translated
	Drops      int           // times the source dropped and was reopened
	Lost       time.Duration // of source time while it was away
	CapReached bool          // the run stopped at MaxCost
}

// Errors a gap in the output gives as its reason.
var (
	// ErrDropped: the utterance waited while the queue was full and was dropped.
	ErrDropped = errors.New("dropped: the service fell behind and the queue of utterances was full")
	// ErrCapReached: the cost cap was reached before the utterance was sent.
	ErrCapReached = errors.New("not sent: the cost cap was reached")
)

// Run reads the source until it ends (a file or a pipe), ctx is done (a signal: the source is
// closed, the speech in progress is the last utterance, and what is in flight is finished), the
// cost cap is reached, or the output fails. Requests are sent with ctx's values but not its
// cancellation: to abandon them, end the process. The summary is returned in every case.
func (l *Live) Run(ctx context.Context) (*Summary, error) {
	stopCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	r := &running{l: l, sum: &Summary{Priced: true}, stop: stop}
	r.ord = newOrderer(l.Out, func(err error) { stop(err) })
	r.q = newQueue(max(l.Queue, 1), l.Wait, r.dropped)
	defer context.AfterFunc(ctx, func() {
		if n := int(r.sending.Load()); n > 0 && l.Report.Note != nil {
			l.Report.Note("stopping: finishing the %s in flight (interrupt again to abandon them)", textfmt.Plural(n, "utterance"))
		}
	})()
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		// Requests are not cancelled by a stop: what is in flight is finished.
		r.dispatch(context.WithoutCancel(ctx))
	}()
	cut := NewCutter(l.Cut)
	readErr := l.read(stopCtx, cut, r.push, r.sum)
	r.push(cut.Close())
	r.q.close()
	<-dispatched
	r.inflight.Wait()
	r.sum.Audio = cut.Now()
	if err := r.ord.close(); err != nil {
		return r.sum, &OutputError{Err: err}
	}
	if err := r.halted(); err != nil && !errors.Is(err, ErrCapReached) {
		return r.sum, err
	}
	if readErr != nil && stopCtx.Err() == nil {
		return r.sum, readErr
	}
	return r.sum, nil
}

// running is the state of one Run: the summary, why sending stopped, the queue of utterances
// waiting for a request, and the orderer their answers go through.
type running struct {
	l        *Live
	mu       sync.Mutex // guards sum and halt while requests end
	sum      *Summary
	halt     error // why nothing more is sent: the cap, or a fatal error
	stop     context.CancelCauseFunc
	ord      *orderer
	q        *queue
	inflight sync.WaitGroup
	sending  atomic.Int32
}

// push hands utterances just cut to the orderer and the queue.
func (r *running) push(us []Utterance) {
	for i := range us {
		u := &us[i]
		r.mu.Lock()
		r.sum.Utterances++
		r.sum.Speech += u.End - u.Start
		r.mu.Unlock()
		r.ord.add(u)
		r.q.push(u)
	}
}

// dropped is an utterance the full queue let go.
func (r *running) dropped(u *Utterance) {
	r.mu.Lock()
	r.sum.Dropped++
	r.mu.Unlock()
	r.l.Report.Warn("the utterance at %s–%s was dropped: the service fell behind and %s waiting", textfmt.Clock(u.Start), textfmt.Clock(u.End), textfmt.Plural(max(r.l.Queue, 1), "utterance was"))
	r.ord.end(u, nil, ErrDropped)
}

func (r *running) halted() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.halt
}

// dispatch sends the queued utterances, Jobs at a time, until the queue is closed and empty;
// once sending has halted, what waits ends as a gap.
func (r *running) dispatch(ctx context.Context) {
	slots := make(chan struct{}, max(r.l.Jobs, 1))
	for {
		slots <- struct{}{}
		u, ok := r.q.pop()
		if !ok {
			return
		}
		if err := r.halted(); err != nil {
			<-slots
			r.mu.Lock()
			r.sum.NotSent++
			r.mu.Unlock()
			if !errors.Is(err, ErrCapReached) {
				err = fmt.Errorf("not sent: %w", err)
			}
			r.ord.end(u, nil, err)
			continue
		}
		r.inflight.Add(1)
		r.sending.Add(1)
		go func() {
			defer r.inflight.Done()
			defer func() { <-slots }()
			res, err := r.l.Runner.SendPart(ctx, r.l.part(u), r.l.Request, r.ord.sink(u))
			r.sending.Add(-1)
			r.done(u, res, err)
		}()
	}
}

// done counts an utterance's request that ended, halts the run at the cap or at a fatal error,
// and hands the end to the orderer.
func (r *running) done(u *Utterance, res *translate.PartResult, err error) {
	r.mu.Lock()
	switch {
	case err != nil && r.ord.broken():
		// The output failed (a reader that went away): the run ends; this is not the
		// utterance's failure.
	case err != nil:
		r.sum.Failed++
		if r.l.Fatal != nil && r.l.Fatal(err) && r.halt == nil {
			r.halt = err
			r.stop(err)
		}
	default:
		r.translated(res)
	}
	r.mu.Unlock()
	if err != nil && !r.ord.broken() {
		r.l.Report.Warn("the utterance at %s–%s was not translated: %v", textfmt.Clock(u.Start), textfmt.Clock(u.End), err)
	}
	r.ord.end(u, res, err)
}

// translated counts a translated utterance and its cost; r.mu is held.
func (r *running) translated(res *translate.PartResult) {
	s := r.sum
	s.Translated++
	if res.FinishReason == "length" {
		s.Truncated++
	}
	if res.Usage != nil {
		s.Usage.Add(*res.Usage)
		if cost, ok := r.l.price(res.Usage); ok {
			s.Cost += cost
		} else {
			s.Priced = false
		}
	}
	if r.l.MaxCost != nil && s.Cost >= *r.l.MaxCost && r.halt == nil {
		s.CapReached, r.halt = true, ErrCapReached
		r.stop(ErrCapReached)
	}
}

// OutputError is the output failing (a disk full, a reader gone): the run stopped there, and
// what was translated after it was not written.
type OutputError struct{ Err error }

func (e *OutputError) Error() string { return e.Err.Error() }
func (e *OutputError) Unwrap() error { return e.Err }

func (l *Live) price(u *api.Usage) (float64, bool) {
	if l.Price == nil {
		return 0, false
	}
	return l.Price(u)
}

// read decodes the source into the cutter until it ends or ctx is done. A device or a stream
// that drops is reopened (after a wait that doubles, from Backoff's first to its second, and
// starts over once the source has played a while), the utterance in progress cut where it
// stopped and the time it was away added to the source's clock. A source that never played
// fails the run.
func (l *Live) read(ctx context.Context, cut *Cutter, push func([]Utterance), sum *Summary) error {
	dec := decoder{ffmpeg: l.FFmpeg, stdin: l.Stdin}
	first, most := l.Backoff[0], l.Backoff[1]
	if first <= 0 {
		first = time.Second
	}
	if most < first {
		most = max(30*time.Second, first)
	}
	wait := first
	played := false
	var droppedAt time.Time
	for {
		opened := time.Now()
		err := dec.run(ctx, l.Source, func() {
			if !droppedAt.IsZero() {
				away := time.Since(droppedAt)
				sum.Lost += away
				push(cut.Gap(away))
				l.Report.Warn("%s is back after %.1f s", l.Source.Name, away.Seconds())
				droppedAt = time.Time{}
			}
			played = true
		}, func(s []int16) error {
			push(cut.Write(s))
			return nil
		})
		if ctx.Err() != nil {
			return nil
		}
		if !l.Source.Kind.Reopens() {
			switch {
			case err != nil && !played:
				// A file or a pipe that is not audio: the input's fault, as translate says of it.
				return usage.Wrap(fmt.Errorf("reading %s: %s", l.Source.Name, unreadable(err)), "")
			case err != nil:
				return fmt.Errorf("reading %s: %w", l.Source.Name, err)
			}
			return nil
		}
		if !played {
			if err == nil {
				err = errors.New("it ended before any audio came")
			}
			return fmt.Errorf("opening %s: %s", l.Source.Name, unreadable(err))
		}
		if time.Since(opened) > 10*most {
			wait = first // it played a good while: a new drop starts over
		}
		why := "it ended"
		if err != nil {
			why = err.Error()
		}
		if droppedAt.IsZero() {
			droppedAt = time.Now()
			sum.Drops++
			push(cut.Gap(0))
			l.Report.Warn("%s dropped at %s (%s); reopening it", l.Source.Name, textfmt.Clock(cut.Now()), why)
		}
		select {
		case <-ctx.Done():
			sum.Lost += time.Since(droppedAt) // it was still away
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, most)
	}
}

// part is the request's media of an utterance: a 16 kHz mono WAV held in memory.
func (l *Live) part(u *Utterance) translate.Part {
	data := wavBytes(u.Samples)
	return translate.Part{Index: u.Index, Segment: true, Start: u.Start, End: u.End, Data: data,
		Kind: api.Audio, Format: "wav", MIME: "audio/wav", Size: int64(len(data))}
}

// wavBytes is samples as a 16 kHz mono 16-bit WAV file.
func wavBytes(samples []int16) []byte {
	n := uint32(len(samples) * 2)
	b := append(make([]byte, 0, 44+n), speech.PCMHeader(SampleRate, n, 36+n)...)
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

// queue holds the utterances cut and not yet sent, the oldest dropped when it is full.
type queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []*Utterance
	max    int
	wait   bool
	closed bool
	drop   func(*Utterance)
}

// newQueue holds up to n utterances: past that, push drops the oldest (drop is told), or, when
// wait, waits for room.
func newQueue(n int, wait bool, drop func(*Utterance)) *queue {
	q := &queue{max: n, wait: wait, drop: drop}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *queue) push(u *Utterance) {
	q.mu.Lock()
	for q.wait && len(q.items) >= q.max && !q.closed {
		q.cond.Wait()
	}
	var dropped *Utterance
	if len(q.items) >= q.max {
		dropped = q.items[0]
		q.items = q.items[1:]
	}
	q.items = append(q.items, u)
	q.mu.Unlock()
	q.cond.Broadcast() // pushes that wait share the condition with pop
	if dropped != nil {
		q.drop(dropped)
	}
}

// pop waits for the oldest utterance; ok is false once the queue is closed and empty.
func (q *queue) pop() (*Utterance, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return nil, false
	}
	u := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	q.cond.Broadcast() // room for a push that waits
	return u, true
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// unreadable words why ffmpeg could not read a source: its complaint, without the filter graph
// it was given.
func unreadable(err error) string {
	var fe *media.FFmpegError
	switch {
	case !errors.As(err, &fe):
		return err.Error()
	case strings.Contains(fe.Reason, "matches no streams"):
		return "it has no audio"
	case strings.Contains(fe.Reason, "Invalid data found"):
		return "it is not audio or video that ffmpeg can read"
	}
	return "ffmpeg: " + fe.Reason
}
