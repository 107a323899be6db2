package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Client sends translation requests to one endpoint. Translate only reads its fields, so one
// Client may serve many goroutines.
type Client struct {
	BaseURL   string       // e.g. https://dashscope-intl.aliyuncs.com/compatible-mode/v1; requests go to BaseURL+"/chat/completions"
	APIKey    string       // sent as "Authorization: Bearer …"; never part of an error or a Trace line
	HTTP      *http.Client // nil => http.DefaultClient, which has no overall timeout: ctx bounds a request
	UserAgent string

	// Retry says which failed attempts are sent again, how often and after what wait; the
	// zero value sends every request once.
	Retry RetryPolicy
	// Throttle, when set, is shared with other clients: a 429 holds it for the wait this
	// client chose and lowers its limit on requests at once; every attempt first waits until it
	// is released and for a free slot. A 429 while the Throttle records progress is retried
	// without counting against Retry.Max (see Throttle).
	Throttle *Throttle
	// IdleTimeout fails an attempt when the server has sent nothing for this long while the
	// client waited on it: for the headers once the body was sent, or inside one read of the
	// response body. Sending and the caller's handling of events do not count. 0 = no limit.
	// The whole request is bounded by the caller's ctx, not by this.
	IdleTimeout time.Duration
	// Trace, when set, gets one line per request sent and one per response (or failure)
	// received: method, URL, redacted headers, status, request id, content length, never the
	// key or a body. It is called from Translate's goroutine.
	Trace func(string)
}

// Translate sends req and calls onEvent for every chunk as it arrives, in order (text and
// speech interleaved as the service sends them). onEvent may be nil.
//
// A stream is complete once it has delivered its finish_reason, whether data: [DONE] follows or
// not (Result.Unterminated says how one without it ended).
//
// Errors: *Error for a refusal by the service (any non-200 status, or an error object inside a
// 200 response); *ProtocolError for a response that breaks the protocol, including a stream
// that ends before its finish_reason; *BrokenStreamError for a response
// that broke off after output was delivered, when a retry was otherwise due; an error wrapping
// context.DeadlineExceeded (saying the request exceeded its timeout) or context.Canceled when
// ctx ends first; an error wrapping the one onEvent returned, which stops the request. After
// retries the last attempt's error is returned, prefixed "after N attempts: ".
//
// Retries (Client.Retry, Client.Throttle) happen inside Translate and never print. Sent
// again: HTTP 429 (after its Retry-After, up to MaxRetryAfter), 500, 502, 503 and 504; a
// connection refused, reset or closed before the response; a response that broke (a read
// error, an end before the finish_reason, an empty body, the idle timeout) before any event carrying text or
// speech reached onEvent. Never sent again: other statuses, an error object inside a 200
// response, a malformed chunk or document (the service said something wrong and would likely
// say it again), an error returned by onEvent, the end of ctx, a failure reading the media,
// and a request whose Media.Body (rather than Media.Open) was already read. Events without
// text or speech (the role chunk, a finish_reason, usage) may reach onEvent again on a retry.
//
// The returned Result is non-nil once a response arrived, even with an error, so that the
// request id and whatever usage was reported can still be recorded.
func (c *Client) Translate(ctx context.Context, req *Request, onEvent func(Event) error) (*Result, error) {
	return c.translate(ctx, req, onEvent, nil)
}

// TranslateRestartable is Translate for a caller that can take back what onEvent was given (it
// writes to a temporary file or a buffer): a response that breaks after output was delivered
// is retried like one that broke before, and reset is called before that retry to discard
// the partial output. reset is called before any retry whose failed attempt had called
// onEvent at all; if it fails, so does the request. A nil reset makes this Translate.
func (c *Client) TranslateRestartable(ctx context.Context, req *Request, onEvent func(Event) error, reset func() error) (*Result, error) {
	return c.translate(ctx, req, onEvent, reset)
}

