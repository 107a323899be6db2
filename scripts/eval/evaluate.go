package main

import (
	"context"
	"math"
	"time"
)

// longGap is the length from which a true pause is a stretch where nobody speaks at all, and
// where whatever a finder calls speech would be sent for nothing.
const longGap = 5 * time.Second

// fileResult is one file's figures.
type fileResult struct {
	File       string   `json:"file"`
	Clean      string   `json:"clean"`
	Condition  string   `json:"condition"`
	SNR        *float64 `json:"snr_db"`
	DurationS  float64  `json:"duration_s"`
	SpeechS    float64  `json:"true_speech_s"`
	TruePauses int      `json:"true_pauses"`
	Old        scored   `json:"old"`
	New        scored   `json:"new"`
	// With -external: that finder's segments, and the new finder's pieces snapped to them.
	External *scored `json:"external,omitempty"`
	Hybrid   *scored `json:"hybrid,omitempty"`
}

// scored is what one finder achieved on one file.
type scored struct {
	Pauses int `json:"pauses"`
	// Levels the new finder measured, dBFS (absent for the old finder).
	NoiseFloor *float64 `json:"noise_floor_dbfs,omitempty"`
	Threshold  *float64 `json:"threshold_dbfs,omitempty"`
	SpeechS    float64  `json:"speech_found_s"`
	// SpeechInLongGapsS is how much of the true pauses of longGap or more the finder calls speech.
	SpeechInLongGapsS float64     `json:"speech_in_long_gaps_s"`
	Cuts              []cutResult `json:"cuts"`
	Pieces            int         `json:"pieces"`
	OnsetMS           []float64   `json:"onset_errors_ms"`
	OffsetMS          []float64   `json:"offset_errors_ms"`
}

// cutResult is one cut and how it fell against the truth.
type cutResult struct {
	TargetS float64 `json:"target_s"`
	AtS     float64 `json:"at_s"`
	IdealS  float64 `json:"ideal_s"`
	LoS     float64 `json:"lo_s"`
	HiS     float64 `json:"hi_s"`
	Hard    bool    `json:"hard"` // no pause in range: cut at the ideal point
	InPause bool    `json:"in_pause"`
	// InWordPauseInReach: not in a true pause although one of 0.2 s or more lay within [lo, hi].
	InWordPauseInReach bool `json:"in_word_pause_in_reach"`
	// InWordPauseMidInReach: not in a true pause although the middle of one of 0.2 s or more lay
	// within [lo, hi], so the rule would have cut there had the finder found it.
	InWordPauseMidInReach bool `json:"in_word_pause_mid_in_reach"`
}

func evaluateFile(ctx context.Context, path string, f setFile, tr truth, targets []time.Duration, ext *external) (fileResult, error) {
	total := tr.total()
	speech := tr.spans()
	truePauses := complement(speech, total, 0)
	r := fileResult{File: f.File, Clean: f.Clean, Condition: f.Condition, SNR: f.SNR,
		DurationS: total.Seconds(), TruePauses: len(truePauses)}
	for _, s := range speech {
		r.SpeechS += s.len().Seconds()
	}
	old, err := findOld(ctx, path, total)
	if err != nil {
		return r, err
	}
	nw, err := findNew(ctx, path)
	if err != nil {
		return r, err
	}
	r.Old = score(old, speech, truePauses, total, targets, oldRules(old.Pauses, total))
	newCuts := make(map[time.Duration][]cut)
	for _, t := range targets {
		if newCuts[t], err = toolCuts(ctx, path, total, t); err != nil {
			return r, err
		}
	}
	r.New = score(nw, speech, truePauses, total, targets, rules{
		cuts:   func(t time.Duration) []cut { return newCuts[t] },
		pieces: func() []span { return toolPieces(nw.Pauses, nw.Gaps, nw.Track, total) },
	})
	r.New.NoiseFloor, r.New.Threshold = &nw.NoiseFloor, &nw.Threshold
	if ext == nil {
		return r, nil
	}
	xf, xspeech, err := ext.load(f.File, total)
	if err != nil {
		return r, err
	}
	x := score(xf, speech, truePauses, total, targets, rules{
		cuts:   func(t time.Duration) []cut { return knownCuts(xf.Pauses, total, t) },
		pieces: func() []span { return toolPieces(xf.Pauses, xf.Gaps, xf.Track, total) },
	})
	h := score(nw, speech, truePauses, total, targets, rules{
		cuts: func(t time.Duration) []cut { return newCuts[t] },
		pieces: func() []span {
			return ext.hybrid(toolPieces(nw.Pauses, nw.Gaps, nw.Track, total), xspeech)
		},
	})
	r.External, r.Hybrid = &x, &h
	return r, nil
}

