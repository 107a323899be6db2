package cmd

import (
	"context"
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/media"
)

// audioTokensPerSecond is the service's rate for audio, in and out (facts.md §6).
const audioTokensPerSecond = 12.5

// dryRun lists what would be sent for each input, and the totals, without sending anything.
func (a *app) dryRun(ctx context.Context, opts *translateOptions, items []batch.Item) error {
	tw := tabwriter.NewWriter(a.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INPUT\tKIND\tFORMAT\tSIZE\tDURATION\tDATA URI\tEST. INPUT TOKENS")
	var totalSize int64
	var totalTokens int
	failed := 0
	for _, it := range items {
		in, err := media.Resolve(ctx, it.Name, media.Options{Format: opts.InputFormat, Stdin: a.io.In})
		if err != nil {
			fmt.Fprintf(a.io.Err, "livetranslate: error: %v\n", err)
			failed++
			continue
		}
		size, uri, dur, tokens := "-", "-", "unknown", "-"
		if in.URL == "" {
			size = fmt.Sprintf("%d", in.Size)
			uri = fmt.Sprintf("%d", api.DataURISize(in.MIME, in.Size))
			totalSize += in.Size
		}
		if in.Duration > 0 {
			dur = fmt.Sprintf("%.1fs", in.Duration.Seconds())
			n := int(math.Ceil(math.Max(in.Duration.Seconds(), 1) * audioTokensPerSecond))
			tokens = fmt.Sprintf("%d", n)
			if in.Kind == media.Video {
				tokens += "+video"
			}
			totalTokens += n
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.Name, in.Kind, in.Format, size, dur, uri, tokens)
		in.Close()
	}
	fmt.Fprintf(tw, "TOTAL %d inputs\t\t\t%d\t\t\t%d\n", len(items), totalSize, totalTokens)
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return &silentExit{code: exitUsage}
	}
	return nil
}
