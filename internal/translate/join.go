package translate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Ordered puts the output of parts translated in parallel back in source order (segments of one
// input, or the inputs of a batch printing to stdout). The part whose
// turn it is writes straight to the sink; the others are held until the parts before them have
// finished: text in memory (it is small), speech in a temporary file (it is not: four minutes of
// speech is 11 MB of PCM).
type Ordered struct {
	// HoldAll holds every part's output until the part has finished, the first part's too: each
	// part then reaches the sink whole (text in one piece), and any part can be retried from the
	// start. Set it before the first Sink.
	HoldAll bool

	mu      sync.Mutex
	out     Sink
	sep     string
	tempDir string
	next    int         // the part that may write to the sink now
	parts   []*heldPart // pointers: a held part holds a strings.Builder, which must not be copied as the slice grows
	wrote   bool        // any text reached the sink yet (a separator goes before the next part's text)
}

type heldPart struct {
	text    strings.Builder
	audio   *os.File // held speech; nil until some arrives
	done    bool
	started bool // the part's text has begun on the sink
	direct  bool // the part wrote to the sink itself: what it wrote cannot be taken back
}

// NewOrdered joins n parts into sink, sep between the text of consecutive parts; held speech goes
// to temporary files in tempDir. n may be 0 when the parts are not known yet: Sink(i) makes room
// for part i, which must not come before the parts before it have asked for theirs.
func NewOrdered(n int, sink Sink, sep, tempDir string) *Ordered {
	j := &Ordered{out: sink, sep: sep, tempDir: tempDir}
	j.grow(n - 1)
	return j
}

// grow makes room for parts up to i; the caller holds mu (or is the constructor).
func (j *Ordered) grow(i int) {
	for len(j.parts) <= i {
		j.parts = append(j.parts, &heldPart{})
	}
}

// Sink returns the Sink for part i. Its Reset succeeds while the part's output is only held; the
// first part, which writes to the sink from its start, is reset with the sink's own Reset (nil
// when the sink has none: what it wrote cannot be taken back).
func (j *Ordered) Sink(i int) Sink {
	j.mu.Lock()
	j.grow(i)
	j.mu.Unlock()
	s := Sink{Text: func(t string) error { return j.text(i, t) }, Reset: func() error { return j.reset(i) }}
	if i == 0 && !j.HoldAll {
		s.Reset = nil // before it wrote anything, a broken stream is retried without one
		if j.out.Reset != nil {
			s.Reset = j.resetFirst
		}
	}
	if j.out.Audio != nil {
		s.Audio = func(b []byte) error { return j.audio(i, b) }
	}
	return s
}

func (j *Ordered) text(i int, t string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := j.parts[i]
	if i != j.next || j.HoldAll {
		p.text.WriteString(t)
		return nil
	}
	p.direct = true
	return j.writeText(p, t)
}

// reset drops what part i holds, for a retry from the start.
func (j *Ordered) reset(i int) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := j.parts[i]
	if p.direct {
		return errors.New("its output was already written, so it cannot be retried from the start")
	}
	p.text.Reset()
	if p.audio != nil {
		if err := p.audio.Truncate(0); err != nil {
			return fmt.Errorf("dropping held speech: %w", err)
		}
		if _, err := p.audio.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("dropping held speech: %w", err)
		}
	}
	return nil
}

// resetFirst takes back what the first part wrote, with the sink's own Reset.
func (j *Ordered) resetFirst() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.next != 0 {
		return errors.New("its output was already written, so it cannot be retried from the start")
	}
	p := j.parts[0]
	p.started, p.direct, j.wrote = false, false, false
	return j.out.Reset()
}

// writeText sends t to the sink, with the separator before the first text of a part.
func (j *Ordered) writeText(p *heldPart, t string) error {
	if t == "" {
		return nil
	}
	if !p.started && j.wrote && j.sep != "" {
		if err := j.out.Text(j.sep); err != nil {
			return err
		}
	}
	p.started, j.wrote = true, true
	return j.out.Text(t)
}

func (j *Ordered) audio(i int, b []byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := j.parts[i]
	if i == j.next && !j.HoldAll {
		p.direct = true
		return j.out.Audio(b)
	}
	if p.audio == nil {
		f, err := os.CreateTemp(j.tempDir, "livetranslate-segment-*.pcm")
		if err != nil {
			return fmt.Errorf("holding speech of a later segment: %w", err)
		}
		p.audio = f
	}
	if _, err := p.audio.Write(b); err != nil {
		return fmt.Errorf("holding speech of a later segment: %w", err)
	}
	return nil
}

// Finish marks part i complete and, if it was the part writing, hands the sink to the next
// parts in order, flushing what they held.
func (j *Ordered) Finish(i int) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.parts[i].done = true
	for j.next < len(j.parts) && j.parts[j.next].done {
		if err := j.flush(j.parts[j.next]); err != nil { // what it held (all of it with HoldAll)
			return err
		}
		if j.out.End != nil {
			if err := j.out.End(j.next); err != nil {
				return err
			}
		}
		j.next++
	}
	if j.next < len(j.parts) && !j.HoldAll {
		return j.flush(j.parts[j.next]) // the next part writes to the sink itself from now on
	}
	return nil
}

// flush writes what part p held to the sink: it is p's turn now.
func (j *Ordered) flush(p *heldPart) error {
	if err := j.writeText(p, p.text.String()); err != nil {
		return err
	}
	p.text.Reset()
	if p.audio == nil {
		return nil
	}
	defer func() {
		p.audio.Close()
		os.Remove(p.audio.Name())
		p.audio = nil
	}()
	if _, err := p.audio.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("replaying held speech: %w", err)
	}
	br := bufio.NewReaderSize(p.audio, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		n, err := br.Read(buf)
		if n > 0 {
			if werr := j.out.Audio(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("replaying held speech: %w", err)
		}
	}
}

// Close removes any speech still held (after a failure or cancellation).
func (j *Ordered) Close() {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := range j.parts {
		if f := j.parts[i].audio; f != nil {
			f.Close()
			os.Remove(f.Name())
			j.parts[i].audio = nil
		}
	}
}
