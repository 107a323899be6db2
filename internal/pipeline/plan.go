package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/translate"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// inputPlan is how one input is sent: the parts, produced as they are ready, and what a sink
// needs to place their results.
type inputPlan struct {
	*split.Plan
	produce translate.Producer
	// separator goes between the text of consecutive parts: a newline between the segments of a
	// long input; nothing between pieces, which their sink lays out itself.
	separator string
	// pieces are timed output's pieces of speech, one a part; nil for other plans.
	pieces   []subtitle.Piece
	segOf    []int // the plan segment of each piece
	hasAudio bool  // the input has sound (timed output)
}

// part is part i as a Sink sees it.
func (pl *inputPlan) part(i int) Part {
	p := Part{Index: i}
	if i < len(pl.pieces) {
		p.Piece = pl.pieces[i]
	}
	return p
}

// wholePath is the local file of an input sent in parts, whose ledger rows name the whole file's
// content; "" for an input sent whole.
func (pl *inputPlan) wholePath() string {
	if pl.Split || !pl.Whole || len(pl.pieces) > 1 {
		return pl.Input.Path
	}
	return ""
}

func (pl *inputPlan) cleanup() { pl.Cleanup() }

// plan decides how the input is sent (Plan) and how its parts are produced: a long input's
// segments as they are cut, while the rest is still being read; known segments or pieces once
// encoded; nothing when nobody speaks in it.
func (p *Pipeline) plan(ctx context.Context, in *media.Input, speech bool) (*inputPlan, error) {
	if p.Settings.Timed {
		return p.timedPlan(ctx, in, speech)
	}
	sp, err := p.splitPlan(ctx, in, speech)
	if err != nil {
		return nil, err
	}
	pl := &inputPlan{Plan: sp, separator: "\n"}
	switch {
	case sp.NoSpeech:
		pl.produce = translate.List(nil)
	case sp.Split:
		pl.produce = func(ctx context.Context, yield func(translate.Part) error) error {
			notes := len(sp.Notes)
			err := sp.Produce(ctx, func(seg split.Segment) error { return yield(partOf(sp, seg)) })
			for _, n := range sp.Notes[notes:] {
				p.info("%s: %s", in.Name, n)
			}
			return err
		}
	default:
		pl.produce = func(ctx context.Context, yield func(translate.Part) error) error {
			if !sp.Whole {
				if err := sp.Prepare(ctx); err != nil {
					return fmt.Errorf("preparing segments: %w", err)
				}
			}
			for _, seg := range sp.Segments {
				if err := yield(partOf(sp, seg)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return pl, nil
}

// splitPlan fits an input to the service's caps: whole, re-encoded, or split at its pauses.
func (p *Pipeline) splitPlan(ctx context.Context, in *media.Input, speech bool) (*split.Plan, error) {
	s := &p.Settings
	if in.Kind == api.Video && in.Probe != nil && in.Probe.Audio() == nil {
		// The model translates what is said; the pictures only help it understand.
		if speech {
			return nil, &usage.Error{Msg: fmt.Sprintf("%s has no sound (no audio track): there is no speech to translate into speech", in.Name), Err: ErrNoSoundForSpeech}
		}
		p.warn("%s has no sound (no audio track): only its pictures are sent", in.Name)
	}
	// The output cap is the service's: --max-tokens is the user's own limit, and a translation it
	// cuts short says so (finish_reason "length") rather than being split to avoid it.
	plan, err := split.MakePlan(ctx, in, split.Options{Mode: s.Split, Segment: s.Segment,
		MaxDataURI: s.InlineLimit, Speech: speech, Pauses: s.Pauses})
	if err != nil {
		return nil, err
	}
	for _, n := range plan.Notes {
		p.info("%s: %s", in.Name, n)
	}
	return plan, nil
}

// timedPlan cuts an input into pieces of speech of at most CueMax (subtitle.PiecesAtQuiet), each
// sent on its own and placed at the time its speech is heard in the source. The split plan's
// segments lay the pieces, and the long pauses between them, end to end over the whole input,
// because Prepare cuts an input at every boundary in one pass; only the pieces are sent.
func (p *Pipeline) timedPlan(ctx context.Context, in *media.Input, speech bool) (*inputPlan, error) {
	if in.URL != "" {
		return nil, usage.Errorf("download it, then name the file", "%s: subtitles and dubbing need the media itself, to find its pauses; a URL is passed through unread", in.Name)
	}
	if _, err := media.LookFFmpeg(""); err != nil {
		return nil, fmt.Errorf("subtitles and dubbing: %w", err)
	}
	if _, err := media.LookFFprobe(""); err != nil {
		return nil, fmt.Errorf("subtitles and dubbing: %w", err)
	}
	sp, err := split.MakePlan(ctx, in, split.Options{Mode: split.Always, MaxDataURI: p.Settings.InlineLimit, Speech: speech, Pauses: p.Settings.Pauses})
	if err != nil {
		return nil, err
	}
	info := in.Probe
	if info == nil {
		if info, err = media.Probe(ctx, "", in.Path); err != nil {
			sp.Cleanup()
			return nil, err
		}
	}
	if info.Audio() == nil {
		sp.Cleanup()
		return nil, usage.Errorf("", "%s has no sound to translate", in.Name)
	}
	popts := p.Settings.Pauses
	popts.Track = true // to cut speech that never pauses at its quietest moments
	rep, err := pauses.Find(ctx, in.Path, popts)
	if err != nil {
		sp.Cleanup()
		return nil, fmt.Errorf("finding the pauses in %s: %w", in.Name, err)
	}
	sp.Speech = rep
	// The sound may end before the picture: where the finder's audio ends (on the container's
	// timeline, so a sound that starts late ends late too) bounds the pieces.
	sound := rep.Duration
	if sound <= 0 || sound > sp.Duration {
		sound = sp.Duration
	}
	cueMax := p.Settings.CueMax
	pl := &inputPlan{Plan: sp, hasAudio: true}
	pl.pieces = subtitle.PiecesAtQuiet(rep.Pauses, rep.Gaps, rep.Track.Quietest, sound, cueMax)

	var segs []split.Segment
	add := func(start, end time.Duration) {
		seg := sp.EstimateSegment(start, end)
		seg.Index = len(segs)
		segs = append(segs, seg)
	}
	pos := time.Duration(0)
	for _, piece := range pl.pieces {
		if piece.Send.Start > pos {
			add(pos, piece.Send.Start)
		}
		pl.segOf = append(pl.segOf, len(segs))
		add(piece.Send.Start, piece.Send.End)
		pos = piece.Send.End
	}
	switch tail := sp.Duration - pos; {
	case tail <= 0:
	case tail < subtitle.Pad && len(segs) > 0:
		segs[len(segs)-1].End = sp.Duration // too short a file to bother cutting off
	default:
		add(pos, sp.Duration)
	}
	sp.Segments = segs
	sp.Notes = []split.Note{split.TextNote(fmt.Sprintf("speech: %s", rep)),
		split.TextNote(fmt.Sprintf("cut at pauses into %s of speech of at most %s, re-encoded compactly", textfmt.Plural(len(pl.pieces), "piece"), cueMax))}
	for _, n := range sp.Notes {
		p.info("%s: %s", in.Name, n)
	}
	if len(pl.pieces) == 0 {
		pl.produce = translate.List(nil)
		return pl, nil
	}
	pl.produce = func(ctx context.Context, yield func(translate.Part) error) error {
		if err := sp.Prepare(ctx); err != nil {
			return fmt.Errorf("preparing pieces: %w", err)
		}
		for i, k := range pl.segOf {
			seg := sp.Segments[k]
			part := partOf(sp, seg)
			part.Index, part.Segment, part.URL = i, len(pl.pieces) > 1, ""
			if err := yield(part); err != nil {
				return err
			}
		}
		return nil
	}
	return pl, nil
}

// sentPlan is the plan as --dry-run shows it: only the segments that are sent.
func (pl *inputPlan) sentPlan() *split.Plan {
	if pl.pieces == nil {
		return pl.Plan
	}
	sp := *pl.Plan
	sp.Segments, sp.Reencoded = nil, false // every piece is re-encoded; the label is for one whole
	for i, k := range pl.segOf {
		seg := pl.Plan.Segments[k]
		seg.Index = i
		sp.Segments = append(sp.Segments, seg)
	}
	return &sp
}

// DryPlan is how the input would be sent, for --dry-run: a split input's segments are found (the
// whole input is read for its pauses), nothing is encoded or sent.
func (p *Pipeline) DryPlan(ctx context.Context, in *media.Input, speech bool) (*split.Plan, error) {
	pl, err := p.plan(ctx, in, speech)
	if err != nil {
		return nil, err
	}
	sp := pl.sentPlan()
	notes := len(sp.Notes)
	if err := sp.Cut(ctx); err != nil {
		return nil, err
	}
	for _, n := range sp.Notes[notes:] {
		p.info("%s: %s", in.Name, n)
	}
	return sp, nil
}

// CacheHolds reports whether the result cache would answer the request of an input sent whole
// (plan, as DryPlan gives it) into target t, for a dry run: its key is the one the run would look
// for. A split input, an input re-encoded to fit, pieces of timed output and a URL are not looked
// for (false): their parts are cut and encoded only when the input is sent.
func (p *Pipeline) CacheHolds(plan *split.Plan, speech bool, t Target) bool {
	if p.Runner == nil || p.Runner.Cache == nil || p.Settings.Timed || !plan.Whole || plan.Split || len(plan.Segments) != 1 {
		return false
	}
	return p.Runner.CacheHolds(partOf(plan, plan.Segments[0]), p.targetRequest(speech, t))
}

// partOf is the request that sends one segment of a plan.
func partOf(plan *split.Plan, seg split.Segment) translate.Part {
	p := translate.Part{Index: seg.Index, Segment: plan.Split || len(plan.Segments) > 1, Start: seg.Start, End: seg.End,
		Path: seg.Path, Format: seg.Format, MIME: seg.MIME, Size: seg.Size, Kind: seg.Kind}
	if plan.Whole {
		p.URL = plan.Input.URL
	}
	return p
}
