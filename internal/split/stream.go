package split

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/textfmt"
)

// findCuts runs the pause finder over the input and the cutter over its pauses, calling emit
// with each segment as soon as it is certain. An input without sound is cut evenly.
func (p *Plan) findCuts(ctx context.Context, emit func(start, end time.Duration) error) error {
	c := newCutter(p.Duration, p.Target, emit)
	if !p.hasAudio {
		if err := c.finish(); err != nil {
			return err
		}
		p.notef("no sound to find pauses in: %s", textfmt.Plural(c.hard, "even cut"))
		return nil
	}
	rep, err := pauses.Stream(ctx, p.Input.Path, p.pauseOptions(), func(u pauses.Update, d *pauses.Detector) error {
		return c.update(u, d)
	})
	if err != nil {
		return fmt.Errorf("finding the pauses in %s: %w", displayName(p.Input.Name), err)
	}
	p.Speech = rep
	if err := c.finish(); err != nil {
		return err
	}
	p.notef("speech: %s", rep)
	switch {
	case c.hard == 0:
		p.notef("cut at %s", textfmt.Plural(c.atPauses, "pause"))
	default:
		p.notef("cut at %s and %s at the quietest moment (no pause within %s of the ideal point)",
			textfmt.Plural(c.atPauses, "pause"), textfmt.Plural(c.hard, "cut"), roundDuration(c.tol))
	}
	if c.skipped > 0 {
		p.notef("%s without speech not sent", roundDuration(c.skipped))
	}
	return nil
}

func (p *Plan) pauseOptions() pauses.Options {
	o := p.opts.Pauses
	if o.FFmpeg == "" {
		o.FFmpeg = p.opts.FFmpeg
	}
	return o
}

// Cut finds the segments of a Split plan without encoding them (for --dry-run): Segments then
// lists them with their estimates. Other plans are left as they are.
func (p *Plan) Cut(ctx context.Context) error {
	if !p.Split || p.Segments != nil {
		return nil
	}
	p.Segments = []Segment{}
	err := p.findCuts(ctx, func(start, end time.Duration) error {
		p.addSegment(start, end)
		return nil
	})
	if err == nil && len(p.Segments) == 0 {
		p.NoSpeech = true
	}
	return err
}

// Produce prepares the plan's segments and hands each to yield, in order, as soon as it is ready:
// for a Split plan while the rest of the input is still being read and cut, so the first
// requests go out long before the last segment is known. Segments grows as they are produced.
// An error from yield stops it. The files live until Cleanup.
func (p *Plan) Produce(ctx context.Context, yield func(Segment) error) (err error) {
	if !p.Split {
		if p.NoSpeech {
			return nil
		}
		if err := p.Prepare(ctx); err != nil {
			return err
		}
		for _, s := range p.Segments {
			if err := yield(s); err != nil {
				return err
			}
		}
		return nil
	}
	ffmpeg, err := media.LookFFmpeg(p.opts.FFmpeg)
	if err != nil {
		return err
	}
	if err := p.makeDir(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, p.Cleanup())
		}
	}()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// The finder runs ahead of the encoders by a few segments: cutting is cheap, encoding is not,
	// and a held cut is only two numbers. Segments are encoded one per CPU at once (an encoder
	// is one ffmpeg, and Opus encoding is most of the local work) and handed over in order.
	cuts := make(chan [2]time.Duration, 64)
	found := make(chan error, 1)
	go func() {
		defer close(cuts)
		found <- p.findCuts(ctx, func(start, end time.Duration) error {
			select {
			case cuts <- [2]time.Duration{start, end}:
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		})
	}()
	type encoding struct {
		seg  Segment
		done chan error
	}
	encoders := runtime.NumCPU()
	queue := make(chan *encoding, encoders)
	sem := make(chan struct{}, encoders)
	var segs []Segment
	yielded := make(chan error, 1)
	go func() {
		var err error
		for e := range queue {
			if encErr := <-e.done; err == nil {
				if err = encErr; err == nil {
					segs = append(segs, e.seg)
					err = yield(e.seg)
				}
				if err != nil {
					cancel(err)
				}
			}
		}
		yielded <- err
	}()
	n := 0
	for cut := range cuts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			continue // drain, so the finder can end
		}
		e := &encoding{seg: p.EstimateSegment(cut[0], cut[1]), done: make(chan error, 1)}
		e.seg.Index = n
		n++
		queue <- e
		go func() {
			defer func() { <-sem }()
			e.done <- p.encodeSegment(ctx, ffmpeg, &e.seg)
		}()
	}
	close(queue)
	failed := <-yielded
	if err := <-found; failed == nil && err != nil {
		failed = err
	}
	p.Segments = segs
	if failed == nil && len(segs) == 0 {
		p.NoSpeech = true
	}
	return failed
}

func (p *Plan) makeDir() error {
	if p.dir != "" {
		return nil
	}
	dir, err := os.MkdirTemp(p.opts.TempDir, "livetranslate-split-*")
	if err != nil {
		return fmt.Errorf("create segment directory: %w", err)
	}
	p.dir = dir
	return nil
}

