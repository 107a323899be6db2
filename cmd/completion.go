package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/complete"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/split"
)

// Completion of flag values. The scripts of `livetranslate completion bash|zsh|fish` ask the
// hidden `livetranslate __complete ARGS… PARTIAL` for the candidates, which these functions give:
// one per line, "value<TAB>description", and a last line ":N" with cobra's ShellCompDirective
// (4: do not offer file names instead).

var (
	formatChoices = []cobra.Completion{
		cobra.CompletionWithDesc("text", "the translation as it arrives"),
		cobra.CompletionWithDesc("json", "one document at the end"),
		cobra.CompletionWithDesc("jsonl", "one event per line as it happens"),
		cobra.CompletionWithDesc("srt", "subtitles timed to the source"),
		cobra.CompletionWithDesc("vtt", "WebVTT subtitles timed to the source"),
	}
	regionChoices = []cobra.Completion{
		cobra.CompletionWithDesc("intl", "Singapore"),
		cobra.CompletionWithDesc("cn", "Beijing"),
	}
	splitChoices = []cobra.Completion{
		cobra.CompletionWithDesc(split.Auto.String(), "split what does not fit one request"),
		cobra.CompletionWithDesc(split.Always.String(), "split every input at its pauses"),
		cobra.CompletionWithDesc(split.Never.String(), "refuse what does not fit one request"),
	}
	progressChoices = []cobra.Completion{
		cobra.CompletionWithDesc("auto", "a status line on a terminal, plain lines elsewhere"),
		cobra.CompletionWithDesc("always", "the status line, even when stderr is not a terminal"),
		cobra.CompletionWithDesc("never", "no progress"),
	}
	cacheChoices = []cobra.Completion{
		cobra.CompletionWithDesc("auto", "unless sampled at random"),
		cobra.CompletionWithDesc("always", "even when sampled at random"),
		cobra.CompletionWithDesc("never", "always ask the service"),
	}
	langFormChoices = []cobra.Completion{
		cobra.CompletionWithDesc("codes", "fr, as every official example"),
		cobra.CompletionWithDesc("names", "French, as the reference's parameter table"),
	}
	byDescriptions = map[string]string{
		ledger.ByDay:      "the day a request started",
		ledger.ByModel:    "the model asked for",
		ledger.ByLanguage: "source→target",
		ledger.ByInput:    "the input's content, named by its latest path",
	}
)

// byChoices are usage --by's groupings.
func byChoices() []cobra.Completion {
	var out []cobra.Completion
	for _, g := range ledger.Groupings() {
		out = append(out, cobra.CompletionWithDesc(g, byDescriptions[g]))
	}
	return out
}

// completeFlag registers fn as the completion of c's flag name. The registration fails only for
// a flag c does not have or one registered twice, a mistake of this package's that every run
// would make; the tests build every command, so it never reaches a user.
func completeFlag(c *cobra.Command, name string, fn cobra.CompletionFunc) {
	if err := c.RegisterFlagCompletionFunc(name, fn); err != nil {
		panic(fmt.Sprintf("completion of --%s: %v", name, err))
	}
}

// fixed completes a flag with choices and no file names.
func fixed(choices []cobra.Completion) cobra.CompletionFunc {
	return cobra.FixedCompletions(choices, cobra.ShellCompDirectiveNoFileComp)
}

// languages completes a language flag: codes, or English names once something is typed;
// speechOnly keeps the languages the model can speak, withAuto offers "auto" (detect it) too,
// list completes the last of a comma-separated list (--to fr,d → fr,de).
func languages(speechOnly, withAuto, list bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		head := ""
		if i := strings.LastIndex(toComplete, ","); list && i >= 0 {
			head, toComplete = toComplete[:i+1], toComplete[i+1:]
		}
		out := complete.Languages(toComplete, speechOnly)
		if withAuto {
			out = append([]cobra.Completion{cobra.CompletionWithDesc("auto", "the model detects it")}, out...)
		}
		for i := range out {
			out[i] = head + out[i]
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeVoice offers the voices that can speak every target language the run would have.
func (a *app) completeVoice(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return complete.Voices(strings.Split(a.completionTarget(cmd), ","), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completionTarget is the target languages a run of cmd with the flags typed so far would have,
// separated by commas: --to, else the environment's or the config file's (the precedence
// config.Config keeps). The configuration is read here, not by the root's hook, which completion
// skips so that a broken config file cannot break it; a file that cannot be read leaves --to
// alone.
func (a *app) completionTarget(cmd *cobra.Command) string {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := config.Load(ctx, config.Options{File: a.cfgFile, Getenv: a.getenv()})
	if err == nil {
		err = cfg.BindFlags(cmd.Flags())
	}
	if err != nil {
		if f := cmd.Flags().Lookup("to"); f != nil {
			return f.Value.String()
		}
		return ""
	}
	return cfg.String(config.KeyTo)
}