// rules are how a finder's pauses become cuts and pieces: the old tool's rules (kept in this
// harness) for the old finder, the tool's own code for the new one.
type rules struct {
	cuts   func(target time.Duration) []cut
	pieces func() []span
}

func oldRules(pauses []span, total time.Duration) rules {
	return rules{
		cuts:   func(t time.Duration) []cut { return cuts(pauses, total, t) },
		pieces: func() []span { return pieces(pauses, total) },
	}
}

// score measures one finder's pauses, cut and divided by r, against the truth.
func score(f found, speech, truePauses []span, total time.Duration, targets []time.Duration, r rules) scored {
	s := scored{Pauses: len(f.Pauses)}
	found := complement(f.Pauses, total, 0)
	for _, sp := range found {
		s.SpeechS += sp.len().Seconds()
	}
	var long []span
	for _, p := range truePauses {
		if p.len() >= longGap {
			long = append(long, p)
		}
	}
	s.SpeechInLongGapsS = overlap(found, long).Seconds()
	for _, t := range targets {
		for _, c := range r.cuts(t) {
			in := inPause(c.At, truePauses)
			s.Cuts = append(s.Cuts, cutResult{
				TargetS: t.Seconds(), AtS: c.At.Seconds(), IdealS: c.Ideal.Seconds(),
				LoS: c.Lo.Seconds(), HiS: c.Hi.Seconds(), Hard: c.Hard, InPause: in,
				InWordPauseInReach:    !in && pauseInReach(c.Lo, c.Hi, truePauses),
				InWordPauseMidInReach: !in && pauseMidInReach(c.Lo, c.Hi, truePauses),
			})
		}
	}
	ps := r.pieces()
	s.Pieces = len(ps)
	on, off := edgeErrors(ps, speech)
	s.OnsetMS, s.OffsetMS = millis(on), millis(off)
	return s
}

func millis(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = math.Round(float64(d)/float64(time.Microsecond)) / 1000
	}
	return out
}

// condResult is one condition's figures over all its files.
type condResult struct {
	Condition string   `json:"condition"`
	Files     int      `json:"files"`
	SNR       *float64 `json:"snr_db"` // mean over the files; null for clean
	Old       summary  `json:"old"`
	New       summary  `json:"new"`
	// With -external: that finder, and the hybrid (the new finder's pieces snapped to it).
	External *summary `json:"external,omitempty"`
	Hybrid   *summary `json:"hybrid,omitempty"`
	// The new finder's levels, means over the files.
	NewNoiseFloor float64 `json:"new_noise_floor_dbfs"`
	NewThreshold  float64 `json:"new_threshold_dbfs"`
}

// summary is one finder's figures for one condition.
type summary struct {
	Cuts               int     `json:"cuts"`
	CutsInPause        int     `json:"cuts_in_pause"`
	CutsInPausePct     float64 `json:"cuts_in_pause_pct"`
	HardCuts           int     `json:"hard_cuts"`
	InWordPauseInReach int     `json:"cuts_in_word_with_pause_in_reach"`
	// As InWordPauseInReach, counting only pauses whose middle lay in range: the avoidable ones.
	InWordPauseMidInReach int `json:"cuts_in_word_with_pause_mid_in_reach"`
	Pieces                int `json:"pieces"`
	// Edge errors of the pieces; null when the finder found no speech at all.
	OnsetMedianMS     *float64 `json:"onset_error_median_ms"`
	OnsetP95MS        *float64 `json:"onset_error_p95_ms"`
	OffsetMedianMS    *float64 `json:"offset_error_median_ms"`
	OffsetP95MS       *float64 `json:"offset_error_p95_ms"`
	SpeechInLongGapsS float64  `json:"speech_in_long_gaps_s"`
}