func (c *Client) translate(ctx context.Context, req *Request, onEvent func(Event) error, reset func() error) (*Result, error) {
	frame, endpoint, err := c.prepare(req)
	if err != nil {
		return nil, err
	}

	policy := c.Retry
	var (
		res  *Result
		last attemptResult
		wait time.Duration // before the next attempt
		b    = retryBudget{left: max(policy.Max, 0), progress: c.Throttle.progressed()}
	)
	for n := 1; ; n++ {
		until, d := c.sendTime(wait)
		if n > 1 {
			ev := RetryEvent{Attempt: n, Attempts: n + b.left, Wait: d, Reason: last.reason, Err: last.err, Free: b.free}
			if err := beforeRetry(ctx, policy, ev, until, last, reset); err != nil {
				return res, err
			}
		}
		if err := pause(ctx, policy, d, n); err != nil {
			return res, err
		}
		a, err := c.send(ctx, req, frame, endpoint, n, onEvent)
		if err != nil {
			return res, err
		}
		if a.res != nil {
			res = a.res
		}
		if a.err == nil {
			return res, nil
		}
		var v verdict
		b, v = b.after(c.asFailure(policy, req, a, reset != nil))
		switch v {
		case giveUpBroken:
			return res, withAttempts(&BrokenStreamError{Reason: a.reason, RequestID: res.RequestID, Err: a.err}, n)
		case giveUp:
			return res, withAttempts(a.err, n)
		}
		wait = policy.retryWait(b.counted, a.retryAfter)
		if a.rateLimited && c.Throttle != nil {
			c.Throttle.Hold(time.Now().Add(wait))
		}
		last = a
	}
}

// retryBudget is how one request's retries stand.
type retryBudget struct {
	left     int    // retries left that count against RetryPolicy.Max
	counted  int    // failures that counted, for the backoff
	strikes  int    // 429s in a row while the run made no progress
	free     bool   // the next attempt does not count: a 429 while the run progressed
	progress uint64 // the Throttle's progress at the last 429 (or the start)
}

// failedAttempt is a failed attempt as the decision after it sees it.
type failedAttempt struct {
	kind        outcome
	rateLimited bool   // HTTP 429
	tracked     bool   // a 429 in a run that retries at all, with a Throttle, whose progress was then
	progress    uint64 // (only when tracked)
	resendable  bool   // the media can be sent again
	restartable bool   // a reset can take back the output delivered (TranslateRestartable)
}

// verdict is what follows a failed attempt.
type verdict int

const (
	giveUp       verdict = iota // the attempt's error ends the request
	giveUpBroken                // a BrokenStreamError ends it: the output delivered cannot be taken back
	retry                       // the request is sent again
)

// after decides what follows the failed attempt f, and returns the budget then: whether the
// request is sent again, and whether that retry counts against RetryPolicy.Max (b.free).
func (b retryBudget) after(f failedAttempt) (retryBudget, verdict) {
	// A 429 after the run progressed (requests succeeded, or the Throttle slowed it down
	// further) since the request's last one does not count, and gives back the retries
	// that the 429s before it, in a row without progress, took: a request fails on 429s
	// only after Max+1 of them in a row while nothing got through. Only in a run that
	// retries at all (f.tracked).
	b.free = false
	if f.tracked {
		if b.free = f.progress != b.progress; b.free {
			b.left += b.strikes
			b.counted -= b.strikes
			b.strikes = 0
		}
		b.progress = f.progress
	}
	more := (b.left > 0 || b.free) && f.resendable
	switch {
	case more && (f.kind == retryable || f.kind == brokeOutput && f.restartable):
	case more && f.kind == brokeOutput:
		return b, giveUpBroken
	default:
		return b, giveUp
	}
	if !b.free {
		b.left--
		b.counted++
		if f.rateLimited {
			b.strikes++
		}
	}
	return b, retry
}

// asFailure describes the failed attempt a for retryBudget.after; after a 429 in a run that
// retries at all, it reads the Throttle's progress.
func (c *Client) asFailure(policy RetryPolicy, req *Request, a attemptResult, restartable bool) failedAttempt {
	f := failedAttempt{
		kind:        a.kind,
		rateLimited: a.rateLimited,
		// Media that can be neither reopened nor skipped (a Body already read) cannot be sent
		// again.
		resendable:  req.Media.Open != nil || req.Media.Body == nil || !a.mediaRead,
		restartable: restartable,
	}
	if a.rateLimited && c.Throttle != nil && policy.Max > 0 {
		f.tracked, f.progress = true, c.Throttle.progressed()
	}
	return f
}

