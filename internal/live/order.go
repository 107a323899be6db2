package live

import (
	"sync"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Output receives the translations in source order: an utterance's text and speech as they
// arrive, then its end. It is called from one goroutine at a time.
type Output interface {
	Text(u *Utterance, s string) error
	Audio(u *Utterance, pcm []byte) error
	// End ends an utterance's output: translated (err nil, r its result) or a gap (err says
	// why: it failed, or was dropped or not sent).
	End(u *Utterance, r *translate.PartResult, err error) error
	// Close ends the run's output.
	Close() error
}

// Resetter is an Output that may take back what it was given of an utterance that has not
// ended, when nothing of it reached its files yet (subtitles, written when the utterance ends):
// a request broken mid-stream is then retried from the start. Reset returns an
// *api.ShownError when it cannot.
type Resetter interface {
	Reset(u *Utterance) error
}

// orderer hands each utterance's output to the Output in source order: the utterance whose
// turn it is streams straight through, later ones are held (in memory: an utterance is seconds
// of speech, and at most Jobs of them are in flight) until the ones before them end.
type orderer struct {
	mu    sync.Mutex
	out   Output
	fail  func(error) // the output failed: stop the run
	next  int
	slots map[int]*slot
	err   error // the output's first error
}

type slot struct {
	u       *Utterance
	pending []chunk // output held until its turn
	shown   bool    // some of it reached the output
	ended   bool
	r       *translate.PartResult
	err     error
}

type chunk struct {
	text  string
	audio []byte
}

// errShown is the reason a request broken mid-stream is not retried from the start when part
// of its translation is already out.
var errShown = &api.ShownError{Why: "part of its translation was already written out"}

func newOrderer(out Output, fail func(error)) *orderer {
	return &orderer{out: out, fail: fail, slots: map[int]*slot{}}
}

// add registers an utterance as it is cut: every one cut must end (end), so the ones after it
// get their turn.
func (o *orderer) add(u *Utterance) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.slots[u.Index] = &slot{u: u}
}

// sink is where an utterance's request delivers its output.
func (o *orderer) sink(u *Utterance) translate.Sink {
	return translate.Sink{
		Text: func(s string) error { return o.emit(u, chunk{text: s}) },
		Audio: func(b []byte) error {
			return o.emit(u, chunk{audio: append([]byte(nil), b...)})
		},
		Reset: func() error {
			o.mu.Lock()
			defer o.mu.Unlock()
			s := o.slots[u.Index]
			if !s.shown {
				s.pending = nil
				return nil
			}
			if r, ok := o.out.(Resetter); ok {
				return r.Reset(u) // it may hold what it was given (subtitles)
			}
			return errShown
		},
	}
}

func (o *orderer) emit(u *Utterance, c chunk) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	s := o.slots[u.Index]
	if u.Index != o.next {
		s.pending = append(s.pending, c)
		return nil
	}
	return o.write(s, c)
}

func (o *orderer) write(s *slot, c chunk) error {
	var err error
	if c.audio != nil {
		err = o.out.Audio(s.u, c.audio)
	} else {
		err = o.out.Text(s.u, c.text)
	}
	s.shown = true
	return o.failed(err)
}

func (o *orderer) failed(err error) error {
	if err != nil && o.err == nil {
		o.err = err
		o.fail(err)
	}
	return err
}

// end ends an utterance; the output moves on past every utterance that has ended in turn.
func (o *orderer) end(u *Utterance, r *translate.PartResult, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.slots[u.Index]
	s.ended, s.r, s.err = true, r, err
	for o.err == nil {
		s := o.slots[o.next]
		if s == nil {
			return
		}
		for _, c := range s.pending {
			if o.write(s, c) != nil {
				return
			}
		}
		s.pending = nil
		if !s.ended {
			return
		}
		if o.failed(o.out.End(s.u, s.r, s.err)) != nil {
			return
		}
		delete(o.slots, o.next)
		o.next++
	}
}

// broken reports whether the output failed.
func (o *orderer) broken() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err != nil
}

// close ends the output, returning its first error.
func (o *orderer) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	return o.failed(o.out.Close())
}
