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
)

// Client sends translation requests to one endpoint.
type Client struct {
	BaseURL   string       // e.g. https://dashscope-intl.aliyuncs.com/compatible-mode/v1; requests go to BaseURL+"/chat/completions"
	APIKey    string       // sent as "Authorization: Bearer …"; never part of an error
	HTTP      *http.Client // nil => http.DefaultClient, which has no overall timeout: ctx bounds a request
	UserAgent string
}

// errRequestOver closes the request body pipe once Translate returns, so a body writer still
// running stops at its next write.
var errRequestOver = errors.New("request over")

// Translate sends req and calls onEvent for every chunk as it arrives, in order (text and
// speech interleaved as the service sends them). onEvent may be nil.
//
// Errors: *Error for a refusal by the service (any non-200 status, or an error object inside a
// 200 response); *ProtocolError for a response that breaks the protocol, including a stream
// that ends without data: [DONE] or without a finish_reason; an error wrapping ctx.Err() when
// ctx ends first; an error wrapping the one onEvent returned, which stops the request.
//
// The returned Result is non-nil once a response arrived, even with an error, so that the
// request id and whatever usage was reported can still be recorded.
func (c *Client) Translate(ctx context.Context, req *Request, onEvent func(Event) error) (*Result, error) {
	if req == nil {
		return nil, errors.New("invalid request: nil")
	}
	frame, err := req.frame()
	if err != nil {
		return nil, fmt.Errorf("invalid request: %w", err)
	}
	if strings.ContainsFunc(c.APIKey, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, errors.New("the API key contains control characters (a stray newline?)")
	}
	endpoint := strings.TrimRight(c.BaseURL, "/") + "/chat/completions"

	// The body is produced while it is sent: WriteBody runs into a pipe that the transport
	// reads from, so only buffers, never the media, are held in memory.
	pr, pw := io.Pipe()
	writeDone := make(chan struct{})
	var writeErr error
	go func() {
		defer close(writeDone)
		writeErr = req.writeFramed(pw, frame)
		pw.CloseWithError(writeErr) // nil: the transport sees io.EOF
	}()
	// Whatever happens, stop the writer and wait for it, so no goroutine outlives the call. If
	// ctx is done the writer may be blocked reading Media.Body; it ends at its next write.
	defer func() {
		pr.CloseWithError(errRequestOver)
		select {
		case <-writeDone:
		case <-ctx.Done():
		}
	}()
	// bodyError reports the writer's own failure (reading the media), if that is why the
	// request failed; failures of the pipe itself are the transport's story.
	bodyError := func() error {
		pr.CloseWithError(errRequestOver)
		select {
		case <-writeDone:
		case <-ctx.Done():
			return nil
		}
		if writeErr != nil && !errors.Is(writeErr, errRequestOver) && !errors.Is(writeErr, io.ErrClosedPipe) {
			return writeErr
		}
		return nil
	}

	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, pr)
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

	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("sending the request: %w", ctx.Err())
		}
		if berr := bodyError(); berr != nil {
			return nil, berr
		}
		return nil, fmt.Errorf("sending the request: %w", err)
	}
	defer resp.Body.Close()

	res := &Result{RequestID: redact(oneLine(resp.Header.Get("X-Request-Id"), 100), c.APIKey)}
	if resp.StatusCode != http.StatusOK {
		e := errorFromResponse(resp, c.APIKey)
		if ctx.Err() != nil {
			return res, fmt.Errorf("reading the error response: %w", ctx.Err())
		}
		if e.RequestID != "" {
			res.RequestID = e.RequestID
		}
		return res, e
	}

	body := bufio.NewReaderSize(resp.Body, sseBufferSize)
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	isStream := mediaType == "text/event-stream"
	if !isStream {
		// A proxy may drop or replace the content type; an event stream still starts with
		// "data:", which no JSON document can.
		peek, _ := body.Peek(5)
		isStream = bytes.Equal(peek, []byte("data:"))
	}
	switch {
	case isStream:
		err = readStream(body, res, c.APIKey, onEvent)
	case mediaType == "application/json":
		err = readCompletion(body, res, c.APIKey, onEvent)
	case ctx.Err() != nil:
		err = ctx.Err()
	default:
		err = &ProtocolError{
			Msg:       redact(unexpectedBody(resp.Header.Get("Content-Type"), peekText(body)), c.APIKey),
			RequestID: res.RequestID,
		}
	}
	if err != nil {
		var cb *callbackError
		if errors.As(err, &cb) {
			return res, fmt.Errorf("handling the response: %w", cb.err)
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("reading the response: %w", ctx.Err())
		}
		return res, err
	}
	return res, nil
}

// peekText returns what is buffered of a body, for an error message.
func peekText(r *bufio.Reader) []byte {
	b, _ := r.Peek(200) // fewer bytes at the end of the body, with an error that does not matter here
	return b
}
