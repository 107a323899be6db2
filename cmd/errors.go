package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/live"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/pauses"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// errSilent marks an error already reported on stderr; only its exit code matters.
var errSilent = errors.New("already reported")

// quietVerbose refuses -q with -v: one asks for nothing but errors, the other for more.
func quietVerbose() error {
	return usagef("use one of them", "-q/--quiet and -v/--verbose cannot be used together")
}

// usagef returns a usage error (exit code 2) with its hint ("" for none).
func usagef(hint, format string, args ...any) error {
	return usage.Errorf(hint, format, args...)
}

// billingCodes are vendor codes that mean the account, not the request, is refused (docs/service.md, Errors).
var billingCodes = map[string]bool{
	"Arrearage": true, "insufficient_quota": true, "CommodityNotPurchased": true,
	"PrepaidBillOverdue": true, "PostpaidBillOverdue": true, "AllocationQuota.FreeTierOnly": true,
	"Throttling.AllocationQuota": true,
}

// exitCode maps an error to the exit codes of the README's table; it is the only place that does.
func exitCode(err error) int {
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	var silent *silentExit
	if errors.As(err, &silent) {
		return silent.code
	}
	if _, ok := usage.As(err); ok {
		return exitUsage
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		return exitConfig
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == 401 || ae.StatusCode == 403 || billingCodes[ae.Code]:
			return exitConfig
		case ae.StatusCode == 400 && !ae.InStream, ae.StatusCode == 404:
			return exitUsage
		}
		return exitFailure
	}
	var missing *media.MissingToolError
	if errors.As(err, &missing) {
		// The machine lacks ffmpeg/ffprobe: the user's set-up, like a missing key.
		return exitConfig
	}
	return exitFailure
}

// silentExit carries an exit code for a failure already reported.
type silentExit struct{ code int }

func (e *silentExit) Error() string { return errSilent.Error() }
func (e *silentExit) Is(t error) bool {
	return t == errSilent
}

// hintOf returns the second line to print under an error, if any part of the chain has one.
// keySource is where the API key came from ("$DASHSCOPE_API_KEY", "api_key in FILE", "--api-key"),
// for the hint under a refused key.
func hintOf(err error, keySource string) string {
	if ue, ok := usage.As(err); ok && ue.Hint != "" {
		return ue.Hint
	}
	if h := flagHint(err); h != "" {
		return h
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		return ce.Hint
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == 401:
			if keySource == "" {
				keySource = "$DASHSCOPE_API_KEY"
			}
			return "check the key from " + keySource + ", and that it belongs to the region of --region/--base-url (Singapore and Beijing keys differ)"
		case ae.StatusCode == 429:
			return "the account's rate limit (100 requests, 100,000 tokens a minute) was hit; wait a minute and retry"
		case strings.Contains(ae.Message, "data-uri"):
			return "the file is too large to send inline; pass a public http(s) URL instead"
		}
	}
	return ""
}

// flagHint is the hint, naming the flag that changes it, for an internal package's usage error
// that says what is wrong in its domain's words.
func flagHint(err error) string {
	var exists *atomicfile.ExistsError
	var collision *batch.CollisionError
	var notVideo *pipeline.NotVideoError
	var foreign *results.ForeignError
	var isInput *results.InputError
	var stdinExists *results.StdinExistsError
	switch {
	case errors.As(err, new(*api.RangeError)):
		return "see livetranslate translate --help"
	case errors.As(err, new(*pauses.ThresholdError)):
		return "e.g. --pause-threshold -40 (dB below full scale; louder is speech), or pause_threshold in the config file"
	case errors.As(err, new(*pauses.MinPauseError)):
		return "e.g. --min-pause 0.3s, or min_pause in the config file"
	case errors.As(err, &exists):
		return "pass --overwrite to replace it, or choose another name"
	case errors.As(err, &foreign):
		return "move it, or pass --overwrite to replace it"
	case errors.As(err, &isInput):
		return "choose an --out-dir outside the inputs, or rename the input"
	case errors.As(err, &stdinExists):
		return "pass --overwrite to replace it, or write to -o FILE"
	case errors.As(err, &collision):
		return "translate them into separate --out-dir directories, or name the folder that holds both"
	case errors.Is(err, batch.ErrNoInput):
		return "give files, directories, http(s) URLs, - for standard input, or --files-from"
	case errors.As(err, new(*batch.NoMediaError)):
		return "name the files, or check --include/--exclude"
	case errors.Is(err, pipeline.ErrNoSoundForSpeech):
		return "drop --audio-out/--speech to send its pictures for text alone"
	case errors.As(err, &notVideo):
		return "use --audio-out FILE.wav --align for aligned speech"
	}
	return runHint(err)
}

