// Package translate sends the parts of one input: one request per part (the whole input, a
// segment of a long one, a piece of speech), several at once, each retried on its own, with the
// usage of each reported. Ordered joins their output in source order: the part whose turn it is
// streams as it arrives, later ones are held (text in memory, speech in a temporary file) until
// their turn. A part that fails fails the whole input, so nothing is ever joined with a hole.
package translate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/cache"
	"github.com/livetranslate/livetranslate/internal/lang"
	"github.com/livetranslate/livetranslate/internal/textfmt"
)

// Settings are what every request of the input asks for.
type Settings struct {
	Model      string
	SourceLang string // code; "" lets the model detect it
	TargetLang string // code
	Voice      string // non-empty: speech is requested too
	Stream     bool
	// LangNames sends the languages as English names ("French") instead of codes ("fr"): the
	// reference's parameter table words them so, every official example sends codes.
	LangNames bool

	Sampling api.Sampling

	// Jobs is how many segments are translated at once (at least 1).
	Jobs int
	// Slots, when set, are the requests-at-once shared with other Sends (an input translated
	// into several languages: its requests for all of them count against one limit); else Send
	// has Jobs of its own.
	Slots chan struct{}
	// TempDir holds the speech of segments waiting for their turn ("" = os.TempDir()).
	TempDir string
}

// Part is one request's worth of media: the whole input, or one segment of it.
type Part struct {
	Index      int
	Segment    bool          // one segment of a split input (else the whole input)
	Start, End time.Duration // in the source; zero for a whole input of unknown length
	Path       string        // local file to send
	Data       []byte        // or the media itself, held in memory (a live utterance)
	URL        string        // or an http(s) URL passed through
	Kind       api.Kind
	Format     string
	MIME       string
	Size       int64
}

// Sink receives the joined output in source order. Audio is nil when no speech was asked for.
// Reset, when set, discards everything the sink received so far: the sink can then take a
// request retried from the start after its stream broke mid-way (a file, a buffer). A sink that
// cannot take output back (a terminal) leaves it nil, and such a break is reported instead.
type Sink struct {
	Text  func(string) error
	Audio func([]byte) error
	Reset func() error
	// End, when set on the sink an Ordered joins into, is called after each part's output, in
	// source order, with the part's index: where one part's results end and the next's begin.
	End func(i int) error
}

// PartResult is the outcome of one part's request.
type PartResult struct {
	Index        int
	Start, End   time.Duration
	ID           string
	RequestID    string
	FinishReason string
	Usage        *api.Usage
	Cached       bool // answered from the cache: nothing was sent
}

// Result is the outcome of the whole input.
type Result struct {
	FinishReason string // "length" when any part was cut short, else the last part's
	Usage        *api.Usage
	ID           string // of the first part
	RequestID    string // of the first part
	Parts        []PartResult
	// Sent is the usage of the parts that were sent (the others came from the cache): what
	// this run paid for. Cached counts the others.
	Sent   *api.Usage
	Cached int
}

// Sent describes one request after it ended, successful or not, for the usage ledger.
type Sent struct {
	Part       Part
	Start, End time.Time
	// SHA256 is the hex digest of the file sent, computed only when Runner.OnSent is set; ""
	// for a URL, or when the last attempt did not read the whole file (it failed or was
	// cancelled before the body was sent).
	SHA256 string
	Result *api.Result
	Err    error
	// Cached says the answer came from the cache: nothing was sent; Result is the stored one.
	Cached bool
}

// Runner sends requests with Client.
type Runner struct {
	Client *api.Client
	// OnSent, if set, is called after every request; it may be called from several goroutines.
	OnSent func(Sent)
	// OnRetry, if set, is called for every failed attempt that is retried (after Client.Retry's
	// own OnRetry), so the attempt can be recorded too.
	OnRetry func(Part, api.RetryEvent)
	// OnResult, if set, is called after every request that succeeded, with its result; it may
	// be called from several goroutines.
	OnResult func(Part, *api.Result)
	// Cache, if set, answers a request whose media and settings equal one it holds the complete
	// answer to, without sending it, and keeps the complete answers of the requests sent. A
	// request with a random element (temperature or top_p without a seed) is neither answered
	// nor kept unless CacheAlways. A URL is never: what it names may change.
	Cache       *cache.Store
	CacheAlways bool
}

