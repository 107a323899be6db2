package job

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/dub"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Timed output: subtitles, a dubbed video and speech aligned to the source. The input is cut at
// its pauses into pieces of speech of at most CueMax (subtitle.Pieces), every piece is translated
// on its own, Request.Jobs at once, and each piece's text and speech are placed at the time its
// speech is heard in the source.

// timedPlan is an input cut into pieces of speech. The plan's segments lay the pieces, and the
// long pauses between them, end to end over the whole input, because Prepare cuts an input at
// every boundary in one pass; only the pieces are sent.
type timedPlan struct {
	plan     *split.Plan
	pieces   []subtitle.Piece
	segOf    []int // the plan segment of each piece
	hasAudio bool
	speech   *pauses.Report
}

func (t *Translator) timedPlan(ctx context.Context, in *media.Input, speech bool) (*timedPlan, error) {
	if in.URL != "" {
		return nil, usagef("download it, then name the file", "%s: subtitles and dubbing need the media itself, to find its pauses; a URL is passed through unread", in.Name)
	}
	if _, err := media.LookFFmpeg(""); err != nil {
		return nil, fmt.Errorf("subtitles and dubbing: %w", err)
	}
	if _, err := media.LookFFprobe(""); err != nil {
		return nil, fmt.Errorf("subtitles and dubbing: %w", err)
	}
	plan, err := split.MakePlan(ctx, in, split.Options{Mode: split.Always, MaxDataURI: t.Settings.InlineLimit, Speech: speech, Pauses: t.Settings.Pauses})
	if err != nil {
		return nil, err
	}
	info := in.Probe
	if info == nil {
		if info, err = media.Probe(ctx, "", in.Path); err != nil {
			return nil, err
		}
	}
	tp := &timedPlan{plan: plan, hasAudio: info.Audio() != nil}
	if !tp.hasAudio {
		return nil, usagef("", "%s has no sound to translate", in.Name)
	}
	popts := t.Settings.Pauses
	popts.Track = true // to cut speech that never pauses at its quietest moments
	rep, err := pauses.Find(ctx, in.Path, popts)
	if err != nil {
		return nil, fmt.Errorf("finding the pauses in %s: %w", in.Name, err)
	}
	tp.speech, plan.Speech = rep, rep
	// The sound may end before the picture: where the finder's audio ends (on the container's
	// timeline, so a sound that starts late ends late too) bounds the pieces.
	sound := rep.Duration
	if sound <= 0 || sound > plan.Duration {
		sound = plan.Duration
	}
	cueMax := t.Settings.CueMax
	tp.pieces = subtitle.PiecesAtQuiet(rep.Pauses, rep.Gaps, rep.Track.Quietest, sound, cueMax)

	var segs []split.Segment
	add := func(start, end time.Duration) {
		seg := plan.EstimateSegment(start, end)
		seg.Index = len(segs)
		segs = append(segs, seg)
	}
	pos := time.Duration(0)
	for _, p := range tp.pieces {
		if p.Send.Start > pos {
			add(pos, p.Send.Start)
		}
		tp.segOf = append(tp.segOf, len(segs))
		add(p.Send.Start, p.Send.End)
		pos = p.Send.End
	}
	switch tail := plan.Duration - pos; {
	case tail <= 0:
	case tail < subtitle.Pad && len(segs) > 0:
		segs[len(segs)-1].End = plan.Duration // too short a file to bother cutting off
	default:
		add(pos, plan.Duration)
	}
	plan.Segments = segs
	plan.Notes = []string{fmt.Sprintf("speech: %s", rep),
		fmt.Sprintf("cut at pauses into %s of speech of at most %s, re-encoded compactly", plural(len(tp.pieces), "piece"), cueMax)}
	return tp, nil
}

// sentPlan is the plan as --dry-run shows it: only the segments that are sent.
func (tp *timedPlan) sentPlan() *split.Plan {
	p := *tp.plan
	p.Segments, p.Reencoded = nil, false // every piece is re-encoded; the label is for one whole
	for i, k := range tp.segOf {
		seg := tp.plan.Segments[k]
		seg.Index = i
		p.Segments = append(p.Segments, seg)
	}
	return &p
}

