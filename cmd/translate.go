package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/api"
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

	// Settings that may also come from the environment or the config file (applyConfig).
	Model          string
	Format         string
	To, From       onceString
	Voice          string
	Jobs           int
	LangForm       string
	PauseThreshold string
	MinPause       time.Duration
	Retries        int
	IdleTimeout    time.Duration
	Timeout        time.Duration
	Ledger         string
	// Sampling is sent as it is; a field is nil when its flag was not given, so the service's
	// default applies (samplingFlags).
	Sampling api.Sampling
}

func newTranslateCmd(a *app) *cobra.Command {
	opts := &translateOptions{InlineLimit: 10 << 20, CueMax: 7 * time.Second}
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
			return runTranslate(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	f.VarP(&opts.To, "to", "t", "target language: English name, code or native name (required unless configured)")
	f.VarP(&opts.From, "from", "f", "source language (default: the model detects it)")
	f.StringVar(&opts.Model, "model", config.DefaultModel, "model name")
	f.StringVar(&opts.Voice, "voice", "", "voice for speech (default Cherry; Kiki for Cantonese); see: livetranslate voices")
	f.StringVar(&opts.Format, "format", "text", "output format: text, json (one object at the end), jsonl (one event per line), or subtitles timed to the source: srt, vtt")
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
	f.IntVarP(&opts.Jobs, "jobs", "j", 4, "inputs translated at once (and segments of a long input)")
	f.BoolVar(&opts.FailFast, "fail-fast", false, "stop the batch at the first failed input")
	f.BoolVar(&opts.DryRun, "dry-run", false, "say what would be sent (inputs, kinds, sizes, estimated tokens) and send nothing")
	f.StringVar(&opts.Progress, "progress", "auto", "progress on stderr: auto (bars on a terminal), always, never")
	f.StringVar(&opts.Split, "split", "auto", "split long inputs at silences: auto (when over a cap), always, never (refuse them)")
	f.DurationVar(&opts.Segment, "segment", 0, "longest segment when splitting, e.g. 5m (default: as long as the caps allow)")
	f.StringVar(&opts.Ledger, "ledger", "", "usage ledger file (default $XDG_STATE_HOME/livetranslate/usage.db)")
	f.BoolVar(&opts.NoLedger, "no-ledger", false, "do not record requests in the usage ledger")
	f.DurationVar(&opts.CueMax, "cue-max", opts.CueMax, "subtitles and dubbing: the longest piece of speech translated and timed on its own, cut at pauses [1s, 1m]")
	f.StringVar(&opts.Dub, "dub", "", "write a copy of the video (one input) to FILE (.mp4 .mov .mkv .webm) whose sound is the translated speech, each piece at its source time")
	f.Float64Var(&opts.DubMix, "dub-mix", 0, "with --dub: keep the original sound under the translation at this volume, e.g. 0.15 (0 = replace it)")
	f.BoolVar(&opts.Align, "align", false, "place each piece's speech in --audio-out (or --speech) at its source time, silence between, so the WAV is as long as the source")
	f.StringVar(&opts.LangForm, "lang-form", "codes", "how languages are sent: codes (fr) or names (French), should the service ever want the other")
	f.StringVar(&opts.PauseThreshold, "pause-threshold", "", "a fixed level in dB, e.g. -40, under which the sound is a pause, instead of the one measured from each recording (for music or other voices as loud as the speaker)")
	f.DurationVar(&opts.MinPause, "min-pause", pauses.DefaultMinPause, "the shortest quiet stretch that counts as a pause between phrases [50ms, 5s]")
	f.IntVar(&opts.Retries, "retries", 3, "retries of a request after a transient failure (429, 5xx, connection reset, a stream broken before output); a 429 while other requests get through is not counted")
	f.DurationVar(&opts.IdleTimeout, "idle-timeout", 60*time.Second, "give up on a request when no data (keep-alive comments do not count) arrives for this long (0 = never)")
	f.DurationVar(&opts.Timeout, "timeout", 0, "limit for each input, all its requests and retries, e.g. 10m (0 = none)")
	addSamplingFlags(f, &opts.Sampling)
	return cmd
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
	s := &settings{model: opts.Model, format: strings.ToLower(opts.Format), speechTo: opts.AudioOut}
	if s.model == "" {
		s.model = config.DefaultModel
	}
	switch s.format {
	case "text", "json", "jsonl", "srt", "vtt":
	default:
		return nil, usagef("", "unknown --format %q; choose text, json, jsonl, srt or vtt", s.format)
	}
	to := strings.TrimSpace(opts.To.value)
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
	if from := strings.TrimSpace(opts.From.value); from != "" && !strings.EqualFold(from, "auto") {
		l, err := lang.Parse(from)
		if err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
		s.from = &l
	}
	if err := checkSampling(opts.Sampling); err != nil {
		return nil, err
	}
	if opts.AudioOut != "" || opts.Speech || opts.Dub != "" {
		s.voice = strings.TrimSpace(opts.Voice)
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
			if _, err := lang.ParseVoice(strings.TrimSpace(opts.Voice)); err != nil {
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
	switch form := strings.ToLower(strings.TrimSpace(opts.LangForm)); form {
	case "codes", "":
	case "names":
		s.langNames = true
	default:
		return nil, usagef("", "unknown --lang-form %q; choose codes (fr, the default, as every official example) or names (French, as the reference's parameter table words it)", form)
	}
	if opts.NoStream && s.format == "jsonl" {
		return nil, usagef("", "--format jsonl streams events; it cannot be used with --no-stream")
	}
	if s.jobs = opts.Jobs; s.jobs < 1 || s.jobs > 64 {
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
	if s.pauses, err = pauseOptions(opts.PauseThreshold, opts.MinPause); err != nil {
		return nil, err
	}
	if s.retries = opts.Retries; s.retries < 0 || s.retries > 100 {
		return nil, usagef("", "--retries %d is out of range: must be in [0, 100]", s.retries)
	}
	if s.idle = opts.IdleTimeout; s.idle < 0 {
		return nil, usagef("e.g. --idle-timeout 60s", "invalid --idle-timeout %q", s.idle)
	}
	if s.timeout = opts.Timeout; s.timeout < 0 {
		return nil, usagef("e.g. --timeout 10m", "invalid --timeout %q", s.timeout)
	}
	if s.apiKey, err = c.APIKey(); err != nil && !opts.DryRun {
		return nil, err // a dry run sends nothing, so it needs no key
	}
	if s.baseURL, err = c.BaseURL(); err != nil {
		return nil, err
	}
	return s, nil
}
