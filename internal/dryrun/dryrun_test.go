package dryrun

import (
	"errors"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/split"
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
