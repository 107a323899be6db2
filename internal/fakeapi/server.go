package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxDataURI is the service's limit on one data URI as sent.
const DefaultMaxDataURI = 10485760

// DefaultCreated is the "created" timestamp when Options.Clock is nil: the
// reference's own example, so output is reproducible.
const DefaultCreated = 1764755440

// drainMax bounds how much of a refused request body is read and discarded,
// so that a client still sending learns the answer instead of a reset.
const drainMax = 1 << 30

// Options configures a Server.
type Options struct {
	// APIKey is the bearer key every request must carry. When empty, any
	// non-empty key is accepted; a missing key is always refused.
	APIKey string
	// MaxDataURI is the size limit on each data URI as sent: one of that
	// length or longer is refused. 0 means DefaultMaxDataURI unless NoLimit.
	MaxDataURI int64
	// NoLimit disables the data URI limit.
	NoLimit bool
	// Latency delays the first byte of every answer.
	Latency time.Duration
	// ChunkDelay paces stream events.
	ChunkDelay time.Duration
	// Clock gives the "created" timestamp; nil means the fixed DefaultCreated.
	Clock func() time.Time
	// NoProbe keeps ffprobe out even when it is on PATH, so that durations of
	// media other than WAV are "unknown length" on every machine.
	NoProbe bool
	// FFprobe is the ffprobe binary; "" looks it up on PATH.
	FFprobe string
	// TempDir holds spooled media for ffprobe; "" is os.TempDir().
	TempDir string
	// OnRequest, when set, is called with each request's record as soon as
	// its status is decided (the standalone server logs with it).
	OnRequest func(Recorded)
}

// Recorded is what the emulator saw of one request.
type Recorded struct {
	Model        string
	Stream       bool
	IncludeUsage bool
	Modalities   []string
	Voice        string
	SourceLang   string
	TargetLang   string
	ContentType  string         // "input_audio" | "video_url"
	Format       string         // input_audio.format
	MIME         string         // from the data URL
	URL          string         // when a plain http(s) URL was sent
	MediaBytes   int64          // decoded byte count
	MediaSHA256  string         // hex of decoded bytes
	DataURIBytes int64          // length of the data URI string as sent (when refused for size: where reading stopped)
	Params       map[string]any // sampling params as received, decoded by encoding/json (numbers are float64)
	Status       int            // HTTP status answered (0: connection reset)
	RequestID    string         // the x-request-id answered
	Seconds      float64        // the media's duration as measured (WAV header or ffprobe); 0 when unknown
	VideoStream  bool           // ffprobe found a picture stream in the media
}

// Fault kinds; see the package documentation.
const (
	FaultStatus        = "status"
	FaultReset         = "reset"
	FaultBreak         = "break"
	FaultMalformed     = "malformed"
	FaultNoDone        = "nodone"
	FaultStall         = "stall"
	FaultInStreamError = "instream-error"
	FaultLength        = "length"
	FaultHugeLine      = "hugeline"
	FaultSSEError400   = "sse-error-400"
	FaultHTML          = "html"
	FaultEmpty         = "empty"
	FaultNoUsage       = "nousage"
	FaultEndless       = "endless"
	FaultComments      = "comments"
)

// FaultKinds lists every fault kind.
func FaultKinds() []string {
	return []string{FaultStatus, FaultReset, FaultBreak, FaultMalformed, FaultNoDone, FaultStall,
		FaultInStreamError, FaultLength, FaultHugeLine, FaultSSEError400, FaultHTML, FaultEmpty,
		FaultNoUsage, FaultEndless, FaultComments}
}

// Fault makes the emulator misbehave on purpose.
type Fault struct {
	Kind       string
	Status     int    // status, sse-error-400, html: the HTTP status (defaults 500, 400, 502)
	Code       string // status, sse-error-400, instream-error: error.code (default by status or kind)
	Message    string // status, sse-error-400, instream-error: error.message (default by code)
	RetryAfter string // status: the Retry-After header, when set
	Times      int    // how many requests it applies to; 0 = all until cleared
	After      int    // break, stall, instream-error, malformed, hugeline, length, endless, comments: content chunks sent first
}

