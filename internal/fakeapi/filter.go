package fakeapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
)

const (
	// dataURIHeaderMax bounds how far into a "data:" string the filter looks
	// for the comma that ends the media type; real headers are a few dozen bytes.
	dataURIHeaderMax = 256
	// sniffHeadMax is how much decoded media is kept for magic sniffing and
	// for parsing a WAV header.
	sniffHeadMax = 64 << 10
	// spoolMax is the largest decoded media the filter writes to a temporary
	// file for ffprobe; bigger media is only hashed and counted.
	spoolMax = 64 << 20
	// filterReadSize is the size of one read from the request body.
	filterReadSize = 32 << 10
	// base64Batch is how many Base64 characters are decoded at once.
	base64Batch = 32 << 10
)

// dataURIMarker replaces the payload of a diverted data URI in the JSON handed
// to encoding/json: the kept header, then a NUL (never valid in a real data
// URI), then the decimal index of the capture that holds the payload's facts.
const (
	dataURIMarker     = "\x00"
	dataURIMarkerJSON = `\u0000`
)

// errDataURITooLarge is returned by the filter as soon as one data URI
// reaches the configured limit.
var errDataURITooLarge = errors.New("data URI reached the size limit")

// capturedDataURI is what the filter learned about one "data:" string value
// while it streamed past: its size as sent, and, for Base64 payloads, the
// decoded bytes' count, digest, first bytes and (optionally) a spooled copy.
type capturedDataURI struct {
	Key        string // the object key the string was the value of, e.g. "data" or "url"
	Header     string // decoded header up to and including the comma, e.g. "data:audio/wav;base64,"
	Base64     bool   // header ends in ";base64,"
	URIBytes   int64  // length of the whole string value (escapes count as the character they encode)
	MediaBytes int64  // decoded byte count
	SHA256     string // hex digest of the decoded bytes
	Head       []byte // first sniffHeadMax decoded bytes
	DecodeErr  error  // first Base64 error, if any
	SpoolPath  string // temporary file holding all decoded bytes, when spooled

	sum       hash.Hash
	pending   []byte // Base64 characters not yet decoded (at most base64Batch+3)
	decoded   []byte // scratch for base64.Decode
	b64Offset int64  // Base64 characters decoded so far, for error offsets
	padded    bool   // the last decoded quantum had '=' padding
	spool     *os.File
	spoolDir  string
}

// MIME returns the media type of the data URI ("" when the header has none).
func (c *capturedDataURI) MIME() string {
	h := strings.TrimPrefix(c.Header, "data:")
	if i := strings.IndexAny(h, ";,"); i >= 0 {
		h = h[:i]
	}
	return h
}

// feed takes Base64 characters of the payload (already JSON-unescaped).
func (c *capturedDataURI) feed(chars []byte) {
	for len(chars) > 0 && c.DecodeErr == nil {
		take := min(base64Batch-len(c.pending), len(chars))
		for _, ch := range chars[:take] {
			// Go's and most other decoders skip line breaks; keep that leniency.
			if ch != '\r' && ch != '\n' {
				c.pending = append(c.pending, ch)
			}
		}
		chars = chars[take:]
		c.decodePending(false)
	}
}

// decodePending decodes whole quanta of pending characters (all of them when
// final, which makes an unpadded tail an error as in a strict decoder).
func (c *capturedDataURI) decodePending(final bool) {
	k := len(c.pending) &^ 3
	if final {
		k = len(c.pending)
	}
	if k == 0 || c.DecodeErr != nil {
		return
	}
	if c.padded {
		c.DecodeErr = fmt.Errorf("illegal base64 data at input byte %d", c.b64Offset)
		return
	}
	if c.decoded == nil {
		c.decoded = make([]byte, base64.StdEncoding.DecodedLen(base64Batch+4))
	}
	n, err := base64.StdEncoding.Decode(c.decoded, c.pending[:k])
	if err != nil {
		offset := c.b64Offset
		var corrupt base64.CorruptInputError
		if errors.As(err, &corrupt) {
			offset += int64(corrupt)
		}
		c.DecodeErr = fmt.Errorf("illegal base64 data at input byte %d", offset)
		return
	}
	c.padded = c.pending[k-1] == '='
	c.b64Offset += int64(k)
	c.pending = c.pending[:copy(c.pending, c.pending[k:])]
	c.emit(c.decoded[:n])
}

