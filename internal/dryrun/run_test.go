package dryrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Under an output directory, an input is planned only for the target languages whose results
// are not all there yet, unless they are to be overwritten or the input cannot be sent.
func TestToDoLeavesOutWhatIsDone(t *testing.T) {
	dir := t.TempDir()
	it := batch.Item{Name: "talk.mp3", Rel: "talk.mp3"}
	if err := os.WriteFile(filepath.Join(dir, "talk.mp3.fr.txt"), []byte("bonjour\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	targets := []pipeline.Target{{Lang: "fr", Voice: "Cherry"}, {Lang: "de", Voice: "Ethan"}}
	langs := func(r *Run, it batch.Item) []string {
		var got []string
		for _, t := range r.toDo(it) {
			got = append(got, t.Lang+"/"+t.Voice)
		}
		return got
	}
	r := &Run{Targets: targets, Layout: results.Layout{Dir: dir, TextExt: ".txt"}}
	if got := langs(r, it); !slices.Equal(got, []string{"de/Ethan"}) {
		t.Errorf("to do %q, want only German (the French is there)", got)
	}
	r.Layout.Speech = true // the French speech is missing: it is redone
	if got := langs(r, it); len(got) != 2 {
		t.Errorf("to do %q, want both", got)
	}
	r.Layout.Speech, r.Layout.Overwrite = false, true
	if got := langs(r, it); len(got) != 2 {
		t.Errorf("overwriting: to do %q, want both", got)
	}
	r.Layout.Overwrite = false
	if got := langs(r, batch.Item{Name: "talk.mp3", Rel: "talk.mp3", Err: errors.New("unreadable")}); len(got) != 2 {
		t.Errorf("an input that fails: to do %q, want both (it fails for each)", got)
	}
	r.Layout.Dir = ""
	if got := langs(r, it); len(got) != 2 {
		t.Errorf("no output directory: to do %q, want both", got)
	}
}

// The cap: a run within it says its estimate (a *WithinCapNote); a run over it is refused with
// a usage error around an *OverCapError; standard input cannot be held to one.
func TestHoldToCap(t *testing.T) {
	one := &split.Plan{Segments: make([]split.Segment, 1), Duration: 10 * time.Second}
	rows := []Row{{Name: "a.wav", Plan: one, Cost: 0.4, Currency: "CNY", Priced: true}}
	var told []any
	r := &Run{Info: func(_ string, args ...any) { told = append(told, args...) }}
	if err := r.checkCap(rows); err != nil || len(told) != 0 {
		t.Errorf("no cap: %v, told %v", err, told)
	}
	r.Cap = &Cap{Amount: 0.5}
	if err := r.checkCap(rows); err != nil || len(told) != 1 {
		t.Fatalf("within the cap: %v, told %v", err, told)
	}
	if n, ok := told[0].(*WithinCapNote); !ok || n.String() != "estimated cost 0.4000 CNY, within the cap of 0.5" {
		t.Errorf("told %v", told[0])
	}
	r.Cap = &Cap{Amount: 0.3}
	var over *OverCapError
	if err := r.checkCap(rows); !errors.As(err, &over) || over.Total.Cost != 0.4 {
		t.Errorf("over the cap: %v", err)
	} else if _, ok := usage.As(err); !ok {
		t.Errorf("over the cap: %v is not a usage error", err)
	}
	stdin := []batch.Item{{Name: "-"}}
	if err := r.HoldToCap(context.Background(), stdin); !errors.Is(err, ErrStdinUnpriced) {
		t.Errorf("standard input: %v", err)
	} else if _, ok := usage.As(err); !ok {
		t.Errorf("standard input: %v is not a usage error", err)
	}
	r.Cap = nil
	if err := r.HoldToCap(context.Background(), stdin); err != nil {
		t.Errorf("standard input without a cap: %v", err)
	}
}

// Show prints the plan as the format asks, then the note of what it is, then holds it to the
// cap; with nothing to plan, the document and the table still say so.
func TestShowNothing(t *testing.T) {
	prices := &pricing.Table{Source: "the vendor", AsOf: "2026-01-01"}
	for _, format := range []string{"json", "jsonl", "text"} {
		var out bytes.Buffer
		var noted []string
		r := &Run{Targets: []pipeline.Target{{Lang: "fr"}, {Lang: "de"}}, Prices: prices, Cap: &Cap{Amount: 1}}
		tot, err := r.Show(context.Background(), nil, Output{W: &out, Format: format,
			Note:   func(f string, args ...any) { noted = append(noted, fmt.Sprintf(f, args...)) },
			Failed: func(err error) { t.Errorf("failed %v", err) }})
		if err != nil || tot.Inputs+tot.Failed != 0 {
			t.Fatalf("%s: %+v, %v", format, tot, err)
		}
		var doc struct {
			DryRun bool `json:"dry_run"`
		}
		switch {
		case format == "text" && (!strings.HasPrefix(out.String(), "INPUT") || !strings.Contains(out.String(), "TOTAL 0 inputs")):
			t.Errorf("table %q", out.String())
		case format != "text" && (json.Unmarshal(out.Bytes(), &doc) != nil || !doc.DryRun):
			t.Errorf("%s: document %q", format, out.String())
		case format == "jsonl" && strings.Count(out.String(), "\n") != 1:
			t.Errorf("jsonl: %q is not one line", out.String())
		}
		want := "dry run: nothing was sent; each input is sent once per target language (2), and counted so; costs are estimates from the price table (the vendor, 2026-01-01)"
		if !slices.Equal(noted, []string{want}) {
			t.Errorf("%s: noted %q", format, noted)
		}
	}
}