// Limit makes the emulator busy: it serves at most InFlight requests at once and refuses the
// others with 429 limit_requests, as the service does when an account's rate limit is reached.
// It is opt-in (SetLimit); the zero value is no limit.
type Limit struct {
	InFlight   int           // requests answered at once; 0 = no limit
	Hold       time.Duration // how long each admitted request takes before its answer starts
	RetryAfter string        // the Retry-After header of the refusals, when set
}

// Server is the emulator; it implements http.Handler.
type Server struct {
	opts       Options
	limit      int64
	probe      string
	wordSpeech string // Base64 of one word of speech
	counter    atomic.Uint64

	mu        sync.Mutex
	fault     *Fault
	faultLeft int
	requests  []Recorded
	busy      Limit
	inFlight  int
}

// New returns an emulator configured by opts.
func New(opts Options) *Server {
	s := &Server{opts: opts, limit: opts.MaxDataURI, wordSpeech: base64.StdEncoding.EncodeToString(wordPCM())}
	switch {
	case opts.NoLimit:
		s.limit = 0
	case s.limit <= 0:
		s.limit = DefaultMaxDataURI
	}
	if !opts.NoProbe {
		path := opts.FFprobe
		if path == "" {
			path = "ffprobe"
		}
		if p, err := exec.LookPath(path); err == nil {
			s.probe = p
		}
	}
	return s
}

func (s *Server) clock() time.Time {
	if s.opts.Clock != nil {
		return s.opts.Clock()
	}
	return time.Unix(DefaultCreated, 0)
}

// SetFault makes the next f.Times valid requests (all of them when Times is
// 0) misbehave as f says, replacing any fault set before.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault, s.faultLeft = &f, f.Times
}

// ClearFaults makes the emulator behave again.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault, s.faultLeft = nil, 0
}

// SetLimit makes the emulator answer at most l.InFlight requests at once, refusing the others
// with 429; a zero Limit lifts it.
func (s *Server) SetLimit(l Limit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = l
}

// admit counts a request in flight, or reports false (and the limit) when the emulator is full.
// An admitted request calls the returned func when its answer is over.
func (s *Server) admit() (ok bool, l Limit, done func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l = s.busy
	if l.InFlight > 0 && s.inFlight >= l.InFlight {
		return false, l, nil
	}
	s.inFlight++
	return true, l, func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}
}

// takeFault returns the fault for one valid request, counting it down.
func (s *Server) takeFault() *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault == nil {
		return nil
	}
	f := *s.fault
	if s.fault.Times > 0 {
		s.faultLeft--
		if s.faultLeft <= 0 {
			s.fault = nil
		}
	}
	return &f
}

// Requests returns a copy of every request seen so far, in the order their
// answers were decided.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Recorded, len(s.requests))
	for i, r := range s.requests {
		r.Modalities = append([]string(nil), r.Modalities...)
		if r.Params != nil {
			p := make(map[string]any, len(r.Params))
			for k, v := range r.Params {
				p[k] = v
			}
			r.Params = p
		}
		out[i] = r
	}
	return out
}

func (s *Server) record(r Recorded) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(r)
	}
}