// retryWait is the wait before a retry, after counted failures that counted: the backoff, or
// the server's Retry-After (up to MaxRetryAfter) when it sent one. The backoff is drawn either
// way.
func (p RetryPolicy) retryWait(counted int, retryAfter time.Duration) time.Duration {
	wait := p.backoff(max(counted, 1))
	if retryAfter > 0 {
		wait = min(retryAfter, MaxRetryAfter)
	}
	return wait
}

// prepare checks req and the key, and returns what every attempt sends: the body's framing and
// the endpoint.
func (c *Client) prepare(req *Request) (bodyFrame, string, error) {
	if req == nil {
		return bodyFrame{}, "", errors.New("invalid request: nil")
	}
	frame, err := req.frame()
	if err != nil {
		return bodyFrame{}, "", fmt.Errorf("invalid request: %w", err)
	}
	if strings.ContainsFunc(c.APIKey, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return bodyFrame{}, "", errors.New("the API key contains control characters (a stray newline?)")
	}
	return frame, strings.TrimRight(c.BaseURL, "/") + "/chat/completions", nil
}

// sendTime is when the next attempt may be sent, and how long until then: after wait, or once
// the shared Throttle is released if that is later.
func (c *Client) sendTime(wait time.Duration) (until time.Time, d time.Duration) {
	now := time.Now()
	until = now.Add(wait)
	if c.Throttle != nil {
		if t := c.Throttle.NotBefore(); t.After(until) {
			until = t
		}
	}
	return until, until.Sub(now)
}

// ShownError is what a reset returns when the partial output cannot be taken back (it is on a
// screen): the request then fails with the error of its attempt, and Why says why it was not
// retried.
type ShownError struct{ Why string }

func (e *ShownError) Error() string { return e.Why }

// beforeRetry readies the retry ev, due at until, after the failed attempt last: it gives up
// when the retry would pass ctx's deadline, discards the partial output, and reports the retry
// through policy.OnRetry. An error ends the request.
func beforeRetry(ctx context.Context, policy RetryPolicy, ev RetryEvent, until time.Time, last attemptResult, reset func() error) error {
	if deadline, ok := ctx.Deadline(); ok && until.After(deadline) {
		return fmt.Errorf("%w; not retried: the next attempt, in %s, would pass the deadline", withAttempts(last.err, ev.Attempt-1), roundedDuration(ev.Wait))
	}
	// The partial output is discarded before the retry is reported: a reset that fails
	// ends the request here, and OnRetry (a ledger row, a -v line) must not announce a
	// retry that never happens.
	if reset != nil && last.delivered {
		if err := reset(); err != nil {
			var shown *ShownError
			if errors.As(err, &shown) {
				return fmt.Errorf("%w; not retried: %s", withAttempts(last.err, ev.Attempt-1), shown.Why)
			}
			return fmt.Errorf("discarding partial output before a retry: %w", err)
		}
	}
	if policy.OnRetry != nil {
		policy.OnRetry(ev)
	}
	return nil
}

// pause waits d (if any) before attempt n; an error ends the request.
func pause(ctx context.Context, policy RetryPolicy, d time.Duration, n int) error {
	if d <= 0 {
		return nil
	}
	if err := policy.sleep(ctx, d); err != nil {
		if ctx.Err() != nil {
			err = ctxError(ctx, "waiting to send the request")
		}
		return withAttempts(err, n-1)
	}
	return nil
}

// send makes attempt n in a slot among the requests at once, and gives the slot back with the
// attempt's outcome. An error (ctx ended while waiting for the slot) ends the request.
func (c *Client) send(ctx context.Context, req *Request, frame bodyFrame, endpoint string, n int, onEvent func(Event) error) (attemptResult, error) {
	// While the Throttle limits requests at once, wait for a free slot rather than be
	// refused.
	sl, err := c.Throttle.acquire(ctx)
	if err != nil {
		return attemptResult{}, withAttempts(ctxError(ctx, "waiting for a free slot among the requests at once"), n-1)
	}
	a := c.attempt(ctx, req, frame, endpoint, n, onEvent)
	rateLimited := ""
	if a.rateLimited {
		rateLimited = a.reason
	}
	sl.release(a.err == nil, rateLimited)
	return a, nil
}

