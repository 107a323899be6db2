package api

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// IdleTimeoutError is an attempt that got no data from the server for Client.IdleTimeout: a
// stalled stream, or a server that never answered a request it had received.
type IdleTimeoutError struct {
	Idle time.Duration // how long nothing came: Client.IdleTimeout
}

// Error returns e.g. "no data from the server for 60s".
func (e *IdleTimeoutError) Error() string {
	return "no data from the server for " + shortDuration(e.Idle)
}

// Timeout reports true, as a net.Error's does.
func (e *IdleTimeoutError) Timeout() bool { return true }

// shortDuration prints whole seconds as "60s" rather than time.Duration's "1m0s", and
// anything finer as time.Duration does ("50ms", "1.5s").
func shortDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// idleWatch cancels an attempt when the server has sent nothing for its timeout. It runs while
// the client waits on the server: from when the request body has been handed over until the
// response headers arrive, and during each read of the response body that blocks. Time spent
// sending (a slow media source, a conversion in progress, is not the server's silence) and
// time the caller spends handling events (a slow disk or pipe) do not count; the caller's
// deadline bounds those.
//
// What counts as the server sending something is any byte of the body, until eventsOnly: from
// then on only progress does, which the event-stream reader calls as data arrives, so that
// keep-alive comments, which carry nothing, do not keep a stalled stream alive. The time the
// reads have waited since the last progress adds up to the timeout.
type idleWatch struct {
	timeout time.Duration // 0: no watch
	cancel  context.CancelCauseFunc

	mu         sync.Mutex
	timer      *time.Timer
	responded  bool // headers arrived: from now on reads drive the watch
	stopped    bool
	fired      bool
	eventsOnly bool          // only progress resets idle, not any byte read
	idle       time.Duration // time spent waiting in reads since the last progress
	readSince  time.Time     // when the current read started
}

func newIdleWatch(timeout time.Duration, cancel context.CancelCauseFunc) *idleWatch {
	return &idleWatch{timeout: timeout, cancel: cancel}
}

// sent starts the watch once the request body has been handed to the transport, unless the
// response is already there.
func (w *idleWatch) sent() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.responded {
		w.armLocked(w.timeout)
	}
}

// responded pauses the watch when the headers arrive; reads of the body restart it.
func (w *idleWatch) respond() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.responded = true
	w.pauseLocked()
}

// readStart runs the watch for one read, for what is left of the timeout; readEnd pauses it,
// after a read of n bytes.
func (w *idleWatch) readStart() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.readSince = time.Now()
	w.armLocked(w.timeout - w.idle)
}

func (w *idleWatch) readEnd(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pauseLocked()
	if n > 0 && !w.eventsOnly {
		w.idle = 0
		return
	}
	w.idle += time.Since(w.readSince)
}

// countEventsOnly makes progress, not any byte, what resets the watch from now on.
func (w *idleWatch) countEventsOnly() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.eventsOnly = true
}

// progress says the server sent something that counts: the watch starts afresh.
func (w *idleWatch) progress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.idle = 0
}

// armLocked starts the timer anew for d (at least a moment: a watch that has run out fires at
// once). A timer made by AfterFunc costs no goroutine until it fires; Reset reuses it.
func (w *idleWatch) armLocked(d time.Duration) {
	d = max(d, time.Millisecond)
	switch {
	case w.timeout <= 0 || w.stopped || w.fired:
	case w.timer == nil:
		w.timer = time.AfterFunc(d, w.fire)
	default:
		w.timer.Reset(d)
	}
}

func (w *idleWatch) pauseLocked() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

func (w *idleWatch) fire() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	w.fired = true
	w.mu.Unlock()
	w.cancel(w.err())
}

// stop disarms the watch for good.
func (w *idleWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.pauseLocked()
}

// expired reports whether the watch cancelled the attempt.
func (w *idleWatch) expired() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fired
}

func (w *idleWatch) err() *IdleTimeoutError { return &IdleTimeoutError{Idle: w.timeout} }

// idleReader is a response body that runs its idleWatch during each read. Once the watch has fired, the
// read error it caused ("context canceled") is replaced by the *IdleTimeoutError, so every
// message built from it says what happened.
type idleReader struct {
	r     io.ReadCloser
	watch *idleWatch
}

func (r *idleReader) Read(p []byte) (int, error) {
	r.watch.readStart()
	n, err := r.r.Read(p)
	r.watch.readEnd(n)
	if err != nil && err != io.EOF && r.watch.expired() {
		err = r.watch.err()
	}
	return n, err
}

func (r *idleReader) Close() error { return r.r.Close() }
