package api

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Kind says how the media is sent: as input_audio or as video_url. It is the one kind of media
// the whole program uses: internal/media decides it for an input, and a request sends by it.
type Kind int

// The kinds of media the endpoint takes; the zero Kind is unknown, and a request refuses it.
const (
	Audio Kind = iota + 1 // sent as an input_audio part with a format
	Video                 // sent as a video_url part; the model also sees the pictures
)

// String returns "audio" or "video" ("unknown" for the zero Kind).
func (k Kind) String() string {
	switch k {
	case Audio:
		return "audio"
	case Video:
		return "video"
	case 0:
		return "unknown"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MaxDataURISize is the service's limit on one data URI as sent: a URI of this many bytes or
// more is refused with HTTP 400 "Exceeded limit on max bytes per data-uri item : 10485760".
const MaxDataURISize = 10 << 20

// Media is the single content item of the user message: a URL, or raw bytes from Open or Body.
//
// Open is what makes a request retryable: Client.Translate calls it at most once per attempt,
// when the transport starts reading that attempt's body, and closes what it returns once the
// body is written (or the attempt is over). Body is the single-shot alternative for a reader
// that cannot be read twice (a pipe, stdin): a request whose Body was read is never retried,
// whatever Client.Retry says; it is retried only when it failed before its body was read, as
// when the connection is refused. Set one of URL, Open and Body.
type Media struct {
	Kind   Kind
	Format string                        // input_audio.format, e.g. "mp3", "wav" (audio only)
	MIME   string                        // MIME for the data URL, e.g. "audio/mpeg", "video/mp4"; "" for audio means "audio/"+Format
	URL    string                        // if non-empty an http(s) URL sent as-is (no Body or Open)
	Open   func() (io.ReadCloser, error) // opens the raw media bytes afresh, once per attempt
	Body   io.Reader                     // raw media bytes, read once; Base64-encoded into the JSON body while it is sent
	Size   int64                         // raw byte size of the media if known, else -1
}

// hasBytes reports whether the media is sent inline, from Open or Body.
func (m *Media) hasBytes() bool { return m.Open != nil || m.Body != nil }

// open returns the raw media bytes for one writing of the body, and the function that closes
// them (a no-op for Body, which belongs to the caller).
func (m *Media) open() (io.Reader, func(), error) {
	if m.Open == nil {
		return m.Body, func() {}, nil
	}
	rc, err := m.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("opening media: %w", err)
	}
	if rc == nil {
		return nil, nil, errors.New("opening media: Open returned no reader")
	}
	return rc, func() { rc.Close() }, nil // a read-only source: its Close has nothing to report
}

// DataURISize returns the length in bytes of the data URI for n raw bytes with this MIME:
// len("data:"+mime+";base64,") + base64.StdEncoding.EncodedLen(n).
func DataURISize(mime string, n int64) int64 {
	return int64(len("data:"+mime+";base64,")) + encodedLen(n)
}

// encodedLen is base64.StdEncoding.EncodedLen for int64, which files over 2 GiB need on 32-bit.
func encodedLen(n int64) int64 { return (n + 2) / 3 * 4 }

// AudioOutput asks for speech as well as text.
type AudioOutput struct {
	Voice  string `json:"voice"`
	Format string `json:"format"` // always "wav" ("" is sent as "wav"); the chunks are raw PCM nonetheless
}

// Request is one translation request. Pointer fields are omitted from the body when nil, so the
// service's defaults apply.
type Request struct {
	Model        string
	Media        Media
	Stream       bool   // false => "stream": false, and no stream_options
	IncludeUsage bool   // only sent when Stream
	SourceLang   string // language code; "" => omitted, the model detects it
	TargetLang   string // language code, required
	Audio        *AudioOutput
	Sampling     Sampling
}

// bodyFrame is the request body around the media bytes: head ends with the opening quote of the
// data string, tail starts with its closing quote. For a URL the escaped URL ends head.
type bodyFrame struct {
	head, tail []byte
	encode     bool // Base64-encode Media.Body between head and tail
}

// bodyTail is everything after "messages", in the order the reference lists it.
type bodyTail struct {
	Stream             bool               `json:"stream"`
	StreamOptions      *streamOptions     `json:"stream_options,omitempty"`
	Modalities         []string           `json:"modalities"`
	Audio              *AudioOutput       `json:"audio,omitempty"`
	TranslationOptions translationOptions `json:"translation_options"`
	Sampling                              // its fields, at the top level
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type translationOptions struct {
	SourceLang string `json:"source_lang,omitempty"`
	TargetLang string `json:"target_lang"`
}

// frame checks the request and renders the JSON around the media data.
func (r *Request) frame() (bodyFrame, error) {
	if r.Model == "" {
		return bodyFrame{}, errors.New("no model")
	}
	if r.TargetLang == "" {
		return bodyFrame{}, errors.New("no target language")
	}
	m := r.Media
	var data []byte // the escaped content of the data string, up to where the Base64 goes
	encode := false
	switch {
	case m.URL != "":
		if m.hasBytes() {
			return bodyFrame{}, errors.New("media has both a URL and a body")
		}
		lower := strings.ToLower(m.URL)
		if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
			return bodyFrame{}, fmt.Errorf("media URL %q is not http(s)", m.URL)
		}
		data = jsonStringContent(m.URL)
	case m.Body != nil && m.Open != nil:
		return bodyFrame{}, errors.New("media has both Body and Open; set one")
	case m.hasBytes():
		mime := m.MIME
		if mime == "" {
			if m.Kind != Audio || m.Format == "" {
				return bodyFrame{}, errors.New("media has no MIME type")
			}
			mime = "audio/" + m.Format
		}
		data = jsonStringContent("data:" + mime + ";base64,")
		encode = true
	default:
		return bodyFrame{}, errors.New("media has neither a URL nor a body")
	}

	var head, tail []byte
	head = append(head, `{"model":`...)
	head = append(head, jsonString(r.Model)...)
	head = append(head, `,"messages":[{"role":"user","content":[`...)
	switch m.Kind {
	case Audio:
		if m.Format == "" {
			return bodyFrame{}, errors.New("audio media has no format")
		}
		head = append(head, `{"type":"input_audio","input_audio":{"data":"`...)
		tail = append(tail, `","format":`...)
		tail = append(tail, jsonString(m.Format)...)
		tail = append(tail, `}}`...)
	case Video:
		head = append(head, `{"type":"video_url","video_url":{"url":"`...)
		tail = append(tail, `"}}`...)
	default:
		return bodyFrame{}, fmt.Errorf("unknown media kind %d", int(m.Kind))
	}
	head = append(head, data...)
	tail = append(tail, `]}]`...)

	t := bodyTail{
		Stream:             r.Stream,
		Modalities:         []string{"text"},
		TranslationOptions: translationOptions{SourceLang: r.SourceLang, TargetLang: r.TargetLang},
		Sampling:           r.Sampling,
	}
	if r.Stream {
		t.StreamOptions = &streamOptions{IncludeUsage: r.IncludeUsage}
	}
	if r.Audio != nil {
		a := *r.Audio
		if a.Voice == "" {
			return bodyFrame{}, errors.New("speech asked for without a voice")
		}
		if a.Format == "" {
			a.Format = "wav"
		}
		t.Audio = &a
		t.Modalities = []string{"text", "audio"}
	}
	rest, err := json.Marshal(t)
	if err != nil {
		return bodyFrame{}, fmt.Errorf("encoding request options: %w", err)
	}
	// rest is {"stream":…}: its opening brace becomes the comma after "messages", its closing
	// brace closes the whole body.
	tail = append(tail, ',')
	tail = append(tail, rest[1:]...)
	return bodyFrame{head: head, tail: tail, encode: encode}, nil
}

// BodySize returns the exact byte length WriteBody will produce when Media.Size >= 0 (or the
// media is a URL), else -1. It is also -1 when the request is invalid (WriteBody says why).
func (r *Request) BodySize() int64 {
	f, err := r.frame()
	if err != nil {
		return -1
	}
	return f.size(r.Media.Size)
}

func (f bodyFrame) size(mediaSize int64) int64 {
	n := int64(len(f.head) + len(f.tail))
	if f.encode {
		if mediaSize < 0 {
			return -1
		}
		n += encodedLen(mediaSize)
	}
	return n
}

// WriteBody writes the JSON request body to w, Base64-encoding the media (from Media.Open,
// which it calls and closes, or Media.Body) as it goes through a buffered encoder, never
// holding the whole media in memory. When Media.Size >= 0 the media must hold exactly that
// many bytes (the HTTP Content-Length depends on it); media that is shorter or longer is an
// error.
func (r *Request) WriteBody(w io.Writer) error {
	f, err := r.frame()
	if err != nil {
		return fmt.Errorf("invalid request: %w", err)
	}
	return r.writeFramed(w, f)
}

// errMediaTooLong is the cause when Media.Body holds more bytes than Media.Size says.
var errMediaTooLong = errors.New("media is longer than its declared size")

// writeBufferSize is the size of the buffer between the Base64 encoder and w: large enough that
// a pipe or socket sees few, big writes.
const writeBufferSize = 64 << 10

func (r *Request) writeFramed(w io.Writer, f bodyFrame) error {
	bw := bufio.NewWriterSize(w, writeBufferSize)
	if _, err := bw.Write(f.head); err != nil {
		return fmt.Errorf("writing request body: %w", err)
	}
	if f.encode {
		src, closeSrc, err := r.Media.open()
		if err != nil {
			return err
		}
		err = encodeMedia(bw, src, r.Media.Size)
		closeSrc()
		if err != nil {
			return err
		}
	}
	if _, err := bw.Write(f.tail); err != nil {
		return fmt.Errorf("writing request body: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing request body: %w", err)
	}
	return nil
}

// mediaBlock is how much media is encoded at a time: a multiple of 3, so no Base64 group spans
// two blocks and no padding appears before the end; its encoding (64 KiB) is one write.
const mediaBlock = 48 << 10

// encodeMedia reads body a block at a time, Base64-encodes each block and writes it to bw,
// checking the total against size when known. Errors reading body and writing bw are told apart
// so the caller can say which side failed.
func encodeMedia(bw *bufio.Writer, body io.Reader, size int64) error {
	src := body
	if size >= 0 {
		src = io.LimitReader(body, size)
	}
	in := make([]byte, mediaBlock)
	out := make([]byte, base64.StdEncoding.EncodedLen(mediaBlock))
	var n int64
	for {
		// A full block unless the media ends: a short read mid-way must not end a group early.
		k, err := io.ReadFull(src, in)
		if k > 0 {
			n += int64(k)
			enc := out[:base64.StdEncoding.EncodedLen(k)]
			encodeBase64(enc, in[:k])
			if _, werr := bw.Write(enc); werr != nil {
				return fmt.Errorf("writing request body: %w", werr)
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading media: %w", err)
		}
	}
	if size >= 0 {
		if n < size {
			return fmt.Errorf("reading media: %w: got %d of %d bytes", io.ErrUnexpectedEOF, n, size)
		}
		var probe [1]byte
		if k, err := io.ReadFull(body, probe[:]); k > 0 {
			return fmt.Errorf("reading media: %w (%d bytes)", errMediaTooLong, size)
		} else if err != nil && err != io.EOF {
			return fmt.Errorf("reading media: %w", err)
		}
	}
	return nil
}

// readErrorReader remembers the error of the reader it wraps, other than io.EOF.
type readErrorReader struct {
	r   io.Reader
	err error
}

func (r *readErrorReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// jsonString returns s as a JSON string literal, quotes included.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// jsonStringContent returns s escaped for JSON, without the surrounding quotes.
func jsonStringContent(s string) []byte {
	b := jsonString(s)
	return b[1 : len(b)-1]
}