// emit accounts for decoded media bytes.
func (c *capturedDataURI) emit(b []byte) {
	c.sum.Write(b)
	c.MediaBytes += int64(len(b))
	if room := sniffHeadMax - len(c.Head); room > 0 {
		c.Head = append(c.Head, b[:min(room, len(b))]...)
	}
	if c.spool == nil {
		return
	}
	if c.MediaBytes == int64(len(b)) && isRIFF(b, "WAVE") {
		// A WAV header tells its own duration: no need for ffprobe.
		c.dropSpool()
		return
	}
	if c.MediaBytes > spoolMax {
		c.dropSpool()
		return
	}
	if _, err := c.spool.Write(b); err != nil {
		// Probing is best effort: without a spool the duration is estimated.
		c.dropSpool()
	}
}

func (c *capturedDataURI) startSpool() {
	f, err := os.CreateTemp(c.spoolDir, "fakeapi-media-*")
	if err != nil {
		return
	}
	c.spool = f
	c.SpoolPath = f.Name()
}

func (c *capturedDataURI) dropSpool() {
	if c.spool != nil {
		c.spool.Close()
		c.spool = nil
	}
	if c.SpoolPath != "" {
		os.Remove(c.SpoolPath)
		c.SpoolPath = ""
	}
}

// finish completes the capture at the string's closing quote.
func (c *capturedDataURI) finish() {
	if c.Base64 {
		c.decodePending(true)
	}
	c.SHA256 = hex.EncodeToString(c.sum.Sum(nil))
	if c.spool != nil {
		if err := c.spool.Close(); err != nil || c.DecodeErr != nil {
			c.spool = nil
			c.dropSpool()
		}
		c.spool = nil
	}
	c.pending, c.decoded = nil, nil
}

// filterState is where the filter stands in the JSON text.
type filterState int

const (
	stOutside filterState = iota // between strings
	stHeader                     // at the start of a string, deciding whether it is a data URI
	stPlain                      // inside an ordinary string, copied through
	stPayload                    // inside a Base64 data URI payload, diverted to the decoder
	stDrop                       // inside a non-Base64 data URI, counted and dropped
)

// unescaper decodes the body of a JSON string one byte at a time.
type unescaper struct {
	mode int // 0 plain, 1 after a backslash, 2 inside \uXXXX
	hexN int
	hexV rune
}

const (
	unescNone = -1 // inside an escape: no character yet
	unescEnd  = -2 // the closing quote
)

func (u *unescaper) idle() bool { return u.mode == 0 }

// step consumes one raw byte and returns the decoded byte, unescNone or
// unescEnd. Characters that cannot occur in a data URI header or Base64
// (non-ASCII \u escapes, unknown escapes) decode to 0xFF, which every later
// check rejects.
func (u *unescaper) step(b byte) int {
	switch u.mode {
	case 1:
		u.mode = 0
		switch b {
		case '"', '\\', '/':
			return int(b)
		case 'b':
			return '\b'
		case 'f':
			return '\f'
		case 'n':
			return '\n'
		case 'r':
			return '\r'
		case 't':
			return '\t'
		case 'u':
			u.mode, u.hexN, u.hexV = 2, 0, 0
			return unescNone
		}
		return 0xFF
	case 2:
		v, ok := hexDigit(b)
		if !ok {
			u.mode = 0
			return 0xFF
		}
		u.hexV = u.hexV<<4 | v
		u.hexN++
		if u.hexN < 4 {
			return unescNone
		}
		u.mode = 0
		if u.hexV < 0x80 {
			return int(u.hexV)
		}
		return 0xFF
	}
	switch b {
	case '\\':
		u.mode = 1
		return unescNone
	case '"':
		return unescEnd
	}
	return int(b)
}

