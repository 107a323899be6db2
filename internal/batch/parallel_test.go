package batch

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestEachBoundsConcurrency runs 20 calls 3 at a time and checks no more than 3 overlap and all ran.
func TestEachBoundsConcurrency(t *testing.T) {
	var running, peak, ran atomic.Int32
	n := Each(context.Background(), 20, 3, func(int) {
		r := running.Add(1)
		for p := peak.Load(); r > p && !peak.CompareAndSwap(p, r); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		running.Add(-1)
		ran.Add(1)
	})
	if n != 20 || ran.Load() != 20 || peak.Load() != 3 {
		t.Fatalf("started %d, ran %d, peak %d; want 20, 20, 3", n, ran.Load(), peak.Load())
	}
}

// TestEachStopsWhenCancelled: after a call cancels, no new call starts.
func TestEachStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ran atomic.Int32
	n := Each(ctx, 10, 1, func(i int) {
		ran.Add(1)
		if i == 2 {
			cancel()
		}
	})
	if n != 3 || ran.Load() != 3 {
		t.Fatalf("started %d, ran %d; want 3", n, ran.Load())
	}
}
