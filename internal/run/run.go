// Package run runs the translate command's inputs through one pipeline into their results: one
// input into -o, --audio-out and --dub (Single), or several, -j at once, into a directory of
// results or to stdout in input order (Batch). It prints only through its Reporter, which the
// command layer words: what names a flag, what an error says, and the exit code, are the
// command's.
package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/subtitle"
)

// Reporter is how a run speaks on stderr, and how its errors are worded for the JSON output. A
// batch calls it from several goroutines at once.
type Reporter interface {
	Info(format string, args ...any) // with -v
	Warn(format string, args ...any)
	// Failed is the JSON result of an input that failed, its error worded as its error line is.
	Failed(name string, err error) sink.Result
	// Limit is err as it reads when the input ran out of the run's time limit.
	Limit(err error, name string) error
	// Skipped says that an input's results exist at path, so it is not translated again.
	Skipped(name, path string)
}

// Format is how an input's text is written.
type Format struct {
	Name  string          // text, json, jsonl, srt, vtt
	Subs  subtitle.Format // srt or vtt; 0 otherwise
	Timed bool            // pieces placed at their source times (subtitles, --align, --dub)
}

// Run is one translate run.
type Run struct {
	Pipeline *pipeline.Pipeline
	Stdout   io.Writer
	Format   Format
	// Targets are the languages each input is translated into, at least one, each with the voice
	// of its speech; their Output is the run's to fill.
	Targets []pipeline.Target
	Timeout time.Duration // each input's, when set
	Report  Reporter
}

// keepsText reports whether the format prints the whole text at the end (json, and jsonl's done
// event), so the input's text must be kept until then; text goes out as it arrives.
func (f Format) keepsText() bool { return f.Name == sink.FormatJSON || f.Name == sink.FormatJSONL }

// Single are the destinations of a one-input run: the text (stdout for "" or "-"), the speech
// WAV ("-": stdout), the dubbed video; Overwrite replaces existing files.
type Single struct {
	Output, AudioOut, Dub string
	Overwrite             bool
}

// Single translates one input into its destinations; every file appears only when all of them
// are complete. A translation cut short is a result too: the caller reads its FinishReason.
func (r *Run) Single(ctx context.Context, it batch.Item, o Single) (*pipeline.Result, error) {
	out := r.input(ctx, it, []dest{&stdoutDest{r: r, it: it, files: o}})[0]
	if out.Err != nil {
		return nil, r.limit(out.Err, it.Name)
	}
	return out.Result, nil
}

// limit is err as the Reporter words it when the input ran out of the run's time limit.
func (r *Run) limit(err error, name string) error {
	if err == nil || r.Timeout <= 0 || !isDeadline(err) {
		return err
	}
	return r.Report.Limit(err, name)
}

// usage says, with -v, the tokens and request id of a finished input. It is said once the input's
// output is complete, so the line never lands in the middle of text on a terminal.
func (r *Run) usage(tr *pipeline.Result) {
	if line := sink.UsageLine(tr); line != "" {
		r.Report.Info("%s", line)
	}
}

// isDeadline reports whether err is a time limit running out.
func isDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }

// WriteJSONFile writes tr as the JSON result at path, atomically (results.Dir.Commit's writer).
func WriteJSONFile(ctx context.Context, path string, tr *pipeline.Result) error {
	f, err := atomicfile.Create(ctx, path, true)
	if err != nil {
		return err
	}
	defer f.Abort()
	res := sink.ResultOf(tr)
	res.SchemaVersion = sink.SchemaVersion
	if err := prettyjson.Write(f, res); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}
