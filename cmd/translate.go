package cmd

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/lang"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
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
	OutDir      string
	Speech      bool
	FilesFrom   string
	Null        bool
	Include     []string
	Exclude     []string
	FailFast    bool
	DryRun      bool
	Progress    string
	Split       string
	Segment     time.Duration
	NoLedger    bool
	CueMax      time.Duration // subtitles and dubbing: the longest piece of speech (subtitles.go)
	cueMaxGiven bool          // --cue-max was on the command line
	Dub         string
	DubMix      float64
	Align       bool

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
	opts := &translateOptions{InlineLimit: 10 << 20, CueMax: 7 * time.Second}
	var (
		maxTokens, topK                                     int
		seed                                                int64
		temperature, topP, presence, repetition, speechRate float64
	)
	cmd := &cobra.Command{
		Use:   "translate INPUT... --to LANG [flags]",
		Short: "Translate audio and video files, directories or URLs; text to stdout, speech to WAV",
		Example: `  livetranslate translate talk.mp3 --to English
  livetranslate translate talk.mp3 --to French --audio-out talk.fr.wav --voice Cherry
  livetranslate translate clip.mp4 --from Chinese --to Japanese
  cat a.wav | livetranslate translate - --input-format wav --to en | tee a.en.txt
  livetranslate translate talk.mp3 --to English --format json | jq -r .text
  livetranslate translate clip.mp4 --to French --format srt -o clip.fr.srt --dub clip.fr.mp4
  livetranslate translate ./recordings --to English --out-dir ./translated -j 4`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			f := cmd.Flags()
			opts.cueMaxGiven = f.Changed("cue-max")
			// A sampling setting is sent only when given, on the command line, in the
			// environment (LIVETRANSLATE_TOP_P) or in the config file (top_p).
			given := func(flag string) bool {
				return f.Changed(flag) || a.cfg.Source(strings.ReplaceAll(flag, "-", "_")) != ""
			}
			intOf := func(flag string) int { return a.cfg.Int(strings.ReplaceAll(flag, "-", "_")) }
			floatOf := func(flag string) float64 { return a.cfg.Float64(strings.ReplaceAll(flag, "-", "_")) }
			if given("max-tokens") {
				maxTokens = intOf("max-tokens")
				opts.MaxTokens = &maxTokens
			}
			if given("seed") {
				seed = a.cfg.Int64("seed")
				opts.Seed = &seed
			}
			if given("temperature") {
				temperature = floatOf("temperature")
				opts.Temperature = &temperature
			}
			if given("top-p") {
				topP = floatOf("top-p")
				opts.TopP = &topP
			}
			if given("top-k") {
				topK = intOf("top-k")
				opts.TopK = &topK
			}
			if given("presence-penalty") {
				presence = floatOf("presence-penalty")
				opts.PresencePenalty = &presence
			}
			if given("repetition-penalty") {
				repetition = floatOf("repetition-penalty")
				opts.RepetitionPenalty = &repetition
			}
			if given("speech-rate") {
				speechRate = floatOf("speech-rate")
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
	f.VarP(&onceString{}, "to", "t", "target language: English name, code or native name (required unless configured)")
	f.VarP(&onceString{}, "from", "f", "source language (default: the model detects it)")
	f.String("model", config.DefaultModel, "model name")
	f.String("voice", "", "voice for speech (default Cherry; Kiki for Cantonese); see: livetranslate voices")
	f.String("format", "text", "output format: text, json (one object at the end), jsonl (one event per line), or subtitles timed to the source: srt, vtt")
	f.StringVarP(&opts.Output, "output", "o", "", "write the output to FILE instead of stdout (a file appears when complete; a device or FIFO is written into)")
	f.StringVar(&opts.AudioOut, "audio-out", "", "also request speech and write it to FILE as a WAV (24 kHz mono); - for stdout")
	f.StringVar(&opts.InputFormat, "input-format", "", "input format, overriding detection (wav, mp3, m4a, aac, flac, ogg, opus, amr, wma, mp4, mov, mkv, webm, avi); required for -")
	f.BoolVar(&opts.NoStream, "no-stream", false, "ask for a non-streamed response (text arrives at the end)")
	f.BoolVar(&opts.Overwrite, "overwrite", false, "replace output files that already exist")
	f.Var(&opts.InlineLimit, "inline-limit", "largest data URI to send inline, e.g. 10MiB; 0 = no limit (for other OpenAI-compatible servers)")
	f.StringVar(&opts.OutDir, "out-dir", "", "write one result per input under DIR, mirroring its path: NAME.<code>.txt (.wav, .json)")
	f.BoolVar(&opts.Speech, "speech", false, "request speech for every input; with --out-dir written as NAME.<code>.wav")
	f.StringVar(&opts.FilesFrom, "files-from", "", "read inputs, one per line, from FILE (- for standard input)")
	f.BoolVarP(&opts.Null, "null", "0", false, "with --files-from: inputs are NUL-separated (find -print0)")
	f.StringSliceVar(&opts.Include, "include", nil, "when walking directories, only files matching these globs")
	f.StringSliceVar(&opts.Exclude, "exclude", nil, "when walking directories, skip files and directories matching these globs")
	f.IntP("jobs", "j", 4, "inputs translated at once (and segments of a long input)")
	f.BoolVar(&opts.FailFast, "fail-fast", false, "stop the batch at the first failed input")
	f.BoolVar(&opts.DryRun, "dry-run", false, "say what would be sent (inputs, kinds, sizes, estimated tokens) and send nothing")
	f.StringVar(&opts.Progress, "progress", "auto", "progress on stderr: auto (bars on a terminal), always, never")
	f.StringVar(&opts.Split, "split", "auto", "split long inputs at silences: auto (when over a cap), always, never (refuse them)")
	f.DurationVar(&opts.Segment, "segment", 0, "longest segment when splitting, e.g. 5m (default: as long as the caps allow)")
	f.String("ledger", "", "usage ledger file (default $XDG_STATE_HOME/livetranslate/usage.db)")
	f.BoolVar(&opts.NoLedger, "no-ledger", false, "do not record requests in the usage ledger")
	f.DurationVar(&opts.CueMax, "cue-max", opts.CueMax, "subtitles and dubbing: the longest piece of speech translated and timed on its own, cut at pauses [1s, 1m]")
	f.StringVar(&opts.Dub, "dub", "", "write a copy of the video (one input) to FILE (.mp4 .mov .mkv .webm) whose sound is the translated speech, each piece at its source time")
	f.Float64Var(&opts.DubMix, "dub-mix", 0, "with --dub: keep the original sound under the translation at this volume, e.g. 0.15 (0 = replace it)")
	f.BoolVar(&opts.Align, "align", false, "place each piece's speech in --audio-out (or --speech) at its source time, silence between, so the WAV is as long as the source")
	f.String("lang-form", "codes", "how languages are sent: codes (fr) or names (French), should the service ever want the other")
	f.String("pause-threshold", "", "a fixed level in dB, e.g. -40, under which the sound is a pause, instead of the one measured from each recording (for music or other voices as loud as the speaker)")
	f.Duration("min-pause", pauses.DefaultMinPause, "the shortest quiet stretch that counts as a pause between phrases [50ms, 5s]")
	f.Int("retries", 3, "retries of a request after a transient failure (429, 5xx, connection reset, a stream broken before output); a 429 while other requests get through is not counted")
	f.Duration("idle-timeout", 60*time.Second, "give up on a request when no data (keep-alive comments do not count) arrives for this long (0 = never)")
	f.Duration("timeout", 0, "limit for each input, all its requests and retries, e.g. 10m (0 = none)")
	// The sampling flags have no default of their own: unset, nothing is sent and the service
	// applies its defaults, which the help names.
	f.IntVar(&maxTokens, "max-tokens", 0, "maximum output tokens, text and speech together [1, 4096] (service default 4096)")
	f.Int64Var(&seed, "seed", 0, "random seed for reproducible output [0, 2147483647] (service default: none)")
	f.Float64Var(&temperature, "temperature", 0, "sampling temperature [0, 2) (service default 0.000001, best for accuracy)")
	f.Float64Var(&topP, "top-p", 0, "nucleus sampling threshold (0, 1] (service default 0.8)")
	f.IntVar(&topK, "top-k", 0, "candidate set size, >= 0, over 100 disables it (service default 1)")
	f.Float64Var(&presence, "presence-penalty", 0, "presence penalty [-2, 2] (service default 0)")
	f.Float64Var(&repetition, "repetition-penalty", 0, "repetition penalty, > 0, 1 = none (service default 1.05)")
	f.Float64Var(&speechRate, "speech-rate", 0, "speech rate of the output voice [0.5, 2], documented for the Beijing region (service default 1)")
	return cmd
}

// checkRanges refuses sampling settings the service would refuse, before anything is sent.
// The ranges are the API's (docs/service.md, Request parameters).
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

// settings is everything runTranslate decided before sending.
type settings struct {
	model     string
	format    string
	from      *lang.Language
	to        lang.Language
	langNames bool // send English names instead of codes (--lang-form names)
	voice     string
	timeout   time.Duration
	apiKey    string
	baseURL   string
	speechTo  string
	jobs      int
	retries   int
	idle      time.Duration
	split     split.Mode
	ledger    *usageLedger
	timed     bool            // subtitles, --dub or --align: pieces placed at their source times
	pauses    pauses.Options  // --pause-threshold, --min-pause
	subs      subtitle.Format // --format srt or vtt; 0 otherwise
}

func (a *app) translateSettings(opts *translateOptions) (*settings, error) {
	c := a.cfg
	s := &settings{model: c.String(config.KeyModel), format: strings.ToLower(c.String(config.KeyFormat)), speechTo: opts.AudioOut}
	if s.model == "" {
		s.model = config.DefaultModel
	}
	switch s.format {
	case "text", "json", "jsonl", "srt", "vtt":
	default:
		return nil, usagef("", "unknown --format %q; choose text, json, jsonl, srt or vtt", s.format)
	}
	to := c.String(config.KeyTo)
	if to == "" {
		return nil, usagef("pass --to LANG (e.g. --to English), or set to: in the config file; see livetranslate languages", "no target language")
	}
	if strings.Contains(to, ",") {
		return nil, usagef("run once per language for now", "--to %s: one target language per run", to)
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
	if opts.AudioOut != "" || opts.Speech || opts.Dub != "" {
		s.voice = c.String(config.KeyVoice)
		if s.voice == "" {
			s.voice = lang.DefaultVoice(s.to.Code)
		} else if v, err := lang.ParseVoice(s.voice); err == nil {
			s.voice = v.Name
		}
		if err := lang.CheckSpeech(s.to, s.voice); err != nil {
			if !c.FromFlag(config.KeyVoice) && c.Source(config.KeyVoice) != "" {
				return nil, fmt.Errorf("--voice: %w", err) // named by where it came from (fromSource)
			}
			return nil, err
		}
		if opts.AudioOut == "-" && (opts.Output == "" || opts.Output == "-") {
			return nil, usagef("write the text elsewhere with -o FILE", "--audio-out - and the text cannot both go to stdout")
		}
	} else {
		// A voice or a speech rate asked for on the command line without speech would be
		// ignored; in the config file or environment it is a default for when speech is asked.
		if c.FromFlag(config.KeyVoice) {
			if _, err := lang.ParseVoice(c.String(config.KeyVoice)); err != nil {
				return nil, err // the typo first
			}
		}
		for _, flag := range []string{"voice", "speech-rate"} {
			if c.FromFlag(strings.ReplaceAll(flag, "-", "_")) {
				return nil, usagef("add --audio-out FILE (or --speech, --dub FILE) to get speech", "--%s needs speech, which this run does not ask for", flag)
			}
		}
	}
	if s.format == "jsonl" && opts.OutDir != "" {
		return nil, usagef("use --format json for one NAME.<code>.json per input, or drop --out-dir to stream events to stdout",
			"--format jsonl streams events to stdout; it cannot be used with --out-dir")
	}
	switch form := strings.ToLower(c.String("lang_form")); form {
	case "codes", "":
	case "names":
		s.langNames = true
	default:
		return nil, usagef("", "unknown --lang-form %q; choose codes (fr, the default, as every official example) or names (French, as the reference's parameter table words it)", form)
	}
	if opts.NoStream && s.format == "jsonl" {
		return nil, usagef("", "--format jsonl streams events; it cannot be used with --no-stream")
	}
	if s.jobs = c.Int(config.KeyJobs); s.jobs < 1 || s.jobs > 64 {
		return nil, usagef("", "--jobs %d is out of range: must be in [1, 64]", s.jobs)
	}
	switch opts.Progress {
	case "auto", "always", "never":
	default:
		return nil, usagef("", "unknown --progress %q; choose auto, always or never", opts.Progress)
	}
	if s.split, err = split.ParseMode(opts.Split); err != nil {
		return nil, err
	}
	if opts.Segment < 0 || (opts.Segment > 0 && opts.Segment < split.MinSegment) {
		return nil, usagef("e.g. --segment 5m", "--segment %s is too short: at least %s", opts.Segment, split.MinSegment)
	}
	if err := checkTimed(opts, s); err != nil {
		return nil, err
	}
	if s.pauses, err = pauseOptions(c.String("pause_threshold"), c.String("min_pause")); err != nil {
		return nil, err
	}
	if s.retries = c.Int("retries"); s.retries < 0 || s.retries > 100 {
		return nil, usagef("", "--retries %d is out of range: must be in [0, 100]", s.retries)
	}
	var ierr error
	if s.idle, ierr = time.ParseDuration(c.String("idle_timeout")); ierr != nil || s.idle < 0 {
		return nil, usagef("e.g. --idle-timeout 60s", "invalid --idle-timeout %q", c.String("idle_timeout"))
	}
	var terr error
	if s.timeout, terr = time.ParseDuration(c.String(config.KeyTimeout)); terr != nil || s.timeout < 0 {
		return nil, usagef("e.g. --timeout 10m", "invalid --timeout %q", c.String(config.KeyTimeout))
	}
	if s.apiKey, err = c.APIKey(); err != nil && !opts.DryRun {
		return nil, err // a dry run sends nothing, so it needs no key
	}
	if s.baseURL, err = c.BaseURL(); err != nil {
		return nil, err
	}
	return s, nil
}