// requestUUID derives a UUID-shaped request id from the request counter, so
// ids are reproducible across runs.
func requestUUID(n uint64) string {
	h := sha256.Sum256([]byte("livetranslate-fakeapi-request-" + strconv.FormatUint(n, 10)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

var routes = map[string]bool{
	"/compatible-mode/v1/chat/completions": true,
	"/v1/chat/completions":                 true,
	"/chat/completions":                    true,
}

// ServeHTTP answers one request as the service would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := requestUUID(s.counter.Add(1))
	w.Header().Set("X-Request-Id", id)
	ex := &exchange{s: s, w: w, r: r, id: id, rec: Recorded{RequestID: id}}
	ex.serve()
}

// exchange is one request being answered.
type exchange struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	id       string
	rec      Recorded
	recorded bool
}

func (ex *exchange) drain() {
	io.Copy(io.Discard, io.LimitReader(ex.r.Body, drainMax))
}

func (ex *exchange) record(status int) {
	if ex.recorded {
		return
	}
	ex.recorded = true
	ex.rec.Status = status
	ex.s.record(ex.rec)
}

func (ex *exchange) serve() {
	r := ex.r
	if !routes[r.URL.Path] {
		ex.drain()
		ex.fail(&apiError{Status: 404, Type: "invalid_request_error", Code: "not_found", Message: fmt.Sprintf("The requested path %s was not found; POST {base_url}/chat/completions.", r.URL.Path)})
		return
	}
	if r.Method != http.MethodPost {
		ex.w.Header().Set("Allow", http.MethodPost)
		ex.fail(&apiError{Status: 405, Type: "invalid_request_error", Code: "method_not_allowed", Message: fmt.Sprintf("Method %s is not allowed; use POST.", r.Method)})
		return
	}
	if !ex.s.authorized(r) {
		ex.drain()
		ex.fail(&apiError{Status: 401, Type: "invalid_request_error", Code: "invalid_api_key", Message: "Incorrect API key provided. "})
		return
	}
	ok, limit, done := ex.s.admit()
	if !ok {
		ex.drain()
		if limit.RetryAfter != "" {
			ex.w.Header().Set("Retry-After", limit.RetryAfter)
		}
		ex.fail(statusError(&Fault{Status: http.StatusTooManyRequests}))
		return
	}
	defer done()
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		ex.drain()
		ex.fail(invalidParam("", "Required body invalid, please check the request body format: Content-Type must be application/json."))
		return
	}

	filter := newDataURIFilter(r.Body, ex.s.limit, ex.s.probe != "", ex.s.opts.TempDir)
	defer filter.Close()
	var top object
	dec := json.NewDecoder(filter)
	err := dec.Decode(&top)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("trailing data after the request object")
		}
	}
	if err != nil {
		if errors.Is(err, errDataURITooLarge) {
			cur := filter.Current()
			ex.rec.DataURIBytes = cur.URIBytes
			ex.rec.MIME = cur.MIME()
			ex.drain()
			ex.fail(invalidParam(paramForKey(cur.Key), "Exceeded limit on max bytes per data-uri item : %d", ex.s.limit))
			return
		}
		ex.drain()
		ex.fail(bodyInvalid())
		return
	}

	j, aerr := validate(top, filter.Captures(), &ex.rec)
	if aerr != nil {
		ex.fail(aerr)
		return
	}
	fault := ex.s.takeFault()
	if fault != nil && ex.preFault(fault) {
		return
	}
	a, aerr := ex.s.plan(r.Context(), j, ex.id, fault)
	if j.facts.Known {
		ex.rec.Seconds = j.facts.Duration.Seconds()
	}
	ex.rec.VideoStream = j.facts.HasVideo
	if aerr != nil {
		ex.fail(aerr)
		return
	}
	if sleep(r.Context(), limit.Hold) != nil {
		return
	}
	if j.Stream {
		ex.stream(&a, fault)
	} else {
		ex.whole(&a, fault)
	}
}

// paramForKey names the field of an oversized data URI.
func paramForKey(key string) string {
	switch key {
	case "data":
		return "messages[0].content[0].input_audio.data"
	case "url":
		return "messages[0].content[0].video_url.url"
	}
	return key
}

func (s *Server) authorized(r *http.Request) bool {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	key = strings.TrimSpace(key)
	if s.opts.APIKey == "" {
		return key != ""
	}
	return key == s.opts.APIKey
}

// fail answers with the vendor's JSON error body.
func (ex *exchange) fail(e *apiError) {
	ex.record(e.Status)
	if sleep(ex.r.Context(), ex.s.opts.Latency) != nil {
		return
	}
	ex.w.Header().Set("Content-Type", "application/json")
	ex.w.WriteHeader(e.Status)
	ex.w.Write(ex.errorJSON(e, ""))
}

