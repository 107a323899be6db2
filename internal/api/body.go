package api

import (
	"context"
	"errors"
	"io"
	"sync"
)

// errRequestOver closes the request body pipe once an attempt is over, so a body writer still
// running stops at its next write.
var errRequestOver = errors.New("request over")

// requestBody is one attempt's request body: the JSON is produced while it is sent, by a
// writer goroutine feeding a pipe that the transport reads, so only buffers, never the media,
// are held in memory. The writer starts on the transport's first Read, not before: an attempt
// that fails before sending anything (connection refused) has not touched the media, which is
// what lets a request whose Media.Body can be read only once still be retried then.
type requestBody struct {
	req    *Request
	frame  bodyFrame
	onSent func() // called once the whole body has been handed to the transport

	pr *io.PipeReader
	pw *io.PipeWriter

	once    sync.Once
	started bool          // set inside once: read it only after once.Do returned
	done    chan struct{} // closed when the writer has ended
	err     error         // the writer's error; valid once done is closed
}

func newRequestBody(req *Request, frame bodyFrame, onSent func()) *requestBody {
	pr, pw := io.Pipe()
	return &requestBody{req: req, frame: frame, onSent: onSent, pr: pr, pw: pw, done: make(chan struct{})}
}

func (b *requestBody) Read(p []byte) (int, error) {
	b.once.Do(b.start)
	return b.pr.Read(p)
}

// Close is the transport saying it is done with the body, early or not.
func (b *requestBody) Close() error {
	b.pr.CloseWithError(errRequestOver)
	return nil
}

func (b *requestBody) start() {
	b.started = true
	go func() {
		defer close(b.done)
		b.err = b.req.writeFramed(b.pw, b.frame)
		b.pw.CloseWithError(b.err) // nil: the transport sees io.EOF
		if b.err == nil && b.onSent != nil {
			b.onSent()
		}
	}()
}

// finish stops the writer and waits for it, so no goroutine outlives the attempt, and reports
// whether it had started (the media was read). If ctx is done the writer may be blocked
// reading the media; it is not waited for then, and ends at its next write.
func (b *requestBody) finish(ctx context.Context) (started bool) {
	b.pr.CloseWithError(errRequestOver)
	b.once.Do(func() {}) // from here on no writer starts
	if !b.started {
		return false
	}
	select {
	case <-b.done:
	case <-ctx.Done():
	}
	return true
}

// failure stops the writer and returns its own failure (reading the media), if that is why
// the attempt failed; failures of the pipe itself are the transport's story.
func (b *requestBody) failure(ctx context.Context) error {
	if !b.finish(ctx) {
		return nil
	}
	select {
	case <-b.done:
	default:
		return nil
	}
	if b.err != nil && !errors.Is(b.err, errRequestOver) && !errors.Is(b.err, io.ErrClosedPipe) {
		return b.err
	}
	return nil
}
