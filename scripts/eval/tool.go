package main

import (
	"context"
	"time"

	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
)

// toolCuts runs the tool's own splitter over a file (the finder and the cutter in one pass, as a
// split plan does) and describes each cut between two touching segments with the range the
// cutter had for it.
func toolCuts(ctx context.Context, path string, total, target time.Duration) ([]cut, error) {
	segs, rep, err := split.CutFile(ctx, path, total, target, pauses.Options{})
	if err != nil {
		return nil, err
	}
	var found []span
	for _, p := range rep.Pauses {
		found = append(found, span{p.Start, p.End})
	}
	return describe(segs, found, total, target), nil
}

// knownCuts is toolCuts over pauses known in advance (the truth as the finder).
func knownCuts(ps []span, total, target time.Duration) []cut {
	return describe(split.Cuts(toPauses(ps), total, target), ps, total, target)
}

// describe turns segments into cuts; a cut outside every pause the finder found is hard.
func describe(segs [][2]time.Duration, found []span, total, target time.Duration) []cut {
	tol := tolerance(target)
	var out []cut
	for i := 0; i+1 < len(segs); i++ {
		pos, at := segs[i][0], segs[i][1]
		if segs[i+1][0] != at {
			continue // a pause left out, not a cut
		}
		left := total - pos
		parts := (left + target - 1) / target
		ideal := pos + left/parts
		out = append(out, cut{At: at, Ideal: ideal, Lo: ideal - tol, Hi: min(ideal+tol, pos+target), Target: target,
			Hard: !inPause(at, found)})
	}
	return out
}

// toolPieces divides speech into subtitle pieces with the tool's own rule.
func toolPieces(ps, gaps []span, track pauses.Track, total time.Duration) []span {
	var quietest func(from, to time.Duration) (time.Duration, bool)
	if track != nil {
		quietest = track.Quietest
	}
	var out []span
	for _, p := range subtitle.PiecesAtQuiet(toPauses(ps), toPauses(gaps), quietest, total, maxPiece) {
		out = append(out, span{p.Speech.Start, p.Speech.End})
	}
	return out
}

func toPauses(ps []span) []pauses.Pause {
	out := make([]pauses.Pause, len(ps))
	for i, p := range ps {
		out[i] = pauses.Pause{Start: p.Start, End: p.End}
	}
	return out
}