// TimedOutput is where one timed input's results go.
type TimedOutput struct {
	Piece func(p subtitle.Piece, text string) error // each piece's text, in source order
	Audio io.Writer                                 // the speech WAV; nil for none
	Dub   *atomicfile.File                          // the dubbed video; nil for none
	Files []string                                  // the files the results are written to, for the ledger
}

// inOrder calls emit for each part in order as soon as it and the parts before it have finished.
type inOrder struct {
	mu   sync.Mutex
	done []bool
	next int
	emit func(i int) error
}

func (o *inOrder) finish(i int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done[i] = true
	for ; o.next < len(o.done) && o.done[o.next]; o.next++ {
		if err := o.emit(o.next); err != nil {
			return err
		}
	}
	return nil
}

// TranslateTimed translates one input piece by piece and places each piece's text and speech at
// its source time: text to out.Piece in order as pieces finish; speech, once all have, to
// out.Audio (aligned with Align, else joined) and under the picture into out.Dub. Each piece's
// speech waits in a file of its own in a temporary directory, removed on every path.
func (t *Translator) TranslateTimed(ctx context.Context, it batch.Item, out TimedOutput) (*Translation, error) {
	in, err := t.Resolve(ctx, it)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	name := it.Name
	if out.Dub != nil && in.Kind != media.Video {
		return nil, usagef("use --audio-out FILE.wav --align for aligned speech", "--dub needs a video; %s is %s", name, in.Kind)
	}
	if out.Dub != nil {
		c, _ := dub.ContainerFor(out.Dub.Path())
		if err := dub.CheckContainer(ctx, in.Path, out.Dub.Path(), c, dub.Options{}); err != nil {
			return nil, err
		}
	}
	speechOn := out.Audio != nil || out.Dub != nil
	tp, err := t.timedPlan(ctx, in, speechOn)
	if err != nil {
		return nil, err
	}
	defer tp.plan.Cleanup()
	for _, n := range tp.plan.Notes {
		t.info("%s: %s", name, n)
	}
	pieces := tp.pieces
	if len(pieces) > 0 {
		if err := tp.plan.Prepare(ctx); err != nil {
			return nil, fmt.Errorf("%s: preparing pieces: %w", name, err)
		}
	} else {
		t.warn("%s", noSpeech(name, tp.speech))
	}
	work, err := os.MkdirTemp("", "livetranslate-timed-*")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary directory: %w", err)
	}
	defer os.RemoveAll(work)

	texts := make([]strings.Builder, len(pieces))
	pcm := make([]*os.File, len(pieces))
	defer func() {
		for _, f := range pcm {
			if f != nil {
				f.Close()
			}
		}
	}()
	sinkFor := func(i int) translate.Sink {
		sink := translate.Sink{
			Text: func(s string) error { texts[i].WriteString(s); return nil },
			// Everything of a piece is held until it is placed, so a broken stream can always be
			// retried from the start.
			Reset: func() error {
				texts[i].Reset()
				if f := pcm[i]; f != nil {
					if err := f.Truncate(0); err != nil {
						return fmt.Errorf("dropping held speech: %w", err)
					}
					if _, err := f.Seek(0, io.SeekStart); err != nil {
						return fmt.Errorf("dropping held speech: %w", err)
					}
				}
				return nil
			},
		}
		if speechOn {
			sink.Audio = func(b []byte) error {
				if pcm[i] == nil {
					f, err := os.Create(filepath.Join(work, fmt.Sprintf("piece-%05d.pcm", i)))
					if err != nil {
						return fmt.Errorf("holding speech: %w", err)
					}
					pcm[i] = f
				}
				if _, err := pcm[i].Write(b); err != nil {
					return fmt.Errorf("holding speech: %w", err)
				}
				return nil
			}
		}
		return sink
	}
	order := &inOrder{done: make([]bool, len(pieces)), emit: func(i int) error {
		if text := strings.TrimSpace(texts[i].String()); text != "" { // the service may hear nothing in a piece
			return out.Piece(pieces[i], text)
		}
		return nil
	}}
	var parts []translate.Part
	for i, k := range tp.segOf {
		seg := tp.plan.Segments[k]
		parts = append(parts, translate.Part{Index: i, Segment: len(pieces) > 1, Start: seg.Start, End: seg.End,
			Path: seg.Path, Format: seg.Format, MIME: seg.MIME, Size: seg.Size, Kind: kindOf(seg.Kind)})
	}
	ts := t.request(speechOn)
	splitPath := "" // an input sent in pieces: its rows name the whole file
	if len(pieces) > 1 {
		splitPath = in.Path
	}
	runner := t.hook(ctx, ts, name, in.Kind.String(), out.Files, splitPath)
	start := time.Now()
	res := &translate.Result{}
	if len(parts) > 0 {
		if res, err = runner.Each(ctx, parts, ts, sinkFor, order.finish); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}

	tr := t.record(name, in, res)
	var all []string
	for i, p := range res.Parts {
		text := strings.TrimSpace(texts[i].String())
		if text != "" {
			all = append(all, text)
		}
		tr.Segments = append(tr.Segments, Segment{Index: i + 1, Start: p.Start.Seconds(), End: p.End.Seconds(),
			RequestID: p.RequestID, FinishReason: p.FinishReason, Usage: p.Usage, Text: text})
	}
	tr.Text = strings.Join(all, "\n")
	if len(parts) > 0 && len(all) == 0 {
		t.warn("%s: the service returned no text", name)
	}

	if speechOn {
		clips := make([]dub.Clip, len(pieces))
		for i, p := range pieces {
			clips[i].At = p.Speech.Start
			if pcm[i] != nil {
				clips[i].Path = pcm[i].Name()
			}
		}
		if err := t.placeSpeech(ctx, tp, in, clips, work, out); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	tr.ElapsedSeconds = math.Round(time.Since(start).Seconds()*1000) / 1000
	return tr, nil
}

