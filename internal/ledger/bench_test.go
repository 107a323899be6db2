package ledger

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkRecord is the cost of recording one request (a statement and its commit, with the
// running sums it updates) into a ledger that already holds some.
func BenchmarkRecord(b *testing.B) {
	l, err := Open(b.Context(), filepath.Join(b.TempDir(), "usage.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	row := func(i int) Row {
		return Row{Start: start.Add(time.Duration(i) * 3 * time.Second), Input: fmt.Sprintf("talks/%d.wav", i/20),
			InputSHA256: strings.Repeat(fmt.Sprintf("%02x", i/20%256), 32), Kind: KindAudio, Segment: i%20 + 1,
			Model: "qwen3-livetranslate-flash", Region: "intl", SourceLang: "zh", TargetLang: "en", Status: StatusOK,
			HTTPStatus: 200, PromptAudioTokens: 3750, CompletionTextTokens: 300, TotalTokens: 4050, Cost: 0.3, Currency: "CNY"}
	}
	for i := range 2000 {
		if err := l.Record(b.Context(), row(i)); err != nil {
			b.Fatal(err)
		}
	}
	i := 2000
	for b.Loop() {
		if err := l.Record(b.Context(), row(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
