package dryrun

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/tables"
)

func TestClockText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                       "0:00.0",
		1499 * time.Millisecond:                 "0:01.5",
		24*time.Minute + 59960*time.Millisecond: "25:00.0",
		59*time.Minute + 59960*time.Millisecond: "1:00:00",
		time.Hour + 61*time.Second:              "1:01:01",
	} {
		if got := clockText(d); got != want {
			t.Errorf("clockText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTotalAndDocument(t *testing.T) {
	two := &split.Plan{Segments: make([]split.Segment, 2), Split: true, Duration: 90 * time.Second}
	one := &split.Plan{Segments: make([]split.Segment, 1), Duration: 10 * time.Second}
	rows := []Row{
		{Name: "a.wav", Kind: "audio", Format: "wav", Size: 100, Plan: two, Tokens: pricing.Tokens{InputAudio: 1000, OutputText: 100}, Cost: 0.5, Currency: "CNY", Priced: true},
		{Name: "https://x/b.mp3", Kind: "audio", Format: "mp3", URL: true, Size: 999, Plan: one, Tokens: pricing.Tokens{InputAudio: 10}},
		{Name: "c.txt", Err: errors.New("not media")},
	}
	tot := TotalOf(rows)
	if tot.Inputs != 2 || tot.Failed != 1 || tot.Requests != 3 || tot.Size != 100 || tot.Tokens.InputAudio != 1010 ||
		tot.Cost != 0.5 || tot.Currency != "CNY" || tot.AllPriced {
		t.Errorf("total %+v", tot)
	}
	doc := Document(rows, func(err error) *sink.ErrorInfo {
		return &sink.ErrorInfo{Code: "usage", Message: err.Error(), ExitCode: 2}
	})
	if len(doc.Inputs) != 3 || doc.Inputs[2].Status != sink.StatusFailed || doc.Inputs[1].SizeBytes != nil ||
		len(doc.Inputs[0].Segments) != 2 || doc.Total.EstimatedCost != nil || !doc.DryRun {
		t.Errorf("document %+v", doc)
	}
}

// TestTableAlignsWideNamesAndSizes: the dry run's table keeps its columns under names in
// Chinese and Arabic, and prints sizes in binary units (the JSON document keeps bytes).
func TestTableAlignsWideNamesAndSizes(t *testing.T) {
	plan := func(d time.Duration) *split.Plan {
		return &split.Plan{Segments: make([]split.Segment, 1), Duration: d}
	}
	rows := []Row{
		{Name: "talk.wav", Kind: "audio", Format: "wav", Size: 374786, Plan: plan(8 * time.Second)},
		{Name: "讲座录音.mp3", Kind: "audio", Format: "mp3", Size: 12 << 20, Plan: plan(time.Minute)},
		{Name: "محاضرة.ogg", Kind: "audio", Format: "ogg", Size: 900, Plan: plan(time.Second)},
	}
	var b strings.Builder
	if err := Table(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	col := tables.Width(lines[0][:strings.Index(lines[0], "KIND")])
	for i, want := range []string{"366 KiB", "12 MiB", "900 B"} {
		l := lines[i+1]
		k := strings.Index(l, "audio")
		if got := tables.Width(l[:k]); got != col {
			t.Errorf("KIND of %q at column %d, want %d:\n%s", rows[i].Name, got, col, b.String())
		}
		if !strings.Contains(l, "  "+want+"  ") {
			t.Errorf("line %q does not show the size as %q", l, want)
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], "TOTAL 3 inputs") || !strings.Contains(lines[len(lines)-1], "  12 MiB  ") {
		t.Errorf("total %q, want 12 MiB", lines[len(lines)-1])
	}
}

// TestCachedRequests: requests the result cache would answer are counted (of the requests), marked
// in the table and the document, and over a cap the message says so.
func TestCachedRequests(t *testing.T) {
	one := &split.Plan{Segments: make([]split.Segment, 1), Whole: true, Duration: 10 * time.Second}
	rows := []Row{
		{Name: "a.wav", Kind: "audio", Format: "wav", Size: 100, Plan: one, Targets: 2, Cached: 2, Cost: 0, Currency: "CNY", Priced: true},
		{Name: "b.wav", Kind: "audio", Format: "wav", Size: 100, Plan: one, Targets: 2, Cached: 1,
			Tokens: pricing.Tokens{InputAudio: 100}, Cost: 0.2, Currency: "CNY", Priced: true},
	}
	if tot := TotalOf(rows); tot.Requests != 4 || tot.Cached != 3 || tot.Cost != 0.2 {
		t.Errorf("total %+v; want 4 requests, 3 cached, 0.2", tot)
	}
	var b strings.Builder
	if err := Table(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  2 (cached)  ", "  2 (1 cached)  ", "  4 (3 cached)  "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	doc := Document(rows, nil)
	if doc.Inputs[0].Cached != 2 || doc.Inputs[1].Cached != 1 || doc.Total.Cached != 3 || doc.Total.Requests != 4 {
		t.Errorf("document %+v", doc)
	}
	err := Cap{Amount: 0.1}.Check(rows)
	if err == nil || !strings.Contains(err.Error(), "(2 inputs, 4 requests, 3 of them answered from the cache at no cost)") {
		t.Errorf("over the cap: %v", err)
	}
}