// send makes the request for one part, delivering its events to out.
func (r *Runner) send(ctx context.Context, p Part, s Settings, out Sink) (*PartResult, error) {
	req := &api.Request{
		Model:        s.Model,
		Stream:       s.Stream,
		IncludeUsage: s.Stream,
		SourceLang:   s.SourceLang,
		TargetLang:   s.TargetLang,
		Sampling:     s.Sampling,
		Media:        api.Media{Kind: p.Kind, Format: p.Format, MIME: p.MIME, URL: p.URL, Size: p.Size},
	}
	if s.LangNames {
		req.SourceLang, req.TargetLang = lang.Name(s.SourceLang), lang.Name(s.TargetLang)
	}
	if s.Voice != "" {
		req.Audio = &api.AudioOutput{Voice: s.Voice, Format: "wav"}
	}
	entry, hit, sum := r.cached(p, s)
	if hit != nil {
		return r.replay(p, hit, sum, out)
	}
	if entry != nil {
		defer entry.Abort()
		out = entry.tee(out)
	}
	hashes := r.media(p, &req.Media)
	sent := Sent{Part: p, Start: time.Now()}
	onEvent := func(ev api.Event) error {
		if ev.Text != "" {
			if err := out.Text(ev.Text); err != nil {
				return err
			}
		}
		if len(ev.Audio) > 0 {
			if out.Audio == nil {
				return &api.ProtocolError{Msg: "speech arrived although only text was asked for"}
			}
			if err := out.Audio(ev.Audio); err != nil {
				return err
			}
		}
		return nil
	}
	client := r.Client
	if r.OnRetry != nil {
		c := *r.Client // a copy whose retries also report which part they were for
		prev := c.Retry.OnRetry
		c.Retry.OnRetry = func(e api.RetryEvent) {
			if prev != nil {
				prev(e)
			}
			r.OnRetry(p, e)
		}
		client = &c
	}
	var res *api.Result
	var err error
	if out.Reset != nil {
		res, err = client.TranslateRestartable(ctx, req, onEvent, out.Reset)
	} else {
		res, err = client.Translate(ctx, req, onEvent)
	}
	sent.End, sent.Result, sent.Err = time.Now(), res, err
	sent.SHA256 = sentSHA256(ctx, p, hashes, r.OnSent != nil)
	if r.OnSent != nil {
		r.OnSent(sent)
	}
	if err != nil {
		return nil, err
	}
	if r.OnResult != nil {
		r.OnResult(p, res)
	}
	if entry != nil && !entry.broken && res.FinishReason == "stop" && res.Usage != nil {
		// Only a complete answer, its tokens known, is kept; one not kept is sent again next
		// time. A failure to keep it is the Store's to report.
		_ = entry.Commit(res)
	}
	return &PartResult{Index: p.Index, Start: p.Start, End: p.End, ID: res.ID, RequestID: res.RequestID,
		FinishReason: res.FinishReason, Usage: res.Usage}, nil
}

// media sets how the request reads a part's media: from memory, or the file afresh for each
// attempt, hashed (the hashes returned) when OnSent is to be told the content's SHA-256. A URL
// is passed through.
func (r *Runner) media(p Part, m *api.Media) *attemptHashes {
	switch {
	case p.Data != nil:
		m.Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(p.Data)), nil }
		m.Size = int64(len(p.Data))
	case p.URL == "":
		var hashes *attemptHashes
		// Without OnSent no one is told the hash, and SHA-256 costs a third of the CPU of sending.
		if r.OnSent != nil {
			hashes = &attemptHashes{}
		}
		m.Open = openMedia(p.Path, hashes)
		return hashes
	}
	return nil
}

