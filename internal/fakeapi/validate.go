package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// apiError is one error answer of the service.
type apiError struct {
	Status  int
	Type    string
	Code    string
	Message string
	Param   string // "" marshals as null
}

func (e *apiError) Error() string { return e.Message }

// invalidParam is the service's 400 InvalidParameter answer.
func invalidParam(param, format string, args ...any) *apiError {
	return &apiError{Status: 400, Type: "invalid_request_error", Code: "invalid_parameter_error", Message: fmt.Sprintf(format, args...), Param: param}
}

func bodyInvalid() *apiError {
	return invalidParam("", "Required body invalid, please check the request body format.")
}

const (
	maxOutputTokens = 4096
	maxInputTokens  = 49152
	maxSeed         = 1<<31 - 1
)

var models = []string{"qwen3-livetranslate-flash", "qwen3-livetranslate-flash-2025-12-01"}

// samplingParams are recorded in Recorded.Params as received.
var samplingParams = []string{"max_tokens", "seed", "temperature", "top_p", "presence_penalty", "top_k", "repetition_penalty", "speech_rate"}

// job is a validated request: everything needed to answer it.
type job struct {
	Model        string
	Stream       bool
	IncludeUsage bool
	AudioOut     bool
	Voice        string
	Source       string // "" = detect
	Target       language
	MaxTokens    int
	ContentType  string // "input_audio" | "video_url"
	Format       string // input_audio.format
	URL          string // plain http(s) URL
	Media        *capturedDataURI
	facts        mediaFacts // what measuring the media found (set when answering)
}

// object is a decoded JSON object whose members are still raw.
type object map[string]json.RawMessage

func decodeObject(raw json.RawMessage) (object, bool) {
	var o object
	if isNull(raw) || json.Unmarshal(raw, &o) != nil || o == nil {
		return nil, false
	}
	return o, true
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// present reports whether key is set to something other than null.
func (o object) present(key string) bool {
	raw, ok := o[key]
	return ok && !isNull(raw)
}

// str returns a string member; ok is false when it is present with another type.
func (o object) str(key string) (s string, set bool, ok bool) {
	if !o.present(key) {
		return "", false, true
	}
	if err := json.Unmarshal(o[key], &s); err != nil {
		return "", true, false
	}
	return s, true, true
}

// validate checks a decoded request as strictly as the service does, filling
// rec with what it could read on the way.
func validate(top object, captures []*capturedDataURI, rec *Recorded) (*job, *apiError) {
	j := &job{MaxTokens: maxOutputTokens}
	recordParams(top, rec)

	// model
	model, set, ok := top.str("model")
	if !ok {
		return nil, invalidParam("model", "'model' must be a string.")
	}
	rec.Model = model
	if !set || model == "" {
		return nil, &apiError{Status: 400, Type: "invalid_request_error", Code: "invalid_request_error", Message: "you must provide a model parameter.", Param: "model"}
	}
	known := false
	for _, m := range models {
		known = known || m == model
	}
	if !known {
		return nil, &apiError{Status: 404, Type: "invalid_request_error", Code: "model_not_found", Message: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model), Param: "model"}
	}
	j.Model = model

	// stream and stream_options
	if !top.present("stream") {
		return nil, invalidParam("stream", "The 'stream' parameter is required.")
	}
	if err := json.Unmarshal(top["stream"], &j.Stream); err != nil {
		return nil, invalidParam("stream", "'stream' must be a boolean.")
	}
	rec.Stream = j.Stream
	if top.present("stream_options") {
		if !j.Stream {
			return nil, invalidParam("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is true.")
		}
		so, ok := decodeObject(top["stream_options"])
		if !ok {
			return nil, invalidParam("stream_options", "'stream_options' must be an object.")
		}
		if so.present("include_usage") {
			if err := json.Unmarshal(so["include_usage"], &j.IncludeUsage); err != nil {
				return nil, invalidParam("stream_options.include_usage", "'stream_options.include_usage' must be a boolean.")
			}
		}
	}
	rec.IncludeUsage = j.IncludeUsage

	// messages
	item, aerr := validateMessages(top)
	if aerr != nil {
		return nil, aerr
	}

	// translation_options
	if aerr := validateTranslation(top, j, rec); aerr != nil {
		return nil, aerr
	}

	// modalities and audio
	if aerr := validateOutput(top, j, rec); aerr != nil {
		return nil, aerr
	}

	// sampling parameters
	if aerr := validateSampling(top, j); aerr != nil {
		return nil, aerr
	}

	// the content item and its media
	if aerr := validateContent(item, captures, j, rec); aerr != nil {
		return nil, aerr
	}
	return j, nil
}

