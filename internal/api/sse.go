package api

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// SSEEvent is one server-sent event that carried data.
type SSEEvent struct {
	Type string // the "event:" field; "" when absent (a "message")
	ID   string // the last "id:" seen on the stream
	Data []byte // "data:" lines joined with "\n"; valid only until the next call of Next
}

// IsDone reports whether the event is the OpenAI-style end marker "data: [DONE]".
func (e SSEEvent) IsDone() bool { return string(bytes.TrimSpace(e.Data)) == "[DONE]" }

// SSEReader reads server-sent events (the WHATWG event-stream format) with no limit on line
// length but MaxEvent's: one speech chunk is a single data line that can run to megabytes, which
// the 64 KiB limits of bufio.Scanner and common SSE libraries would reject.
//
// Lines end in LF or CRLF (a lone CR is not taken as a line end: JSON never contains one raw).
// "field:value" and "field: value" are the same; lines starting with ':' are comments; several
// data lines in one event are joined with "\n"; a blank line ends the event. At end of input a
// pending event is still returned, so a final "data: [DONE]" without its blank line counts; a
// chunk cut off mid-line is left for the JSON decoder to reject.
//
// MaxEvent, when set, bounds an event's data (and any one line): a longer one ends the stream
// with ErrEventTooLong rather than growing memory without end. OnData, when set, is called as
// the data of an event arrives (each line, and each piece of a long line, that carries data), but
// not for comments, other fields or empty data lines: it tells a stream that is sending content
// from one that only keeps its connection alive.
type SSEReader struct {
	MaxEvent int
	OnData   func()

	r       *bufio.Reader
	line    []byte // holds a line longer than r's buffer
	data    []byte
	hasData bool
	typ     string
	lastID  string
	started bool
	err     error
}

// ErrEventTooLong is the error of an event (or a line) longer than SSEReader.MaxEvent.
var ErrEventTooLong = errors.New("an event of the stream is longer than its limit")

// sseBufferSize is the bufio buffer: most lines fit and are read without a copy.
const sseBufferSize = 64 << 10

// NewSSEReader returns a reader of the events in r. If r is a *bufio.Reader of at least 64 KiB
// it is used as is.
func NewSSEReader(r io.Reader) *SSEReader {
	return &SSEReader{r: bufio.NewReaderSize(r, sseBufferSize)}
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// Next returns the next event that has data. Events without data lines (only comments or
// fields) are skipped. At the end of input it returns io.EOF; other read errors are returned as
// they are, and every later call returns the same error.
func (s *SSEReader) Next() (SSEEvent, error) {
	if s.err != nil {
		return SSEEvent{}, s.err
	}
	s.data, s.hasData, s.typ = s.data[:0], false, ""
	for {
		line, err := s.readLine()
		if err != nil {
			s.err = err
			if err == io.EOF && s.hasData {
				return s.event(), nil
			}
			return SSEEvent{}, err
		}
		if !s.started {
			s.started = true
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if len(line) == 0 {
			if s.hasData {
				return s.event(), nil
			}
			s.typ = ""
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			field, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(field) {
		case "data":
			if s.hasData {
				s.data = append(s.data, '\n')
			}
			s.data = append(s.data, value...)
			s.hasData = true
			if s.MaxEvent > 0 && len(s.data) > s.MaxEvent {
				s.err = ErrEventTooLong
				return SSEEvent{}, s.err
			}
			if len(value) > 0 && s.OnData != nil {
				s.OnData()
			}
		case "event":
			s.typ = string(value)
		case "id":
			if bytes.IndexByte(value, 0) < 0 {
				s.lastID = string(value)
			}
		}
	}
}

func (s *SSEReader) event() SSEEvent {
	return SSEEvent{Type: s.typ, ID: s.lastID, Data: s.data}
}

// readLine returns the next line without its terminator, valid until the next call. A last line
// without a terminator is returned as a line; the call after it returns io.EOF.
func (s *SSEReader) readLine() ([]byte, error) {
	frag, err := s.r.ReadSlice('\n')
	switch {
	case err == nil:
		return trimEOL(frag), nil
	case err == io.EOF && len(frag) > 0:
		return trimEOL(frag), nil
	case err != bufio.ErrBufferFull:
		return nil, err
	}
	// A long line: gather its fragments. The buffer is kept for the next long line. A data line
	// is content arriving, piece by piece.
	s.line = append(s.line[:0], frag...)
	isData := bytes.HasPrefix(bytes.TrimPrefix(frag, utf8BOM), []byte("data"))
	for {
		frag, err = s.r.ReadSlice('\n')
		s.line = append(s.line, frag...)
		if s.MaxEvent > 0 && len(s.line) > s.MaxEvent {
			return nil, ErrEventTooLong
		}
		if isData && len(frag) > 0 && s.OnData != nil {
			s.OnData()
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil, io.EOF:
			return trimEOL(s.line), nil
		default:
			return nil, err
		}
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
