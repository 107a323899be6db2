package batch

import (
	"fmt"
	"strings"
	"testing"
)

// TestShardsCoverEveryInputOnce: N shards of a run take every input exactly once, for any N, and
// a shard's inputs do not depend on where the tree is (the key is the result path).
func TestShardsCoverEveryInputOnce(t *testing.T) {
	var items []Item
	for i := range 500 {
		items = append(items, Item{Name: fmt.Sprintf("/data/rec/%d/talk-%d.wav", i%7, i), Rel: fmt.Sprintf("%d/talk-%d", i%7, i)})
	}
	for n := 1; n <= 9; n++ {
		seen := map[string]int{}
		sizes := make([]int, n)
		for i := range n {
			mine := Shard{Index: i, N: n}.Of(items)
			sizes[i] = len(mine)
			for _, it := range mine {
				seen[it.Rel]++
			}
		}
		for _, it := range items {
			if seen[it.Rel] != 1 {
				t.Fatalf("N=%d: %s taken %d times", n, it.Rel, seen[it.Rel])
			}
		}
		for i, size := range sizes {
			if n > 1 && (size < 500/n/2 || size > 500/n*2) {
				t.Errorf("N=%d: shard %d has %d of 500 inputs: not spread", n, i, size)
			}
		}
	}
	moved := Item{Name: "/mnt/other/rec/3/talk-3.wav", Rel: "3/talk-3"}
	for i := range 4 {
		s := Shard{Index: i, N: 4}
		if s.Has(moved) != s.Has(items[3]) {
			t.Errorf("shard %v: the same input under another mount is shared differently", s)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{"0/4", "0/4", ""},
		{" 3 / 4 ", "3/4", ""},
		{"0/1", "0/1", ""},
		{"4/4", "", "counts from 0 to 3"},
		{"-1/4", "", "counts from 0 to 3"},
		{"1/0", "", "at least 1"},
		{"1", "", "not I/N"},
		{"a/b", "", "not I/N"},
	} {
		s, err := ParseShard(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseShard(%q) error %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || s.String() != tt.want):
			t.Errorf("ParseShard(%q) = %v, %v", tt.in, s, err)
		}
	}
}
