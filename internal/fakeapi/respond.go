package fakeapi

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// speechRate is the emulator's output speech: 24 kHz s16le mono.
	speechRate = 24000
	// wordSamples is the speech emitted per word: 0.25 s.
	wordSamples = speechRate / 4
	// hugeWords is how many words of speech the "hugeline" fault puts in one
	// audio chunk: 350 × 12000 bytes = 4.2 MB of PCM, 5.6 MB of Base64.
	hugeWords = 350
	// assumedDuration stands in for the length of media the emulator cannot
	// measure (URLs, unprobed video).
	assumedDuration = 10 * time.Second
	// assumedWidth and assumedHeight stand in for unprobed video frames.
	assumedWidth, assumedHeight = 640, 360
	// unknownBytesPerSecond estimates the duration of unmeasured audio.
	unknownBytesPerSecond = 16000
)

// wordPCM returns one word of speech: a quiet 440 Hz sine (amplitude 1000 of
// 32767), 6000 samples, a whole number of periods so chunks join seamlessly.
func wordPCM() []byte {
	pcm := make([]byte, 2*wordSamples)
	for i := range wordSamples {
		v := int16(math.Round(1000 * math.Sin(2*math.Pi*440*float64(i)/speechRate)))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
	}
	return pcm
}

// mediaFacts is what the emulator knows about the input for its answer.
type mediaFacts struct {
	Duration      time.Duration
	Known         bool // Duration was measured, not assumed
	Width, Height int
	HasAudio      bool
	HasVideo      bool // ffprobe found a picture stream
}

// measure finds the input's duration (and frame size for video): a WAV
// header parse first, ffprobe on the spooled copy second, estimates last.
func (s *Server) measure(ctx context.Context, j *job) mediaFacts {
	facts := mediaFacts{Duration: assumedDuration, Width: assumedWidth, Height: assumedHeight, HasAudio: true}
	m := j.Media
	if m == nil {
		return facts
	}
	if j.ContentType == "input_audio" {
		if d, ok := wavDuration(m.Head, m.MediaBytes); ok && j.Format == "wav" {
			facts.Duration, facts.Known = d, true
			return facts
		}
		facts.Duration = time.Duration(float64(m.MediaBytes) / unknownBytesPerSecond * float64(time.Second))
	}
	if s.probe == "" || m.SpoolPath == "" {
		return facts
	}
	p, err := ffprobe(ctx, s.probe, m.SpoolPath)
	if err != nil || p.Duration <= 0 {
		return facts
	}
	facts.Duration, facts.Known = p.Duration, true
	if j.ContentType == "video_url" {
		facts.HasAudio, facts.HasVideo = p.HasAudio, p.HasVideo
		if p.HasVideo && p.Width > 0 && p.Height > 0 {
			facts.Width, facts.Height = p.Width, p.Height
		}
	}
	return facts
}

// responseText is the emulator's translation; the package documentation
// spells out the template.
func responseText(j *job, facts mediaFacts) string {
	var b strings.Builder
	b.WriteString(j.Target.Greeting)
	b.WriteString(" This is the ")
	if j.Source != "" {
		src, _ := lookupLanguage(j.Source)
		b.WriteString(src.Name)
		b.WriteString(" to ")
	}
	b.WriteString(j.Target.Name)
	b.WriteString(" translation of ")
	kind := "audio"
	if j.ContentType == "video_url" {
		kind = "video"
	}
	if j.Media == nil {
		fmt.Fprintf(&b, "the %s at %s.", kind, j.URL)
		return b.String()
	}
	what := j.Format
	if kind == "video" {
		what = videoName(j.Media)
	}
	if facts.Known {
		fmt.Fprintf(&b, "%s seconds of %s %s", strconv.FormatFloat(facts.Duration.Seconds(), 'f', 1, 64), what, kind)
	} else {
		fmt.Fprintf(&b, "%s %s of unknown length", what, kind)
	}
	sum := j.Media.SHA256
	fmt.Fprintf(&b, " (%d bytes, sha256 %s).", j.Media.MediaBytes, sum[:8])
	return b.String()
}