func (ex *exchange) errorJSON(e *apiError, id string) []byte {
	var param *string
	if e.Param != "" {
		param = &e.Param
	}
	return marshal(errorBody{
		Error:     errorObject{Message: e.Message, Type: e.Type, Param: param, Code: e.Code},
		ID:        id,
		RequestID: ex.id,
	})
}

// statusError is the vendor error a "status" fault answers with.
func statusError(f *Fault) *apiError {
	status := f.Status
	if status == 0 {
		status = 500
	}
	e := &apiError{Status: status}
	switch status {
	case 400:
		e.Type, e.Code, e.Message = "invalid_request_error", "invalid_parameter_error", "Required body invalid, please check the request body format."
	case 401:
		e.Type, e.Code, e.Message = "invalid_request_error", "invalid_api_key", "Incorrect API key provided. "
	case 403:
		e.Type, e.Code, e.Message = "access_denied", "access_denied", "Access denied."
	case 404:
		e.Type, e.Code, e.Message = "invalid_request_error", "model_not_found", "The model does not exist or you do not have access to it."
	case 429:
		e.Type, e.Code, e.Message = "limit_requests", "limit_requests", "Requests rate limit exceeded, please try again later."
	case 500:
		e.Type, e.Code, e.Message = "internal_error", "internal_error", "An internal error has occured, please try again later or contact service support."
	case 502:
		e.Type, e.Code, e.Message = "internal_error", "bad_gateway", "Bad gateway, please try again later."
	case 503:
		e.Type, e.Code, e.Message = "internal_error", "model_unavailable", "Model is unavailable, please try again later."
	case 504:
		e.Type, e.Code, e.Message = "internal_error", "request_timeout", "Request timed out, please try again later."
	default:
		e.Type, e.Code, e.Message = "internal_error", "internal_error", http.StatusText(status)
	}
	if f.Code != "" {
		e.Code, e.Type = f.Code, f.Code
	}
	if f.Message != "" {
		e.Message = f.Message
	}
	return e
}

// inspectionError is the content-moderation error of "sse-error-400" and
// "instream-error" faults, unless the fault says otherwise.
func inspectionError(f *Fault, status int, message string) *apiError {
	e := &apiError{Status: status, Type: "data_inspection_failed", Code: "data_inspection_failed", Message: message}
	if f.Code != "" {
		e.Code, e.Type = f.Code, f.Code
	}
	if f.Message != "" {
		e.Message = f.Message
	}
	return e
}