func recordParams(top object, rec *Recorded) {
	for _, k := range samplingParams {
		raw, ok := top[k]
		if !ok {
			continue
		}
		var v any
		if json.Unmarshal(raw, &v) == nil {
			if rec.Params == nil {
				rec.Params = map[string]any{}
			}
			rec.Params[k] = v
		}
	}
}

func validateMessages(top object) (object, *apiError) {
	if !top.present("messages") {
		return nil, invalidParam("messages", "The 'messages' parameter is required.")
	}
	var msgs []json.RawMessage
	if err := json.Unmarshal(top["messages"], &msgs); err != nil {
		return nil, invalidParam("messages", "'messages' must be an array.")
	}
	if len(msgs) != 1 {
		return nil, invalidParam("messages", "'messages' must contain exactly one user message, got %d messages.", len(msgs))
	}
	msg, ok := decodeObject(msgs[0])
	if !ok {
		return nil, invalidParam("messages[0]", "'messages[0]' must be an object.")
	}
	role, _, ok := msg.str("role")
	if !ok || role != "user" {
		return nil, invalidParam("messages[0].role", "'messages[0].role' must be \"user\"; this model takes no system prompt and no conversation.")
	}
	var content []json.RawMessage
	if !msg.present("content") || json.Unmarshal(msg["content"], &content) != nil {
		return nil, invalidParam("messages[0].content", "'messages[0].content' must be an array with one input_audio or video_url item.")
	}
	if len(content) != 1 {
		return nil, invalidParam("messages[0].content", "'messages[0].content' must contain exactly one item, got %d.", len(content))
	}
	item, ok := decodeObject(content[0])
	if !ok {
		return nil, invalidParam("messages[0].content[0]", "'messages[0].content[0]' must be an object.")
	}
	return item, nil
}

func validateTranslation(top object, j *job, rec *Recorded) *apiError {
	const field = "translation_options"
	if !top.present(field) {
		return invalidParam(field+".target_lang", "The 'translation_options.target_lang' parameter is required.")
	}
	opts, ok := decodeObject(top[field])
	if !ok {
		return invalidParam(field, "'translation_options' must be an object.")
	}
	target, set, ok := opts.str("target_lang")
	if !ok {
		return invalidParam(field+".target_lang", "'translation_options.target_lang' must be a string.")
	}
	rec.TargetLang = target
	if !set {
		return invalidParam(field+".target_lang", "The 'translation_options.target_lang' parameter is required.")
	}
	lang, known := lookupLanguage(target)
	if !known {
		return invalidParam(field+".target_lang", "Invalid value for 'translation_options.target_lang': %q is not a supported language code; use one of %s.", target, languageCodes(false))
	}
	j.Target = lang
	source, set, ok := opts.str("source_lang")
	if !ok {
		return invalidParam(field+".source_lang", "'translation_options.source_lang' must be a string.")
	}
	rec.SourceLang = source
	if set {
		if _, known := lookupLanguage(source); !known {
			return invalidParam(field+".source_lang", "Invalid value for 'translation_options.source_lang': %q is not a supported language code; use one of %s, or omit it to detect the language.", source, languageCodes(false))
		}
		j.Source = source
	}
	return nil
}

func validateOutput(top object, j *job, rec *Recorded) *apiError {
	modalities := []string{"text"}
	if top.present("modalities") {
		if err := json.Unmarshal(top["modalities"], &modalities); err != nil {
			return invalidParam("modalities", "'modalities' must be an array of strings.")
		}
	}
	rec.Modalities = modalities
	switch strings.Join(modalities, ",") {
	case "text":
	case "text,audio":
		j.AudioOut = true
	default:
		return invalidParam("modalities", "Invalid value for 'modalities': %q; use [\"text\"] or [\"text\",\"audio\"].", modalities)
	}

	var voiceName string
	var audioOpts object
	if top.present("audio") {
		var ok bool
		if audioOpts, ok = decodeObject(top["audio"]); !ok {
			return invalidParam("audio", "'audio' must be an object.")
		}
		name, _, ok := audioOpts.str("voice")
		if !ok {
			return invalidParam("audio.voice", "'audio.voice' must be a string.")
		}
		voiceName = name
		rec.Voice = name
	}
	if !j.AudioOut {
		return nil
	}
	if audioOpts == nil {
		return invalidParam("audio", "The 'audio' parameter is required when 'modalities' includes \"audio\".")
	}
	if voiceName == "" {
		return invalidParam("audio.voice", "The 'audio.voice' parameter is required when 'modalities' includes \"audio\".")
	}
	format, set, ok := audioOpts.str("format")
	if !ok || !set {
		return invalidParam("audio.format", "The 'audio.format' parameter is required; only \"wav\" is supported.")
	}
	if format != "wav" {
		return invalidParam("audio.format", "Invalid value for 'audio.format': %q; only \"wav\" is supported.", format)
	}
	if !j.Target.Speech {
		return invalidParam("translation_options.target_lang", "'translation_options.target_lang' %q cannot be spoken: audio output supports %s.", j.Target.Code, languageCodes(true))
	}
	v, known := lookupVoice(voiceName)
	if !known {
		return invalidParam("audio.voice", "Invalid value for 'audio.voice': %q; supported voices: %s.", voiceName, voiceNames(""))
	}
	if !v.speaks(j.Target.Code) {
		return invalidParam("audio.voice", "'audio.voice' %q cannot speak the target language %q; voices for it: %s.", voiceName, j.Target.Code, voiceNames(j.Target.Code))
	}
	j.Voice = voiceName
	return nil
}

