package cmd

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/dryrun"
	"github.com/livetranslate/livetranslate/internal/live"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// The cost cap's, the output directory's and live's refusals read as they did when cmd wrote
// them: the packages say what is wrong, cmd names the flag, in the message and in the hint.
func TestRunRefusalsNameTheFlags(t *testing.T) {
	c := dryrun.Cap{Amount: 0.5}
	usd := dryrun.Cap{Amount: 2, Currency: "USD"}
	total := dryrun.Total{Inputs: 2, Requests: 3, Cost: 0.61, Currency: "CNY"}
	pcm := usage.Wrap(errors.New("reading -: not audio"), "")
	for _, tc := range []struct {
		err       error
		msg, hint string
	}{
		{usage.Wrap(&dryrun.OverCapError{Cap: c, Total: total}, ""),
			"--max-cost 0.5: the estimated cost, 0.6100 CNY (2 inputs, 3 requests), is over the cap of 0.5; nothing was sent",
			"raise --max-cost, or see what would be sent with --dry-run"},
		{usage.Wrap(&dryrun.OverCapError{Cap: c, Unpriced: &dryrun.Row{Name: "https://x/a.mp3", URL: true}}, ""),
			"--max-cost 0.5: the cost of https://x/a.mp3 cannot be estimated before it is sent (a URL's length is not known here), so the run cannot be held to a cap of 0.5",
			"download it and name the file, or drop --max-cost"},
		{usage.Wrap(&dryrun.OverCapError{Cap: c, Unpriced: &dryrun.Row{Name: "a.mp3"}}, ""),
			"--max-cost 0.5: the cost of a.mp3 cannot be estimated (the price table has no prices for its model), so the run cannot be held to a cap of 0.5",
			"add the model's prices under pricing: in the config file, or drop --max-cost"},
		{usage.Wrap(&dryrun.OverCapError{Cap: usd, Currency: "CNY"}, ""),
			"--max-cost 2 USD: the cap 2 USD is in USD; the price table prices in CNY",
			"give the cap in the price table's currency, e.g. --max-cost 0.50"},
		{usage.Wrap(dryrun.ErrStdinUnpriced, ""),
			"--max-cost cannot estimate standard input without reading it first",
			"save it to a file and name the file, or drop --max-cost"},
		{usage.Wrap(&live.CapError{Cap: c, Model: "qwen-x"}, ""),
			"--max-cost 0.5: the price table has no price for qwen-x",
			"add the model's prices under pricing: in the config file, or drop --max-cost"},
		{usage.Wrap(&live.CapError{Cap: usd, Model: "qwen-x", Currency: "CNY"}, ""),
			"--max-cost 2 USD: the price table is in CNY",
			"give the cap in the price table's currency, e.g. --max-cost 0.50"},
		{usage.Wrap(&results.NotDirError{Path: "out.txt"}, ""),
			"--out-dir out.txt is not a directory",
			"choose a directory, or a name that does not exist yet (it is created)"},
		{usage.Wrap(&live.RawInputError{Err: pcm}, ""),
			"reading -: not audio",
			`raw PCM piped in needs its format, e.g. --input-args "-f s16le -ar 16000 -ac 1"`},
	} {
		if got := message(tc.err); got != tc.msg {
			t.Errorf("message\n got %q\nwant %q", got, tc.msg)
		}
		if got := hintOf(tc.err, ""); got != tc.hint {
			t.Errorf("%s: hint %q, want %q", tc.msg, got, tc.hint)
		}
		if got := exitCode(tc.err); got != exitUsage {
			t.Errorf("%s: exit %d, want %d", tc.msg, got, exitUsage)
		}
	}
}

func TestRunNotesNameTheFlags(t *testing.T) {
	var got string
	report := worded(func(format string, args ...any) { got = fmt.Sprintf(format, args...) })
	for _, tc := range []struct {
		arg  any
		want string
	}{
		{&dryrun.WithinCapNote{Total: dryrun.Total{Cost: 0.0123, Currency: "CNY"}, Cap: dryrun.Cap{Amount: 0.5}},
			"estimated cost 0.0123 CNY, within --max-cost 0.5"},
		{&results.UnclaimedNote{More: 3},
			"3 more inputs have results under the names of an earlier run or version (-v lists them); they are translated"},
		{&live.NoSpeechWarning{Audio: 65 * time.Second, Source: "pulse:default"},
			"no speech heard in 1:05 of pulse:default: nothing was sent (a muted microphone? or set --pause-threshold under the speaker's level)"},
		{&live.TruncatedWarning{N: 2},
			"2 translations were cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096), or a shorter --cue-max"},
	} {
		report("%s", tc.arg)
		if got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