// withAttempts says how many attempts an error ended, when there were several.
func withAttempts(err error, n int) error {
	if n > 1 {
		return fmt.Errorf("after %d attempts: %w", n, err)
	}
	return err
}

// ctxError is the error for ctx ending while doing something: a deadline is said to be the
// request's timeout; both wrap ctx.Err().
func ctxError(ctx context.Context, doing string) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the request exceeded its timeout while %s: %w", doing, err)
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// attemptResult is how one attempt ended.
type attemptResult struct {
	res         *Result
	err         error
	kind        outcome
	reason      string        // err in a few words, for RetryEvent and BrokenStreamError
	retryAfter  time.Duration // the server's Retry-After, if any
	rateLimited bool          // HTTP 429: the Throttle is held
	mediaRead   bool          // the body writer started, so Media.Body was read
	delivered   bool          // onEvent was called
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, req *Request, frame bodyFrame, endpoint string, n int, onEvent func(Event) error) (a attemptResult) {
	// The attempt has its own context, so the idle watch can end it without ending ctx.
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watch := newIdleWatch(c.IdleTimeout, cancel)
	defer watch.stop()
	// Once the body is sent the server owes an answer: the watch starts then.
	body := newRequestBody(req, frame, watch.sent)
	// Whatever happens, stop the body writer and wait for it, so no goroutine outlives the
	// attempt.
	defer func() { a.mediaRead = body.finish(ctx) }()
	// When the attempt ends early (cancelled, idle), the transport may still be reading the body
	// and wait for that read before it returns; the writer may be blocked reading the media (a
	// stalled pipe) and never write again. Closing the body's pipe then ends the transport's read.
	stopBody := context.AfterFunc(actx, func() { body.Close() })
	defer stopBody()

	hreq, err := c.newHTTPRequest(actx, req, frame, endpoint, body)
	if err != nil {
		return attemptResult{err: err}
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	sent := time.Now()
	c.traceRequest(hreq, n)
	resp, err := hc.Do(hreq)
	if err != nil {
		c.tracef("no response after %s: %s", roundedDuration(time.Since(sent)), err)
		return noResponse(ctx, err, body, watch)
	}
	watch.respond()
	resp.Body = &idleReader{r: resp.Body, watch: watch}
	defer resp.Body.Close()

	res := &Result{RequestID: redact(oneLine(resp.Header.Get("X-Request-Id"), 100), c.APIKey)}
	c.traceResponse(resp, res.RequestID, time.Since(sent))
	if resp.StatusCode != http.StatusOK {
		return c.refused(ctx, resp, res)
	}

	delivered, output := false, false
	deliver := func(ev Event) error {
		delivered = true
		if ev.Text != "" || len(ev.Audio) > 0 {
			output = true
		}
		if onEvent == nil {
			return nil
		}
		return onEvent(ev)
	}
	err = c.readBody(resp, res, watch, newOutputBound(req), deliver)
	if err == nil && res.Unterminated != "" && ctx.Err() != nil {
		// The stream ended after its finish_reason because ctx did: a cancelled request is
		// not a finished one.
		err = ctx.Err()
	}
	if err == nil {
		return attemptResult{res: res}
	}
	return brokenBody(ctx, attemptResult{res: res, err: err, delivered: delivered}, output)
}

// newHTTPRequest is the POST of body to endpoint, with its headers.
func (c *Client) newHTTPRequest(ctx context.Context, req *Request, frame bodyFrame, endpoint string, body io.Reader) (*http.Request, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, body)
	if err != nil {
		return nil, fmt.Errorf("invalid base URL: %w", err)
	}
	hreq.ContentLength = frame.size(req.Media.Size) // -1 (unknown) sends the body chunked
	hreq.Header.Set("Authorization", "Bearer "+c.APIKey)
	hreq.Header.Set("Content-Type", "application/json")
	if req.Stream {
		hreq.Header.Set("Accept", "text/event-stream")
	} else {
		hreq.Header.Set("Accept", "application/json")
	}
	if c.UserAgent != "" {
		hreq.Header.Set("User-Agent", c.UserAgent)
	}
	return hreq, nil
}