// number decodes a JSON number member; it reports a type error otherwise.
func number(top object, key string) (json.Number, bool, *apiError) {
	if !top.present(key) {
		return "", false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(top[key]))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", false, bodyInvalid()
	}
	n, ok := v.(json.Number)
	if !ok {
		return "", false, invalidParam(key, "'%s' must be a number.", key)
	}
	return n, true, nil
}

// integer decodes an integer member: 3 and 3.0 are integers, 3.5 is not.
// Integral values beyond int64 are clamped, which keeps them out of range.
func integer(top object, key string, notInt *apiError) (int64, bool, *apiError) {
	n, set, aerr := number(top, key)
	if aerr != nil || !set {
		return 0, set, aerr
	}
	if i, err := n.Int64(); err == nil {
		return i, true, nil
	}
	f, err := n.Float64()
	if err != nil && !math.IsInf(f, 0) || f != math.Trunc(f) {
		return 0, true, notInt
	}
	return int64(math.Max(math.Min(f, 1<<62), -(1 << 62))), true, nil
}

func float(top object, key string) (float64, bool, *apiError) {
	n, set, aerr := number(top, key)
	if aerr != nil || !set {
		return 0, set, aerr
	}
	f, err := n.Float64()
	if err != nil {
		return 0, true, invalidParam(key, "'%s' must be a number.", key)
	}
	return f, true, nil
}

func validateSampling(top object, j *job) *apiError {
	maxTokensRange := invalidParam("max_tokens", "Range of max_tokens should be [1, %d]", maxOutputTokens)
	if v, set, aerr := integer(top, "max_tokens", invalidParam("max_tokens", "'max_tokens' must be Integer")); aerr != nil {
		return aerr
	} else if set {
		if v < 1 || v > maxOutputTokens {
			return maxTokensRange
		}
		j.MaxTokens = int(v)
	}

	seedNotInt := &apiError{Status: 400, Type: "invalid_request_error", Code: "invalid_value", Message: "'seed' must be Integer", Param: "seed"}
	if v, set, aerr := integer(top, "seed", seedNotInt); aerr != nil {
		return aerr
	} else if set {
		switch {
		case v < 0:
			return &apiError{Status: 400, Type: "invalid_request_error", Code: "invalid_value", Message: fmt.Sprintf("%d is lesser than the minimum of 0 - 'seed'", v), Param: "seed"}
		case v > maxSeed:
			return &apiError{Status: 400, Type: "invalid_request_error", Code: "invalid_value", Message: fmt.Sprintf("%d is greater than the maximum of %d - 'seed'", v, maxSeed), Param: "seed"}
		}
	}

	type floatRule struct {
		key     string
		ok      func(float64) bool
		message string
	}
	rules := []floatRule{
		{"temperature", func(v float64) bool { return v >= 0 && v < 2 }, "Temperature should be in [0.0, 2.0)"},
		{"top_p", func(v float64) bool { return v > 0 && v <= 1 }, "Range of top_p should be (0.0, 1.0]"},
		{"presence_penalty", func(v float64) bool { return v >= -2 && v <= 2 }, "Presence_penalty should be in [-2.0, 2.0]"},
		{"repetition_penalty", func(v float64) bool { return v > 0 }, "Repetition_penalty should be greater than 0.0"},
		{"speech_rate", func(v float64) bool { return v >= 0.5 && v <= 2 }, "Range of speech_rate should be [0.5, 2.0]"},
	}
	for _, r := range rules {
		v, set, aerr := float(top, r.key)
		if aerr != nil {
			return aerr
		}
		if set && !r.ok(v) {
			return invalidParam(r.key, "%s", r.message)
		}
	}

	if v, set, aerr := integer(top, "top_k", invalidParam("top_k", "'top_k' must be Integer")); aerr != nil {
		return aerr
	} else if set && v < 0 {
		return invalidParam("top_k", "Parameter top_k be greater than or equal to 0")
	}
	return nil
}

