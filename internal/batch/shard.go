package batch

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one of N workers' share of a run's inputs: worker Index (0 to N-1) takes the inputs
// whose key hashes to it. The key is where an input's results go (Item.Rel), else its name: the
// same for every worker that runs the same command over the same tree, wherever the tree is
// mounted, so N workers, each with its own index, take every input exactly once.
type Shard struct {
	Index, N int
}

// ParseShard reads "I/N", I counted from 0 (as a Kubernetes Indexed Job's
// JOB_COMPLETION_INDEX is).
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	count, err2 := strconv.Atoi(strings.TrimSpace(n))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("%q is not I/N (e.g. 0/4: the first of four)", s)
	case count < 1:
		return Shard{}, fmt.Errorf("%q: the number of shards must be at least 1", s)
	case index < 0 || index >= count:
		return Shard{}, fmt.Errorf("%q: the index counts from 0 to %d", s, count-1)
	}
	return Shard{Index: index, N: count}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.N) }

// Has reports whether the input is in the shard.
func (s Shard) Has(it Item) bool {
	if s.N <= 1 {
		return true
	}
	key := it.Rel
	if key == "" {
		key = it.Name
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()%uint64(s.N) == uint64(s.Index)
}

// Of is the shard's inputs, in their order.
func (s Shard) Of(items []Item) []Item {
	var mine []Item
	for _, it := range items {
		if s.Has(it) {
			mine = append(mine, it)
		}
	}
	return mine
}
