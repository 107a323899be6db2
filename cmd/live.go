package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/cmdutil"
	"github.com/livetranslate/livetranslate/internal/complete"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/live"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/results"
)

// liveOptions is what the live flags say: the settings it shares with translate, checked as
// translate checks them, and its own.
type liveOptions struct {
	translateOptions
	Source     string
	Timestamps bool
	InputArgs  string
	Realtime   bool
	Follow     time.Duration
	Queue      int
}

func newLiveCmd(a *app) *cobra.Command {
	opts := &liveOptions{translateOptions: translateOptions{CueMax: 7 * time.Second}, Follow: 5 * time.Second, Queue: 32}
	cmd := &cobra.Command{
		Use:   "live SOURCE --to LANG [flags]",
		Short: "Translate a source as it plays (a microphone, a stream, a growing file, a pipe), an utterance at a time",
		Long: `live translates a source as it plays. SOURCE is anything ffmpeg opens: a capture device as
FORMAT:DEVICE (pulse:default, alsa:hw:0, avfoundation::0 on macOS, dshow:audio=NAME on Windows),
a stream's URL (HLS, RTMP, SRT, RTSP, HTTP), a file (followed while it grows), or - for audio
piped in. Each utterance is cut where the speaker pauses (or at --cue-max), sent at once, and
its translation printed in source order as it arrives, one line an utterance. A device or a
stream that drops is reopened; a file or a pipe ends the run at its end; Ctrl-C ends it after
the utterances in flight (a second Ctrl-C abandons them).`,
		Example: `  livetranslate live pulse:default --to English
  livetranslate live https://example.com/stream.m3u8 --to fr --format vtt -o live.vtt
  livetranslate live talk.mp3 --realtime --to de --timestamps
  arecord -t raw -f S16_LE -r 16000 -c 1 | livetranslate live - --input-args "-f s16le -ar 16000 -ac 1" --to en -o captions.txt --audio-out - | aplay
  livetranslate live rtmp://host/app/key --to ja --out-dir captions --speech`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("e.g. livetranslate live pulse:default --to en", "live takes one SOURCE, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.fromCommand(a, cmd, nil)
			opts.Source = args[0]
			return runLive(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	f.VarP(&opts.To, "to", "t", "target language: English name, code or native name (required unless configured)")
	f.StringVar(&opts.Format, "format", "text", "output format: text (a line an utterance), jsonl (an event a line), srt or vtt (cue by cue)")
	f.StringVarP(&opts.Output, "output", "o", "", "write the output to FILE as it grows, instead of stdout")
	f.StringVar(&opts.AudioOut, "audio-out", "", "also request speech and append it to FILE.wav as it arrives (valid after every utterance); - for stdout")
	f.StringVar(&opts.OutDir, "out-dir", "", "write the output to a new file every hour under DIR: 2026-12-05T14.<code>.txt (.jsonl .srt .vtt, and .wav with --speech)")
	f.BoolVar(&opts.Speech, "speech", false, "with --out-dir, request speech and write it to the hour's .wav")
	f.BoolVar(&opts.Timestamps, "timestamps", false, "text: begin each line with the utterance's time in the source, [m:ss]")
	f.IntVarP(&opts.Jobs, "jobs", "j", 4, "utterances translated at once, when the speaker does not pause for their translations")
	f.IntVar(&opts.Queue, "queue", opts.Queue, "utterances that may wait for a request when the service falls behind; past it the oldest is dropped (and reported)")
	f.DurationVar(&opts.CueMax, "cue-max", opts.CueMax, "the longest utterance: a speaker who does not pause is cut at a quiet moment before it [1s, 1m]")
	f.StringVar(&opts.InputArgs, "input-args", "", "ffmpeg input options for the source, before -i, e.g. \"-f s16le -ar 16000 -ac 1\" for raw audio piped in (split at spaces)")
	f.BoolVar(&opts.Realtime, "realtime", false, "read a file or a pipe at its own pace, as if it were playing (ffmpeg -re)")
	f.DurationVar(&opts.Follow, "follow", opts.Follow, "a file source is followed as it grows; the run ends when it has not grown for this long (ffmpeg waits as long again at the very end) (0 = read it to its end once)")
	requestFlags(a, cmd, &opts.translateOptions, "stop the run (the source closed, the utterances in flight finished) once the estimated cost of what was translated reaches AMOUNT, e.g. 0.50, in the price table's currency (CNY unless configured), or \"0.50 CNY\"")
	cmdutil.CompleteFlag(cmd, "to", complete.LanguageFunc(false, false, false))
	cmdutil.CompleteFlag(cmd, "format", complete.Fixed(complete.LiveFormats()))
	return cmd
}

// validate checks the options before anything is opened: translate's checks of the languages,
// the request, speech and the service, then live's own.
func (o *liveOptions) validate(c *config.Config) (*settings, *live.Source, error) {
	s := &settings{model: o.Model, format: strings.ToLower(strings.TrimSpace(o.Format)), speechTo: o.AudioOut, sampling: o.Sampling}
	if s.model == "" {
		s.model = config.DefaultModel
	}
	var src live.Source
	for _, check := range []func(*settings) error{
		func(s *settings) error { return o.checkLiveFormat(s, c) },
		o.checkLanguages,
		func(*settings) error { return o.Sampling.Check() },
		func(s *settings) error { return o.checkSpeech(s, c) },
		o.checkLiveRun,
		o.checkRequests,
		func(s *settings) error {
			var err error
			src, err = o.source()
			return err
		},
		func(s *settings) error { return o.checkService(s, c) },
	} {
		if err := check(s); err != nil {
			return nil, nil, err
		}
	}
	return s, &src, nil
}

func (o *liveOptions) checkLiveFormat(s *settings, c *config.Config) error {
	fromConfig := c != nil && !c.FromFlag(config.KeyFormat) && c.Source(config.KeyFormat) != ""
	switch {
	case s.format == live.FormatText || s.format == live.FormatJSONL || s.format == live.FormatSRT || s.format == live.FormatVTT:
	case s.format == "json" && fromConfig:
		// A default for translate's documents, from the file or the environment: live has no
		// document to write, and prints its lines.
		s.warnings = append(s.warnings, fmt.Sprintf("format json (%s) is one document at the end of a run, and a live run has no end: live writes text (--format jsonl for events)", c.Source(config.KeyFormat)))
		s.format = live.FormatText
	case s.format == "json":
		return usagef("use --format jsonl for an event a line as the run goes", "--format json is one document at the end, and a live run has no end")
	default:
		return usagef("", "unknown --format %q; choose text, jsonl, srt or vtt", s.format)
	}
	if o.Timestamps && s.format != live.FormatText {
		return usagef("drop --timestamps: the other formats carry the times", "--timestamps prefixes the lines of --format text")
	}
	return nil
}

// checkLiveRun checks how the run goes: one target, where its output goes, how many utterances
// at once, how long one may be.
func (o *liveOptions) checkLiveRun(s *settings) error {
	if len(s.targets) > 1 {
		return usagef("run one live per language", "--to names %d languages, and live translates into one", len(s.targets))
	}
	switch {
	case o.OutDir != "" && (o.Output != "" || o.AudioOut != ""):
		return usagef("", "--out-dir names the files itself; drop -o and --audio-out")
	case o.Speech && o.OutDir == "":
		return usagef("use --audio-out FILE.wav, or add --out-dir DIR", "--speech writes the hour's .wav under --out-dir")
	}
	if err := o.checkSending(s); err != nil {
		return err
	}
	if o.Queue < 1 || o.Queue > 10000 {
		return usagef("", "--queue %d is out of range: must be in [1, 10000]", o.Queue)
	}
	if err := o.checkCueMax(); err != nil {
		return err
	}
	if o.Follow < 0 {
		return usagef("e.g. --follow 30s, or 0 to read a file once", "--follow %s is negative", o.Follow)
	}
	return nil
}

// source reads SOURCE; a file must exist.
func (o *liveOptions) source() (live.Source, error) {
	src, err := live.ParseSource(o.Source, live.SourceOptions{InputArgs: strings.Fields(o.InputArgs), Realtime: o.Realtime, Follow: o.Follow})
	if err != nil {
		return src, usagef("e.g. pulse:default, https://…/stream.m3u8, talk.wav or -", "source %s", err)
	}
	if src.Kind == live.File {
		if _, err := os.Stat(o.Source); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return src, usagef("name a file, a device (pulse:default), a stream's URL or - for standard input", "%s: no such file", o.Source)
			}
			return src, fmt.Errorf("%s: %w", o.Source, err)
		}
	}
	return src, nil
}

// runLive is the live command: validate, open the outputs and the ledger, run until the source
// ends or a signal, and say what was done.
func runLive(ctx context.Context, a *app, opts *liveOptions) error {
	s, src, err := opts.validate(a.cfg)
	if err != nil {
		return a.fromSource(err)
	}
	for _, w := range s.warnings {
		a.warnf("%s", w)
	}
	if err := live.CheckOutputs(*src, results.Output{Name: "-o", Path: opts.Output}, results.Output{Name: "--audio-out", Path: opts.AudioOut}); err != nil {
		return err
	}
	if s.ledger, err = a.openLedger(ctx, s, opts.Ledger, opts.NoLedger); err != nil {
		return err
	}
	defer s.ledger.Close()
	ts := a.requestSettings(s, &opts.translateOptions)
	p := &pipeline.Pipeline{Runner: a.newRunner(s), Recorder: s.ledger.Recorder(), Info: worded(a.infof), Warn: worded(a.warnf)}
	sess := &live.Session{
		Settings: live.Settings{Source: *src, Stdin: a.io.In, Request: ts, Jobs: s.jobs, Queue: opts.Queue,
			Cut: live.CutterOptions{Threshold: s.pauses.Threshold, MinPause: s.pauses.MinPause, CueMax: opts.CueMax}},
		Dest: live.Destination{Stdout: a.io.Out, Output: opts.Output, AudioOut: opts.AudioOut, OutDir: opts.OutDir,
			Speech: opts.Speech, Overwrite: opts.Overwrite, Format: s.format, Target: s.to.Code},
		Timestamps: opts.Timestamps, Realtime: opts.Realtime, FormatGiven: opts.InputArgs != "", Model: s.model, Cap: s.maxCost,
		Runner: p.Requests(ctx, ts, src.Name, "audio"), Estimate: s.ledger.Estimate,
		ErrorInfo: a.errorInfo,
		// What fails every request alike (a key refused, a quota used up, a model unknown) ends
		// the run: a microphone would otherwise fail an utterance at a time for ever.
		Fatal: func(err error) bool {
			var ae *api.Error
			return exitCode(err) == exitConfig || (errors.As(err, &ae) && ae.StatusCode == 404)
		},
		Report:   live.Report{Warn: worded(a.warnf), Info: a.infof, Note: a.notef},
		Summary:  func(line string) { fmt.Fprintln(a.io.Err, a.redact("livetranslate: live: "+line)) },
		ExitWarn: worded(a.exitWarnf), Quiet: a.quiet,
	}
	_, outcome, err := sess.Run(ctx)
	if code := map[live.Outcome]int{live.Interrupted: exitInterrupted, live.Partial: exitPartial, live.Truncated: exitTruncated}[outcome]; err == nil && code != 0 {
		return &silentExit{code: code}
	}
	return err
}
