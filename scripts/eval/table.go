package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// printTable prints the conditions side by side for the old and new finder, then the new
// finder's measured levels and the figures behind the first table, then the true pauses scored
// as a finder (the best the rules allow).
func printTable(w io.Writer, conds []condResult, truth summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "condition\tSNR dB\told: cuts in pauses %\tnew: cuts in pauses %\told onset med/p95 ms\tnew onset med/p95 ms\told offset med/p95 ms\tnew offset med/p95 ms\tnew: in-word cuts, pause in reach\t(old)\t")
	for _, c := range conds {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%s\t%s\t%s\t%s\t%d\t(%d)\t\n", c.Condition, snrCell(c.SNR),
			c.Old.CutsInPausePct, c.New.CutsInPausePct,
			medP95(c.Old.OnsetMedianMS, c.Old.OnsetP95MS), medP95(c.New.OnsetMedianMS, c.New.OnsetP95MS),
			medP95(c.Old.OffsetMedianMS, c.Old.OffsetP95MS), medP95(c.New.OffsetMedianMS, c.New.OffsetP95MS),
			c.New.InWordPauseInReach, c.Old.InWordPauseInReach)
	}
	tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "condition\tnew: noise floor dBFS\tnew: threshold dBFS\tcuts old/new\thard cuts old/new\tin-word cuts, pause middle in reach old/new\tpieces old/new\tspeech in ≥5 s gaps old/new s\t")
	for _, c := range conds {
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%d/%d\t%d/%d\t%d/%d\t%d/%d\t%.1f/%.1f\t\n", c.Condition, c.NewNoiseFloor, c.NewThreshold,
			c.Old.Cuts, c.New.Cuts, c.Old.HardCuts, c.New.HardCuts,
			c.Old.InWordPauseMidInReach, c.New.InWordPauseMidInReach, c.Old.Pieces, c.New.Pieces,
			c.Old.SpeechInLongGapsS, c.New.SpeechInLongGapsS)
	}
	tw.Flush()

	printExternal(w, conds)

	fmt.Fprintf(w, "\ntrue pauses as the finder, per clean recording: cuts in pauses %.1f%% (%d of %d, %d hard), in-word cuts with a pause in reach %d (middle in reach %d), onset med/p95 %s ms, offset med/p95 %s ms, %d pieces\n",
		truth.CutsInPausePct, truth.CutsInPause, truth.Cuts, truth.HardCuts, truth.InWordPauseInReach, truth.InWordPauseMidInReach,
		medP95(truth.OnsetMedianMS, truth.OnsetP95MS), medP95(truth.OffsetMedianMS, truth.OffsetP95MS), truth.Pieces)
}

func snrCell(snr *float64) string {
	if snr == nil {
		return "clean"
	}
	return fmt.Sprintf("%.1f", *snr)
}

func medP95(med, p95 *float64) string {
	if med == nil || p95 == nil {
		return "-"
	}
	return fmt.Sprintf("%.0f/%.0f", *med, *p95)
}

// printExternal prints, when there is an external finder, its figures beside the new finder's,
// and the hybrid's pieces (the new finder's, snapped to the external finder's edges).
func printExternal(w io.Writer, conds []condResult) {
	if len(conds) == 0 || conds[0].External == nil {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "condition\text: cuts in pauses %\text: in-word cuts, pause (middle) in reach\text: hard cuts\text: onset med/p95 ms\text: offset med/p95 ms\text: pieces\text: speech in ≥5 s gaps s\thybrid onset med/p95 ms\thybrid offset med/p95 ms\t")
	for _, c := range conds {
		x, h := c.External, c.Hybrid
		fmt.Fprintf(tw, "%s\t%.1f\t%d (%d)\t%d\t%s\t%s\t%d\t%.1f\t%s\t%s\t\n", c.Condition,
			x.CutsInPausePct, x.InWordPauseInReach, x.InWordPauseMidInReach, x.HardCuts,
			medP95(x.OnsetMedianMS, x.OnsetP95MS), medP95(x.OffsetMedianMS, x.OffsetP95MS), x.Pieces, x.SpeechInLongGapsS,
			medP95(h.OnsetMedianMS, h.OnsetP95MS), medP95(h.OffsetMedianMS, h.OffsetP95MS))
	}
	tw.Flush()
}
