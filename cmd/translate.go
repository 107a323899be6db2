package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/cache"
	"github.com/livetranslate/livetranslate/internal/cmdutil"
	"github.com/livetranslate/livetranslate/internal/complete"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/flagvalue"
	"github.com/livetranslate/livetranslate/internal/lang"
	"github.com/livetranslate/livetranslate/internal/ledgercost"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/run"
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
	InlineLimit flagvalue.Bytes
	OutDir      string
	Speech      bool
	FilesFrom   string
	Null        bool
	Include     []string
	Exclude     []string
	FailFast    bool
	DryRun      bool
	Progress    string
	Quiet       bool // the global -q
	Split       string
	Segment     time.Duration
	NoLedger    bool
	MaxCost     string
	Shard       string
	NoCache     bool
	CueMax      time.Duration // subtitles and dubbing: the longest piece of speech (subtitles.go)
	cueMaxGiven bool          // --cue-max was on the command line
	Dub         string
	DubMix      float64
	Align       bool

	// Settings that may also come from the environment or the config file (applyConfig).
	Model          string
	Format         string
	To             flagvalue.List
	From           flagvalue.Once
	Voice          string
	Jobs           int
	LangForm       string
	PauseThreshold string
	MinPause       time.Duration
	Retries        int
	IdleTimeout    time.Duration
	Timeout        time.Duration
	Ledger         string
	Cache          string
	CacheMaxSize   flagvalue.Bytes
	// Sampling is sent as it is; a field is nil when its flag was not given, so the service's
	// default applies (api.Sampling.Params).
	Sampling api.Sampling

	// settingsOnly: the options of config show, which checks the settings as translate does
	// with no run to check them for: no input, target language or API key is required (a key
	// set wrong is still refused), and speech is not asked for, so a voice is only checked to be
	// one.
	settingsOnly bool
}

func newTranslateCmd(a *app) *cobra.Command {
	cmd, _ := translateCommand(a)
	return cmd
}