// message is err's error line as the command line words it: an internal package's error says
// what is wrong in its domain's words, and the flag that changes it is named here. Every error
// line and JSON error message is err's message through this.
func message(err error) string {
	msg := err.Error()
	var tooLarge *split.TooLargeError
	var notVideo *pipeline.NotVideoError
	switch {
	case errors.As(err, &tooLarge):
		return reword(msg, tooLarge, tooLarge.Error()+": use --split auto")
	case errors.As(err, &notVideo):
		return reword(msg, notVideo, fmt.Sprintf("--dub needs a video; %s is %s", notVideo.Name, notVideo.Kind))
	}
	if worded, inner := mediaMessage(err); inner != nil {
		return reword(msg, inner, worded)
	}
	if worded, inner := splitMessage(err); inner != nil {
		return reword(msg, inner, worded)
	}
	if worded, inner := runMessage(err); inner != nil {
		return reword(msg, inner, worded)
	}
	var list *batch.ListError
	switch {
	case errors.Is(err, batch.ErrNoInput):
		return reword(msg, batch.ErrNoInput, "translate needs an input")
	case errors.As(err, &list) && list.Open:
		return reword(msg, list, "--files-from: "+list.Err.Error())
	case errors.As(err, &list):
		return reword(msg, list, "--files-from "+list.Error())
	}
	if worded, inner := settingMessage(err); inner != nil {
		return reword(msg, inner, worded)
	}
	var speechExists *speech.ExistsError
	var notLedger *ledger.NotLedgerError
	switch {
	case errors.As(err, &speechExists):
		return reword(msg, speechExists, speechExists.Path+" already exists: pass --overwrite to replace it")
	case errors.Is(err, ledger.ErrNoPath):
		return reword(msg, ledger.ErrNoPath, "usage ledger: no path (set XDG_STATE_HOME or HOME, or give --ledger)")
	case errors.As(err, &notLedger):
		return reword(msg, notLedger, fmt.Sprintf("%s is not a usage ledger (damaged, or another kind of file): move it aside, or give --ledger another path: %v", notLedger.Path, notLedger.Err))
	}
	return msg
}

// skipReason is why a walk left a file out, naming the flag that did.
func skipReason(why batch.Reason) string {
	switch why {
	case batch.SkipOutDir:
		return "it is the --out-dir"
	case batch.SkipExcluded:
		return "filtered out by --exclude"
	case batch.SkipNotIncluded:
		return "not matched by --include"
	}
	return string(why)
}

// splitMessage words internal/split's errors about --split, --segment, --inline-limit and
// --max-tokens; inner is the error in err's chain that worded replaces (nil for none).
func splitMessage(err error) (worded string, inner error) {
	var (
		mode       *split.UnknownModeError
		unsplit    *split.UnsplittableError
		short      *split.SegmentTooShortError
		needsProbe *split.AlwaysNeedsFFprobeError
	)
	switch {
	case errors.As(err, &mode):
		return fmt.Sprintf("unknown --split value %q: choose auto, always or never", mode.Value), mode
	case errors.As(err, &unsplit):
		return unsplit.Error() + "; raise --inline-limit or --max-tokens", unsplit
	case errors.As(err, &short):
		return fmt.Sprintf("--segment %s is too short: at least %s", short.Segment, short.Min), short
	case errors.As(err, &needsProbe):
		return "--split always needs ffprobe: " + needsProbe.Err.Error(), needsProbe
	}
	return "", nil
}

