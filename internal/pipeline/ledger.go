package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Recorder keeps the usage ledger: a row for every request sent, every failed attempt retried,
// and every request answered from the cache (status cached). usage is what the service reported
// (nil for none; of an answer from the cache, what it reported then), for the recorder to count
// and price in the row: an answer from the cache costs nothing. Record may be called from
// several goroutines at once.
type Recorder interface {
	Record(ctx context.Context, row ledger.Row, usage *api.Usage)
}

// hook wires the Recorder into a copy of the Runner for one input, every row of the input sharing
// its name, kind and output files, and reports how each request's stream ended (noteEnd).
//
// splitPath is the local file of an input sent in segments ("" for one sent whole): its rows name
// the whole file's content, hashed beside the work from the start (a segment's row would wait
// for it otherwise).
func (t *Pipeline) hook(ctx context.Context, ts translate.Settings, input, kind string, outputs []string, splitPath string) *translate.Runner {
	r := *t.Runner
	r.OnResult = func(p translate.Part, res *api.Result) { t.noteEnd(input, ts, p, res) }
	cached := func(sent translate.Sent) {
		if !sent.Cached {
			return
		}
		what := "answered"
		if sent.Part.Segment {
			what = fmt.Sprintf("segment %d answered", sent.Part.Index+1)
		}
		t.info("%s: %s from the cache, nothing sent (the answer of request %s into %s)", input, what, sent.Result.RequestID, ts.TargetLang)
	}
	if t.Recorder == nil {
		r.OnSent = cached
		return &r
	}
	base := ledger.Row{Input: input, Kind: kind, Model: ts.Model,
		SourceLang: ts.SourceLang, TargetLang: ts.TargetLang, Modalities: "text", Voice: ts.Voice}
	if ts.Voice != "" {
		base.Modalities = "text,audio"
	}
	// A segment's row names the whole input's content, as a whole input's does: the ledger
	// groups an input by it (usage --by input).
	whole := sync.OnceValues(func() (string, int64) { return fileSHA256(splitPath) })
	if splitPath != "" {
		go whole()
	}
	segmentOf := func(p translate.Part) int {
		if p.Segment {
			return p.Index + 1
		}
		return 0
	}
	r.OnSent = func(sent translate.Sent) {
		cached(sent)
		row := base
		row.Start, row.End, row.Segment = sent.Start, sent.End, segmentOf(sent.Part)
		row.InputSHA256, row.InputSize = sent.SHA256, max(sent.Part.Size, 0)
		if sent.Part.Segment && splitPath != "" {
			row.InputSHA256, row.InputSize = whole()
		}
		var usage *api.Usage
		if sent.Result != nil {
			row.RequestID, usage = sent.Result.RequestID, sent.Result.Usage
		}
		row.Status = statusOf(sent.Err, sent.Result)
		if sent.Cached {
			// Nothing was sent or paid for: the row has the tokens of the answer it reused (its
			// request id is that answer's), which priced say what the cache saved, and no cost.
			row.Status = ledger.StatusCached
		}
		fillError(&row, sent.Err)
		if row.Status == ledger.StatusOK || row.Status == ledger.StatusTruncated || row.Status == ledger.StatusCached {
			row.Outputs = strings.Join(outputs, ",")
		}
		t.Recorder.Record(ctx, row, usage)
	}
	r.OnRetry = func(p translate.Part, e api.RetryEvent) {
		row := base
		row.Start, row.End, row.Segment = time.Now(), time.Now(), segmentOf(p)
		row.InputSize = max(p.Size, 0)
		if p.Segment && splitPath != "" {
			row.InputSHA256, row.InputSize = whole()
		}
		row.Status = statusOf(e.Err, nil)
		fillError(&row, e.Err)
		t.Recorder.Record(ctx, row, nil)
	}
	return &r
}

// noteEnd reports a request whose stream delivered its finish_reason but ended without
// data: [DONE]: complete (the vendor's reference never promises the terminator), noted with -v.
// When the usage chunk, which follows the finish_reason, did not come either, the tokens are
// unknown: the text stands, and a warning says they are not counted (not guessed, so that no
// estimate passes for the service's figure).
func (t *Pipeline) noteEnd(input string, ts translate.Settings, p translate.Part, res *api.Result) {
	if res.Unterminated == "" {
		return
	}
	what := "request " + res.RequestID
	if p.Segment {
		what = fmt.Sprintf("segment %d (request %s)", p.Index+1, res.RequestID)
	}
	t.info("%s: %s: the stream ended after its finish_reason without data: [DONE] (%s); the translation is complete", input, what, res.Unterminated)
	if ts.Stream && res.Usage == nil {
		t.warn("%s: the service sent no usage for %s (its stream ended after the finish_reason): the text is complete; its tokens are not counted", input, what)
	}
}

func statusOf(err error, res *api.Result) string {
	var ae *api.Error
	switch {
	case err == nil && res != nil && res.FinishReason == "length":
		return ledger.StatusTruncated
	case err == nil:
		return ledger.StatusOK
	case errors.Is(err, context.Canceled):
		return ledger.StatusInterrupted
	case errors.As(err, &ae):
		return ledger.StatusAPIError
	}
	return ledger.StatusFailed
}

func fillError(row *ledger.Row, err error) {
	var ae *api.Error
	if errors.As(err, &ae) {
		row.HTTPStatus, row.ErrorCode = ae.StatusCode, ae.Code
		if row.RequestID == "" {
			row.RequestID = ae.RequestID
		}
	}
}

// fileSHA256 is the hex SHA-256 and the size of the file at path ("" and 0 when it cannot be
// read: the row then says the content is unknown).
func fileSHA256(path string) (string, int64) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0
	}
	return hex.EncodeToString(h.Sum(nil)), n
}

// Requests is a copy of the pipeline's Runner whose requests are recorded in the ledger (and
// whose answers from the cache are noted) as the requests of input, of kind kind: for a caller
// that sends its parts itself, one at a time (live), with the rows a pipeline's input gets.
func (t *Pipeline) Requests(ctx context.Context, ts translate.Settings, input, kind string) *translate.Runner {
	return t.hook(ctx, ts, input, kind, nil, "")
}
