package translate

import (
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/cache"
)

// cacheEntry keeps one request's answer for the cache as it arrives. The cache never fails a
// request: when keeping the answer fails (the Store reports it), the answer goes on and is not
// kept.
type cacheEntry struct {
	*cache.Writer
	broken bool // keeping this answer failed: it is not committed
}

// keep runs one step of keeping the answer, unless an earlier one failed.
func (e *cacheEntry) keep(step func() error) {
	if !e.broken && step() != nil {
		e.broken = true
	}
}

// cacheKey is the cache's key of part p's request with settings s, and the SHA-256 of its media;
// ok false when the cache is not used for it (no cache, a URL, sampled at random).
func (r *Runner) cacheKey(p Part, s Settings) (key, sum string, ok bool) {
	if r.Cache == nil || p.URL != "" || p.Path == "" || (!r.CacheAlways && random(s.Sampling)) {
		return "", "", false
	}
	sum, err := cache.FileSHA256(p.Path)
	if err != nil {
		return "", "", false // the send reports what is wrong with the file
	}
	req := cache.Request{Model: s.Model, SourceLang: s.SourceLang, TargetLang: s.TargetLang, LangNames: s.LangNames,
		Voice: s.Voice, Sampling: s.Sampling, Kind: p.Kind.String(), Format: p.Format, MediaSHA256: sum}
	if r.Client != nil {
		req.Service = r.Client.BaseURL
	}
	return cache.Key(req), sum, true
}

// CacheHolds reports whether the cache would answer part p's request with settings s, as a send
// would find it, without using the answer (for a dry run, which prices such a request at 0).
func (r *Runner) CacheHolds(p Part, s Settings) bool {
	key, _, ok := r.cacheKey(p, s)
	return ok && r.Cache.Holds(key, s.Voice != "")
}

// cached looks for part p's answer in the cache: hit when it is there; else, when the answer
// may be kept, the entry to keep it in. Both nil: the cache is not used for this request.
func (r *Runner) cached(p Part, s Settings) (entry *cacheEntry, hit *cache.Hit, sum string) {
	key, sum, ok := r.cacheKey(p, s)
	if !ok {
		return nil, nil, sum
	}
	if h, ok := r.Cache.Get(key, s.Voice != ""); ok {
		return nil, h, sum
	}
	w, err := r.Cache.Create(key, s.Voice != "")
	if err != nil {
		return nil, nil, sum // a cache that cannot be written to (the Store reports it) keeps nothing; the request is sent
	}
	return &cacheEntry{Writer: w}, nil, sum
}

// random reports whether a request's answer may differ from one time to the next by design:
// sampled with a temperature or top_p of its own, and no seed to repeat it.
func random(s api.Sampling) bool {
	return (s.Temperature != nil || s.TopP != nil) && s.Seed == nil
}

// tee is out, also keeping what arrives in the entry.
func (e *cacheEntry) tee(out Sink) Sink {
	t := out
	t.Text = func(s string) error {
		e.Writer.Text(s)
		return out.Text(s)
	}
	if out.Audio != nil {
		t.Audio = func(b []byte) error {
			e.keep(func() error { return e.Writer.Audio(b) })
			return out.Audio(b)
		}
	}
	if out.Reset != nil {
		t.Reset = func() error {
			e.keep(e.Writer.Reset)
			return out.Reset()
		}
	}
	return t
}

// replay answers part p, whose media's SHA-256 is sum, from the cache: its text and speech reach
// out as a response's would, and OnSent is told, so the ledger records the request as answered
// from the cache.
func (r *Runner) replay(p Part, h *cache.Hit, sum string, out Sink) (*PartResult, error) {
	defer h.Close()
	start := time.Now()
	if h.Text != "" {
		if err := out.Text(h.Text); err != nil {
			return nil, err
		}
	}
	if out.Audio != nil {
		if err := h.Audio(out.Audio); err != nil {
			return nil, err
		}
	}
	res := &api.Result{ID: h.ID, RequestID: h.RequestID, FinishReason: h.FinishReason, Usage: h.Usage}
	if r.OnSent != nil {
		r.OnSent(Sent{Part: p, Start: start, End: time.Now(), SHA256: sum, Result: res, Cached: true})
	}
	return &PartResult{Index: p.Index, Start: p.Start, End: p.End, ID: h.ID, RequestID: h.RequestID,
		FinishReason: h.FinishReason, Usage: h.Usage, Cached: true}, nil
}
