package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/lang"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// translateOptions is what the translate flags say, before the configuration fills the gaps.
type translateOptions struct {
	Inputs      []string
	Output      string
	AudioOut    string
	InputFormat string
	NoStream    bool
	Overwrite   bool
	InlineLimit byteSize

	// Sampling settings; nil when the flag was not given, so the service's defaults apply.
	MaxTokens         *int
	Seed              *int64
	Temperature       *float64
	TopP              *float64
	TopK              *int
	PresencePenalty   *float64
	RepetitionPenalty *float64
	SpeechRate        *float64
}

func newTranslateCmd(a *app) *cobra.Command {
	opts := &translateOptions{InlineLimit: 10 << 20}
	var (
		maxTokens, topK                                     int
		seed                                                int64
		temperature, topP, presence, repetition, speechRate float64
	)
	cmd := &cobra.Command{
		Use:   "translate FILE|URL|- --to LANG [flags]",
		Short: "Translate an audio or video file; text to stdout, speech to a WAV",
		Example: `  livetranslate translate talk.mp3 --to English
  livetranslate translate talk.mp3 --to French --audio-out talk.fr.wav --voice Cherry
  livetranslate translate clip.mp4 --from Chinese --to Japanese
  cat a.wav | livetranslate translate - --input-format wav --to en | tee a.en.txt
  livetranslate translate talk.mp3 --to English --format json | jq -r .text`,
		Args: func(_ *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return usagef("give a file, an http(s) URL, or - for standard input", "translate needs an input")
			case len(args) > 1:
				return usagef("translate one input per run in this version", "translate takes one input, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			f := cmd.Flags()
			if f.Changed("max-tokens") {
				opts.MaxTokens = &maxTokens
			}
			if f.Changed("seed") {
				opts.Seed = &seed
			}
			if f.Changed("temperature") {
				opts.Temperature = &temperature
			}
			if f.Changed("top-p") {
				opts.TopP = &topP
			}
			if f.Changed("top-k") {
				opts.TopK = &topK
			}
			if f.Changed("presence-penalty") {
				opts.PresencePenalty = &presence
			}
			if f.Changed("repetition-penalty") {
				opts.RepetitionPenalty = &repetition
			}
			if f.Changed("speech-rate") {
				opts.SpeechRate = &speechRate
			}
			if !f.Changed("inline-limit") && a.cfg.IsSet(config.KeyInlineLimit) {
				if err := opts.InlineLimit.Set(a.cfg.String(config.KeyInlineLimit)); err != nil {
					return usagef("", "config inline_limit: %v", err)
				}
			}
			return runTranslate(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	f.StringP("to", "t", "", "target language: English name, code or native name (required unless configured)")
	f.StringP("from", "f", "", "source language (default: the model detects it)")
	f.String("model", config.DefaultModel, "model name")
	f.String("voice", "", "voice for speech (default Cherry; Kiki for Cantonese); see `livetranslate voices`")
	f.String("format", "text", "output format: text, json (one object at the end) or jsonl (one event per line)")
	f.StringVarP(&opts.Output, "output", "o", "", "write the output to FILE instead of stdout (written atomically)")
	f.StringVar(&opts.AudioOut, "audio-out", "", "also request speech and write it to FILE as a WAV (24 kHz mono); - for stdout")
	f.StringVar(&opts.InputFormat, "input-format", "", "input format, overriding detection (wav, mp3, m4a, aac, flac, ogg, opus, amr, wma, mp4, mov, mkv, webm, avi); required for -")
	f.BoolVar(&opts.NoStream, "no-stream", false, "ask for a non-streamed response (text arrives at the end)")
	f.BoolVar(&opts.Overwrite, "overwrite", false, "replace output files that already exist")
	f.Var(&opts.InlineLimit, "inline-limit", "largest data URI to send inline, e.g. 10MiB; 0 = no limit (for other OpenAI-compatible servers)")
	f.Duration("timeout", 0, "limit for the whole request, e.g. 10m (0 = none)")
	f.IntVar(&maxTokens, "max-tokens", 4096, "maximum output tokens, text and speech together [1, 4096]")
	f.Int64Var(&seed, "seed", 0, "random seed for reproducible output [0, 2147483647]")
	f.Float64Var(&temperature, "temperature", 0.000001, "sampling temperature [0, 2); keep the default for accuracy")
	f.Float64Var(&topP, "top-p", 0.8, "nucleus sampling threshold (0, 1]")
	f.IntVar(&topK, "top-k", 1, "candidate set size, >= 0 (over 100 disables it)")
	f.Float64Var(&presence, "presence-penalty", 0, "presence penalty [-2, 2]")
	f.Float64Var(&repetition, "repetition-penalty", 1.05, "repetition penalty, > 0 (1 = none)")
	f.Float64Var(&speechRate, "speech-rate", 1.0, "speech rate of the output voice [0.5, 2] (documented for the Beijing region)")
	return cmd
}

// checkRanges refuses sampling settings the service would refuse, before anything is sent.
// The ranges are those of the API reference and facts.md §11.
func (o *translateOptions) checkRanges() error {
	bad := func(flag, rng string, v any) error {
		return usagef("see livetranslate translate --help", "--%s %v is out of range: must be %s", flag, v, rng)
	}
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	if p := o.MaxTokens; p != nil && (*p < 1 || *p > 4096) {
		return bad("max-tokens", "in [1, 4096]", *p)
	}
	if p := o.Seed; p != nil && (*p < 0 || *p > math.MaxInt32) {
		return bad("seed", "in [0, 2147483647]", *p)
	}
	if p := o.Temperature; p != nil && (!finite(*p) || *p < 0 || *p >= 2) {
		return bad("temperature", "in [0, 2)", *p)
	}
	if p := o.TopP; p != nil && (!finite(*p) || *p <= 0 || *p > 1) {
		return bad("top-p", "in (0, 1]", *p)
	}
	if p := o.TopK; p != nil && *p < 0 {
		return bad("top-k", ">= 0", *p)
	}
	if p := o.PresencePenalty; p != nil && (!finite(*p) || *p < -2 || *p > 2) {
		return bad("presence-penalty", "in [-2, 2]", *p)
	}
	if p := o.RepetitionPenalty; p != nil && (!finite(*p) || *p <= 0) {
		return bad("repetition-penalty", "> 0", *p)
	}
	if p := o.SpeechRate; p != nil && (!finite(*p) || *p < 0.5 || *p > 2) {
		return bad("speech-rate", "in [0.5, 2]", *p)
	}
	return nil
}

// translation is the outcome of one input, as --format json prints it.
type translation struct {
	Input          string     `json:"input"`
	Kind           string     `json:"kind"`
	InputFormat    string     `json:"input_format"`
	Model          string     `json:"model"`
	SourceLanguage *string    `json:"source_language"`
	TargetLanguage string     `json:"target_language"`
	Text           string     `json:"text"`
	FinishReason   string     `json:"finish_reason"`
	Usage          *api.Usage `json:"usage"`
	RequestID      string     `json:"request_id"`
	ID             string     `json:"id"`
	AudioFile      *string    `json:"audio_file"`
	AudioSeconds   *float64   `json:"audio_seconds,omitempty"`
	ElapsedSeconds float64    `json:"elapsed_seconds"`
}

// settings is everything runTranslate decided before sending.
type settings struct {
	model    string
	format   string
	from     *lang.Language
	to       lang.Language
	voice    string
	timeout  time.Duration
	apiKey   string
	baseURL  string
	speechTo string
}

func (a *app) translateSettings(opts *translateOptions) (*settings, error) {
	c := a.cfg
	s := &settings{model: c.String(config.KeyModel), format: strings.ToLower(c.String(config.KeyFormat)), speechTo: opts.AudioOut}
	if s.model == "" {
		s.model = config.DefaultModel
	}
	switch s.format {
	case "text", "json", "jsonl":
	case "srt", "vtt":
		return nil, usagef("use --format text, json or jsonl", "--format %s (subtitles) is not available in this version", s.format)
	default:
		return nil, usagef("", "unknown --format %q; choose text, json or jsonl", s.format)
	}
	to := c.String(config.KeyTo)
	if to == "" {
		return nil, usagef("pass --to LANG (e.g. --to English), or set to: in the config file; see livetranslate languages", "no target language")
	}
	l, err := lang.Parse(to)
	if err != nil {
		return nil, fmt.Errorf("--to: %w", err)
	}
	s.to = l
	if from := c.String(config.KeyFrom); from != "" && !strings.EqualFold(from, "auto") {
		l, err := lang.Parse(from)
		if err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
		s.from = &l
	}
	if err := opts.checkRanges(); err != nil {
		return nil, err
	}
	if opts.AudioOut != "" {
		s.voice = c.String(config.KeyVoice)
		if s.voice == "" {
			s.voice = lang.DefaultVoice(s.to.Code)
		} else if v, err := lang.ParseVoice(s.voice); err == nil {
			s.voice = v.Name
		}
		if err := lang.CheckSpeech(s.to, s.voice); err != nil {
			return nil, err
		}
		if opts.AudioOut == "-" && (opts.Output == "" || opts.Output == "-") {
			return nil, usagef("write the text elsewhere with -o FILE", "--audio-out - and the text cannot both go to stdout")
		}
		if opts.AudioOut != "-" && opts.AudioOut == opts.Output {
			return nil, usagef("", "--audio-out and --output name the same file %s", opts.Output)
		}
	} else if c.IsSet(config.KeyVoice) && c.String(config.KeyVoice) != "" {
		// A voice alone, from a flag, is still checked so a typo is not silently ignored.
		if _, err := lang.ParseVoice(c.String(config.KeyVoice)); err != nil {
			return nil, err
		}
	}
	if opts.NoStream && s.format == "jsonl" {
		return nil, usagef("", "--format jsonl streams events; it cannot be used with --no-stream")
	}
	var terr error
	if s.timeout, terr = time.ParseDuration(c.String(config.KeyTimeout)); terr != nil || s.timeout < 0 {
		return nil, usagef("e.g. --timeout 10m", "invalid --timeout %q", c.String(config.KeyTimeout))
	}
	if s.apiKey, err = c.APIKey(); err != nil {
		return nil, err
	}
	if s.baseURL, err = c.BaseURL(); err != nil {
		return nil, err
	}
	return s, nil
}

func runTranslate(ctx context.Context, a *app, opts *translateOptions) (err error) {
	s, err := a.translateSettings(opts)
	if err != nil {
		return err
	}
	name := opts.Inputs[0]
	in, err := media.Resolve(ctx, name, media.Options{Format: opts.InputFormat, Stdin: a.io.In})
	if err != nil {
		return err
	}
	defer in.Close()
	if in.ConvertedFrom != "" {
		a.infof("%s: converted %s to %s (the service does not take %s)", name, in.ConvertedFrom, in.Format, in.ConvertedFrom)
	}

	if in.URL == "" {
		uri := api.DataURISize(in.MIME, in.Size)
		if limit := int64(opts.InlineLimit); limit > 0 && uri >= limit {
			return &usageError{
				msg: fmt.Sprintf("%s is %s; sent inline it would be a %s data URI, over the %s inline limit",
					name, humanBytes(in.Size), humanBytes(uri), humanBytes(limit)),
				hint: "pass a public http(s) URL of the file instead, or --inline-limit 0 for a server without that limit",
			}
		}
		a.infof("%s: %s %s, %s; data URI %d bytes", name, in.Kind, in.Format, humanBytes(in.Size), uri)
	}
	parts := []translate.Part{partOf(in)}

	// Open every destination before sending, so a bad path fails before any tokens are spent.
	var out io.Writer = a.io.Out
	if opts.Output != "" && opts.Output != "-" {
		textFile, cerr := atomicfile.Create(opts.Output, opts.Overwrite)
		if cerr != nil {
			return cerr
		}
		defer textFile.Abort()
		bw := bufio.NewWriter(textFile)
		out = bw
		defer func() {
			if err == nil {
				if err = bw.Flush(); err == nil {
					err = textFile.Commit()
				}
			}
		}()
	}
	var audio io.Writer
	var wav *speech.Writer
	if opts.AudioOut == "-" {
		sw := speech.NewStream(a.io.Out)
		defer sw.Close()
		audio = sw
	} else if opts.AudioOut != "" {
		if wav, err = speech.Create(opts.AudioOut, opts.Overwrite); err != nil {
			return err
		}
		defer wav.Abort()
		audio = wav
	}

	ts := translate.Settings{
		Model:             s.model,
		Stream:            !opts.NoStream,
		TargetLang:        s.to.Code,
		MaxTokens:         opts.MaxTokens,
		Seed:              opts.Seed,
		Temperature:       opts.Temperature,
		TopP:              opts.TopP,
		TopK:              opts.TopK,
		PresencePenalty:   opts.PresencePenalty,
		RepetitionPenalty: opts.RepetitionPenalty,
		SpeechRate:        opts.SpeechRate,
		Jobs:              a.cfg.Int(config.KeyJobs),
	}
	if s.from != nil {
		ts.SourceLang = s.from.Code
	}
	if audio != nil {
		ts.Voice = s.voice
	}
	runner := &translate.Runner{
		Client:    &api.Client{BaseURL: s.baseURL, APIKey: s.apiKey, HTTP: &http.Client{}, UserAgent: "livetranslate/" + versionString()},
		Separator: "\n",
	}
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}

	start := time.Now()
	var text strings.Builder
	lastNewline := true
	enc := json.NewEncoder(out)
	sink := translate.Sink{Text: func(t string) error {
		switch s.format {
		case "text":
			if _, err := io.WriteString(out, t); err != nil {
				return fmt.Errorf("writing text: %w", err)
			}
			lastNewline = strings.HasSuffix(t, "\n")
		case "jsonl":
			if err := enc.Encode(jsonlEvent{Type: "text", Text: t}); err != nil {
				return fmt.Errorf("writing event: %w", err)
			}
		}
		text.WriteString(t)
		return nil
	}}
	if audio != nil {
		sink.Audio = func(b []byte) error {
			if _, err := audio.Write(b); err != nil {
				return fmt.Errorf("writing speech: %w", err)
			}
			if s.format == "jsonl" {
				if err := enc.Encode(jsonlEvent{Type: "audio", Bytes: len(b)}); err != nil {
					return fmt.Errorf("writing event: %w", err)
				}
			}
			return nil
		}
	}
	res, err := runner.Run(ctx, parts, ts, sink)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s: request took longer than --timeout %s: %w", name, s.timeout, err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if s.format == "text" && text.Len() > 0 && !lastNewline {
		if _, err := io.WriteString(out, "\n"); err != nil {
			return fmt.Errorf("writing text: %w", err)
		}
	}
	if text.Len() == 0 {
		a.warnf("%s: the service returned no text", name)
	}
	if res.Usage != nil {
		a.infof("%s", usageLine(res.Usage, res.RequestID))
	} else if ts.Stream {
		a.infof("request id %s: the service sent no usage", res.RequestID)
	}

	result := translation{
		Input: name, Kind: in.Kind.String(), InputFormat: in.Format, Model: s.model,
		TargetLanguage: s.to.Code, Text: text.String(), FinishReason: res.FinishReason,
		Usage: res.Usage, RequestID: res.RequestID, ID: res.ID,
		ElapsedSeconds: math.Round(time.Since(start).Seconds()*1000) / 1000,
	}
	if s.from != nil {
		result.SourceLanguage = &s.from.Code
	}
	if wav != nil {
		if err := wav.Commit(); err != nil {
			return err
		}
		p, secs := opts.AudioOut, math.Round(wav.Duration().Seconds()*1000)/1000
		result.AudioFile, result.AudioSeconds = &p, &secs
		a.infof("wrote %s (%.3f s of speech)", p, secs)
	}
	switch s.format {
	case "json":
		e := json.NewEncoder(out)
		e.SetIndent("", "  ")
		if err := e.Encode(result); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	case "jsonl":
		if err := enc.Encode(jsonlEvent{Type: "done", Result: &result}); err != nil {
			return fmt.Errorf("writing event: %w", err)
		}
	}
	if res.FinishReason == "length" {
		a.warnf("%s: the translation was cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096) or split the input", name)
		return &silentExit{code: exitTruncated}
	}
	return nil
}

// jsonlEvent is one line of --format jsonl.
type jsonlEvent struct {
	Type   string       `json:"type"`
	Text   string       `json:"text,omitempty"`
	Bytes  int          `json:"bytes,omitempty"`
	Result *translation `json:"result,omitempty"`
}

func usageLine(u *api.Usage, requestID string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: prompt %d", u.PromptTokens)
	if d := u.PromptTokensDetails; d != nil {
		fmt.Fprintf(&b, " (audio %d, video %d, text %d)", d.AudioTokens, d.VideoTokens, d.TextTokens)
	}
	fmt.Fprintf(&b, ", completion %d", u.CompletionTokens)
	if d := u.CompletionTokensDetails; d != nil {
		fmt.Fprintf(&b, " (text %d, audio %d)", d.TextTokens, d.AudioTokens)
	}
	fmt.Fprintf(&b, ", total %d tokens; request id %s", u.TotalTokens, requestID)
	return b.String()
}

// partOf describes a whole input as the one part of its translation.
func partOf(in *media.Input) translate.Part {
	p := translate.Part{Path: in.Path, URL: in.URL, Format: in.Format, MIME: in.MIME, Size: in.Size, End: in.Duration}
	if in.Kind == media.Video {
		p.Kind = api.Video
	}
	return p
}