// encodeSegment writes one segment's file and fills its Path and Size.
func (p *Plan) encodeSegment(ctx context.Context, ffmpeg string, s *Segment) error {
	format, _ := p.segmentFormat()
	s.Path = filepath.Join(p.dir, fmt.Sprintf("segment-%03d.%s", s.Index, format))
	var err error
	if p.Input.Kind == api.Video {
		err = p.encodeVideoSegment(ctx, ffmpeg, *s)
	} else {
		err = p.encodeAudioSegment(ctx, ffmpeg, *s)
	}
	if err != nil {
		return fmt.Errorf("preparing segment %d of %s: %w", s.Index+1, displayName(p.Input.Name), err)
	}
	return p.checkSize(s)
}

// checkSize reads a prepared segment's size and holds it to the data URI limit.
func (p *Plan) checkSize(s *Segment) error {
	fi, err := os.Stat(s.Path)
	if err != nil {
		return fmt.Errorf("segment %d of %s: %w", s.Index+1, displayName(p.Input.Name), err)
	}
	s.Size = fi.Size()
	if limit := p.opts.MaxDataURI; limit > 0 && api.DataURISize(s.MIME, s.Size) >= limit {
		// The size estimates carry margins, so this is a bug in them, not the user's doing.
		return fmt.Errorf("segment %d of %s came out at %d bytes, over the %d-byte data URI limit the plan allowed for",
			s.Index+1, displayName(p.Input.Name), s.Size, limit)
	}
	return nil
}

// encodeAudioSegment encodes [Start, End] of the input as compact Opus. The input is seeked
// before it is opened (-ss before -i), which ffmpeg makes exact to the sample when it decodes,
// so consecutive segments neither overlap nor leave a gap. The output is bit-exact, as
// encodeAudio's is.
func (p *Plan) encodeAudioSegment(ctx context.Context, ffmpeg string, s Segment) error {
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}
	if s.Start > 0 {
		args = append(args, "-ss", seconds(s.Start))
	}
	args = append(args, "-i", "file:"+p.Input.Path, "-t", seconds(s.Duration()), "-map", "0:a:0",
		"-af", fmt.Sprintf("aresample=%d,aformat=sample_rates=%d:channel_layouts=mono", CompactSampleRate, CompactSampleRate),
		"-c:a", "libopus", "-b:a", strconv.Itoa(CompactAudioBitRate), "-vbr", "constrained",
		"-compression_level", "5", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", "file:"+s.Path)
	return media.RunFFmpeg(ctx, ffmpeg, args)
}

// speechCheckMin is the shortest whole input whose speech is checked before it is sent: a
// shorter one costs less than the check is worth waiting for.
const speechCheckMin = 30 * time.Second

// minSpeechHeard is the least speech an input must hold to be sent: a word. Less is a cough, a
// door, a click.
const minSpeechHeard = 500 * time.Millisecond

// errHeardSpeech stops the finder once speech is certain.
var errHeardSpeech = errors.New("speech heard")

// checkSpeech runs the pause finder over a whole input only until it hears speech; an input in
// which it hears none is marked NoSpeech and not sent. Most inputs have speech in their first
// seconds, so the check reads a few seconds of audio, not the whole.
func (p *Plan) checkSpeech(ctx context.Context) error {
	if !p.hasAudio || p.Duration < speechCheckMin {
		return nil
	}
	if _, err := media.LookFFmpeg(p.opts.FFmpeg); err != nil {
		return nil // the check is a saving, not a requirement
	}
	var quiet time.Duration
	rep, err := pauses.Stream(ctx, p.Input.Path, p.pauseOptions(), func(u pauses.Update, _ *pauses.Detector) error {
		for _, q := range u.Pauses {
			quiet += q.Duration()
		}
		heard := u.Through - quiet
		if u.OpenSince >= 0 {
			heard -= u.Through - u.OpenSince
		}
		if heard >= minSpeechHeard {
			return errHeardSpeech
		}
		return nil
	})
	switch {
	case errors.Is(err, errHeardSpeech):
		return nil
	case err != nil:
		return fmt.Errorf("listening for speech in %s: %w", displayName(p.Input.Name), err)
	}
	p.Speech = rep
	if rep.Speech < minSpeechHeard {
		p.NoSpeech = true
		p.Segments = nil
		p.notef("speech: %s", rep)
	}
	return nil
}

// CutFile runs the pause finder and the cutter over the audio file at path, of length total, as
// a split plan does for segments of at most target, and returns the segments and what the finder
// measured.
func CutFile(ctx context.Context, path string, total, target time.Duration, opts pauses.Options) ([][2]time.Duration, *pauses.Report, error) {
	var segs [][2]time.Duration
	c := newCutter(total, target, func(start, end time.Duration) error {
		segs = append(segs, [2]time.Duration{start, end})
		return nil
	})
	rep, err := pauses.Stream(ctx, path, opts, func(u pauses.Update, d *pauses.Detector) error {
		return c.update(u, d)
	})
	if err != nil {
		return nil, nil, err
	}
	if err := c.finish(); err != nil {
		return nil, nil, err
	}
	return segs, rep, nil
}