// contentItem is the request's one content item, as the service's messages name it.
const contentItem = "messages[0].content[0]"

func validateContent(item object, captures []*capturedDataURI, j *job, rec *Recorded) *apiError {
	typ, _, ok := item.str("type")
	if !ok {
		return invalidParam(contentItem+".type", "'%s.type' must be a string.", contentItem)
	}
	rec.ContentType = typ
	field, data, aerr := contentData(item, typ, j, rec)
	if aerr != nil {
		return aerr
	}
	j.ContentType = typ
	return validateData(typ, field, data, captures, j, rec)
}

// contentData is the content item's media, by its type: the audio's data and format, or the
// video's URL, with the name of the field that holds it.
func contentData(item object, typ string, j *job, rec *Recorded) (field, data string, aerr *apiError) {
	switch typ {
	case "input_audio":
		field = contentItem + ".input_audio"
		ia, ok := decodeObject(item["input_audio"])
		if !ok {
			return "", "", invalidParam(field, "The '%s' parameter is required for type input_audio.", field)
		}
		var set bool
		if data, set, ok = ia.str("data"); !ok || !set || data == "" {
			return "", "", invalidParam(field+".data", "The '%s.data' parameter is required: an audio URL or a Base64 data URL.", field)
		}
		format, set, ok := ia.str("format")
		rec.Format = format
		if !ok || !set || format == "" {
			return "", "", invalidParam(field+".format", "The '%s.format' parameter is required, e.g. \"mp3\" or \"wav\".", field)
		}
		if !knownAudioFormat(format) {
			return "", "", invalidParam(field+".format", "The audio format is illegal and cannot be opened.")
		}
		j.Format = format
		field += ".data"
	case "video_url":
		field = contentItem + ".video_url"
		vu, ok := decodeObject(item["video_url"])
		if !ok {
			return "", "", invalidParam(field, "The '%s' parameter is required for type video_url.", field)
		}
		var set bool
		if data, set, ok = vu.str("url"); !ok || !set || data == "" {
			return "", "", invalidParam(field+".url", "The '%s.url' parameter is required: a video URL or a Base64 data URL.", field)
		}
		field += ".url"
	default:
		return "", "", invalidParam(contentItem+".type", "Invalid value for '%s.type': %q; use \"input_audio\" or \"video_url\".", contentItem, typ)
	}
	return field, data, nil
}

// validateData checks the media at field: a URL, or a Base64 data URL whose bytes are what the
// type and format say.
func validateData(typ, field, data string, captures []*capturedDataURI, j *job, rec *Recorded) *apiError {

	if !strings.HasPrefix(data, "data:") {
		u, err := url.Parse(data)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalidParam(field, "The provided URL does not appear to be valid. Ensure it is correctly formatted: '%s' must start with http://, https:// or data:.", field)
		}
		j.URL, rec.URL = data, data
		return nil
	}

	media := lookupCapture(data, captures)
	if media == nil {
		return invalidParam(field, "'%s' is not a valid data URL: expected data:<mime>;base64,<data>.", field)
	}
	rec.MIME = media.MIME()
	rec.DataURIBytes = media.URIBytes
	rec.MediaBytes = media.MediaBytes
	rec.MediaSHA256 = media.SHA256
	if !media.Base64 {
		return invalidParam(field, "'%s' is not a valid data URL: only Base64 data URLs (data:<mime>;base64,<data>) are supported.", field)
	}
	if media.DecodeErr != nil {
		return invalidParam(field, "'%s' holds invalid Base64 data: %v.", field, media.DecodeErr)
	}
	j.Media = media
	if typ == "input_audio" {
		if media.MediaBytes == 0 {
			return invalidParam(field, "The audio is empty")
		}
		if !audioMagicMatches(j.Format, media.Head) {
			return invalidParam(contentItem+".input_audio.format", "The audio format is illegal and cannot be opened.")
		}
		return nil
	}
	if videoContainer(media.Head) == "" {
		return invalidParam(field, "The file format is illegal and cannot be opened.")
	}
	return nil
}

// lookupCapture maps a filtered data URI string back to its capture.
func lookupCapture(s string, captures []*capturedDataURI) *capturedDataURI {
	i := strings.Index(s, dataURIMarker)
	if i < 0 {
		return nil
	}
	n, err := strconv.Atoi(s[i+len(dataURIMarker):])
	if err != nil || n < 0 || n >= len(captures) || captures[n].Header != s[:i] {
		return nil
	}
	return captures[n]
}
