package dryrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Run is a run's inputs as the dry run and the cost cap see them: each planned and priced as it
// would be sent, nothing sent.
type Run struct {
	Pipeline *pipeline.Pipeline
	Speech   bool // speech is asked for: priced as output audio
	// Targets are the run's target languages, each with its voice.
	Targets []pipeline.Target
	// Layout is where the results go under an output directory (Dir "" for none): a target
	// whose results are already there is left out, as a rerun skips it.
	Layout        results.Layout
	Prices        *pricing.Table
	Region, Model string
	Cap           *Cap // nil for none
	// Info reports the estimate within the cap, as a *WithinCapNote.
	Info func(format string, args ...any)
}

// ErrStdinUnpriced refuses a cap on standard input: planning reads it, and then there would be
// nothing left to send.
var ErrStdinUnpriced = errors.New("the cost of standard input cannot be estimated without reading it first")

// WithinCapNote is the run's estimate, within its cap.
type WithinCapNote struct {
	Total Total
	Cap   Cap
}

func (n *WithinCapNote) String() string {
	return fmt.Sprintf("estimated cost %.4f %s, within the cap of %s", n.Total.Cost, n.Total.Currency, n.Cap)
}

// Plans is how each input would be sent, priced: nothing is sent. An input is priced once for
// each target language whose results are not already under the layout's directory (a rerun
// skips those), and left out when they all are; a request the result cache would answer (of an
// input sent whole) is priced at 0.
func (r *Run) Plans(ctx context.Context, items []batch.Item) ([]Row, error) {
	rows := make([]Row, 0, len(items))
	for _, it := range items {
		targets := r.toDo(it)
		if len(targets) == 0 {
			continue
		}
		row, err := Plan(ctx, r.Pipeline, it, r.Speech, targets, r.Prices, r.Region, r.Model)
		if ctx.Err() != nil {
			return nil, ctx.Err() // interrupted: exit 130, no table
		}
		row.Err = err
		rows = append(rows, row)
	}
	return rows, nil
}

// toDo is the run's target languages the input would be translated into: under an output
// directory, those whose results are not there yet.
func (r *Run) toDo(it batch.Item) []pipeline.Target {
	var targets []pipeline.Target
	for _, t := range r.Targets {
		if r.Layout.Dir != "" && !r.Layout.Overwrite && it.Err == nil {
			l := r.Layout
			l.Code = t.Lang
			if l.Input(it).Done() {
				continue
			}
		}
		targets = append(targets, t)
	}
	return targets
}

// HoldToCap plans the run as a dry run would, before anything is sent, and holds its estimate
// to the cap, if there is one.
func (r *Run) HoldToCap(ctx context.Context, items []batch.Item) error {
	if r.Cap == nil {
		return nil
	}
	if len(items) > 0 && items[0].Stdin() {
		return usage.Wrap(ErrStdinUnpriced, "")
	}
	rows, err := r.Plans(ctx, items)
	if err != nil {
		return err
	}
	return r.checkCap(rows)
}

// checkCap holds rows to the cap, if there is one: a run over it, or whose cost cannot be
// estimated, is refused before anything is sent, as a usage error around an *OverCapError.
func (r *Run) checkCap(rows []Row) error {
	if r.Cap == nil {
		return nil
	}
	if err := r.Cap.Check(rows); err != nil {
		return usage.Wrap(err, "")
	}
	if r.Info != nil {
		r.Info("%s", &WithinCapNote{Total: TotalOf(rows), Cap: *r.Cap})
	}
	return nil
}

// Output is where and how a dry run is shown.
type Output struct {
	W      io.Writer
	Format string // "json" the plan's document, "jsonl" the same on one line; else the table
	// ErrorInfo is an input's error in the document; Failed reports it beside the table.
	ErrorInfo func(error) *sink.ErrorInfo
	Failed    func(error)
	// Note says, after the plan, that nothing was sent and where the prices came from.
	Note func(format string, args ...any)
}

// Show shows, for each input, how it would be sent (whole, re-encoded, or which segments), with
// sizes, estimated tokens and cost, and the totals, without sending anything; then holds the
// estimate to the cap. The total says how many inputs could not be sent.
func (r *Run) Show(ctx context.Context, items []batch.Item, out Output) (Total, error) {
	rows, err := r.Plans(ctx, items)
	if err != nil {
		return Total{}, err
	}
	switch out.Format {
	case "json":
		err = prettyjson.Write(out.W, Document(rows, out.ErrorInfo))
	case "jsonl": // the same document, on one line
		err = json.NewEncoder(out.W).Encode(Document(rows, out.ErrorInfo))
	default:
		for _, row := range rows {
			if row.Err != nil {
				out.Failed(row.Err)
			}
		}
		err = Table(out.W, rows)
	}
	if err != nil {
		return Total{}, err
	}
	each := ""
	if len(r.Targets) > 1 {
		each = fmt.Sprintf("; each input is sent once per target language (%d), and counted so", len(r.Targets))
	}
	out.Note("dry run: nothing was sent%s; costs are estimates from the price table (%s, %s)", each, r.Prices.Source, r.Prices.AsOf)
	if err := r.checkCap(rows); err != nil {
		return Total{}, err
	}
	return TotalOf(rows), nil
}
