// Package ledgercost prices the requests of the usage ledger: the usage the service reported,
// copied into a ledger row and priced as the request is recorded, and a recorded row priced again
// with today's price table when usage is reported; and a run's ledger (Ledger), which records
// every request of the run priced so.
package ledgercost

import (
	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/pricing"
)

// Tokens is the usage of one or more requests by kind of token.
func Tokens(s ledger.Sum) pricing.Tokens {
	return pricing.Tokens{
		InputAudio:  s.PromptAudioTokens,
		InputVideo:  s.PromptVideoTokens,
		InputText:   s.PromptTextTokens,
		OutputText:  s.CompletionTextTokens,
		OutputAudio: s.CompletionAudioTokens,
	}
}

// SetUsage copies the usage the service reported into a ledger row, and prices it with t in the
// row's region. A nil usage (the service sent none) leaves the row as it is. A row answered from
// the cache (ledger.StatusCached) gets the tokens of the answer it reused and no cost: nothing was
// paid for it (what it saved is its tokens priced, which usage works out with its own prices).
func SetUsage(r *ledger.Row, u *api.Usage, t *pricing.Table) {
	if u == nil {
		return
	}
	r.TotalTokens = u.TotalTokens
	if d := u.PromptTokensDetails; d != nil {
		r.PromptAudioTokens, r.PromptVideoTokens, r.PromptTextTokens = d.AudioTokens, d.VideoTokens, d.TextTokens
	} else {
		// No breakdown: the whole prompt counts as the input's kind.
		if r.Kind == ledger.KindVideo {
			r.PromptVideoTokens = u.PromptTokens
		} else {
			r.PromptAudioTokens = u.PromptTokens
		}
	}
	if d := u.CompletionTokensDetails; d != nil {
		r.CompletionTextTokens, r.CompletionAudioTokens = d.TextTokens, d.AudioTokens
	} else {
		r.CompletionTextTokens = u.CompletionTokens
	}
	if r.Status == ledger.StatusCached {
		r.Cost, r.Currency = 0, ""
		return
	}
	if cost, cur, ok := t.Estimate(r.Region, r.Model, Tokens(r.Sum())); ok {
		r.Cost, r.Currency = cost, cur
	}
}

// Repricer prices recorded requests (one, Row.Sum, or the sum of several of one model, region and
// currency) with t, in the region they were sent to (the table's default region when that is
// unknown); it is a ledger.Query's Price. A model the table does not know keeps the cost recorded
// with it, if any; ok is false when there is none. A price per token prices a sum of tokens as
// the sum of their prices, as the ledger's Summary needs.
func Repricer(t *pricing.Table) func(ledger.Sum) (cost float64, currency string, ok bool) {
	return func(r ledger.Sum) (float64, string, bool) {
		if cost, cur, ok := t.Estimate(r.Region, r.Model, Tokens(r)); ok {
			return cost, cur, true
		}
		if r.Currency != "" {
			return r.Cost, r.Currency, true
		}
		return 0, "", false
	}
}