// videoName is the data URI's media subtype ("mp4" for video/mp4), or the
// sniffed container when the URI has no media type.
func videoName(m *capturedDataURI) string {
	mime := m.MIME()
	if i := strings.IndexByte(mime, '/'); i >= 0 && i+1 < len(mime) {
		return mime[i+1:]
	}
	return videoContainer(m.Head)
}

// splitWords cuts text into the stream's content chunks: the first word,
// then each following word with its leading space, as the service sends " of".
func splitWords(text string) []string {
	parts := strings.Split(text, " ")
	words := make([]string, len(parts))
	for i, p := range parts {
		if i > 0 {
			p = " " + p
		}
		words[i] = p
	}
	return words
}

// outputTokens is what n words cost: one text token each, plus 12.5 tokens
// per second of their speech (0.25 s a word) when speech is requested.
func outputTokens(n int, speech bool) (text, audio int) {
	if speech {
		audio = (n*25 + 7) / 8 // ceil(n × 0.25 s × 12.5)
	}
	return n, audio
}

// answer is the planned response to a valid request.
type answer struct {
	ID           string // chatcmpl-<uuid>
	AudioID      string // audio_<uuid>
	Created      int64
	Model        string
	Words        []string // content chunks actually sent
	Finish       string   // "stop" or "length"
	Speech       bool
	IncludeUsage bool
	Usage        usage
}

// plan builds the answer to j, or the service's refusal of an input longer
// than the model takes.
func (s *Server) plan(ctx context.Context, j *job, uuid string, fault *Fault) (answer, *apiError) {
	facts := s.measure(ctx, j)
	j.facts = facts
	var promptAudio int
	var promptVideo *int
	if j.ContentType == "video_url" {
		v := videoTokens(facts.Duration, facts.Width, facts.Height)
		promptVideo = &v
		if facts.HasAudio {
			promptAudio = audioTokens(facts.Duration)
		}
	} else {
		promptAudio = audioTokens(facts.Duration)
	}
	prompt := promptAudio
	if promptVideo != nil {
		prompt += *promptVideo
	}
	if prompt > maxInputTokens {
		return answer{}, invalidParam("messages", "Range of input length should be [1, %d]", maxInputTokens)
	}

	words := splitWords(responseText(j, facts))
	n, finish := len(words), "stop"
	if t, a := outputTokens(n, j.AudioOut); t+a > j.MaxTokens {
		for n > 0 {
			if t, a := outputTokens(n, j.AudioOut); t+a <= j.MaxTokens {
				break
			}
			n--
		}
		finish = "length"
	}
	if fault != nil && fault.Kind == FaultLength {
		keep := fault.After
		if keep <= 0 {
			keep = (len(words) + 1) / 2
		}
		n, finish = min(n, keep), "length"
	}
	text, audio := outputTokens(n, j.AudioOut)
	created := s.clock().Unix()
	return answer{
		ID:           "chatcmpl-" + uuid,
		AudioID:      "audio_" + uuid,
		Created:      created,
		Model:        j.Model,
		Words:        words[:n],
		Finish:       finish,
		Speech:       j.AudioOut,
		IncludeUsage: j.IncludeUsage,
		Usage: usage{
			CompletionTokens: text + audio,
			PromptTokens:     prompt,
			TotalTokens:      text + audio + prompt,
			CompletionTokensDetails: completionTokensDetails{
				AudioTokens: audio,
				TextTokens:  text,
			},
			PromptTokensDetails: promptTokensDetails{
				AudioTokens: promptAudio,
				VideoTokens: promptVideo,
			},
		},
	}, nil
}

func strPtr(s string) *string { return &s }

