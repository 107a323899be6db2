package pipeline

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/split"
)

// progressLog keeps what OnProgress was told.
type progressLog struct {
	mu   sync.Mutex
	seen []Progress
}

func (l *progressLog) add(p Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, p)
}

// check asserts that the counts only grow, and that the last says all is done.
func (l *progressLog) check(t *testing.T, known int, total time.Duration) {
	t.Helper()
	if len(l.seen) == 0 {
		t.Fatal("no progress reported")
	}
	for i := 1; i < len(l.seen); i++ {
		a, b := l.seen[i-1], l.seen[i]
		if b.Done < a.Done || b.DoneTime < a.DoneTime || b.Known < a.Known || (b.Cutting && !a.Cutting) {
			t.Errorf("progress went back: %+v after %+v", b, a)
		}
		if b.Done > b.Known {
			t.Errorf("more done than known: %+v", b)
		}
	}
	last := l.seen[len(l.seen)-1]
	off := last.TotalTime - total // the Result's times are seconds as floats
	if last.Done != known || last.Known != known || last.Cutting || last.DoneTime != last.TotalTime || off < -time.Millisecond || off > time.Millisecond {
		t.Errorf("last progress %+v, want %d of %d parts and %s of %s", last, known, known, total, total)
	}
}

// TestProgressWhole: an input sent whole is one part, known before it is sent.
func TestProgressWhole(t *testing.T) {
	e := newEnv(t)
	var log progressLog
	e.p.OnProgress = log.add
	path := writeWAV(t, t.TempDir(), "one.wav", toneAt(2*time.Second))
	if _, err := e.run(t, path, Output{Sink: &logSink{}}); err != nil {
		t.Fatal(err)
	}
	if first := log.seen[0]; first.Done != 0 || first.Known != 1 || first.Cutting {
		t.Errorf("first progress %+v, want 0 of 1 part", first)
	}
	log.check(t, 1, 2*time.Second)
}

// TestProgressSplit: an input cut as it is read reports its parts as they are cut ("Cutting"),
// with the input's length as the total until the last is cut; into two languages, each part
// counts twice.
func TestProgressSplit(t *testing.T) {
	needFFmpeg(t)
	for _, targets := range []int{1, 2} {
		e := newEnv(t)
		e.p.Settings.Split, e.p.Settings.Segment = split.Always, 3*time.Second
		var log progressLog
		e.p.OnProgress = log.add
		path := writeWAV(t, t.TempDir(), "long.wav", phrases(4, 1500*time.Millisecond, 600*time.Millisecond)...)
		ts := []Target{{Lang: "en", Output: Output{Sink: &logSink{}}}, {Lang: "fr", Output: Output{Sink: &logSink{}}}}[:targets]
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		outs, err := e.p.RunTargets(ctx, batch.Item{Name: path, Path: path}, ts)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		segs := outs[0].Result.Segments
		if len(segs) < 2 {
			t.Fatalf("%d segments, want several", len(segs))
		}
		var length time.Duration
		for _, s := range segs {
			length += time.Duration((s.End - s.Start) * float64(time.Second))
		}
		if first := log.seen[0]; !first.Cutting || first.Done != 0 || first.TotalTime <= 0 {
			t.Errorf("targets %d: first progress %+v, want parts still being cut out of the input's length", targets, first)
		}
		log.check(t, len(segs)*targets, time.Duration(targets)*length)
	}
}
