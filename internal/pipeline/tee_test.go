package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/livetranslate/livetranslate/internal/translate"
)

// counted produces n parts and counts how many times it was run.
func counted(n int, runs *int, failAt int) translate.Producer {
	return func(ctx context.Context, yield func(translate.Part) error) error {
		*runs++
		for i := range n {
			if i == failAt {
				return errors.New("encoder broke")
			}
			if err := yield(translate.Part{Index: i}); err != nil {
				return err
			}
		}
		return nil
	}
}

// drain runs producers at once, as the Sends of an input's targets do; consumer stop stops
// after taking that many parts (-1: never).
func drain(producers []translate.Producer, stop []int) ([][]int, []error) {
	got := make([][]int, len(producers))
	errs := make([]error, len(producers))
	var wg sync.WaitGroup
	for i, p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p(context.Background(), func(part translate.Part) error {
				if stop[i] >= 0 && len(got[i]) == stop[i] {
					return errors.New("target failed")
				}
				got[i] = append(got[i], part.Index)
				return nil
			})
		}()
	}
	wg.Wait()
	return got, errs
}

// TestTee: every target gets every part, in order, from one production; a target that stops
// does not hold the others up; a production error reaches every target.
func TestTee(t *testing.T) {
	for _, tt := range []struct {
		name    string
		parts   int
		failAt  int
		stop    []int
		want    string
		wantErr []bool
	}{
		{"all take all", 5, -1, []int{-1, -1, -1}, "[[0 1 2 3 4] [0 1 2 3 4] [0 1 2 3 4]]", []bool{false, false, false}},
		{"one stops early", 5, -1, []int{-1, 1, -1}, "[[0 1 2 3 4] [0] [0 1 2 3 4]]", []bool{false, true, false}},
		{"all stop", 50, -1, []int{2, 1}, "[[0 1] [0]]", []bool{true, true}},
		{"production fails", 5, 3, []int{-1, -1}, "[[0 1 2] [0 1 2]]", []bool{true, true}},
		{"one target", 3, -1, []int{-1}, "[[0 1 2]]", []bool{false}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runs := 0
			producers, stop := tee(context.Background(), counted(tt.parts, &runs, tt.failAt), len(tt.stop))
			defer stop()
			got, errs := drain(producers, tt.stop)
			if fmt.Sprint(got) != tt.want {
				t.Errorf("parts %v, want %s", got, tt.want)
			}
			for i, err := range errs {
				if (err != nil) != tt.wantErr[i] {
					t.Errorf("target %d: error %v, want one: %v", i, err, tt.wantErr[i])
				}
			}
			if runs != 1 {
				t.Errorf("produced %d times, want once", runs)
			}
		})
	}
}
