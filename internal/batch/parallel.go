package batch

import (
	"context"
	"sync"
)

// Each calls work(i) for every i in [0, n), at most jobs at once, starting them in order of i.
// Once ctx is done it starts no more; it returns when every started call has returned, with how
// many were started. Failure handling is the caller's: work records its outcome, and cancels ctx
// to stop the rest.
func Each(ctx context.Context, n, jobs int, work func(i int)) (started int) {
	sem := make(chan struct{}, max(jobs, 1))
	var wg sync.WaitGroup
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		started++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			work(i)
		}()
	}
	wg.Wait()
	return started
}