// sentSHA256 is the hex SHA-256 of what a part sent, for the ledger ("" when unknown or unasked).
func sentSHA256(ctx context.Context, p Part, hashes *attemptHashes, asked bool) string {
	switch {
	case hashes != nil:
		return hashes.digest(ctx)
	case p.Data != nil && asked:
		sum := sha256.Sum256(p.Data)
		return hex.EncodeToString(sum[:])
	}
	return ""
}

// SendPart makes the request for one part on its own, its output going to out as it arrives
// (Reset, when set, lets a request broken mid-stream be retried from the start). The hooks
// (OnSent, OnRetry, OnResult) and the cache apply as for Send's parts.
func (r *Runner) SendPart(ctx context.Context, p Part, s Settings, out Sink) (*PartResult, error) {
	return r.send(ctx, p, s, out)
}

func summarize(parts []PartResult) *Result {
	res := &Result{Parts: parts, ID: parts[0].ID, RequestID: parts[0].RequestID}
	for _, p := range parts {
		if p.Usage != nil {
			if res.Usage == nil {
				res.Usage = &api.Usage{}
			}
			res.Usage.Add(*p.Usage)
			if !p.Cached {
				if res.Sent == nil {
					res.Sent = &api.Usage{}
				}
				res.Sent.Add(*p.Usage)
			}
		}
		if p.Cached {
			res.Cached++
		}
		if res.FinishReason != "length" {
			res.FinishReason = p.FinishReason
		}
	}
	return res
}

// Producer hands the parts of an input to yield in order, as each becomes ready: a long input's
// segments as they are cut and encoded, while the rest is still being read. It stops at the
// first error yield returns.
type Producer func(ctx context.Context, yield func(Part) error) error

// List produces parts known in advance.
func List(parts []Part) Producer {
	return func(ctx context.Context, yield func(Part) error) error {
		for _, p := range parts {
			if err := yield(p); err != nil {
				return err
			}
		}
		return nil
	}
}

// Send translates the parts produce hands over, s.Jobs at a time, sending each as soon as it is
// ready: the producer runs ahead of the requests by up to s.Jobs parts, so local work (cutting,
// encoding) overlaps the service's. Part i's output goes to sinkFor(i) only (an Ordered's Sink
// joins them in source order), and done(i), if set, is called from the goroutine that ran part i
// once it has ended well. A part that fails, or a done that fails, cancels the others and fails
// the whole. It returns an empty Result when nothing was produced.
func (r *Runner) Send(ctx context.Context, produce Producer, s Settings, sinkFor func(i int) Sink, done func(i int) error) (*Result, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu       sync.Mutex
		results  []PartResult
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel(err)
		}
	}
	jobs := max(s.Jobs, 1)
	queue := make(chan Part, jobs)
	go func() {
		defer close(queue)
		err := produce(ctx, func(p Part) error {
			select {
			case queue <- p:
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		})
		if err != nil {
			fail(err)
		}
	}()
	sem := s.Slots
	if sem == nil {
		sem = make(chan struct{}, jobs)
	}
	n := 0
	for p := range queue {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			continue // drain, so the producer can end
		}
		i := n
		n++
		mu.Lock()
		results = append(results, PartResult{})
		mu.Unlock()
		sink := sinkFor(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			pr, err := r.send(ctx, p, s, sink)
			if err == nil && done != nil {
				err = done(i)
			}
			if err != nil && p.Segment {
				err = fmt.Errorf("segment %d (%s–%s): %w", i+1, textfmt.Clock(p.Start), textfmt.Clock(p.End), err)
			}
			if err != nil {
				fail(err)
				return
			}
			mu.Lock()
			results[i] = *pr
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n == 0 {
		return &Result{}, nil
	}
	return summarize(results), nil
}

// openMedia returns the Media.Open of a local file: each attempt reads it afresh, hashed when
// hashes is set.
func openMedia(path string, hashes *attemptHashes) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		if hashes == nil {
			return f, nil
		}
		return hashes.open(f), nil
	}
}