// aggregate sums each condition's files, in the set's order of conditions.
func aggregate(order []string, files []fileResult) []condResult {
	byCond := map[string][]fileResult{}
	for _, f := range files {
		byCond[f.Condition] = append(byCond[f.Condition], f)
	}
	// Conditions the manifest does not list (an older set) still show, after the listed ones.
	seen := map[string]bool{}
	for _, c := range order {
		seen[c] = true
	}
	for _, f := range files {
		if !seen[f.Condition] {
			order = append(order, f.Condition)
			seen[f.Condition] = true
		}
	}
	var out []condResult
	for _, c := range order {
		fs := byCond[c]
		if len(fs) == 0 {
			continue
		}
		r := condResult{Condition: c, Files: len(fs)}
		var snr float64
		nSNR := 0
		var olds, news []scored
		for _, f := range fs {
			if f.SNR != nil {
				snr += *f.SNR
				nSNR++
			}
			olds, news = append(olds, f.Old), append(news, f.New)
			r.NewNoiseFloor += *f.New.NoiseFloor / float64(len(fs))
			r.NewThreshold += *f.New.Threshold / float64(len(fs))
		}
		if nSNR > 0 {
			snr /= float64(nSNR)
			r.SNR = &snr
		}
		r.Old, r.New = summarize(olds), summarize(news)
		if fs[0].External != nil {
			var xs, hs []scored
			for _, f := range fs {
				xs, hs = append(xs, *f.External), append(hs, *f.Hybrid)
			}
			x, h := summarize(xs), summarize(hs)
			r.External, r.Hybrid = &x, &h
		}
		out = append(out, r)
	}
	return out
}

func summarize(ss []scored) summary {
	var sum summary
	var on, off []time.Duration
	for _, s := range ss {
		for _, c := range s.Cuts {
			sum.Cuts++
			if c.InPause {
				sum.CutsInPause++
			}
			if c.Hard {
				sum.HardCuts++
			}
			if c.InWordPauseInReach {
				sum.InWordPauseInReach++
			}
			if c.InWordPauseMidInReach {
				sum.InWordPauseMidInReach++
			}
		}
		sum.Pieces += s.Pieces
		sum.SpeechInLongGapsS += s.SpeechInLongGapsS
		on = append(on, fromMillis(s.OnsetMS)...)
		off = append(off, fromMillis(s.OffsetMS)...)
	}
	if sum.Cuts > 0 {
		sum.CutsInPausePct = 100 * float64(sum.CutsInPause) / float64(sum.Cuts)
	}
	sum.OnsetMedianMS, sum.OnsetP95MS = pctMS(on, 50), pctMS(on, 95)
	sum.OffsetMedianMS, sum.OffsetP95MS = pctMS(off, 50), pctMS(off, 95)
	return sum
}

func fromMillis(v []float64) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(math.Round(x * float64(time.Millisecond)))
	}
	return out
}

// pctMS is the nearest-rank percentile in ms, nil when there are no values (no pieces at all).
func pctMS(v []time.Duration, p float64) *float64 {
	d, ok := percentile(v, p)
	if !ok {
		return nil
	}
	ms := float64(d) / float64(time.Millisecond)
	return &ms
}

// truthAsFinder scores the true pauses themselves as if a finder had found them, once per clean
// recording: the best the splitting and piece rules allow, against which both finders are read
// (hard cuts where no pause is in range, pieces split in the middle of long speech).
func truthAsFinder(files []setFile, truths map[string]truth, targets []time.Duration) (summary, map[string]scored) {
	per := map[string]scored{}
	var all []scored
	for _, f := range files {
		if _, ok := per[f.Clean]; ok {
			continue
		}
		tr := truths[f.Truth]
		speech := tr.spans()
		truePauses := complement(speech, tr.total(), 0)
		s := score(found{Pauses: truePauses}, speech, truePauses, tr.total(), targets, rules{
			cuts:   func(t time.Duration) []cut { return knownCuts(truePauses, tr.total(), t) },
			pieces: func() []span { return toolPieces(truePauses, nil, nil, tr.total()) },
		})
		per[f.Clean] = s
		all = append(all, s)
	}
	return summarize(all), per
}
