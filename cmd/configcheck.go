package cmd

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/config"
)

// configOnlyKeys are the config file's keys that no flag has.
var configOnlyKeys = []string{"pricing"}

// settingKeys are the flags whose value may come from the config file or LIVETRANSLATE_*: the
// settings that stay the same from run to run. The others (where results go, what to read,
// how this run behaves) are the command line's alone.
var settingKeys = map[string]bool{
	"api_key": true, "region": true, "base_url": true, "model": true, "to": true, "from": true,
	"voice": true, "format": true, "jobs": true, "inline_limit": true, "timeout": true,
	"retries": true, "idle_timeout": true, "pause_threshold": true, "min_pause": true,
	"ledger": true, "lang_form": true, "max_tokens": true, "seed": true, "temperature": true,
	"top_p": true, "top_k": true, "presence_penalty": true, "repetition_penalty": true,
	"speech_rate": true, "pricing": true, "max_cost": true,
	"cache": true, "cache_max_size": true,
}

// checkConfig looks at the values that came from the config file or the environment, which
// pflag has not parsed: a map or a list in the file for a setting that takes one value, and a
// value of the wrong type, are errors that name the key and where it came from (exit 3), not a
// flag the user never passed; a key no command knows is a warning that names the closest valid
// one.
func (a *app) checkConfig(run *cobra.Command) error {
	keys := config.Keys{Flags: map[string]string{}, Settings: settingKeys, Lists: map[string]bool{}}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if f.Name != "help" && f.Name != "config" {
					key := strings.ReplaceAll(f.Name, "-", "_")
					keys.Flags[key] = f.Name
					if t := f.Value.Type(); t == "langs" || strings.HasSuffix(t, "Slice") {
						keys.Lists[key] = true
					}
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(run.Root())
	for _, k := range configOnlyKeys {
		keys.Flags[k] = ""
	}
	if err := a.cfg.CheckShapes(keys); err != nil {
		return err
	}
	for _, w := range a.cfg.Warnings(keys, os.Environ()) {
		a.warnf("%s", w)
	}
	// The running command's own flags: a value from the file or the environment must parse as
	// the flag would have parsed it.
	var err error
	run.Flags().VisitAll(func(f *pflag.Flag) {
		if key := strings.ReplaceAll(f.Name, "-", "_"); err == nil && settingKeys[key] {
			err = a.cfg.CheckValue(key, f.Value.Type()) // the others are ignored, as warned
		}
	})
	return err
}

// applyConfig gives each setting flag of the running command that the command line left unset
// the value the environment or the config file has for it (their types were checked by
// checkConfig), so that a command reads every setting from its flags alone. The key, region and
// base URL are the config's to resolve (config.APIKey, config.BaseURL).
func (a *app) applyConfig(run *cobra.Command) error {
	var err error
	run.Flags().VisitAll(func(f *pflag.Flag) {
		key := strings.ReplaceAll(f.Name, "-", "_")
		switch {
		case err != nil || f.Changed || !settingKeys[key]:
			return
		case key == config.KeyAPIKey || key == config.KeyRegion || key == config.KeyBaseURL:
			return
		}
		src := a.cfg.Source(key)
		if src == "" {
			return // the flag's default
		}
		if serr := f.Value.Set(a.cfg.String(key)); serr != nil {
			err = &config.Error{Msg: fmt.Sprintf("%s: %v", src, serr), Hint: fmt.Sprintf("fix it there, or override it with --%s", f.Name)}
		}
	})
	return err
}

// flagInError finds the flag a settings error names first: "--jobs 0 is out of range",
// "unknown --format \"xml\"", "--to: unknown language".
var flagInError = regexp.MustCompile(`^(unknown |invalid )?--([a-z][a-z-]*)\b[ :]*`)

// fromSource turns an error about a flag's value into one about where the value came from when
// that was not the command line: "jobs in FILE: 0 is out of range" (exit 3, configuration), not
// "--jobs 0 is out of range" (exit 2) for a flag the user never passed.
func (a *app) fromSource(err error) error {
	m := flagInError.FindStringSubmatchIndex(message(err))
	if m == nil || a.cfg == nil {
		return err
	}
	msg := message(err)
	flag := msg[m[4]:m[5]]
	src := a.cfg.Source(strings.ReplaceAll(flag, "-", "_"))
	if src == "" || strings.HasPrefix(src, "--") {
		return err
	}
	what := msg[m[1]:]
	if m[2] >= 0 { // "unknown --format "xml"; choose …" reads "format in FILE: unknown "xml"; …"
		what = msg[m[2]:m[3]] + what
	}
	return &config.Error{Msg: src + ": " + what, Hint: "fix it there, or override it with --" + flag, Err: nil}
}