func hexDigit(b byte) (rune, bool) {
	switch {
	case b >= '0' && b <= '9':
		return rune(b - '0'), true
	case b >= 'a' && b <= 'f':
		return rune(b-'a') + 10, true
	case b >= 'A' && b <= 'F':
		return rune(b-'A') + 10, true
	}
	return 0, false
}

// dataURIFilter copies a JSON request body but diverts the payload of every
// string value that starts with "data:". A Base64 payload goes through a
// decoder into a digest, a byte count, a small head buffer and optionally a
// spool file; any other data URI payload is only counted. In the JSON passed
// on, the payload is replaced by dataURIMarker and the capture's index, so a
// 300 MB body decodes as a few hundred bytes of JSON and memory stays flat.
type dataURIFilter struct {
	src      io.Reader
	limit    int64 // 0: no limit
	spool    bool
	spoolDir string

	in     []byte
	out    []byte
	outPos int
	err    error

	state        filterState
	esc          unescaper
	plainEscaped bool
	hdrRaw       []byte // raw JSON bytes of the string so far (stHeader)
	hdrVal       []byte // decoded characters of the string so far (stHeader)
	plainHead    []byte // first bytes of the current ordinary string (stPlain)
	lastShort    string // the last short string: the key before a value
	cur          *capturedDataURI
	captures     []*capturedDataURI
}

// newDataURIFilter wraps src. limit > 0 makes any data URI whose length
// reaches limit an error; spool keeps a temporary copy of each decoded
// payload up to spoolMax bytes in dir, for ffprobe.
func newDataURIFilter(src io.Reader, limit int64, spool bool, dir string) *dataURIFilter {
	return &dataURIFilter{src: src, limit: limit, spool: spool, spoolDir: dir, in: make([]byte, filterReadSize)}
}

// Read implements io.Reader over the filtered JSON.
func (f *dataURIFilter) Read(p []byte) (int, error) {
	for f.outPos >= len(f.out) {
		if f.err != nil {
			return 0, f.err
		}
		f.out, f.outPos = f.out[:0], 0
		n, err := f.src.Read(f.in)
		if n > 0 {
			if perr := f.process(f.in[:n]); perr != nil {
				f.err = perr
			}
		}
		if err != nil && f.err == nil {
			if err == io.EOF && f.state == stHeader {
				// An unterminated string: hand on what was held back so the
				// JSON decoder reports the syntax error.
				f.out = append(f.out, f.hdrRaw...)
			}
			f.err = err
		}
	}
	n := copy(p, f.out[f.outPos:])
	f.outPos += n
	return n, nil
}

// Captures returns what was learned about each data URI, in body order.
func (f *dataURIFilter) Captures() []*capturedDataURI { return f.captures }

// Current returns the data URI being read when the filter stopped, if any.
func (f *dataURIFilter) Current() *capturedDataURI { return f.cur }

// Close removes the spool files.
func (f *dataURIFilter) Close() {
	for _, c := range f.captures {
		c.dropSpool()
	}
}

// keyMax is the longest key the filter remembers for naming the field of
// an oversized data URI.
const keyMax = 32

// notePlain keeps the first bytes of an ordinary string (raw, with its
// closing quote when it ends here).
func (f *dataURIFilter) notePlain(raw []byte) {
	if room := keyMax + 1 - len(f.plainHead); room > 0 {
		f.plainHead = append(f.plainHead, raw[:min(room, len(raw))]...)
	}
}

func indexQuoteOrBackslash(b []byte) int {
	return bytes.IndexAny(b, "\"\\")
}

