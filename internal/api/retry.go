package api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy says how Client.Translate retries a request that failed in a way that sending
// it again may fix (see Translate for which). The zero value never retries.
type RetryPolicy struct {
	// Max is how many times a request is sent again after its first attempt; 0 = never.
	Max int
	// Base and MaxDelay shape the wait before retry n: a random duration in
	// [0, min(MaxDelay, Base·2^(n-1))) ("full jitter", so that clients that failed together
	// do not retry together). Defaults 1s and 30s. A Retry-After from the server replaces it.
	Base, MaxDelay time.Duration
	// OnRetry, if set, is called before each wait, from Translate's goroutine. Retries never
	// print; this is how a caller reports them.
	OnRetry func(RetryEvent)
	// Sleep waits for d or until ctx is done (then it returns ctx.Err()); every wait goes
	// through it, a Throttle's included. nil: a timer. Tests inject one that records the
	// waits and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter. nil: math/rand/v2.
	Rand func() float64
}

// Defaults of RetryPolicy.
const (
	DefaultRetryBase     = time.Second
	DefaultRetryMaxDelay = 30 * time.Second
	// MaxRetryAfter caps how long a server's Retry-After is honoured: a longer one is waited
	// for this long, and the request sent again.
	MaxRetryAfter = 5 * time.Minute
)

// RetryEvent describes a retry about to happen.
type RetryEvent struct {
	Attempt  int           // the attempt about to be made: 2 for the first retry
	Attempts int           // how many attempts are allowed in all (RetryPolicy.Max+1, plus the free ones so far)
	Wait     time.Duration // how long until it is sent (backoff or Retry-After, or the shared Throttle if longer)
	Reason   string        // why the last attempt failed, one line: "HTTP 429 limit_requests", "connection reset"
	Err      error         // the last attempt's error
	// Free: the retry does not count against RetryPolicy.Max, as it follows a 429 while the run
	// made progress (see Throttle).
	Free bool
}

// String returns one line, e.g. "retrying in 7s (attempt 2 of 4): HTTP 429 limit_requests", or
// for a free retry "retrying in 0.4s (attempt 6, not counted: the run is progressing): HTTP 429 …".
func (e RetryEvent) String() string {
	if e.Free {
		return fmt.Sprintf("retrying in %s (attempt %d, not counted: the run is progressing): %s", roundedDuration(e.Wait), e.Attempt, e.Reason)
	}
	return fmt.Sprintf("retrying in %s (attempt %d of %d): %s", roundedDuration(e.Wait), e.Attempt, e.Attempts, e.Reason)
}

// roundedDuration prints a wait to a useful precision: "7s", "1.3s", "250ms".
func roundedDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return shortDuration(d.Round(time.Second))
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func (p RetryPolicy) base() time.Duration {
	if p.Base > 0 {
		return p.Base
	}
	return DefaultRetryBase
}

func (p RetryPolicy) maxDelay() time.Duration {
	if p.MaxDelay > 0 {
		return p.MaxDelay
	}
	return DefaultRetryMaxDelay
}

func (p RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is the wait before retry n (1 for the first): full jitter over an exponential cap.
func (p RetryPolicy) backoff(n int) time.Duration {
	limit, base := p.maxDelay(), p.base()
	ceiling := base
	for i := 1; i < n && ceiling < limit; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, limit)
	r := rand.Float64
	if p.Rand != nil {
		r = p.Rand
	}
	f := r()
	if f < 0 || f >= 1 {
		f = 0.5 // a broken source still gives a sane wait
	}
	return time.Duration(f * float64(ceiling))
}

// outcome is how an attempt ended, for the retry loop.
type outcome int

const (
	final       outcome = iota // success, or an error that sending again cannot fix
	retryable                  // sending again may succeed
	brokeOutput                // the response broke after output was delivered: retryable only with a reset
)

// BrokenStreamError is a response that broke off (a cut connection, an idle timeout, a stream
// that ended before its finish_reason) after text or speech had been passed to onEvent. Translate does not
// retry it, since the caller would get that output twice; TranslateRestartable does, after its
// reset.
type BrokenStreamError struct {
	Reason    string // one line: "connection reset", "no data from the server for 60s"
	RequestID string
	Err       error // the failure itself
}

func (e *BrokenStreamError) Error() string {
	s := "the stream broke after text was printed: " + e.Reason + "; not retried, to avoid printing it twice"
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

func (e *BrokenStreamError) Unwrap() error { return e.Err }

// transportReason classifies an error from sending a request or reading its response at the
// network level: a short reason, and whether sending again may help. Unknown errors are not
// retried: a retry loop over a mistake only delays the message.
func transportReason(err error) (reason string, transient bool) {
	var idle *IdleTimeoutError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &idle):
		return idle.Error(), true
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return "TLS certificate not accepted", false
	case errors.As(err, &recordErr):
		return "the server does not speak TLS", false
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "no such host " + oneLine(dnsErr.Name, 80), false
		}
		return "DNS lookup failed", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", true
	case errors.Is(err, syscall.EPIPE):
		return "connection closed while sending (broken pipe)", true
	case errors.Is(err, syscall.ECONNABORTED):
		return "connection aborted", true
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed in the middle of the response", true
	case errors.Is(err, io.EOF):
		return "the connection closed before a response", true
	case strings.Contains(err.Error(), "server closed idle connection"):
		// net/http's unexported errServerClosedIdle: a kept-alive connection the server had
		// dropped; a new one will do.
		return "the server closed an idle connection", true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "network timeout", true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return "network error (" + oneLine(opErr.Err.Error(), 80) + ")", true
	}
	return oneLine(err.Error(), 120), false
}
