package cmd

import (
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/complete"
)

// Every value offered by the completion of a flag with fixed choices is one the command takes;
// a value the command does not take is refused (so the check can fail).
func TestCompletionChoicesAreAccepted(t *testing.T) {
	key := map[string]string{"DASHSCOPE_API_KEY": "sk-completion-test"}
	for flag, choices := range map[string][]string{
		"--format":    complete.Formats(),
		"--split":     complete.Splits(),
		"--progress":  complete.Progress(),
		"--region":    complete.Regions(),
		"--cache":     complete.Cache(),
		"--lang-form": complete.LangForms(),
	} {
		for _, c := range append(choices, "bogus\tnot a value") {
			value, desc, ok := strings.Cut(c, "\t")
			if !ok || desc == "" {
				t.Errorf("%s: candidate %q has no description", flag, c)
			}
			args := []string{"a.wav", "--to", "fr", flag, value}
			_, _, err := validateArgs(t, key, args...)
			switch {
			case value == "bogus" && err == nil:
				t.Errorf("translate %s was accepted: the check cannot fail", strings.Join(args, " "))
			case value != "bogus" && err != nil:
				t.Errorf("translate %s: %v", strings.Join(args, " "), err)
			}
		}
	}
}
