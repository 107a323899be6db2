package ledger

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// recordTimeout bounds one write made through a Recorder: past the busy timeout, with room for a
// slow disk.
const recordTimeout = busyTimeout + 5*time.Second

// Recorder records requests for a command that must not fail because of its ledger. The first
// failure (the ledger cannot be opened, is damaged, or stays locked past the busy timeout) is
// passed to warn, once, and from then on the Recorder records nothing, so that a stuck ledger
// costs one wait and not one per request. A nil *Recorder records nothing and warns nothing: it is
// what --no-ledger gives. A Recorder is safe for concurrent use.
type Recorder struct {
	ledger *Ledger
	warn   func(error)
	once   sync.Once
	failed atomic.Bool
}

// OpenRecorder opens the ledger at path and records into it. When it cannot be opened, warn gets
// the reason at once and the Recorder records nothing; the result is never nil.
func OpenRecorder(ctx context.Context, path string, warn func(error)) *Recorder {
	r := &Recorder{warn: warn}
	l, err := Open(ctx, path)
	if err != nil {
		r.fail(err)
		return r
	}
	r.ledger = l
	return r
}

// Record adds row to the ledger, or reports the failure through warn if it is the first. It writes
// even when ctx is cancelled, for the row of an interrupted request is recorded after the
// interruption; the write is bounded by its own timeout instead.
func (r *Recorder) Record(ctx context.Context, row Row) {
	if r == nil || r.ledger == nil || r.failed.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := r.ledger.Record(ctx, row); err != nil {
		r.fail(err)
	}
}

// Close closes the ledger; a failure to close is warned about like any other, if it is the first.
func (r *Recorder) Close() {
	if r == nil || r.ledger == nil {
		return
	}
	if err := r.ledger.Close(); err != nil {
		r.fail(err)
	}
}

func (r *Recorder) fail(err error) {
	r.failed.Store(true)
	r.once.Do(func() {
		if r.warn != nil {
			r.warn(err)
		}
	})
}
