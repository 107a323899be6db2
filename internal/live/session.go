package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/translate"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Session is a live run from its checked settings to how it ended: the cost cap held to the
// price table, the output opened, the run, its summary and what it warns about.
type Session struct {
	// Settings are the run's; MaxCost and Wait are decided from Cap and the source.
	Settings
	Dest       Destination
	Timestamps bool // text: each line begins with the utterance's time in the source
	Realtime   bool // a file or a pipe is read at its own pace
	// FormatGiven says that the source's input format was given; raw audio piped in without it
	// cannot be read.
	FormatGiven bool
	Model       string
	Cap         *dryrun.Cap // nil for none
	// Runner sends each utterance; its hooks record the requests.
	Runner *translate.Runner
	// Estimate prices an utterance's usage as the usage ledger prices its rows (ok false: no
	// price); with no usage, it says the price table's currency.
	Estimate  func(model, kind string, u *api.Usage) (cost float64, currency string, ok bool)
	ErrorInfo func(error) *sink.ErrorInfo
	Fatal     func(error) bool
	// Report says what happens as the run goes; its Warn also the *NoSpeechWarning at the end.
	Report Report
	// Summary prints the summary line, and ExitWarn a warning that explains how the run ended
	// (a *TruncatedWarning); both are said even when Quiet, which leaves out only the summary of
	// a run where nothing went wrong.
	Summary  func(line string)
	ExitWarn func(format string, args ...any)
	Quiet    bool
}

// Outcome is how a run that returned no error ended.
type Outcome int

const (
	Done        Outcome = iota // every utterance translated, or an error
	Interrupted                // stopped by a signal, cleanly: the summary says what was done
	Partial                    // some utterances were not translated, or the cost cap stopped the run
	Truncated                  // every utterance translated, some cut short at the output limit
)

// CapError is a cost cap a live run cannot be held to: the price table has no price for the
// model, or prices in another currency than the cap's (Currency).
type CapError struct {
	Cap      dryrun.Cap
	Model    string
	Currency string
}

// Reason is what is wrong, without the cap.
func (e *CapError) Reason() string {
	if e.Currency != "" {
		return "the price table is in " + e.Currency
	}
	return "the price table has no price for " + e.Model
}

func (e *CapError) Error() string { return "cost cap " + e.Cap.String() + ": " + e.Reason() }

// RawInputError is standard input that could not be read as sound, with no input format given:
// raw audio piped in needs one.
type RawInputError struct{ Err error }

func (e *RawInputError) Error() string { return e.Err.Error() }
func (e *RawInputError) Unwrap() error { return e.Err }

// NoSpeechWarning is a run that heard no speech in Audio of Source, and so sent nothing.
type NoSpeechWarning struct {
	Audio  time.Duration
	Source string
}

func (w *NoSpeechWarning) String() string {
	return fmt.Sprintf("no speech heard in %s of %s: nothing was sent (a muted microphone? or the speaker is under the pause threshold)", textfmt.Clock(w.Audio), w.Source)
}

// TruncatedWarning counts translations cut short at the output limit.
type TruncatedWarning struct{ N int }

func (w *TruncatedWarning) String() string {
	if w.N == 1 {
		return "1 translation was cut short at the output limit (finish_reason: length)"
	}
	return fmt.Sprintf("%d translations were cut short at the output limit (finish_reason: length)", w.N)
}

// Run runs the session until the source ends or ctx is done, and says how it went. An error
// from before the source played (the cap, the output) or from the output is returned with no
// summary.
func (s *Session) Run(ctx context.Context) (*Summary, Outcome, error) {
	maxCost, err := s.capAmount()
	if err != nil {
		return nil, Done, err
	}
	dest, err := s.Dest.Open()
	if err != nil {
		return nil, Done, err
	}
	src := s.Source
	l := &Live{
		Settings: s.Settings,
		Runner:   s.Runner,
		Out: &Writer{Format: s.Dest.Format, Timestamps: s.Timestamps, Source: src.Name, Target: s.Dest.Target, Dest: dest,
			ErrorInfo: s.ErrorInfo},
		Price: func(u *api.Usage) (float64, bool) {
			cost, _, ok := s.Estimate(s.Model, "audio", u)
			return cost, ok
		},
		Fatal:  s.Fatal,
		Report: s.Report,
	}
	l.MaxCost = maxCost
	// A file or a pipe read faster than it plays waits for the service; a live source cannot,
	// and drops what waited longest.
	l.Wait = !src.Kind.Reopens() && !s.Realtime
	s.Report.Info("live: %s (%s) into %s", src.Name, src.Kind, s.Dest.Target)
	started := time.Now()
	sum, err := l.Run(ctx)
	outcome, err := s.end(ctx, sum, err, time.Since(started))
	return sum, outcome, err
}

// end sums a run up and decides how it ended, from its summary and error.
func (s *Session) end(ctx context.Context, sum *Summary, err error, elapsed time.Duration) (Outcome, error) {
	var outErr *OutputError
	if _, bad := usage.As(err); bad && sum.Audio == 0 && s.Source.Kind == Stdin && !s.FormatGiven {
		return Done, usage.Wrap(&RawInputError{Err: err}, "")
	}
	if errors.As(err, &outErr) || (err != nil && sum.Audio == 0) {
		// The output failed (a reader gone, a disk full: what was translated after it is not
		// written), or the source never played: nothing to sum up.
		return Done, err
	}
	s.summary(sum, elapsed)
	if sum.Utterances == 0 && sum.Audio >= 3*time.Second {
		s.Report.Warn("%s", &NoSpeechWarning{Audio: sum.Audio, Source: s.Source.Name})
	}
	if sum.Truncated > 0 {
		s.ExitWarn("%s", &TruncatedWarning{N: sum.Truncated})
	}
	switch {
	case err != nil:
		return Done, err
	case ctx.Err() != nil:
		return Interrupted, nil
	case sum.Failed+sum.Dropped+sum.NotSent > 0 || sum.CapReached:
		return Partial, nil
	case sum.Truncated > 0:
		return Truncated, nil
	}
	return Done, nil
}

// capAmount is the cap as an amount in the price table's currency (nil for none): the model
// must be priced, and the cap in the table's currency.
func (s *Session) capAmount() (*float64, error) {
	if s.Cap == nil {
		return nil, nil
	}
	_, cur, ok := s.Estimate(s.Model, "audio", &api.Usage{})
	switch {
	case !ok:
		return nil, usage.Wrap(&CapError{Cap: *s.Cap, Model: s.Model}, "")
	case s.Cap.Currency != "" && !strings.EqualFold(s.Cap.Currency, cur):
		return nil, usage.Wrap(&CapError{Cap: *s.Cap, Model: s.Model, Currency: cur}, "")
	}
	return &s.Cap.Amount, nil
}

// summary says what the run did; when Quiet, only when some utterance was not translated or was
// cut short, which the outcome then says.
func (s *Session) summary(sum *Summary, elapsed time.Duration) {
	if sum == nil || s.Quiet && sum.Failed+sum.Dropped+sum.NotSent+sum.Truncated == 0 && !sum.CapReached {
		return
	}
	cur := ""
	if _, c, ok := s.Estimate(s.Model, "audio", &api.Usage{}); ok {
		cur = c
	}
	s.Summary(sum.Line(cur, elapsed))
}
