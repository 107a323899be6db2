// Command eval is `make eval`: it scores the speech/pause finders on the evaluation set that
// scripts/make-eval-set.sh generates (docs/eval.md). For every recording of the set it runs the
// old finder (ffmpeg's silencedetect at a fixed -35 dBFS, 0.3 s, as the tool used to) and the new
// one (internal/pauses with its defaults), applies the tool's splitting rule and subtitle piece
// rule to what each found, and compares the cuts and the pieces' edges with the true speech spans
// measured on the clean signal before any noise was added. It prints one table, per condition
// over all clean recordings, and writes the same figures with per-file details as JSON.
// Nothing here asserts: the figures are for reading side by side.
//
//	go run ./scripts/eval -set DIR -out FILE.json [-targets 20s,30s,40s] [-j N]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "eval: error: %v\n", err)
		os.Exit(1)
	}
}

// results is the JSON the harness writes.
type results struct {
	Date         string       `json:"date"`
	Revision     string       `json:"revision"`
	Set          string       `json:"set"`
	SetScriptSHA string       `json:"set_script_sha256"`
	OldFinder    string       `json:"old_finder"`
	NewFinder    string       `json:"new_finder"`
	External     string       `json:"external_finder,omitempty"`
	HybridRule   string       `json:"hybrid_rule,omitempty"`
	ReachMS      float64      `json:"hybrid_reach_ms,omitempty"`
	TargetsS     []float64    `json:"segment_targets_s"`
	Conditions   []condResult `json:"conditions"`
	// The true pauses scored as if a finder had found them: what the rules allow at best.
	TruthAsFinder      summary           `json:"truth_as_finder"`
	TruthAsFinderClean map[string]scored `json:"truth_as_finder_per_clean"`
	Files              []fileResult      `json:"files"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setDir := fs.String("set", "", "the evaluation set (made by scripts/make-eval-set.sh)")
	out := fs.String("out", "", "write the results as JSON to this file")
	targetsFlag := fs.String("targets", "20s,30s,40s", "segment lengths to run the splitting rule for")
	jobs := fs.Int("j", runtime.NumCPU(), "files evaluated at once")
	extDir := fs.String("external", "", "also score the speech segments in DIR/<recording>.json (another finder's), and the new finder's pieces snapped to them")
	hybridRule := fs.String("hybrid", "trim", "with -external: how the hybrid moves the new finder's piece edges: trim (only edges where the external finder hears no speech, inwards), trim-end (ends only) or snap (to the nearest external edge)")
	reach := fs.Duration("reach", 500*time.Millisecond, "with -external: how far the hybrid moves a piece's edge")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *setDir == "" || fs.NArg() != 0 {
		return errors.New("usage: eval -set DIR [-out FILE.json] [-targets 20s,30s,40s] [-j N] [-external DIR [-hybrid trim|trim-end|snap] [-reach 500ms]]")
	}
	var ext *external
	if *extDir != "" {
		if !slices.Contains([]string{"trim", "trim-end", "snap"}, *hybridRule) {
			return fmt.Errorf("bad -hybrid %q: trim, trim-end or snap", *hybridRule)
		}
		ext = &external{dir: *extDir, rule: *hybridRule, reach: *reach}
	}
	var targets []time.Duration
	for _, f := range strings.Split(*targetsFlag, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d <= 0 {
			return fmt.Errorf("bad -targets entry %q", f)
		}
		targets = append(targets, d)
	}
	m, truths, err := loadSet(*setDir)
	if err != nil {
		return err
	}

	started := time.Now()
	files, err := evaluateAll(ctx, *setDir, m.Files, truths, targets, max(*jobs, 1), ext)
	if err != nil {
		return err
	}
	res := results{
		Date:         started.UTC().Format(time.RFC3339),
		Revision:     revision(ctx),
		Set:          *setDir,
		SetScriptSHA: m.ScriptSHA256,
		OldFinder:    "ffmpeg " + oldFilter,
		NewFinder:    "internal/pauses.Find, default options",
		Conditions:   aggregate(m.Conditions, files),
		Files:        files,
	}
	if ext != nil {
		res.External, res.HybridRule, res.ReachMS = "segments from "+ext.dir, ext.rule, float64(ext.reach)/float64(time.Millisecond)
	}
	res.TruthAsFinder, res.TruthAsFinderClean = truthAsFinder(m.Files, truths, targets)
	for _, t := range targets {
		res.TargetsS = append(res.TargetsS, t.Seconds())
	}
	fmt.Fprintf(stdout, "%d files, %d conditions, segment targets %s, %.1f s\n\n", len(files), len(res.Conditions), *targetsFlag, time.Since(started).Seconds())
	printTable(stdout, res.Conditions, res.TruthAsFinder)
	if *out == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", *out)
	return nil
}

// evaluateAll runs both finders on every file, jobs files at a time (each finder is an ffmpeg
// decode plus, for the new one, the analysis: the two cores of a small machine are both used).
func evaluateAll(ctx context.Context, dir string, files []setFile, truths map[string]truth, targets []time.Duration, jobs int, ext *external) ([]fileResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]fileResult, len(files))
	errs := make([]error, len(files))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = evaluateFile(ctx, filepath.Join(dir, f.File), f, truths[f.Truth], targets, ext)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// The first error that is not another file's run cancelled because of it.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return out, first
}

// revision is `git describe` of the working tree, or "" outside a repository.
func revision(ctx context.Context) string {
	b, err := exec.CommandContext(ctx, "git", "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
