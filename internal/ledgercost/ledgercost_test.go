package ledgercost

import (
	"math"
	"testing"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

func TestSetUsage(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	// The reference's example usage.
	u := &api.Usage{PromptTokens: 415, CompletionTokens: 242, TotalTokens: 657,
		PromptTokensDetails:     &api.PromptTokensDetails{AudioTokens: 415},
		CompletionTokensDetails: &api.CompletionTokensDetails{AudioTokens: 191, TextTokens: 51}}
	r := ledger.Row{Model: "qwen3-livetranslate-flash", Region: "cn", Kind: "audio"}
	SetUsage(&r, u, prices)
	if r.PromptAudioTokens != 415 || r.CompletionTextTokens != 51 || r.CompletionAudioTokens != 191 || r.TotalTokens != 657 {
		t.Errorf("tokens: %+v", r)
	}
	if want := (415*64 + 51*64 + 191*240) / 1e6; math.Abs(r.Cost-want) > 1e-12 || r.Currency != "CNY" {
		t.Errorf("cost %v %s, want %v CNY", r.Cost, r.Currency, want)
	}
	// Without details the prompt counts as the input's kind.
	v := ledger.Row{Model: "unknown", Kind: "video"}
	SetUsage(&v, &api.Usage{PromptTokens: 900, CompletionTokens: 20, TotalTokens: 920}, prices)
	if v.PromptVideoTokens != 900 || v.CompletionTextTokens != 20 || v.Cost != 0 || v.Currency != "" {
		t.Errorf("video without details: %+v", v)
	}
	SetUsage(&v, nil, prices) // the service sent no usage: nothing changes
	if v.PromptVideoTokens != 900 {
		t.Errorf("a nil usage changed the row: %+v", v)
	}
	// An answer from the cache: the tokens it would have used, and no cost.
	c := ledger.Row{Model: "qwen3-livetranslate-flash", Region: "cn", Kind: "audio", Status: ledger.StatusCached}
	SetUsage(&c, u, prices)
	if c.PromptAudioTokens != 415 || c.CompletionAudioTokens != 191 || c.TotalTokens != 657 || c.Cost != 0 || c.Currency != "" {
		t.Errorf("an answer from the cache: %+v; want its tokens and no cost", c)
	}
}

func TestRepricer(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	price := Repricer(prices)
	known := ledger.Row{Model: "qwen3-livetranslate-flash", Region: "cn", PromptAudioTokens: 1_000_000, Cost: 99, Currency: "USD"}.Sum()
	if cost, cur, ok := price(known); !ok || cur != "CNY" || cost != 64 {
		t.Errorf("a known model: %v %s %v; want today's price, 64 CNY", cost, cur, ok)
	}
	if cost, cur, ok := price(ledger.Row{Model: "retired", Cost: 0.5, Currency: "CNY"}.Sum()); !ok || cost != 0.5 || cur != "CNY" {
		t.Errorf("an unknown model with a recorded cost: %v %s %v; want the recorded cost", cost, cur, ok)
	}
	if _, _, ok := price(ledger.Row{Model: "unknown", PromptAudioTokens: 5}.Sum()); ok {
		t.Error("an unknown model without a recorded cost is priced")
	}
}