// translateCommand is the translate command and the options its flags fill.
func translateCommand(a *app) (*cobra.Command, *translateOptions) {
	opts := &translateOptions{InlineLimit: 10 << 20, CueMax: 7 * time.Second, CacheMaxSize: cache.DefaultMaxSize}
	cmd := &cobra.Command{
		Use:   "translate INPUT... --to LANG [flags]",
		Short: "Translate audio and video files, directories or URLs; text to stdout, speech to WAV",
		Example: `  livetranslate translate talk.mp3 --to English
  livetranslate translate talk.mp3 --to French --audio-out talk.fr.wav --voice Cherry
  livetranslate translate clip.mp4 --from Chinese --to Japanese
  cat a.wav | livetranslate translate - --to en | tee a.en.txt
  livetranslate translate talk.mp3 --to English --format json | jq -r .text
  livetranslate translate clip.mp4 --to French --format srt -o clip.fr.srt --dub clip.fr.mp4
  livetranslate translate ./recordings --to English --out-dir ./translated -j 4`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.fromCommand(a, cmd, args)
			return runTranslate(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	f.VarP(&opts.To, "to", "t", "target language: English name, code or native name (required unless configured); several, comma-separated or repeated, translate each input into each")
	f.StringVar(&opts.Format, "format", "text", "output format: text, json (one object at the end), jsonl (one event per line), or subtitles timed to the source: srt, vtt")
	f.StringVarP(&opts.Output, "output", "o", "", "write the output to FILE instead of stdout (a file appears when complete; a device or FIFO is written into)")
	f.StringVar(&opts.AudioOut, "audio-out", "", "also request speech and write it to FILE as a WAV (24 kHz mono); - for stdout")
	f.StringVar(&opts.InputFormat, "input-format", "", "input format, overriding detection from the content (wav, mp3, m4a, aac, flac, ogg, opus, amr, wma, mp4, mov, mkv, webm, avi)")
	f.BoolVar(&opts.NoStream, "no-stream", false, "ask for a non-streamed response (text arrives at the end)")
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
	f.StringVar(&opts.Progress, "progress", "auto", "progress on stderr: auto (a status line on a terminal, plain lines elsewhere), always (the status line), never (none)")
	f.StringVar(&opts.Split, "split", "auto", "split long inputs at silences: auto (when over a cap), always, never (refuse them)")
	f.DurationVar(&opts.Segment, "segment", 0, "longest segment when splitting, e.g. 5m (default: as long as the caps allow)")
	f.StringVar(&opts.Cache, "cache", "auto", "answer a request from the local result cache when the same media was translated with the same settings: auto (unless sampled at random: --temperature or --top-p without --seed), always, never")
	f.BoolVar(&opts.NoCache, "no-cache", false, "send every request, even one the cache could answer (--cache never)")
	f.Var(&opts.CacheMaxSize, "cache-max-size", "the most the result cache keeps, e.g. 1GiB; the answers used least recently go first")
	f.StringVar(&opts.Shard, "shard", "", "translate only shard I of N (I from 0, e.g. 0/4): a stable share of the inputs, by their paths, so N workers over one tree take each input once")
	f.DurationVar(&opts.CueMax, "cue-max", opts.CueMax, "subtitles and dubbing: the longest piece of speech translated and timed on its own, cut at pauses [1s, 1m]")
	f.StringVar(&opts.Dub, "dub", "", "write a copy of the video (one input) to FILE (.mp4 .mov .mkv .webm) whose sound is the translated speech, each piece at its source time")
	f.Float64Var(&opts.DubMix, "dub-mix", 0, "with --dub: keep the original sound under the translation at this volume, e.g. 0.15 (0 = replace it)")
	f.BoolVar(&opts.Align, "align", false, "place each piece's speech in --audio-out (or --speech) at its source time, silence between, so the WAV is as long as the source")
	f.DurationVar(&opts.Timeout, "timeout", 0, "limit for each input, all its requests and retries, e.g. 10m (0 = none)")
	requestFlags(a, cmd, opts, "refuse the run, before sending anything, when its estimated cost (as --dry-run shows it) is over AMOUNT, e.g. 0.50, in the price table's currency (CNY unless configured), or \"0.50 CNY\"")
	cmdutil.CompleteFlag(cmd, "to", complete.LanguageFunc(false, false, true))
	cmdutil.CompleteFlag(cmd, "format", complete.Fixed(complete.Formats()))
	cmdutil.CompleteFlag(cmd, "split", complete.Fixed(complete.Splits()))
	cmdutil.CompleteFlag(cmd, "progress", complete.Fixed(complete.Progress()))
	cmdutil.CompleteFlag(cmd, "cache", complete.Fixed(complete.Cache()))
	return cmd, opts
}

// requestFlags are the flags of what each request asks for and how it is sent, recorded and
// capped, which translate and live share; maxCost is --max-cost's help.
func requestFlags(a *app, cmd *cobra.Command, opts *translateOptions, maxCost string) {
	f := cmd.Flags()
	f.VarP(&opts.From, "from", "f", "source language (default: the model detects it)")
	f.StringVar(&opts.Model, "model", config.DefaultModel, "model name")
	f.StringVar(&opts.Voice, "voice", "", "voice for speech (default Cherry; Kiki for Cantonese): given here it must speak every target; from the config file or environment it gives way to a target's default where it cannot; '' for each target's default; see: livetranslate voices")
	f.BoolVar(&opts.Overwrite, "overwrite", false, "replace output files that already exist")
	f.StringVar(&opts.Ledger, "ledger", "", "usage ledger file (default $XDG_STATE_HOME/livetranslate/usage.db)")
	f.BoolVar(&opts.NoLedger, "no-ledger", false, "do not record requests in the usage ledger")
	f.StringVar(&opts.MaxCost, "max-cost", "", maxCost)
	f.StringVar(&opts.LangForm, "lang-form", "codes", "how languages are sent: codes (fr) or names (French), should the service ever want the other")
	f.StringVar(&opts.PauseThreshold, "pause-threshold", "", "a fixed level in dB, e.g. -40, under which the sound is a pause, instead of the one measured from each recording (for music or other voices as loud as the speaker)")
	f.DurationVar(&opts.MinPause, "min-pause", pauses.DefaultMinPause, "the shortest quiet stretch that counts as a pause between phrases [50ms, 5s]")
	f.IntVar(&opts.Retries, "retries", 3, "retries of a request after a transient failure (429, 5xx, connection reset, a stream broken before output); a 429 while other requests get through is not counted")
	f.DurationVar(&opts.IdleTimeout, "idle-timeout", 60*time.Second, "give up on a request when no data (keep-alive comments do not count) arrives for this long (0 = never)")
	addSamplingFlags(f, &opts.Sampling)
	cmdutil.CompleteFlag(cmd, "from", complete.LanguageFunc(false, true, false))
	cmdutil.CompleteFlag(cmd, "voice", complete.VoiceFunc(&a.cfgFile, a.getenv()))
	cmdutil.CompleteFlag(cmd, "lang-form", complete.Fixed(complete.LangForms()))
}

// fromCommand takes what the command line says besides the flags' values.
func (o *translateOptions) fromCommand(a *app, cmd *cobra.Command, args []string) {
	o.Inputs = args
	o.cueMaxGiven = cmd.Flags().Changed("cue-max")
	o.Quiet = a.quiet
}

// settings is everything runTranslate decided before sending.
type settings struct {
	model     string
	format    string
	from      *lang.Language
	to        lang.Language   // the first of targets
	targets   []lang.Language // every language asked for, in order, each once
	voices    []string        // each target's voice, when speech is asked for
	langNames bool            // send English names instead of codes (--lang-form names)
	voice     string
	timeout   time.Duration
	apiKey    string
	baseURL   string
	speechTo  string
	jobs      int
	retries   int
	idle      time.Duration
	split     split.Mode
	sampling  api.Sampling // as given; the speech rate only when speech is asked for
	ledger    *ledgercost.Ledger
	timed     bool            // subtitles, --dub or --align: pieces placed at their source times
	pauses    pauses.Options  // --pause-threshold, --min-pause
	subs      subtitle.Format // --format srt or vtt; 0 otherwise
	maxCost   *dryrun.Cap     // --max-cost; nil for none
	shard     *batch.Shard    // --shard; nil for all the inputs
	cache     string          // auto, always or never
	cacheMax  int64           // --cache-max-size
	store     *cache.Store    // the result cache the run uses; nil for none
	warnings  []string        // what validate found to warn about, printed before the run
}

// validate checks the options and decides the run's settings, before anything is read, opened or
// created: it looks at nothing but the options and the configuration's values. The checks run in
// the order a user fixes things in (the format, the languages, the settings of the request, of
// speech, of the run, of timed output, then the service's key and address).
func (o *translateOptions) validate(c *config.Config) (*settings, error) {
	s := &settings{model: o.Model, format: strings.ToLower(o.Format), speechTo: o.AudioOut, sampling: o.Sampling}
	if s.model == "" {
		s.model = config.DefaultModel
	}
	for _, check := range []func(*settings) error{
		o.checkFormat,
		o.checkLanguages,
		func(*settings) error { return o.Sampling.Check() },
		func(s *settings) error { return o.checkSpeech(s, c) },
		o.checkRun,
		func(s *settings) error { return checkTimed(o, s) },
		o.checkRequests,
		func(s *settings) error { return o.checkService(s, c) },
	} {
		if err := check(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// checkFormat checks --format and what goes with it.
func (o *translateOptions) checkFormat(s *settings) error {
	switch s.format {
	case "text", "json", "jsonl", "srt", "vtt":
	default:
		return usagef("", "unknown --format %q; choose text, json, jsonl, srt or vtt", s.format)
	}
	return nil
}

// checkLanguages parses --to and --from.
func (o *translateOptions) checkLanguages(s *settings) error {
	if to := o.To.Values(); len(to) == 0 || (len(to) == 1 && to[0] == "") {
		if o.settingsOnly {
			return nil
		}
		return usagef("pass --to LANG (e.g. --to English), or set to: in the config file; see livetranslate languages", "no target language")
	}
	seen := map[string]bool{}
	for _, to := range o.To.Values() {
		if to == "" {
			return usagef("e.g. --to fr,de", "--to %s: an empty language in the list", o.To.String())
		}
		l, err := lang.Parse(to)
		if err != nil {
			return fmt.Errorf("--to: %w", err)
		}
		if !seen[l.Code] { // --to fr,French is French once
			seen[l.Code] = true
			s.targets = append(s.targets, l)
		}
	}
	s.to = s.targets[0]
	if from := strings.TrimSpace(o.From.String()); from != "" && !strings.EqualFold(from, "auto") {
		l, err := lang.Parse(from)
		if err != nil {
			return fmt.Errorf("--from: %w", err)
		}
		s.from = &l
	}
	return nil
}

// checkSpeech picks each target's voice when speech is asked for, and refuses the settings of
// speech given on the command line when it is not. A voice given with --voice must speak every
// target; one from the config file or the environment is a default for every run, so a target
// it cannot speak gets that language's own voice, with a warning. An empty --voice asks for each
// language's own voice whatever is configured.
func (o *translateOptions) checkSpeech(s *settings, c *config.Config) error {
	given := strings.TrimSpace(o.Voice)
	fromFlag := c.FromFlag(config.KeyVoice)
	if o.AudioOut == "" && !o.Speech && o.Dub == "" {
		return o.checkNoSpeech(s, c, given, fromFlag)
	}
	var gaveWay []lang.Language
	var err error
	s.voices, gaveWay, err = lang.ChooseVoices(s.targets, given, fromFlag)
	switch {
	case errors.As(err, new(*lang.UnknownVoiceError)) && !fromFlag:
		return fmt.Errorf("--voice: %w", err) // named by where it came from (fromSource)
	case err != nil:
		return err
	}
	if v, err := lang.ParseVoice(given); err == nil {
		given = v.Name
	}
	for _, to := range gaveWay {
		s.warnings = append(s.warnings, fmt.Sprintf("%s: %s cannot speak %s; %s speech is in %s, its default voice (--voice '' takes each language's own without this warning)",
			c.Source(config.KeyVoice), given, to.English, to.English, lang.DefaultVoice(to.Code)))
	}
	s.voice = s.voices[0]
	if o.AudioOut == "-" && (o.Output == "" || o.Output == "-") {
		return usagef("write the text elsewhere with -o FILE", "--audio-out - and the text cannot both go to stdout")
	}
	return nil
}

// checkNoSpeech refuses the settings of speech given on the command line of a run that asks for
// none: a voice or a speech rate would be ignored. In the config file or the environment they are
// defaults for when speech is asked (config show, which asks for none, checks that a voice is one
// wherever it came from).
func (o *translateOptions) checkNoSpeech(s *settings, c *config.Config, given string, fromFlag bool) error {
	if given != "" && (fromFlag || o.settingsOnly) {
		if _, err := lang.ParseVoice(given); err != nil {
			if !fromFlag {
				return fmt.Errorf("--voice: %w", err) // named by where it came from (fromSource)
			}
			return err // the typo first
		}
	}
	for _, flag := range []string{"voice", "speech-rate"} {
		if !o.settingsOnly && c.FromFlag(strings.ReplaceAll(flag, "-", "_")) && (flag != "voice" || given != "") {
			return usagef("add --audio-out FILE (or --speech, --dub FILE) to get speech", "--%s needs speech, which this run does not ask for", flag)
		}
	}
	s.sampling.SpeechRate = nil // a default from the file or the environment, for speech
	return nil
}

// checkRun checks how the run goes: where its output streams, how many at once, its progress,
// how long inputs are split, which share of the inputs it takes.
func (o *translateOptions) checkRun(s *settings) error {
	if s.format == "jsonl" && o.OutDir != "" {
		return usagef("use --format json for one NAME.<code>.json per input, or drop --out-dir to stream events to stdout",
			"--format jsonl streams events to stdout; it cannot be used with --out-dir")
	}
	if err := o.checkSending(s); err != nil {
		return err
	}
	if o.NoStream && s.format == "jsonl" {
		return usagef("", "--format jsonl streams events; it cannot be used with --no-stream")
	}
	switch o.Progress {
	case "auto", "always", "never":
	default:
		return usagef("", "unknown --progress %q; choose auto, always or never", o.Progress)
	}
	if o.Quiet && o.Progress == "always" {
		return usagef("drop one of them", "-q/--quiet shows no progress; it cannot be used with --progress always")
	}
	var err error
	if s.split, err = split.ParseMode(o.Split); err != nil {
		return err
	}
	switch s.cache = strings.ToLower(strings.TrimSpace(o.Cache)); {
	case o.NoCache:
		s.cache = "never"
	case s.cache != "auto" && s.cache != "always" && s.cache != "never":
		return usagef("", "unknown --cache %q; choose auto, always or never", o.Cache)
	}
	if s.cacheMax = int64(o.CacheMaxSize); s.cacheMax < 1<<20 {
		return usagef("e.g. --cache-max-size 1GiB, or --no-cache", "--cache-max-size %d is too small: at least 1MiB", s.cacheMax)
	}
	if o.Shard != "" {
		sh, err := batch.ParseShard(o.Shard)
		if err != nil {
			return usagef("e.g. --shard 0/4 … --shard 3/4 for four workers", "invalid --shard: %v", err)
		}
		s.shard = &sh
	}
	if o.Segment < 0 || (o.Segment > 0 && o.Segment < split.MinSegment) {
		return usagef("e.g. --segment 5m", "--segment %s is too short: at least %s", o.Segment, split.MinSegment)
	}
	return nil
}

// checkSending checks how the requests are sent, which translate and live share: the form of
// the languages (--lang-form) and how many at once (-j).
func (o *translateOptions) checkSending(s *settings) error {
	switch form := strings.ToLower(strings.TrimSpace(o.LangForm)); form {
	case "codes", "":
	case "names":
		s.langNames = true
	default:
		return usagef("", "unknown --lang-form %q; choose codes (fr, the default, as every official example) or names (French, as the reference's parameter table words it)", form)
	}
	if s.jobs = o.Jobs; s.jobs < 1 || s.jobs > 64 {
		return usagef("", "--jobs %d is out of range: must be in [1, 64]", s.jobs)
	}
	return nil
}

// checkRequests checks the pause finder's overrides, the requests' retries and time limits, and the
// cost cap.
func (o *translateOptions) checkRequests(s *settings) error {
	var err error
	if s.pauses, err = pauses.ParseOptions(o.PauseThreshold, o.MinPause); err != nil {
		return err
	}
	if s.retries = o.Retries; s.retries < 0 || s.retries > 100 {
		return usagef("", "--retries %d is out of range: must be in [0, 100]", s.retries)
	}
	if s.idle = o.IdleTimeout; s.idle < 0 {
		return usagef("e.g. --idle-timeout 60s", "invalid --idle-timeout %q", s.idle)
	}
	if s.timeout = o.Timeout; s.timeout < 0 {
		return usagef("e.g. --timeout 10m", "invalid --timeout %q", s.timeout)
	}
	if strings.TrimSpace(o.MaxCost) != "" {
		c, err := dryrun.ParseCap(o.MaxCost)
		if err != nil {
			return usagef("e.g. --max-cost 0.50, in the price table's currency, or --max-cost \"0.50 CNY\"", "invalid --max-cost: %v", err)
		}
		s.maxCost = &c
	}
	return nil
}

// checkService takes the API key (a dry run sends nothing, so it needs none; a key set wrong is
// refused all the same, before anything is read) and the base URL.
func (o *translateOptions) checkService(s *settings, c *config.Config) error {
	var err error
	if s.apiKey, err = c.APIKey(); err != nil && !((o.DryRun || o.settingsOnly) && c.String(config.KeyAPIKey) == "") {
		return err
	}
	if s.baseURL, err = c.BaseURL(); err != nil {
		return err
	}
	return nil
}

// checkInputs refuses what the options ask of these inputs that they cannot take: one -o or
// --audio-out for several inputs, one file for several target languages, timed output the
// inputs cannot take.
func (o *translateOptions) checkInputs(s *settings, items []batch.Item) error {
	single := len(items) == 1 && o.OutDir == ""
	switch {
	case o.OutDir != "" && (o.Output != "" || o.AudioOut != ""):
		return usagef("", "--out-dir names the result files itself; drop -o and --audio-out")
	case !single && (o.Output != "" || o.AudioOut != ""):
		return usagef("use --out-dir DIR to write one result per input", "-o and --audio-out take one input, got %d", len(items))
	case single && o.Speech && o.AudioOut == "":
		return usagef("use --audio-out FILE.wav for one input, or --out-dir DIR", "--speech writes NAME.<code>.wav under --out-dir")
	case !single && o.Speech && o.OutDir == "":
		return usagef("add --out-dir DIR", "--speech with several inputs needs --out-dir")
	}
	if err := o.checkTargetFiles(s); err != nil {
		return err
	}
	return checkTimedInputs(o, s, items)
}

// checkTargetFiles refuses one file for several target languages: each path of -o, --audio-out
// and --dub must hold {lang}, which each target's code replaces.
func (o *translateOptions) checkTargetFiles(s *settings) error {
	if len(s.targets) < 2 {
		return nil
	}
	if o.AudioOut == "-" {
		return usagef("name a file per language, e.g. --audio-out talk.{lang}.wav", "--audio-out - streams one language's speech; this run asks for %d", len(s.targets))
	}
	for _, f := range []struct{ flag, path string }{{"-o", o.Output}, {"--audio-out", o.AudioOut}, {"--dub", o.Dub}} {
		if f.path != "" && f.path != "-" && f.path != os.DevNull && !strings.Contains(f.path, run.Lang) {
			return usagef(fmt.Sprintf("put %s in the name, e.g. %s", run.Lang, langExample(f.path)),
				"%s %s: one file cannot hold the %d target languages", f.flag, f.path, len(s.targets))
		}
	}
	if s.subs != 0 && o.OutDir == "" && (o.Output == "" || o.Output == "-") {
		return usagef("write them with -o NAME.{lang}"+s.subs.Ext()+" or --out-dir DIR", "--format %s prints one language's subtitles; this run asks for %d", s.format, len(s.targets))
	}
	return nil
}

// langExample is path with {lang} before its extension: talk.srt → talk.{lang}.srt.
func langExample(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + run.Lang + ext
}
