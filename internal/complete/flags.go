package complete

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/split"
)

// The fixed choices of the flags that have them, each described as the flag's help describes it;
// functions, so that no caller can change another's.

// Formats are the choices of translate's --format.
func Formats() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("text", "the translation as it arrives"),
		cobra.CompletionWithDesc("json", "one document at the end"),
		cobra.CompletionWithDesc("jsonl", "one event per line as it happens"),
		cobra.CompletionWithDesc("srt", "subtitles timed to the source"),
		cobra.CompletionWithDesc("vtt", "WebVTT subtitles timed to the source"),
	}
}

// LiveFormats are the choices of live's --format.
func LiveFormats() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("text", "a line an utterance, as it arrives"),
		cobra.CompletionWithDesc("jsonl", "an event a line"),
		cobra.CompletionWithDesc("srt", "SubRip subtitles, cue by cue"),
		cobra.CompletionWithDesc("vtt", "WebVTT subtitles, cue by cue"),
	}
}

// Regions are the choices of --region.
func Regions() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("intl", "Singapore"),
		cobra.CompletionWithDesc("cn", "Beijing"),
	}
}

// Splits are the choices of --split.
func Splits() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc(split.Auto.String(), "split what does not fit one request"),
		cobra.CompletionWithDesc(split.Always.String(), "split every input at its pauses"),
		cobra.CompletionWithDesc(split.Never.String(), "refuse what does not fit one request"),
	}
}

// Progress are the choices of --progress.
func Progress() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("auto", "a status line on a terminal, plain lines elsewhere"),
		cobra.CompletionWithDesc("always", "the status line, even when stderr is not a terminal"),
		cobra.CompletionWithDesc("never", "no progress"),
	}
}

// Cache are the choices of --cache.
func Cache() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("auto", "unless sampled at random"),
		cobra.CompletionWithDesc("always", "even when sampled at random"),
		cobra.CompletionWithDesc("never", "always ask the service"),
	}
}

// LangForms are the choices of --lang-form.
func LangForms() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc("codes", "fr, as every official example"),
		cobra.CompletionWithDesc("names", "French, as the reference's parameter table"),
	}
}

// Groupings are the usage report's groupings (ledger.Groupings), described.
func Groupings() []cobra.Completion {
	byDescriptions := map[string]string{
		ledger.ByDay:      "the day a request started",
		ledger.ByModel:    "the model asked for",
		ledger.ByLanguage: "source→target",
		ledger.ByInput:    "the input's content, named by its latest path",
	}
	var out []cobra.Completion
	for _, g := range ledger.Groupings() {
		out = append(out, cobra.CompletionWithDesc(g, byDescriptions[g]))
	}
	return out
}

// Fixed completes a flag with choices and no file names.
func Fixed(choices []cobra.Completion) cobra.CompletionFunc {
	return cobra.FixedCompletions(choices, cobra.ShellCompDirectiveNoFileComp)
}

// LanguageFunc completes a language flag: codes, or English names once something is typed;
// speechOnly keeps the languages the model can speak, withAuto offers "auto" (detect it) too,
// list completes the last of a comma-separated list (fr,d → fr,de).
func LanguageFunc(speechOnly, withAuto, list bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		head := ""
		if i := strings.LastIndex(toComplete, ","); list && i >= 0 {
			head, toComplete = toComplete[:i+1], toComplete[i+1:]
		}
		out := Languages(toComplete, speechOnly)
		if withAuto {
			out = append([]cobra.Completion{cobra.CompletionWithDesc("auto", "the model detects it")}, out...)
		}
		for i := range out {
			out[i] = head + out[i]
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// VoiceFunc completes a voice flag with the voices that can speak every target language the run
// would have. cfgFile is the config file the command line names ("" for the default one), read
// when completing, after the command line has been parsed.
func VoiceFunc(cfgFile *string, getenv func(string) string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		targets := target(cmd, config.Options{File: *cfgFile, Getenv: getenv})
		return Voices(strings.Split(targets, ","), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// target is the target languages a run of cmd with the flags typed so far would have, separated
// by commas: the flag's, else the environment's or the config file's (the precedence
// config.Config keeps). The configuration is read here, not by the root's hook, which completion
// skips so that a broken config file cannot break it; a file that cannot be read leaves the
// flag's value alone.
func target(cmd *cobra.Command, opts config.Options) string {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := config.Load(ctx, opts)
	if err == nil {
		err = cfg.BindFlags(cmd.Flags())
	}
	if err != nil {
		if f := cmd.Flags().Lookup(config.KeyTo); f != nil {
			return f.Value.String()
		}
		return ""
	}
	return cfg.String(config.KeyTo)
}
