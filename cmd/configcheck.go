package cmd

import (
	"errors"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/config"
)

// applyConfig checks what the config file and LIVETRANSLATE_* give the settings (exit 3 for a
// bad value, a warning for what no run reads), then gives each setting flag of the running
// command that the command line left unset its value from there, so that a command reads every
// setting from its flags alone.
func (a *app) applyConfig(run *cobra.Command) error {
	if err := a.cfg.Check(config.FlagKeys(flagSets(run.Root())), a.io.Environment(), a.warnf); err != nil {
		return err
	}
	return a.cfg.Apply()
}

// flagSets are the flag sets of c and every command under it.
func flagSets(c *cobra.Command) []*pflag.FlagSet {
	sets := []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()}
	for _, sub := range c.Commands() {
		sets = append(sets, flagSets(sub)...)
	}
	return sets
}

// flagInError finds the flag a settings error names first: "--jobs 0 is out of range",
// "unknown --format \"xml\"", "--to: unknown language".
var flagInError = regexp.MustCompile(`^(unknown |invalid )?--([a-z][a-z-]*)\b[ :]*`)

// fromSource turns an error about a flag's value into one about where the value came from when
// that was not the command line: "jobs in FILE: 0 is out of range" (exit 3, configuration), not
// "--jobs 0 is out of range" (exit 2) for a flag the user never passed.
func (a *app) fromSource(err error) error {
	msg := message(err)
	m := flagInError.FindStringSubmatchIndex(msg)
	if m == nil || a.cfg == nil {
		return err
	}
	flag := msg[m[4]:m[5]]
	src := a.cfg.Source(config.FlagKey(flag))
	if src == "" || strings.HasPrefix(src, "--") {
		return err
	}
	what := msg[m[1]:]
	if m[2] >= 0 { // "unknown --format "xml"; choose …" reads "format in FILE: unknown "xml"; …"
		what = msg[m[2]:m[3]] + what
	}
	return config.SourceError(src, config.FlagKey(flag), errors.New(what))
}