// settingMessage words the range errors of the request's settings (api.Sampling's parameters,
// whose flags are their body names with dashes, and the pause finder's overrides); inner is the
// error in err's chain that worded replaces (nil for none).
func settingMessage(err error) (worded string, inner error) {
	var (
		sampling  *api.RangeError
		threshold *pauses.ThresholdError
		minPause  *pauses.MinPauseError
	)
	switch {
	case errors.As(err, &sampling):
		return fmt.Sprintf("--%s %s is out of range: must be %s", config.FlagName(sampling.Param), sampling.Value, sampling.Range), sampling
	case errors.As(err, &threshold):
		return fmt.Sprintf("--pause-threshold %q is not a level in [%g, %g] dB", threshold.Value, pauses.MinThreshold, pauses.MaxThreshold), threshold
	case errors.As(err, &minPause):
		return fmt.Sprintf("--min-pause %s is out of range: must be in [%s, %s]", minPause.Value, pauses.MinMinPause, pauses.MaxMinPause), minPause
	}
	return "", nil
}

// worded is a printf-style report (Pipeline.Info or Warn) whose typed arguments, an internal
// package's notes and warnings in its own words, are worded by the command line, naming the
// flag they are about.
func worded(report func(format string, args ...any)) func(format string, args ...any) {
	return func(format string, args ...any) {
		args = append([]any(nil), args...)
		for i, arg := range args {
			if w, ok := wordArg(arg); ok {
				args[i] = w
			}
		}
		report(format, args...)
	}
}

// wordArg is the command line's wording of a typed note or warning.
func wordArg(arg any) (string, bool) {
	switch n := arg.(type) {
	case *pipeline.NoSpeechWarning:
		if n.Report != nil {
			return n.String() + "; if it does have speech, set --pause-threshold below its level", true
		}
	case *pipeline.MixIgnoredWarning:
		return n.Name + " has no sound to keep under the dub: --dub-mix ignored", true
	case *split.AssumedFormatNote:
		return n.String() + "; --input-format (e.g. mp4) says otherwise", true
	case *media.FormatMismatch:
		return fmt.Sprintf("%s is %s by its content, not %s as --input-format says; it is sent as %s (drop --input-format to send what it is)", n.Name, n.Content, n.Given, n.Given), true
	case *split.URLUnsplitNote:
		return "--split always cannot split a URL: download the file to split it", true
	case *split.SegmentsNote:
		if n.Cap == 0 {
			return fmt.Sprintf("to be cut at pauses into segments of at most %s (--segment), re-encoded to %s", n.Target.Round(time.Second), n.Encoding), true
		}
	}
	return runNote(arg)
}

// mediaMessage words internal/media's refusals that --input-format, --split and --inline-limit
// change; inner is the error in err's chain that worded replaces (nil for none).
func mediaMessage(err error) (worded string, inner error) {
	var (
		unrecognised *media.UnrecognisedError
		undecodable  *media.UndecodableError
		cutShort     *media.CutShortError
		tooLong      *media.StreamTooLongError
		text         *media.TextError
		unknown      *media.UnknownFormatError
	)
	switch {
	case errors.As(err, &unrecognised):
		switch {
		case unrecognised.Prefix:
			return unrecognised.Error() + " (--input-format says what it is, if it is sound)", unrecognised
		case unrecognised.NoFFprobe:
			return unrecognised.Name + " is not an audio or video file (content not recognised); if it is one, pass --input-format, or install ffmpeg so ffprobe can identify it", unrecognised
		}
		return unrecognised.Error() + "; if it is one, pass --input-format", unrecognised
	case errors.As(err, &undecodable):
		return undecodable.Error() + "; pass --input-format to send it as is", undecodable
	case errors.As(err, &cutShort):
		if cutShort.WAV {
			return cutShort.Error() + ", or pass --input-format wav to send it as is", cutShort
		}
		return cutShort.Error() + ", or pass --input-format to send it as is", cutShort
	case errors.As(err, &tooLong):
		return tooLong.Error() + " (--split never, --inline-limit): allow splitting, or raise --inline-limit", tooLong
	case errors.As(err, &text):
		return fmt.Sprintf("%s is text, not sound (--input-format %s cannot make it sound)", text.Name, text.Format), text
	case errors.As(err, &unknown):
		return fmt.Sprintf("unknown --input-format %q: choose auto or one of %s", unknown.Value, unknown.Choices), unknown
	}
	return "", nil
}