// textChunk is the chunk carrying word i.
func (a *answer) textChunk(i int) []byte {
	d := &delta{Content: strPtr(a.Words[i])}
	if i == 0 {
		d.Role = strPtr("assistant")
	}
	return a.chunk(d, nil)
}

// repeatChunk is the "endless" fault's chunk: the whole text once more, after a space.
func (a *answer) repeatChunk() []byte {
	return a.chunk(&delta{Content: strPtr(" " + strings.TrimSpace(strings.Join(a.Words, "")))}, nil)
}

// audioChunk is a chunk carrying Base64 speech.
func (a *answer) audioChunk(data string) []byte {
	return a.chunk(&delta{Audio: &audioDelta{Data: data, ExpiresAt: a.Created, ID: a.AudioID}}, nil)
}

// finishChunk ends the choice; it carries the role when no word was sent.
func (a *answer) finishChunk() []byte {
	var d any = emptyDelta{}
	if len(a.Words) == 0 {
		d = &delta{Content: strPtr(""), Role: strPtr("assistant")}
	}
	return a.chunk(d, strPtr(a.Finish))
}

func (a *answer) chunk(d any, finish *string) []byte {
	return marshal(chunk{
		ID:      a.ID,
		Choices: []chunkChoice{{Delta: d, FinishReason: finish, Index: 0}},
		Created: a.Created,
		Model:   a.Model,
		Object:  "chat.completion.chunk",
	})
}

func (a *answer) usageChunk() []byte {
	u := a.Usage
	return marshal(chunk{ID: a.ID, Choices: []chunkChoice{}, Created: a.Created, Model: a.Model, Object: "chat.completion.chunk", Usage: &u})
}

// completion is the non-streamed body.
func (a *answer) completion(wordSpeech string) []byte {
	var audio *completionAudio
	if a.Speech {
		var pcm []byte
		raw, _ := base64.StdEncoding.DecodeString(wordSpeech)
		for range a.Words {
			pcm = append(pcm, raw...)
		}
		audio = &completionAudio{Data: base64.StdEncoding.EncodeToString(pcm), ID: a.AudioID, ExpiresAt: a.Created}
	}
	return marshal(completion{
		ID: a.ID,
		Choices: []completionChoice{{
			FinishReason: a.Finish,
			Index:        0,
			Message:      completionMessage{Role: "assistant", Content: strings.Join(a.Words, ""), Audio: audio},
		}},
		Created: a.Created,
		Model:   a.Model,
		Object:  "chat.completion",
		Usage:   a.Usage,
	})
}

// eventWriter writes SSE events, flushing each and pacing them.
type eventWriter struct {
	ctx   context.Context
	w     http.ResponseWriter
	delay time.Duration
	sent  int
}

func (e *eventWriter) send(data []byte) error {
	if e.sent > 0 {
		if err := sleep(e.ctx, e.delay); err != nil {
			return err
		}
	}
	e.sent++
	line := make([]byte, 0, len(data)+8)
	line = append(line, "data: "...)
	line = append(line, data...)
	line = append(line, "\n\n"...)
	if _, err := e.w.Write(line); err != nil {
		return fmt.Errorf("write event: %w", err)
	}
	if err := http.NewResponseController(e.w).Flush(); err != nil {
		return fmt.Errorf("flush event: %w", err)
	}
	return nil
}

// commentInterval paces the "comments" fault's keep-alive lines when Options.ChunkDelay is 0.
const commentInterval = 50 * time.Millisecond

// comment writes an SSE comment line, a keep-alive that carries no event, after the pace of
// events (commentInterval at least).
func (e *eventWriter) comment() error {
	if err := sleep(e.ctx, max(e.delay, commentInterval)); err != nil {
		return err
	}
	if _, err := io.WriteString(e.w, ": keep-alive\n\n"); err != nil {
		return fmt.Errorf("write comment: %w", err)
	}
	if err := http.NewResponseController(e.w).Flush(); err != nil {
		return fmt.Errorf("flush comment: %w", err)
	}
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
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
