// Package cmdutil is the Cobra plumbing the commands share, as gh's pkg/cmdutil is: the
// annotations that say which commands load the configuration and which global flags each uses
// (its help hides the others), the suggestion under a mistyped command, the registration of a
// flag's completion, and a walk over the command tree for the tools that document it. It knows
// nothing of translation; the commands themselves are cmd's.
package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Annotations read by this package.
const (
	noConfigKey = "livetranslate/noconfig"
	globalsKey  = "livetranslate/globals"
)

// SkipConfig marks c as a command that runs without loading the configuration (config path,
// which names the file whatever it holds), and returns it.
func SkipConfig(c *cobra.Command) *cobra.Command {
	annotate(c, noConfigKey, "")
	return c
}

// LoadsConfig reports whether c needs the configuration loaded before it runs. Shell completion
// (the hidden __complete, and the completion command that prints the scripts) does not, so that
// a broken config file cannot break the shell's completion, nor does a command marked by
// SkipConfig.
func LoadsConfig(c *cobra.Command) bool {
	if _, ok := c.Annotations[noConfigKey]; ok {
		return false
	}
	for p := c; p != nil; p = p.Parent() {
		switch p.Name() {
		case cobra.ShellCompRequestCmd, "completion":
			if p.Parent() == c.Root() {
				return false
			}
		}
	}
	return true
}

// UsesGlobals notes that c uses only the named global flags (none when no name is given), so
// that its help does not list the others: --region means nothing to `languages`.
func UsesGlobals(c *cobra.Command, names ...string) *cobra.Command {
	annotate(c, globalsKey, strings.Join(names, ","))
	return c
}

func annotate(c *cobra.Command, key, value string) {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[key] = value
}

// HideUnusedGlobals hides from c's help the global flags it does not use (they are still
// accepted: a script may pass --config to every command). The flags are the root's, shared by
// every command: the function it returns shows them again.
func HideUnusedGlobals(c *cobra.Command) (restore func()) {
	used, ok := c.Annotations[globalsKey]
	if !ok {
		return func() {}
	}
	keep := map[string]bool{"help": true}
	for _, n := range strings.Split(used, ",") {
		keep[n] = true
	}
	var hidden []*pflag.Flag
	c.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		if !keep[f.Name] && !f.Hidden {
			f.Hidden = true
			hidden = append(hidden, f)
		}
	})
	return func() {
		for _, f := range hidden {
			f.Hidden = false
		}
	}
}

// Walk calls document for c and each command under it that a user can run, each with the global
// flags it does not use hidden, as its --help hides them.
func Walk(c *cobra.Command, document func(c *cobra.Command) error) error {
	restore := HideUnusedGlobals(c)
	err := document(c)
	restore()
	if err != nil {
		return err
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
			if err := Walk(sub, document); err != nil {
				return err
			}
		}
	}
	return nil
}

// SuggestHint is the hint under a name typed after parent that is none of its commands: the
// commands it may be a typo of, and where the list is.
func SuggestHint(parent *cobra.Command, name string) string {
	hint := "see " + parent.CommandPath() + " --help"
	if sug := parent.SuggestionsFor(name); len(sug) > 0 {
		hint = "did you mean " + strings.Join(sug, " or ") + "? " + hint
	}
	return hint
}

// UnknownCommand recognises cobra's error for a command that does not exist (with suggestions
// turned off, its message is one line) and returns the name the user typed.
func UnknownCommand(err error) (string, bool) {
	if err == nil || !strings.HasPrefix(err.Error(), "unknown command ") {
		return "", false
	}
	var name string
	if _, serr := fmt.Sscanf(err.Error(), "unknown command %q", &name); serr != nil {
		return "", false
	}
	return name, true
}

// CompleteFlag registers fn as the completion of c's flag name. The registration fails only for
// a flag c does not have or one registered twice, a mistake of the command's that every run
// would make; the tests build every command, so it never reaches a user.
func CompleteFlag(c *cobra.Command, name string, fn cobra.CompletionFunc) {
	if err := c.RegisterFlagCompletionFunc(name, fn); err != nil {
		panic(fmt.Sprintf("completion of --%s: %v", name, err))
	}
}
