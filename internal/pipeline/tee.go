package pipeline

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/livetranslate/livetranslate/internal/translate"
)

// errNoTargets stops the production of parts no target takes any more (they all failed).
var errNoTargets = errors.New("every target of the input has stopped")

// tee makes n producers of the parts produce makes, each handing every part over in order, so
// that an input planned and cut once is sent once per target. The parts are produced once, when
// the first of the n is run, at the pace of the slowest that still takes them: one whose Send
// stopped (its target failed) no longer holds the others up, and production stops when none is
// left. An error of production ends every one of them with it. The parts' files are shared: they
// live until the plan's Cleanup, after every Send has ended. stop ends the production; the
// caller calls it once every Send has ended.
func tee(ctx context.Context, produce translate.Producer, n int) (_ []translate.Producer, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	if n == 1 {
		return []translate.Producer{produce}, cancel
	}
	var (
		start   sync.Once
		err     error // production's, read once parts is closed
		parts   = make([]chan translate.Part, n)
		gone    = make([]chan struct{}, n) // closed when a consumer stops taking parts
		stopped atomic.Int32
	)
	for i := range parts {
		parts[i], gone[i] = make(chan translate.Part), make(chan struct{})
	}
	run := func() {
		go func() {
			e := produce(ctx, func(p translate.Part) error {
				taken := 0
				for i := range parts {
					select {
					case parts[i] <- p:
						taken++
					case <-gone[i]:
					case <-ctx.Done():
						return context.Cause(ctx)
					}
				}
				if taken == 0 {
					return errNoTargets
				}
				return nil
			})
			err = e
			for _, c := range parts {
				close(c)
			}
		}()
	}
	out := make([]translate.Producer, n)
	for i := range out {
		out[i] = func(cctx context.Context, yield func(translate.Part) error) error {
			start.Do(run)
			defer func() {
				close(gone[i])
				if int(stopped.Add(1)) == n {
					cancel() // no one takes parts any more
				}
			}()
			for {
				select {
				case p, ok := <-parts[i]:
					if !ok {
						return err
					}
					if e := yield(p); e != nil {
						return e
					}
				case <-cctx.Done():
					return context.Cause(cctx)
				}
			}
		}
	}
	return out, cancel
}
