package api

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Throttle is what every client and goroutine of a run that holds it shares about the
// service's rate limit, which is per account: a 429 slows the whole run down instead of each
// worker finding it out for itself and failing.
//
//   - A "not before" time: a 429 pushes it back by the wait the client chose (the server's
//     Retry-After, else its backoff), and every attempt by any holder first waits until then.
//   - A limit on requests at once: none at first; a 429 halves it from the number in flight
//     (once for the 429s of one burst: attempts begun before the last lowering do not lower it
//     again), down to one, and attempts beyond it wait for a free slot instead of being sent
//     to be refused. After RaiseAfter without a 429, each run of as many successes as the
//     limit raises it by one, until it is above the most requests ever in flight, when the
//     limit is lifted.
//   - Progress: requests that succeeded and lowerings of the limit. A client retries a 429
//     without counting it against its RetryPolicy.Max while there was progress since its last
//     one, so a slowed-down run finishes instead of failing requests that were merely queued
//     behind others (its ctx still bounds it).
//
// The zero value is ready to use; it is safe for concurrent use. Set OnChange and RaiseAfter
// before sharing it.
type Throttle struct {
	// OnChange, if set, is called whenever the limit on requests at once changes, from the
	// goroutine whose request changed it. It must not call the Throttle.
	OnChange func(ThrottleChange)
	// RaiseAfter is how long without a 429 before the limit rises again (default 10 s).
	RaiseAfter time.Duration

	mu          sync.Mutex
	notBefore   time.Time
	limit       int // requests at once; 0: no limit
	inFlight    int
	peak        int           // the most requests ever in flight at once
	freed       chan struct{} // closed (and dropped) when a slot frees or the limit rises
	epoch       uint64        // lowerings so far
	progress    uint64        // successes and lowerings so far
	okSince     int           // successes since the limit last changed
	last429     time.Time
	rateLimited int // 429s so far
	lowest      int // the lowest limit so far; 0: never limited
	now         func() time.Time
}

// DefaultRaiseAfter is Throttle.RaiseAfter's default: the service's rate limits are per minute
// and usually recover within one.
const DefaultRaiseAfter = 10 * time.Second

// ThrottleChange is a change of the limit on requests at once.
type ThrottleChange struct {
	Limit  int    // requests at once from now on; 0: no limit
	Reason string // "HTTP 429 limit_requests", "no 429 for 10s"
}

// String returns one line, e.g. "HTTP 429 limit_requests: at most 4 requests at once from now on".
func (c ThrottleChange) String() string {
	if c.Limit == 0 {
		return c.Reason + ": no limit on requests at once from now on"
	}
	return fmt.Sprintf("%s: at most %s at once from now on", c.Reason, requests(c.Limit))
}

// ThrottleStats says how a run was slowed down.
type ThrottleStats struct {
	RateLimited int // 429s answered to the holders
	Lowest      int // the lowest limit on requests at once; 0 when it was never lowered
	Limit       int // the limit now; 0: none
}

// String returns e.g. "rate limited (HTTP 429) 23 times: slowed to 1 request at once"; "" when
// there was no 429.
func (s ThrottleStats) String() string {
	switch {
	case s.RateLimited == 0:
		return ""
	case s.Lowest == 0:
		return fmt.Sprintf("rate limited (HTTP 429) %s", times(s.RateLimited))
	}
	return fmt.Sprintf("rate limited (HTTP 429) %s: slowed to %s at once", times(s.RateLimited), requests(s.Lowest))
}

func requests(n int) string {
	if n == 1 {
		return "1 request"
	}
	return fmt.Sprintf("%d requests", n)
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// Hold makes attempts wait until t; an earlier t than the one already held changes nothing.
func (t *Throttle) Hold(until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.notBefore) {
		t.notBefore = until
	}
}

// NotBefore returns the time before which no attempt starts (zero when never held).
func (t *Throttle) NotBefore() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.notBefore
}

// Stats returns how the holders were slowed down so far.
func (t *Throttle) Stats() ThrottleStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ThrottleStats{RateLimited: t.rateLimited, Lowest: t.lowest, Limit: t.limit}
}

// Limit returns the limit on requests at once (0: none).
func (t *Throttle) Limit() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.limit
}

func (t *Throttle) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return time.Now()
}

// slot is one attempt's place among the requests in flight.
type slot struct {
	t     *Throttle
	epoch uint64 // the lowerings before the attempt began
}

// acquire waits until one more request may be in flight (or ctx ends) and takes its slot. A nil
// Throttle has room for everyone.
func (t *Throttle) acquire(ctx context.Context) (slot, error) {
	if t == nil {
		return slot{}, nil
	}
	for {
		t.mu.Lock()
		if t.limit == 0 || t.inFlight < t.limit {
			t.inFlight++
			t.peak = max(t.peak, t.inFlight)
			s := slot{t: t, epoch: t.epoch}
			t.mu.Unlock()
			return s, nil
		}
		if t.freed == nil {
			t.freed = make(chan struct{})
		}
		freed := t.freed
		t.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return slot{}, ctx.Err()
		}
	}
}

// release gives the slot back once the attempt has ended: ok if it succeeded, or with the
// reason of its 429.
func (s slot) release(ok bool, rateLimited string) {
	t := s.t
	if t == nil {
		return
	}
	var change *ThrottleChange
	t.mu.Lock()
	inFlight := t.inFlight // this attempt's included
	t.inFlight--
	now := t.clock()
	switch {
	case rateLimited != "":
		t.rateLimited++
		t.last429 = now
		limit := inFlight
		if t.limit > 0 {
			limit = min(t.limit, inFlight)
		}
		limit = max(limit/2, 1)
		// Lowered once a burst, and only where that means fewer requests at once than were
		// sent: a lone request refused is not slowed by a limit of one.
		if s.epoch == t.epoch && limit < inFlight && (t.limit == 0 || limit < t.limit) {
			t.limit, t.okSince = limit, 0
			t.epoch++
			t.progress++
			if t.lowest == 0 || limit < t.lowest {
				t.lowest = limit
			}
			change = &ThrottleChange{Limit: limit, Reason: rateLimited}
		}
	case ok:
		t.progress++
		t.okSince++
		raiseAfter := t.RaiseAfter
		if raiseAfter <= 0 {
			raiseAfter = DefaultRaiseAfter
		}
		if t.limit > 0 && t.okSince >= t.limit && now.Sub(t.last429) >= raiseAfter {
			t.limit++
			if t.limit > t.peak {
				t.limit = 0
			}
			t.okSince = 0
			change = &ThrottleChange{Limit: t.limit, Reason: "no 429 for " + shortDuration(raiseAfter.Round(time.Second))}
		}
	}
	if t.freed != nil {
		close(t.freed)
		t.freed = nil
	}
	onChange := t.OnChange
	t.mu.Unlock()
	if change != nil && onChange != nil {
		onChange(*change)
	}
}

// progressed returns the progress count: successes and lowerings so far (0 for a nil Throttle).
func (t *Throttle) progressed() uint64 {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.progress
}