// noResponse is an attempt that got no response, err from sending it: the end of ctx, a
// failure reading the media, the idle timeout, or the transport's error.
func noResponse(ctx context.Context, err error, body *requestBody, watch *idleWatch) attemptResult {
	if ctx.Err() != nil {
		return attemptResult{err: ctxError(ctx, "sending the request")}
	}
	if merr := body.failure(ctx); merr != nil {
		return attemptResult{err: merr}
	}
	if watch.expired() {
		idle := watch.err()
		return attemptResult{err: fmt.Errorf("waiting for the response: %w", idle), kind: retryable, reason: idle.Error()}
	}
	out := attemptResult{err: fmt.Errorf("sending the request: %w", err)}
	if reason, transient := transportReason(err); transient {
		out.kind, out.reason = retryable, reason
	}
	return out
}

// refused is an attempt answered with a status other than 200: an *Error, retryable when
// temporary.
func (c *Client) refused(ctx context.Context, resp *http.Response, res *Result) attemptResult {
	e := errorFromResponse(resp, c.APIKey)
	if ctx.Err() != nil {
		return attemptResult{res: res, err: ctxError(ctx, "reading the error response")}
	}
	if e.RequestID != "" {
		res.RequestID = e.RequestID
	}
	out := attemptResult{res: res, err: e, reason: e.reason(), retryAfter: e.RetryAfter, rateLimited: e.StatusCode == http.StatusTooManyRequests}
	if e.Temporary() {
		out.kind = retryable
	}
	return out
}

// brokenBody classifies out, an attempt whose 200 response failed with out.err: a response
// that broke off (a truncated stream, a transient transport error) is retryable, or brokeOutput
// once text or speech was delivered (output); anything else is final.
func brokenBody(ctx context.Context, out attemptResult, output bool) attemptResult {
	var cb *callbackError
	var ae *Error
	var pe *ProtocolError
	switch err := out.err; {
	case errors.As(err, &cb):
		out.err = fmt.Errorf("handling the response: %w", cb.err)
		return out
	case ctx.Err() != nil:
		out.err = ctxError(ctx, "reading the response")
		return out
	case errors.As(err, &ae):
		return out // the service's own refusal, inside a 200 response
	case errors.As(err, &pe):
		if !pe.truncated {
			return out
		}
		out.reason, _, _ = strings.Cut(pe.Msg, ";")
	default:
		reason, transient := transportReason(err)
		if !transient {
			return out
		}
		out.reason = reason
	}
	out.kind = retryable
	if output {
		out.kind = brokeOutput
	}
	return out
}

// readBody decodes a 200 response: an event stream, or one JSON document, no more than bound
// allows. An event stream drives watch by its data only, so keep-alive comments do not hold off
// the idle timeout.
func (c *Client) readBody(resp *http.Response, res *Result, watch *idleWatch, bound *outputBound, onEvent func(Event) error) error {
	body := bufio.NewReaderSize(resp.Body, sseBufferSize)
	contentType := resp.Header.Get("Content-Type")
	if _, err := body.Peek(1); err == io.EOF {
		// Nothing at all: a proxy's or server's hiccup more often than an answer.
		return &ProtocolError{Msg: unexpectedBody(contentType, nil), RequestID: res.RequestID, truncated: true}
	} else if err != nil {
		return fmt.Errorf("reading the response: %w", err)
	}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	isStream := mediaType == "text/event-stream"
	if !isStream {
		// A proxy may drop or replace the content type; an event stream still starts with
		// "data:", which no JSON document can.
		peek, _ := body.Peek(5)
		isStream = bytes.Equal(peek, []byte("data:"))
	}
	switch {
	case isStream:
		watch.countEventsOnly()
		return readStream(body, res, c.APIKey, watch.progress, bound, onEvent)
	case mediaType == "application/json":
		return readCompletion(body, res, c.APIKey, bound, onEvent)
	}
	return &ProtocolError{
		Msg:       redact(unexpectedBody(contentType, peekText(body)), c.APIKey),
		RequestID: res.RequestID,
	}
}

// peekText returns what is buffered of a body, for an error message.
func peekText(r *bufio.Reader) []byte {
	b, _ := r.Peek(200) // fewer bytes at the end of the body, with an error that does not matter here
	return b
}