// preFault carries out the faults that replace the whole answer; it reports
// whether it answered.
func (ex *exchange) preFault(f *Fault) bool {
	w, ctx := ex.w, ex.r.Context()
	switch f.Kind {
	case FaultStatus:
		e := statusError(f)
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		ex.fail(e)
	case FaultReset:
		ex.record(0)
		if sleep(ctx, ex.s.opts.Latency) == nil {
			resetConnection(w)
		}
	case FaultHTML:
		status := f.Status
		if status == 0 {
			status = 502
		}
		ex.record(status)
		if sleep(ctx, ex.s.opts.Latency) != nil {
			return true
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n",
			status, http.StatusText(status), status, http.StatusText(status))
	case FaultEmpty:
		ex.record(200)
		if sleep(ctx, ex.s.opts.Latency) != nil {
			return true
		}
		if ex.rec.Stream {
			w.Header().Set("Content-Type", "text/event-stream")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(200)
	case FaultSSEError400:
		status := f.Status
		if status == 0 {
			status = 400
		}
		e := inspectionError(f, status, "Input data may contain inappropriate content.")
		ex.record(status)
		if sleep(ctx, ex.s.opts.Latency) != nil {
			return true
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(status)
		fmt.Fprintf(w, "data: %s\n\n", ex.errorJSON(e, ""))
	default:
		if !knownFault(f.Kind) {
			ex.fail(&apiError{Status: 500, Type: "internal_error", Code: "internal_error", Message: fmt.Sprintf("fakeapi: unknown fault kind %q", f.Kind)})
			return true
		}
		return false
	}
	return true
}

func knownFault(kind string) bool {
	for _, k := range FaultKinds() {
		if k == kind {
			return true
		}
	}
	return false
}

// resetConnection closes the connection before any response byte, with a
// TCP reset where the connection allows it.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// stream answers with the SSE stream, carrying out the stream faults.
func (ex *exchange) stream(a *answer, f *Fault) {
	w, ctx := ex.w, ex.r.Context()
	ex.record(200)
	if sleep(ctx, ex.s.opts.Latency) != nil {
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(200)
	http.NewResponseController(w).Flush()
	ev := &eventWriter{ctx: ctx, w: w, delay: ex.s.opts.ChunkDelay}

	kind, trigger := "", -1
	if f != nil {
		kind = f.Kind
		switch kind {
		case FaultBreak, FaultStall, FaultInStreamError, FaultMalformed, FaultHugeLine, FaultEndless, FaultComments:
			trigger = min(max(f.After, 0), len(a.Words))
		}
	}
	for i := 0; i <= len(a.Words); i++ {
		if i == trigger && ex.streamFault(ev, a, f) {
			return
		}
		if i == len(a.Words) {
			break
		}
		if ev.send(a.textChunk(i)) != nil {
			return
		}
		if a.Speech {
			if ev.send(a.audioChunk(ex.s.wordSpeech)) != nil {
				return
			}
		}
	}
	if ev.send(a.finishChunk()) != nil {
		return
	}
	if kind == FaultNoUsage {
		panic(http.ErrAbortHandler)
	}
	if a.IncludeUsage {
		if ev.send(a.usageChunk()) != nil {
			return
		}
	}
	if kind != FaultNoDone {
		ev.send([]byte("[DONE]"))
	}
}

// streamFault carries out fault f where the stream reaches its trigger, and reports whether the
// stream ends there (a stream broken by a panic never returns).
func (ex *exchange) streamFault(ev *eventWriter, a *answer, f *Fault) (end bool) {
	ctx := ex.r.Context()
	switch f.Kind {
	case FaultBreak:
		panic(http.ErrAbortHandler)
	case FaultStall:
		<-ctx.Done()
		return true
	case FaultInStreamError:
		e := inspectionError(f, 200, "Output data may contain inappropriate content.")
		ev.send(ex.errorJSON(e, a.ID))
		return true
	case FaultMalformed:
		return ev.send([]byte(`{"id":"`+a.ID+`","choices":[{"delta":{"content":"`)) != nil
	case FaultHugeLine:
		return ev.send(a.audioChunk(strings.Repeat(ex.s.wordSpeech, hugeWords))) != nil
	case FaultEndless:
		// The whole text again and again, one chunk each, never a finish_reason.
		again := a.repeatChunk()
		for ev.send(again) == nil {
		}
		return true
	case FaultComments:
		for ev.comment() == nil {
		}
		return true
	}
	return false
}

// whole answers a stream:false request with one chat.completion object.
func (ex *exchange) whole(a *answer, f *Fault) {
	w, ctx := ex.w, ex.r.Context()
	body := a.completion(ex.s.wordSpeech)
	status := 200
	kind := ""
	if f != nil {
		kind = f.Kind
	}
	switch kind {
	case FaultInStreamError:
		body = ex.errorJSON(inspectionError(f, 200, "Output data may contain inappropriate content."), a.ID)
	case FaultMalformed:
		body = body[:len(body)/2]
	}
	ex.record(status)
	if sleep(ctx, ex.s.opts.Latency) != nil {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	switch kind {
	case FaultBreak:
		w.Write(body[:len(body)/2])
		http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	case FaultStall:
		http.NewResponseController(w).Flush()
		<-ctx.Done()
		return
	}
	w.Write(body)
}
