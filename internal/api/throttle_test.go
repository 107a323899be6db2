package api

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

// TestThrottleLimit walks the limit on requests at once through a burst of 429s, the waits for
// a slot, and the way back up, on a clock of its own.
func TestThrottleLimit(t *testing.T) {
	now := time.Unix(1000, 0)
	var changes []ThrottleChange
	th := &Throttle{OnChange: func(c ThrottleChange) { changes = append(changes, c) }, now: func() time.Time { return now }}
	ctx := context.Background()
	take := func(n int) []slot {
		var out []slot
		for range n {
			s, err := th.acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	// A lone request refused does not make a limit.
	take(1)[0].release(false, "HTTP 429 limit_requests")
	if th.Limit() != 0 || len(changes) != 0 {
		t.Fatalf("limit %d after a lone 429, changes %v", th.Limit(), changes)
	}
	// 16 in flight, 15 refused in one burst: halved once, to 8.
	burst := take(16)
	for _, s := range burst[1:] {
		s.release(false, "HTTP 429 limit_requests")
	}
	if th.Limit() != 8 || len(changes) != 1 || changes[0].String() != "HTTP 429 limit_requests: at most 8 requests at once from now on" {
		t.Fatalf("limit %d, changes %v", th.Limit(), changes)
	}
	// One still in flight: seven more may start, the ninth waits until a slot frees.
	more := take(7)
	waiting := make(chan slot)
	go func() {
		s, err := th.acquire(ctx)
		if err != nil {
			t.Error(err)
		}
		waiting <- s
	}()
	select {
	case <-waiting:
		t.Fatal("a ninth request started under a limit of 8")
	case <-time.After(50 * time.Millisecond):
	}
	burst[0].release(true, "")
	ninth := <-waiting
	// A wait for a slot ends with ctx.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := th.acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire with a cancelled ctx: %v", err)
	}
	// The next burst lowers from the 8 in flight to 4, then to 2 and 1.
	for _, s := range append(more, ninth) {
		s.release(false, "HTTP 429 limit_requests")
	}
	if th.Limit() != 4 {
		t.Fatalf("limit %d, want 4", th.Limit())
	}
	for _, want := range []int{2, 1} {
		s := take(th.Limit())
		for _, x := range s {
			x.release(false, "HTTP 429 limit_requests")
		}
		if th.Limit() != want {
			t.Fatalf("limit %d, want %d", th.Limit(), want)
		}
	}
	// Successes within RaiseAfter of the last 429 do not raise it; after, each run of limit
	// successes raises it by one, and above the peak (16) it is lifted.
	take(1)[0].release(true, "")
	if th.Limit() != 1 {
		t.Fatalf("raised within RaiseAfter: %d", th.Limit())
	}
	now = now.Add(DefaultRaiseAfter)
	for th.Limit() != 0 {
		before := th.Limit()
		for range before {
			take(1)[0].release(true, "")
		}
		if l := th.Limit(); l != before+1 && !(before == 16 && l == 0) {
			t.Fatalf("after %d successes at a limit of %d: %d", before, before, l)
		}
	}
	last := changes[len(changes)-1]
	if last.String() != "no 429 for 10s: no limit on requests at once from now on" || changes[len(changes)-2].String() != "no 429 for 10s: at most 16 requests at once from now on" {
		t.Errorf("last changes %v", changes[len(changes)-2:])
	}
	st := th.Stats()
	if st.RateLimited != 1+15+8+4+2 || st.Lowest != 1 || st.Limit != 0 || st.String() != "rate limited (HTTP 429) 30 times: slowed to 1 request at once" {
		t.Errorf("stats %+v %q", st, st)
	}
	if s := (ThrottleStats{RateLimited: 1}).String(); s != "rate limited (HTTP 429) once" {
		t.Errorf("%q", s)
	}
}

// TestRetry429WhileProgressing: eight requests at once against a service that answers one at a
// time, one retry each. Without a Throttle most fail after their two attempts; sharing one, the
// 429s while others get through are not counted and every request succeeds, one at a time.
// The waits are real but a tenth of the policy's (a 429's wait lets the request in flight end,
// as it does at full length), so nothing here measures time.
func TestRetry429WhileProgressing(t *testing.T) {
	run := func(th *Throttle) (failed int, fake *fakeapi.Server) {
		c, fake, _, _ := emulator(t, 1)
		c.Throttle = th
		c.Retry.Rand = nil
		c.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
			return RetryPolicy{}.sleep(ctx, d/10)
		}
		fake.SetLimit(fakeapi.Limit{InFlight: 1, Hold: 20 * time.Millisecond})
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := openRequest()
				if _, err := c.Translate(context.Background(), req, nil); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return failed, fake
	}
	if failed, _ := run(nil); failed == 0 {
		t.Error("without a Throttle no request failed: the emulator's limit did not bite")
	}
	th := &Throttle{}
	failed, fake := run(th)
	ok := 0
	for _, r := range fake.Requests() {
		if r.Status == 200 {
			ok++
		}
	}
	if failed != 0 || ok != 8 {
		t.Fatalf("%d failed, %d answered", failed, ok)
	}
	if st := th.Stats(); st.RateLimited == 0 || st.Lowest != 1 {
		t.Errorf("stats %+v", st)
	}
	// A request refused again and again while nothing progresses still gives up.
	c, fake, _, evs := emulator(t, 2)
	c.Throttle = th
	fake.SetFault(fakeapi.Fault{Kind: fakeapi.FaultStatus, Status: 429})
	req, _ := openRequest()
	if _, err := c.Translate(context.Background(), req, nil); err == nil || len(fake.Requests()) != 3 {
		t.Fatalf("err %v after %d requests, want a failure after 3", err, len(fake.Requests()))
	}
	for _, e := range evs.all() {
		if e.Free || e.Attempts != 3 {
			t.Errorf("retry %+v", e)
		}
	}
}