// reword replaces, in msg, the message of inner (an error in its chain, wrapped with context
// before it) by the command line's wording.
func reword(msg string, inner error, worded string) string {
	return strings.Replace(msg, inner.Error(), worded, 1)
}

// noArgs is cobra.NoArgs with a usage error, so a stray argument exits with 2.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("see "+cmd.CommandPath()+" --help", "%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// runMessage words the refusals of the cost cap (--max-cost) and of --out-dir; inner is the
// error in err's chain that worded replaces (nil for none).
func runMessage(err error) (worded string, inner error) {
	var over *dryrun.OverCapError
	var liveCap *live.CapError
	var notDir *results.NotDirError
	switch {
	case errors.As(err, &over):
		return "--max-cost " + over.Cap.String() + ": " + over.Error(), over
	case errors.Is(err, dryrun.ErrStdinUnpriced):
		return "--max-cost cannot estimate standard input without reading it first", dryrun.ErrStdinUnpriced
	case errors.As(err, &liveCap):
		return "--max-cost " + liveCap.Cap.String() + ": " + liveCap.Reason(), liveCap
	case errors.As(err, &notDir):
		return "--out-dir " + notDir.Error(), notDir
	}
	return "", nil
}

// runHint is the hint, naming the flag, under the refusals runMessage words and under raw
// audio piped into live without its format.
func runHint(err error) string {
	var over *dryrun.OverCapError
	var liveCap *live.CapError
	var raw *live.RawInputError
	switch {
	case errors.As(err, &raw):
		return "raw PCM piped in needs its format, e.g. --input-args \"-f s16le -ar 16000 -ac 1\""
	case errors.As(err, &over) && over.Unpriced != nil && over.Unpriced.URL:
		return "download it and name the file, or drop --max-cost"
	case errors.As(err, &over) && over.Unpriced != nil, errors.As(err, &liveCap) && liveCap.Currency == "":
		return "add the model's prices under pricing: in the config file, or drop --max-cost"
	case errors.As(err, &over) && over.Currency != "", errors.As(err, &liveCap):
		return "give the cap in the price table's currency, e.g. --max-cost 0.50"
	case errors.As(err, &over):
		return "raise --max-cost, or see what would be sent with --dry-run"
	case errors.Is(err, dryrun.ErrStdinUnpriced):
		return "save it to a file and name the file, or drop --max-cost"
	case errors.As(err, new(*results.NotDirError)):
		return "choose a directory, or a name that does not exist yet (it is created)"
	}
	return ""
}

// runNote words the notes and warnings of the cost cap, of earlier results under --out-dir and
// of a live run.
func runNote(arg any) (string, bool) {
	switch n := arg.(type) {
	case *dryrun.WithinCapNote:
		return fmt.Sprintf("estimated cost %.4f %s, within --max-cost %s", n.Total.Cost, n.Total.Currency, n.Cap), true
	case *results.UnclaimedNote:
		return fmt.Sprintf("%d more inputs have results under the names of an earlier run or version (-v lists them); they are translated", n.More), true
	case *live.NoSpeechWarning:
		return fmt.Sprintf("no speech heard in %s of %s: nothing was sent (a muted microphone? or set --pause-threshold under the speaker's level)", textfmt.Clock(n.Audio), n.Source), true
	case *live.TruncatedWarning:
		return n.String() + "; raise --max-tokens (at most 4096), or a shorter --cue-max", true
	}
	return "", false
}