// placeSpeech writes the pieces' speech: along the source's timeline (Align, a dub), or one
// after the other; and the dubbed video.
func (t *Translator) placeSpeech(ctx context.Context, tp *timedPlan, in *media.Input, clips []dub.Clip, work string, out TimedOutput) error {
	align := t.Settings.Align
	var track string
	if align || out.Dub != nil {
		track = filepath.Join(work, "track.pcm")
		f, err := os.Create(track)
		if err != nil {
			return fmt.Errorf("creating the dub track: %w", err)
		}
		rep, err := dub.Align(ctx, clips, tp.plan.Duration, f, dub.Options{TempDir: work})
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing the dub track: %w", cerr)
		}
		if err != nil {
			return err
		}
		if rep.SpedUp > 0 {
			t.info("%s: the speech of %d of %d pieces was sped up (at most %.1f×) to fit before the next", in.Name, rep.SpedUp, len(clips), dub.MaxTempo)
		}
		if rep.Cut > 0 {
			t.warn("%s: the speech of %d of %d pieces ran past the next even at %.1f× speed; %.1f s of it was cut", in.Name, rep.Cut, len(clips), dub.MaxTempo, rep.CutOff.Seconds())
		}
	}
	if out.Audio != nil {
		sources := []string{track}
		if track == "" || !align {
			sources = sources[:0]
			for _, c := range clips {
				if c.Path != "" {
					sources = append(sources, c.Path)
				}
			}
		}
		for _, p := range sources {
			if err := copyFile(out.Audio, p); err != nil {
				return err
			}
		}
	}
	if out.Dub != nil {
		c, _ := dub.ContainerFor(out.Dub.Path())
		mix := t.Settings.DubMix
		if mix > 0 && !tp.hasAudio {
			t.warn("%s has no sound to keep under the dub: --dub-mix ignored", in.Name)
			mix = 0
		}
		if err := dub.Mux(ctx, in.Path, track, out.Dub.Name(), dub.MuxOptions{Container: c, Mix: mix}); err != nil {
			return err
		}
	}
	return nil
}

// plural says "1 piece", "2 pieces".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading held speech: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("writing speech: %w", err)
	}
	return nil
}