func (f *dataURIFilter) process(data []byte) error {
	for i := 0; i < len(data); {
		switch f.state {
		case stOutside:
			j := bytes.IndexByte(data[i:], '"')
			if j < 0 {
				f.out = append(f.out, data[i:]...)
				return nil
			}
			f.out = append(f.out, data[i:i+j+1]...)
			i += j + 1
			f.state = stHeader
			f.hdrRaw, f.hdrVal = f.hdrRaw[:0], f.hdrVal[:0]
			f.esc = unescaper{}

		case stPlain:
			if f.plainEscaped {
				f.notePlain(data[i : i+1])
				f.out = append(f.out, data[i])
				i++
				f.plainEscaped = false
				continue
			}
			j := indexQuoteOrBackslash(data[i:])
			if j < 0 {
				f.notePlain(data[i:])
				f.out = append(f.out, data[i:]...)
				return nil
			}
			f.notePlain(data[i : i+j+1])
			f.out = append(f.out, data[i:i+j+1]...)
			if data[i+j] == '\\' {
				f.plainEscaped = true
			} else {
				f.state = stOutside
				f.lastShort = ""
				if n := len(f.plainHead) - 1; n < keyMax {
					f.lastShort = string(f.plainHead[:n])
				}
			}
			i += j + 1

		case stHeader:
			b := data[i]
			i++
			f.hdrRaw = append(f.hdrRaw, b)
			c := f.esc.step(b)
			if c == unescNone {
				continue
			}
			if c == unescEnd {
				// The whole string fitted in the header: it is copied as is.
				f.out = append(f.out, f.hdrRaw...)
				f.lastShort = string(f.hdrVal)
				f.state = stOutside
				continue
			}
			f.hdrVal = append(f.hdrVal, byte(c))
			if err := f.classify(byte(c)); err != nil {
				return err
			}

		case stPayload, stDrop:
			if f.esc.idle() {
				j := indexQuoteOrBackslash(data[i:])
				if j < 0 {
					j = len(data) - i
				}
				if j > 0 {
					if err := f.payload(data[i : i+j]); err != nil {
						return err
					}
					i += j
					continue
				}
			}
			c := f.esc.step(data[i])
			i++
			switch c {
			case unescNone:
			case unescEnd:
				f.cur.finish()
				f.cur = nil
				f.out = append(f.out, '"')
				f.state = stOutside
			default:
				if err := f.payload([]byte{byte(c)}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// classify decides, one decoded header character at a time, whether the
// string is a data URI, and diverts its payload once the header is complete.
func (f *dataURIFilter) classify(c byte) error {
	const scheme = "data:"
	n := len(f.hdrVal)
	if n <= len(scheme) {
		if string(f.hdrVal) != scheme[:n] {
			f.out = append(f.out, f.hdrRaw...)
			f.plainHead = append(f.plainHead[:0], f.hdrRaw...)
			f.state, f.plainEscaped = stPlain, false
		}
		return nil
	}
	switch {
	case c == ',':
		header := string(f.hdrVal)
		f.startCapture(header, strings.HasSuffix(header, ";base64,"))
	case n >= dataURIHeaderMax:
		// No comma in sight: not a usable data URI, but still counted
		// against the limit and kept out of memory.
		f.startCapture(string(f.hdrVal), false)
	default:
		return nil
	}
	return f.checkLimit()
}

func (f *dataURIFilter) startCapture(header string, b64 bool) {
	c := &capturedDataURI{Key: f.lastShort, Header: header, Base64: b64, URIBytes: int64(len(f.hdrVal)), sum: sha256.New(), spoolDir: f.spoolDir}
	if b64 && f.spool {
		c.startSpool()
	}
	f.out = append(f.out, f.hdrRaw...)
	f.out = append(f.out, dataURIMarkerJSON...)
	f.out = strconv.AppendInt(f.out, int64(len(f.captures)), 10)
	f.captures = append(f.captures, c)
	f.cur = c
	f.esc = unescaper{}
	if b64 {
		f.state = stPayload
	} else {
		f.state = stDrop
	}
}

// payload accounts for decoded payload characters of the current capture.
func (f *dataURIFilter) payload(chars []byte) error {
	f.cur.URIBytes += int64(len(chars))
	if err := f.checkLimit(); err != nil {
		return err
	}
	if f.state == stPayload {
		f.cur.feed(chars)
	}
	return nil
}

// checkLimit enforces "must be under limit": a data URI whose length has
// reached the limit can only end at or above it.
func (f *dataURIFilter) checkLimit() error {
	if f.limit > 0 && f.cur != nil && f.cur.URIBytes >= f.limit {
		f.cur.dropSpool()
		return errDataURITooLarge
	}
	return nil
}
